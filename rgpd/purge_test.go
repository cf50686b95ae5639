package rgpd_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/audit"
	"relais/rgpd"
	"relais/store"
	"relais/store/storetest"
)

// TestPurgeBoundary: a person is kept until their last activity is older
// than the retention (24 months by default), and erased the day after,
// with their appointments anonymised; a purge that changed something is in
// the audit log, one that found nothing to do writes nothing.
func TestPurgeBoundary(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	awa := a.register(t, "Awa", "Diallo", true)
	last := time.Now().AddDate(0, 1, 0) // after the file's own last change
	appt := a.appointment(t, awa, last, true)
	a.followUp(t, awa, last.AddDate(0, -2, 0), true)

	// The purges note in the journal at their own time, as in the app.
	s := must(rgpd.Purge(a.systemAt(months(last, 24, -1)), a.db, months(last, 24, -1)))
	if !alive(t, a.db, awa) || s.Erased != 0 {
		t.Fatalf("a day before the boundary: erased %d, Awa alive %v; want kept", s.Erased, alive(t, a.db, awa))
	}
	if got := auditCount(t, a.db, actor.PurgeRun); got != 0 {
		t.Errorf("%d purge runs in the audit log after a purge with nothing due, want 0", got)
	}
	s = must(rgpd.Purge(a.systemAt(months(last, 24, 1)), a.db, months(last, 24, 1)))
	if alive(t, a.db, awa) || s.Erased != 1 {
		t.Fatalf("a day after the boundary: erased %d, Awa alive %v; want erased", s.Erased, alive(t, a.db, awa))
	}
	got, _, err := store.NewCollection[appointments.Appointment](a.db, appointments.Kind).Get(appt)
	if err != nil || got.Person != "" || got.Outcome == nil || got.Outcome.Note != "" || got.Outcome.Autonomy != appointments.DoneWith {
		t.Errorf("the appointment after the purge = %+v, %v; want it anonymised, autonomy kept", got, err)
	}
	if left := holding(t, a.db, awa, "Awa", "Diallo", "Secret"); len(left) > 0 {
		t.Errorf("still held after the purge: %q", left)
	}
	if n := auditCount(t, a.db, actor.PersonErased); n != 1 {
		t.Errorf("%d erasures in the audit log, want 1", n)
	}
	if got := auditCount(t, a.db, actor.PurgeRun); got != 1 {
		t.Errorf("%d purge runs in the audit log, want 1", got)
	}
	// Nothing left to do: a purge the next day erases nothing more.
	seq := a.db.LastSequence()
	s = must(rgpd.Purge(a.systemAt(months(last, 24, 2)), a.db, months(last, 24, 2)))
	if s != (rgpd.Summary{}) || a.db.LastSequence() != seq {
		t.Errorf("the next purge did %+v and wrote %d records, want nothing", s, a.db.LastSequence()-seq)
	}
}

// TestPurgeCountsActivityAtAPartner: an appointment made at a partner
// centre, which reached this copy by sync, keeps the person here.
func TestPurgeCountsActivityAtAPartner(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	awa := a.register(t, "Awa", "Diallo", true)
	start := time.Now().AddDate(0, 1, 0)
	a.appointment(t, awa, start, true)
	storetest.Exchange(t, a.db, b.db)
	later := start.AddDate(0, 6, 0)
	b.appointment(t, awa, later, true) // at the partner, six months later
	storetest.Exchange(t, b.db, a.db)

	must(rgpd.Purge(a.system(), a.db, months(start, 24, 1)))
	if !alive(t, a.db, awa) {
		t.Fatal("Awa was erased although she came to the partner centre six months later")
	}
	must(rgpd.Purge(a.system(), a.db, months(later, 24, 1)))
	if alive(t, a.db, awa) {
		t.Fatal("Awa is still here 24 months and a day after her last visit at the partner")
	}
}

