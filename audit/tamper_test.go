package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"relais/actor"
	"relais/audit"
	"relais/store"
	"relais/store/storetest"
)

// The tamper tests of issue 7: each changes the log behind its back, the
// way a person with the store's key, a bug or a partner could, and checks
// that Check names the break, and only it.

// changed returns entry id's body with one field changed.
func changed(t *testing.T, db *store.DB, id, field, value string) []byte {
	t.Helper()
	r, err := db.Get(audit.Kind, id)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	m[field] = value
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTamperChangeAnEntry(t *testing.T) {
	for _, c := range []struct {
		name string
		seq  uint64
		want string
	}{
		{"in the middle", 3, "changed 3-3"},
		{"the first", 1, "changed 1-1"},
		{"the last: the head sees it", 6, "changed 6-6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, l := newLog(t)
			appendN(t, db, l, 6)
			// Someone hides who read Awa's file.
			if _, err := db.Put(audit.Kind, entryID(db, c.seq), changed(t, db, entryID(db, c.seq), "login", "karim"), store.ScopeNetwork); err != nil {
				t.Fatal(err)
			}
			wantBreaks(t, check(t, db), c.want)
		})
	}
}

// A change that keeps the JSON's meaning but not its bytes still shows:
// the hash covers the stored bytes.
func TestTamperReformatAnEntry(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 3)
	r, _ := db.Get(audit.Kind, entryID(db, 2))
	var out bytes.Buffer
	if err := json.Indent(&out, r.Body, "", " "); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Put(audit.Kind, entryID(db, 2), out.Bytes(), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	wantBreaks(t, check(t, db), "changed 2-2")
}

func TestTamperDeleteAnEntry(t *testing.T) {
	for _, c := range []struct {
		name string
		seq  []uint64
		want []string
	}{
		{"in the middle", []uint64{3}, []string{"deleted 3-3"}},
		{"the first", []uint64{1}, []string{"deleted 1-1"}},
		{"the last: the head sees it", []uint64{6}, []string{"deleted 6-6"}},
		{"two apart", []uint64{2, 4}, []string{"deleted 2-2", "deleted 4-4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, l := newLog(t)
			appendN(t, db, l, 6)
			for _, seq := range c.seq {
				if _, err := db.Delete(audit.Kind, entryID(db, seq)); err != nil {
					t.Fatal(err)
				}
			}
			wantBreaks(t, check(t, db), c.want...)
		})
	}
}

