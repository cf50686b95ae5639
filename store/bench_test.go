package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"relais/store"
)

// The benchmarks run on a real store in a temporary folder with the
// application's durability: every commit is synced to disk.

type benchPerson struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
	Note string   `json:"note"`
}

func benchOptions() store.Options {
	o := store.TestOptions()
	o.Indexes = []store.Index{store.IndexOn("person", "name", 1, func(p benchPerson) []string { return []string{p.Name} })}
	return o
}

func benchStore(b *testing.B) *store.DB {
	b.Helper()
	f, err := store.OpenFolder(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	db, _, err := f.Initialise(propLogin, propPassword, benchOptions())
	if err != nil {
		f.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close(); f.Close() })
	return db
}

func benchID(i int) string { return fmt.Sprintf("p%08d", i) }

// benchBody returns a JSON body of about 300 bytes whose name is name-NNNNN.
func benchBody(i int) []byte {
	return fmt.Appendf(nil, `{"name":"name-%05d","tags":["t%d","u%d"],"born":"19%02d-%02d-%02d","phone":"+33 6 %08d","note":%q}`,
		i, i%7, i%13, i%100, 1+i%12, 1+i%28, i, strings.Repeat("Lorem ipsum dolor sit amet. ", 8)[:205])
}

// benchPreload writes n person records in Update batches of 500.
func benchPreload(b *testing.B, db *store.DB, kind string, n int) {
	b.Helper()
	for start := 0; start < n; start += 500 {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < min(start+500, n); i++ {
				if _, err := tx.Put(kind, benchID(i), benchBody(i), store.ScopeLocal); err != nil {
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

func BenchmarkPutDurable(b *testing.B) {
	db := benchStore(b)
	bodies := make([][]byte, 1000)
	for i := range bodies {
		bodies[i] = benchBody(i)
	}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.SetBytes(int64(len(bodies[0])))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := db.Put("person", benchID(i), bodies[i%len(bodies)], store.ScopeLocal); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	p99 := durations[min(len(durations)-1, len(durations)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

func BenchmarkGet(b *testing.B) {
	const n = 10_000
	db := benchStore(b)
	benchPreload(b, db, "person", n)
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = benchID(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := db.Get("person", ids[rng.IntN(n)])
		if err != nil || len(r.Body) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanPrefix10k(b *testing.B) {
	const n = 10_000
	db := benchStore(b)
	benchPreload(b, db, "person", n)
	benchPreload(b, db, "visit", 2_000) // another kind around it, which the scan must not see
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count := 0
		if err := db.Scan("person", "", func(r store.Record) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("scan saw %d records, want %d", count, n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkFindPrefix(b *testing.B) {
	const n = 10_000
	db := benchStore(b)
	benchPreload(b, db, "person", n)
	rng := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// name-0123 matches name-01230 … name-01239: ten records.
		prefix := fmt.Sprintf("name-%04d", rng.IntN(n/10))
		count := 0
		if err := db.FindPrefix("person", "name", prefix, func(value, id string) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != 10 {
			b.Fatalf("FindPrefix(%q) found %d, want 10", prefix, count)
		}
	}
}

func BenchmarkUpdateBatch100(b *testing.B) {
	db := benchStore(b)
	bodies := make([][]byte, 1000)
	for i := range bodies {
		bodies[i] = benchBody(i)
	}
	b.ReportAllocs()
	b.SetBytes(int64(100 * len(bodies[0])))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.Update(func(tx *store.Tx) error {
			for j := range 100 {
				k := i*100 + j
				if _, err := tx.Put("person", benchID(k), bodies[k%len(bodies)], store.ScopeLocal); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "records/s")
}
