package people_test

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"relais/actor"
	"relais/demo"
	"relais/people"
	"relais/schema"
	"relais/store"
)

// BenchmarkLargeSearch opens the large set named by RELAIS_LARGE_DIR (made
// with `relais demo --size large`), builds the search index over its
// 100,000 people, then types real names of that set letter by letter, one
// in four with a typo; one operation is one keystroke's search.
func BenchmarkLargeSearch(b *testing.B) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	desk, sess, err := demo.SignIn(dir, schema.Options(store.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	defer desk.Close()
	defer sess.Close()
	t0 := time.Now()
	s, err := people.NewService(sess.DB, actor.System(""))
	if err != nil {
		b.Fatal(err)
	}
	build := time.Since(t0)
	if s.Len() < 100_000 {
		b.Fatalf("the large set has %d people", s.Len())
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var queries []string
	for _, p := range people.Generate(1, 200) { // seed 1 is the large set's
		name := []rune(p.FirstName + " " + p.LastName)
		if rng.IntN(4) == 0 && len(name) > 6 {
			i := 1 + rng.IntN(len(name)-2)
			name[i], name[i+1] = name[i+1], name[i] // a swapped pair of letters
		}
		for i := 1; i <= len(name); i++ {
			queries = append(queries, string(name[:i]))
		}
	}
	var ds []time.Duration
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		s.Search(queries[i%len(queries)], 10)
		ds = append(ds, time.Since(t))
		i++
	}
	b.ReportMetric(p99(ds), "p99-ms")
	b.ReportMetric(float64(build.Milliseconds()), "index-build-ms")
}
