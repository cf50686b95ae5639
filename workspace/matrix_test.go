package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"relais/access"
	"relais/actor"
	"relais/appointments"
	"relais/audit"
	"relais/conflicts"
	"relais/demo"
	"relais/export"
	"relais/importcsv"
	"relais/people"
	"relais/radar"
	"relais/rgpd"
	"relais/schema"
	"relais/staff"
	"relais/stats"
	"relais/store"
	"relais/sync/peer"
	"relais/workshops"
	"relais/workspace"
)

// tiny is a demo network small enough to build in a second or two.
var tiny = demo.Size{Name: "matrix", Centres: 1, Mediators: 2, People: 40,
	Past: 14 * 24 * time.Hour, Future: 14 * 24 * time.Hour}

// events notes what the services log, on its way to the audit log.
type events struct {
	got  []actor.Event
	next actor.Recorder
}

func (e *events) Record(tx *store.Tx, by *actor.Actor, ev actor.Event) error {
	if err := e.next.Record(tx, by, ev); err != nil {
		return err
	}
	e.got = append(e.got, ev)
	return nil
}

// fixture is what one role's operations act on: fresh records written by
// Relais itself before the role signs in.
type fixture struct {
	person, other, third string // people registered at the centre
	erasable             string // one more, to erase
	partner              string // the id of a centre to add as a partner
	future               string // an appointment booked in the future
	past                 string // a booked appointment whose time has come
	noted                string // an appointment seen, with a note
	conflict             string // a conflict record to settle
	slot                 appointments.Slot
	procedure            string
	hours                appointments.Week
}

// an operation run by a role: its error; reads that hide rather than refuse
// return actor.ErrNotAllowed themselves when they hid.
type operation struct {
	op     actor.Operation
	writes bool // an allowed run writes (and logs) something
	run    func(w *workspace.Workspace, f fixture) error
}

