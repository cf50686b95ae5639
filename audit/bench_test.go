package audit_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/audit"
	"relais/store"
)

// The network's log for the benchmarks: AUDIT_BENCH_ENTRIES entries
// (1,000,000 by default) by 400 colleagues of 50 centres about 100,000
// persons over a year, built once per run (about 7 minutes for a million
// on a 2-core PC). With AUDIT_BENCH_DIR, it is built there once and kept
// for the next runs.
var bench struct {
	once    sync.Once
	dir     string
	f       *store.Folder
	db      *store.DB
	log     *audit.Log
	entries int
	built   time.Duration
	err     error
	start   time.Time
}

const (
	benchCentres = 50
	benchStaff   = 400
	benchPeople  = 100000
)

func benchPerson(i int) string { return fmt.Sprintf("person-%06d", i) }
func benchLogin(i int) string  { return fmt.Sprintf("staff%03d", i) }

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
		bench.f.Close()
	}
	if bench.dir != "" && os.Getenv("AUDIT_BENCH_DIR") == "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func benchLog(b *testing.B) (*store.DB, *audit.Log) {
	b.Helper()
	if testing.Short() {
		b.Skip("builds a large log")
	}
	bench.once.Do(func() {
		bench.entries = 1000000
		if s := os.Getenv("AUDIT_BENCH_ENTRIES"); s != "" {
			bench.entries, bench.err = strconv.Atoi(s)
		}
		if bench.err != nil {
			return
		}
		t0 := time.Now()
		bench.err = buildBenchLog()
		bench.built = time.Since(t0)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.db, bench.log
}

func buildBenchLog() (err error) {
	bench.dir = os.Getenv("AUDIT_BENCH_DIR")
	if bench.dir == "" {
		if bench.dir, err = os.MkdirTemp("", "audit-bench-"); err != nil {
			return err
		}
	}
	// The folder holds nothing but Relais's files: the count sits beside it.
	folder, count := filepath.Join(bench.dir, "relais"), filepath.Join(bench.dir, "entries")
	if bench.f, err = store.OpenFolder(folder); err != nil {
		return err
	}
	if !bench.f.IsNew() {
		b, err := os.ReadFile(count)
		if err != nil {
			return err
		}
		if bench.entries, err = strconv.Atoi(string(b)); err != nil {
			return err
		}
		master, err := bench.f.Keyring().UnlockPassword(folderLogin, folderPassword)
		if err != nil {
			return err
		}
		bench.db, err = bench.f.Open(master, options())
		bench.log = audit.Open(bench.db)
		return err
	}
	if bench.db, _, err = bench.f.Initialise(folderLogin, folderPassword, options()); err != nil {
		return err
	}
	defer func() {
		if err == nil {
			err = os.WriteFile(count, []byte(strconv.Itoa(bench.entries)), 0o600)
		}
	}()
	rng := rand.New(rand.NewPCG(7, 7))
	bench.start = time.Date(2025, time.March, 1, 8, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / time.Duration(bench.entries)
	at := bench.start
	bench.log = audit.Open(bench.db)
	bench.log.Now = func() time.Time { return at }
	actions := audit.Actions()
	staff := make([]*actor.Actor, benchStaff)
	for i := range staff {
		staff[i] = actor.New(benchLogin(i), fmt.Sprintf("Collègue %d", i), actor.Mediator, fmt.Sprintf("centre-%02d", i%benchCentres))
	}
	const perTx = 500
	for done := 0; done < bench.entries; done += perTx {
		err := bench.db.Update(func(tx *store.Tx) error {
			for i := done; i < min(done+perTx, bench.entries); i++ {
				at = at.Add(step)
				e := actor.Event{Action: actor.PersonRead, Person: benchPerson(rng.IntN(benchPeople))}
				if rng.IntN(2) == 0 { // half are reads of a file, the rest any action
					e.Action = actions[rng.IntN(len(actions))]
				}
				e.Record = "person/" + e.Person
				if err := bench.log.Record(tx, staff[rng.IntN(benchStaff)], e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return err
}

func benchList(b *testing.B, f audit.Filter, limit int) {
	_, l := benchLog(b)
	j, err := l.Journal(actor.New("admin", "Admin", actor.Admin, "centre-00"))
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		entries, err := j.List(f, limit)
		if err != nil {
			b.Fatal(err)
		}
		n = len(entries)
	}
	b.ReportMetric(float64(n), "found")
	b.ReportMetric(float64(bench.entries), "entries")
}

func BenchmarkListNewest(b *testing.B) { benchList(b, audit.Filter{}, 200) }

func BenchmarkListPerson(b *testing.B) { benchList(b, audit.Filter{Person: benchPerson(4242)}, 200) }

func BenchmarkListColleagueInAMonth(b *testing.B) {
	from := time.Date(2025, time.September, 1, 0, 0, 0, 0, time.UTC)
	benchList(b, audit.Filter{Login: benchLogin(17), From: from, To: from.AddDate(0, 1, 0)}, 200)
}

func BenchmarkListCentreAndAction(b *testing.B) {
	benchList(b, audit.Filter{Centre: "centre-07", Action: actor.PersonErased}, 200)
}

// The worst case: a rare action of one colleague reads all of that
// colleague's entries (about 2,500 in a million).
func BenchmarkListColleagueRareAction(b *testing.B) {
	benchList(b, audit.Filter{Login: benchLogin(17), Action: actor.PurgeRun}, 200)
}

func BenchmarkCheck(b *testing.B) {
	db, _ := benchLog(b)
	b.ResetTimer()
	for b.Loop() {
		rep, err := audit.Check(db)
		if err != nil || !rep.OK() || rep.Entries != bench.entries {
			b.Fatalf("Check = %d entries, %v, %v", rep.Entries, rep.Breaks, err)
		}
	}
	b.ReportMetric(float64(bench.entries), "entries")
	b.ReportMetric(bench.built.Seconds(), "s-to-build")
}

// BenchmarkRecord is one append in a transaction of its own, synced to
// disk, as a service does it.
func BenchmarkRecord(b *testing.B) {
	db, l := newLog(b)
	who := marie.Recording(l)
	for b.Loop() {
		if err := db.Update(func(tx *store.Tx) error { return who.Log(tx, actor.PersonRead, awa, "") }); err != nil {
			b.Fatal(err)
		}
	}
}
