package appointments_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/store"
)

// The benchmarks run on a real, durable store (every commit synced) holding
// about 100,000 appointments over 20 centres and a year, written by the
// generator in transactions of 500 records.

const benchAppointments = 100_000

var benchNow = paris(2026, time.November, 21, 11, 0)

func benchStore(b *testing.B, centres, mediators int) (*store.DB, appointments.Generated) {
	b.Helper()
	db := openDB(b)
	plan := appointments.Plan{
		Seed: 7, Centres: centres, MediatorsPerCentre: mediators,
		From: paris(2026, time.January, 5, 0, 0), To: paris(2027, time.June, 30, 0, 0), Now: benchNow,
		Limit: benchAppointments,
	}
	for i := range 10_000 {
		plan.Persons = append(plan.Persons, fmt.Sprintf("person-%05d", i))
	}
	start := time.Now()
	g, err := appointments.GenerateSchedule(db, plan)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d appointments (%d centres, %d mediators each) in %v", g.Appointments, len(g.Centres), plan.MediatorsPerCentre, time.Since(start).Round(time.Millisecond))
	return db, g
}

func p99ms(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100]) / float64(time.Millisecond)
}

// BenchmarkDayAgenda reads one centre's day at random. "spread" has 20
// centres of 5 mediators (about 17 appointments a day per centre); "dense"
// has 6 centres of 16 mediators, about as busy as a centre of the large set
// (1,000,000 appointments, 50 centres, 6 months: about 150 a day).
func BenchmarkDayAgenda(b *testing.B) {
	b.Run("spread", func(b *testing.B) { benchDayAgenda(b, 20, 5) })
	b.Run("dense", func(b *testing.B) { benchDayAgenda(b, 6, 16) })
}

func benchDayAgenda(b *testing.B, centres, mediators int) {
	db, g := benchStore(b, centres, mediators)
	s := appointments.NewScheduler(db, actor.System(""), func() time.Time { return benchNow })
	rng := rand.New(rand.NewPCG(1, 2))
	first := paris(2026, time.January, 5, 12, 0)
	span := 300 // days holding appointments
	if centres < 20 {
		span = 180 // the dense store is full sooner
	}
	var durations []time.Duration
	total := 0
	b.ReportAllocs()
	for b.Loop() {
		centre := g.Centres[rng.IntN(len(g.Centres))]
		day := first.AddDate(0, 0, rng.IntN(span))
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		t0 := time.Now()
		ag, err := s.DayAgenda(centre, day)
		durations = append(durations, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range ag.Columns {
			total += len(c.Appointments)
		}
	}
	b.ReportMetric(p99ms(durations), "p99-ms")
	b.ReportMetric(float64(total)/float64(len(durations)), "appts/agenda")
}

func BenchmarkBook(b *testing.B) {
	db, g := benchStore(b, 20, 5)
	s := appointments.NewScheduler(db, actor.System(""), func() time.Time { return benchNow })
	// Candidate slots after the generated period, so each booking is free:
	// 30 minutes on the half hours of each mediator's working hours.
	var todo []appointments.Booking
	for _, centre := range g.Centres {
		hours := must(s.OpeningHours(centre))
		for _, av := range must(s.Availabilities(centre)) {
			for d := 0; d < 50; d++ { // no public holiday from 6 September to 25 October
				day := paris(2027, time.September, 6, 12, 0).AddDate(0, 0, d)
				for _, r := range hours[day.Weekday()] {
					for m := r.Start; m+30 <= r.End; m += 30 {
						if av.Week.Holds(day.Weekday(), m, m+30) {
							todo = append(todo, appointments.Booking{Person: "person-00001", Centre: centre, Mediator: av.Mediator,
								Procedure: "caf-declaration-trimestrielle", Start: appointments.At(day, m), Minutes: 30})
						}
					}
				}
			}
		}
	}
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(todo), func(i, j int) { todo[i], todo[j] = todo[j], todo[i] })
	var durations []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		_, err := s.Book(todo[i%len(todo)])
		durations = append(durations, time.Since(t0))
		if err != nil && i < len(todo) {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(p99ms(durations), "p99-ms")
}