func operations() []operation {
	return []operation{
		{actor.ReadPeople, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.People.Open(f.person)
			return err
		}},
		{actor.RegisterPeople, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.People.RegisterAnyway(people.Person{FirstName: "Inès", LastName: "Matrice", NoPhone: true})
			return err
		}},
		{actor.MergePeople, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.People.Merge(f.other, f.third)
			return err
		}},
		{actor.ExportPerson, true, func(w *workspace.Workspace, f fixture) error {
			_, err := access.Collect(w.Session.DB, w.Actor, f.person, time.Now())
			return err
		}},
		{actor.Book, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Scheduler.Book(appointments.Booking{Person: f.person, Centre: w.Session.CentreID,
				Mediator: f.slot.Mediator, Procedure: f.procedure, Start: f.slot.Start, End: f.slot.End})
			return err
		}},
		{actor.CheckIn, true, func(w *workspace.Workspace, f fixture) error {
			return w.Scheduler.CheckIn(f.future)
		}},
		{actor.RecordOutcome, true, func(w *workspace.Workspace, f fixture) error {
			err := w.Scheduler.RecordOutcome(f.past, appointments.Outcome{Autonomy: appointments.DoneWith, Note: "Compte créé avec elle"})
			if err != nil {
				return err
			}
			_, err = workshops.Add(w.Session.DB, w.Actor, workshops.Workshop{Centre: w.Session.CentreID, Mediator: f.slot.Mediator,
				Title: "Créer son adresse e-mail", Start: time.Now().Add(-2 * time.Hour), Minutes: 90, Participants: 6})
			return err
		}},
		{actor.ReadNotes, false, func(w *workspace.Workspace, f fixture) error {
			e, err := w.Scheduler.Get(f.noted)
			if err != nil {
				return err
			}
			fus, err := w.Radar.FollowUpsOf(f.person)
			if err != nil {
				return err
			}
			hidden := e.Outcome.Note == ""
			if len(fus) == 0 || (fus[0].Note == "") != hidden {
				return fmt.Errorf("the appointment's note and the follow-up's are not hidden alike: %+v %+v", e.Outcome, fus)
			}
			if _, err := w.Radar.CasesOf(f.person); hidden != errors.Is(err, actor.ErrNotAllowed) {
				return fmt.Errorf("notes hidden = %v, but the radar case log: %v", hidden, err)
			}
			if hidden {
				return actor.ErrNotAllowed
			}
			return nil
		}},
		{actor.WriteFollowUps, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Radar.OpenFollowUp(radar.FollowUp{Person: f.other, Procedure: f.procedure}, store.ScopeNetwork)
			return err
		}},
		{actor.ReadRadar, false, func(w *workspace.Workspace, f fixture) error {
			if w.Radar.Weekly(4) == nil {
				if w.Radar.Entries(radar.Filter{}) != nil {
					return errors.New("the list is read, but the weekly counts are refused")
				}
				return actor.ErrNotAllowed
			}
			return nil
		}},
		{actor.ActOnRadar, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Radar.LogActionFor(f.person, radar.Action{Kind: radar.Call, By: w.Actor.Login, Centre: w.Session.CentreID}, store.ScopeNetwork)
			return err
		}},
		{actor.SetRadarRules, true, func(w *workspace.Workspace, f fixture) error {
			return w.Radar.SetRules(w.Radar.Rules())
		}},
		{actor.EditGuides, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Guides.Duplicate(w.Guides.List()[0].ID, "copie-"+string(w.Actor.Role), "Copie", w.Actor.Login)
			return err
		}},
		{actor.WalkThrough, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Guides.Start(f.person, w.Guides.List()[0].ID, store.ScopeNetwork)
			return err
		}},
		{actor.SettleConflicts, true, func(w *workspace.Workspace, f fixture) error {
			if _, err := conflicts.List(w.Session.DB, w.Actor); err != nil {
				return err
			}
			return conflicts.KeepCurrent(w.Session.DB, w.Actor, f.conflict)
		}},
		{actor.ErasePeople, true, func(w *workspace.Workspace, f fixture) error {
			_, err := rgpd.Erase(w.Actor, w.Session.DB, f.erasable)
			return err
		}},
		{actor.ManageRetention, true, func(w *workspace.Workspace, f fixture) error {
			_, err := rgpd.SetRetention(w.Actor, w.Session.DB, w.Session.CentreID, rgpd.Retention{PersonMonths: 36, DetailsMonths: 12}, time.Now())
			return err
		}},
		{actor.ImportPeople, true, func(w *workspace.Workspace, f fixture) error {
			preview, err := importcsv.Read(strings.NewReader("Prénom;Nom;Téléphone\nAmina;Importée;\n"), time.Now(), nil)
			if err != nil {
				return err
			}
			_, err = importcsv.Commit(context.Background(), w.Session.DB, w.Actor, preview, time.Now(), nil)
			return err
		}},
		{actor.ReadReports, false, func(w *workspace.Workspace, f fixture) error {
			month := stats.Month(time.Now())
			if _, err := stats.Compute(context.Background(), w.Session.DB, month, stats.Options{Who: w.Actor}); err != nil {
				return err
			}
			_, err := export.Appointments(context.Background(), io.Discard, w.Session.DB, export.Scope{Period: month, Who: w.Actor}, nil)
			return err
		}},
		{actor.ReadAudit, false, func(w *workspace.Workspace, f fixture) error {
			j, err := w.Audit.Journal(w.Actor)
			if err != nil {
				return err
			}
			entries, err := j.List(audit.Filter{}, 10)
			if err == nil && len(entries) == 0 {
				return errors.New("the journal is empty")
			}
			return err
		}},
		{actor.ManagePartners, true, func(w *workspace.Workspace, f fixture) error {
			if _, err := w.Network.AddPartner(f.partner, "", "Centre Victor Hugo"); err != nil {
				return err
			}
			return w.Network.RemovePartner(f.partner)
		}},
		{actor.ManageAccounts, true, func(w *workspace.Workspace, f fixture) error {
			_, err := w.Session.AddAccount("Léa Nouvel", "lea-"+string(w.Actor.Role), staff.Mediator, "un mot de passe")
			return err
		}},
		{actor.EditCentre, true, func(w *workspace.Workspace, f fixture) error {
			return w.Scheduler.SetOpeningHours(w.Session.CentreID, f.hours)
		}},
	}
}

