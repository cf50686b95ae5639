package app_test

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/appointments"
	"relais/demo"
	"relais/people"
	"relais/radar"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

const (
	coordinatorName     = "Nadia Benali"
	coordinatorLogin    = "nadia"
	coordinatorPassword = "la lune est pleine"
	otherCentreName     = "Centre Jean Jaurès"
)

// radarDesk is a centre with a coordinator and a mediator, a partner
// centre, and a short history: Awa (no phone, no e-mail) missed an
// appointment ten days ago, Hélène's procedure at the partner centre has
// had no news for a month, Karim came and is fine.
type radarDesk struct {
	desk                *staff.Desk
	centre, other       string
	mediator            string // the mediator's staff id
	awa, helene, karim  string
	missed              time.Time // Awa's appointment
	heleneNews          time.Time
	awaProc, heleneProc string
}

func newRadarDesk(t *testing.T) *radarDesk {
	t.Helper()
	d := &radarDesk{desk: deskWithMediator(t), awaProc: "caf-demande-rsa", heleneProc: "impots-declaration-revenus"}
	s, err := d.desk.SignIn(login, password)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddAccount(coordinatorName, coordinatorLogin, staff.Coordinator, coordinatorPassword); err != nil {
		t.Fatal(err)
	}
	d.centre, d.other = s.CentreID, store.NewID()
	if _, err := appointments.Centres(s.DB).Put(d.other, appointments.Centre{Name: otherCentreName}, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	d.mediator = staffID(t, s, mediatorLogin)
	now := time.Now()
	d.missed = now.AddDate(0, 0, -10).Truncate(time.Minute)
	d.heleneNews = now.AddDate(0, 0, -30)
	var booked string
	err = s.DB.Update(func(tx *store.Tx) error {
		register := func(p people.Person) string {
			p, err := people.PutIn(tx, p, now)
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		d.awa = register(people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true})
		d.helene = register(people.Person{FirstName: "Hélène", LastName: "Dupont", Phone: "06 12 34 56 78"})
		d.karim = register(people.Person{FirstName: "Karim", LastName: "Haddad", Phone: "06 98 76 54 32"})
		put := func(kind, id string, v any) {
			if _, err := store.PutIn(tx, kind, id, v, store.ScopeLocal); err != nil {
				t.Fatal(err)
			}
		}
		appt := func(person, centre, proc string, start time.Time, status appointments.Status) string {
			id := store.NewID()
			put(appointments.Kind, id, appointments.Appointment{Person: person, Centre: centre, Mediator: d.mediator, Procedure: proc,
				Start: start.UTC(), Minutes: 30, Mode: appointments.OnSite, Status: status, Booked: start.AddDate(0, 0, -7).UTC()})
			return id
		}
		booked = appt(d.awa, d.centre, d.awaProc, d.missed, appointments.Booked)
		appt(d.karim, d.centre, d.awaProc, d.missed, appointments.Seen)
		put(radar.FollowUpKind, store.NewID(), radar.FollowUp{Person: d.helene, Procedure: d.heleneProc, Centre: d.other,
			Status: radar.InProgress, Opened: d.heleneNews.AddDate(0, 0, -10).UTC(), Updated: d.heleneNews.UTC(), By: "someone"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Awa did not come: the mediator marks it, as the agenda does.
	if err := appointments.NewScheduler(s.DB, actor.System(""), nil).MarkAbsent(booked); err != nil {
		t.Fatalf("MarkAbsent: %v", err)
	}
	return d
}

// signInWith unlocks the desk as login.
func signInWith(t *testing.T, u *app.UI, login, pw string) {
	t.Helper()
	u.UnlockForm().Login.SetText(login)
	signIn(t, u, pw)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("sign-in as %s: screen %q (problem %q)", login, u.Screen(), u.UnlockForm().Problem.Text)
	}
}

func openRadar(t *testing.T, u *app.UI) app.RadarView {
	t.Helper()
	u.OpenSection(app.SectionRadar)
	u.WaitIdle(t)
	return u.RadarView()
}

func rowOf(t *testing.T, v app.RadarView, person string) (int, app.RadarRow) {
	t.Helper()
	i := slices.IndexFunc(v.Rows, func(r app.RadarRow) bool { return r.Person == person })
	if i < 0 {
		t.Fatalf("%s is not in the radar's list %+v", person, v.Rows)
	}
	return i, v.Rows[i]
}

func persons(v app.RadarView) []string {
	var out []string
	for _, r := range v.Rows {
		out = append(out, r.Name)
	}
	return out
}

// A coordinator sees who dropped off across the centres, each with the
// rule in words, and the filters narrow the list.
func TestRadarCoordinatorSeesTheNetworkAndFilters(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, coordinatorLogin, coordinatorPassword)
	v := openRadar(t, u)
	if !v.Open {
		t.Fatalf("a coordinator does not see the network's radar (restricted: %q)", v.Restricted)
	}
	if got := persons(v); len(got) != 2 || !slices.Contains(got, "Awa Diallo") || !slices.Contains(got, "Hélène Dupont") {
		t.Fatalf("radar lists %v, want Awa Diallo and Hélène Dupont", got)
	}
	now := time.Now()
	_, awa := rowOf(t, v, d.awa)
	if want := "Absent·e sans nouveau rendez-vous depuis le " + app.RadarDay(d.missed, now); awa.Rules != want {
		t.Errorf("Awa's reason = %q, want %q", awa.Rules, want)
	}
	if !strings.Contains(awa.Side, centreName) || !strings.Contains(awa.Side, lang.L("Nobody acted yet")) {
		t.Errorf("Awa's centres and case = %q", awa.Side)
	}
	_, helene := rowOf(t, v, d.helene)
	proc, _ := appointments.FindProcedure(d.heleneProc)
	if want := "Démarche sans activité depuis 30 jours (" + proc.Title + ")"; helene.Rules != want {
		t.Errorf("Hélène's reason = %q, want %q", helene.Rules, want)
	}
	if !strings.Contains(helene.Side, otherCentreName) {
		t.Errorf("Hélène's centres = %q, want the partner centre", helene.Side)
	}
	if want := "2 personnes sur le radar"; v.Count != want {
		t.Errorf("count = %q, want %q", v.Count, want)
	}

	awaProc, _ := appointments.FindProcedure(d.awaProc)
	for _, tc := range []struct {
		name   string
		choose func(v app.RadarView)
		want   []string
	}{
		{"reason", func(v app.RadarView) { v.Rule.SetSelected(lang.L("Absent, nothing booked since")) }, []string{"Awa Diallo"}},
		{"centre", func(v app.RadarView) { v.Centre.SetSelected(otherCentreName) }, []string{"Hélène Dupont"}},
		{"procedure", func(v app.RadarView) { v.Procedure.SetSelected(awaProc.Title) }, []string{"Awa Diallo"}},
		{"mediator", func(v app.RadarView) { v.Mediator.SetSelected(mediatorName) }, []string{"Awa Diallo"}},
		{"age", func(v app.RadarView) { v.Age.SetSelected(lang.L("For more than a week")) }, []string{"Hélène Dupont"}},
		{"two filters", func(v app.RadarView) {
			v.Rule.SetSelected(lang.L("Absent, nothing booked since"))
			v.Centre.SetSelected(otherCentreName)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := u.RadarView()
			v.Centre.SetSelectedIndex(0)
			v.Rule.SetSelectedIndex(0)
			v.Procedure.SetSelectedIndex(0)
			v.Mediator.SetSelectedIndex(0)
			v.Age.SetSelectedIndex(0)
			u.WaitIdle(t)
			if got := len(u.RadarView().Rows); got != 2 {
				t.Fatalf("without filters: %d rows, want 2", got)
			}
			tc.choose(u.RadarView())
			u.WaitIdle(t)
			v = u.RadarView()
			if got := persons(v); !slices.Equal(got, tc.want) {
				t.Errorf("filtered by %s: %v, want %v", tc.name, got, tc.want)
			}
			if want := lang.L("{{.N}} of the {{.Total}} people on the radar", map[string]any{"N": len(tc.want), "Total": 2}); v.Count != want {
				t.Errorf("count = %q, want %q", v.Count, want)
			}
		})
	}
}

// Logging an action opens the case and shows in the timeline; closing
// needs a reason; the case can be given to a colleague.
func TestRadarCasePanelLogsAssignsAndCloses(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, coordinatorLogin, coordinatorPassword)
	v := openRadar(t, u)
	i, _ := rowOf(t, v, d.awa)
	v.List.Select(i)
	u.WaitIdle(t)
	c := u.RadarCase()
	if !c.Open || c.Person != d.awa || c.Name != "Awa Diallo" {
		t.Fatalf("case panel = %+v, want Awa's", c)
	}
	if want := lang.L("Neither phone nor e-mail: letter or visit"); c.Reach != want {
		t.Errorf("reach = %q, want %q", c.Reach, want)
	}
	if want := lang.L("No follow-up open: saving an action opens one."); c.Status != want {
		t.Errorf("status = %q, want %q", c.Status, want)
	}
	if len(c.Timeline) != 1 || !strings.Contains(c.Timeline[0], centreName) || !strings.Contains(c.Timeline[0], "Absent") {
		t.Errorf("timeline = %q, want the missed appointment", c.Timeline)
	}
	if !c.Close.Disabled() {
		t.Error("« Clore le suivi » is enabled with no case open")
	}

	// No kind of action: the domain's message.
	test.Tap(c.Log)
	u.WaitIdle(t)
	if c = u.RadarCase(); c.Problem != app.Message(radar.ErrBadActionKind) {
		t.Errorf("action without a kind: problem %q, want %q", c.Problem, app.Message(radar.ErrBadActionKind))
	}

	c.Kind.SetSelected(lang.L("Letter"))
	test.Type(c.Outcome, "Courrier déposé à l'adresse connue")
	test.Tap(c.Log)
	u.WaitIdle(t)
	c = u.RadarCase()
	if c.Problem != "" || c.Saved != lang.L("The action is saved.") {
		t.Fatalf("after logging: problem %q, saved %q", c.Problem, c.Saved)
	}
	k, open, err := u.RadarService().CaseOf(d.awa)
	if err != nil || !open || len(k.Actions) != 1 || k.Actions[0].Kind != radar.Letter || k.Actions[0].By != coordinatorLogin {
		t.Fatalf("case after logging = %+v, open %v, %v", k, open, err)
	}
	if !strings.Contains(c.Status, "par les règles du radar") {
		t.Errorf("status = %q, want a case opened by the rules", c.Status)
	}
	if len(c.Timeline) != 3 || !strings.Contains(c.Timeline[0], "Courrier par "+coordinatorName) ||
		!strings.Contains(c.Timeline[0], "Courrier déposé à l'adresse connue") {
		t.Errorf("timeline after logging = %q, want the letter first", c.Timeline)
	}
	if c.Outcome.Text != "" || c.Kind.Selected != "" {
		t.Error("the form is not emptied after saving")
	}
	if w := u.RadarView().Weeks; len(w) != 12 || w[11].Entered != 1 {
		t.Errorf("weekly counts = %+v, want one case opened this week", w)
	}

	c.AssignTo.SetSelected(mediatorName)
	test.Tap(c.Assign)
	u.WaitIdle(t)
	if k, _, _ = u.RadarService().CaseOf(d.awa); k.AssignedTo != mediatorLogin {
		t.Errorf("case given to %q, want %q", k.AssignedTo, mediatorLogin)
	}
	if _, row := rowOf(t, u.RadarView(), d.awa); !strings.Contains(row.Side, mediatorName) {
		t.Errorf("Awa's row = %q, want the colleague's name", row.Side)
	}

	// Closing without a reason is refused, and the case stays open.
	c = u.RadarCase()
	test.Tap(c.Close)
	u.WaitIdle(t)
	if c = u.RadarCase(); c.Problem != app.Message(radar.ErrReasonMissing) {
		t.Errorf("closing without a reason: problem %q, want %q", c.Problem, app.Message(radar.ErrReasonMissing))
	}
	if _, open, _ = u.RadarService().CaseOf(d.awa); !open {
		t.Fatal("the case closed without a reason")
	}
	c.Reason.SetSelected(lang.L("Moved away"))
	test.Tap(c.Close)
	u.WaitIdle(t)
	c = u.RadarCase()
	if c.Problem != "" || c.Saved != lang.L("The follow-up is closed.") {
		t.Errorf("closing: problem %q, saved %q", c.Problem, c.Saved)
	}
	if _, open, _ = u.RadarService().CaseOf(d.awa); open {
		t.Error("the case is still open")
	}
	if !strings.Contains(c.Timeline[0], "Suivi clos") || !strings.Contains(c.Timeline[0], lang.L("Moved away")) {
		t.Errorf("timeline after closing = %q", c.Timeline)
	}
}

// The rules are the domain's to check: 0 attempts is refused and nothing
// changes; a good change applies to the list at once.
func TestRadarRulesEditing(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, login, password) // an administrator
	v := openRadar(t, u)
	if v.Attempts.Text != "3" || v.NoShow.Text != "7" || !v.Unreachable.Checked {
		t.Errorf("rules shown: attempts %q, no-show %q, unreachable %v; want the defaults", v.Attempts.Text, v.NoShow.Text, v.Unreachable.Checked)
	}
	v.Attempts.SetText("0")
	test.Tap(v.SaveRules)
	u.WaitIdle(t)
	want := app.Message(radar.ErrAttempts.With("value", 0, "min", 1, "max", radar.MaxAttempts))
	if got := u.RadarView().RulesProblem; got != want {
		t.Errorf("0 attempts: problem %q, want %q", got, want)
	}
	if got := u.RadarService().Rules(); got != radar.DefaultRules() {
		t.Errorf("rules after a refusal = %+v, want the defaults", got)
	}
	v.Attempts.SetText("trois")
	test.Tap(v.SaveRules)
	u.WaitIdle(t)
	if got := u.RadarView().RulesProblem; !strings.Contains(got, "trois") {
		t.Errorf("a word for a number: problem %q", got)
	}

	v.Attempts.SetText("4")
	v.NoShow.SetText("14") // Awa missed hers ten days ago: off the radar
	test.Tap(v.SaveRules)
	u.WaitIdle(t)
	v = u.RadarView()
	if v.RulesProblem != "" || v.RulesSaved == "" {
		t.Fatalf("saving good rules: problem %q, saved %q", v.RulesProblem, v.RulesSaved)
	}
	if got := u.RadarService().Rules(); got.Attempts != 4 || got.NoShowDays != 14 {
		t.Errorf("rules saved = %+v", got)
	}
	if got := persons(v); !slices.Equal(got, []string{"Hélène Dupont"}) {
		t.Errorf("list under the new rules = %v, want Hélène alone", got)
	}
}

// A mediator sees no network list, but the banner on the file of a person
// on the radar, which opens the case.
func TestRadarMediatorSeesTheBannerOnly(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, mediatorLogin, mediatorPassword)
	v := openRadar(t, u)
	if v.Open || len(v.Rows) != 0 {
		t.Fatal("a mediator sees the network's list")
	}
	if want := lang.L("The radar of the network is for coordinators and administrators: they follow up with the people who dropped off, across the centres."); v.Restricted != want {
		t.Errorf("explanation = %q, want %q", v.Restricted, want)
	}

	u.OpenPerson(d.awa)
	u.WaitIdle(t)
	f := u.FileRadarView()
	if !f.Banner {
		t.Fatal("no banner on the file of a person on the radar")
	}
	now := time.Now()
	if want := "Sur le radar du réseau depuis le " + app.RadarDay(d.missed.AddDate(0, 0, 7), now); f.Title != want {
		t.Errorf("banner title = %q, want %q", f.Title, want)
	}
	if want := "Absent·e sans nouveau rendez-vous depuis le " + app.RadarDay(d.missed, now); !strings.Contains(f.Why, want) {
		t.Errorf("banner says %q, want %q", f.Why, want)
	}
	test.Tap(f.See)
	u.WaitIdle(t)
	if c := u.RadarCase(); !c.Open || c.Name != "Awa Diallo" || c.OpenFile.Visible() {
		t.Errorf("the banner's button shows %+v, want Awa's case without « open the file »", c)
	}

	u.OpenPerson(d.karim)
	u.WaitIdle(t)
	if f := u.FileRadarView(); !f.Open || f.Banner {
		t.Errorf("Karim's file: %+v, want no banner", f)
	}
}

