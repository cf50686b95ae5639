package rgpd_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/people"
	"relais/rgpd"
	"relais/store"
	"relais/store/storetest"
)

// generated is a set made for the benchmarks: people with appointments
// spread over the last 30 months, so that the purge finds some of each to
// erase, to anonymise and to keep.
type generated struct {
	db     *store.DB
	centre string
	people []string
	now    time.Time
}

func generate(b *testing.B, persons, perPerson int) generated {
	b.Helper()
	g := generated{db: storetest.Open(b, indexes()...), centre: store.NewID(), now: time.Now()}
	put(b, g.db, appointments.CentreKind, g.centre, appointments.Centre{Name: "Les Tilleuls"}, store.ScopeNetwork)
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 100
	for lo := 0; lo < persons; lo += batch {
		must0(b, g.db.Update(func(tx *store.Tx) error {
			for i := lo; i < min(lo+batch, persons); i++ {
				p, err := people.PutIn(tx, people.Person{FirstName: fmt.Sprintf("Prénom%d", i), NoPhone: true,
					Consent: people.Consent{Given: i%2 == 0, By: "accueil", Purpose: "Suivi"}}, g.now)
				if err != nil {
					return err
				}
				g.people = append(g.people, p.ID)
				for range perPerson {
					start := g.now.Add(-time.Duration(rng.Int64N(int64(30 * 30 * 24 * time.Hour))))
					a := appointments.Appointment{Person: p.ID, Centre: g.centre, Mediator: "m", Procedure: "caf_rsa",
						Start: start.UTC(), Minutes: 30, Mode: appointments.OnSite, Status: appointments.Seen, Booked: start.UTC(),
						Outcome: &appointments.Outcome{Autonomy: appointments.DoneWith, Note: "note"}}
					if _, err := store.PutIn(tx, appointments.Kind, store.NewID(), a, p.Scope()); err != nil {
						return err
					}
				}
			}
			return nil
		}))
	}
	return g
}

// BenchmarkPurgeGenerated: the daily purge of a generated set of 10,000
// people and 100,000 appointments over 30 months. The first purge (most of
// the work: a fifth of the appointments are older than 24 months) is
// reported as first-ms; each op is a later day's purge.
func BenchmarkPurgeGenerated(b *testing.B) {
	g := generate(b, 10_000, 10)
	sys := actor.System(g.centre)
	t0 := time.Now()
	first := must(rgpd.Purge(sys, g.db, g.now.AddDate(0, 0, 200)))
	firstMS := time.Since(t0).Milliseconds()
	b.ResetTimer()
	for i := range b.N {
		must(rgpd.Purge(sys, g.db, g.now.AddDate(0, 0, 201+i)))
	}
	b.StopTimer()
	b.ReportMetric(float64(firstMS), "first-ms")
	b.ReportMetric(float64(first.Erased), "erased-first")
	b.ReportMetric(float64(first.Anonymised), "anonymised-first")
}

// BenchmarkLargePurge: the daily purge of a copy of the large set (100,000
// people, 1,000,000 appointments; RELAIS_LARGE_DIR, made with `relais demo
// --size large`). It writes (the indexes of this package, the audit log),
// so point it at a copy. Every appointment of the set is within the last
// six months: a purge erases nobody and reads every recent activity key,
// the daily cost in a centre where everyone came recently.
func BenchmarkLargePurge(b *testing.B) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a copy of a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	t0 := time.Now()
	opts := store.Options{Indexes: indexes()}
	desk, s, err := demo.SignIn(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	openMS := time.Since(t0).Milliseconds() // builds the indexes the first time
	sys := actor.System(s.CentreID)
	b.ResetTimer()
	var sum rgpd.Summary
	for range b.N {
		sum = must(rgpd.Purge(sys, s.DB, time.Now()))
	}
	b.StopTimer()
	b.ReportMetric(float64(openMS), "open-ms")
	b.ReportMetric(float64(sum.Erased), "erased")
}

// BenchmarkLargeErase erases one person of the large set per op (point it
// at a copy).
func BenchmarkLargeErase(b *testing.B) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a copy of a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	desk, s, err := demo.SignIn(dir, store.Options{Indexes: indexes()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	var ids []string
	must0(b, s.DB.FindPrefix(people.Kind, rgpd.PeopleIndex, "", func(_, id string) error {
		ids = append(ids, id)
		return nil
	}))
	if len(ids) < b.N {
		b.Skipf("only %d people left", len(ids))
	}
	who := actor.New("admin", "Admin", actor.Admin, s.CentreID)
	b.ResetTimer()
	for i := range b.N {
		must(rgpd.Erase(who, s.DB, ids[i]))
	}
}
