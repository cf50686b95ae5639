package appointments_test

import (
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/store"
	"relais/store/storetest"
)

// A person who withdraws their consent leaves the partners with their
// appointments and walk-ins: all are announced as tombstones, in one
// transaction; giving it again shares them again.
func TestConsentMovesAppointments(t *testing.T) {
	db := storetest.Open(t, append(people.Indexes(), appointments.Indexes()...)...)
	fx := newFixtureIn(t, db)
	ppl := must(people.NewService(db, actor.System("")))
	ppl.Now = func() time.Time { return fx.now }
	ppl.Belongings = append(ppl.Belongings, appointments.ScopePersonIn)

	reg := must(ppl.Register(people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true,
		Consent: people.Consent{Given: true, By: "accueil", Purpose: "Suivi des démarches"}}))
	awa := reg.Person
	other := must(ppl.Register(people.Person{FirstName: "Jean", LastName: "Martin", NoPhone: true,
		Consent: people.Consent{Given: true, By: "accueil", Purpose: "Suivi des démarches"}})).Person
	book := func(person string, start time.Time) string {
		b := fx.booking(fx.camille, start, 30)
		b.Person, b.Scope = person, store.ScopeNetwork
		return must(fx.s.Book(b))
	}
	a1 := book(awa.ID, paris(2026, time.November, 24, 9, 0))
	a2 := book(awa.ID, paris(2026, time.November, 25, 9, 0))
	theirs := book(other.ID, paris(2026, time.November, 24, 10, 0))

	announced := func(kind, id string) (shared, deleted bool) {
		t.Helper()
		r := must(db.GetAny(kind, id))
		a, ok := r.Announced()
		return ok, a.Deleted
	}
	for _, id := range []string{a1, a2} {
		if ok, del := announced(appointments.Kind, id); !ok || del {
			t.Fatalf("before: appointment %s shared=%v deleted=%v", id, ok, del)
		}
	}

	awa.Consent = people.Consent{}
	awa = must(ppl.Update(awa))
	for _, name := range [][2]string{{people.Kind, awa.ID}, {appointments.Kind, a1}, {appointments.Kind, a2}} {
		if ok, del := announced(name[0], name[1]); !ok || !del {
			t.Errorf("after withdrawal: %s/%s shared=%v deleted=%v, want a tombstone for partners", name[0], name[1], ok, del)
		}
	}
	if ok, del := announced(appointments.Kind, theirs); !ok || del {
		t.Errorf("someone else's appointment changed: shared=%v deleted=%v", ok, del)
	}
	// Still there for this centre.
	if ag := must(fx.s.PersonAppointments(awa.ID)); len(ag) != 2 {
		t.Errorf("the centre lost the appointments: %d left", len(ag))
	}

	awa.Consent = people.Consent{Given: true, By: "accueil", Purpose: "Suivi des démarches"}
	must(ppl.Update(awa))
	for _, id := range []string{a1, a2} {
		if ok, del := announced(appointments.Kind, id); !ok || del {
			t.Errorf("after consent given again: appointment %s shared=%v deleted=%v", id, ok, del)
		}
	}
}

// A registered person's walk-in goes where their file goes: to partners
// with their consent (their visit counts for the radar and the retention
// there too); someone not registered, or without consent, stays here.
func TestWalkInFollowsThePersonsScope(t *testing.T) {
	db := storetest.Open(t, append(people.Indexes(), appointments.Indexes()...)...)
	fx := newFixtureIn(t, db)
	ppl := must(people.NewService(db, actor.System("")))
	ppl.Now = func() time.Time { return fx.now }
	agrees := must(ppl.Register(people.Person{FirstName: "Awa", NoPhone: true,
		Consent: people.Consent{Given: true, By: "accueil", Purpose: "Suivi des démarches"}})).Person
	refuses := must(ppl.Register(people.Person{FirstName: "Jean", NoPhone: true})).Person
	for _, c := range []struct {
		walkIn appointments.WalkIn
		want   store.Scope
	}{
		{appointments.WalkIn{Centre: fx.centre, Person: agrees.ID}, store.ScopeNetwork},
		{appointments.WalkIn{Centre: fx.centre, Person: refuses.ID}, store.ScopeLocal},
		{appointments.WalkIn{Centre: fx.centre, FirstName: "Mme Bah"}, store.ScopeLocal},
	} {
		id := must(fx.s.AddWalkIn(c.walkIn))
		if got := must(db.Get(appointments.WalkInKind, id)).Scope; got != c.want {
			t.Errorf("walk-in of %+v: scope %v, want %v", c.walkIn, got, c.want)
		}
	}
}
