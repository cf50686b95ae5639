package app_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/app"
	"relais/appointments"
	"relais/demo"
	"relais/people"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

// demoDesk is a small demo network with a few appointments of our own
// around now, so the tests do not depend on the day they run (the demo
// centres close at weekends).
type demoDesk struct {
	desk      *staff.Desk
	created   demo.Created
	centre    string
	mediator  string // id of the first mediator login's staff record
	other     string // id of another mediator of the centre
	phoneless string // a person without a phone
	phoned    string // a person with a phone
	// Appointments written by the fixture.
	past1, past2, future, otherToday string
	tomorrowNoPhone, tomorrowPhone   string
	tomorrowCancelled                string
}

func newDemoDesk(t *testing.T) *demoDesk {
	t.Helper()
	dir := t.TempDir()
	size := demo.Small
	size.People = 200
	size.Past, size.Future = 8*24*time.Hour, 30*24*time.Hour
	created, ok, err := demo.Create(dir, schema.Options(store.TestOptions()), size, 7, nil)
	if err != nil || !ok || len(created.MediatorLogins) < 2 {
		t.Fatalf("demo.Create = %+v, %v, %v; want a new network with two mediator logins", created, ok, err)
	}
	d := &demoDesk{desk: openDesk(t, dir), created: created}
	s, err := d.desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	defer s.Close()
	d.centre = s.CentreID
	d.mediator = staffID(t, s, created.MediatorLogins[0])
	d.other = staffID(t, s, created.MediatorLogins[1])

	now := time.Now()
	err = s.DB.Update(func(tx *store.Tx) error {
		p, err := people.PutIn(tx, people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true}, now)
		if err != nil {
			return err
		}
		d.phoneless = p.ID
		if p, err = people.PutIn(tx, people.Person{FirstName: "Hélène", LastName: "Dupont", Phone: "06 12 34 56 78"}, now); err != nil {
			return err
		}
		d.phoned = p.ID
		put := func(person, mediator string, start time.Time, status appointments.Status) string {
			id := store.NewID()
			a := appointments.Appointment{Person: person, Centre: d.centre, Mediator: mediator, Procedure: "impots-declaration-revenus",
				Start: start.Truncate(time.Minute).UTC(), Minutes: 30, Mode: appointments.OnSite, Status: status, Booked: now.UTC()}
			if _, e := store.PutIn(tx, appointments.Kind, id, a, store.ScopeLocal); e != nil && err == nil {
				err = e
			}
			return id
		}
		d.past1 = put(d.phoned, d.mediator, earlierToday(now, 40), appointments.Booked)
		d.past2 = put(d.phoneless, d.mediator, earlierToday(now, 30), appointments.Booked)
		d.otherToday = put(d.phoned, d.other, earlierToday(now, 20), appointments.Booked)
		d.future = put(d.phoned, d.mediator, now.Add(2*time.Hour), appointments.Booked)
		tomorrow := noonOf(now).AddDate(0, 0, 1).Add(-2 * time.Hour) // 10:00
		d.tomorrowNoPhone = put(d.phoneless, d.mediator, tomorrow, appointments.Booked)
		d.tomorrowPhone = put(d.phoned, d.mediator, tomorrow.Add(time.Hour), appointments.Booked)
		d.tomorrowCancelled = put(d.phoneless, d.other, tomorrow, appointments.Cancelled)
		return err
	})
	if err != nil {
		t.Fatalf("write the fixture: %v", err)
	}
	return d
}

// earlierToday is minutes before now, or today's first minute just after midnight.
func earlierToday(now time.Time, minutes int) time.Time {
	t := now.Add(-time.Duration(minutes) * time.Minute)
	if appointments.DayOf(t) != appointments.DayOf(now) {
		p := now.In(appointments.Paris)
		return time.Date(p.Year(), p.Month(), p.Day(), 0, 60-minutes, 0, 0, appointments.Paris)
	}
	return t
}

func noonOf(t time.Time) time.Time {
	p := t.In(appointments.Paris)
	return time.Date(p.Year(), p.Month(), p.Day(), 12, 0, 0, 0, appointments.Paris)
}

func staffID(t *testing.T, s *staff.Session, login string) string {
	t.Helper()
	id, _, err := staff.Accounts(s.DB).FindOne("login", login)
	if err != nil {
		t.Fatalf("staff record of %s: %v", login, err)
	}
	return id
}

// signInAs unlocks the desk as login with the demo password.
func signInAs(t *testing.T, u *app.UI, login string) {
	t.Helper()
	f := u.UnlockForm()
	f.Login.SetText(login)
	f.Password.SetText("")
	test.Type(f.Password, demo.Password)
	test.Tap(f.Unlock)
	u.WaitIdle(t)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("sign-in as %s: screen %q (problem %q), want home", login, u.Screen(), f.Problem.Text)
	}
}

