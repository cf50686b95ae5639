package radar_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/people"
	"relais/radar"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

// largeSet opens the large data set (50 centres, 100,000 people,
// 1,000,000 appointments), as the appointments' and people's large
// benchmarks do: the folder named by RELAIS_LARGE_DIR, made by `relais demo
// --size large`. With RELAIS_LARGE=1 it is made here when missing (about
// two minutes), in RELAIS_LARGE_DIR or else in the temporary directory,
// and kept for the next runs. Otherwise it skips. The first time, it adds
// follow-ups and cases to the set (GenerateFollowUps, 10 % of the people).
func largeSet(b testing.TB) *store.DB {
	dir := os.Getenv(demo.LargeDirEnv)
	build := os.Getenv("RELAIS_LARGE") != ""
	if _, err := os.Stat(filepath.Join(dir, "store")); !build && (dir == "" || err != nil) {
		b.Skipf("set %s to a folder made by `relais demo --size large`, or RELAIS_LARGE=1 to make one", demo.LargeDirEnv)
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "relais-large-set")
	}
	opts := schema.Options(store.Options{})
	if build {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		created, ok, err := demo.Create(dir, opts, demo.Large, 1, func(msg string) { b.Log(msg) })
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			b.Logf("made the large set in %s in %v: %+v", dir, time.Since(t0).Round(time.Second), created)
		}
	}
	t0 := time.Now()
	desk, s, err := demo.SignIn(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	if d := time.Since(t0); d > 5*time.Second {
		b.Logf("opened %s in %v (indexes built)", dir, d.Round(time.Millisecond))
	}
	seedFollowUps(b, s.DB)
	return s.DB
}

