package audit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"relais/actor"
	"relais/audit"
	"relais/store"
	"relais/store/storetest"
)

// purgeNow is the time of the purges below; cutoff the time before which
// entries are due then.
var (
	purgeNow = time.Date(2027, time.June, 15, 10, 0, 0, 0, time.UTC)
	cutoff   = audit.Cutoff(purgeNow)
)

const day = 24 * time.Hour

// appendAt appends one read of Awa's file by Marie, dated at.
func appendAt(t testing.TB, db *store.DB, l *audit.Log, at ...time.Time) {
	t.Helper()
	err := db.Update(func(tx *store.Tx) error {
		for _, a := range at {
			l.Now = func() time.Time { return a }
			if err := l.Record(tx, marie, actor.Event{Action: actor.PersonRead, Person: awa}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func purge(t testing.TB, db *store.DB, now time.Time) audit.PurgeSummary {
	t.Helper()
	s, err := audit.Purge(context.Background(), db, now)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	return s
}

func checkAt(t testing.TB, db *store.DB, now time.Time) audit.Report {
	t.Helper()
	rep, err := audit.CheckAt(db, now)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// deletedUpTo checks that entries 1..k of db's own chain are tombstones
// and entry k+1 is there.
func deletedUpTo(t testing.TB, db *store.DB, k uint64) {
	t.Helper()
	for seq := uint64(1); seq <= k+1; seq++ {
		r, err := db.GetAny(audit.Kind, entryID(db, seq))
		if err != nil {
			t.Fatalf("entry %d: %v", seq, err)
		}
		if r.Deleted != (seq <= k) {
			t.Errorf("entry %d deleted = %v, want %v", seq, r.Deleted, seq <= k)
		}
	}
}

// A day either side of the cutoff: entries a day older are due, a day
// younger kept; the youngest due entry stays as the witness of the cut.
func TestPurgeDeletesEntriesOlderThanTheRetention(t *testing.T) {
	db, l := newLog(t)
	appendAt(t, db, l,
		cutoff.Add(-40*day), cutoff.Add(-3*day), cutoff.Add(-2*day), cutoff.Add(-day), // 1..4: due
		cutoff.Add(day), cutoff.Add(2*day), purgeNow.Add(-time.Hour)) // 5..7: kept
	s := purge(t, db, purgeNow)
	if s.Deleted != 3 || s.First != 4 {
		t.Fatalf("purge = %+v, want 3 deleted, first kept 4 (the witness)", s)
	}
	deletedUpTo(t, db, 3)
	rep := checkAt(t, db, purgeNow)
	wantBreaks(t, rep)
	if rep.Entries != 4 || rep.Chains[0].First != 4 {
		t.Errorf("report = %+v, want 4 entries from 4", rep)
	}
	got, err := journal(t, l).List(audit.Filter{}, 10)
	if err != nil || len(got) != 4 || got[3].Seq != 4 {
		t.Errorf("List = %d entries (%v), want 4 down to entry 4", len(got), err)
	}

	// Two days later, entry 5 is due: entry 4 goes, 5 is the witness.
	later := purgeNow.Add(2 * day)
	if s := purge(t, db, later); s.Deleted != 1 || s.First != 5 {
		t.Fatalf("second purge = %+v, want 1 deleted, first kept 5", s)
	}
	deletedUpTo(t, db, 4)
	wantBreaks(t, checkAt(t, db, later))
	// Appends go on from the head; the chain checks clean.
	appendAt(t, db, l, later.Add(time.Hour))
	wantBreaks(t, checkAt(t, db, later.Add(2*time.Hour)))
}

// Nothing due, nothing written: neither a tombstone nor the start.
func TestPurgeWithNothingDueWritesNothing(t *testing.T) {
	db, l := newLog(t)
	seq := db.LastSequence()
	purge(t, db, purgeNow) // an empty log
	appendAt(t, db, l, cutoff.Add(-day), cutoff.Add(day), cutoff.Add(2*day))
	seq = db.LastSequence()
	// One entry due is kept as the witness: nothing to delete.
	if s := purge(t, db, purgeNow); s != (audit.PurgeSummary{}) {
		t.Errorf("purge = %+v, want nothing", s)
	}
	if db.LastSequence() != seq {
		t.Errorf("the purge wrote %d records, want none", db.LastSequence()-seq)
	}
	// After a purge, the same purge again writes nothing either.
	if s := purge(t, db, purgeNow.Add(2*day)); s.Deleted != 1 {
		t.Fatalf("purge = %+v, want 1 deleted", s)
	}
	seq = db.LastSequence()
	if s := purge(t, db, purgeNow.Add(2*day)); s != (audit.PurgeSummary{}) || db.LastSequence() != seq {
		t.Errorf("a second purge = %+v and wrote %d records, want nothing", s, db.LastSequence()-seq)
	}
}

// A first purge of a long journal goes in batches, each moving the start:
// the chain checks clean after it.
func TestPurgeInBatches(t *testing.T) {
	db, l := newLog(t)
	const old = 1203
	var at []time.Time
	for i := range old {
		at = append(at, cutoff.Add(-day-time.Duration(old-i)*time.Minute))
	}
	appendAt(t, db, l, at...)
	appendAt(t, db, l, purgeNow.Add(-day), purgeNow.Add(-time.Hour))
	seq := db.LastSequence()
	s := purge(t, db, purgeNow)
	if s.Deleted != old-1 || s.First != old {
		t.Fatalf("purge = %+v, want %d deleted, first kept %d", s, old-1, old)
	}
	// A tombstone per entry, and the start written once per batch of 500.
	if wrote := db.LastSequence() - seq; wrote != old-1+3 {
		t.Errorf("the purge wrote %d records, want %d tombstones and 3 starts", wrote, old-1)
	}
	deletedUpTo(t, db, old-1)
	rep := checkAt(t, db, purgeNow)
	wantBreaks(t, rep)
	if rep.Entries != 3 {
		t.Errorf("%d entries left, want 3", rep.Entries)
	}
}

// The start of a chain purged as a whole (every entry due) is checked
// against the head on the chain's computer.
func TestPurgeEverythingDueKeepsTheWitness(t *testing.T) {
	db, l := newLog(t)
	appendAt(t, db, l, cutoff.Add(-3*day), cutoff.Add(-2*day), cutoff.Add(-day))
	if s := purge(t, db, purgeNow); s.Deleted != 2 || s.First != 3 {
		t.Fatalf("purge = %+v, want 2 deleted, the last entry kept", s)
	}
	wantBreaks(t, checkAt(t, db, purgeNow))
	// A year on, the witness is still the last entry: nothing goes.
	if s := purge(t, db, purgeNow.AddDate(1, 0, 0)); s.Deleted != 0 {
		t.Errorf("purge = %+v, want nothing", s)
	}
}

// The purger's clock may run ahead of the checking computer's by up to
// audit.Skew: a purge 3 days ahead is fine, 10 days ahead is reported.
func TestCheckAllowsClockSkew(t *testing.T) {
	for _, c := range []struct {
		ahead time.Duration
		want  []string
	}{
		{3 * day, nil},
		{10 * day, []string{"early 1-15"}},
	} {
		db, l := newLog(t)
		var at []time.Time
		for i := range 30 { // from 6 days before the cutoff to 23 after
			at = append(at, cutoff.Add(time.Duration(i-6)*day))
		}
		appendAt(t, db, l, at...)
		purge(t, db, purgeNow.Add(c.ahead))
		wantBreaks(t, checkAt(t, db, purgeNow), c.want...)
	}
}

// putStart writes a chain's start behind the purge's back, as a person
// with the store's key could.
func putStart(t *testing.T, db *store.DB, st audit.Start) {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Put(audit.StartKind, audit.ChainOf(db.Replica()), b, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
}

// Someone cuts recent entries and writes a start to pass it off as a
// purge: whatever date the start gives, the first entry kept is recent.
func TestTamperForgedStartHidingRecentEntries(t *testing.T) {
	for _, c := range []struct {
		name   string
		lastAt time.Time
	}{
		{"dated honestly", purgeNow.Add(-2 * day)},
		{"dated a year back", cutoff.Add(-day)},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, l := newLog(t)
			var at []time.Time
			for i := range 8 {
				at = append(at, purgeNow.Add(time.Duration(i-8)*day))
			}
			appendAt(t, db, l, at...)
			r, _ := db.Get(audit.Kind, entryID(db, 4))
			for seq := uint64(1); seq <= 4; seq++ {
				if _, err := db.Delete(audit.Kind, entryID(db, seq)); err != nil {
					t.Fatal(err)
				}
			}
			putStart(t, db, audit.Start{First: 5, Prev: hashOf(r.Body), LastAt: c.lastAt})
			wantBreaks(t, checkAt(t, db, purgeNow), "early 1-4")
		})
	}
}

// A start that does not match the first entry kept, one past the head,
// one that does not decode: each is reported.
func TestTamperBadStart(t *testing.T) {
	setup := func(t *testing.T) *store.DB {
		db, l := newLog(t)
		appendAt(t, db, l, cutoff.Add(-3*day), cutoff.Add(-2*day), cutoff.Add(-day), purgeNow)
		purge(t, db, purgeNow)
		return db
	}
	t.Run("another hash", func(t *testing.T) {
		db := setup(t)
		putStart(t, db, audit.Start{First: 3, Prev: hashOf([]byte("x")), LastAt: cutoff.Add(-2 * day)})
		wantBreaks(t, checkAt(t, db, purgeNow), "bad_start 3-3")
	})
	t.Run("past the head", func(t *testing.T) {
		db := setup(t)
		putStart(t, db, audit.Start{First: 9, Prev: hashOf([]byte("x")), LastAt: cutoff.Add(-2 * day)})
		wantBreaks(t, checkAt(t, db, purgeNow), "bad_start 9-9")
	})
	t.Run("damaged", func(t *testing.T) {
		db := setup(t)
		if _, err := db.Put(audit.StartKind, audit.ChainOf(db.Replica()), []byte(`{"first":"x"}`), store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
		rep := checkAt(t, db, purgeNow)
		// Without its start the chain shows its deleted entries too.
		wantBreaks(t, rep, "bad_start 0-0", "deleted 1-1", "deleted 2-2")
		if p := rep.Breaks[0].Problem("Tilleuls"); p.Key != "audit.break.start_damaged" {
			t.Errorf("problem = %s, want audit.break.start_damaged", p.Key)
		}
	})
}

// Entries deleted after the start are still breaks, as anywhere.
func TestTamperDeleteAfterThePurge(t *testing.T) {
	db, l := newLog(t)
	appendAt(t, db, l, cutoff.Add(-3*day), cutoff.Add(-2*day), cutoff.Add(-day),
		purgeNow.Add(-3*time.Hour), purgeNow.Add(-2*time.Hour), purgeNow.Add(-time.Hour))
	purge(t, db, purgeNow)
	for _, seq := range []uint64{3, 5} { // the witness, and one in the middle
		if _, err := db.Delete(audit.Kind, entryID(db, seq)); err != nil {
			t.Fatal(err)
		}
	}
	wantBreaks(t, checkAt(t, db, purgeNow), "deleted 3-3", "deleted 5-5")
}

// A partner's check: after the exchange, the purged chain checks clean
// there and the partner holds only tombstones of the purged entries. A
// partner that got the tombstones without the start reports them until
// the start arrives.
func TestPurgeReachesPartners(t *testing.T) {
	a, la := newLog(t)
	b, lb := newLog(t)
	appendAt(t, a, la, cutoff.Add(-3*day), cutoff.Add(-2*day), cutoff.Add(-day), purgeNow)
	appendAt(t, b, lb, purgeNow)
	storetest.Exchange(t, a, b)
	purge(t, a, purgeNow)

	// Only the tombstones reach b (a sync cut before the start).
	var part []store.Record
	err := a.Changes(0, func(r store.Record) error {
		if an, ok := r.Announced(); ok && r.Kind != audit.StartKind {
			part = append(part, an)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ApplyRemote(part); err != nil {
		t.Fatal(err)
	}
	wantBreaks(t, checkAt(t, b, purgeNow), "deleted 1-1", "deleted 2-2")

	storetest.Exchange(t, a, b)
	storetest.Exchange(t, b, a)
	for name, db := range map[string]*store.DB{"a": a, "b": b} {
		rep := checkAt(t, db, purgeNow)
		wantBreaks(t, rep)
		if rep.Entries != 3 {
			t.Errorf("%s: %d entries, want 3", name, rep.Entries)
		}
	}
	chain := audit.ChainOf(a.Replica())
	for seq := uint64(1); seq <= 2; seq++ {
		if r, err := b.GetAny(audit.Kind, audit.EntryID(chain, seq)); err != nil || !r.Deleted {
			t.Errorf("b's entry %d of a's chain = %+v (%v), want a tombstone", seq, r.Meta, err)
		}
	}
}

// The first purge of a chain of 200,000 entries of which half are due (a
// PC that ran a busy help desk for two years): time, and records written
// (a tombstone per entry, a start per batch).
//
//	go test -run '^$' -bench PurgeHalf -benchtime 1x ./audit/
func BenchmarkPurgeHalfOf200k(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a chain of 200,000 entries")
	}
	const n = 200000
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b, audit.Indexes()...)
		l := audit.Open(db)
		at := cutoff.Add(-200 * day)
		l.Now = func() time.Time { return at }
		for done := 0; done < n; done += 1000 {
			err := db.Update(func(tx *store.Tx) error {
				for i := done; i < done+1000; i++ {
					at = at.Add(2 * time.Minute) // the first half before the cutoff
					if i == n/2 {
						at = cutoff.Add(time.Hour)
					}
					if err := l.Record(tx, marie, actor.Event{Action: actor.PersonRead, Person: awa, Record: "person/" + awa}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		seq := db.LastSequence()
		b.StartTimer()
		s, err := audit.Purge(context.Background(), db, purgeNow)
		b.StopTimer()
		if err != nil || s.Deleted != n/2-1 {
			b.Fatalf("purge = %+v, %v; want %d deleted", s, err, n/2-1)
		}
		b.ReportMetric(float64(s.Deleted), "deleted/op")
		b.ReportMetric(float64(db.LastSequence()-seq), "writes/op")
		t0 := time.Now()
		rep, err := audit.CheckAt(db, purgeNow)
		if err != nil || !rep.OK() {
			b.Fatalf("check: %v, %v", rep.Breaks, err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "check-s")
		db.Close()
		b.StartTimer()
	}
}
