package rgpd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/problem/problemtest"
	"relais/rgpd"
	"relais/store"
	"relais/store/storetest"
)

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "rgpd")
}

// awaEverywhere registers Awa at a with consent, gives her an appointment,
// a walk-in, a procedure followed, a radar case and a walkthrough, and a
// conflict record holding an old copy of her file (a and b changed it at
// the same time); then a and b exchange both ways.
func awaEverywhere(t *testing.T, a, b *copyOf) (awa, appt, walkIn string) {
	t.Helper()
	awa = a.register(t, "Awa", "Diallo", true)
	at := time.Now()
	appt = a.appointment(t, awa, at, true)
	walkIn = store.NewID()
	put(t, a.db, appointments.WalkInKind, walkIn, appointments.WalkIn{Centre: a.centre, Person: awa, FirstName: "Awa",
		Reason: "Secret: courrier", Arrived: at.UTC(), Status: appointments.Taken, Mediator: "camille"}, store.ScopeNetwork)
	a.followUp(t, awa, at, true)
	a.radarCase(t, awa, at, true)
	a.walkthrough(t, awa, at, true)
	storetest.Exchange(t, a.db, b.db)
	b.appointment(t, awa, at.Add(time.Hour), true) // seen at the partner too
	// a and b correct her file at the same time: one version is set aside.
	edit(t, a.db, awa, func(p *people.Person) { p.LastName = "Diallo-Ba" })
	edit(t, b.db, awa, func(p *people.Person) { p.Phone = "+33699887766" })
	storetest.Exchange(t, a.db, b.db)
	storetest.Exchange(t, b.db, a.db)
	if n := must(a.db.Count(store.ConflictKind)); n == 0 {
		t.Fatal("the fixture made no conflict record")
	}
	return awa, appt, walkIn
}

// edit changes a person's file in db.
func edit(t *testing.T, db *store.DB, id string, change func(*people.Person)) {
	t.Helper()
	must0(t, db.Update(func(tx *store.Tx) error {
		p, _, err := store.GetIn[people.Person](tx, people.Kind, id)
		if err != nil {
			return err
		}
		p.ID = id
		change(&p)
		_, err = people.PutIn(tx, p, time.Now())
		return err
	}))
}

// TestErasureReachesThePartner: erasing a person here leaves, here and at
// the partner after sync, tombstones and anonymised appointments: no
// personal data anywhere, conflict records included, and the counts stay.
func TestErasureReachesThePartner(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	awa, appt, walkIn := awaEverywhere(t, a, b)
	apptsBefore := must(a.db.Count(appointments.Kind))

	e := must(rgpd.Erase(a.as(actor.Coordinator), a.db, awa))
	if !e.Person || e.Anonymised != 3 || e.Deleted != 3 || e.Conflicts == 0 {
		t.Errorf("Erase = %+v, want the file, 3 anonymised (2 appointments, 1 walk-in), 3 deleted and the conflicts", e)
	}
	if n := auditCount(t, a.db, actor.PersonErased); n != 1 {
		t.Errorf("%d erasures in the audit log, want 1", n)
	}
	storetest.Exchange(t, a.db, b.db)
	storetest.Exchange(t, b.db, a.db)

	for name, c := range map[string]*copyOf{"here": a, "partner": b} {
		if alive(t, c.db, awa) {
			t.Errorf("%s: Awa's file is still live", name)
		}
		if left := holding(t, c.db, awa, "Awa", "Diallo", "99887766", "Secret"); len(left) > 0 {
			t.Errorf("%s still holds Awa's data: %q", name, left)
		}
		if n := must(c.db.Count(appointments.Kind)); n != apptsBefore {
			t.Errorf("%s has %d appointments, want %d: the counts stay", name, n, apptsBefore)
		}
		got, _, err := store.NewCollection[appointments.Appointment](c.db, appointments.Kind).Get(appt)
		if err != nil || got.Person != "" || got.Procedure != "caf_rsa" || got.Outcome.Autonomy != appointments.DoneWith {
			t.Errorf("%s: the appointment = %+v, %v; want it anonymised, counted", name, got, err)
		}
		if erased := must(rgpd.Erased(c.db, awa)); !erased {
			t.Errorf("%s has no erasure marker", name)
		}
	}
	if w, _, err := store.NewCollection[appointments.WalkIn](b.db, appointments.WalkInKind).Get(walkIn); err != nil || w.FirstName != "" || w.Procedure != "" && w.Centre != a.centre {
		t.Errorf("the partner's walk-in = %+v, %v", w, err)
	}
	// Erasing again: she is not here any more.
	if _, err := rgpd.Erase(a.as(actor.Admin), a.db, awa); !errors.Is(err, rgpd.ErrUnknownPerson) {
		t.Errorf("a second Erase = %v, want ErrUnknownPerson", err)
	}
}

