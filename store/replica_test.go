package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"relais/store"
)

// exchange sends to dst every record of src that src may announce, as
// replication does, and applies them in one batch.
func exchange(t testing.TB, src, dst *store.DB) {
	t.Helper()
	var batch []store.Record
	err := src.Changes(0, func(r store.Record) error {
		if a, ok := r.Announced(); ok {
			batch = append(batch, a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.ApplyRemote(batch); err != nil {
		t.Fatal(err)
	}
}

// announcedState is what a replica shows the network, record by record.
func announcedState(t testing.TB, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	db.Changes(0, func(r store.Record) error {
		if a, ok := r.Announced(); ok {
			out[a.Name()] = fmt.Sprintf("deleted=%v body=%s version=%v", a.Deleted, a.Body, a.Version)
		}
		return nil
	})
	return out
}

// TestReplicasConverge runs random edits, deletes, consent withdrawals and
// partial exchanges on three replicas, then lets them exchange until
// nothing changes: all must then announce exactly the same records, bodies,
// tombstones and vectors, whatever the order of the exchanges.
func TestReplicasConverge(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var dbs []*store.DB
		for range 3 {
			_, db, _ := newStore(t)
			dbs = append(dbs, db)
		}
		ids := []string{"a", "b", "c", "d"}
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for i := range steps {
			r := dbs[rapid.IntRange(0, 2).Draw(rt, "replica")]
			id := rapid.SampledFrom(ids).Draw(rt, "id")
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			case 0, 1, 2, 3:
				scope := store.ScopeNetwork
				if rapid.IntRange(0, 4).Draw(rt, "local") == 0 {
					scope = store.ScopeLocal
				}
				if _, err := r.Put("person", id, []byte(fmt.Sprintf(`{"name":"v%d"}`, i)), scope); err != nil {
					rt.Fatal(err)
				}
			case 4:
				if _, err := r.Delete("person", id); err != nil && !errors.Is(err, store.ErrNotFound) {
					rt.Fatal(err)
				}
			default:
				src := rapid.IntRange(0, 2).Draw(rt, "src")
				dst := rapid.IntRange(0, 2).Draw(rt, "dst")
				if src != dst {
					exchange(t, dbs[src], dbs[dst])
				}
			}
		}
		var prev []map[string]string
		for round := 0; ; round++ {
			for s := range dbs {
				for d := range dbs {
					if s != d {
						exchange(t, dbs[s], dbs[d])
					}
				}
			}
			var states []map[string]string
			for _, db := range dbs {
				states = append(states, announcedState(t, db))
			}
			if fmt.Sprint(states) == fmt.Sprint(prev) {
				break
			}
			if round > 10 {
				rt.Fatalf("no fixpoint after %d rounds: %v", round, states)
			}
			prev = states
		}
		for i := 1; i < len(prev); i++ {
			if fmt.Sprint(prev[i]) != fmt.Sprint(prev[0]) {
				rt.Fatalf("replica %d announces\n%v\nreplica 0 announces\n%v", i, prev[i], prev[0])
			}
		}
		for _, db := range dbs {
			if rep, err := db.Check(); err != nil || !rep.OK() {
				rt.Fatalf("Check: %v %v", rep.Problems, err)
			}
		}
	})
}

func TestConflictKeepsTheLoserAndBothAgree(t *testing.T) {
	_, a, _ := newStore(t)
	_, b, _ := newStore(t)
	a.Put("person", "x", []byte(`{"name":"start"}`), store.ScopeNetwork)
	exchange(t, a, b)
	a.Put("person", "x", []byte(`{"name":"from A"}`), store.ScopeNetwork)
	b.Put("person", "x", []byte(`{"name":"from B, later"}`), store.ScopeNetwork)
	exchange(t, a, b)
	exchange(t, b, a)
	ra, _ := a.Get("person", "x")
	rb, _ := b.Get("person", "x")
	if !bytes.Equal(ra.Body, rb.Body) || ra.Version.Compare(rb.Version) != store.Equal {
		t.Fatalf("A has %s %v, B has %s %v", ra.Body, ra.Version, rb.Body, rb.Version)
	}
	if string(ra.Body) != `{"name":"from B, later"}` {
		t.Errorf("winner = %s, want the later modification", ra.Body)
	}
	n, _ := a.Count(store.ConflictKind)
	m, _ := b.Count(store.ConflictKind)
	if n != 1 || m != 1 {
		t.Errorf("conflict records: A %d, B %d; want one each", n, m)
	}
	// Nothing bounces: another exchange changes nothing.
	seq := a.LastSequence()
	exchange(t, b, a)
	if a.LastSequence() != seq {
		t.Error("a settled conflict was applied again")
	}
}

func TestWithdrawnConsentWinsOverAConcurrentEdit(t *testing.T) {
	_, a, _ := newStore(t)
	_, b, _ := newStore(t)
	a.Put("person", "x", []byte(`{"name":"Awa"}`), store.ScopeNetwork)
	exchange(t, a, b)
	// A withdraws consent while B edits the shared copy.
	a.Put("person", "x", []byte(`{"name":"Awa"}`), store.ScopeLocal)
	b.Put("person", "x", []byte(`{"name":"Awa D."}`), store.ScopeNetwork)
	for range 3 {
		exchange(t, a, b)
		exchange(t, b, a)
	}
	rb, err := b.GetAny("person", "x")
	if err != nil || !rb.Deleted {
		t.Errorf("partner still holds the withdrawn person: %+v, %v", rb, err)
	}
	ra, err := a.Get("person", "x")
	if err != nil || ra.Scope != store.ScopeLocal {
		t.Errorf("the centre lost its own copy: %+v, %v", ra, err)
	}
}

func TestNeverSharedIsNeverAnnounced(t *testing.T) {
	_, a, _ := newStore(t)
	m, _ := a.Put("person", "x", []byte(`{"name":"secret"}`), store.ScopeLocal)
	r, _ := a.GetAny("person", "x")
	if _, ok := r.Announced(); ok || m.Shared {
		t.Error("a record that was never shared would be announced")
	}
	a.Delete("person", "x")
	r, _ = a.GetAny("person", "x")
	if _, ok := r.Announced(); ok {
		t.Error("the deletion of a never-shared record would be announced")
	}
}

func TestWatchReportsTheLatestSequence(t *testing.T) {
	_, db, _ := newStore(t)
	changes, stop := db.Watch()
	for i := range 5 {
		db.Put("person", fmt.Sprint("p", i), []byte(`{"name":"x"}`), store.ScopeLocal)
	}
	if got := <-changes; got != db.LastSequence() {
		t.Errorf("watch says %d, last sequence is %d", got, db.LastSequence())
	}
	select {
	case s := <-changes:
		t.Errorf("a backlog was kept: %d", s)
	default:
	}
	stop()
	if _, open := <-changes; open {
		t.Error("stop did not close the channel")
	}
	changes2, _ := db.Watch()
	db.Close()
	if _, open := <-changes2; open {
		t.Error("closing the store did not close the watch")
	}
}
