package guides_test

import (
	"errors"
	"testing"

	"relais/guides"
	"relais/privacy"
)

// A guide is shared with the whole network: a password or a card number
// in it, even as an example, is refused and nothing is written.
func TestSaveRefusesSecrets(t *testing.T) {
	l, db := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	g.Images, g.Steps[0].Images = nil, nil
	for i := range g.Steps {
		g.Steps[i].Images = nil
	}
	g.Steps[0].Body += "\n\nExemple : mot de passe = Soleil2024"
	before := db.LastSequence()
	if _, err := l.Save(g, nil, "camille"); !errors.Is(err, privacy.ErrPassword) {
		t.Errorf("Save with a password in a step = %v, want privacy.ErrPassword", err)
	}
	if db.LastSequence() != before {
		t.Error("a refused guide was written")
	}
	if _, err := l.Get(g.ID); !errors.Is(err, guides.ErrUnknownGuide) {
		t.Errorf("Get after the refusal = %v", err)
	}
}
