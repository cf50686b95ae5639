package rgpd_test

import (
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/audit"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/rgpd"
	"relais/schema"
	"relais/store"
	"relais/store/storetest"
)

// indexes are every index the purge and erasure need, once each (schema
// may already list rgpd's and audit's).
func indexes() []store.Index {
	seen := map[string]bool{}
	var out []store.Index
	for _, ix := range append(append(schema.Indexes(), audit.Indexes()...), rgpd.Indexes()...) {
		if k := ix.Kind + "/" + ix.Name; !seen[k] {
			seen[k] = true
			out = append(out, ix)
		}
	}
	return out
}

// copyOf is one centre's copy of the network's data.
type copyOf struct {
	db     *store.DB
	centre string
}

// newCopy opens a store for a centre named name (the centre record is
// shared, as in real life).
func newCopy(t testing.TB, name string) *copyOf {
	t.Helper()
	c := &copyOf{db: storetest.Open(t, indexes()...), centre: store.NewID()}
	put(t, c.db, appointments.CentreKind, c.centre, appointments.Centre{Name: name}, store.ScopeNetwork)
	return c
}

// as returns a member of staff of this centre, whose actions are audited.
func (c *copyOf) as(role actor.Role) *actor.Actor {
	return actor.New("login-"+string(role), "Staff "+string(role), role, c.centre).Recording(audit.Open(c.db))
}

// system is Relais itself on this copy.
func (c *copyOf) system() *actor.Actor {
	return actor.System(c.centre).Recording(audit.Open(c.db))
}

// systemAt is Relais itself on this copy, its journal entries dated at:
// the purge's own clock, as in the app.
func (c *copyOf) systemAt(at time.Time) *actor.Actor {
	l := audit.Open(c.db)
	l.Now = func() time.Time { return at }
	return actor.System(c.centre).Recording(l)
}

// register writes a person; consent shares them with the partners.
func (c *copyOf) register(t testing.TB, first, last string, consent bool) string {
	t.Helper()
	p := people.Person{FirstName: first, LastName: last, Phone: "06 12 34 56 78", Email: strings.ToLower(first) + "@example.org"}
	if consent {
		p.Consent = people.Consent{Given: true, By: "accueil", Purpose: "Suivi des démarches entre centres"}
	}
	var id string
	must0(t, c.db.Update(func(tx *store.Tx) error {
		q, err := people.PutIn(tx, p, time.Now())
		id = q.ID
		return err
	}))
	return id
}

func scopeOf(consent bool) store.Scope {
	if consent {
		return store.ScopeNetwork
	}
	return store.ScopeLocal
}

// appointment writes a seen appointment of person at this centre, with a
// note that names them.
func (c *copyOf) appointment(t testing.TB, person string, start time.Time, shared bool) string {
	t.Helper()
	id := store.NewID()
	a := appointments.Appointment{Person: person, Centre: c.centre, Mediator: "camille", Procedure: "caf_rsa",
		Start: start.UTC(), Minutes: 45, Mode: appointments.OnSite, Status: appointments.Seen, Booked: start.UTC().Add(-48 * time.Hour),
		Outcome: &appointments.Outcome{Autonomy: appointments.DoneWith, Note: "Secret: quittance de loyer de " + person}}
	put(t, c.db, appointments.Kind, id, a, scopeOf(shared))
	return id
}

// followUp writes a procedure followed for person, with a note.
func (c *copyOf) followUp(t testing.TB, person string, at time.Time, shared bool) string {
	t.Helper()
	id := store.NewID()
	f := radar.FollowUp{Person: person, Procedure: "caf_rsa", Centre: c.centre, Status: radar.InProgress,
		Note: "Secret: dossier de " + person, Opened: at.UTC(), Updated: at.UTC(), By: "camille"}
	put(t, c.db, radar.FollowUpKind, id, f, scopeOf(shared))
	return id
}

// radarCase writes a radar case for person with one action.
func (c *copyOf) radarCase(t testing.TB, person string, at time.Time, shared bool) string {
	t.Helper()
	id := store.NewID()
	k := radar.Case{Person: person, Opened: at.UTC(), Status: radar.CaseContacted, Centre: c.centre,
		Actions: []radar.Action{{Kind: radar.Call, At: at.UTC(), By: "camille", Centre: c.centre, Answered: true, Outcome: "Secret: malade"}}}
	put(t, c.db, radar.CaseKind, id, k, scopeOf(shared))
	return id
}

// walkthrough writes a guide walked with person.
func (c *copyOf) walkthrough(t testing.TB, person string, at time.Time, shared bool) string {
	t.Helper()
	id := person + "_ameli"
	p := guides.Progress{Person: person, Guide: "ameli", GuideVersion: 1, Started: at.UTC(), Updated: at.UTC(),
		Steps: []guides.StepDone{{Step: 0, Autonomy: guides.DoneWith, At: at.UTC(), By: "camille", Centre: c.centre}}}
	put(t, c.db, guides.ProgressKind, id, p, scopeOf(shared))
	return id
}

// alive reports whether the person's file is live.
func alive(t testing.TB, db *store.DB, person string) bool {
	t.Helper()
	_, err := db.Get(people.Kind, person)
	return err == nil
}

// holding lists the live records of db whose body holds any of words,
// except audit entries and erasure markers (which hold ids only).
func holding(t testing.TB, db *store.DB, words ...string) []string {
	t.Helper()
	var out []string
	must0(t, db.Changes(0, func(r store.Record) error {
		if r.Deleted || r.Kind == audit.Kind || r.Kind == rgpd.MarkerKind {
			return nil
		}
		for _, w := range words {
			if strings.Contains(string(r.Body), w) {
				out = append(out, r.Name()+": "+string(r.Body))
				return nil
			}
		}
		return nil
	}))
	return out
}

// auditCount counts the audit entries of an action in db.
func auditCount(t testing.TB, db *store.DB, action actor.Action) int {
	t.Helper()
	n := 0
	must0(t, store.NewCollection[audit.Entry](db, audit.Kind).All(func(_ string, e audit.Entry) error {
		if e.Action == action {
			n++
		}
		return nil
	}))
	return n
}

// months returns t moved by n months and d days.
func months(t time.Time, n, d int) time.Time { return t.AddDate(0, n, d) }

// put writes v as kind/id.
func put[T any](t testing.TB, db *store.DB, kind, id string, v T, scope store.Scope) {
	t.Helper()
	if _, err := store.NewCollection[T](db, kind).Put(id, v, scope); err != nil {
		t.Fatal(err)
	}
}

// must returns v, or fails the test (by panicking) when err is set.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
