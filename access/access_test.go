package access_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"relais/access"
	"relais/actor"
	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/report"
	"relais/schema"
	"relais/store"
	"relais/store/storetest"
)

// The dossier of a person holds their file and every record about them
// (appointments, walk-ins, procedures followed, radar follow-up, guides),
// nobody else's; it reads back as JSON and as a PDF that names them.
func TestDossierHoldsEverythingAboutThePerson(t *testing.T) {
	db := storetest.Open(t, schema.Indexes()...)
	ppl, err := people.NewService(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	consent := people.Consent{Given: true, By: "admin", Purpose: "Suivi des démarches"}
	awa := must(ppl.Register(people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true, Consent: consent})).Person
	jean := must(ppl.Register(people.Person{FirstName: "Jean", LastName: "Martin", NoPhone: true, Consent: consent})).Person

	put := func(kind, id string, v any) {
		b, _ := json.Marshal(v)
		if _, err := db.Put(kind, id, b, store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	put(appointments.Kind, "a1", appointments.Appointment{Person: awa.ID, Centre: "c1", Mediator: "m1", Procedure: "cheque-energie", Start: start, Minutes: 30, Status: appointments.Booked})
	put(appointments.Kind, "a2", appointments.Appointment{Person: jean.ID, Centre: "c1", Mediator: "m1", Procedure: "cheque-energie", Start: start, Minutes: 30, Status: appointments.Booked})
	put(appointments.WalkInKind, "w1", appointments.WalkIn{Person: awa.ID, Centre: "c1", Arrived: start})
	put(radar.FollowUpKind, "f1", radar.FollowUp{Person: awa.ID, Procedure: "mdph-demande", Status: "en_cours", Note: "dossier commencé"})
	put(radar.CaseKind, "k1", radar.Case{Person: awa.ID, Status: "open"})
	put(guides.ProgressKind, "g1", guides.Progress{Person: awa.ID, Guide: "cheque-energie", Current: 2})

	d, err := access.Collect(db, actor.System(""), awa.ID, start)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range access.Parts {
		if len(d.Records[p.Kind]) != 1 {
			t.Errorf("%s: %d records, want 1", p.Kind, len(d.Records[p.Kind]))
		}
	}
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) || !bytes.Contains(b, []byte("Diallo")) || bytes.Contains(b, []byte(jean.ID)) {
		t.Errorf("JSON misses Awa's file or holds Jean's records:\n%s", b)
	}
	var pdf bytes.Buffer
	if err := report.DossierPDF(&pdf, "Données de Awa Diallo", "Établi le 24 novembre 2026", d.Sections()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command("pdftotext", "-", "-")
		cmd.Stdin = &pdf
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Awa Diallo", "Rendez-vous (1)", "Démarches suivies (1)", "dossier commencé", "Guides suivis (1)"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, out)
			}
		}
	}
	if _, err := access.Collect(db, actor.System(""), "nobody", start); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Collect(unknown) = %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
