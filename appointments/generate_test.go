package appointments_test

import (
	"fmt"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/store"
)

func demoPlan(persons int) appointments.Plan {
	p := appointments.Plan{
		Seed: 42, Centres: 3, MediatorsPerCentre: 3,
		From: paris(2026, time.August, 24, 0, 0), To: paris(2027, time.January, 31, 0, 0),
		Now: paris(2026, time.November, 21, 11, 0),
	}
	for i := range persons {
		p.Persons = append(p.Persons, fmt.Sprintf("person-%04d", i))
	}
	return p
}

// TestGenerateSchedule checks the generator's appointments never overlap,
// are believable (mostly seen, some no-shows, the future booked), leave a
// consistent store, and are the same for the same seed.
func TestGenerateSchedule(t *testing.T) {
	plan := demoPlan(200)
	db := openDB(t)
	g := must(appointments.GenerateSchedule(db, plan))
	if len(g.Centres) != 3 || len(g.Mediators[g.Centres[0]]) != 3 || g.Appointments < 3000 {
		t.Fatalf("generated %d centres, %d mediators at the first, %d appointments", len(g.Centres), len(g.Mediators[g.Centres[0]]), g.Appointments)
	}
	byMediator := map[string][]appointments.Appointment{}
	count := map[appointments.Status]int{}
	past := 0
	err := store.NewCollection[appointments.Appointment](db, appointments.Kind).All(func(id string, a appointments.Appointment) error {
		byMediator[a.Mediator] = append(byMediator[a.Mediator], a)
		if a.End().Before(plan.Now) {
			past++
			count[a.Status]++
		} else if a.Status != appointments.Booked && a.Status != appointments.Excused {
			t.Errorf("future appointment %s is %s", id, a.Status)
		}
		if a.Status == appointments.Seen && (a.Outcome == nil || a.Outcome.Autonomy == "") {
			t.Errorf("seen appointment %s has no outcome", id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for m, as := range byMediator {
		for i, a := range as {
			for _, b := range as[i+1:] {
				if a.Status.Occupies() && b.Status.Occupies() && a.Start.Before(b.End()) && b.Start.Before(a.End()) {
					t.Fatalf("mediator %s: %v and %v overlap", m, a.Start, b.Start)
				}
			}
		}
	}
	share := func(s appointments.Status) float64 { return float64(count[s]) / float64(past) }
	if s := share(appointments.Seen); s < 0.65 || s > 0.75 {
		t.Errorf("seen share = %.2f, want about 0.70", s)
	}
	if s := share(appointments.Absent); s < 0.09 || s > 0.15 {
		t.Errorf("absent share = %.2f, want about 0.12", s)
	}
	if r, err := db.Check(); err != nil || !r.OK() {
		t.Errorf("Check = %+v, %v", r, err)
	}
	// Every future booked appointment would have passed the scheduler's checks:
	// moving it onto its own time is accepted.
	s := appointments.NewScheduler(db, actor.System(""), func() time.Time { return plan.Now })
	ag := must(s.DayAgenda(g.Centres[0], paris(2026, time.December, 1, 0, 0)))
	moved := 0
	for _, c := range ag.Columns {
		for _, e := range c.Appointments {
			if e.Status == appointments.Booked {
				must0(t, s.Move(e.ID, e.Start, ""))
				moved++
			}
		}
	}
	if moved == 0 {
		t.Error("no booked appointment on Tuesday 1 December")
	}
	// The same seed gives the same schedule.
	db2 := openDB(t)
	g2 := must(appointments.GenerateSchedule(db2, plan))
	if g2.Appointments != g.Appointments || g2.Centres[2] != g.Centres[2] || db2.LastSequence() != db.LastSequence()-uint64(moved) {
		t.Errorf("same seed, different schedules: %d vs %d appointments", g2.Appointments, g.Appointments)
	}
}
