package appointments_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
)

// TestGenerateLarge writes the large set (50 centres, 100,000 people,
// 1,000,000 appointments) and reports the time per 100,000. It takes a few
// minutes and a few GB of disk, so it runs only with RELAIS_LARGE=1.
func TestGenerateLarge(t *testing.T) {
	if os.Getenv("RELAIS_LARGE") == "" {
		t.Skip("set RELAIS_LARGE=1 to write the 1,000,000-appointment set")
	}
	db := openDB(t)
	plan := appointments.Plan{
		Seed: 2026, Centres: 50, MediatorsPerCentre: 20,
		From: paris(2026, time.June, 1, 0, 0), To: paris(2027, time.June, 1, 0, 0),
		Now: paris(2026, time.November, 21, 11, 0), Limit: 1_000_000,
	}
	for i := range 100_000 {
		plan.Persons = append(plan.Persons, fmt.Sprintf("person-%06d", i))
	}
	start, last, next := time.Now(), time.Now(), 100_000
	plan.Progress = func(n int) {
		if n >= next {
			t.Logf("%7d appointments: %v (last 100,000 in %v)", n, time.Since(start).Round(time.Millisecond), time.Since(last).Round(time.Millisecond))
			last, next = time.Now(), next+100_000
		}
	}
	g, err := appointments.GenerateSchedule(db, plan)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d appointments in %v", g.Appointments, time.Since(start).Round(time.Millisecond))
	// Agendas of random centres and weekdays, as BenchmarkDayAgenda does:
	// once right after writing (Badger still compacting), once a minute later.
	s := appointments.NewScheduler(db, actor.System(""), func() time.Time { return plan.Now })
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pass := range []string{"right after writing", "one minute later"} {
		if pass != "right after writing" {
			time.Sleep(time.Minute)
		}
		var durations []time.Duration
		n := 0
		for range 2000 {
			day := plan.From.AddDate(0, 0, rng.IntN(300))
			for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				day = day.AddDate(0, 0, 1)
			}
			t0 := time.Now()
			ag, err := s.DayAgenda(g.Centres[rng.IntN(len(g.Centres))], day)
			durations = append(durations, time.Since(t0))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range ag.Columns {
				n += len(c.Appointments)
			}
		}
		slices.Sort(durations)
		t.Logf("day agenda on the large set, %s: %.1f appointments on average, median %v, p99 %v, max %v", pass,
			float64(n)/float64(len(durations)), durations[len(durations)/2], durations[len(durations)*99/100], durations[len(durations)-1])
	}
}