// TestRoleMatrix runs every operation as every role and checks that the
// domain services allow exactly what the role matrix says: a refused
// operation says so (actor.ErrNotAllowed) and writes nothing; an allowed
// one succeeds and, when it writes, notes it in the audit log.
func TestRoleMatrix(t *testing.T) {
	dir := t.TempDir()
	created, _, err := demo.Create(dir, schema.Options(store.TestOptions()), tiny, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	logins := map[actor.Role]string{actor.Reception: demo.ReceptionLogin, actor.Mediator: created.MediatorLogins[0],
		actor.Coordinator: demo.CoordinatorLogin, actor.Admin: demo.Login}
	desk, err := staff.OpenDesk(dir, schema.Options(store.TestOptions()))
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()

	tested := map[actor.Operation]bool{}
	for _, role := range actor.Roles() {
		s, err := desk.SignIn(logins[role], demo.Password)
		w, err := workspace.Open(s, err, workspace.Options{Offline: true})
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if w.Actor.Role != role {
			t.Fatalf("signed in as %s, want %s", w.Actor.Role, role)
		}
		f := prepare(t, w)
		log := &events{next: w.Audit}
		w.Actor.Recording(log)
		for _, o := range operations() {
			tested[o.op] = true
			before, logged := w.Session.DB.LastSequence(), len(log.got)
			err := o.run(w, f)
			switch may := w.Actor.Can(o.op); {
			case may && err != nil:
				t.Errorf("%s may %s, but: %v", role, o.op, err)
			case !may && !errors.Is(err, actor.ErrNotAllowed):
				t.Errorf("%s may not %s, but got %v", role, o.op, err)
			case !may && w.Session.DB.LastSequence() != before:
				t.Errorf("%s may not %s, yet something was written", role, o.op)
			case !may && len(log.got) != logged:
				t.Errorf("%s may not %s, yet the audit log got %+v", role, o.op, log.got[logged:])
			case may && o.writes && len(log.got) == logged:
				t.Errorf("%s did %s, and the audit log got nothing", role, o.op)
			}
		}
		if rep, err := audit.Check(w.Session.DB); err != nil || !rep.OK() {
			t.Errorf("the audit log after %s's operations: %+v, %v", role, rep, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range actor.Operations() {
		if !tested[op] {
			t.Errorf("no operation of the matrix test does %s", op)
		}
	}
}

// prepare writes, as Relais itself, what one role's operations act on.
func prepare(t *testing.T, w *workspace.Workspace) fixture {
	t.Helper()
	db, centre := w.Session.DB, w.Session.CentreID
	sys := actor.System(centre)
	ppl, err := people.NewService(db, sys)
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	for i, id := range []*string{&f.person, &f.other, &f.third, &f.erasable} {
		r, err := ppl.RegisterAnyway(people.Person{FirstName: "Awa", LastName: fmt.Sprintf("Fixture %d", i), NoPhone: true, Consent: people.Consent{Given: true, By: "admin", Purpose: "Suivi par les centres partenaires", Date: time.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		*id = r.Person.ID
	}
	now := time.Now()
	sched := appointments.NewScheduler(db, sys, nil)
	f.procedure = appointments.Catalogue()[0].Code
	slots, err := sched.NextFreeSlots(f.procedure, centre, now.Add(48*time.Hour), 20)
	if err != nil || len(slots) == 0 {
		t.Fatalf("free slots: %v, %v", slots, err)
	}
	for _, s := range slots[1:] { // one that stays free once slots[0] is booked
		if s.Mediator != slots[0].Mediator || !s.Start.Before(slots[0].End) {
			f.slot = s
			break
		}
	}
	if f.future, err = sched.Book(appointments.Booking{Person: f.person, Centre: centre, Mediator: slots[0].Mediator,
		Procedure: f.procedure, Start: slots[0].Start, End: slots[0].End, Scope: store.ScopeNetwork}); err != nil {
		t.Fatal(err)
	}
	// Appointments whose time has come cannot be booked: written as a
	// past booking would have been.
	past := appointments.Appointment{Person: f.person, Centre: centre, Mediator: slots[0].Mediator, Procedure: f.procedure,
		Start: now.Add(-time.Hour).Truncate(time.Minute).UTC(), Minutes: 30, Status: appointments.Booked}
	f.past, f.noted = store.NewID(), store.NewID()
	noted := past
	noted.Status, noted.Outcome = appointments.Seen, &appointments.Outcome{Autonomy: appointments.DoneFor, Note: "Dossier CAF déposé"}
	err = db.Update(func(tx *store.Tx) error {
		if _, err := store.PutIn(tx, appointments.Kind, f.past, past, store.ScopeNetwork); err != nil {
			return err
		}
		if _, err := store.PutIn(tx, appointments.Kind, f.noted, noted, store.ScopeNetwork); err != nil {
			return err
		}
		f.conflict = store.NewID()[:32]
		_, err := store.PutIn(tx, store.ConflictKind, f.conflict, store.Conflict{Name: people.Kind + "/" + f.person,
			Body: []byte(`{"first_name":"Awa"}`), Version: store.Vector{{ID: 9, Value: 1}}, At: now}, store.ScopeNetwork)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := radar.New(db, sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.OpenFollowUp(radar.FollowUp{Person: f.person, Procedure: f.procedure, Note: "Attend son avis d'imposition"}, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	if f.hours, err = sched.OpeningHours(centre); err != nil {
		t.Fatal(err)
	}
	id, err := peer.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	f.partner = id.DeviceID()
	return f
}
