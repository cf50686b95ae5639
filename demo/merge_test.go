package demo_test

import (
	"errors"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/people"
	"relais/schema"
	"relais/store"
)

// TestMergeKeepsBothHistories merges two people's files the way the screen
// does: the person, their appointments and walk-ins move in one transaction,
// and a failure half way leaves both files as they were.
func TestMergeKeepsBothHistories(t *testing.T) {
	dir := t.TempDir()
	size := demo.Small
	size.People = 50
	if _, _, err := demo.Create(dir, schema.Options(store.TestOptions()), size, 3, nil); err != nil {
		t.Fatal(err)
	}
	desk, s, err := demo.SignIn(dir, schema.Options(store.TestOptions()))
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	defer s.Close()
	ppl, err := people.NewService(s.DB, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	sched := appointments.NewScheduler(s.DB, actor.System(""), time.Now)
	// The two people with the most appointments.
	var keep, remove string
	best := map[string]int{}
	for _, p := range people.Generate(3, 50) {
		list, _ := sched.PersonAppointments(p.ID)
		best[p.ID] = len(list)
		if keep == "" || len(list) > best[keep] {
			keep, remove = p.ID, keep
		} else if remove == "" || len(list) > best[remove] {
			remove = p.ID
		}
	}
	total := best[keep] + best[remove]
	if best[remove] == 0 {
		t.Fatal("no person with appointments to merge")
	}
	moveAppointments := func(tx *store.Tx) error {
		_, err := appointments.ReassignPersonIn(tx, remove, keep)
		return err
	}

	boom := errors.New("boom")
	seq := s.DB.LastSequence()
	if _, err := ppl.Merge(keep, remove, moveAppointments, func(*store.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Merge with a failing step = %v", err)
	}
	if s.DB.LastSequence() != seq {
		t.Error("a failed merge wrote something")
	}

	if _, err := ppl.Merge(keep, remove, moveAppointments); err != nil {
		t.Fatal(err)
	}
	kept, _ := sched.PersonAppointments(keep)
	gone, _ := sched.PersonAppointments(remove)
	if len(kept) != total || len(gone) != 0 {
		t.Errorf("after merge: %d appointments on the kept file (want %d), %d on the removed one", len(kept), total, len(gone))
	}
	if ppl.ResolveMerged(remove) != keep {
		t.Error("the removed id does not lead to the kept person")
	}
	if rep, err := s.Check(); err != nil || !rep.OK() {
		t.Errorf("Check = %v, %v", rep.Problems, err)
	}
}
