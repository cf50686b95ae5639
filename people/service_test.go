package people_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"relais/actor"
	"relais/people"
	"relais/store"
)

func TestRegisterWarnsOfDuplicates(t *testing.T) {
	s, db := newService(t)
	first := mustRegister(t, s, helene())
	cases := []struct {
		name            string
		p               people.Person
		sameName, phone bool
	}{
		{"same name and year, other accents and case", people.Person{FirstName: "HELENE", LastName: "dupont", NoPhone: true, BirthYear: 1980}, true, false},
		{"names the wrong way round", people.Person{FirstName: "Dupont", LastName: "Hélène", NoPhone: true, BirthYear: 1980}, true, false},
		{"same phone written differently", people.Person{FirstName: "Marc", Phone: "+33 6 12 34 56 78"}, false, true},
		{"both", people.Person{FirstName: "Hélène", LastName: "Dupont", Phone: "0612345678", BirthYear: 1980}, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seq := db.LastSequence()
			r, err := s.Register(c.p)
			if err != nil {
				t.Fatal(err)
			}
			if r.Person.ID != "" || len(r.Duplicates) != 1 {
				t.Fatalf("Register() = %+v, want one duplicate and nothing written", r)
			}
			d := r.Duplicates[0]
			if d.Person.ID != first.ID || d.SameName != c.sameName || d.SamePhone != c.phone {
				t.Errorf("duplicate = %+v, want %s with same name %v, same phone %v", d, first.ID, c.sameName, c.phone)
			}
			if db.LastSequence() != seq {
				t.Error("Register wrote a person who has duplicates")
			}
			found, err := s.FindDuplicates(c.p)
			if err != nil || len(found) != 1 || found[0].Person.ID != first.ID {
				t.Errorf("FindDuplicates() = %+v, %v, want %s", found, err, first.ID)
			}
		})
	}
	// Not duplicates: another year, another phone (and another year).
	for _, p := range []people.Person{
		{FirstName: "Hélène", LastName: "Dupont", NoPhone: true, BirthYear: 1981},
		{FirstName: "Hélène", LastName: "Dupont", Phone: "06 12 34 56 79", BirthYear: 1982},
	} {
		r, err := s.Register(p)
		if err != nil || r.Person.ID == "" || len(r.Duplicates) != 0 {
			t.Errorf("Register(%+v) = %+v, %v: want it written", p, r, err)
		}
	}
	// The member of staff says it is someone else.
	r, err := s.RegisterAnyway(helene())
	if err != nil || r.Person.ID == "" || r.Person.ID == first.ID {
		t.Errorf("RegisterAnyway() = %+v, %v, want a new person", r, err)
	}
	checkStore(t, db)
}

