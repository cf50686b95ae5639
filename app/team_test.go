package app_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/app"
	"relais/appointments"
	"relais/people"
	"relais/staff"
	"relais/store"
)

const (
	mediatorName     = "Jérôme Martin"
	mediatorLogin    = "jerome"
	mediatorPassword = "le vélo du lundi"
)

// openTeam opens « Équipe » from the Settings.
func openTeam(t *testing.T, u *app.UI) app.TeamView {
	t.Helper()
	u.OpenSection(app.SectionSettings)
	_, team := u.CentreButtons()
	if want := lang.L("Team"); team.Text != want {
		t.Errorf("Settings button = %q, want %q", team.Text, want)
	}
	test.Tap(team)
	u.WaitIdle(t)
	v := u.TeamView()
	if !v.Open {
		t.Fatal("« Équipe » does not open its page")
	}
	return v
}

func member(t *testing.T, v app.TeamView, login string) app.TeamMember {
	t.Helper()
	i := slices.IndexFunc(v.Members, func(m app.TeamMember) bool { return m.Login == login })
	if i < 0 {
		t.Fatalf("%s is not in the team list %v", login, v.Members)
	}
	return v.Members[i]
}

// deskWithMediator returns a set-up desk whose centre has a mediator too.
func deskWithMediator(t *testing.T) *staff.Desk {
	t.Helper()
	desk := setUpDesk(t)
	s, err := desk.SignIn(login, password)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddAccount(mediatorName, mediatorLogin, staff.Mediator, mediatorPassword); err != nil {
		t.Fatal(err)
	}
	return desk
}

func TestAdminAddsAColleagueThroughTheForm(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	v := openTeam(t, u)
	if len(v.Members) != 1 || v.Members[0].Name != adminName || v.Members[0].Role != staff.Admin {
		t.Fatalf("team of a new centre = %+v, want its administrator only", v.Members)
	}
	if v.Add == nil || !v.Add.Visible() {
		t.Fatal("an administrator sees no « Ajouter une personne à l'équipe »")
	}
	if want := lang.L("Add a person to the team"); v.Add.Text != want {
		t.Errorf("add button = %q, want %q", v.Add.Text, want)
	}
	if v.FormShown {
		t.Error("the form shows before the button is tapped")
	}
	test.Tap(v.Add)
	v = u.TeamView()
	if !v.FormShown {
		t.Fatal("the button does not show the form")
	}

	fill := func(name, login, role, pw, again string) {
		for _, e := range []*widget.Entry{v.Name, v.Login, v.Password, v.Again} {
			e.SetText("")
		}
		test.Type(v.Name, name)
		test.Type(v.Login, login)
		v.Role.SetSelected(role)
		test.Type(v.Password, pw)
		test.Type(v.Again, again)
		test.Tap(v.Save)
		u.WaitIdle(t)
	}
	mediator := lang.L("Mediator")
	for _, tc := range []struct {
		name                       string
		person, login, role, again string
		want                       error
	}{
		{"passwords differ", mediatorName, mediatorLogin, mediator, mediatorPassword + "!", staff.ErrPasswordMismatch},
		{"bad login", mediatorName, "Jérôme M", mediator, mediatorPassword, staff.ErrBadLogin},
		{"no role", mediatorName, mediatorLogin, "", mediatorPassword, staff.ErrUnknownRole},
		{"login taken", mediatorName, login, mediator, mediatorPassword, staff.ErrLoginTaken.With("login", login)},
	} {
		fill(tc.person, tc.login, tc.role, mediatorPassword, tc.again)
		if want := app.Message(tc.want); v.FormProblem.Text != want || !v.FormProblem.Visible() {
			t.Errorf("%s: problem %q (visible %v), want %q", tc.name, v.FormProblem.Text, v.FormProblem.Visible(), want)
		}
	}
	if got := len(u.TeamView().Members); got != 1 {
		t.Fatalf("team after refusals has %d people, want 1", got)
	}

	fill(mediatorName, mediatorLogin, mediator, mediatorPassword, mediatorPassword)
	v = u.TeamView()
	if v.FormProblem.Visible() {
		t.Fatalf("adding shows %q", v.FormProblem.Text)
	}
	if v.FormShown || !v.Added.Visible() || !strings.Contains(v.Added.Text, mediatorLogin) {
		t.Errorf("after adding: form shown %v, message %q", v.FormShown, v.Added.Text)
	}
	m := member(t, v, mediatorLogin)
	if m.Name != mediatorName || m.Role != staff.Mediator || m.Availability == nil || m.Absences == nil || !m.NoAvailability {
		t.Errorf("new mediator listed as %+v, want a mediator with « Disponibilités », « Absences » and no availability yet", m)
	}
	_, _, db, _ := u.Services()
	if id, acc, err := staff.Accounts(db).FindOne("login", mediatorLogin); err != nil || id != m.ID || acc.Role != staff.Mediator {
		t.Errorf("FindOne(%q) = %q, %+v, %v; want record %q, a mediator", mediatorLogin, id, acc, err, m.ID)
	}

	// The colleague signs in with their own password.
	test.Tap(u.HomeView().Lock)
	u.UnlockForm().Login.SetText(mediatorLogin)
	signIn(t, u, mediatorPassword)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("the new mediator cannot sign in: %q", u.UnlockForm().Problem.Text)
	}
}

