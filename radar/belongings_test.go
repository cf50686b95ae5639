package radar_test

import (
	"testing"
	"time"

	"relais/actor"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// The hooks people.Service runs on consent, merge and erasure.
func TestPersonHooks(t *testing.T) {
	f := newFixture(t)
	p := f.person("Émilie", false)
	fu := f.followUp(p, radar.FollowUp{})
	c, err := f.r.OpenCase(p, "julien", f.centre, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	scopes := func() [2]store.Scope {
		t.Helper()
		var out [2]store.Scope
		for i, name := range [][2]string{{radar.FollowUpKind, fu.ID}, {radar.CaseKind, c.ID}} {
			r, err := f.db.Get(name[0], name[1])
			if err != nil {
				t.Fatal(err)
			}
			out[i] = r.Scope
		}
		return out
	}
	ppl, err := people.NewService(f.db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	ppl.Now = func() time.Time { return f.now }
	ppl.Belongings = append(ppl.Belongings, radar.ScopePersonIn)

	// Consent given: the follow-up and the case are shared; withdrawn: local again.
	who, err := ppl.Get(p)
	if err != nil {
		t.Fatal(err)
	}
	who.Consent = people.Consent{Given: true, By: "julien", Purpose: people.ConsentPurpose}
	if who, err = ppl.Update(who); err != nil {
		t.Fatal(err)
	}
	if got := scopes(); got != [2]store.Scope{store.ScopeNetwork, store.ScopeNetwork} {
		t.Errorf("scopes after consent = %v, want network", got)
	}
	who.Consent = people.Consent{}
	if _, err := ppl.Update(who); err != nil {
		t.Fatal(err)
	}
	if got := scopes(); got != [2]store.Scope{store.ScopeLocal, store.ScopeLocal} {
		t.Errorf("scopes after withdrawal = %v, want local", got)
	}

	// Merged into another file: the follow-up and the case move with it.
	keep := f.person("Emilie", true)
	var moved int
	if _, err := ppl.Merge(keep, p, func(tx *store.Tx) error {
		var err error
		moved, err = radar.ReassignPersonIn(tx, p, keep)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if moved != 2 {
		t.Errorf("ReassignPersonIn moved %d records, want 2", moved)
	}
	f.refresh(p)
	f.refresh(keep)
	if fus, _ := f.r.FollowUpsOf(keep); len(fus) != 1 || fus[0].ID != fu.ID {
		t.Errorf("follow-ups of the kept file = %+v", fus)
	}
	if got, open, _ := f.r.CaseOf(keep); !open || got.ID != c.ID {
		t.Errorf("case of the kept file = %+v, %v", got, open)
	}
	if _, ok := f.r.EntryOf(p); ok {
		t.Error("the merged-away file is still on the radar")
	}
	if e, ok := f.r.EntryOf(keep); !ok || e.Case == nil {
		t.Errorf("the kept file's entry = %+v, %v", e, ok)
	}
	f.sameAsRecompute(keep)

	// Erased: tombstones.
	err = f.db.Update(func(tx *store.Tx) error { return radar.DeletePersonIn(tx, keep) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Delete(people.Kind, keep); err != nil {
		t.Fatal(err)
	}
	f.refresh(keep)
	if fus, _ := f.r.FollowUpsOf(keep); len(fus) != 0 {
		t.Errorf("follow-ups after erasure = %+v", fus)
	}
	if _, open, _ := f.r.CaseOf(keep); open {
		t.Error("a case survived the erasure")
	}
	if _, ok := f.r.EntryOf(keep); ok {
		t.Error("an erased person is on the radar")
	}
	if _, err := radar.ReassignPersonIn(nil, "", keep); err == nil {
		t.Error("ReassignPersonIn with no person accepted")
	}
}
