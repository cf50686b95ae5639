package conflicts_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"relais/actor"
	"relais/conflicts"
	"relais/people"
	"relais/problem/problemtest"
	"relais/schema"
	"relais/store"
	"relais/store/storetest"
)

// openDB opens a new store with every domain index, as the application does.
func openDB(t testing.TB) *store.DB { return storetest.Open(t, schema.Indexes()...) }

func put(t testing.TB, db *store.DB, kind, id string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Put(kind, id, b, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
}

const personID = "0190f0aa-0000-7000-8000-000000000001"

var (
	start = people.Person{FirstName: "Awa", LastName: "Diallo", Phone: "+33612345678", Language: "fr",
		Consent: people.Consent{Given: true, By: "marie", Purpose: "suivi"}}
	// fromA changes the phone at centre A; fromB, made later, the last name at centre B.
	fromA = func() people.Person { p := start; p.Phone = "+33698765432"; return p }()
	fromB = func() people.Person { p := start; p.LastName = "Diallo-Sow"; return p }()
)

// conflicted returns two centres that both hold a conflict on the same
// person: A changed the phone while B changed the name, B's edit came last
// and won everywhere; A's is set aside.
func conflicted(t *testing.T) (a, b *store.DB) {
	t.Helper()
	a, b = openDB(t), openDB(t)
	put(t, a, people.Kind, personID, start)
	storetest.Exchange(t, a, b)
	put(t, a, people.Kind, personID, fromA)
	put(t, b, people.Kind, personID, fromB)
	storetest.Exchange(t, a, b)
	storetest.Exchange(t, b, a)
	for name, db := range map[string]*store.DB{"A": a, "B": b} {
		if n, err := conflicts.Count(db); err != nil || n != 1 {
			t.Fatalf("Count(%s) = %d, %v; want 1", name, n, err)
		}
	}
	return a, b
}

func personIn(t *testing.T, db *store.DB) (people.Person, store.Record) {
	t.Helper()
	r, err := db.Get(people.Kind, personID)
	if err != nil {
		t.Fatalf("Get(person) = %v", err)
	}
	var p people.Person
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p, r
}

func onlyItem(t *testing.T, db *store.DB) conflicts.Item {
	t.Helper()
	items, err := conflicts.List(db, actor.System(""))
	if err != nil || len(items) != 1 {
		t.Fatalf("List = %d items, %v; want 1", len(items), err)
	}
	return items[0]
}

func field(t *testing.T, it conflicts.Item, name string) conflicts.Field {
	t.Helper()
	i := slices.IndexFunc(it.Fields, func(f conflicts.Field) bool { return f.Name == name })
	if i < 0 {
		t.Fatalf("no field %q in %+v", name, it.Fields)
	}
	return it.Fields[i]
}

func TestListComparesBothVersions(t *testing.T) {
	a, b := conflicted(t)
	for name, db := range map[string]*store.DB{"A": a, "B": b} {
		it := onlyItem(t, db)
		if it.Kind != people.Kind || it.RecordID != personID || it.ID == "" || it.Found.IsZero() {
			t.Errorf("%s: item names %s/%s, conflict %q found %v", name, it.Kind, it.RecordID, it.ID, it.Found)
		}
		_, live := personIn(t, db)
		if string(it.Current.Body) != string(live.Body) || it.Current.Version.Compare(live.Version) != store.Equal ||
			!it.Current.Modified.Equal(live.Modified) || it.Current.Deleted || it.Current.Scope != store.ScopeNetwork {
			t.Errorf("%s: Current = %+v, want the live record %+v", name, it.Current, live.Meta)
		}
		var other people.Person
		if err := json.Unmarshal(it.Other.Body, &other); err != nil || other != fromA || it.Other.Deleted || it.Other.Modified.IsZero() {
			t.Errorf("%s: Other = %s (%v), want A's edit", name, it.Other.Body, err)
		}
		if !it.Other.Modified.Before(it.Current.Modified) {
			t.Errorf("%s: other modified %v, current %v: the later edit should have been kept", name, it.Other.Modified, it.Current.Modified)
		}
		// The two differing fields first, by name, then the others.
		var names []string
		for _, f := range it.Fields[:2] {
			names = append(names, f.Name)
		}
		if want := []string{"last_name", "phone"}; !slices.Equal(names, want) {
			t.Errorf("%s: first fields %v, want %v (all: %+v)", name, names, want, it.Fields)
		}
		if f := field(t, it, "last_name"); f != (conflicts.Field{Name: "last_name", Current: "Diallo-Sow", Other: "Diallo", Differs: true}) {
			t.Errorf("%s: last_name = %+v", name, f)
		}
		if f := field(t, it, "phone"); f.Current != fromB.Phone || f.Other != fromA.Phone || !f.Differs {
			t.Errorf("%s: phone = %+v", name, f)
		}
		if f := field(t, it, "consent.given"); f.Current != "true" || f.Other != "true" || f.Differs {
			t.Errorf("%s: consent.given = %+v, want a nested field, the same on both sides", name, f)
		}
		if !slices.IsSortedFunc(it.Fields[2:], func(x, y conflicts.Field) int { return strings.Compare(x.Name, y.Name) }) {
			t.Errorf("%s: fields not in order: %+v", name, it.Fields)
		}
		if !it.Differs() || it.CanKeepOther() != nil {
			t.Errorf("%s: Differs %v, CanKeepOther %v", name, it.Differs(), it.CanKeepOther())
		}
	}
}

func TestListNewestFirstAndFieldsOfAnyShape(t *testing.T) {
	a, b := openDB(t), openDB(t)
	put(t, a, "note", "n1", map[string]any{"text": "one"})
	put(t, a, "note", "n2", map[string]any{"text": "two", "tags": []string{"x"}, "meta": map[string]any{"pages": 3, "by": nil}})
	storetest.Exchange(t, a, b)
	// n1 conflicts first, n2 later.
	put(t, a, "note", "n1", map[string]any{"text": "one from A"})
	put(t, b, "note", "n1", map[string]any{"text": "one from B"})
	storetest.Exchange(t, a, b)
	put(t, a, "note", "n2", map[string]any{"text": "two", "tags": []string{"x", "y"}, "meta": map[string]any{"pages": 1980, "by": nil}})
	put(t, b, "note", "n2", map[string]any{"text": "two", "tags": []string{"x"}, "meta": map[string]any{"pages": 3, "by": "marie"}})
	storetest.Exchange(t, a, b)

	items, err := conflicts.List(b, actor.System(""))
	if err != nil || len(items) != 2 {
		t.Fatalf("List = %d items, %v; want 2", len(items), err)
	}
	if items[0].RecordID != "n2" || items[1].RecordID != "n1" {
		t.Errorf("List order %s, %s; want the newest conflict (n2) first", items[0].RecordID, items[1].RecordID)
	}
	want := []conflicts.Field{
		{Name: "meta.by", Current: "marie", Other: "", Differs: true},
		{Name: "meta.pages", Current: "3", Other: "1980", Differs: true},
		{Name: "tags", Current: `["x"]`, Other: `["x","y"]`, Differs: true},
		{Name: "text", Current: "two", Other: "two"},
	}
	if got := items[0].Fields; !slices.Equal(got, want) {
		t.Errorf("Fields = %+v\nwant %+v", got, want)
	}
	if n, err := conflicts.Count(b); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2", n, err)
	}
}

