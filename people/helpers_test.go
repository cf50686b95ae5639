package people_test

import (
	"testing"
	"time"

	"relais/actor"
	"relais/people"
	"relais/store"
	"relais/store/storetest"
)

// today is the fixed clock of the tests.
var today = time.Date(2026, time.November, 21, 10, 0, 0, 0, time.UTC)

func openDB(t testing.TB) *store.DB { return storetest.Open(t, people.Indexes()...) }

func newService(t testing.TB) (*people.Service, *store.DB) {
	t.Helper()
	db := openDB(t)
	s, err := people.NewService(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return today }
	return s, db
}

func helene() people.Person {
	return people.Person{FirstName: "Hélène", LastName: "Dupont", Phone: "06 12 34 56 78", BirthYear: 1980}
}

// fataler is what mustRegister needs of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func mustRegister(t fataler, s *people.Service, p people.Person) people.Person {
	t.Helper()
	r, err := s.RegisterAnyway(p)
	if err != nil {
		t.Fatalf("RegisterAnyway(%+v) = %v", p, err)
	}
	return r.Person
}

func checkStore(t testing.TB, db *store.DB) {
	t.Helper()
	rep, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("store check: %v", rep.Problems)
	}
}

// deletePerson tombstones a person behind the service's back, as a
// partner's deletion arrives, and brings its index up to date.
func deletePerson(s *people.Service, db *store.DB, id string) error {
	if _, err := db.Delete(people.Kind, id); err != nil {
		return err
	}
	return s.Refresh(id)
}
