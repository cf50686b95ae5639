package audit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/audit"
	"relais/problem/problemtest"
	"relais/store"
	"relais/store/storetest"
)

var (
	marie = actor.New("marie", "Marie Dupont", actor.Coordinator, "centre-tilleuls")
	karim = actor.New("karim", "Karim Haddad", actor.Mediator, "centre-jaures")
	awa   = "0190f3a2-7c4e-7d1a-9b2e-3f4a5b6c7d8e" // a person's id
)

// clock returns a clock that moves one minute at each reading, from a
// Monday morning.
func clock() func() time.Time {
	t := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Minute); return t }
}

// newLog opens a store with the log's indexes and its log.
func newLog(t testing.TB) (*store.DB, *audit.Log) {
	t.Helper()
	db := storetest.Open(t, audit.Indexes()...)
	l := audit.Open(db)
	l.Now = clock()
	return db, l
}

// record appends one event, in a transaction of its own.
func record(t testing.TB, db *store.DB, l *audit.Log, who *actor.Actor, action actor.Action, person string) {
	t.Helper()
	err := db.Update(func(tx *store.Tx) error {
		return who.Recording(l).Log(tx, action, person, "person/"+person)
	})
	if err != nil {
		t.Fatalf("record %s: %v", action, err)
	}
}

// appendN appends n reads of Awa's file by Marie.
func appendN(t testing.TB, db *store.DB, l *audit.Log, n int) {
	t.Helper()
	for range n {
		record(t, db, l, marie, actor.PersonRead, awa)
	}
}

func journal(t testing.TB, l *audit.Log) audit.Journal {
	t.Helper()
	j, err := l.Journal(marie)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func check(t testing.TB, db *store.DB) audit.Report {
	t.Helper()
	rep, err := audit.Check(db)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// wantBreaks checks the kinds and entries of a report's breaks.
func wantBreaks(t testing.TB, rep audit.Report, want ...string) {
	t.Helper()
	var got []string
	for _, b := range rep.Breaks {
		got = append(got, fmt.Sprintf("%s %d-%d", b.Kind, b.From, b.To))
	}
	if !slices.Equal(got, want) {
		t.Errorf("breaks = %q, want %q", got, want)
	}
	if rep.OK() != (len(want) == 0) {
		t.Errorf("OK() = %v with breaks %q", rep.OK(), got)
	}
}

func entryID(db *store.DB, seq uint64) string {
	return audit.EntryID(audit.ChainOf(db.Replica()), seq)
}

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "audit")
}

func TestRecordAppendsAChainReadNewestFirst(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 3)
	record(t, db, l, karim, actor.AppointmentBooked, awa)
	entries, err := journal(t, l).List(audit.Filter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("List = %d entries, want 4", len(entries))
	}
	chain := audit.ChainOf(db.Replica())
	for i, e := range entries {
		seq := uint64(4 - i)
		if e.Seq != seq || e.Chain != chain || e.ID != audit.EntryID(chain, seq) {
			t.Errorf("entry %d = chain %s seq %d id %s, want seq %d of %s", i, e.Chain, e.Seq, e.ID, seq, chain)
		}
		if (e.Prev == "") != (seq == 1) {
			t.Errorf("entry %d: prev %q", seq, e.Prev)
		}
	}
	first := entries[0]
	want := audit.Entry{Chain: chain, Seq: 4, Prev: first.Prev, At: time.Date(2026, time.March, 2, 9, 4, 0, 0, time.UTC),
		Login: "karim", Name: "Karim Haddad", Role: actor.Mediator, Centre: "centre-jaures",
		Action: actor.AppointmentBooked, Person: awa, Record: "person/" + awa, ID: first.ID}
	if first != want {
		t.Errorf("newest entry = %+v, want %+v", first, want)
	}
	rep := check(t, db)
	wantBreaks(t, rep)
	if rep.Entries != 4 || len(rep.Chains) != 1 || rep.Chains[0].Head != 4 || rep.Chains[0].Last != 4 || rep.Centres() != 2 {
		t.Errorf("report = %+v, want 4 entries in one chain with its head at 4, 2 centres", rep)
	}
}

