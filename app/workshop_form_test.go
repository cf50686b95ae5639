package app_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/staff"
	"relais/workshops"
)

// A mediator records a workshop from the agenda; the front desk has no
// such button; a wrong number of participants is said and nothing written.
func TestRecordAWorkshop(t *testing.T) {
	desk := deskWithMediator(t)
	u := newUI(t, fresh(t), desk)
	u.UnlockForm().Login.SetText(mediatorLogin)
	signIn(t, u, mediatorPassword)
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)
	b := u.WorkshopButton()
	if !b.Visible() {
		t.Fatal("a mediator has no « Atelier collectif… »")
	}
	test.Tap(b)
	f := u.WorkshopForm()
	if f.Mediator.Selected != mediatorName {
		t.Errorf("led by %q, want the mediator signed in", f.Mediator.Selected)
	}
	f.Title.SetText("Créer son adresse e-mail")
	f.Participants.SetText("0")
	test.Tap(f.Save)
	u.WaitIdle(t)
	if f.Problem.Text != app.Message(workshops.ErrBadParticipants.With("max", workshops.MaxParticipants)) {
		t.Errorf("0 participants: %q", f.Problem.Text)
	}
	f.Start.SetText("25:00")
	f.Participants.SetText("7")
	test.Tap(f.Save)
	u.WaitIdle(t)
	if f.Problem.Text == "" {
		t.Error("25:00 accepted")
	}
	count := func() int {
		n := 0
		_ = workshops.Between(u.Session().DB, "", time.Time{}, time.Now().AddDate(1, 0, 0), func(workshops.Entry) error { n++; return nil })
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("refused workshops wrote %d", n)
	}
	f.Start.SetText("14h00")
	test.Tap(f.Save)
	u.WaitIdle(t)
	if f.Problem.Text != "" {
		t.Fatal(f.Problem.Text)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d workshops recorded, want 1", n)
	}
}

func TestTheFrontDeskRecordsNoWorkshop(t *testing.T) {
	desk := setUpDesk(t)
	s, err := desk.SignIn(login, password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount("Nadia Benali", "nadia", staff.Reception, "le café du matin"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	u := newUI(t, fresh(t), desk)
	u.UnlockForm().Login.SetText("nadia")
	signIn(t, u, "le café du matin")
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)
	if u.WorkshopButton().Visible() {
		t.Error("the front desk sees « Atelier collectif… »")
	}
}
