package appointments_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"relais/appointments"
	"relais/store"
	"relais/store/storetest"
)

// TestAnonymisePersonKeepsTheCounts: erasing a person anonymises their
// appointments and walk-ins rather than deleting them: nothing names them
// or repeats what was said, and what the figures count stays.
func TestAnonymisePersonKeepsTheCounts(t *testing.T) {
	db := storetest.Open(t, appointments.Indexes()...)
	start := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	seen := appointments.Appointment{
		Person: "awa", Centre: "tilleuls", Mediator: "camille", Procedure: "caf_rsa", Start: start, Minutes: 45,
		Mode: appointments.Phone, Status: appointments.Seen, Booked: start.Add(-72 * time.Hour), Arrived: start,
		Outcome: &appointments.Outcome{Autonomy: appointments.DoneWith, Note: "Awa a un fils de 4 ans",
			NextStep: "Rapporter l'avis d'imposition", FollowUp: "next"},
	}
	excused := appointments.Appointment{Person: "awa", Centre: "tilleuls", Mediator: "camille", Procedure: "ants",
		Start: start.AddDate(0, 0, 7), Minutes: 30, Mode: appointments.OnSite, Status: appointments.Excused,
		Booked: start, Reason: "Hospitalisée"}
	other := appointments.Appointment{Person: "jean", Centre: "tilleuls", Mediator: "camille", Procedure: "ants",
		Start: start, Minutes: 30, Mode: appointments.OnSite, Status: appointments.Booked, Booked: start}
	walkIn := appointments.WalkIn{Centre: "tilleuls", Person: "awa", FirstName: "Awa", Reason: "Courrier de la CAF",
		Procedure: "caf_rsa", Arrived: start, Status: appointments.Taken, Mediator: "camille", Ended: start.Add(time.Hour)}
	must0(t, db.Update(func(tx *store.Tx) error {
		for id, a := range map[string]appointments.Appointment{"seen": seen, "excused": excused, "other": other} {
			if _, err := store.PutIn(tx, appointments.Kind, id, a, store.ScopeNetwork); err != nil {
				return err
			}
		}
		_, err := store.PutIn(tx, appointments.WalkInKind, "w", walkIn, store.ScopeLocal)
		return err
	}))

	var n int
	must0(t, db.Update(func(tx *store.Tx) error {
		var err error
		n, err = appointments.AnonymisePersonIn(tx, "awa")
		return err
	}))
	if n != 3 {
		t.Errorf("AnonymisePersonIn wrote %d records, want 3", n)
	}
	got := getAppt(t, db, "seen")
	want := seen
	want.Person, want.Outcome = "", &appointments.Outcome{Autonomy: appointments.DoneWith}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("seen appointment anonymised:\n got %s\nwant %s", g, w)
	}
	ex := getAppt(t, db, "excused")
	if ex.Person != "" || ex.Reason != "" || ex.Status != appointments.Excused || ex.Procedure != "ants" {
		t.Errorf("excused appointment anonymised = %+v", ex)
	}
	w, meta, err := store.NewCollection[appointments.WalkIn](db, appointments.WalkInKind).Get("w")
	must0(t, err)
	if w.Person != "" || w.FirstName != "" || w.Reason != "" || w.Procedure != "caf_rsa" || w.Mediator != "camille" || w.Status != appointments.Taken {
		t.Errorf("walk-in anonymised = %+v", w)
	}
	if meta.Scope != store.ScopeLocal {
		t.Errorf("the walk-in's scope became %d, want it kept local", meta.Scope)
	}
	if o := getAppt(t, db, "other"); o.Person != "jean" {
		t.Errorf("someone else's appointment was touched: %+v", o)
	}
	for _, kind := range []string{appointments.Kind, appointments.WalkInKind} {
		if ids := must(db.Find(kind, "person", "awa")); len(ids) != 0 {
			t.Errorf("the %s person index still finds awa: %v", kind, ids)
		}
	}
	// Everything Awa said is gone from every body.
	must0(t, db.Changes(0, func(r store.Record) error {
		for _, s := range []string{"awa", "Awa", "fils", "imposition", "Hospitalisée", "Courrier"} {
			if strings.Contains(string(r.Body), s) {
				t.Errorf("%s still holds %q: %s", r.Name(), s, r.Body)
			}
		}
		return nil
	}))

	// Again: nothing left to write.
	seq := db.LastSequence()
	must0(t, db.Update(func(tx *store.Tx) error {
		var err error
		n, err = appointments.AnonymisePersonIn(tx, "awa")
		return err
	}))
	if n != 0 || db.LastSequence() != seq {
		t.Errorf("a second AnonymisePersonIn wrote %d records", n)
	}
}

// TestAnonymiseIsTheSameEverywhere: the anonymised body depends on the
// appointment alone, so two copies anonymising it write the same bytes.
func TestAnonymiseIsTheSameEverywhere(t *testing.T) {
	a := appointments.Appointment{Person: "awa", Centre: "c", Procedure: "ants", Start: time.Now().UTC(), Minutes: 30,
		Status: appointments.Seen, Outcome: &appointments.Outcome{Autonomy: appointments.DoneAlone, Note: "x"}}
	if mustJSON(t, a.Anonymised()) != mustJSON(t, a.Anonymised().Anonymised()) {
		t.Error("anonymising twice changes the body")
	}
	if a.Anonymised().HasDetails() || !a.HasDetails() {
		t.Error("HasDetails is wrong before or after")
	}
}

func TestAnonymiseRefusesBadInput(t *testing.T) {
	db := storetest.Open(t, appointments.Indexes()...)
	seq := db.LastSequence()
	err := db.Update(func(tx *store.Tx) error {
		_, err := appointments.AnonymisePersonIn(tx, "")
		return err
	})
	if !errors.Is(err, appointments.ErrPersonMissing) {
		t.Errorf("AnonymisePersonIn(\"\") = %v, want ErrPersonMissing", err)
	}
	err = db.Update(func(tx *store.Tx) error {
		_, err := appointments.AnonymiseIn(tx, "person", "x")
		return err
	})
	if !errors.Is(err, store.ErrBadName) {
		t.Errorf("AnonymiseIn(person) = %v, want ErrBadName", err)
	}
	if db.LastSequence() != seq {
		t.Error("bad input wrote something")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func getAppt(t *testing.T, db *store.DB, id string) appointments.Appointment {
	t.Helper()
	a, _, err := store.NewCollection[appointments.Appointment](db, appointments.Kind).Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