// expectedCards is the text of each card of the day's agenda, as the day
// view should show it, column by column.
func expectedCards(t *testing.T, u *app.UI, ppl func(id string) string, a appointments.Agenda) (columns []string, cards [][]string) {
	t.Helper()
	for _, c := range a.Columns {
		columns = append(columns, c.Name)
		var texts []string
		for _, it := range c.Appointments {
			p, err := appointments.FindProcedure(it.Procedure)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, appointments.ClockOf(it.Start).String()+" · "+ppl(it.Person)+" · "+p.Title)
		}
		cards = append(cards, texts)
	}
	return columns, cards
}

func shownCards(v app.AgendaView) [][]string {
	var out [][]string
	for _, col := range v.Cards {
		var texts []string
		for _, c := range col {
			texts = append(texts, c.Text)
		}
		out = append(out, texts)
	}
	return out
}

func findCard(v app.AgendaView, id string) (app.AgendaCard, bool) {
	for _, col := range v.Cards {
		for _, c := range col {
			if c.ID == id {
				return c, true
			}
		}
	}
	return app.AgendaCard{}, false
}

// personNamer reads names as the screens should show them.
func personNamer(t *testing.T, u *app.UI) func(string) string {
	return func(id string) string {
		t.Helper()
		p, err := u.AgendaPeople().Get(id)
		if err != nil {
			return lang.X("agenda.unknown_person", "Unknown person")
		}
		return p.FullName()
	}
}

func TestAgendaDayColumnsAndCardsMatchTheScheduler(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)

	sched, names := u.AgendaScheduler(), personNamer(t, u)
	check := func(day time.Time) app.AgendaView {
		t.Helper()
		want, err := sched.DayAgenda(d.centre, day)
		if err != nil {
			t.Fatal(err)
		}
		v := u.AgendaView()
		if v.Day != appointments.DayOf(day) || v.Week {
			t.Fatalf("agenda shows %s (week %v), want the day %s", v.Day, v.Week, appointments.DayOf(day))
		}
		cols, cards := expectedCards(t, u, names, want)
		if !slices.Equal(v.Columns, cols) {
			t.Errorf("%s: columns %q, want the mediators %q", want.Day, v.Columns, cols)
		}
		if got := shownCards(v); !slices.EqualFunc(got, cards, slices.Equal) {
			t.Errorf("%s: cards\n%q\nwant\n%q", want.Day, got, cards)
		}
		if v.RenderTime > time.Second {
			t.Errorf("%s: building the day view took %v", want.Day, v.RenderTime)
		}
		t.Logf("%s: %d columns built in %v", want.Day, len(v.Columns), v.RenderTime)
		return v
	}
	v := check(time.Now())
	if want := capitalise(app.LongDate(time.Now())); v.Date.Text != want {
		t.Errorf("date bar = %q, want %q", v.Date.Text, want)
	}
	if _, ok := findCard(v, d.past1); !ok {
		t.Fatalf("today's appointment %s has no card", d.past1)
	}

	// The next days, up to a working day with the demo's appointments.
	for i := 1; i <= 7; i++ {
		test.Tap(v.Next)
		u.WaitIdle(t)
		v = check(time.Now().AddDate(0, 0, i))
		if len(v.Columns) > 1 && len(v.Cards[0]) > 3 {
			break
		}
	}
	test.Tap(v.Today)
	u.WaitIdle(t)
	check(time.Now())

	// The week: seven days, each line an appointment of the scheduler's week.
	test.Tap(v.WeekMode)
	u.WaitIdle(t)
	v = u.AgendaView()
	weekWant, err := sched.WeekAgenda(d.centre, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !v.Week || len(v.WeekDays) != 7 {
		t.Fatalf("week view: week %v with %d days, want 7", v.Week, len(v.WeekDays))
	}
	for i, a := range weekWant {
		var ids []string
		for _, c := range a.Columns {
			for _, it := range c.Appointments {
				ids = append(ids, it.ID)
			}
		}
		got := slices.Clone(v.WeekLines[i])
		slices.Sort(got)
		slices.Sort(ids)
		if !slices.Equal(got, ids) {
			t.Errorf("week day %s: %d lines, want the %d appointments of the scheduler", a.Day, len(got), len(ids))
		}
	}
}

func capitalise(s string) string {
	for i, r := range s {
		if i == 0 {
			return string([]rune{toUpper(r)}) + s[len(string(r)):]
		}
	}
	return s
}

func toUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