// On the file, « Démarches en cours » lists the follow-ups; one is added
// and changed there, and its due date puts the person on the radar.
func TestFileFollowUps(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, mediatorLogin, mediatorPassword)
	u.OpenPerson(d.karim)
	u.WaitIdle(t)
	f := u.FileRadarView()
	if len(f.FollowUps) != 0 || f.Form {
		t.Fatalf("Karim's file: %+v, want no follow-up", f)
	}
	test.Tap(f.Add)
	f = u.FileRadarView()
	if !f.Form {
		t.Fatal("« Suivre une démarche » shows no form")
	}
	test.Tap(f.Save)
	u.WaitIdle(t)
	if got := u.FileRadarView().FormProblem; got != app.Message(radar.ErrProcedureMissing) {
		t.Errorf("no procedure: problem %q, want %q", got, app.Message(radar.ErrProcedureMissing))
	}
	proc := appointments.Catalogue()[2]
	f.Procedure.SetSelected(proc.Title)
	f.Status.SetSelected(lang.L("Waiting for documents"))
	due := time.Now().AddDate(0, 0, 3)
	f.Due.SetDate(&due)
	test.Type(f.Missing, "Avis d'imposition\nJustificatif de domicile")
	test.Tap(f.Save)
	u.WaitIdle(t)
	f = u.FileRadarView()
	if f.Form || f.FormProblem != "" || len(f.FollowUps) != 1 {
		t.Fatalf("after saving: form %v (%q), follow-ups %q", f.Form, f.FormProblem, f.FollowUps)
	}
	row := f.FollowUps[0]
	for _, want := range []string{proc.Title, lang.L("Waiting for documents"), "Avis d'imposition, Justificatif de domicile", mediatorName} {
		if !strings.Contains(row, want) {
			t.Errorf("follow-up row %q does not say %q", row, want)
		}
	}
	if !f.Banner || !strings.Contains(f.Why, "Échéance le "+app.RadarDay(due, time.Now())+" sans rendez-vous") {
		t.Errorf("a due date in 3 days with no appointment: banner %v %q", f.Banner, f.Why)
	}

	test.Tap(f.Change[0])
	f = u.FileRadarView()
	if !f.Form || !f.Procedure.Disabled() || f.Missing.Text != "Avis d'imposition\nJustificatif de domicile" {
		t.Fatalf("change form: %+v", f)
	}
	f.Status.SetSelected(lang.L("Done"))
	test.Tap(f.Save)
	u.WaitIdle(t)
	f = u.FileRadarView()
	if len(f.FollowUps) != 1 || !strings.Contains(f.FollowUps[0], lang.L("Done")) {
		t.Errorf("after the change: %q", f.FollowUps)
	}
	if f.Banner {
		t.Errorf("a finished procedure keeps the banner: %q", f.Why)
	}
	fus, err := u.RadarService().FollowUpsOf(d.karim)
	if err != nil || len(fus) != 1 || fus[0].Status != radar.Done || fus[0].By != mediatorLogin {
		t.Errorf("FollowUpsOf = %+v, %v", fus, err)
	}
}

