package peer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"relais/store"
)

func put(t testing.TB, db *store.DB, kind, id, body string, scope store.Scope) store.Meta {
	t.Helper()
	m, err := db.Put(kind, id, []byte(body), scope)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTwoNodesConverge(t *testing.T) {
	a, b := newMember(t, "A"), newMember(t, "B")
	ms := []*member{a, b}
	before := runtime.NumGoroutine() // the stores' own goroutines included
	for i := range 50 {
		put(t, a.st.db, "person", fmt.Sprintf("p%02d", i), fmt.Sprintf(`{"name":"person %d"}`, i), store.ScopeNetwork)
	}
	put(t, a.st.db, "person", "secret", `{"name":"never shared"}`, store.ScopeLocal)
	fullMesh(t, ms, direct(ms))

	state := waitConverged(t, ms, 10*time.Second)
	if len(state) != 50 {
		t.Errorf("B announces %d records, want 50", len(state))
	}
	if _, err := b.st.db.GetAny("person", "secret"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a local record reached the partner: %v", err)
	}
	ra, _ := a.st.db.GetAny("person", "p07")
	rb, err := b.st.db.GetAny("person", "p07")
	if err != nil || !bytes.Equal(ra.Body, rb.Body) || ra.Version.Compare(rb.Version) != store.Equal {
		t.Fatalf("p07: A %s %v, B %s %v (%v)", ra.Body, ra.Version, rb.Body, rb.Version, err)
	}

	// Edits and deletes, on both sides, while connected.
	put(t, a.st.db, "person", "p01", `{"name":"edited on A"}`, store.ScopeNetwork)
	put(t, b.st.db, "person", "p02", `{"name":"edited on B"}`, store.ScopeNetwork)
	if _, err := a.st.db.Delete("person", "p03"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.db.Delete("person", "p04"); err != nil {
		t.Fatal(err)
	}
	put(t, b.st.db, "person", "fromB", `{"name":"made on B"}`, store.ScopeNetwork)
	state = waitConverged(t, ms, 10*time.Second)
	for _, name := range []string{"person/p03", "person/p04"} {
		if !bytes.HasPrefix([]byte(state[name]), []byte("deleted=true")) {
			t.Errorf("%s = %s, want a tombstone", name, state[name])
		}
	}
	if r, err := a.st.db.Get("person", "p02"); err != nil || string(r.Body) != `{"name":"edited on B"}` {
		t.Errorf("A's p02 = %s, %v", r.Body, err)
	}
	// Withdrawing consent (the record becomes local) reaches the partner as a tombstone.
	put(t, a.st.db, "person", "p05", `{"name":"withdrawn"}`, store.ScopeLocal)
	waitFor(t, 10*time.Second, "the withdrawal to reach B", func() bool {
		r, err := b.st.db.GetAny("person", "p05")
		return err == nil && r.Deleted
	})

	waitFor(t, 5*time.Second, "partner status", func() bool {
		for _, m := range ms {
			ps := m.node.Partners()
			if len(ps) != 1 || !ps[0].Connected || ps[0].Pending != 0 || ps[0].LastSync.IsZero() {
				return false
			}
		}
		return true
	})

	// Conflict: both edit while disconnected, then reconnect.
	a.stop()
	b.stop()
	put(t, a.st.db, "person", "p10", `{"name":"A's version"}`, store.ScopeNetwork)
	time.Sleep(5 * time.Millisecond)
	put(t, b.st.db, "person", "p10", `{"name":"B's version, later"}`, store.ScopeNetwork)
	fullMesh(t, ms, direct(ms))
	waitConverged(t, ms, 10*time.Second)
	for _, m := range ms {
		r, err := m.st.db.Get("person", "p10")
		if err != nil || string(r.Body) != `{"name":"B's version, later"}` {
			t.Errorf("%s: p10 = %s, %v; want the later edit", m.name, r.Body, err)
		}
		about, nested := conflictsAbout(t, m.st.db, "person/p10")
		if about != 1 {
			t.Errorf("%s has %d conflict records about person/p10, want 1", m.name, about)
		}
		if nested > 0 {
			t.Errorf("%s: %d conflict records about conflict records", m.name, nested)
		}
	}
	a.stop()
	b.stop()
	// Every goroutine of the nodes has ended (the library's own loops may
	// take a moment after Close; the stores may have started a few).
	waitFor(t, 5*time.Second, "goroutines to end", func() bool {
		return runtime.NumGoroutine() <= before+4
	})
}

// conflictsAbout counts the conflict records about name, and those about
// other conflict records.
func conflictsAbout(t testing.TB, db *store.DB, name string) (about, nested int) {
	t.Helper()
	err := db.Scan(store.ConflictKind, "", func(r store.Record) error {
		var c store.Conflict
		if err := json.Unmarshal(r.Body, &c); err != nil {
			return err
		}
		switch {
		case c.Name == name:
			about++
		case strings.HasPrefix(c.Name, store.ConflictKind+"/"):
			nested++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return about, nested
}
