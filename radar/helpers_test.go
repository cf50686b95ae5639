package radar_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/radar"
	"relais/store"
	"relais/store/storetest"
)

func openDB(tb testing.TB) *store.DB {
	return storetest.Open(tb, append(append(appointments.Indexes(), people.Indexes()...), radar.Indexes()...)...)
}

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, appointments.Paris)
}

// start is Monday 2 November 2026, 10:00 in Paris: the fake clock's origin.
var start = paris(2026, time.November, 2, 10, 0)

// day returns the fake clock's origin plus n days, same hour.
func day(n int) time.Time { return start.AddDate(0, 0, n) }

// fixture is a store with two centres, one mediator in each, a radar over
// it and a clock the test moves (with set while Follow runs).
type fixture struct {
	tb        testing.TB
	db        *store.DB
	r         *radar.Radar
	mu        sync.Mutex
	now       time.Time
	centre    string
	other     string
	mediator  string
	mediator2 string
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) set(now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = now
}

func newFixture(tb testing.TB) *fixture { return newFixtureIn(tb, openDB(tb)) }

func newFixtureIn(tb testing.TB, db *store.DB) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, db: db, now: start, centre: "centre-tilleuls", other: "centre-roubaix", mediator: "med-camille", mediator2: "med-yanis"}
	r, err := radar.New(db, actor.System(""), f.clock)
	if err != nil {
		tb.Fatal(err)
	}
	f.r = r
	return f
}

// person registers someone; reachable says whether they have a phone.
func (f *fixture) person(name string, reachable bool) string {
	f.tb.Helper()
	p := people.Person{ID: store.NewID(), FirstName: name, Language: "fr"}
	if reachable {
		p.Phone = "06 12 34 56 78"
	} else {
		p.NoPhone = true
	}
	err := f.db.Update(func(tx *store.Tx) error {
		_, err := people.PutIn(tx, p, f.now)
		return err
	})
	if err != nil {
		f.tb.Fatal(err)
	}
	f.refresh(p.ID)
	return p.ID
}

// appointment writes an appointment as reception would have left it, at
// the fixture's centre unless centre is given, and refreshes the person.
func (f *fixture) appointment(person string, at time.Time, status appointments.Status, centre ...string) string {
	f.tb.Helper()
	a := appointments.Appointment{Person: person, Centre: f.centre, Mediator: f.mediator, Procedure: "caf-demande-rsa",
		Start: at.UTC(), Minutes: 30, Mode: appointments.OnSite, Status: status, Booked: at.AddDate(0, 0, -3).UTC()}
	if len(centre) > 0 {
		a.Centre, a.Mediator = centre[0], f.mediator2
	}
	if status == appointments.Arrived || status == appointments.Seen {
		a.Arrived = at.UTC()
	}
	id := store.NewID()
	f.put(appointments.Kind, id, a)
	f.refresh(person)
	return id
}

// setStatus changes an appointment's status, as the scheduler would.
func (f *fixture) setStatus(id string, status appointments.Status) {
	f.tb.Helper()
	a, _, err := store.NewCollection[appointments.Appointment](f.db, appointments.Kind).Get(id)
	if err != nil {
		f.tb.Fatal(err)
	}
	a.Status = status
	f.put(appointments.Kind, id, a)
	f.refresh(a.Person)
}

func (f *fixture) walkIn(person string, at time.Time) {
	f.tb.Helper()
	f.put(appointments.WalkInKind, store.NewID(), appointments.WalkIn{Centre: f.other, Person: person, Arrived: at.UTC(), Status: appointments.Taken})
	f.refresh(person)
}

func (f *fixture) put(kind, id string, v any) {
	f.tb.Helper()
	err := f.db.Update(func(tx *store.Tx) error {
		_, err := store.PutIn(tx, kind, id, v, store.ScopeLocal)
		return err
	})
	if err != nil {
		f.tb.Fatal(err)
	}
}

func (f *fixture) refresh(person string) {
	f.tb.Helper()
	if err := f.r.Refresh(person); err != nil {
		f.tb.Fatal(err)
	}
}

func (f *fixture) followUp(person string, fu radar.FollowUp) radar.FollowUp {
	f.tb.Helper()
	fu.Person = person
	if fu.Procedure == "" {
		fu.Procedure = "caf-aide-logement"
	}
	if fu.Centre == "" {
		fu.Centre = f.centre
	}
	out, err := f.r.OpenFollowUp(fu, store.ScopeLocal)
	if err != nil {
		f.tb.Fatalf("OpenFollowUp(%+v) = %v", fu, err)
	}
	return out
}

// hit returns the person's hit for rule, if they are on the radar for it.
func (f *fixture) hit(person string, rule radar.Rule) (radar.Hit, bool) {
	e, ok := f.r.EntryOf(person)
	if !ok {
		return radar.Hit{}, false
	}
	for _, h := range e.Rules {
		if h.Rule == rule {
			return h, true
		}
	}
	return radar.Hit{}, false
}

// want checks that rule holds for person (since that time) or not.
func (f *fixture) want(person string, rule radar.Rule, on bool, since time.Time) {
	f.tb.Helper()
	h, ok := f.hit(person, rule)
	switch {
	case ok != on:
		f.tb.Errorf("at %s, %s on the radar = %v, want %v (entry %+v)", f.now.Format("2006-01-02 15:04"), rule, ok, on, f.entry(person))
	case on && !since.IsZero() && !h.Since.Equal(since):
		f.tb.Errorf("at %s, %s since %v, want %v", f.now.Format("2006-01-02 15:04"), rule, h.Since, since)
	}
	f.sameAsRecompute(person)
}

// sameAsRecompute checks that the radar kept up to date by refreshes
// agrees with one computed afresh from the indexes.
func (f *fixture) sameAsRecompute(person string) {
	f.tb.Helper()
	fresh, err := radar.New(f.db, actor.System(""), func() time.Time { return f.now })
	if err != nil {
		f.tb.Fatal(err)
	}
	got, gotOK := f.r.EntryOf(person)
	want, wantOK := fresh.EntryOf(person)
	if gotOK != wantOK || !reflect.DeepEqual(got, want) {
		f.tb.Errorf("at %s, refreshed entry\n%+v (%v)\nrecomputed entry\n%+v (%v)", f.now.Format("2006-01-02 15:04"), got, gotOK, want, wantOK)
	}
}

func (f *fixture) entry(person string) string {
	e, ok := f.r.EntryOf(person)
	if !ok {
		return "none"
	}
	return fmt.Sprintf("%+v", e)
}

// mustNot runs fn, which must fail with want and write nothing.
func mustNot(tb testing.TB, db *store.DB, want error, fn func() error) {
	tb.Helper()
	before := db.LastSequence()
	err := fn()
	if err == nil || !errorsIs(err, want) {
		tb.Errorf("error = %v, want %v", err, want)
	}
	if after := db.LastSequence(); after != before {
		tb.Errorf("the refused call wrote: sequence %d → %d", before, after)
	}
}