// TestConcurrentEditIsErasedAgain: a partner that changed the person's
// file while offline sends a change that beats the tombstone (a change
// beats a deletion); the erasure marker makes Follow, here, and the purge,
// there, erase it again, and the two copies end with nothing of her.
func TestConcurrentEditIsErasedAgain(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	awa, _, _ := awaEverywhere(t, a, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	followed := make(chan error, 1)
	go func() { followed <- rgpd.Follow(ctx, a.system(), a.db, a.db.LastSequence()) }()

	must(rgpd.Erase(a.as(actor.Coordinator), a.db, awa))
	// Meanwhile, offline, the partner corrects her file and books her.
	edit(t, b.db, awa, func(p *people.Person) { p.Email = "awa.nouvelle@example.org" })
	b.appointment(t, awa, time.Now().Add(48*time.Hour), true)

	storetest.Exchange(t, b.db, a.db) // her new version beats the tombstone here…
	deadline := time.Now().Add(10 * time.Second)
	for alive(t, a.db, awa) || len(holding(t, a.db, "awa.nouvelle", "Secret")) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Follow did not erase what came back: %q", holding(t, a.db, awa, "Awa", "Secret"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Still offline, the partner changes her once more, then gets the
	// marker: its change beats the tombstone there too, and its purge
	// erases her again.
	edit(t, b.db, awa, func(p *people.Person) { p.BirthYear = 1990 })
	storetest.Exchange(t, a.db, b.db)
	if !alive(t, b.db, awa) {
		t.Fatal("the fixture failed: the partner's change did not beat the tombstone")
	}
	s := must(rgpd.Purge(b.system(), b.db, time.Now()))
	if s.Reerased != 1 {
		t.Errorf("the partner's purge re-erased %d people, want 1", s.Reerased)
	}
	for range 2 {
		storetest.Exchange(t, a.db, b.db)
		storetest.Exchange(t, b.db, a.db)
	}
	time.Sleep(50 * time.Millisecond) // let Follow settle what the last exchange brought
	for name, c := range map[string]*copyOf{"here": a, "partner": b} {
		if alive(t, c.db, awa) {
			t.Errorf("%s: Awa is back", name)
		}
		if left := holding(t, c.db, awa, "Awa", "Diallo", "awa.nouvelle", "Secret"); len(left) > 0 {
			t.Errorf("%s still holds Awa's data: %q", name, left)
		}
	}
	cancel()
	if err := <-followed; err != nil {
		t.Errorf("Follow = %v", err)
	}
}

// TestEraseRefusedWritesNothing: reception and mediators may not erase;
// bad input is refused; nothing is written either way.
func TestEraseRefusedWritesNothing(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	awa := a.register(t, "Awa", "Diallo", true)
	a.appointment(t, awa, time.Now(), true)
	seq := a.db.LastSequence()
	for _, role := range []actor.Role{actor.Reception, actor.Mediator} {
		if _, err := rgpd.Erase(a.as(role), a.db, awa); !errors.Is(err, actor.ErrNotAllowed) {
			t.Errorf("Erase as %s = %v, want ErrNotAllowed", role, err)
		}
	}
	if _, err := rgpd.Erase(nil, a.db, awa); !errors.Is(err, actor.ErrNotAllowed) {
		t.Errorf("Erase with no one signed in = %v, want ErrNotAllowed", err)
	}
	for in, want := range map[string]error{"": rgpd.ErrPersonMissing, "  ": rgpd.ErrPersonMissing,
		store.NewID(): rgpd.ErrUnknownPerson, "../person": rgpd.ErrUnknownPerson} {
		if _, err := rgpd.Erase(a.as(actor.Admin), a.db, in); !errors.Is(err, want) {
			t.Errorf("Erase(%q) = %v, want %v", in, err, want)
		}
	}
	if a.db.LastSequence() != seq {
		t.Error("a refused erasure wrote something")
	}
	if !alive(t, a.db, awa) {
		t.Error("Awa was erased")
	}
}