// The body holds ids only: nothing of the person but their id.
func TestEntryHoldsNoPersonalData(t *testing.T) {
	db, l := newLog(t)
	record(t, db, l, marie, actor.PersonRead, awa)
	r, err := db.Get(audit.Kind, entryID(db, 1))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(r.Body, &fields); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	want := []string{"action", "at", "centre", "chain", "login", "name", "person", "record", "role", "seq"}
	if !slices.Equal(names, want) {
		t.Errorf("entry fields = %q, want %q", names, want)
	}
	if r.Scope != store.ScopeNetwork {
		t.Errorf("entry scope = %v, want network", r.Scope)
	}
	h, err := db.Get(audit.HeadKind, audit.ChainOf(db.Replica()))
	if err != nil || h.Scope != store.ScopeLocal {
		t.Errorf("head = %+v, %v: want a local record", h.Meta, err)
	}
}

func TestBadEventsChangeNothing(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 1)
	for _, c := range []struct {
		name   string
		who    *actor.Actor
		event  actor.Event
		wantIs error
	}{
		{"no actor", nil, actor.Event{Action: actor.PersonRead, Person: awa}, audit.ErrNoActor},
		{"no login", actor.New("", "X", actor.Admin, "c"), actor.Event{Action: actor.PersonRead}, audit.ErrNoActor},
		{"no action", marie, actor.Event{Person: awa}, audit.ErrBadEvent},
		{"action in words", marie, actor.Event{Action: "read the file"}, audit.ErrBadEvent},
		{"a name for a person", marie, actor.Event{Action: actor.PersonRead, Person: "Awa Diallo"}, audit.ErrBadEvent},
		{"a record without kind", marie, actor.Event{Action: actor.PersonRead, Record: awa}, audit.ErrBadEvent},
		{"a record with a name", marie, actor.Event{Action: actor.PersonRead, Record: "person/Awa Diallo"}, audit.ErrBadEvent},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := db.LastSequence()
			err := db.Update(func(tx *store.Tx) error { return l.Record(tx, c.who, c.event) })
			if !errors.Is(err, c.wantIs) {
				t.Errorf("Record = %v, want %v", err, c.wantIs)
			}
			if db.LastSequence() != before {
				t.Error("a refused event wrote something")
			}
		})
	}
	appendN(t, db, l, 1)
	wantBreaks(t, check(t, db))
}

func TestAbortedTransactionDoesNotAdvanceTheChain(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 2)
	abort := errors.New("the booking overlaps")
	err := db.Update(func(tx *store.Tx) error {
		if err := marie.Recording(l).Log(tx, actor.AppointmentBooked, awa, ""); err != nil {
			return err
		}
		return abort
	})
	if !errors.Is(err, abort) {
		t.Fatal(err)
	}
	appendN(t, db, l, 1)
	entries, err := journal(t, l).List(audit.Filter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Seq != 3 || entries[0].Action != actor.PersonRead {
		t.Errorf("after an aborted append, entries = %+v", entries)
	}
	wantBreaks(t, check(t, db))
}

