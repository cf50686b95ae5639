package appointments_test

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/schema"
	"relais/store"
)

// openLarge signs into the large set named by RELAIS_LARGE_DIR (made with
// `relais demo --size large --data DIR`), or skips.
func openLarge(b *testing.B) (*appointments.Scheduler, *store.DB) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	desk, s, err := demo.SignIn(dir, schema.Options(store.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	return appointments.NewScheduler(s.DB, actor.System(""), time.Now), s.DB
}

// largeCentres lists the centres of the large set with their opening hours.
func largeCentres(b *testing.B, db *store.DB) []string {
	var ids []string
	appointments.Centres(db).All(func(id string, _ appointments.Centre) error {
		ids = append(ids, id)
		return nil
	})
	if len(ids) < 50 {
		b.Fatalf("the large set has %d centres, want 50", len(ids))
	}
	return ids
}

// BenchmarkLargeDayAgenda: the day agenda of a random centre on a random
// weekday of the large set (50 centres, 1,000,000 appointments).
func BenchmarkLargeDayAgenda(b *testing.B) {
	s, db := openLarge(b)
	centres := largeCentres(b, db)
	rng := rand.New(rand.NewPCG(3, 4))
	var ds []time.Duration
	items := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		day := time.Now().AddDate(0, 0, -rng.IntN(150))
		t0 := time.Now()
		ag, err := s.DayAgenda(centres[rng.IntN(len(centres))], day)
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range ag.Columns {
			items += len(c.Appointments)
		}
	}
	b.ReportMetric(p99ms(ds), "p99-ms")
	b.ReportMetric(float64(items)/float64(b.N), "appts/agenda")
}

// BenchmarkLargeBook books the next free slot of a random centre, with the
// overlap check, indexes and a durable write, on the large set.
func BenchmarkLargeBook(b *testing.B) {
	s, db := openLarge(b)
	centres := largeCentres(b, db)
	rng := rand.New(rand.NewPCG(5, 6))
	procs := appointments.Catalogue()
	var ds []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		centre := centres[rng.IntN(len(centres))]
		proc := procs[rng.IntN(len(procs))]
		slots, err := s.NextFreeSlots(proc.Code, centre, time.Now().AddDate(0, 0, 30+i%60), 1)
		if err != nil || len(slots) == 0 {
			b.Fatalf("no free slot: %v", err)
		}
		b.StartTimer()
		t0 := time.Now()
		_, err = s.Book(appointments.Booking{Person: "bench-person", Centre: centre, Mediator: slots[0].Mediator,
			Procedure: proc.Code, Start: slots[0].Start, End: slots[0].End})
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(p99ms(ds), "p99-ms")
}
