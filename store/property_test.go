package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"relais/store"
)

// The property test runs random sequences of writes, transactions, queries
// and reopenings against a real store and checks every answer against a
// plain in-memory model of what the store must hold: bodies, tombstones,
// scopes, version counters, sequences and index entries.

const (
	propLogin    = "admin"
	propPassword = "password1"
)

type propPerson struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

type propVisit struct {
	Day string `json:"day"`
}

// propIndexDefs are the secondary indexes of the property test, by "kind/name".
var propIndexDefs = map[string]func(body []byte) ([]string, error){
	"person/name": func(b []byte) ([]string, error) {
		var p propPerson
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, err
		}
		return []string{p.Name}, nil
	},
	"person/tags": func(b []byte) ([]string, error) {
		var p propPerson
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, err
		}
		return p.Tags, nil
	},
	"visit/day": func(b []byte) ([]string, error) {
		var v propVisit
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		if v.Day == "" {
			return nil, nil
		}
		return []string{v.Day}, nil
	},
}

var propIndexNames = []string{"person/name", "person/tags", "visit/day"}

// propIndex declares one of propIndexDefs with store.IndexOn, as a domain package would.
func propIndex(name string, version int) store.Index {
	switch name {
	case "person/name":
		return store.IndexOn("person", "name", version, func(p propPerson) []string { return []string{p.Name} })
	case "person/tags":
		return store.IndexOn("person", "tags", version, func(p propPerson) []string { return p.Tags })
	case "visit/day":
		return store.IndexOn("visit", "day", version, func(v propVisit) []string {
			if v.Day == "" {
				return nil
			}
			return []string{v.Day}
		})
	}
	panic(name)
}

var (
	propKinds = []string{"person", "visit", "blob"}
	propIDs   = []string{"a", "a1", "a-2", "ab", "b", "B", "0", "z_9"}
	propBad   = [][2]string{{"Person", "a"}, {"", "a"}, {"person", ""}, {"person", "-a"},
		{"person", "a/b"}, {"visit", "é"}, {"1x", "a"}, {"blob", strings.Repeat("x", 65)}}
	propNameValues = []string{"", "a", "ab", "abc", "b", "Zoë", "a\x00b", "ab\x00", "\x01", "ÿ", "z"}
	propTagValues  = []string{"x", "y", "xy", "", "x\x00", "é"}
	propDayValues  = []string{"2026-01-01", "2026-01-02", "2026-01-10", "2026-02-01", "2026-1", ""}
	propRawBodies  = []string{`null`, `[1,2]`, `"str"`, `5`, `true`, `{"name":5}`, `{"tags":"x"}`,
		`{"day":7}`, ` {"name":"ab","tags":["x","x"]} `, `{"name":"a","name":"b"}`, `{}`,
		`{`, ``, `nope`, `{"name":"a"}x`}
	propPrefixes = []string{"", "a", "a-", "ab", "b", "B", "x", "z_", "\xff"}
)

type propKey struct{ kind, id string }

func (k propKey) String() string { return k.kind + "/" + k.id }

// propRec is the model of one record.
type propRec struct {
	body         []byte
	deleted      bool
	scope        store.Scope
	seq          uint64
	version      store.Vector
	by           uint64    // ModifiedBy
	modLo, modHi time.Time // Modified is within
}

type propModel struct {
	recs    map[propKey]propRec
	lastSeq uint64
}

func (m propModel) clone() propModel {
	c := propModel{recs: make(map[propKey]propRec, len(m.recs)), lastSeq: m.lastSeq}
	for k, v := range m.recs {
		c.recs[k] = v
	}
	return c
}

type propState struct {
	dir       string
	f         *store.Folder
	db        *store.DB
	replica   uint64
	epoch     uint64
	ixVersion map[string]int // declared indexes; absent = not declared
	m         propModel
}

func (s *propState) opts() store.Options {
	o := store.TestOptions()
	for _, name := range propIndexNames {
		if v, ok := s.ixVersion[name]; ok {
			o.Indexes = append(o.Indexes, propIndex(name, v))
		}
	}
	return o
}

func (s *propState) declaredFor(kind string) []string {
	var out []string
	for _, name := range propIndexNames {
		if _, ok := s.ixVersion[name]; ok && strings.HasPrefix(name, kind+"/") {
			out = append(out, name)
		}
	}
	return out
}

func propValidName(kind, id string) bool {
	for _, b := range propBad {
		if b[0] == kind && b[1] == id {
			return false
		}
	}
	return true
}

// indexable reports whether every declared index of kind accepts body.
func (s *propState) indexable(kind string, body []byte) bool {
	for _, name := range s.declaredFor(kind) {
		if _, err := propIndexDefs[name](body); err != nil {
			return false
		}
	}
	return true
}

type propEntry struct{ value, id string }

// entries returns the model's (value, id) pairs of an index, in store order.
func (s *propState) entries(kindIndex string) []propEntry { return s.entriesIn(s.m, kindIndex) }

func (s *propState) entriesIn(m propModel, kindIndex string) []propEntry {
	if _, ok := s.ixVersion[kindIndex]; !ok {
		return nil
	}
	kind, _, _ := strings.Cut(kindIndex, "/")
	seen := map[propEntry]bool{}
	var out []propEntry
	for k, r := range m.recs {
		if k.kind != kind || r.deleted {
			continue
		}
		values, err := propIndexDefs[kindIndex](r.body)
		if err != nil {
			continue // a record from before the index was declared, skipped by the rebuild
		}
		for _, v := range values {
			e := propEntry{strings.ReplaceAll(v, "\x00", ""), k.id}
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].value != out[j].value {
			return out[i].value < out[j].value
		}
		return out[i].id < out[j].id
	})
	return out
}

// expectPut applies a Put to model m and returns the error class the store must give.
func (s *propState) expectPut(m *propModel, kind, id string, body []byte, scope store.Scope) error {
	if !propValidName(kind, id) {
		return store.ErrBadName
	}
	if !json.Valid(body) || !s.indexable(kind, body) {
		return store.ErrInvalidBody
	}
	m.lastSeq++
	old := m.recs[propKey{kind, id}]
	m.recs[propKey{kind, id}] = propRec{body: body, scope: scope, seq: m.lastSeq, version: old.version}
	return nil
}

