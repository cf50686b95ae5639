package peer

import (
	"fmt"
	"testing"
	"time"

	"relais/store"
)

func putMany(t testing.TB, db *store.DB, kind string, n int) {
	t.Helper()
	for start := 0; start < n; start += 1000 {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				if _, err := tx.Put(kind, fmt.Sprintf("r%06d", i), fmt.Appendf(nil, `{"name":"record %d","note":"a little text to make it look like a record"}`, i), store.ScopeNetwork); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestRestartMidTransfer: a node stopped in the middle of a large transfer,
// its store closed, restarts on the same store and resumes from what it
// had applied: it ends with every record, once, and nothing is re-versioned.
func TestRestartMidTransfer(t *testing.T) {
	const n = 10000
	a, b := newMember(t, "A"), newMember(t, "B")
	putMany(t, a.st.db, "person", n)
	aLast := a.st.db.LastSequence()
	b.cfg = func(c *Config) { c.Pullers = 4 } // slower, so the stop lands mid-way
	fullMesh(t, []*member{a, b}, direct([]*member{a, b}))

	waitFor(t, 60*time.Second, "part of the transfer", func() bool {
		c, err := b.st.db.Count("person")
		return err == nil && c >= n/5
	})
	b.stop()
	got, _ := b.st.db.Count("person")
	st, err := loadPeerState(StoreReplica{b.st.db}, a.id.Device)
	if err != nil {
		t.Fatal(err)
	}
	if got == n {
		t.Fatalf("the transfer ended before the stop; make it larger")
	}
	if st.Sequence <= 0 || st.IndexID != a.st.db.Epoch() {
		t.Errorf("B saved %+v of A (epoch %d) after applying %d records", st, a.st.db.Epoch(), got)
	}
	t.Logf("stopped with %d of %d records applied; saved A's sequence %d", got, n, st.Sequence)

	b.st.reopen(t) // as after a crash: the node starts on the store as written
	b.start(t, []Partner{{Device: a.id.Device, Address: a.addr}})
	waitConverged(t, []*member{a, b}, 60*time.Second)

	if c, _ := b.st.db.Count("person"); c != n {
		t.Errorf("B has %d records, want %d", c, n)
	}
	for _, m := range []*member{a, b} {
		if c, _ := m.st.db.Count(store.ConflictKind); c != 0 {
			t.Errorf("%s has %d conflict records", m.name, c)
		}
	}
	// A's records were never rewritten: nothing came back as a new version.
	err = a.st.db.Changes(aLast, func(r store.Record) error {
		if r.Kind == "person" {
			t.Errorf("A rewrote %s", r.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
