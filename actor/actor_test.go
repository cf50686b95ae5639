package actor_test

import (
	"errors"
	"slices"
	"testing"

	"relais/actor"
	"relais/problem/problemtest"
)

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "actor")
}

// Each role may do everything the role before it may, and more.
func TestRolesGrow(t *testing.T) {
	var before []actor.Operation
	for _, r := range actor.Roles() {
		a := actor.New("x", "X", r, "c")
		var may []actor.Operation
		for _, op := range actor.Operations() {
			if a.Can(op) {
				may = append(may, op)
			}
		}
		for _, op := range before {
			if !slices.Contains(may, op) {
				t.Errorf("%s may not %s, which the role before may", r, op)
			}
		}
		if len(may) <= len(before) {
			t.Errorf("%s may do no more than the role before it", r)
		}
		before = may
	}
}

func TestWhatTheIssueSays(t *testing.T) {
	for _, c := range []struct {
		role actor.Role
		op   actor.Operation
		may  bool
	}{
		{actor.Reception, actor.Book, true},
		{actor.Reception, actor.CheckIn, true},
		{actor.Reception, actor.ReadNotes, false},
		{actor.Reception, actor.RecordOutcome, false},
		{actor.Mediator, actor.ReadNotes, true},
		{actor.Mediator, actor.ReadRadar, false},
		{actor.Coordinator, actor.ReadRadar, true},
		{actor.Coordinator, actor.ManagePartners, false},
		{actor.Coordinator, actor.ManageRetention, false},
		{actor.Admin, actor.ManagePartners, true},
		{actor.Admin, actor.ManageRetention, true},
	} {
		a := actor.New("x", "X", c.role, "c")
		if a.Can(c.op) != c.may {
			t.Errorf("%s %s: may = %v, want %v", c.role, c.op, a.Can(c.op), c.may)
		}
		err := a.Check(c.op)
		if c.may != (err == nil) || (err != nil && !errors.Is(err, actor.ErrNotAllowed)) {
			t.Errorf("%s %s: Check = %v", c.role, c.op, err)
		}
	}
	var nobody *actor.Actor
	if nobody.Can(actor.ReadPeople) || nobody.Check(actor.ReadPeople) == nil {
		t.Error("a nil actor may act")
	}
	if !actor.System("c").Can(actor.ManageRetention) {
		t.Error("Relais itself may not purge")
	}
	if actor.Role("relais").Valid() || !actor.Admin.Valid() {
		t.Error("Valid is wrong")
	}
}