func (s *propState) expectDelete(m *propModel, kind, id string) error {
	old, ok := m.recs[propKey{kind, id}]
	if !ok || old.deleted {
		return store.ErrNotFound
	}
	m.lastSeq++
	m.recs[propKey{kind, id}] = propRec{deleted: true, scope: old.scope, seq: m.lastSeq, version: old.version}
	return nil
}

// checkWrite verifies the Meta a successful local write returned against
// the model before it (old) and records the new version and time in m: the
// version is old's with this replica's counter set to max(old+1, now).
func (s *propState) checkWrite(t *rapid.T, what string, m *propModel, k propKey, old propRec, meta store.Meta, t0, t1 time.Time) {
	t.Helper()
	want := m.recs[k]
	if meta.Kind != k.kind || meta.ID != k.id || meta.Deleted != want.deleted || meta.Scope != want.scope ||
		meta.ModifiedBy != s.replica || meta.Sequence != want.seq {
		t.Fatalf("%s %s: returned meta %+v, want deleted=%v scope=%v seq=%d by %x", what, k, meta, want.deleted, want.scope, want.seq, s.replica)
	}
	if !vecWellFormed(meta.Version) {
		t.Fatalf("%s %s: malformed version %v", what, k, meta.Version)
	}
	oc := old.version.Counter(s.replica)
	c := meta.Version.Counter(s.replica)
	lo, hi := max(oc+1, uint64(t0.Unix())), max(oc+1, uint64(t1.Unix()))
	if c < lo || c > hi {
		t.Fatalf("%s %s: counter %d, want max(%d+1, now) in [%d, %d]", what, k, c, oc, lo, hi)
	}
	wantLen := len(old.version)
	if oc == 0 {
		wantLen++
	}
	if len(meta.Version) != wantLen {
		t.Fatalf("%s %s: version %v from %v", what, k, meta.Version, old.version)
	}
	for _, oc := range old.version {
		if oc.ID != s.replica && meta.Version.Counter(oc.ID) != oc.Value {
			t.Fatalf("%s %s: version %v changed another replica's counter of %v", what, k, meta.Version, old.version)
		}
	}
	if got := meta.Version.Compare(old.version); got != store.Greater {
		t.Fatalf("%s %s: new version %v compares %v to old %v, want Greater", what, k, meta.Version, got, old.version)
	}
	if meta.Modified.Before(t0) || meta.Modified.After(t1) {
		t.Fatalf("%s %s: modified %v outside [%v, %v]", what, k, meta.Modified, t0, t1)
	}
	want.version, want.by = meta.Version, s.replica
	want.modLo, want.modHi = t0, t1
	m.recs[k] = want
}

// sameRecord compares a record read from the store with the model.
func (s *propState) sameRecord(t *rapid.T, where string, got store.Record, k propKey, want propRec) {
	t.Helper()
	if got.Kind != k.kind || got.ID != k.id {
		t.Fatalf("%s: got %s, want %s", where, got.Name(), k)
	}
	if got.Deleted != want.deleted || got.Scope != want.scope || got.Sequence != want.seq || got.ModifiedBy != want.by {
		t.Fatalf("%s %s: got deleted=%v scope=%v seq=%d by=%x, want deleted=%v scope=%v seq=%d by=%x",
			where, k, got.Deleted, got.Scope, got.Sequence, got.ModifiedBy, want.deleted, want.scope, want.seq, want.by)
	}
	if !vecSame(got.Version, want.version) {
		t.Fatalf("%s %s: version %v, want %v", where, k, got.Version, want.version)
	}
	if got.Modified.Before(want.modLo) || got.Modified.After(want.modHi) {
		t.Fatalf("%s %s: modified %v outside [%v, %v]", where, k, got.Modified, want.modLo, want.modHi)
	}
	if want.deleted {
		if got.Body != nil {
			t.Fatalf("%s %s: tombstone has body %q", where, k, got.Body)
		}
	} else if !bytes.Equal(got.Body, want.body) {
		t.Fatalf("%s %s: body %q, want %q", where, k, got.Body, want.body)
	}
}