func TestAgendaCheckInAbsentRefusedCancel(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)

	card, ok := findCard(u.AgendaView(), d.past1)
	if !ok {
		t.Fatalf("no card for today's booked appointment")
	}
	if want := lang.X("agenda.status.booked", "Booked"); card.Status != want {
		t.Errorf("card status = %q, want %q", card.Status, want)
	}
	card.Tap()
	u.WaitIdle(t)
	dlg := u.AppointmentDialog()
	if !dlg.Open || dlg.ID != d.past1 {
		t.Fatalf("tapping the card opened %+v, want the dialog of %s", dlg, d.past1)
	}
	if want := "Hélène Dupont"; dlg.Person.Text != want {
		t.Errorf("person button = %q, want %q", dlg.Person.Text, want)
	}
	if dlg.CheckIn == nil || dlg.Absent == nil || dlg.Excused == nil || dlg.Cancel == nil || dlg.Outcome == nil {
		t.Fatalf("a booked appointment offers %+v, want all five actions", dlg)
	}
	test.Tap(dlg.CheckIn)
	u.WaitIdle(t)
	if u.AppointmentDialog().Open {
		t.Errorf("dialog still open after check-in (problem %q)", dlg.Problem.Text)
	}
	card, _ = findCard(u.AgendaView(), d.past1)
	if want := lang.X("agenda.status.arrived", "Arrived"); card.Status != want {
		t.Errorf("card after check-in = %q, want %q", card.Status, want)
	}
	if e, err := u.AgendaScheduler().Get(d.past1); err != nil || e.Status != appointments.Arrived || e.Arrived.IsZero() {
		t.Errorf("store after check-in: %v, %v (arrived %v), want arrived", e.Status, err, e.Arrived)
	}

	// An arrived appointment can only be seen or cancelled.
	u.OpenAppointment(d.past1)
	u.WaitIdle(t)
	dlg = u.AppointmentDialog()
	if dlg.CheckIn != nil || dlg.Absent != nil || dlg.Excused != nil || dlg.Outcome == nil || dlg.Cancel == nil {
		t.Errorf("arrived appointment offers check-in %v absent %v excused %v outcome %v cancel %v; want only outcome and cancel",
			dlg.CheckIn != nil, dlg.Absent != nil, dlg.Excused != nil, dlg.Outcome != nil, dlg.Cancel != nil)
	}

	// Absent before the appointment's time: the domain refuses, the dialog says why.
	u.OpenAppointment(d.future)
	u.WaitIdle(t)
	dlg = u.AppointmentDialog()
	test.Tap(dlg.Absent)
	u.WaitIdle(t)
	if want := app.Message(appointments.ErrTooEarly); dlg.Problem.Text != want || !dlg.Problem.Visible() || !u.AppointmentDialog().Open {
		t.Errorf("absent too early: problem %q (visible %v, open %v), want %q", dlg.Problem.Text, dlg.Problem.Visible(), u.AppointmentDialog().Open, want)
	}
	if want := app.Message(appointments.ErrTooEarly); want == app.GenericProblem() {
		t.Errorf("too early shows the generic message")
	}
	if e, _ := u.AgendaScheduler().Get(d.future); e.Status != appointments.Booked {
		t.Errorf("store after a refused absent: %v, want booked", e.Status)
	}

	// Cancel, with a reason.
	test.Tap(dlg.Cancel)
	test.Type(dlg.Reason, "Médiateur malade")
	test.Tap(dlg.ConfirmReason)
	u.WaitIdle(t)
	if e, _ := u.AgendaScheduler().Get(d.future); e.Status != appointments.Cancelled || e.Reason != "Médiateur malade" {
		t.Errorf("store after cancel: %v %q, want cancelled with the reason", e.Status, e.Reason)
	}
}

