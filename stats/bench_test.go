package stats_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"relais/appointments"
	"relais/demo"
	"relais/schema"
	"relais/stats"
	"relais/store"
)

// BenchmarkMonthly computes a month of a generated network: 6 centres of
// 16 mediators, about as busy as the centres of the large set.
func BenchmarkMonthly(b *testing.B) {
	db := openDB(b)
	now := paris(2026, time.April, 1, 9, 0)
	plan := appointments.Plan{Seed: 7, Centres: 6, MediatorsPerCentre: 16,
		From: paris(2026, time.February, 1, 0, 0), To: paris(2026, time.April, 30, 0, 0), Now: now}
	for i := range 5000 {
		plan.Persons = append(plan.Persons, fmt.Sprintf("person-%05d", i))
	}
	g, err := appointments.GenerateSchedule(db, plan)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d appointments over %d centres", g.Appointments, len(g.Centres))
	benchMonthly(b, db, stats.Month(paris(2026, time.March, 10, 12, 0)))
}

// BenchmarkLargeMonthly computes last month's figures of the whole network
// of the large set (50 centres, 1,000,000 appointments): skipped unless
// RELAIS_LARGE_DIR names a folder made by `relais demo --size large`.
func BenchmarkLargeMonthly(b *testing.B) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	desk, s, err := demo.SignIn(dir, schema.Options(store.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	benchMonthly(b, s.DB, stats.Month(time.Now()).Previous())
}

func benchMonthly(b *testing.B, db *store.DB, p stats.Period) {
	var r stats.Report
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var err error
		if r, err = stats.Compute(context.Background(), db, p, stats.Options{Who: sys}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if r.Appointments == 0 {
		b.Fatalf("no appointment in %s", p.Label())
	}
	b.ReportMetric(float64(r.Appointments), "appts/month")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
}