func TestMerge(t *testing.T) {
	s, db := newService(t)
	keep := mustRegister(t, s, people.Person{FirstName: "Hélène", LastName: "Dupont", NoPhone: true})
	remove := mustRegister(t, s, people.Person{
		FirstName: "Helene", LastName: "Dupond", Phone: "06 12 34 56 78", Email: "helene@laposte.net", BirthYear: 1980,
		Consent: people.Consent{Given: true, By: "karima", Purpose: people.ConsentPurpose},
	})
	earlier := mustRegister(t, s, people.Person{FirstName: "H.", LastName: "Dupont", NoPhone: true})
	if _, err := s.Merge(remove.ID, earlier.ID); err != nil { // earlier → remove → keep
		t.Fatal(err)
	}
	seq := db.LastSequence()
	got, err := s.Merge(keep.ID, remove.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := db.LastSequence() - seq; n != 3 {
		t.Errorf("merge made %d writes, want 3 (kept person, tombstone, merge record)", n)
	}
	want := keep
	want.Phone, want.NoPhone, want.Email, want.BirthYear, want.Consent = remove.Phone, false, remove.Email, remove.BirthYear, remove.Consent
	if got != want {
		t.Errorf("Merge() = %+v, want %+v", got, want)
	}
	if stored, _ := s.Get(keep.ID); stored != want {
		t.Errorf("stored kept person = %+v, want %+v", stored, want)
	}
	if r, _ := db.Get(people.Kind, keep.ID); r.Scope != store.ScopeNetwork {
		t.Error("the kept person took the consent but not the network scope")
	}
	if _, err := s.Get(remove.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(removed) = %v, want ErrNotFound", err)
	}
	if r, err := db.GetAny(people.Kind, remove.ID); err != nil || !r.Deleted {
		t.Errorf("removed person = %+v, %v, want a tombstone", r.Meta, err)
	}
	if m, err := db.Get(people.MergeKind, remove.ID); err != nil || m.Scope != store.ScopeNetwork {
		t.Errorf("merge record = %+v, %v, want one shared with the network", m.Meta, err)
	}
	for _, id := range []string{remove.ID, earlier.ID, keep.ID} {
		if got := s.ResolveMerged(id); got != keep.ID {
			t.Errorf("ResolveMerged(%s) = %s, want %s", id, got, keep.ID)
		}
	}
	if got := s.ResolveMerged("never-merged"); got != "never-merged" {
		t.Errorf("ResolveMerged(never-merged) = %s", got)
	}
	if hits := s.Search("dupond", 10); len(hits) != 1 || hits[0].Person.ID != keep.ID {
		t.Errorf("Search after merge = %q, want only the kept person", names(hits))
	}
	if err := s.IndexAgrees(); err != nil {
		t.Error(err)
	}
	checkStore(t, db)
}

func TestMergeRefusalChangesNothing(t *testing.T) {
	s, db := newService(t)
	a := mustRegister(t, s, helene())
	b := mustRegister(t, s, people.Person{FirstName: "Marc", NoPhone: true})
	if err := deletePerson(s, db, b.ID); err != nil {
		t.Fatal(err)
	}
	seq := db.LastSequence()
	for _, c := range []struct {
		keep, remove string
		want         error
	}{
		{a.ID, a.ID, people.ErrMergeSame},
		{a.ID, b.ID, store.ErrNotFound}, // removed already gone
		{b.ID, a.ID, store.ErrNotFound}, // kept already gone
		{a.ID, "no-such-person", store.ErrNotFound},
	} {
		if _, err := s.Merge(c.keep, c.remove); !errors.Is(err, c.want) {
			t.Errorf("Merge(%s, %s) = %v, want %v", c.keep, c.remove, err, c.want)
		}
	}
	if db.LastSequence() != seq {
		t.Error("a refused merge wrote something")
	}
	if got, _ := s.Get(a.ID); got != a {
		t.Errorf("a refused merge changed %+v into %+v", a, got)
	}
	if err := s.IndexAgrees(); err != nil {
		t.Error(err)
	}
}

func TestServiceRebuildsItsIndexFromTheStore(t *testing.T) {
	s, db := newService(t)
	for _, p := range people.Generate(7, 300)[:30] {
		mustRegister(t, s, p)
	}
	err := db.Update(func(tx *store.Tx) error { // the other 270 written behind the service's back
		for _, p := range people.Generate(7, 300)[30:] {
			if _, err := people.PutIn(tx, p, today); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 30 {
		t.Fatalf("the service indexed writes it did not make: %d", s.Len())
	}
	again, err := people.NewService(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != 300 {
		t.Errorf("rebuilt index holds %d persons, want 300", again.Len())
	}
	if err := again.IndexAgrees(); err != nil {
		t.Error(err)
	}
}

func TestRefreshFollowsOutsideWrites(t *testing.T) {
	s, db := newService(t)
	p := mustRegister(t, s, helene())
	p.LastName = "Martin"
	err := db.Update(func(tx *store.Tx) error { _, err := people.PutIn(tx, p, today); return err })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(p.ID); err != nil {
		t.Fatal(err)
	}
	if hits := s.Search("helene martin", 5); len(hits) != 1 {
		t.Errorf("Search after Refresh = %q", names(hits))
	}
	if _, err := db.Delete(people.Kind, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(p.ID); err != nil || s.Len() != 0 {
		t.Errorf("Refresh of a deleted person = %v, %d left", err, s.Len())
	}
}

func TestGenerate(t *testing.T) {
	a, b := people.Generate(42, 2000), people.Generate(42, 2000)
	noPhone, email, accents := 0, 0, 0
	seen := map[string]bool{}
	for i, p := range a {
		if p != b[i] {
			t.Fatalf("Generate is not deterministic at %d: %+v vs %+v", i, p, b[i])
		}
		if seen[p.ID] {
			t.Fatalf("id %s given twice", p.ID)
		}
		seen[p.ID] = true
		n, err := p.Normalise(today)
		if err != nil {
			t.Fatalf("Generate made an invalid person %+v: %v", p, err)
		}
		n.ID = p.ID
		if n != p {
			t.Errorf("generated person is not normalised: %+v, normalised %+v", p, n)
		}
		if err := store.ValidName(people.Kind, p.ID); err != nil {
			t.Fatalf("id %q: %v", p.ID, err)
		}
		if p.NoPhone {
			noPhone++
		}
		if p.Email != "" {
			email++
		}
		if p.BirthYear != 0 && (p.BirthYear < 1935 || p.BirthYear > 2006) {
			t.Errorf("birth year %d", p.BirthYear)
		}
		if people.Fold(p.FullName()) != toLowerASCII(p.FullName()) {
			accents++
		}
	}
	if noPhone < 200 || noPhone > 400 {
		t.Errorf("%d of 2000 without phone, want about 15%%", noPhone)
	}
	if email < 700 || email > 900 {
		t.Errorf("%d of 2000 with e-mail, want about 40%%", email)
	}
	if accents < 200 {
		t.Errorf("only %d names with accents or hyphens", accents)
	}
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TestConcurrentSearchAndWrites is for -race: searches run while others write.
func TestConcurrentSearchAndWrites(t *testing.T) {
	s, _ := newService(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range people.Generate(3, 50) {
			if _, err := s.RegisterAnyway(p); err != nil {
				t.Error(err)
			}
		}
	}()
	for {
		select {
		case <-done:
			if s.Len() != 50 {
				t.Errorf("%d persons, want 50", s.Len())
			}
			return
		default:
			s.Search("mar", 5)
			s.Search("06", 5)
		}
	}
}

// A birth year unknown on either side does not hide a person of the same
// name: the desk is asked, and told the year is missing.
func TestDuplicatesWhenABirthYearIsUnknown(t *testing.T) {
	s, db := newService(t)
	born1980 := mustRegister(t, s, people.Person{FirstName: "Hélène", LastName: "Dupont", NoPhone: true, BirthYear: 1980})
	anyway := func(p people.Person) people.Person {
		t.Helper()
		r, err := s.RegisterAnyway(p)
		if err != nil {
			t.Fatal(err)
		}
		return r.Person
	}
	noYear := anyway(people.Person{FirstName: "helene", LastName: "DUPONT", NoPhone: true})
	born1975 := anyway(people.Person{FirstName: "Dupont", LastName: "Hélène", NoPhone: true, BirthYear: 1975})
	type found struct {
		id          string
		yearUnknown bool
	}
	cases := []struct {
		name string
		p    people.Person
		want []found
	}{
		{"no year: every Hélène Dupont", people.Person{FirstName: "Hélène", LastName: "Dupont", NoPhone: true},
			[]found{{born1980.ID, true}, {noYear.ID, true}, {born1975.ID, true}}},
		{"1980: the same year, and the one without", people.Person{FirstName: "Hélène", LastName: "Dupont", NoPhone: true, BirthYear: 1980},
			[]found{{born1980.ID, false}, {noYear.ID, true}}},
		{"1990: only the one without a year", people.Person{FirstName: "Hélène", LastName: "Dupont", NoPhone: true, BirthYear: 1990},
			[]found{{noYear.ID, true}}},
		{"another name", people.Person{FirstName: "Hélène", LastName: "Durand", NoPhone: true}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seq := db.LastSequence()
			r, err := s.Register(c.p)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if r.Person.ID == "" || len(r.Duplicates) != 0 {
					t.Errorf("Register() = %+v, want written", r)
				}
				return
			}
			if db.LastSequence() != seq {
				t.Error("a person with possible duplicates was written")
			}
			var got []found
			for _, d := range r.Duplicates {
				if !d.SameName || d.SamePhone {
					t.Errorf("%s: SameName %v SamePhone %v", d.Person.ID, d.SameName, d.SamePhone)
				}
				got = append(got, found{d.Person.ID, d.YearUnknown})
			}
			slices.SortFunc(got, func(a, b found) int { return strings.Compare(a.id, b.id) })
			slices.SortFunc(c.want, func(a, b found) int { return strings.Compare(a.id, b.id) })
			if !slices.Equal(got, c.want) {
				t.Errorf("duplicates %v, want %v", got, c.want)
			}
		})
	}
	// A common name without a year: the list stays short.
	for range 2 * people.MaxNameDuplicates {
		anyway(people.Person{FirstName: "Mohamed", LastName: "Ali", NoPhone: true})
	}
	dups, err := s.FindDuplicates(people.Person{FirstName: "Mohamed", LastName: "Ali", NoPhone: true})
	if err != nil || len(dups) != people.MaxNameDuplicates {
		t.Errorf("%d duplicates of a common name, %v; want %d", len(dups), err, people.MaxNameDuplicates)
	}
	checkStore(t, db)
}