func TestOutcomeFormRecordsTheAutonomyLevel(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)

	u.OpenAppointment(d.past2)
	u.WaitIdle(t)
	test.Tap(u.AppointmentDialog().Outcome)
	f := u.OutcomeForm()
	if !f.Open {
		t.Fatal("« Compte rendu » opened no form")
	}
	for _, c := range []struct {
		button *widget.Button
		want   string
	}{
		{f.DoneFor, lang.X("agenda.autonomy.done_for", "")},
		{f.DoneWith, lang.X("agenda.autonomy.done_with", "")},
		{f.DoneAlone, lang.X("agenda.autonomy.done_alone", "")},
	} {
		if c.button.Text != c.want || c.want == "" {
			t.Errorf("choice %q, want %q", c.button.Text, c.want)
		}
	}

	test.Tap(f.Save) // no level chosen: the domain refuses
	u.WaitIdle(t)
	if want := app.Message(appointments.ErrBadAutonomy); f.Problem.Text != want || !u.OutcomeForm().Open {
		t.Errorf("outcome without a level: problem %q (open %v), want %q", f.Problem.Text, u.OutcomeForm().Open, want)
	}

	test.Tap(f.DoneWith)
	test.Type(f.Note, "Déclaration envoyée")
	test.Type(f.NextStep, "Revenir avec l'avis")
	test.Tap(f.Save)
	u.WaitIdle(t)
	if u.OutcomeForm().Open {
		t.Errorf("form still open after saving (problem %q)", f.Problem.Text)
	}
	e, err := u.AgendaScheduler().Get(d.past2)
	if err != nil || e.Status != appointments.Seen || e.Outcome == nil {
		t.Fatalf("store after the outcome: %+v, %v; want seen with an outcome", e, err)
	}
	if e.Outcome.Autonomy != appointments.DoneWith || e.Outcome.Note != "Déclaration envoyée" || e.Outcome.NextStep != "Revenir avec l'avis" {
		t.Errorf("outcome recorded = %+v, want done with, the note and the next step", *e.Outcome)
	}
	card, _ := findCard(u.AgendaView(), d.past2)
	if want := lang.X("agenda.status.seen", "Seen"); card.Status != want {
		t.Errorf("card after the outcome = %q, want %q", card.Status, want)
	}

	// Before the start: refused, and the form says why.
	u.OpenAppointment(d.future)
	u.WaitIdle(t)
	test.Tap(u.AppointmentDialog().Outcome)
	f = u.OutcomeForm()
	test.Tap(f.DoneAlone)
	test.Tap(f.BookNext)
	u.WaitIdle(t)
	if want := app.Message(appointments.ErrTooEarly); f.Problem.Text != want {
		t.Errorf("outcome before the start: problem %q, want %q", f.Problem.Text, want)
	}
	if got := u.HomeView().Section; got != app.SectionAgenda {
		t.Errorf("a refused outcome went on to %q, want to stay on the agenda", got)
	}

	// « Réserver la suite » records, then opens the booking (People section).
	u.OpenAppointment(d.otherToday)
	u.WaitIdle(t)
	test.Tap(u.AppointmentDialog().Outcome)
	f = u.OutcomeForm()
	test.Tap(f.DoneFor)
	test.Tap(f.BookNext)
	u.WaitIdle(t)
	if e, _ := u.AgendaScheduler().Get(d.otherToday); e.Status != appointments.Seen || e.Outcome == nil || e.Outcome.Autonomy != appointments.DoneFor {
		t.Errorf("store after « Réserver la suite »: %v %+v, want seen, done for", e.Status, e.Outcome)
	}
	if got := u.HomeView().Section; got != "people" {
		t.Errorf("section after « Réserver la suite » = %q, want the booking in %q", got, "people")
	}
}

// TestAgendaBusyDayDrawsQuickly loads and draws a day of 96 appointments
// with 8 mediators, a busy centre of the large set: reading, building the
// cards and painting the whole window with the software painter, which is
// slower than the real one. The figure is logged; the bound only catches a
// gross regression (the race detector slows everything tenfold).
func TestAgendaBusyDayDrawsQuickly(t *testing.T) {
	if testing.Short() {
		t.Skip("measures")
	}
	d := newDemoDesk(t)
	s, err := d.desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = s.DB.Update(func(tx *store.Tx) error {
		for m := range 8 {
			for i := range 12 {
				a := appointments.Appointment{Person: d.phoned, Centre: d.centre, Mediator: "mediator-" + strconv.Itoa(m),
					Procedure: "caf-demande-rsa", Start: noonOf(now).Add(time.Duration(i*30-180) * time.Minute).UTC(), Minutes: 30,
					Mode: appointments.OnSite, Status: appointments.Booked, Booked: now.UTC()}
				if _, err := store.PutIn(tx, appointments.Kind, store.NewID(), a, store.ScopeLocal); err != nil {
					return err
				}
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	u.Window().Resize(fyne.NewSize(1100, 720))
	u.OpenSection(app.SectionAgenda)
	u.WaitIdle(t)
	v := u.AgendaView()
	var times []time.Duration
	for range 10 {
		start := time.Now()
		test.Tap(v.Today)
		u.WaitIdle(t)
		u.Window().Canvas().Capture()
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	if n := 0; len(u.AgendaView().Cards) > 0 {
		for _, c := range u.AgendaView().Cards {
			n += len(c)
		}
		t.Logf("%d cards in %d columns: median %v, worst %v (load, build, paint)", n, len(u.AgendaView().Cards), times[len(times)/2], times[len(times)-1])
	}
	if times[len(times)/2] > 2*time.Second {
		t.Errorf("a busy day takes %v to show", times[len(times)/2])
	}
}