func TestKeepCurrentSettlesItForPartnersToo(t *testing.T) {
	a, b := conflicted(t)
	_, before := personIn(t, b)
	it := onlyItem(t, b)
	if err := conflicts.KeepCurrent(b, actor.System(""), it.ID); err != nil {
		t.Fatalf("KeepCurrent = %v", err)
	}
	p, after := personIn(t, b)
	if p != fromB || after.Version.Compare(before.Version) != store.Equal {
		t.Errorf("the kept record changed: %+v %v, was %v", p, after.Version, before.Version)
	}
	if n, _ := conflicts.Count(b); n != 0 {
		t.Errorf("Count after KeepCurrent = %d, want 0", n)
	}
	if err := conflicts.KeepCurrent(b, actor.System(""), it.ID); !errors.Is(err, conflicts.ErrResolved) {
		t.Errorf("KeepCurrent again = %v, want ErrResolved", err)
	}
	storetest.Exchange(t, b, a)
	if n, _ := conflicts.Count(a); n != 0 {
		t.Errorf("the partner still lists %d conflicts", n)
	}
	if p, _ := personIn(t, a); p != fromB {
		t.Errorf("the partner holds %+v", p)
	}
}

func TestKeepOtherMakesItTheNewVersionEverywhere(t *testing.T) {
	a, b := conflicted(t)
	it := onlyItem(t, b)
	if err := conflicts.KeepOther(b, actor.System(""), it.ID, it.Current.Version); err != nil {
		t.Fatalf("KeepOther = %v", err)
	}
	p, rb := personIn(t, b)
	if p != fromA || rb.Scope != store.ScopeNetwork {
		t.Errorf("after KeepOther the record is %+v (scope %d), want A's edit, shared", p, rb.Scope)
	}
	if o := rb.Version.Compare(it.Current.Version); o != store.Greater {
		t.Errorf("new version %v is %d to the current %v, want Greater", rb.Version, o, it.Current.Version)
	}
	// The index follows the body: the phone of A's edit finds the person.
	if ids, err := b.Find(people.Kind, "phone", fromA.Phone); err != nil || !slices.Equal(ids, []string{personID}) {
		t.Errorf("Find(phone %s) = %v, %v", fromA.Phone, ids, err)
	}
	if ids, _ := b.Find(people.Kind, "phone", fromB.Phone); len(ids) != 0 {
		t.Errorf("the old phone still finds %v", ids)
	}
	if n, _ := conflicts.Count(b); n != 0 {
		t.Errorf("Count after KeepOther = %d, want 0", n)
	}

	// The partner adopts it, with no new conflict, and both agree.
	storetest.Exchange(t, b, a)
	storetest.Exchange(t, a, b)
	pa, ra := personIn(t, a)
	if pa != fromA || ra.Version.Compare(rb.Version) != store.Equal {
		t.Errorf("partner holds %+v %v, want %v", pa, ra.Version, rb.Version)
	}
	for name, db := range map[string]*store.DB{"A": a, "B": b} {
		if n, _ := conflicts.Count(db); n != 0 {
			t.Errorf("%s lists %d conflicts after settling", name, n)
		}
		if rep, err := db.Check(); err != nil || !rep.OK() {
			t.Errorf("%s: Check = %v, %v", name, rep.Problems, err)
		}
	}

	// The partner's screen was read before: its choice is refused, cleanly.
	if err := conflicts.KeepOther(a, actor.System(""), it.ID, it.Current.Version); !errors.Is(err, conflicts.ErrResolved) {
		t.Errorf("KeepOther of a conflict settled by a partner = %v, want ErrResolved", err)
	}
}