// seedFollowUps adds follow-ups and cases to a network that has none.
func seedFollowUps(b testing.TB, db *store.DB) {
	if n, err := db.Count(radar.FollowUpKind); err != nil || n > 0 {
		return
	}
	var persons, centres []string
	err := db.Scan(people.Kind, "", func(r store.Record) error { persons = append(persons, r.ID); return nil })
	if err != nil {
		b.Fatal(err)
	}
	err = appointments.Centres(db).All(func(id string, _ appointments.Centre) error { centres = append(centres, id); return nil })
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	g, err := radar.GenerateFollowUps(db, radar.Sample{Seed: 1, Persons: persons, Centres: centres, Now: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("added %+v in %v", g, time.Since(t0).Round(time.Millisecond))
}

var small struct {
	once sync.Once
	dir  string
	err  error
}

// network is the large set when there is one, otherwise a small network
// made once per run: 3 centres, 2,000 people, six months of appointments.
func network(b *testing.B) *store.DB {
	if os.Getenv(demo.LargeDirEnv) != "" || os.Getenv("RELAIS_LARGE") != "" {
		return largeSet(b)
	}
	small.once.Do(func() {
		small.dir, small.err = os.MkdirTemp("", "relais-radar-bench")
		if small.err == nil {
			_, _, small.err = demo.Create(small.dir, schema.Options(store.TestOptions()), demo.Small, 1, nil)
		}
	})
	if small.err != nil {
		b.Fatal(small.err)
	}
	desk, err := staff.OpenDesk(small.dir, schema.Options(store.TestOptions()))
	if err != nil {
		b.Fatal(err)
	}
	s, err := desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		desk.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	seedFollowUps(b, s.DB)
	return s.DB
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func p99(ds []time.Duration) float64 {
	slices.Sort(ds)
	return ms(ds[len(ds)*99/100])
}

// TestLargeRecomputeAgreesWithRefresh checks on the large set that the full
// recompute (index keys) gives the radar that 100,000 refreshes (records)
// give, and that the radar kept up by the clock twenty days later is the
// one computed then. It takes about 15 s; it runs where the large
// benchmarks do.
func TestLargeRecomputeAgreesWithRefresh(t *testing.T) {
	db := largeSet(t)
	now := time.Now()
	clock := func() time.Time { return now }
	whole, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	each, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	t0 := time.Now()
	err = db.Scan(people.Kind, "", func(r store.Record) error {
		n++
		return each.Refresh(r.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d refreshes in %v", n, time.Since(t0).Round(time.Millisecond))
	got, want := each.Entries(radar.Filter{}), whole.Entries(radar.Filter{})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("refreshed %d entries, recomputed %d:\n%.3000s", len(got), len(want), diff(got, want))
	}
	today := len(want)
	now = now.AddDate(0, 0, 20)
	later, err := radar.New(db, actor.System(""), clock)
	if err != nil {
		t.Fatal(err)
	}
	got, want = whole.Entries(radar.Filter{}), later.Entries(radar.Filter{})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("20 days later, kept up by the clock %d entries, computed then %d:\n%.3000s", len(got), len(want), diff(got, want))
	}
	t.Logf("%d entries today, %d in 20 days", today, len(got))
}

// BenchmarkRecomputeLarge: the whole network's radar computed from the
// store, on the large set.
func BenchmarkRecomputeLarge(b *testing.B) {
	db := largeSet(b)
	t0 := time.Now()
	r, err := radar.New(db, actor.System(""), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	first := time.Since(t0)
	b.ReportAllocs()
	b.ResetTimer()
	t0 = time.Now()
	for range b.N {
		if err := r.Recompute(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(ms(time.Since(t0))/float64(b.N), "ms/op")
	b.ReportMetric(ms(first), "first-ms")
	b.ReportMetric(float64(len(r.Entries(radar.Filter{}))), "entries")
}

// BenchmarkRefreshOne: one appointment of a random person changes status
// (seen becomes absent, or back), then the radar refreshes that person.
// Only the refresh is timed.
func BenchmarkRefreshOne(b *testing.B) {
	db := network(b)
	r, err := radar.New(db, actor.System(""), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	type ref struct{ id, person string }
	var refs []ref
	err = db.FindPrefix(appointments.Kind, "person", "", func(person, id string) error {
		refs = append(refs, ref{id, person})
		if len(refs) == 20_000 {
			return store.Stop
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	appts := store.NewCollection[appointments.Appointment](db, appointments.Kind)
	var ds []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		x := refs[rng.IntN(len(refs))]
		a, m, err := appts.Get(x.id)
		if errors.Is(err, store.ErrNotFound) {
			b.StartTimer()
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		changed := a
		if a.Status == appointments.Absent {
			changed.Status = appointments.Seen
		} else {
			changed.Status = appointments.Absent
		}
		if _, err := appts.Put(x.id, changed, m.Scope); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if err := r.Refresh(x.person); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		b.StopTimer()
		if _, err := appts.Put(x.id, a, m.Scope); err != nil { // leave the set as it was
			b.Fatal(err)
		}
		if err := r.Refresh(x.person); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	b.ReportMetric(ms(total)/float64(len(ds)), "ms/op")
	b.ReportMetric(p99(ds), "p99-ms")
}

// BenchmarkEntries: the coordinator's list for the whole network, and for
// one centre, sorted by urgency.
func BenchmarkEntries(b *testing.B) {
	db := network(b)
	r, err := radar.New(db, actor.System(""), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	var centre string
	_ = appointments.Centres(db).All(func(id string, _ appointments.Centre) error {
		if centre == "" {
			centre = id
		}
		return nil
	})
	for _, tc := range []struct {
		name string
		f    radar.Filter
	}{{"network", radar.Filter{}}, {"centre", radar.Filter{Centre: centre}}, {"rule", radar.Filter{Rule: string(radar.Inactive)}}} {
		b.Run(tc.name, func(b *testing.B) {
			n := 0
			b.ReportAllocs()
			t0 := time.Now()
			for range b.N {
				n = len(r.Entries(tc.f))
			}
			b.ReportMetric(ms(time.Since(t0))/float64(b.N), "ms/op")
			b.ReportMetric(float64(n), "entries")
		})
	}
}

// TestMain removes the small benchmark network made for this run.
func TestMain(m *testing.M) {
	code := m.Run()
	if small.dir != "" {
		os.RemoveAll(small.dir)
	}
	os.Exit(code)
}