func TestMediatorCannotAddAColleague(t *testing.T) {
	u := newUI(t, fresh(t), deskWithMediator(t))
	u.UnlockForm().Login.SetText(mediatorLogin)
	signIn(t, u, mediatorPassword)
	v := openTeam(t, u)
	if v.Add != nil && v.Add.Visible() {
		t.Error("a mediator sees « Ajouter une personne à l'équipe »")
	}
	if len(v.Members) != 2 {
		t.Errorf("a mediator sees %d people in the team, want 2", len(v.Members))
	}
	err := u.AddAccountAsSignedIn("Awa Diallo", "awa", staff.Reception, "un mot de passe")
	if !errors.Is(err, staff.ErrNotAllowed) {
		t.Errorf("AddAccount as a mediator = %v, want %v", err, staff.ErrNotAllowed)
	}
	_, _, db, _ := u.Services()
	if _, _, err := staff.Accounts(db).FindOne("login", "awa"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the account refused exists anyway: %v", err)
	}
}

// openAvailability opens the mediator's « Disponibilités » from the team.
func openAvailability(t *testing.T, u *app.UI, login string) app.AvailabilityView {
	t.Helper()
	m := member(t, openTeam(t, u), login)
	if want := lang.L("Availability"); m.Availability == nil || m.Availability.Text != want {
		t.Fatalf("%s has no « %s » button", login, want)
	}
	test.Tap(m.Availability)
	u.WaitIdle(t)
	v := u.AvailabilityView()
	if !v.Open {
		t.Fatal("« Disponibilités » does not open its page")
	}
	return v
}

func TestAvailabilitySaved(t *testing.T) {
	u := newUI(t, fresh(t), deskWithMediator(t))
	u.UnlockForm().Login.SetText(login)
	signIn(t, u, password)
	_, sched, db, centre := u.Services()
	if err := sched.SetOpeningHours(centre, officeWeek(t)); err != nil {
		t.Fatal(err)
	}
	id, _, err := staff.Accounts(db).FindOne("login", mediatorLogin)
	if err != nil {
		t.Fatal(err)
	}

	v := openAvailability(t, u, mediatorLogin)
	test.Tap(v.Same) // the centre's hours, then Friday afternoon off
	v.Week.Start[time.Friday][1].SetText("")
	v.Week.End[time.Friday][1].SetText("")
	test.Tap(v.Save)
	u.WaitIdle(t)
	if v.Problem.Visible() || !v.Saved.Visible() {
		t.Fatalf("saving: problem %q, saved %q (visible %v)", v.Problem.Text, v.Saved.Text, v.Saved.Visible())
	}
	if v.Outside.Visible() {
		t.Errorf("hours inside the centre's are flagged: %q", v.Outside.Text)
	}
	want := officeWeek(t)
	want[time.Friday] = want[time.Friday][:1]
	av, err := sched.Availabilities(centre)
	if err != nil {
		t.Fatal(err)
	}
	if len(av) != 1 || av[0].Mediator != id || !sameWeek(av[0].Week, want) {
		t.Fatalf("Availabilities = %+v, want %s with %v", av, id, want)
	}
	if m := member(t, openTeam(t, u), mediatorLogin); m.NoAvailability {
		t.Error("the team still says the mediator has no availability")
	}

	// Hours on a day the centre is closed are saved, with a warning.
	v = openAvailability(t, u, mediatorLogin)
	if s := v.Week.Start[time.Friday][0].Text; s != "09:00" {
		t.Errorf("Friday shown from %q, want 09:00", s)
	}
	typeRange(v.Week, time.Saturday, 0, "10:00", "12:00")
	test.Tap(v.Save)
	u.WaitIdle(t)
	if !v.Outside.Visible() || !strings.Contains(v.Outside.Text, app.WeekdayName(time.Saturday)) {
		t.Errorf("Saturday hours while the centre is closed: warning %q (visible %v)", v.Outside.Text, v.Outside.Visible())
	}

	// A refusal is shown and saves nothing.
	typeRange(v.Week, time.Monday, 0, "12:00", "10:00")
	test.Tap(v.Save)
	u.WaitIdle(t)
	if !v.Problem.Visible() || !strings.Contains(v.Problem.Text, app.Capitalised(app.WeekdayName(time.Monday))) {
		t.Errorf("end before start: problem %q (visible %v)", v.Problem.Text, v.Problem.Visible())
	}
	if av, _ := sched.Availabilities(centre); len(av) != 1 || len(av[0].Week[time.Monday]) != 2 || av[0].Week[time.Monday][0].Start != 9*60 {
		t.Errorf("Availabilities after a refusal = %+v, want Monday unchanged", av)
	}
}

