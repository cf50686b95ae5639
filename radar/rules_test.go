package radar_test

import (
	"errors"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/radar"
	"relais/store"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// Rule a: a no-show, then nothing booked or attended for NoShowDays days.
func TestNoShowRuleAtItsBoundary(t *testing.T) {
	f := newFixture(t)
	awa := f.person("Awa", true)
	f.appointment(awa, day(0), appointments.Absent)
	for _, tc := range []struct {
		at time.Time
		on bool
	}{
		{day(0), false},
		{day(6), false},
		{day(7).Add(-time.Minute), false},
		{day(7), true},
		{day(60), true}, // until they book or come
	} {
		f.now = tc.at
		f.want(awa, radar.NoShow, tc.on, day(7))
	}
	// Booking brings them off the radar, even far ahead…
	f.now = day(60)
	next := f.appointment(awa, day(90), appointments.Booked, f.other)
	f.want(awa, radar.NoShow, false, time.Time{})
	// …and cancelling that booking puts them back.
	f.setStatus(next, appointments.Cancelled)
	f.want(awa, radar.NoShow, true, day(7))
	// A walk-in at any centre counts as coming back.
	f.walkIn(awa, day(61))
	f.now = day(62)
	f.want(awa, radar.NoShow, false, time.Time{})
}

func TestNoShowRuleLooksAtTheLatestNoShowOnly(t *testing.T) {
	f := newFixture(t)
	p := f.person("Karim", true)
	f.appointment(p, day(0), appointments.Absent)
	f.appointment(p, day(3), appointments.Seen)
	f.now = day(20)
	f.want(p, radar.NoShow, false, time.Time{}) // seen after the no-show
	f.appointment(p, day(10), appointments.Absent)
	f.want(p, radar.NoShow, true, day(17))
	// Excused is not coming.
	f.appointment(p, day(15), appointments.Excused)
	f.want(p, radar.NoShow, true, day(17))
	// A no-show older than the window is forgotten.
	f.now = day(10 + radar.WindowDays + 1)
	f.want(p, radar.NoShow, false, time.Time{})
}

func TestNoShowRuleFollowsTheRules(t *testing.T) {
	f := newFixture(t)
	p := f.person("Léa", true)
	f.appointment(p, day(0), appointments.Absent)
	f.now = day(7)
	f.want(p, radar.NoShow, true, day(7))
	rules := radar.DefaultRules()
	rules.NoShowDays = 14
	if err := f.r.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	f.want(p, radar.NoShow, false, time.Time{})
	f.now = day(14)
	f.want(p, radar.NoShow, true, day(14))
	// The rules are the network's: a new radar reads them back.
	r2, err := radar.New(f.db, actor.System(""), func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.Rules(); got != rules {
		t.Errorf("Rules() = %+v, want %+v", got, rules)
	}
}

// Rule b: an open follow-up where nothing moved for InactiveDays days.
func TestInactiveRuleAtItsBoundary(t *testing.T) {
	f := newFixture(t)
	p := f.person("Hélène", true)
	fu := f.followUp(p, radar.FollowUp{Status: radar.InProgress})
	f.now = day(20)
	f.want(p, radar.Inactive, false, time.Time{})
	f.now = day(21)
	f.want(p, radar.Inactive, true, day(21))
	// Updating the follow-up is news.
	fu.Note = "Attestation demandée à l'employeur"
	if _, err := f.r.UpdateFollowUp(fu, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	f.want(p, radar.Inactive, false, time.Time{})
	f.now = day(42)
	f.want(p, radar.Inactive, true, day(42))
	// An appointment since is news too.
	f.appointment(p, day(30), appointments.Seen)
	f.want(p, radar.Inactive, false, time.Time{})
	f.now = day(51)
	f.want(p, radar.Inactive, true, day(51))
	// One booked to come keeps them off.
	f.appointment(p, day(70), appointments.Booked)
	f.want(p, radar.Inactive, false, time.Time{})
	// A finished procedure is no longer followed.
	f.now = day(95)
	f.want(p, radar.Inactive, true, day(91))
	fu.Status = radar.Done
	if _, err := f.r.UpdateFollowUp(fu, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.r.EntryOf(p); ok {
		t.Errorf("a person whose only procedure is done is on the radar: %s", f.entry(p))
	}
}

// Rule c: a due date within DueSoonDays days and no appointment before it.
func TestDueSoonRuleAtItsBoundary(t *testing.T) {
	f := newFixture(t)
	p := f.person("Mamadou", true)
	due := day(30)
	f.followUp(p, radar.FollowUp{Status: radar.AwaitingDocuments, Due: due, Missing: []string{"Avis d'imposition"}})
	f.now = day(22)
	f.want(p, radar.DueSoon, false, time.Time{})
	f.now = day(23)
	f.want(p, radar.DueSoon, true, day(23))
	e, _ := f.r.EntryOf(p)
	if !e.Due.Equal(due) || !e.Urgency.Equal(due) {
		t.Errorf("entry due %v urgency %v, want both %v", e.Due, e.Urgency, due)
	}
	// An appointment booked before the due date takes them off…
	f.appointment(p, day(28), appointments.Booked)
	f.want(p, radar.DueSoon, false, time.Time{})
	// …not one after it.
	f.now = day(29) // the one of day 28 passed, still booked: not marked yet
	f.want(p, radar.DueSoon, true, day(23))
	// Overdue: on the radar whatever is booked.
	f.appointment(p, day(40), appointments.Booked)
	f.now = day(31)
	f.want(p, radar.DueSoon, true, day(23))
}

// Rule d: Attempts contact attempts in a row without an answer.
func TestNoAnswerRuleAtItsBoundary(t *testing.T) {
	f := newFixture(t)
	p := f.person("Yusuf", true)
	c, err := f.r.OpenCase(p, "karima.b", f.centre, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	try := func(n int, kind radar.ActionKind, answered bool) {
		t.Helper()
		f.now = day(n)
		if _, err := f.r.LogAction(c.ID, radar.Action{Kind: kind, By: "karima.b", Answered: answered}); err != nil {
			t.Fatal(err)
		}
	}
	try(1, radar.Call, false)
	try(2, radar.SMS, false)
	f.want(p, radar.NoAnswer, false, time.Time{})
	try(3, radar.Referral, false) // not an attempt
	f.want(p, radar.NoAnswer, false, time.Time{})
	try(4, radar.Letter, false)
	f.want(p, radar.NoAnswer, true, day(4))
	try(5, radar.Call, true)
	f.want(p, radar.NoAnswer, false, time.Time{})
	if got, _, _ := f.r.CaseOf(p); got.Status != radar.CaseContacted {
		t.Errorf("case status after an answer = %q, want contacted", got.Status)
	}
	try(6, radar.Call, false)
	try(7, radar.Call, false)
	f.want(p, radar.NoAnswer, false, time.Time{})
	try(8, radar.Visit, false)
	f.want(p, radar.NoAnswer, true, day(8))
}

// Rule e: an open follow-up and no phone nor e-mail.
func TestUnreachableRule(t *testing.T) {
	f := newFixture(t)
	silent := f.person("Thérèse", false)
	f.want(silent, radar.Unreachable, false, time.Time{}) // nothing to follow
	fu := f.followUp(silent, radar.FollowUp{})
	f.want(silent, radar.Unreachable, true, start)
	reachable := f.person("Ali", true)
	f.followUp(reachable, radar.FollowUp{})
	f.want(reachable, radar.Unreachable, false, time.Time{})

	rules := radar.DefaultRules()
	rules.Unreachable = false
	if err := f.r.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	f.want(silent, radar.Unreachable, false, time.Time{})
	rules.Unreachable = true
	if err := f.r.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	f.want(silent, radar.Unreachable, true, start)
	fu.Status = radar.Abandoned
	if _, err := f.r.UpdateFollowUp(fu, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	f.want(silent, radar.Unreachable, false, time.Time{})
}

func TestRulesValidate(t *testing.T) {
	ok := radar.DefaultRules()
	if err := ok.Validate(); err != nil {
		t.Fatalf("DefaultRules().Validate() = %v", err)
	}
	for name, tc := range map[string]struct {
		change func(*radar.Rules)
		want   error
	}{
		"zero no-show days":       {func(r *radar.Rules) { r.NoShowDays = 0 }, radar.ErrNoShowDays},
		"negative inactive days":  {func(r *radar.Rules) { r.InactiveDays = -3 }, radar.ErrInactiveDays},
		"more than a year":        {func(r *radar.Rules) { r.DueSoonDays = 366 }, radar.ErrDueSoonDays},
		"zero attempts":           {func(r *radar.Rules) { r.Attempts = 0 }, radar.ErrAttempts},
		"the zero value of Rules": {func(r *radar.Rules) { *r = radar.Rules{} }, radar.ErrNoShowDays},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			r := radar.DefaultRules()
			tc.change(&r)
			if err := r.Validate(); !errors.Is(err, tc.want) {
				t.Errorf("Validate() = %v, want %v", err, tc.want)
			}
			mustNot(t, f.db, tc.want, func() error { return f.r.SetRules(r) })
			if got := f.r.Rules(); got != radar.DefaultRules() {
				t.Errorf("Rules() after a refused SetRules = %+v", got)
			}
		})
	}
	// The boundaries themselves are fine.
	edge := radar.Rules{NoShowDays: 1, InactiveDays: 365, DueSoonDays: 365, Attempts: 1}
	if err := edge.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", edge, err)
	}
}

// Facts keep whole seconds, wherever they are read from (the index keeps
// seconds): a walk-in at an odd instant gives the same « since » to a
// refresh and to a recompute.
func TestWalkInAtAnOddInstant(t *testing.T) {
	f := newFixture(t)
	p := f.person("Inès", true)
	f.followUp(p, radar.FollowUp{})
	f.walkIn(p, day(5).Add(123*time.Millisecond))
	f.now = day(27)
	f.want(p, radar.Inactive, true, day(26))
}