// TestPurgeFollowsEachCentresRetention: each record keeps the person for
// its own centre's retention; a file never shared follows this centre's;
// a shared file with no activity follows the longest of the network.
func TestPurgeFollowsEachCentresRetention(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	storetest.Exchange(t, b.db, a.db) // a knows b's centre (default: 24 months)
	now := time.Now()
	must(rgpd.SetRetention(a.as(actor.Admin), a.db, a.centre, rgpd.Retention{PersonMonths: 12, DetailsMonths: 12}, now))

	start := now.AddDate(0, 1, 0)
	here := a.register(t, "Awa", "Diallo", true)
	a.appointment(t, here, start, true)
	local := a.register(t, "Jean", "Martin", false) // file only, never shared
	shared := a.register(t, "Léa", "Bernard", true) // file only, shared
	there := a.register(t, "Inès", "Petit", true)   // seen at the partner centre
	put(t, a.db, appointments.Kind, store.NewID(), appointments.Appointment{Person: there, Centre: b.centre, Mediator: "m",
		Procedure: "ants", Start: start.UTC(), Minutes: 30, Mode: appointments.OnSite, Status: appointments.Seen}, store.ScopeNetwork)

	must(rgpd.Purge(a.system(), a.db, months(start, 12, 1)))
	for name, want := range map[string]bool{here: false, local: false, shared: true, there: true} {
		if alive(t, a.db, name) != want {
			t.Errorf("12 months and a day later: %s alive = %v, want %v (here %s local %s shared %s there %s)", name, !want, want, here, local, shared, there)
		}
	}
	must(rgpd.Purge(a.system(), a.db, months(start, 24, 1)))
	for _, name := range []string{shared, there} {
		if alive(t, a.db, name) {
			t.Errorf("24 months and a day later: %s is still here", name)
		}
	}
}

// TestPurgeAnonymisesOldDetailsAndKeepsThePerson: details go after their
// own retention while a recent visit keeps the person.
func TestPurgeAnonymisesOldDetailsAndKeepsThePerson(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	now := time.Now()
	must(rgpd.SetRetention(a.as(actor.Admin), a.db, a.centre, rgpd.Retention{PersonMonths: 36, DetailsMonths: 12}, now))
	awa := a.register(t, "Awa", "Diallo", true)
	first := now.AddDate(0, 1, 0)
	old := a.appointment(t, awa, first, true)
	recent := a.appointment(t, awa, first.AddDate(0, 20, 0), true)

	s := must(rgpd.Purge(a.system(), a.db, months(first, 12, -1)))
	if s.Anonymised != 0 {
		t.Errorf("a day before: %d anonymised, want 0", s.Anonymised)
	}
	s = must(rgpd.Purge(a.system(), a.db, months(first, 12, 1)))
	if s.Anonymised != 1 || s.Erased != 0 {
		t.Errorf("a day after: %+v, want 1 anonymised and nobody erased", s)
	}
	get := func(id string) appointments.Appointment {
		v, _, err := store.NewCollection[appointments.Appointment](a.db, appointments.Kind).Get(id)
		must0(t, err)
		return v
	}
	if o := get(old); o.Person != "" || o.Outcome.Note != "" || o.Procedure != "caf_rsa" || o.Minutes != 45 {
		t.Errorf("the old appointment = %+v, want it anonymised with its counts", o)
	}
	if r := get(recent); r.Person != awa || r.Outcome.Note == "" {
		t.Errorf("the recent appointment = %+v, want it untouched", r)
	}
	if !alive(t, a.db, awa) {
		t.Error("Awa was erased though she came eight months ago")
	}
}

// TestEveryCopyPurgingMakesNoConflict: two copies purge the same shared
// records on their own; their tombstones and anonymised bodies meet
// without conflict records, and the copies agree.
func TestEveryCopyPurgingMakesNoConflict(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	awa := a.register(t, "Awa", "Diallo", true)
	jean := a.register(t, "Jean", "Martin", true)
	start := time.Now().AddDate(0, 1, 0)
	a.appointment(t, awa, start, true)
	appt := a.appointment(t, jean, start, true)
	a.appointment(t, jean, start.AddDate(0, 20, 0), true) // keeps Jean
	a.followUp(t, awa, start, true)
	storetest.Exchange(t, a.db, b.db)
	storetest.Exchange(t, b.db, a.db)

	at := months(start, 24, 1)
	sa := must(rgpd.Purge(a.system(), a.db, at))
	sb := must(rgpd.Purge(b.system(), b.db, at))
	if sa.Erased != 1 || sb.Erased != 1 || sa.Anonymised != 1 || sb.Anonymised != 1 {
		t.Fatalf("purges: a %+v, b %+v; want Awa erased and Jean's old appointment anonymised on each", sa, sb)
	}
	for range 2 {
		storetest.Exchange(t, a.db, b.db)
		storetest.Exchange(t, b.db, a.db)
	}
	for name, db := range map[string]*store.DB{"a": a.db, "b": b.db} {
		if n := must(db.Count(store.ConflictKind)); n != 0 {
			t.Errorf("%s: %d conflict records after both purged", name, n)
		}
	}
	ra := must(a.db.Get(appointments.Kind, appt))
	rb := must(b.db.Get(appointments.Kind, appt))
	if string(ra.Body) != string(rb.Body) || ra.Version.Compare(rb.Version) != store.Equal {
		t.Errorf("the copies disagree: %s %v / %s %v", ra.Body, ra.Version, rb.Body, rb.Version)
	}
}