func TestAbsenceShowsTheAppointmentsToMove(t *testing.T) {
	u := newUI(t, fresh(t), deskWithMediator(t))
	u.UnlockForm().Login.SetText(login)
	signIn(t, u, password)
	ppl, sched, db, centre := u.Services()
	var every appointments.Week
	for d := range 7 {
		every[d] = []appointments.Range{{Start: 8 * 60, End: 20 * 60}}
	}
	id, _, err := staff.Accounts(db).FindOne("login", mediatorLogin)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.SetOpeningHours(centre, every); err != nil {
		t.Fatal(err)
	}
	if err := sched.SetAvailability(id, centre, every); err != nil {
		t.Fatal(err)
	}
	person := register(t, ppl)
	slots, err := sched.NextFreeSlots("caf-demande-rsa", centre, time.Now().Add(24*time.Hour), 1)
	if err != nil || len(slots) == 0 {
		t.Fatalf("NextFreeSlots = %v, %v", slots, err)
	}
	s := slots[0]
	if _, err := sched.Book(appointments.Booking{Person: person.ID, Centre: centre, Mediator: s.Mediator, Procedure: "caf-demande-rsa",
		Start: s.Start, End: s.End, Mode: appointments.OnSite, Scope: store.ScopeLocal}); err != nil {
		t.Fatal(err)
	}

	m := member(t, openTeam(t, u), mediatorLogin)
	test.Tap(m.Absences)
	u.WaitIdle(t)
	v := u.AbsenceView()
	if !v.Open {
		t.Fatal("« Absences » does not open its page")
	}
	test.Tap(v.Add)
	u.WaitIdle(t)
	if want := lang.L("Choose the first day of the absence."); v.Problem.Text != want {
		t.Errorf("no day: problem %q, want %q", v.Problem.Text, want)
	}

	p := s.Start.In(appointments.Paris)
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.Local)
	v.From.SetDate(&day)
	test.Type(v.Reason, "Formation")
	test.Tap(v.Add)
	u.WaitIdle(t)
	v = u.AbsenceView()
	if v.Problem.Visible() {
		t.Fatalf("adding the absence shows %q", v.Problem.Text)
	}
	if len(v.Conflicts) != 1 || !strings.Contains(v.Conflicts[0], person.FullName()) || !strings.Contains(v.Conflicts[0], s.Start.In(appointments.Paris).Format("15:04")) {
		t.Errorf("appointments to move = %q, want the one of %s", v.Conflicts, person.FullName())
	}
	if !strings.Contains(v.Result.Text, lang.L("Appointments to move: {{.Count}}", map[string]any{"Count": 1})) {
		t.Errorf("result = %q, want it to count 1 appointment to move", v.Result.Text)
	}
	if len(v.Absences) != 1 || !strings.Contains(v.Absences[0], "Formation") {
		t.Errorf("absences listed = %q, want the one added", v.Absences)
	}
	// The slot is no longer proposed.
	after, err := sched.NextFreeSlots("caf-demande-rsa", centre, s.Start, 1)
	if err != nil || len(after) == 0 || appointments.DayOf(after[0].Start) == appointments.DayOf(s.Start) {
		t.Errorf("first slot after the absence = %v, %v; want one on another day", after, err)
	}
}

// register registers a person through the people service.
func register(t *testing.T, ppl *people.Service) people.Person {
	t.Helper()
	r, err := ppl.Register(people.Person{FirstName: "Awa", LastName: "Diallo", Phone: "06 12 34 56 78", Language: "fr"})
	if err != nil || r.Person.ID == "" {
		t.Fatalf("Register = %+v, %v", r, err)
	}
	return r.Person
}