// « Imprimer la liste » splits the people into those to call and those to
// write to or visit, and writes a PDF.
func TestRadarPrintedList(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, coordinatorLogin, coordinatorPassword)
	openRadar(t, u)
	l, err := u.RadarPrintData()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sections) != 2 {
		t.Fatalf("sections = %+v, want « À appeler » and « Courrier ou visite »", l.Sections)
	}
	call, visit := l.Sections[0], l.Sections[1]
	if call.Title != "À appeler" || len(call.Rows) != 1 || call.Rows[0].Name != "Hélène Dupont" || call.Rows[0].Contact != "06 12 34 56 78" {
		t.Errorf("to call: %+v", call)
	}
	if visit.Title != "Courrier ou visite" || len(visit.Rows) != 1 || visit.Rows[0].Name != "Awa Diallo" ||
		visit.Rows[0].Centre != centreName || !strings.Contains(visit.Rows[0].Reason, "Absent·e") {
		t.Errorf("letter or visit: %+v", visit)
	}

	var file *memFile
	u.InterceptRadarSaves(func(name string) (fyne.URIWriteCloser, error) {
		file = &memFile{uri: storage.NewFileURI("/tmp/" + name)}
		return file, nil
	})
	test.Tap(u.RadarView().Print)
	u.WaitIdle(t)
	if file == nil || !file.closed || !bytes.HasPrefix(file.Bytes(), []byte("%PDF")) {
		t.Fatal("no PDF written")
	}
	if got := u.RadarView().Printed; !strings.Contains(got, "/tmp/radar-") {
		t.Errorf("after printing: %q", got)
	}
	text := pdfToText(t, file.Bytes())
	for _, want := range []string{"À appeler", "Hélène Dupont", "Courrier ou visite", "Awa Diallo", centreName} {
		if text != "" && !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}