// TestPurgeRefusedToStaff: the purge is Relais's; a member of staff without
// the right to erase is refused and nothing is written.
func TestPurgeRefusedToStaff(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	a.register(t, "Awa", "Diallo", true)
	seq := a.db.LastSequence()
	for _, role := range []actor.Role{actor.Reception, actor.Mediator} {
		if _, err := rgpd.Purge(a.as(role), a.db, time.Now().AddDate(10, 0, 0)); !errors.Is(err, actor.ErrNotAllowed) {
			t.Errorf("Purge as %s = %v, want ErrNotAllowed", role, err)
		}
	}
	if a.db.LastSequence() != seq {
		t.Error("a refused purge wrote something")
	}
}

// TestPurgerRunsAtStartAndEveryPeriod: the purger purges at once, again
// after each period, and stops with its context.
func TestPurgerRunsAtStartAndEveryPeriod(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	awa := a.register(t, "Awa", "Diallo", true)
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	runs := make(chan rgpd.Summary, 100)
	p := rgpd.NewPurger(a.db, a.system())
	p.Every = 20 * time.Millisecond
	p.Done = func(s rgpd.Summary, err error) {
		if err != nil {
			t.Error(err)
		}
		runs <- s
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { p.Run(ctx, now); close(stopped) }()
	wait := func() rgpd.Summary {
		select {
		case s := <-runs:
			return s
		case <-time.After(10 * time.Second):
			t.Fatal("no purge ran")
		}
		return rgpd.Summary{}
	}
	if s := wait(); s.Erased != 0 {
		t.Fatalf("the first purge erased %d", s.Erased)
	}
	mu.Lock()
	clock = clock.AddDate(2, 0, 2) // the fake clock jumps past the retention
	mu.Unlock()
	for s := wait(); s.Erased == 0; s = wait() {
	}
	if alive(t, a.db, awa) {
		t.Error("Awa is still here after the purger ran past the retention")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

// TestPurgeDeletesTheJournalPastItsRetention: the daily purge deletes this
// copy's journal entries older than a year (all but the youngest of them,
// kept as the witness of the cut), notes one line that it ran, leaves the
// journal checking clean, and the next day writes nothing.
func TestPurgeDeletesTheJournalPastItsRetention(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	start := time.Date(2026, time.February, 2, 9, 0, 0, 0, time.UTC)
	l := audit.Open(a.db)
	at := start
	l.Now = func() time.Time { at = at.Add(time.Hour); return at }
	who := actor.New("marie", "Marie", actor.Mediator, a.centre).Recording(l)
	for range 30 {
		must0(t, a.db.Update(func(tx *store.Tx) error { return who.Log(tx, actor.SignedIn, "", "") }))
	}
	// A day before the first entry is a year old: nothing due.
	now := start.AddDate(1, 0, -1)
	seq := a.db.LastSequence()
	if s := must(rgpd.Purge(a.systemAt(now), a.db, now)); s != (rgpd.Summary{}) || a.db.LastSequence() != seq {
		t.Fatalf("a day early: %+v, %d records written; want nothing", s, a.db.LastSequence()-seq)
	}
	// A day after the last one is: 29 go, the last stays.
	now = at.AddDate(1, 0, 1)
	if s := must(rgpd.Purge(a.systemAt(now), a.db, now)); s.Journal != 29 {
		t.Fatalf("a day after: %+v, want 29 journal entries deleted", s)
	}
	if n := auditCount(t, a.db, actor.SignedIn); n != 1 {
		t.Errorf("%d sign-ins left in the journal, want 1 (the witness)", n)
	}
	if n := auditCount(t, a.db, actor.PurgeRun); n != 1 {
		t.Errorf("%d purge runs noted, want 1", n)
	}
	rep, err := audit.CheckAt(a.db, now)
	if err != nil || !rep.OK() {
		t.Errorf("check after the purge: %v, %v", rep.Breaks, err)
	}
	now = now.Add(24 * time.Hour)
	seq = a.db.LastSequence()
	if s := must(rgpd.Purge(a.systemAt(now), a.db, now)); s != (rgpd.Summary{}) || a.db.LastSequence() != seq {
		t.Errorf("the next day: %+v, %d records written; want nothing", s, a.db.LastSequence()-seq)
	}
}
