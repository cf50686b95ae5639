package radar_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// On a generated network, the full recompute (index keys only) and a
// refresh of each person (their records) give the same radar.
func TestRecomputeAgreesWithRefresh(t *testing.T) {
	db := openDB(t)
	now := paris(2026, time.November, 20, 11, 0)
	persons := people.Generate(5, 400)
	var ids []string
	err := db.Update(func(tx *store.Tx) error {
		for _, p := range persons {
			p, err := people.PutIn(tx, p, now)
			if err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := appointments.GenerateSchedule(db, appointments.Plan{Seed: 5, Centres: 2, Mediators: 4, Persons: ids,
		From: now.AddDate(0, 0, -200), To: now.AddDate(0, 0, 40), Now: now, Limit: 6000})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids[:60] {
		// Walk-ins of the last weeks, arrived at odd instants (the index keeps seconds).
		at := now.Add(-time.Duration(i)*31*time.Hour - time.Duration(i)*time.Millisecond)
		s := appointments.NewScheduler(db, actor.System(""), func() time.Time { return at })
		if _, err := s.AddWalkIn(appointments.WalkIn{Centre: g.Centres[i%2], Person: id}); err != nil {
			t.Fatal(err)
		}
	}
	sample, err := radar.GenerateFollowUps(db, radar.Sample{Seed: 5, Persons: ids, Centres: g.Centres, Share: 0.4, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if sample.FollowUps < 100 || sample.Open == 0 || sample.Cases == 0 {
		t.Fatalf("GenerateFollowUps wrote %+v", sample)
	}
	clock := func() time.Time { return now }
	whole, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	each, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := each.Refresh(id); err != nil {
			t.Fatal(err)
		}
	}
	got, want := each.Entries(radar.Filter{}), whole.Entries(radar.Filter{})
	if len(want) < 20 {
		t.Fatalf("only %d entries: the sample is too quiet to compare", len(want))
	}
	rules := map[radar.Rule]int{}
	for _, e := range want {
		for _, h := range e.Rules {
			rules[h.Rule]++
		}
	}
	for _, rule := range radar.AllRules() {
		if rules[rule] == 0 {
			t.Errorf("no entry for rule %s: %v", rule, rules)
		}
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("entry %d: refreshed\n%+v\nrecomputed\n%+v", i, got[i], want[i])
			}
		}
		t.Fatalf("refreshed %d entries, recomputed %d", len(got), len(want))
	}
	// And a month later, by the clock alone, still the same.
	now = now.AddDate(0, 1, 0)
	later, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	got, want = whole.Entries(radar.Filter{}), later.Entries(radar.Filter{})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a month later, the radar kept up by the clock has %d entries, one computed then %d:\n%s", len(got), len(want), diff(got, want))
	}
}

func diff(got, want []radar.Entry) string {
	index := func(es []radar.Entry) map[string]radar.Entry {
		m := map[string]radar.Entry{}
		for _, e := range es {
			m[e.Person] = e
		}
		return m
	}
	g, w := index(got), index(want)
	out := ""
	for p, e := range g {
		if x, ok := w[p]; !ok || !reflect.DeepEqual(e, x) {
			out += fmt.Sprintf("kept up: %+v\nafresh:  %+v (%v)\n", e, x, ok)
		}
	}
	for p, x := range w {
		if _, ok := g[p]; !ok {
			out += fmt.Sprintf("only afresh: %+v\n", x)
		}
	}
	return out
}