// The PDF keeps accents and survives names in other scripts.
func TestRadarListPDF(t *testing.T) {
	l := app.RadarPrintList{
		Title: "Personnes à recontacter", Subtitle: "Centre social · samedi 21 novembre 2026",
		Headers: app.RadarPrintHeaders{Name: "Nom", Contact: "Téléphone", Centre: "Dernier centre", Reason: "Motif"},
		Nobody:  "Personne.", Footer: "Relais",
		Sections: []app.RadarPrintSection{
			{Title: "À appeler", Contact: true, Rows: []app.RadarPrintRow{
				{Name: "Hélène Dupont", Contact: "06 12 34 56 78", Centre: "Centre Jean Jaurès", Reason: strings.Repeat("Échéance le 5 décembre sans rendez-vous · ", 4)},
				{Name: "Łukasz Wróbel", Contact: "07 00 00 00 00", Centre: "Centre", Reason: "Démarche sans activité depuis 21 jours"},
				{Name: "李小龍", Contact: "06 00 00 00 00", Centre: "Centre", Reason: "3 tentatives de contact sans réponse"},
			}},
			{Title: "Courrier ou visite", Rows: nil},
		},
	}
	for range 40 { // enough rows for a second page
		l.Sections[0].Rows = append(l.Sections[0].Rows, app.RadarPrintRow{Name: "Awa Diallo", Contact: "06", Centre: "C", Reason: "Absent·e"})
	}
	var buf bytes.Buffer
	if err := app.RadarListPDF(&buf, l); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	text := pdfToText(t, buf.Bytes())
	if text == "" {
		return
	}
	for _, want := range []string{"Personnes à recontacter", "À appeler", "Hélène Dupont", "Lukasz Wróbel", "Courrier ou visite (0)", "Personne.", "Absent·e", "Relais 1/"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}

// pdfToText extracts the text of a PDF with pdftotext, or returns "" when
// it is not installed.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext is not installed: the PDF's text is not checked")
		return ""
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(pdf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(tool, "-layout", f.Name(), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// BenchmarkRadarList opens the Radar section on a generated network (the
// demo's appointments and absences for 10,000 people, follow-ups and
// cases for 60 % of them) and draws it on the test canvas: the list must show in 100 ms.
func BenchmarkRadarList(b *testing.B) {
	dir := b.TempDir()
	size := demo.Small
	size.People, size.Future = 10_000, 14*24*time.Hour
	opts := schema.Options(store.TestOptions())
	if _, ok, err := demo.Create(dir, opts, size, 3, nil); err != nil || !ok {
		b.Fatalf("demo.Create: %v, %v", ok, err)
	}
	desk := openDesk(b, dir)
	s, err := desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		b.Fatal(err)
	}
	var ids, centres []string
	_ = s.DB.Scan(people.Kind, "", func(r store.Record) error { ids = append(ids, r.ID); return nil })
	_ = appointments.Centres(s.DB).All(func(id string, _ appointments.Centre) error { centres = append(centres, id); return nil })
	if _, err := radar.GenerateFollowUps(s.DB, radar.Sample{Seed: 3, Persons: ids, Centres: centres, Share: 0.6, Now: time.Now()}); err != nil {
		b.Fatal(err)
	}
	s.Close()

	u := newUI(b, fresh(b), desk)
	f := u.UnlockForm()
	f.Login.SetText(demo.Login)
	signIn(b, u, demo.Password)
	entries := len(u.RadarService().Entries(radar.Filter{}))
	u.Window().Resize(fyne.NewSize(1100, 720))
	for b.Loop() {
		u.OpenSection(app.SectionHome)
		u.OpenSection(app.SectionRadar)
		u.WaitIdle(b)
		u.Window().Canvas().Capture()
	}
	b.ReportMetric(float64(entries), "entries")
	if v := u.RadarView(); len(v.Rows) != entries || entries < 1000 {
		b.Errorf("the list shows %d rows of %d entries; want them all, and over a thousand", len(v.Rows), entries)
	}
}
