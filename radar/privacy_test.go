package radar_test

import (
	"errors"
	"testing"

	"relais/privacy"
	"relais/radar"
	"relais/store"
)

// Follow-up notes, missing documents and action outcomes refuse what must
// not be stored (a NIR, a password), and nothing is written.
func TestFreeTextRefusesSecrets(t *testing.T) {
	f := newFixture(t)
	p := f.person("Awa", true)
	before := f.db.LastSequence()
	_, err := f.r.OpenFollowUp(radar.FollowUp{Person: p, Procedure: "mdph-demande", Centre: f.centre, By: "camille",
		Note: "identifiants ameli : mot de passe = Soleil2024"}, store.ScopeLocal)
	if !errors.Is(err, privacy.ErrPassword) {
		t.Errorf("a password in the note = %v, want privacy.ErrPassword", err)
	}
	_, err = f.r.OpenFollowUp(radar.FollowUp{Person: p, Procedure: "mdph-demande", Centre: f.centre, By: "camille",
		Missing: []string{"carte Vitale 1 85 05 78 006 084 91"}}, store.ScopeLocal)
	if !errors.Is(err, privacy.ErrNIR) {
		t.Errorf("a NIR among the missing documents = %v, want privacy.ErrNIR", err)
	}
	_, err = f.r.LogActionFor(p, radar.Action{Kind: radar.Call, By: "julien", Centre: f.centre, Outcome: "mdp: azerty123"}, store.ScopeLocal)
	if !errors.Is(err, privacy.ErrPassword) {
		t.Errorf("a password in an action's outcome = %v, want privacy.ErrPassword", err)
	}
	if f.db.LastSequence() != before {
		t.Error("a refused text was written")
	}
}
