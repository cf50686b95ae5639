package appointments_test

import (
	"errors"
	"testing"
	"time"

	"relais/privacy"
)

// What staff write about an appointment (a reason, an outcome) refuses a
// password or a bank number, and nothing is written.
func TestFreeTextRefusesSecrets(t *testing.T) {
	f := newFixture(t)
	id := must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 24, 10, 0), 30)))
	before := f.db.LastSequence()
	if err := f.s.Cancel(id, "Annulé, mdp : Soleil2024"); !errors.Is(err, privacy.ErrPassword) {
		t.Errorf("Cancel with a password in the reason = %v, want privacy.ErrPassword", err)
	}
	if err := f.s.MarkExcused(id, "rembourser sur FR76 3000 6000 0112 3456 7890 189"); !errors.Is(err, privacy.ErrIBAN) {
		t.Errorf("MarkExcused with an IBAN = %v, want privacy.ErrIBAN", err)
	}
	if f.db.LastSequence() != before {
		t.Error("a refused reason was written")
	}
	// An everyday reason passes.
	if err := f.s.MarkExcused(id, "Malade, rappeler lundi ; a oublié son mot de passe ameli"); err != nil {
		t.Errorf("an everyday reason is refused: %v", err)
	}
}
