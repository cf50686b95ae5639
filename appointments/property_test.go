package appointments_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"relais/appointments"
)

// TestScheduleProperties runs random sequences of bookings, moves,
// cancellations, absences, check-ins, no-shows and outcomes, with the clock
// moving on, and checks after each step that no two appointments holding a
// mediator's time overlap and that every status change followed the graph;
// after each sequence, that the store's indexes agree with its records.
func TestScheduleProperties(t *testing.T) {
	db := openDB(t)
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixtureIn(t, db)
		person := f.centre // one person per run, so PersonAppointments lists this run's only
		mediators := []string{f.camille, f.yanis, "not-working-here"}
		var ids []string
		seen := map[string]appointments.Status{}
		monday := paris(2026, time.November, 23, 0, 0)
		instant := func(rt *rapid.T, label string) time.Time {
			day := rapid.IntRange(0, 5).Draw(rt, label+"-day")
			quarter := rapid.IntRange(7*4, 19*4).Draw(rt, label+"-quarter")
			return monday.AddDate(0, 0, day).Add(time.Duration(quarter) * 15 * time.Minute)
		}
		pick := func(rt *rapid.T) (string, bool) {
			if len(ids) == 0 {
				return "", false
			}
			return rapid.SampledFrom(ids).Draw(rt, "id"), true
		}
		onPicked := func(do func(id string) error) func(*rapid.T) {
			return func(rt *rapid.T) {
				if id, ok := pick(rt); ok {
					_ = do(id) // refusals are fine; the invariants must hold either way
				}
			}
		}
		rt.Repeat(map[string]func(*rapid.T){
			"book": func(rt *rapid.T) {
				b := f.booking(rapid.SampledFrom(mediators).Draw(rt, "mediator"), instant(rt, "start"),
					rapid.SampledFrom([]int{15, 30, 45, 60, 90, 0, 500}).Draw(rt, "minutes"))
				b.Person = person
				if id, err := f.s.Book(b); err == nil {
					ids = append(ids, id)
					seen[id] = appointments.Booked
				}
			},
			"move": func(rt *rapid.T) {
				if id, ok := pick(rt); ok {
					m := rapid.SampledFrom(append(mediators, "")).Draw(rt, "mediator")
					_ = f.s.Move(id, instant(rt, "to"), m)
				}
			},
			"cancel":  onPicked(func(id string) error { return f.s.Cancel(id, "") }),
			"excuse":  onPicked(func(id string) error { return f.s.MarkExcused(id, "") }),
			"checkin": onPicked(f.s.CheckIn),
			"absent":  onPicked(f.s.MarkAbsent),
			"outcome": onPicked(func(id string) error {
				return f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneWith})
			}),
			"absence": func(rt *rapid.T) {
				start := instant(rt, "absence")
				_, _ = f.s.AddAbsence(appointments.Absence{
					Mediator: rapid.SampledFrom(mediators[:2]).Draw(rt, "mediator"), Start: start,
					End: start.Add(time.Duration(rapid.IntRange(-1, 16).Draw(rt, "quarters")) * 15 * time.Minute),
				})
			},
			"tick": func(rt *rapid.T) {
				f.now = f.now.Add(time.Duration(rapid.IntRange(0, 8*60).Draw(rt, "minutes")) * time.Minute)
			},
			"": func(rt *rapid.T) {
				entries, err := f.s.PersonAppointments(person)
				if err != nil {
					rt.Fatal(err)
				}
				for i, a := range entries {
					if prev := seen[a.ID]; prev != a.Status && !prev.CanBecome(a.Status) {
						rt.Fatalf("%s went from %s to %s", a.ID, prev, a.Status)
					}
					seen[a.ID] = a.Status
					for _, b := range entries[i+1:] {
						if a.Mediator == b.Mediator && a.Status.Occupies() && b.Status.Occupies() &&
							a.Start.Before(b.End()) && b.Start.Before(a.End()) {
							rt.Fatalf("%s (%v, %d min, %s) and %s (%v, %d min, %s) overlap", a.ID, a.Start, a.Minutes, a.Status, b.ID, b.Start, b.Minutes, b.Status)
						}
					}
				}
				if len(entries) != len(ids) {
					rt.Fatalf("%d appointments listed, %d booked", len(entries), len(ids))
				}
			},
		})
		if r, err := db.Check(); err != nil || !r.OK() {
			rt.Fatalf("Check = %+v, %v", r, err)
		}
	})
}
