package store_test

import (
	"testing"

	"relais/store"
)

// TestIdenticalConcurrentBodiesMakeNoConflict: two copies that write the
// same body on their own (every copy's daily purge anonymises the same old
// appointment) settle on it without a conflict record, and stay equal.
func TestIdenticalConcurrentBodiesMakeNoConflict(t *testing.T) {
	_, a, _ := newStore(t)
	_, b, _ := newStore(t)
	if _, err := a.Put("appointment", "x", []byte(`{"person":"p1","note":"secret"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	anonymised := []byte(`{"centre":"c1"}`)
	for _, db := range []*store.DB{a, b} {
		if _, err := db.Put("appointment", "x", anonymised, store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, b)
	exchange(t, b, a)
	for name, db := range map[string]*store.DB{"a": a, "b": b} {
		if n, err := db.Count(store.ConflictKind); err != nil || n != 0 {
			t.Errorf("%s: %d conflict records (%v), want 0", name, n, err)
		}
		r, err := db.Get("appointment", "x")
		if err != nil || string(r.Body) != string(anonymised) {
			t.Errorf("%s: appointment/x = %s, %v; want %s", name, r.Body, err, anonymised)
		}
	}
	ra, _ := a.Get("appointment", "x")
	rb, _ := b.Get("appointment", "x")
	if ra.Version.Compare(rb.Version) != store.Equal {
		t.Errorf("versions differ after the exchange: %v and %v", ra.Version, rb.Version)
	}
	// Nothing bounces: a further exchange changes nothing.
	seq := a.LastSequence()
	exchange(t, b, a)
	if a.LastSequence() != seq {
		t.Error("a further exchange wrote again")
	}
}

// TestDifferentConcurrentBodiesStillConflict: the exception is for equal
// bodies only; two different edits keep the loser, as before.
func TestDifferentConcurrentBodiesStillConflict(t *testing.T) {
	_, a, _ := newStore(t)
	_, b, _ := newStore(t)
	if _, err := a.Put("appointment", "x", []byte(`{"n":0}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if _, err := a.Put("appointment", "x", []byte(`{"n":1}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put("appointment", "x", []byte(`{"n":2}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if n, _ := b.Count(store.ConflictKind); n != 1 {
		t.Errorf("b has %d conflict records, want 1", n)
	}
}