// copyExcept gives dst, as a partner would, every record of src but the
// entries of src's chain numbered in skip.
func copyExcept(t *testing.T, src, dst *store.DB, skip ...uint64) {
	t.Helper()
	drop := map[string]bool{}
	for _, seq := range skip {
		drop[entryID(src, seq)] = true
	}
	var batch []store.Record
	err := src.Changes(0, func(r store.Record) error {
		if a, ok := r.Announced(); ok && !(r.Kind == audit.Kind && drop[r.ID]) {
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

func TestTamperRemoveEntriesReceivedFromAPartner(t *testing.T) {
	for _, c := range []struct {
		name string
		skip []uint64
		want []string
	}{
		{"the middle", []uint64{3, 4, 5}, []string{"missing 3-5"}},
		{"one", []uint64{2}, []string{"missing 2-2"}},
		{"the start", []uint64{1, 2}, []string{"late 1-2"}},
		{"the first", []uint64{1}, []string{"late 1-1"}},
		{"two places", []uint64{2, 5, 6}, []string{"missing 2-2", "missing 5-6"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, la := newLog(t)
			appendN(t, a, la, 8)
			b, _ := newLog(t)
			copyExcept(t, a, b, c.skip...)
			rep := check(t, b)
			wantBreaks(t, rep, c.want...)
			if len(rep.Breaks) > 0 && (rep.Breaks[0].Chain != audit.ChainOf(a.Replica()) || rep.Breaks[0].Centre != marie.Centre) {
				t.Errorf("break %+v does not name the chain %s of %s", rep.Breaks[0], audit.ChainOf(a.Replica()), marie.Centre)
			}
		})
	}
}

// The last entries of a partner's chain, cut off on the way, cannot be
// seen by a hash chain: the partner's check passes. The origin, which
// holds its head, sees them gone when their deletion comes back.
func TestTailCutOffShowsAtTheOrigin(t *testing.T) {
	a, la := newLog(t)
	appendN(t, a, la, 5)
	b, _ := newLog(t)
	copyExcept(t, a, b, 4, 5)
	wantBreaks(t, check(t, b)) // nothing to compare with there
	storetest.Exchange(t, a, b)
	for _, seq := range []uint64{4, 5} {
		if _, err := b.Delete(audit.Kind, entryID(a, seq)); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Exchange(t, b, a)
	wantBreaks(t, check(t, a), "deleted 4-4", "deleted 5-5")
}

func TestTamperUndecodableEntries(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 4)
	put := func(id, body string) {
		t.Helper()
		if _, err := db.Put(audit.Kind, id, []byte(body), store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
	}
	put(entryID(db, 2), `{"seq":"two"}`)                                             // not an entry
	put(entryID(db, 3), string(changed(t, db, entryID(db, 3), "chain", "ffffffff"))) // an entry of another chain
	put("hello", `{}`)                                                               // not even an entry's id
	rep := check(t, db)
	wantBreaks(t, rep, "undecodable 0-0", "undecodable 2-2", "undecodable 3-3")
	if rep.Breaks[0].Record != "hello" {
		t.Errorf("break %+v does not name the record", rep.Breaks[0])
	}
}

func TestPartnerChainReceivedCompleteChecksClean(t *testing.T) {
	a, la := newLog(t)
	b, lb := newLog(t)
	appendN(t, a, la, 5)
	record(t, b, lb, karim, actor.AppointmentBooked, awa)
	storetest.Exchange(t, a, b)
	storetest.Exchange(t, b, a)
	for name, db := range map[string]*store.DB{"A": a, "B": b} {
		rep := check(t, db)
		wantBreaks(t, rep)
		if rep.Entries != 6 || len(rep.Chains) != 2 || rep.Centres() != 2 {
			t.Errorf("%s: report = %+v, want 6 entries in 2 chains of 2 centres", name, rep)
		}
		for _, c := range rep.Chains {
			own := c.ID == audit.ChainOf(db.Replica())
			if own != (c.Head != 0) {
				t.Errorf("%s: chain %s head %d: only its own chain has a head", name, c.ID, c.Head)
			}
		}
	}
	entries, err := journal(t, la).List(audit.Filter{}, 10)
	if err != nil || len(entries) != 6 {
		t.Fatalf("A lists %d entries, %v; want both chains' 6", len(entries), err)
	}
}

// A partner edits its copy of an entry: its version is newer, every
// replica adopts it, and the check shows it everywhere.
func TestTamperPartnerSendsAModifiedCopy(t *testing.T) {
	for _, c := range []struct {
		name string
		seq  uint64
		want []string
	}{
		{"in the middle", 2, []string{"rewritten 2-2", "changed 2-2"}},
		// Only the origin's head sees the last entry changed.
		{"the last", 5, []string{"rewritten 5-5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, la := newLog(t)
			appendN(t, a, la, 5)
			b, _ := newLog(t)
			storetest.Exchange(t, a, b)
			if _, err := b.Put(audit.Kind, entryID(a, c.seq), changed(t, b, entryID(a, c.seq), "person", "someone-else"), store.ScopeNetwork); err != nil {
				t.Fatal(err)
			}
			wantBreaks(t, check(t, b), c.want...)
			storetest.Exchange(t, b, a)
			atOrigin := c.want
			if c.seq == 5 {
				atOrigin = []string{"rewritten 5-5", "changed 5-5"}
			}
			wantBreaks(t, check(t, a), atOrigin...)
		})
	}
}

// A partner writes entries into this computer's chain, past its head, as
// if it had written them: properly chained, and even marked as written
// here. The head shows they were not; appending later replaces them, and
// says so.
func TestTamperPartnerForgesEntriesInOurChain(t *testing.T) {
	a, la := newLog(t)
	appendN(t, a, la, 3)
	b, _ := newLog(t)
	storetest.Exchange(t, a, b)
	chain := audit.ChainOf(a.Replica())
	prev, err := b.Get(audit.Kind, audit.EntryID(chain, 3))
	if err != nil {
		t.Fatal(err)
	}
	forged := audit.Entry{Chain: chain, Seq: 4, Prev: hashOf(prev.Body), At: prev.Modified,
		Login: "marie", Name: "Marie Dupont", Role: actor.Coordinator, Centre: marie.Centre, Action: actor.PersonErased}
	body, _ := json.Marshal(forged)
	m := prev.Meta
	m.ID, m.Version, m.ModifiedBy = audit.EntryID(chain, 4), store.Vector{{ID: a.Replica(), Value: 1}}, a.Replica()
	if _, err := a.ApplyRemote([]store.Record{{Meta: m, Body: body}}); err != nil {
		t.Fatal(err)
	}
	wantBreaks(t, check(t, a), "foreign 4-4")
	appendN(t, a, la, 1)
	wantBreaks(t, check(t, a), "foreign 0-1")
	entries, err := journal(t, la).List(audit.Filter{}, 1)
	if err != nil || len(entries) != 1 || entries[0].Seq != 4 || entries[0].Action != actor.PersonRead {
		t.Errorf("newest entry = %+v, %v: want this computer's read as entry 4", entries, err)
	}
}

func hashOf(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Two versions of one entry that meet (each side edited its copy) leave a
// conflict record: Check reports the fork.
func TestTamperTwoVersionsOfAnEntryMeet(t *testing.T) {
	a, la := newLog(t)
	appendN(t, a, la, 3)
	b, _ := newLog(t)
	storetest.Exchange(t, a, b)
	id := entryID(a, 2)
	if _, err := a.Put(audit.Kind, id, changed(t, a, id, "login", "x"), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(audit.Kind, id, changed(t, b, id, "login", "y"), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	storetest.Exchange(t, b, a)
	wantBreaks(t, check(t, a), "rewritten 2-2", "changed 2-2", "forked 2-2")
}
