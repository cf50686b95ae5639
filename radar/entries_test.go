package radar_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"relais/appointments"
	"relais/people"
	"relais/radar"
	"relais/store"
)

func TestEntriesOrderAndFilters(t *testing.T) {
	f := newFixture(t)
	early := f.person("Absent Tôt", true)
	late := f.person("Absent Tard", true)
	due := f.person("Échéance", true)
	dueFirst := f.person("Échéance Avant", true)
	f.appointment(early, day(0), appointments.Absent)
	f.appointment(late, day(5), appointments.Absent, f.other)
	f.followUp(due, radar.FollowUp{Procedure: "cheque-energie", Due: day(30)})
	f.followUp(dueFirst, radar.FollowUp{Procedure: "mdph-demande", Due: day(28), Centre: f.other})
	f.now = day(25)
	order := func(es []radar.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Person)
		}
		return out
	}
	for name, tc := range map[string]struct {
		filter radar.Filter
		want   []string
	}{
		"everyone, due dates first": {radar.Filter{}, []string{dueFirst, due, early, late}},
		"one centre":                {radar.Filter{Centre: f.other}, []string{dueFirst, late}},
		"one rule":                  {radar.Filter{Rule: string(radar.NoShow)}, []string{early, late}},
		"one procedure":             {radar.Filter{Procedure: "mdph-demande"}, []string{dueFirst}},
		"one mediator":              {radar.Filter{Mediator: f.mediator2}, []string{late}},
		"on the radar for 2 weeks":  {radar.Filter{MinAge: 14 * 24 * time.Hour}, []string{early}},
		"nobody":                    {radar.Filter{Centre: "nowhere"}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			if got := order(f.r.Entries(tc.filter)); !equal(got, tc.want) {
				t.Errorf("Entries(%+v) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWeekly(t *testing.T) {
	f := newFixture(t) // Monday 2 November 2026
	a := f.person("Un", true)
	b := f.person("Deux", true)
	c1, _ := f.r.OpenCase(a, "julien", f.centre, store.ScopeLocal)
	f.now = day(8) // Tuesday of the next week
	if _, err := f.r.OpenCase(b, "julien", f.centre, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Close(c1.ID, radar.FollowedElsewhere, "julien"); err != nil {
		t.Fatal(err)
	}
	got := f.r.Weekly(3)
	want := []radar.WeekCount{
		{Monday: paris(2026, time.October, 26, 0, 0)},
		{Monday: paris(2026, time.November, 2, 0, 0), Entered: 1},
		{Monday: paris(2026, time.November, 9, 0, 0), Entered: 1, Left: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Weekly(3) = %+v", got)
	}
	for i := range want {
		if !got[i].Monday.Equal(want[i].Monday) || got[i].Entered != want[i].Entered || got[i].Left != want[i].Left {
			t.Errorf("week %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := f.r.Weekly(0); got != nil {
		t.Errorf("Weekly(0) = %v", got)
	}
	if got := f.r.Weekly(10_000); len(got) != radar.MaxWeeks {
		t.Errorf("Weekly(10000) has %d weeks, want %d", len(got), radar.MaxWeeks)
	}
}

// Follow sees what is written to the store without the radar: a partner's
// records applied by sync, the scheduler's status changes.
func TestFollowSeesWritesFromElsewhere(t *testing.T) {
	f := newFixture(t)
	p := f.person("Zoé", true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.r.Follow(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	f.set(day(10))
	// A no-show written straight into the store, as sync or the scheduler would.
	a := appointments.Appointment{Person: p, Centre: f.other, Mediator: f.mediator2, Procedure: "ants-cni-predemande",
		Start: day(0).UTC(), Minutes: 30, Mode: appointments.OnSite, Status: appointments.Absent, Booked: day(-3).UTC()}
	id := store.NewID()
	if _, err := f.db.Put(appointments.Kind, id, mustJSON(t, a), store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { _, ok := f.hit(p, radar.NoShow); return ok })

	// A partner's follow-up, applied by sync.
	fu := radar.FollowUp{Person: p, Procedure: "ants-passeport-predemande", Status: radar.InProgress, Opened: day(-40).UTC(), Updated: day(-40).UTC()}
	rec := store.Record{Meta: store.Meta{Kind: radar.FollowUpKind, ID: store.NewID(), Version: store.Vector{{ID: 9, Value: 1}},
		Modified: day(-40), ModifiedBy: 9, Scope: store.ScopeNetwork}, Body: mustJSON(t, fu)}
	if _, err := f.db.ApplyRemote([]store.Record{rec}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { _, ok := f.hit(p, radar.Inactive); return ok })

	// The partner's rules.
	rules := radar.DefaultRules()
	rules.NoShowDays = 30
	rrec := store.Record{Meta: store.Meta{Kind: radar.RulesKind, ID: radar.RulesID, Version: store.Vector{{ID: 9, Value: 2}},
		Modified: day(1), ModifiedBy: 9, Scope: store.ScopeNetwork}, Body: mustJSON(t, rules)}
	if _, err := f.db.ApplyRemote([]store.Record{rrec}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { _, ok := f.hit(p, radar.NoShow); return !ok && f.r.Rules() == rules })

	// The person booked at reception; then their file is erased.
	a.Start, a.Status = day(12).UTC(), appointments.Booked
	if _, err := f.db.Put(appointments.Kind, store.NewID(), mustJSON(t, a), store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { _, ok := f.hit(p, radar.Inactive); return !ok })
	if _, err := f.db.Delete(people.Kind, p); err != nil {
		t.Fatal(err)
	}
	f.set(day(60))
	waitUntil(t, func() bool { _, ok := f.r.EntryOf(p); return !ok })
	// A deleted appointment (a purge) names nobody: the radar recomputes.
	q := f.person("Quentin", true)
	gone := f.appointment(q, day(20), appointments.Absent) // on the radar from day 50 (30 days)
	waitUntil(t, func() bool { _, ok := f.hit(q, radar.NoShow); return ok })
	if _, err := f.db.Delete(appointments.Kind, gone); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { _, ok := f.r.EntryOf(q); return !ok })
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Logf("%s", buf[:runtime.Stack(buf, true)])
			t.Fatal("not seen after 5 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
