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
// replication does, and applies them in one batch. log, when set, hears
// what changed.
func exchange(t testing.TB, src, dst *store.DB, log ...func(string, ...any)) {
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
	outcomes, err := dst.ApplyRemote(batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outcomes {
		if o != store.Ignored && len(log) > 0 {
			after, _ := dst.GetAny(batch[i].Kind, batch[i].ID)
			log[0]("  %s: outcome %d, now deleted=%v scope=%d body=%s version=%v", batch[i].Name(), o, after.Deleted, after.Scope, after.Body, after.Version)
		}
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
			f, db, _ := newStore(t)
			dbs = append(dbs, db)
			// Close at the end of this check, not of the test: thousands of
			// checks would run out of file descriptors.
			defer f.Close()
			defer db.Close()
		}
		ids := []string{"a", "b", "c", "d"}
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for i := range steps {
			r := dbs[rapid.IntRange(0, 2).Draw(rt, "replica")]
			id := rapid.SampledFrom(ids).Draw(rt, "id")
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			case 0, 1, 2, 3:
				// Local scope: either a withdrawal of a shared record, or a
				// record of its own that never leaves (ids are UUIDs in
				// real life: a local-only id never meets a partner's).
				scope, name := store.ScopeNetwork, id
				if rapid.IntRange(0, 4).Draw(rt, "local") == 0 {
					scope = store.ScopeLocal
					if cur, err := r.GetAny("person", id); err != nil || !cur.Shared {
						name = fmt.Sprintf("private-%p-%s", r, id)
					}
				}
				m, err := r.Put("person", name, []byte(fmt.Sprintf(`{"name":"v%d"}`, i)), scope)
				if err != nil {
					rt.Fatal(err)
				}
				rt.Logf("replica %p puts %s v%d scope %d → %v", r, name, i, scope, m.Version)
			case 4:
				m, err := r.Delete("person", id)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					rt.Fatal(err)
				}
				rt.Logf("replica %p deletes %s → %v (%v)", r, id, m.Version, err)
			default:
				src := rapid.IntRange(0, 2).Draw(rt, "src")
				dst := rapid.IntRange(0, 2).Draw(rt, "dst")
				if src != dst {
					rt.Logf("exchange %p → %p", dbs[src], dbs[dst])
					exchange(t, dbs[src], dbs[dst], rt.Logf)
				}
			}
		}
		var prev []map[string]string
		for round := 0; ; round++ {
			for s := range dbs {
				for d := range dbs {
					if s != d {
						rt.Logf("exchange %p → %p", dbs[s], dbs[d])
						exchange(t, dbs[s], dbs[d], rt.Logf)
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
			for name, v := range prev[0] {
				if prev[i][name] != v {
					rt.Errorf("%s: replica %d announces %s\nreplica 0 announces %s", name, i, prev[i][name], v)
				}
			}
			for name, v := range prev[i] {
				if _, ok := prev[0][name]; !ok {
					rt.Errorf("%s: replica %d announces %s, replica 0 nothing", name, i, v)
				}
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
