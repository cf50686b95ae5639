package people_test

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/people"
	"relais/store"
)

// The benchmarks run on a real store (synced writes) holding 100,000
// generated people, loaded in transactions of 500.

const large = 100_000

func load(b *testing.B, db *store.DB, persons []people.Person) {
	b.Helper()
	for start := 0; start < len(persons); start += 500 {
		batch := persons[start:min(start+500, len(persons))]
		err := db.Update(func(tx *store.Tx) error {
			for _, p := range batch {
				if _, err := people.PutIn(tx, p, today); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

var largeSet = sync.OnceValue(func() []people.Person { return people.Generate(1, large) })

func largeStore(b *testing.B) *store.DB {
	b.Helper()
	db := openDB(b)
	start := time.Now()
	load(b, db, largeSet())
	b.Logf("loaded %d persons in %v", large, time.Since(start).Round(time.Millisecond))
	// Let the store finish the compaction the bulk load started, as it
	// has long finished when reception types at the desk.
	time.Sleep(3 * time.Second)
	runtime.GC()
	return db
}

// p99 returns the 99th percentile of ds in milliseconds.
func p99(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100]) / float64(time.Millisecond)
}

// BenchmarkSearch100k types « hélène dupond » letter by letter; one
// operation is one keystroke's search.
func BenchmarkSearch100k(b *testing.B) {
	db := largeStore(b)
	s, err := people.NewService(db, actor.System(""))
	if err != nil {
		b.Fatal(err)
	}
	var queries []string
	typed := ""
	for _, r := range "hélène dupond" {
		typed += string(r)
		queries = append(queries, typed)
	}
	if hits := s.Search("hélène dupond", 10); len(hits) == 0 || hits[0].Person.FullName() != "Hélène Dupont" {
		b.Fatalf("Search(hélène dupond) over 100k = %v, want Hélène Dupont first", names(hits))
	}
	var ds []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		t := time.Now()
		s.Search(queries[i%len(queries)], 10)
		ds = append(ds, time.Since(t))
		i++
	}
	b.ReportMetric(p99(ds), "p99-ms")
}

// BenchmarkIndexBuild100k measures the start of the service: reading
// 100,000 persons from the store into the search index.
func BenchmarkIndexBuild100k(b *testing.B) {
	db := largeStore(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := people.NewService(db, actor.System(""))
		if err != nil {
			b.Fatal(err)
		}
		if s.Len() != large {
			b.Fatalf("index holds %d persons", s.Len())
		}
	}
}

// BenchmarkRegister measures a durable registration (duplicate check,
// record, store indexes, search index) on top of the 100,000.
func BenchmarkRegister(b *testing.B) {
	db := largeStore(b)
	s, err := people.NewService(db, actor.System(""))
	if err != nil {
		b.Fatal(err)
	}
	fresh := people.Generate(2, 20_000)
	var ds []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		p := fresh[i%len(fresh)]
		i++
		t := time.Now()
		if _, err := s.RegisterAnyway(p); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	b.ReportMetric(p99(ds), "p99-ms")
}
