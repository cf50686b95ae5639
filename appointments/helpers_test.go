package appointments_test

import (
	"fmt"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/store"
	"relais/store/storetest"
)

func openDB(tb testing.TB) *store.DB { return storetest.Open(tb, appointments.Indexes()...) }

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, appointments.Paris)
}

// fixture is a centre open Monday to Friday 9:00–12:00 and 13:30–17:30,
// closed on Friday 27 November 2026; Camille works all its hours but is in
// training on Thursday 26 afternoon; Yanis works Tuesday to Thursday mornings.
// The clock starts on Monday 23 November 2026 at 8:00.
type fixture struct {
	db      *store.DB
	s       *appointments.Scheduler
	now     time.Time
	centre  string
	camille string
	yanis   string
}

func newFixture(tb testing.TB) *fixture { return newFixtureIn(tb, openDB(tb)) }

// newFixtureIn sets the fixture's centre and mediators up in db, which may hold others.
func newFixtureIn(tb testing.TB, db *store.DB) *fixture {
	tb.Helper()
	f := &fixture{db: db, now: paris(2026, time.November, 23, 8, 0)}
	f.s = appointments.NewScheduler(f.db, actor.System(""), func() time.Time { return f.now })
	f.centre, f.camille, f.yanis = store.NewID(), store.NewID(), store.NewID()
	must(appointments.Centres(f.db).Put(f.centre, appointments.Centre{Name: "Centre social Les Tilleuls"}, store.ScopeNetwork))
	for id, name := range map[string]string{f.camille: "Camille", f.yanis: "Yanis"} {
		must(f.db.Put("staff", id, []byte(`{"name":"`+name+`"}`), store.ScopeNetwork))
	}
	var hours, camille, yanis appointments.Week
	for d := time.Monday; d <= time.Friday; d++ {
		must0(tb, hours.Add(d, "9:00", "12:00"))
		must0(tb, hours.Add(d, "13:30", "17:30"))
		must0(tb, camille.Add(d, "09:00", "12:00"))
		must0(tb, camille.Add(d, "13h30", "17h30"))
	}
	for d := time.Tuesday; d <= time.Thursday; d++ {
		must0(tb, yanis.Add(d, "9:00", "12:00"))
	}
	must0(tb, f.s.SetOpeningHours(f.centre, hours))
	must0(tb, f.s.SetAvailability(f.camille, f.centre, camille))
	must0(tb, f.s.SetAvailability(f.yanis, f.centre, yanis))
	must(f.s.AddClosure(appointments.Closure{Centre: f.centre, First: "2026-11-27", Last: "2026-11-27", Reason: "Fermeture exceptionnelle"}))
	must(f.s.AddAbsence(appointments.Absence{Mediator: f.camille, Start: paris(2026, time.November, 26, 13, 30), End: paris(2026, time.November, 26, 17, 30), Reason: "Formation"}))
	return f
}

func (f *fixture) booking(mediator string, start time.Time, minutes int) appointments.Booking {
	return appointments.Booking{
		Person: "p1", Centre: f.centre, Mediator: mediator, Procedure: "caf-declaration-trimestrielle",
		Start: start, Minutes: minutes,
	}
}

// must returns v, or panics (failing the test with a stack) on an unexpected error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func must0(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