// TestNewCentreBooksOnceHoursAndAMediatorAreSet is the first day of a
// centre: set up on an empty folder, the opening hours and one mediator
// with their availability, then the booking flow proposes slots and books.
func TestNewCentreBooksOnceHoursAndAMediatorAreSet(t *testing.T) {
	u := newUI(t, fresh(t), openDesk(t, t.TempDir()))
	f := u.SetUpForm()
	test.Type(f.Centre, centreName)
	test.Type(f.Name, adminName)
	test.Type(f.Login, login)
	test.Type(f.Password, password)
	test.Type(f.Again, password)
	test.Tap(f.Create)
	u.WaitIdle(t)
	r := u.RecoveryView()
	test.Tap(r.Noted)
	test.Tap(r.Continue)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("screen after set-up = %q, want %q", u.Screen(), app.ScreenHome)
	}
	ppl, sched, _, centre := u.Services()
	const procedure = "caf-demande-rsa"
	if slots, err := sched.NextFreeSlots(procedure, centre, time.Now(), 1); err != nil || len(slots) != 0 {
		t.Fatalf("a new centre: NextFreeSlots = %v, %v; want none yet", slots, err)
	}

	// Opening hours: every day, so the test does not depend on the weekday.
	h := openHours(t, u)
	for d := range 7 {
		typeRange(h.Week, time.Weekday(d), 0, "09:00", "12:00")
		typeRange(h.Week, time.Weekday(d), 1, "13:30", "17:30")
	}
	test.Tap(h.Save)
	u.WaitIdle(t)
	if h.Problem.Visible() {
		t.Fatalf("saving the hours: %q", h.Problem.Text)
	}

	// One mediator, with the centre's hours.
	tv := openTeam(t, u)
	test.Tap(tv.Add)
	test.Type(tv.Name, mediatorName)
	test.Type(tv.Login, mediatorLogin)
	tv.Role.SetSelected(lang.L("Mediator"))
	test.Type(tv.Password, mediatorPassword)
	test.Type(tv.Again, mediatorPassword)
	test.Tap(tv.Save)
	u.WaitIdle(t)
	if tv.FormProblem.Visible() {
		t.Fatalf("adding the mediator: %q", tv.FormProblem.Text)
	}
	av := openAvailability(t, u, mediatorLogin)
	test.Tap(av.Same)
	test.Tap(av.Save)
	u.WaitIdle(t)
	if av.Problem.Visible() || !av.Saved.Visible() {
		t.Fatalf("saving the availability: %q", av.Problem.Text)
	}

	person := register(t, ppl)
	want, err := sched.NextFreeSlots(procedure, centre, time.Now(), 8)
	if err != nil || len(want) == 0 {
		t.Fatalf("NextFreeSlots after setting the centre up = %v, %v; want slots", want, err)
	}

	// People → the person → Rendez-vous → the procedure → the first slot.
	u.OpenSection(app.SectionPeople)
	u.WaitIdle(t)
	u.OpenPerson(person.ID)
	u.WaitIdle(t)
	file := u.PersonFileView()
	if !file.Open {
		t.Fatal("the person's file does not open")
	}
	test.Tap(file.Book)
	u.WaitIdle(t)
	test.Tap(u.ProcedureButton(procedure))
	u.WaitIdle(t)
	b := u.BookingView()
	if len(b.Slots) != len(want) {
		t.Fatalf("%d slots proposed, want %d (problem %q)", len(b.Slots), len(want), b.Problem.Text)
	}
	test.Tap(b.Slots[0])
	u.WaitIdle(t)
	b = u.BookingView()
	if b.BookedID == "" {
		t.Fatalf("tapping a slot booked nothing (problem %q)", b.Problem.Text)
	}
	e, err := sched.Get(b.BookedID)
	if err != nil || e.Person != person.ID || !e.Start.Equal(want[0].Start) {
		t.Errorf("appointment booked = %+v, %v; want %s at %v", e, err, person.ID, want[0].Start)
	}
}

// An administrator disables a colleague's account from the team page: the
// list says so, the colleague can no longer sign in; enabling it again
// lets them in. The administrator has no such button for themselves.
func TestAdminDisablesAColleagueFromTheTeamPage(t *testing.T) {
	desk := deskWithMediator(t)
	u := newUI(t, fresh(t), desk)
	u.UnlockForm().Login.SetText(login)
	signIn(t, u, password)
	v := openTeam(t, u)
	if me := member(t, v, login); me.Toggle != nil {
		t.Error("an administrator may disable their own account")
	}
	m := member(t, v, mediatorLogin)
	if m.Toggle == nil || m.Toggle.Text != lang.L("Disable the account") {
		t.Fatalf("no « Désactiver le compte » for a colleague: %+v", m.Toggle)
	}
	test.Tap(m.Toggle)
	u.WaitIdle(t)
	m = member(t, u.TeamView(), mediatorLogin)
	if !m.Disabled || m.Toggle.Text != lang.L("Enable the account") {
		t.Fatalf("after disabling: disabled %v, button %q", m.Disabled, m.Toggle.Text)
	}
	test.Tap(u.HomeView().Lock)
	u.UnlockForm().Login.SetText(mediatorLogin)
	signIn(t, u, mediatorPassword)
	if f := u.UnlockForm(); u.Screen() != app.ScreenUnlock || f.Problem.Text != app.Message(staff.ErrAccountDisabled) {
		t.Errorf("the disabled colleague: screen %q, problem %q", u.Screen(), f.Problem.Text)
	}
}