// liveSorted returns the model's live records of kind whose id starts with prefix, by id.
func (s *propState) liveSorted(kind, prefix string) []propKey {
	var out []propKey
	for k, r := range s.m.recs {
		if k.kind == kind && !r.deleted && strings.HasPrefix(k.id, prefix) {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *propState) bySequence(since uint64) []propKey {
	var out []propKey
	for k, r := range s.m.recs {
		if r.seq > since {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return s.m.recs[out[i]].seq < s.m.recs[out[j]].seq })
	return out
}

func propErrIs(t *rapid.T, what string, err, want error) {
	t.Helper()
	if want == nil && err != nil {
		t.Fatalf("%s: unexpected error %v", what, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func propDrawName(t *rapid.T) (string, string) {
	if rapid.IntRange(0, 24).Draw(t, "badName") == 0 {
		b := rapid.SampledFrom(propBad).Draw(t, "bad")
		return b[0], b[1]
	}
	return rapid.SampledFrom(propKinds).Draw(t, "kind"), rapid.SampledFrom(propIDs).Draw(t, "id")
}

func propDrawBody(t *rapid.T) []byte {
	var v any
	switch rapid.IntRange(0, 9).Draw(t, "bodyShape") {
	case 0, 1, 2, 3:
		p := map[string]any{"name": rapid.SampledFrom(propNameValues).Draw(t, "name")}
		if rapid.Bool().Draw(t, "hasTags") {
			p["tags"] = rapid.SliceOfN(rapid.SampledFrom(propTagValues), 0, 4).Draw(t, "tags")
		}
		p["n"] = rapid.IntRange(-3, 1000).Draw(t, "n")
		v = p
	case 4, 5, 6:
		v = map[string]any{"day": rapid.SampledFrom(propDayValues).Draw(t, "day"),
			"note": rapid.StringN(0, 20, -1).Draw(t, "note")}
	case 7:
		return []byte(rapid.SampledFrom(propRawBodies).Draw(t, "raw"))
	default:
		v = map[string]any{"blob": strings.Repeat("b", rapid.IntRange(0, 3000).Draw(t, "size")),
			"s": rapid.String().Draw(t, "s")}
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func propDrawScope(t *rapid.T) store.Scope {
	return rapid.SampledFrom([]store.Scope{store.ScopeLocal, store.ScopeNetwork}).Draw(t, "scope")
}

func (s *propState) open(t *rapid.T) {
	f, err := store.OpenFolder(s.dir)
	if err != nil {
		t.Fatalf("reopen folder: %v", err)
	}
	master, err := f.Keyring().UnlockPassword(propLogin, propPassword)
	if err != nil {
		f.Close()
		t.Fatalf("unlock: %v", err)
	}
	db, err := f.Open(master, s.opts())
	if err != nil {
		f.Close()
		t.Fatalf("open: %v", err)
	}
	s.f, s.db = f, db
	if db.Replica() != s.replica || db.Epoch() != s.epoch {
		t.Fatalf("reopened store has replica %x epoch %x, was %x %x", db.Replica(), db.Epoch(), s.replica, s.epoch)
	}
}

func (s *propState) close(t *rapid.T) {
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if _, err := s.db.Get("person", "a"); !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Get after Close: %v, want ErrClosed", err)
		}
		if _, err := s.db.Put("person", "a", []byte(`{}`), store.ScopeLocal); !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Put after Close: %v, want ErrClosed", err)
		}
	}
	if s.f != nil {
		s.f.Close()
	}
	s.db, s.f = nil, nil
}

// check is the invariant run after every action.
func (s *propState) check(t *rapid.T) {
	// Get and GetAny of every name in the pool.
	for _, kind := range propKinds {
		for _, id := range propIDs {
			k := propKey{kind, id}
			want, ok := s.m.recs[k]
			r, err := s.db.GetAny(kind, id)
			if !ok {
				propErrIs(t, "GetAny "+k.String(), err, store.ErrNotFound)
			} else {
				propErrIs(t, "GetAny "+k.String(), err, nil)
				s.sameRecord(t, "GetAny", r, k, want)
			}
			r, err = s.db.Get(kind, id)
			if !ok || want.deleted {
				propErrIs(t, "Get "+k.String(), err, store.ErrNotFound)
			} else {
				propErrIs(t, "Get "+k.String(), err, nil)
				s.sameRecord(t, "Get", r, k, want)
			}
		}
	}
	// Scan of every kind, by id.
	for _, kind := range propKinds {
		s.checkScan(t, kind, "", -1)
		n, err := s.db.Count(kind)
		propErrIs(t, "Count", err, nil)
		if n != len(s.liveSorted(kind, "")) {
			t.Fatalf("Count(%s) = %d, want %d", kind, n, len(s.liveSorted(kind, "")))
		}
	}
	// The change feed lists each record exactly once, in sequence order.
	s.checkChanges(t, 0, -1)
	if got := s.db.LastSequence(); got != s.m.lastSeq {
		t.Fatalf("LastSequence = %d, want %d", got, s.m.lastSeq)
	}
	// Every declared index holds exactly the model's entries.
	for _, name := range propIndexNames {
		kind, index, _ := strings.Cut(name, "/")
		s.checkFindPrefix(t, kind, index, "", -1)
	}
	s.checkReport(t)
}

func (s *propState) checkReport(t *rapid.T) {
	rep, err := s.db.Check()
	propErrIs(t, "Check", err, nil)
	var live, dead, entries int
	var misfits []string // live records a declared index cannot read
	for k, r := range s.m.recs {
		if r.deleted {
			dead++
			continue
		}
		live++
		if !s.indexable(k.kind, r.body) {
			misfits = append(misfits, k.String())
		}
	}
	for _, name := range propIndexNames {
		entries += len(s.entries(name))
	}
	if rep.Records != live || rep.Tombstones != dead || rep.IndexEntries != entries {
		t.Fatalf("Check counts %d records, %d tombstones, %d index entries; want %d, %d, %d (problems %q)",
			rep.Records, rep.Tombstones, rep.IndexEntries, live, dead, entries, rep.Problems)
	}
	if len(misfits) == 0 {
		if !rep.OK() {
			t.Fatalf("Check found problems in a consistent store: %q", rep.Problems)
		}
		return
	}
	// Records written while an index was not declared, that it cannot read:
	// Check must name each of them, and nothing else.
	if len(rep.Problems) != len(misfits) {
		t.Fatalf("Check problems %q, want one for each of %q", rep.Problems, misfits)
	}
	for _, name := range misfits {
		found := false
		for _, p := range rep.Problems {
			found = found || strings.Contains(p, name+":")
		}
		if !found {
			t.Fatalf("Check problems %q do not name %s", rep.Problems, name)
		}
	}
}

var errPropStop = errors.New("property test stops here")

// checkScan compares Scan(kind, prefix) with the model; stopAt >= 0 makes
// the callback return store.Stop (even) or another error (odd) after that many records.
func (s *propState) checkScan(t *rapid.T, kind, prefix string, stopAt int) {
	t.Helper()
	want := s.liveSorted(kind, prefix)
	var got []store.Record
	stopErr := store.Stop
	if stopAt >= 0 {
		if stopAt%2 == 1 {
			stopErr = errPropStop
		}
		stopAt /= 2
	}
	err := s.db.Scan(kind, prefix, func(r store.Record) error {
		if stopAt >= 0 && len(got) == stopAt {
			return stopErr
		}
		got = append(got, r)
		return nil
	})
	stopped := stopAt >= 0 && stopAt < len(want)
	if stopped {
		want = want[:stopAt]
	}
	if stopped && stopErr == errPropStop {
		propErrIs(t, "Scan", err, errPropStop)
	} else {
		propErrIs(t, "Scan", err, nil)
	}
	if len(got) != len(want) {
		t.Fatalf("Scan(%s, %q): %d records, want %d", kind, prefix, len(got), len(want))
	}
	for i, r := range got {
		s.sameRecord(t, fmt.Sprintf("Scan(%s, %q)[%d]", kind, prefix, i), r, want[i], s.m.recs[want[i]])
	}
}

func (s *propState) checkChanges(t *rapid.T, since uint64, stopAt int) {
	t.Helper()
	want := s.bySequence(since)
	var got []store.Record
	err := s.db.Changes(since, func(r store.Record) error {
		if stopAt >= 0 && len(got) == stopAt {
			return store.Stop
		}
		got = append(got, r)
		return nil
	})
	propErrIs(t, "Changes", err, nil)
	if stopAt >= 0 && stopAt < len(want) {
		want = want[:stopAt]
	}
	if len(got) != len(want) {
		t.Fatalf("Changes(%d): %d records, want %d", since, len(got), len(want))
	}
	seen := map[propKey]bool{}
	for i, r := range got {
		k := propKey{r.Kind, r.ID}
		if seen[k] {
			t.Fatalf("Changes(%d) lists %s twice", since, k)
		}
		seen[k] = true
		if i > 0 && r.Sequence <= got[i-1].Sequence {
			t.Fatalf("Changes(%d): sequence %d after %d", since, r.Sequence, got[i-1].Sequence)
		}
		if r.Sequence <= since {
			t.Fatalf("Changes(%d) gave sequence %d", since, r.Sequence)
		}
		s.sameRecord(t, fmt.Sprintf("Changes(%d)[%d]", since, i), r, want[i], s.m.recs[want[i]])
	}
}

func (s *propState) checkEntries(t *rapid.T, what string, got, want []propEntry) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func (s *propState) checkFindPrefix(t *rapid.T, kind, index, prefix string, stopAt int) {
	t.Helper()
	if s.undeclared(kind, index) {
		err := s.db.FindPrefix(kind, index, prefix, func(_, _ string) error { return nil })
		propErrIs(t, "FindPrefix on an undeclared index", err, store.ErrUnknownIndex)
		return
	}
	var want []propEntry
	clean := strings.ReplaceAll(prefix, "\x00", "")
	for _, e := range s.entries(kind + "/" + index) {
		if strings.HasPrefix(e.value, clean) {
			want = append(want, e)
		}
	}
	if stopAt >= 0 && stopAt < len(want) {
		want = want[:stopAt]
	}
	var got []propEntry
	err := s.db.FindPrefix(kind, index, prefix, func(v, id string) error {
		if stopAt >= 0 && len(got) == stopAt {
			return store.Stop
		}
		got = append(got, propEntry{v, id})
		return nil
	})
	propErrIs(t, "FindPrefix", err, nil)
	s.checkEntries(t, fmt.Sprintf("FindPrefix(%s, %s, %q)", kind, index, prefix), got, want)
}

// --- actions ---

func (s *propState) put(t *rapid.T) {
	kind, id := propDrawName(t)
	body := propDrawBody(t)
	scope := propDrawScope(t)
	k := propKey{kind, id}
	old := s.m.recs[k]
	next := s.m.clone()
	wantErr := s.expectPut(&next, kind, id, body, scope)
	t0 := time.Now()
	meta, err := s.db.Put(kind, id, body, scope)
	t1 := time.Now()
	propErrIs(t, "Put "+k.String(), err, wantErr)
	if wantErr != nil {
		return
	}
	s.checkWrite(t, "Put", &next, k, old, meta, t0, t1)
	s.m = next
}

func (s *propState) delete(t *rapid.T) {
	kind, id := propDrawName(t)
	if rapid.IntRange(0, 2).Draw(t, "deleteLive") > 0 {
		// prefer records that exist, so deletes usually succeed
		if live := s.liveNames(); len(live) > 0 {
			k := rapid.SampledFrom(live).Draw(t, "live")
			kind, id = k.kind, k.id
		}
	}
	k := propKey{kind, id}
	old := s.m.recs[k]
	next := s.m.clone()
	wantErr := s.expectDelete(&next, kind, id)
	t0 := time.Now()
	meta, err := s.db.Delete(kind, id)
	t1 := time.Now()
	propErrIs(t, "Delete "+k.String(), err, wantErr)
	if wantErr != nil {
		return
	}
	s.checkWrite(t, "Delete", &next, k, old, meta, t0, t1)
	s.m = next
}

func (s *propState) liveNames() []propKey {
	var out []propKey
	for k, r := range s.m.recs {
		if !r.deleted {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

type propOp struct {
	del   bool
	kind  string
	id    string
	body  []byte
	scope store.Scope
}

var errPropAbort = errors.New("property test aborts the transaction")

// update runs several writes in one transaction. Modes: "ignore" commits
// whatever succeeded; "propagate" returns the first failing write's error;
// "abort" returns an error half way. A transaction that returns an error
// must leave no trace.
func (s *propState) update(t *rapid.T) {
	n := rapid.IntRange(1, 6).Draw(t, "ops")
	ops := make([]propOp, n)
	for i := range ops {
		kind, id := propDrawName(t)
		if rapid.IntRange(0, 2).Draw(t, "sameAsBefore") == 0 && i > 0 {
			kind, id = ops[i-1].kind, ops[i-1].id
		}
		ops[i] = propOp{del: rapid.IntRange(0, 3).Draw(t, "opDel") == 0, kind: kind, id: id}
		if !ops[i].del {
			ops[i].body, ops[i].scope = propDrawBody(t), propDrawScope(t)
		}
	}
	mode := rapid.SampledFrom([]string{"ignore", "propagate", "abort"}).Draw(t, "mode")
	queryAt := make([]bool, n)
	for i := range queryAt {
		queryAt[i] = rapid.IntRange(0, 2).Draw(t, "txQuery") == 0
	}
	abortAt := -1
	if mode == "abort" {
		abortAt = rapid.IntRange(0, n).Draw(t, "abortAt")
	}
	next := s.m.clone()
	var returned error
	t0 := time.Now()
	err := s.db.Update(func(tx *store.Tx) error {
		for i, op := range ops {
			if i == abortAt {
				returned = errPropAbort
				return errPropAbort
			}
			k := propKey{op.kind, op.id}
			old := next.recs[k]
			var wantErr, err error
			var meta store.Meta
			if op.del {
				wantErr = s.expectDelete(&next, op.kind, op.id)
				meta, err = tx.Delete(op.kind, op.id)
			} else {
				wantErr = s.expectPut(&next, op.kind, op.id, op.body, op.scope)
				meta, err = tx.Put(op.kind, op.id, op.body, op.scope)
			}
			propErrIs(t, fmt.Sprintf("Update op %d %+v", i, op), err, wantErr)
			if err != nil {
				if mode == "propagate" {
					returned = err
					return err
				}
				continue
			}
			s.checkWrite(t, "tx write", &next, k, old, meta, t0, time.Now())
			// The transaction reads its own writes.
			r, err := tx.Get(op.kind, op.id)
			propErrIs(t, "tx.Get", err, nil)
			s.sameRecord(t, "tx.Get", r, k, next.recs[k])
			if queryAt[i] {
				s.checkTxFind(t, tx, next)
			}
		}
		if abortAt == n {
			returned = errPropAbort
			return errPropAbort
		}
		return nil
	})
	if returned != nil {
		if !errors.Is(err, returned) {
			t.Fatalf("Update returned %v, want %v", err, returned)
		}
		return // nothing of it may land: the invariant compares with the unchanged model
	}
	propErrIs(t, "Update", err, nil)
	s.m = next
}

// apply stores records made by partners with Tx.Apply: their version
// (normalised), time and device are kept, and they get a new sequence.
func (s *propState) apply(t *rapid.T) {
	n := rapid.IntRange(1, 3).Draw(t, "records")
	next := s.m.clone()
	var recs []store.Record
	var wantErrs []error
	for range n {
		kind, id := propDrawName(t)
		r := store.Record{Meta: store.Meta{Kind: kind, ID: id,
			Version:    propDrawRemoteVector(t, s.replica),
			Sequence:   rapid.Uint64Range(0, 5).Draw(t, "claimedSeq"), // ignored: the store numbers it
			Modified:   time.Unix(rapid.Int64Range(1e9, 3e9).Draw(t, "sec"), rapid.Int64Range(0, 999999999).Draw(t, "nsec")),
			ModifiedBy: rapid.SampledFrom([]uint64{7, 9, 1 << 40, s.replica}).Draw(t, "by"),
			Deleted:    rapid.IntRange(0, 3).Draw(t, "applyDel") == 0,
			Scope:      propDrawScope(t)}}
		if !r.Deleted || rapid.Bool().Draw(t, "bodyOnTombstone") {
			r.Body = propDrawBody(t)
		}
		var wantErr error
		switch {
		case !propValidName(kind, id):
			wantErr = store.ErrBadName
		case !r.Deleted && (!json.Valid(r.Body) || !s.indexable(kind, r.Body)):
			wantErr = store.ErrInvalidBody
		default:
			next.lastSeq++
			want := propRec{body: r.Body, deleted: r.Deleted, scope: r.Scope, seq: next.lastSeq,
				version: vecNormalise(r.Version), by: r.ModifiedBy, modLo: r.Modified, modHi: r.Modified}
			if r.Deleted {
				want.body = nil
			}
			next.recs[propKey{kind, id}] = want
		}
		recs = append(recs, r)
		wantErrs = append(wantErrs, wantErr)
	}
	err := s.db.Update(func(tx *store.Tx) error {
		for i, r := range recs {
			meta, err := tx.Apply(r)
			propErrIs(t, "Apply "+r.Name(), err, wantErrs[i])
			if err != nil {
				continue
			}
			// The returned meta is the stored envelope (later applies of the same name overwrite the model).
			if meta.Kind != r.Kind || meta.ID != r.ID || meta.Deleted != r.Deleted || meta.Scope != r.Scope ||
				meta.ModifiedBy != r.ModifiedBy || !meta.Modified.Equal(r.Modified) || !vecSame(meta.Version, vecNormalise(r.Version)) {
				t.Fatalf("Apply %s returned %+v for %+v", r.Name(), meta, r.Meta)
			}
		}
		return nil
	})
	propErrIs(t, "Update(Apply)", err, nil)
	s.m = next
}

// checkTxFind compares Tx.Find and Tx.FindRange, which see the
// transaction's own writes, with the model of the transaction so far; the
// FindRange callback reads the transaction again (nested iteration).
func (s *propState) checkTxFind(t *rapid.T, tx *store.Tx, m propModel) {
	t.Helper()
	kind, index := propDrawIndex(t)
	value := propDrawValue(t)
	all := s.entriesIn(m, kind+"/"+index)
	clean := strings.ReplaceAll(value, "\x00", "")
	var wantIDs []string
	for _, e := range all {
		if e.value == clean {
			wantIDs = append(wantIDs, e.id)
		}
	}
	ids, err := tx.Find(kind, index, value)
	if s.undeclared(kind, index) {
		propErrIs(t, "tx.Find on an undeclared index", err, store.ErrUnknownIndex)
		return
	}
	propErrIs(t, "tx.Find", err, nil)
	if len(ids) != len(wantIDs) || (len(ids) > 0 && !reflect.DeepEqual(ids, wantIDs)) {
		t.Fatalf("tx.Find(%s, %s, %q) = %q, want %q", kind, index, value, ids, wantIDs)
	}
	from, to := propDrawValue(t), propDrawValue(t)
	cf, ct := strings.ReplaceAll(from, "\x00", ""), strings.ReplaceAll(to, "\x00", "")
	var want, got []propEntry
	for _, e := range all {
		if cf <= e.value && e.value < ct {
			want = append(want, e)
		}
	}
	err = tx.FindRange(kind, index, from, to, func(v, id string) error {
		got = append(got, propEntry{v, id})
		if _, err := tx.Find(kind, index, v); err != nil {
			return err
		}
		r, err := tx.Get(kind, id)
		if err != nil || r.Deleted {
			return fmt.Errorf("tx.FindRange gave %s/%s, which tx.Get reads as %v, %v", kind, id, r.Deleted, err)
		}
		return nil
	})
	propErrIs(t, "tx.FindRange", err, nil)
	s.checkEntries(t, fmt.Sprintf("tx.FindRange(%s, %s, %q, %q)", kind, index, from, to), got, want)
}

// undeclared reports whether the store is open without kind's index.
func (s *propState) undeclared(kind, index string) bool {
	_, declared := s.ixVersion[kind+"/"+index]
	return !declared
}

func (s *propState) reopen(t *rapid.T) {
	s.close(t)
	if rapid.IntRange(0, 2).Draw(t, "reindex") == 0 {
		// Change the declared indexes: bump a version (rebuild), drop one, or add it back.
		name := rapid.SampledFrom(propIndexNames).Draw(t, "index")
		if v, ok := s.ixVersion[name]; ok {
			if rapid.Bool().Draw(t, "drop") {
				delete(s.ixVersion, name)
			} else {
				s.ixVersion[name] = v + 1
			}
		} else {
			s.ixVersion[name] = 1
		}
	}
	s.open(t)
}

func (s *propState) scan(t *rapid.T) {
	kind := rapid.SampledFrom(propKinds).Draw(t, "kind")
	prefix := rapid.SampledFrom(propPrefixes).Draw(t, "prefix")
	stopAt := -1
	if rapid.Bool().Draw(t, "stop") {
		stopAt = rapid.IntRange(0, 2*len(propIDs)+1).Draw(t, "stopAt")
	}
	s.checkScan(t, kind, prefix, stopAt)
}

func propDrawIndex(t *rapid.T) (string, string) {
	name := rapid.SampledFrom(propIndexNames).Draw(t, "index")
	kind, index, _ := strings.Cut(name, "/")
	return kind, index
}

func propDrawValue(t *rapid.T) string {
	all := slices.Concat(propNameValues, propTagValues, propDayValues, []string{"\xff", "a\x00", "2026-01"})
	return rapid.SampledFrom(all).Draw(t, "value")
}

func (s *propState) find(t *rapid.T) {
	kind, index := propDrawIndex(t)
	value := propDrawValue(t)
	clean := strings.ReplaceAll(value, "\x00", "")
	var want []string
	for _, e := range s.entries(kind + "/" + index) {
		if e.value == clean {
			want = append(want, e.id)
		}
	}
	got, err := s.db.Find(kind, index, value)
	if s.undeclared(kind, index) {
		propErrIs(t, "Find on an undeclared index", err, store.ErrUnknownIndex)
		return
	}
	propErrIs(t, "Find", err, nil)
	if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("Find(%s, %s, %q) = %q, want %q", kind, index, value, got, want)
	}
}

func (s *propState) findPrefix(t *rapid.T) {
	kind, index := propDrawIndex(t)
	stopAt := -1
	if rapid.Bool().Draw(t, "stop") {
		stopAt = rapid.IntRange(0, 6).Draw(t, "stopAt")
	}
	s.checkFindPrefix(t, kind, index, propDrawValue(t), stopAt)
}

func (s *propState) findRange(t *rapid.T) {
	kind, index := propDrawIndex(t)
	from, to := propDrawValue(t), propDrawValue(t)
	cf, ct := strings.ReplaceAll(from, "\x00", ""), strings.ReplaceAll(to, "\x00", "")
	var want []propEntry
	for _, e := range s.entries(kind + "/" + index) {
		if cf <= e.value && e.value < ct {
			want = append(want, e)
		}
	}
	var got []propEntry
	err := s.db.FindRange(kind, index, from, to, func(v, id string) error {
		got = append(got, propEntry{v, id})
		return nil
	})
	if s.undeclared(kind, index) {
		propErrIs(t, "FindRange on an undeclared index", err, store.ErrUnknownIndex)
		return
	}
	propErrIs(t, "FindRange", err, nil)
	s.checkEntries(t, fmt.Sprintf("FindRange(%s, %s, %q, %q)", kind, index, from, to), got, want)
}

func (s *propState) changes(t *rapid.T) {
	since := rapid.Uint64Range(0, s.m.lastSeq+2).Draw(t, "since")
	stopAt := -1
	if rapid.Bool().Draw(t, "stop") {
		stopAt = rapid.IntRange(0, 10).Draw(t, "stopAt")
	}
	s.checkChanges(t, since, stopAt)
}

func TestPropertyStore(t *testing.T) {
	base := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		dir, err := os.MkdirTemp(base, "case")
		if err != nil {
			t.Fatal(err)
		}
		s := &propState{dir: dir, ixVersion: map[string]int{}, m: propModel{recs: map[propKey]propRec{}}}
		for _, name := range propIndexNames {
			s.ixVersion[name] = 1
		}
		t.Cleanup(func() {
			if s.db != nil {
				s.db.Close()
			}
			if s.f != nil {
				s.f.Close()
			}
			os.RemoveAll(dir)
		})
		f, err := store.OpenFolder(dir)
		if err != nil {
			t.Fatal(err)
		}
		s.f = f
		db, _, err := f.Initialise(propLogin, propPassword, s.opts())
		if err != nil {
			t.Fatal(err)
		}
		s.db, s.replica, s.epoch = db, db.Replica(), db.Epoch()
		t.Repeat(map[string]func(*rapid.T){
			"put":        s.put,
			"put2":       s.put,
			"put3":       s.put,
			"delete":     s.delete,
			"update":     s.update,
			"update2":    s.update,
			"reopen":     s.reopen,
			"apply":      s.apply,
			"scan":       s.scan,
			"find":       s.find,
			"findPrefix": s.findPrefix,
			"findRange":  s.findRange,
			"changes":    s.changes,
			"":           s.check,
		})
	})
}

// TestPutMetaCarriesSequence: the Meta a write returns is the record's new
// envelope, so its Sequence is the one Get and Changes report.
func TestPutMetaCarriesSequence(t *testing.T) {
	f, err := store.OpenFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, _, err := f.Initialise(propLogin, propPassword, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(what string, m store.Meta) {
		t.Helper()
		r, err := db.GetAny(m.Kind, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Sequence != r.Sequence || m.Sequence != db.LastSequence() {
			t.Errorf("%s returned Meta.Sequence %d; the store holds the record at sequence %d (LastSequence %d)",
				what, m.Sequence, r.Sequence, db.LastSequence())
		}
	}
	m, err := db.Put("blob", "a", []byte(`{}`), store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	check("Put", m)
	err = db.Update(func(tx *store.Tx) error {
		m, err = tx.Put("blob", "b", []byte(`{}`), store.ScopeLocal)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check("Tx.Put", m)
	if m, err = db.Delete("blob", "a"); err != nil {
		t.Fatal(err)
	}
	check("Delete", m)
}

// --- version vectors alone ---

// vecGen draws a well-formed vector: sorted by id, no zero counter.
var vecGen = rapid.Custom(func(t *rapid.T) store.Vector {
	m := rapid.MapOfN(rapid.SampledFrom([]uint64{1, 2, 3, 5, 8, 1 << 40, 1<<64 - 1}),
		rapid.OneOf(rapid.Uint64Range(1, 5), rapid.Uint64Range(1, 1<<62),
			rapid.Uint64Range(uint64(time.Now().Unix())-2, uint64(time.Now().Unix())+2)), 0, 5).Draw(t, "counters")
	var v store.Vector
	for id, c := range m {
		v = append(v, store.Counter{ID: id, Value: c})
	}
	sort.Slice(v, func(i, j int) bool { return v[i].ID < v[j].ID })
	return v
})

// propDrawRemoteVector draws a vector as a partner might send it: possibly
// unsorted, with zero counters and duplicate ids, sometimes holding ours.
func propDrawRemoteVector(t *rapid.T, ours uint64) store.Vector {
	ids := []uint64{7, 9, 1 << 40, ours}
	n := rapid.IntRange(0, 5).Draw(t, "remoteLen")
	v := make(store.Vector, n)
	for i := range v {
		v[i] = store.Counter{ID: rapid.SampledFrom(ids).Draw(t, "remoteID"),
			Value: rapid.SampledFrom([]uint64{0, 1, 2, uint64(time.Now().Unix()), uint64(time.Now().Unix()) + 100}).Draw(t, "remoteValue")}
	}
	return v
}

// vecNormalise is the reference of what the store does to a vector it
// receives: zero counters dropped, one counter per id (the highest), sorted.
func vecNormalise(v store.Vector) store.Vector {
	m := map[uint64]uint64{}
	for _, c := range v {
		m[c.ID] = max(m[c.ID], c.Value)
	}
	var out store.Vector
	for id, val := range m {
		if val != 0 {
			out = append(out, store.Counter{ID: id, Value: val})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// vecRefCompare orders two vectors counter by counter, a missing one being zero.
func vecRefCompare(a, b store.Vector) (ge, le bool) {
	ge, le = true, true
	ids := map[uint64]bool{}
	for _, c := range a {
		ids[c.ID] = true
	}
	for _, c := range b {
		ids[c.ID] = true
	}
	for id := range ids {
		x, y := a.Counter(id), b.Counter(id)
		ge = ge && x >= y
		le = le && x <= y
	}
	return ge, le
}

func vecWellFormed(v store.Vector) bool {
	for i, c := range v {
		if c.Value == 0 || (i > 0 && v[i-1].ID >= c.ID) {
			return false
		}
	}
	return true
}

func vecSame(a, b store.Vector) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func TestPropertyVector(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := vecGen.Draw(t, "a"), vecGen.Draw(t, "b"), vecGen.Draw(t, "c")
		a0, b0 := slices.Clone(a), slices.Clone(b)

		ab, ba := a.Merge(b), b.Merge(a)
		if !vecSame(ab, ba) {
			t.Fatalf("Merge not commutative: %v vs %v", ab, ba)
		}
		if l, r := ab.Merge(c), a.Merge(b.Merge(c)); !vecSame(l, r) {
			t.Fatalf("Merge not associative: %v vs %v", l, r)
		}
		if aa := a.Merge(a); !vecSame(aa, a) {
			t.Fatalf("Merge not idempotent: %v vs %v", aa, a)
		}
		if !vecWellFormed(ab) {
			t.Fatalf("Merge gave a malformed vector %v", ab)
		}
		for _, x := range []store.Vector{a, b} {
			if o := ab.Compare(x); o != store.Greater && o != store.Equal {
				t.Fatalf("%v merged with %v compares %v to %v", a, b, o, x)
			}
		}
		for _, id := range []uint64{1, 2, 3, 5, 8, 1 << 40} {
			if got, want := ab.Counter(id), max(a.Counter(id), b.Counter(id)); got != want {
				t.Fatalf("merged counter %d = %d, want %d", id, got, want)
			}
		}

		// Compare agrees with the counter-by-counter order and is antisymmetric.
		o := a.Compare(b)
		ge, le := vecRefCompare(a, b)
		var want store.Ordering
		switch {
		case ge && le:
			want = store.Equal
		case ge:
			want = store.Greater
		case le:
			want = store.Lesser
		}
		if ge || le {
			if o != want {
				t.Fatalf("%v Compare %v = %v, want %v", a, b, o, want)
			}
		} else if !o.Concurrent() {
			t.Fatalf("%v Compare %v = %v, want a concurrent ordering", a, b, o)
		}
		mirror := map[store.Ordering]store.Ordering{store.Equal: store.Equal, store.Greater: store.Lesser,
			store.Lesser: store.Greater, store.ConcurrentLesser: store.ConcurrentGreater, store.ConcurrentGreater: store.ConcurrentLesser}
		if r := b.Compare(a); r != mirror[o] {
			t.Fatalf("%v Compare %v = %v but reversed = %v", a, b, o, r)
		}
		if a.Compare(a) != store.Equal {
			t.Fatalf("%v does not equal itself", a)
		}

		// Update makes a strictly newer vector and touches only its own counter.
		id := rapid.SampledFrom([]uint64{1, 2, 4, 8, 9, 1 << 40}).Draw(t, "id")
		before := uint64(time.Now().Unix())
		u := a.Update(id)
		after := uint64(time.Now().Unix())
		if o := u.Compare(a); o != store.Greater {
			t.Fatalf("%v.Update(%d) = %v compares %v, want Greater", a, id, u, o)
		}
		if a.Compare(u) != store.Lesser {
			t.Fatalf("%v compares %v to its update %v, want Lesser", a, a.Compare(u), u)
		}
		if !vecWellFormed(u) {
			t.Fatalf("Update gave a malformed vector %v", u)
		}
		old := a.Counter(id)
		if got := u.Counter(id); got < max(old+1, before) || got > max(old+1, after) {
			t.Fatalf("Update(%d) set counter %d, want max(%d+1, now)", id, got, old)
		}
		for _, c := range a {
			if c.ID != id && u.Counter(c.ID) != c.Value {
				t.Fatalf("Update(%d) changed counter %d: %v → %v", id, c.ID, a, u)
			}
		}
		if wantLen := len(a) + map[bool]int{true: 1}[old == 0]; len(u) != wantLen {
			t.Fatalf("Update(%d) of %v gave %v", id, a, u)
		}
		// An update of the merge dominates both sides.
		if ua := ab.Update(id); ua.Compare(a) != store.Greater || ua.Compare(b) != store.Greater {
			t.Fatalf("update of merge %v does not dominate %v and %v", ua, a, b)
		}

		// Methods never modify their receiver or argument.
		if !vecSame(a, a0) || !vecSame(b, b0) {
			t.Fatalf("vectors changed under Merge/Compare/Update: %v→%v, %v→%v", a0, a, b0, b)
		}
	})
}

// TestConcurrentWritersAndReaders: writers in several goroutines, readers
// beside them. Every reader sees a consistent snapshot (a change feed in
// strictly increasing order, each record once, LastSequence never going
// back), and at the end the store holds what each writer wrote. Run with -race.
func TestConcurrentWritersAndReaders(t *testing.T) { concurrentWritersAndReaders(t, false) }

// TestCheckDuringWrites: the same, the readers also running Check, which
// must find a consistent store in every snapshot, without a data race.
func TestCheckDuringWrites(t *testing.T) {
	concurrentWritersAndReaders(t, true)
}

func concurrentWritersAndReaders(t *testing.T, check bool) {
	dir := t.TempDir()
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts := store.TestOptions()
	for _, name := range propIndexNames {
		opts.Indexes = append(opts.Indexes, propIndex(name, 1))
	}
	db, _, err := f.Initialise(propLogin, propPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const writers, readers, steps = 3, 3, 150
	type final struct {
		body    string
		deleted bool
	}
	results := make([]map[string]final, writers)
	done := make(chan struct{})
	errs := make(chan error, writers+readers)
	var wg, rg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			mine := map[string]final{}
			results[w] = mine
			id := func() string { return fmt.Sprintf("w%d-%d", w, rng.IntN(12)) }
			for i := range steps {
				body := fmt.Sprintf(`{"name":"n%d","tags":["t%d","w%d"],"i":%d}`, rng.IntN(5), rng.IntN(3), w, i)
				switch rng.IntN(4) {
				case 0:
					k := id()
					if _, err := db.Delete("person", k); err == nil {
						mine[k] = final{deleted: true}
					} else if s, ok := mine[k]; !errors.Is(err, store.ErrNotFound) || (ok && !s.deleted) {
						errs <- fmt.Errorf("Delete %s: %v", k, err)
						return
					}
				case 1:
					written := map[string]final{}
					err := db.Update(func(tx *store.Tx) error {
						for range 1 + rng.IntN(4) {
							k := id()
							if _, err := tx.Put("person", k, []byte(body), store.Scope(rng.IntN(2))); err != nil {
								return err
							}
							written[k] = final{body: body}
						}
						return nil
					})
					if err != nil {
						errs <- fmt.Errorf("Update: %v", err)
						return
					}
					for k, v := range written {
						mine[k] = v
					}
				default:
					k := id()
					if _, err := db.Put("person", k, []byte(body), store.ScopeNetwork); err != nil {
						errs <- fmt.Errorf("Put %s: %v", k, err)
						return
					}
					mine[k] = final{body: body}
				}
			}
		}()
	}
	for range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			var lastSeen uint64
			for {
				select {
				case <-done:
					return
				default:
				}
				seq := db.LastSequence()
				if seq < lastSeen {
					errs <- fmt.Errorf("LastSequence went back from %d to %d", lastSeen, seq)
					return
				}
				lastSeen = seq
				var prev uint64
				names := map[string]bool{}
				err := db.Changes(0, func(r store.Record) error {
					if r.Sequence <= prev || names[r.Name()] {
						return fmt.Errorf("change feed: %s at %d after %d (seen before: %v)", r.Name(), r.Sequence, prev, names[r.Name()])
					}
					prev = r.Sequence
					names[r.Name()] = true
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
				if prev < seq {
					errs <- fmt.Errorf("change feed ends at %d, but LastSequence was %d before it started", prev, seq)
					return
				}
				if check {
					rep, err := db.Check()
					if err != nil || !rep.OK() {
						errs <- fmt.Errorf("Check during writes: %v %q", err, rep.Problems)
						return
					}
				}
				if _, err := db.Find("person", "tags", "t1"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, mine := range results {
		for k, want := range mine {
			r, err := db.GetAny("person", k)
			if err != nil {
				t.Fatalf("GetAny %s: %v", k, err)
			}
			if r.Deleted != want.deleted || string(r.Body) != want.body {
				t.Errorf("%s: deleted=%v body %s, want deleted=%v body %s", k, r.Deleted, r.Body, want.deleted, want.body)
			}
		}
	}
	if rep, err := db.Check(); err != nil || !rep.OK() {
		t.Fatalf("Check: %v %q", err, rep.Problems)
	}
}

// TestFailedTxWriteLeavesNoTrace: a write that fails inside a transaction
// after it began changing it (here the transaction outgrows what Badger
// takes in one commit) must change nothing, even when the caller carries on
// and returns nil, as a sync loop that skips a bad record would. Otherwise
// a record keeps a sequence whose change-feed entry is gone, its index
// entries vanish, and the store hands out that sequence again after a
// restart.
func TestFailedTxWriteLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := store.TestOptions()
	for _, name := range propIndexNames {
		opts.Indexes = append(opts.Indexes, propIndex(name, 1))
	}
	db, _, err := f.Initialise(propLogin, propPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close(); f.Close() }()
	if _, err := db.Put("person", "b", []byte(`{"name":"old","tags":["t"]}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	before, _ := db.GetAny("person", "b")

	// Directly: a body over the limit is refused before anything changes.
	tooBig, _ := json.Marshal(propPerson{Name: strings.Repeat("x", store.MaxBodySize)})
	if _, err := db.Put("person", "b", tooBig, store.ScopeNetwork); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("Put of a body over MaxBodySize = %v, want ErrTooLarge", err)
	}
	// In a transaction that carries on after the failure: bodies each under
	// the limit, together more than one commit takes.
	big, _ := json.Marshal(propPerson{Name: strings.Repeat("x", store.MaxBodySize-100)})
	var putErr error
	err = db.Update(func(tx *store.Tx) error {
		if _, err := tx.Put("person", "a", []byte(`{"name":"new"}`), store.ScopeLocal); err != nil {
			return err
		}
		for i := 0; i < 8 && putErr == nil; i++ {
			_, putErr = tx.Put("person", "b", big, store.ScopeNetwork)
		}
		return nil // skip the bad one
	})
	if putErr == nil {
		t.Fatal("a transaction larger than a commit was accepted")
	}
	if err == nil {
		t.Error("Update committed a transaction in which a write had failed")
	}
	if _, err := db.GetAny("person", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the write before the failure landed: %v", err)
	}
	t.Logf("tx.Put: %.200s…; Update: %.200v", putErr, err)

	after, _ := db.GetAny("person", "b")
	if after.Sequence != before.Sequence || string(after.Body) != string(before.Body) || !vecSame(after.Version, before.Version) {
		t.Errorf("the failed write changed person/b: sequence %d→%d, body %.40s… (%d bytes)", before.Sequence, after.Sequence, after.Body, len(after.Body))
	}
	if ids, _ := db.Find("person", "name", "old"); len(ids) != 1 {
		t.Errorf("person/b lost its index entry: Find(name=old) = %q", ids)
	}
	if rep, err := db.Check(); err != nil || !rep.OK() {
		t.Errorf("Check after the failed write: %v %q", err, rep.Problems)
	}
	last := db.LastSequence()
	db.Close()
	f.Close()
	f, err = store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	master, err := f.Keyring().UnlockPassword(propLogin, propPassword)
	if err != nil {
		t.Fatal(err)
	}
	if db, err = f.Open(master, opts); err != nil {
		t.Fatal(err)
	}
	if got := db.LastSequence(); got != last {
		t.Errorf("LastSequence %d before the restart, %d after: sequences would be handed out twice", last, got)
	}
}