func TestKeepOtherDeletion(t *testing.T) {
	a, b := openDB(t), openDB(t)
	put(t, a, "note", "n", map[string]any{"text": "one"})
	storetest.Exchange(t, a, b)
	// A deletes it while B edits it: the edit wins, the deletion is set aside.
	if _, err := a.Delete("note", "n"); err != nil {
		t.Fatal(err)
	}
	put(t, b, "note", "n", map[string]any{"text": "one, edited"})
	storetest.Exchange(t, a, b)
	it := onlyItem(t, b)
	if !it.Other.Deleted || it.Other.Body != nil || it.Current.Deleted {
		t.Fatalf("item = %+v, want a deletion set aside", it)
	}
	if f := field(t, it, "text"); f.Current != "one, edited" || f.Other != "" || !f.Differs {
		t.Errorf("text = %+v, want the deleted side empty", f)
	}
	if err := conflicts.KeepOther(b, actor.System(""), it.ID, it.Current.Version); err != nil {
		t.Fatalf("KeepOther = %v", err)
	}
	if r, err := b.GetAny("note", "n"); err != nil || !r.Deleted {
		t.Errorf("after keeping the deletion the note is %+v, %v", r, err)
	}
	if n, _ := conflicts.Count(b); n != 0 {
		t.Errorf("Count = %d, want 0", n)
	}
}

func TestKeepOtherRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, db *store.DB) // after the list was read
		want   error
	}{
		{"the record changed since", func(t *testing.T, db *store.DB) {
			p := fromB
			p.Email = "awa@exemple.fr"
			put(t, db, people.Kind, personID, p)
		}, conflicts.ErrChanged},
		{"the conflict was settled since", func(t *testing.T, db *store.DB) {
			it := onlyItem(t, db)
			if err := conflicts.KeepCurrent(db, actor.System(""), it.ID); err != nil {
				t.Fatal(err)
			}
		}, conflicts.ErrResolved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, b := conflicted(t)
			it := onlyItem(t, b)
			tc.change(t, b)
			_, before := personIn(t, b)
			seq := b.LastSequence()
			err := conflicts.KeepOther(b, actor.System(""), it.ID, it.Current.Version)
			if !errors.Is(err, tc.want) {
				t.Fatalf("KeepOther = %v, want %v", err, tc.want)
			}
			if b.LastSequence() != seq {
				t.Error("a refused KeepOther wrote something")
			}
			if _, after := personIn(t, b); string(after.Body) != string(before.Body) {
				t.Errorf("the record changed: %s, was %s", after.Body, before.Body)
			}
		})
	}

	// Refusals the list already tells about.
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, db *store.DB) // before the list is read
		want   error
	}{
		{"the record was deleted since", func(t *testing.T, db *store.DB) {
			if _, err := db.Delete(people.Kind, personID); err != nil {
				t.Fatal(err)
			}
		}, conflicts.ErrRecordDeleted},
		{"consent was withdrawn since", func(t *testing.T, db *store.DB) {
			p := fromB
			p.Consent = people.Consent{}
			b, _ := json.Marshal(p)
			if _, err := db.Put(people.Kind, personID, b, store.ScopeLocal); err != nil {
				t.Fatal(err)
			}
		}, conflicts.ErrNotShared},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, b := conflicted(t)
			tc.change(t, b)
			it := onlyItem(t, b)
			if err := it.CanKeepOther(); !errors.Is(err, tc.want) {
				t.Errorf("CanKeepOther = %v, want %v", err, tc.want)
			}
			seq := b.LastSequence()
			if err := conflicts.KeepOther(b, actor.System(""), it.ID, it.Current.Version); !errors.Is(err, tc.want) {
				t.Errorf("KeepOther = %v, want %v", err, tc.want)
			}
			if b.LastSequence() != seq {
				t.Error("a refused KeepOther wrote something")
			}
			// Keeping the current version still closes it.
			if err := conflicts.KeepCurrent(b, actor.System(""), it.ID); err != nil {
				t.Errorf("KeepCurrent = %v", err)
			}
			if n, _ := conflicts.Count(b); n != 0 {
				t.Errorf("Count = %d, want 0", n)
			}
		})
	}
}

func TestUnreadableConflictRecordsAreLeftOut(t *testing.T) {
	a, b := conflicted(t)
	_ = a
	for id, body := range map[string]string{
		"bad-name":  `{"name":"no slash","body":{}}`,
		"self":      `{"name":"conflict/x","body":{}}`,
		"not-json":  `[1,2]`,
		"bad-field": `{"name":7}`,
	} {
		if _, err := b.Put(store.ConflictKind, id, []byte(body), store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
	}
	items, err := conflicts.List(b, actor.System(""))
	if err != nil || len(items) != 1 || items[0].RecordID != personID {
		t.Errorf("List = %+v, %v; want the real conflict only", items, err)
	}
	if n, err := conflicts.Count(b); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1", n, err)
	}
	if err := conflicts.KeepOther(b, actor.System(""), "bad-name", nil); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("KeepOther(unreadable) = %v, want ErrDamaged", err)
	}
}

// TestProblemsAreTranslated checks that conflicts.fr.json and
// conflicts.en.json hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "conflicts")
}