// Several appends in one transaction chain one after the other.
func TestAppendsInOneTransaction(t *testing.T) {
	db, l := newLog(t)
	err := db.Update(func(tx *store.Tx) error {
		for range 3 {
			if err := l.Record(tx, marie, actor.Event{Action: actor.PeopleImported}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := check(t, db)
	wantBreaks(t, rep)
	if rep.Entries != 3 {
		t.Errorf("entries = %d, want 3", rep.Entries)
	}
}

func TestOnlyCoordinationReadsTheJournal(t *testing.T) {
	_, l := newLog(t)
	for _, r := range actor.Roles() {
		_, err := l.Journal(actor.New("x", "X", r, "c"))
		may := r == actor.Coordinator || r == actor.Admin
		if may != (err == nil) || (err != nil && !errors.Is(err, actor.ErrNotAllowed)) {
			t.Errorf("Journal for %s = %v", r, err)
		}
	}
}

func TestListFilters(t *testing.T) {
	db, l := newLog(t)
	other := "0190f3a2-0000-7000-8000-000000000002"
	record(t, db, l, marie, actor.PersonRead, awa)           // 09:01
	record(t, db, l, karim, actor.PersonRead, other)         // 09:02
	record(t, db, l, karim, actor.AppointmentBooked, awa)    // 09:03
	record(t, db, l, marie, actor.PersonChanged, other)      // 09:04
	record(t, db, l, karim, actor.AppointmentCheckedIn, awa) // 09:05
	at := func(min int) time.Time { return time.Date(2026, time.March, 2, 9, min, 0, 0, time.UTC) }
	j := journal(t, l)
	for _, c := range []struct {
		name  string
		f     audit.Filter
		limit int
		want  []uint64 // seqs, newest first
	}{
		{"all", audit.Filter{}, 10, []uint64{5, 4, 3, 2, 1}},
		{"limit", audit.Filter{}, 2, []uint64{5, 4}},
		{"person", audit.Filter{Person: awa}, 10, []uint64{5, 3, 1}},
		{"colleague", audit.Filter{Login: "marie"}, 10, []uint64{4, 1}},
		{"centre", audit.Filter{Centre: "centre-jaures"}, 10, []uint64{5, 3, 2}},
		{"action", audit.Filter{Action: actor.PersonRead}, 10, []uint64{2, 1}},
		{"person and colleague", audit.Filter{Person: awa, Login: "karim"}, 10, []uint64{5, 3}},
		{"period", audit.Filter{From: at(2), To: at(4)}, 10, []uint64{3, 2}},
		{"from only", audit.Filter{From: at(4)}, 10, []uint64{5, 4}},
		{"to only", audit.Filter{To: at(2)}, 10, []uint64{1}},
		{"person in a period", audit.Filter{Person: awa, From: at(2), To: at(5).Add(time.Nanosecond)}, 10, []uint64{5, 3}},
		{"nobody", audit.Filter{Login: "personne"}, 10, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			entries, err := j.List(c.f, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, e := range entries {
				got = append(got, e.Seq)
				if !c.f.Matches(e) {
					t.Errorf("entry %d does not match the filter", e.Seq)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("List(%+v) = %v, want %v", c.f, got, c.want)
			}
		})
	}
}

func TestListRefusesBadInput(t *testing.T) {
	db, l := newLog(t)
	appendN(t, db, l, 1)
	j := journal(t, l)
	now := time.Now()
	for _, c := range []struct {
		name  string
		f     audit.Filter
		limit int
		want  error
	}{
		{"no entries", audit.Filter{}, 0, audit.ErrBadLimit},
		{"negative", audit.Filter{}, -5, audit.ErrBadLimit},
		{"too many", audit.Filter{}, audit.MaxList + 1, audit.ErrBadLimit},
		{"period backwards", audit.Filter{From: now, To: now.Add(-time.Hour)}, 10, audit.ErrBadPeriod},
		{"empty period", audit.Filter{From: now, To: now}, 10, audit.ErrBadPeriod},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := j.List(c.f, c.limit); !errors.Is(err, c.want) {
				t.Errorf("List = %v, want %v", err, c.want)
			}
		})
	}
}

// Every action the services may record is in Actions, so the journal's
// filter and its words cover them all.
func TestActionsListsEveryActorAction(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../actor/actor.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []actor.Action
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
			return true
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok {
				declared = append(declared, actor.Action(strings.Trim(lit.Value, `"`)))
			}
		}
		return true
	})
	if len(declared) < 20 {
		t.Fatalf("found %d actions in actor.go: is the parser looking at the right place?", len(declared))
	}
	listed := audit.Actions()
	for _, a := range declared {
		if !slices.Contains(listed, a) {
			t.Errorf("action %q is not in audit.Actions", a)
		}
	}
	if len(listed) != len(declared) {
		t.Errorf("audit.Actions has %d actions, actor.go declares %d", len(listed), len(declared))
	}
}
