package radar_test

import (
	"testing"
	"time"

	"relais/appointments"
	"relais/radar"
	"relais/store"
)

// A case closes itself when the person comes back, at any centre.
func TestCaseClosesWhenThePersonComesBack(t *testing.T) {
	f := newFixture(t)
	p := f.person("Fatoumata", true)
	f.appointment(p, day(0), appointments.Absent)
	f.now = day(8)
	c, err := f.r.LogActionFor(p, radar.Action{Kind: radar.Call, By: "julien", Centre: f.centre}, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	if c.OpenedBy != "" || len(c.Rules) != 1 || c.Rules[0] != radar.NoShow || len(c.Actions) != 1 || c.Status != radar.CaseOpen {
		t.Errorf("case opened from the entry = %+v", c)
	}
	e, ok := f.r.EntryOf(p)
	if !ok || e.Case == nil || e.Case.ID != c.ID {
		t.Fatalf("entry after acting = %+v, %v", e, ok)
	}
	// Booking is not coming back: the case stays, the rule stops.
	f.now = day(9)
	id := f.appointment(p, day(12), appointments.Booked, f.other)
	if got, open, _ := f.r.CaseOf(p); !open || got.ID != c.ID {
		t.Fatalf("case after a booking: %+v, open %v", got, open)
	}
	e, ok = f.r.EntryOf(p)
	if !ok || len(e.Rules) != 0 || e.Case == nil {
		t.Errorf("entry with an open case and no rule = %+v, %v; want listed by its case", e, ok)
	}
	// Coming to it closes the case.
	f.now = day(12)
	f.setStatus(id, appointments.Arrived)
	got, open, err := f.r.CaseOf(p)
	if err != nil || open {
		t.Fatalf("CaseOf after the person came = %+v, %v, %v", got, open, err)
	}
	cases, _ := f.r.CasesOf(p)
	if len(cases) != 1 || cases[0].Reason != radar.CameBack || !cases[0].Closed.Equal(day(12).UTC()) || cases[0].ClosedBy != "" {
		t.Errorf("closed case = %+v", cases)
	}
	if _, ok := f.r.EntryOf(p); ok {
		t.Errorf("still on the radar after coming back: %s", f.entry(p))
	}
	// Acting again opens a new case.
	f.now = day(13)
	c2, err := f.r.OpenCase(p, "julien", f.centre, store.ScopeLocal)
	if err != nil || c2.ID == c.ID || c2.OpenedBy != "julien" {
		t.Fatalf("OpenCase after a closed one = %+v, %v", c2, err)
	}
	// A visit before the case was opened does not close it.
	f.walkIn(p, day(12).Add(time.Hour))
	if _, open, _ := f.r.CaseOf(p); !open {
		t.Error("a walk-in before the case closed it")
	}
	f.now = day(14)
	f.walkIn(p, day(14))
	if _, open, _ := f.r.CaseOf(p); open {
		t.Error("a walk-in after the case did not close it")
	}
}

// A visit recorded by a partner centre is theirs to close the case for:
// closing it here too would leave a conflict to settle.
func TestCaseIsClosedByTheCentreThatSawThePerson(t *testing.T) {
	f := newFixture(t)
	p := f.person("Conceição", true)
	c, err := f.r.OpenCase(p, "sophie.l", f.centre, store.ScopeNetwork)
	if err != nil {
		t.Fatal(err)
	}
	f.now = day(2)
	a := appointments.Appointment{Person: p, Centre: f.other, Mediator: f.mediator2, Procedure: "css-demande",
		Start: day(2).UTC(), Minutes: 30, Mode: appointments.OnSite, Status: appointments.Seen, Booked: day(1).UTC()}
	body := mustJSON(t, a)
	partner := store.Record{Meta: store.Meta{Kind: appointments.Kind, ID: store.NewID(), Version: store.Vector{{ID: 77, Value: 1}},
		Modified: day(2), ModifiedBy: 77, Scope: store.ScopeNetwork}, Body: body}
	if _, err := f.db.ApplyRemote([]store.Record{partner}); err != nil {
		t.Fatal(err)
	}
	f.refresh(p)
	if got, open, _ := f.r.CaseOf(p); !open || got.ID != c.ID {
		t.Errorf("the partner's visit closed the case here: %+v", got)
	}
	// A week later, the partner has not closed it (no radar there?): we do.
	f.now = day(9).Add(time.Minute)
	f.refresh(p)
	cases, _ := f.r.CasesOf(p)
	if len(cases) != 1 || cases[0].IsOpen() || cases[0].Reason != radar.CameBack || !cases[0].Closed.Equal(day(2).UTC()) {
		t.Errorf("a week after the partner's visit, cases = %+v", cases)
	}
	// A visit recorded here closes a case at once.
	c, err = f.r.OpenCase(p, "sophie.l", f.centre, store.ScopeNetwork)
	if err != nil {
		t.Fatal(err)
	}
	f.appointment(p, day(9).Add(time.Hour), appointments.Seen)
	if _, open, _ := f.r.CaseOf(p); open {
		t.Error("the visit recorded here did not close the case")
	}
}

func TestCaseActions(t *testing.T) {
	f := newFixture(t)
	p := f.person("Nadia", true)
	c, err := f.r.OpenCase(p, "karima.b", f.centre, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := f.r.OpenCase(p, "julien", f.other, store.ScopeLocal); err != nil || again.ID != c.ID {
		t.Errorf("OpenCase on an open case = %+v, %v; want the same case", again, err)
	}
	f.now = day(3)
	// Actions logged late land in date order.
	if _, err := f.r.LogAction(c.ID, radar.Action{Kind: radar.Call, By: "karima.b", At: day(2)}); err != nil {
		t.Fatal(err)
	}
	c, err = f.r.LogAction(c.ID, radar.Action{Kind: radar.SMS, By: "karima.b", At: day(1), Next: day(5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Actions) != 2 || c.Actions[0].Kind != radar.SMS || c.Actions[1].Kind != radar.Call {
		t.Errorf("actions = %+v, want by date", c.Actions)
	}
	if c, err = f.r.Assign(c.ID, "julien"); err != nil || c.AssignedTo != "julien" {
		t.Fatalf("Assign = %+v, %v", c, err)
	}
	if e, _ := f.r.EntryOf(p); len(e.Mediators) != 1 || e.Mediators[0] != "julien" {
		t.Errorf("entry mediators = %q, want the assignee", e.Mediators)
	}
	if got := f.r.Entries(radar.Filter{Mediator: "julien"}); len(got) != 1 {
		t.Errorf("Entries for the assignee = %d, want 1", len(got))
	}
	c, err = f.r.Close(c.ID, radar.Moved, "julien")
	if err != nil || c.Status != radar.CaseClosed || c.Reason != radar.Moved || c.ClosedBy != "julien" || !c.Closed.Equal(day(3).UTC()) {
		t.Fatalf("Close = %+v, %v", c, err)
	}
	if _, ok := f.r.EntryOf(p); ok {
		t.Error("a closed case without a rule still lists the person")
	}
	mustNot(t, f.db, radar.ErrCaseClosed, func() error {
		_, err := f.r.LogAction(c.ID, radar.Action{Kind: radar.Call, By: "julien"})
		return err
	})
	mustNot(t, f.db, radar.ErrCaseClosed, func() error { _, err := f.r.Close(c.ID, radar.Refused, "julien"); return err })
}

func TestCaseRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	p := f.person("Ousmane", true)
	f.now = day(5)
	c, err := f.r.OpenCase(p, "moussa", f.centre, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		a    radar.Action
		want error
	}{
		"an action in the future":   {radar.Action{Kind: radar.Call, By: "moussa", At: day(5).Add(time.Minute)}, radar.ErrActionInFuture},
		"an unknown kind":           {radar.Action{Kind: "pigeon", By: "moussa"}, radar.ErrBadActionKind},
		"no kind":                   {radar.Action{By: "moussa"}, radar.ErrBadActionKind},
		"nobody did it":             {radar.Action{Kind: radar.Call}, radar.ErrByMissing},
		"next contact before it":    {radar.Action{Kind: radar.Call, By: "moussa", At: day(4), Next: day(3)}, radar.ErrNextBeforeIt},
		"an outcome far too long":   {radar.Action{Kind: radar.Call, By: "moussa", Outcome: string(make([]byte, radar.MaxOutcomeLength+1))}, radar.ErrNoteTooLong},
		"a login of 200 characters": {radar.Action{Kind: radar.Call, By: string(make([]rune, 200))}, radar.ErrNameTooLong},
	} {
		t.Run(name, func(t *testing.T) {
			mustNot(t, f.db, tc.want, func() error { _, err := f.r.LogAction(c.ID, tc.a); return err })
			mustNot(t, f.db, tc.want, func() error { _, err := f.r.LogActionFor(p, tc.a, store.ScopeLocal); return err })
		})
	}
	mustNot(t, f.db, radar.ErrReasonMissing, func() error { _, err := f.r.Close(c.ID, "", "moussa"); return err })
	mustNot(t, f.db, radar.ErrBadReason, func() error { _, err := f.r.Close(c.ID, "parti", "moussa"); return err })
	mustNot(t, f.db, radar.ErrByMissing, func() error { _, err := f.r.Close(c.ID, radar.Refused, " "); return err })
	mustNot(t, f.db, radar.ErrUnknownCase, func() error { _, err := f.r.Close("no-such-case", radar.Refused, "moussa"); return err })
	mustNot(t, f.db, radar.ErrUnknownCase, func() error { _, err := f.r.Assign("../etc", "moussa"); return err })
	mustNot(t, f.db, radar.ErrByMissing, func() error { _, err := f.r.OpenCase(p, "", f.centre, store.ScopeLocal); return err })
	mustNot(t, f.db, radar.ErrUnknownPerson, func() error {
		_, err := f.r.OpenCase("nobody", "moussa", f.centre, store.ScopeLocal)
		return err
	})
	if got, _, _ := f.r.CaseOf(p); len(got.Actions) != 0 || got.Status != radar.CaseOpen {
		t.Errorf("the case changed: %+v", got)
	}
}
