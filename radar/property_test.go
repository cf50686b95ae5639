package radar_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"relais/actor"
	"relais/appointments"
	"relais/radar"
	"relais/store"
)

var allStatuses = []appointments.Status{appointments.Booked, appointments.Arrived, appointments.Seen,
	appointments.Absent, appointments.Excused, appointments.Cancelled}

// A person with an appointment booked in the future is never on the radar
// for rule a, whatever else happened, whatever the rules, as computed by
// a refresh or by a full recompute, now or later before that appointment.
func TestPropertyFutureBookingKeepsOffNoShow(t *testing.T) {
	db := openDB(t)
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixtureIn(t, db)
		f.now = day(rapid.IntRange(0, 400).Draw(rt, "today"))
		rules := radar.DefaultRules()
		rules.NoShowDays = rapid.IntRange(1, 60).Draw(rt, "no-show days")
		if err := f.r.SetRules(rules); err != nil {
			rt.Fatal(err)
		}
		p := f.person("Propriété", rapid.Bool().Draw(rt, "reachable"))
		at := func(label string, lo, hi int) time.Time {
			return f.now.Add(time.Duration(rapid.IntRange(lo, hi).Draw(rt, label)) * time.Minute)
		}
		for range rapid.IntRange(0, 10).Draw(rt, "history") {
			f.appointment(p, at("when", -250*24*60, 90*24*60), rapid.SampledFrom(allStatuses).Draw(rt, "status"),
				rapid.SampledFrom([]string{f.centre, f.other}).Draw(rt, "centre"))
		}
		if rapid.Bool().Draw(rt, "walk-in") {
			f.walkIn(p, at("walk-in", -250*24*60, 0))
		}
		booked := at("booked", 1, 90*24*60)
		f.appointment(p, booked, appointments.Booked)
		check := func(when string) {
			if h, ok := f.hit(p, radar.NoShow); ok {
				rt.Fatalf("%s: on the radar for a no-show with an appointment booked on %v: %+v", when, booked, h)
			}
			fresh, err := radar.New(db, actor.System(""), func() time.Time { return f.now })
			if err != nil {
				rt.Fatal(err)
			}
			if e, _ := fresh.EntryOf(p); e.Has(radar.NoShow) {
				rt.Fatalf("%s: recomputed, on the radar for a no-show with an appointment booked on %v: %+v", when, booked, e)
			}
		}
		check("now")
		f.now = f.now.Add(time.Duration(rapid.Int64Range(0, int64(booked.Sub(f.now)-time.Second)).Draw(rt, "later")))
		check("later")
	})
}

// A case never stays open after the person was seen: random sequences of
// cases opened, actions, appointments, check-ins, outcomes and walk-ins,
// the clock moving on. After each step, no open case is older than a
// visit; at the end, the radar kept up to date agrees with one computed
// afresh.
func TestPropertyCaseNeverStaysOpenAfterTheyCame(t *testing.T) {
	db := openDB(t)
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixtureIn(t, db)
		f.now = day(rapid.IntRange(0, 60).Draw(rt, "today"))
		persons := []string{f.person("Un", true), f.person("Deux", false)}
		var cames = map[string][]time.Time{}
		var booked []string
		person := func(rt *rapid.T) string { return rapid.SampledFrom(persons).Draw(rt, "person") }
		past := func(rt *rapid.T, label string) time.Time {
			return f.now.Add(-time.Duration(rapid.IntRange(0, 20*24*60).Draw(rt, label)) * time.Minute)
		}
		actions := map[string]func(*rapid.T){
			"tick": func(rt *rapid.T) {
				f.now = f.now.Add(time.Duration(rapid.IntRange(1, 5*24*60).Draw(rt, "minutes")) * time.Minute)
			},
			"open case": func(rt *rapid.T) {
				_, _ = f.r.OpenCase(person(rt), "julien", f.centre, store.ScopeLocal)
			},
			"act": func(rt *rapid.T) {
				a := radar.Action{Kind: rapid.SampledFrom(radar.ActionKinds()).Draw(rt, "kind"), By: "julien",
					At: past(rt, "ago"), Answered: rapid.Bool().Draw(rt, "answered")}
				_, _ = f.r.LogActionFor(person(rt), a, store.ScopeLocal)
			},
			"follow-up": func(rt *rapid.T) {
				_, _ = f.r.OpenFollowUp(radar.FollowUp{Person: person(rt), Procedure: "css-demande",
					Due: f.now.AddDate(0, 0, rapid.IntRange(-5, 30).Draw(rt, "due"))}, store.ScopeLocal)
			},
			"appointment": func(rt *rapid.T) {
				p := person(rt)
				at := f.now.Add(time.Duration(rapid.IntRange(-20*24*60, 20*24*60).Draw(rt, "at")) * time.Minute)
				status := rapid.SampledFrom(allStatuses).Draw(rt, "status")
				if at.After(f.now) {
					status = appointments.Booked
				}
				id := f.appointment(p, at, status)
				switch status {
				case appointments.Booked:
					booked = append(booked, id)
				case appointments.Arrived, appointments.Seen:
					cames[p] = append(cames[p], at)
				}
			},
			"check in": func(rt *rapid.T) {
				if len(booked) == 0 {
					return
				}
				i := rapid.IntRange(0, len(booked)-1).Draw(rt, "which")
				id := booked[i]
				a, _, err := store.NewCollection[appointments.Appointment](db, appointments.Kind).Get(id)
				if err != nil || a.Start.After(f.now) {
					return
				}
				booked = append(booked[:i], booked[i+1:]...)
				f.setStatus(id, rapid.SampledFrom([]appointments.Status{appointments.Arrived, appointments.Seen, appointments.Absent}).Draw(rt, "to"))
				if b, _, _ := store.NewCollection[appointments.Appointment](db, appointments.Kind).Get(id); b.Status != appointments.Absent {
					cames[a.Person] = append(cames[a.Person], a.Start)
				}
			},
			"walk in": func(rt *rapid.T) {
				p := person(rt)
				at := past(rt, "arrived")
				f.walkIn(p, at)
				cames[p] = append(cames[p], at)
			},
			"recompute": func(rt *rapid.T) {
				if err := f.r.Recompute(); err != nil {
					rt.Fatal(err)
				}
			},
		}
		names := make([]string, 0, len(actions))
		for name := range actions {
			names = append(names, name)
		}
		slices.Sort(names)
		// A bounded number of steps: each writes to disk, synced.
		for range rapid.IntRange(1, 12).Draw(rt, "steps") {
			actions[rapid.SampledFrom(names).Draw(rt, "action")](rt)
			for _, p := range persons {
				c, open, err := f.r.CaseOf(p)
				if err != nil {
					rt.Fatal(err)
				}
				for _, came := range cames[p] {
					if open && came.After(c.Opened) {
						rt.Fatalf("case %s opened %v still open though the person came on %v", c.ID, c.Opened, came)
					}
				}
			}
		}
		fresh, err := radar.New(db, actor.System(""), func() time.Time { return f.now })
		if err != nil {
			rt.Fatal(err)
		}
		for _, p := range persons {
			got, gotOK := f.r.EntryOf(p)
			want, wantOK := fresh.EntryOf(p)
			if gotOK != wantOK || !reflect.DeepEqual(got, want) {
				rt.Fatalf("refreshed entry\n%+v (%v)\nrecomputed\n%+v (%v)", got, gotOK, want, wantOK)
			}
		}
	})
}
