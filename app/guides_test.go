package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/appointments"
	"relais/staff"
	"relais/store"
)

func openGuides(t *testing.T, u *app.UI) app.GuidesView {
	t.Helper()
	u.OpenSection(app.SectionGuides)
	u.WaitIdle(t)
	v := u.GuidesView()
	if !v.Open {
		t.Fatal("the Guides section does not open")
	}
	return v
}

// The library lists the bundled guides; the search forgives accents and
// finds words of the steps as they are typed.
func TestGuidesListAndSearch(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	v := openGuides(t, u)
	if len(v.Titles) < 12 {
		t.Fatalf("the library lists %d guides, want the 12 bundled at least: %v", len(v.Titles), v.Titles)
	}
	test.Type(v.Search, "declaration revenu")
	v = u.GuidesView()
	if len(v.Titles) == 0 || !strings.Contains(strings.ToLower(v.Titles[0]), "revenus") {
		t.Errorf("« declaration revenu » finds %v", v.Titles)
	}
	v.Search.SetText("zzzz")
	if v = u.GuidesView(); len(v.Titles) != 0 || !strings.Contains(v.Count, "zzzz") {
		t.Errorf("a search without result shows %v, %q", v.Titles, v.Count)
	}
	v.Search.SetText("")
	if v = u.GuidesView(); len(v.Titles) < 12 {
		t.Errorf("emptying the search lists %d guides", len(v.Titles))
	}
}

// The viewer shows one step at a time with Previous and Next, and the
// presentation window follows it in large text.
func TestGuideViewerAndPresentation(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	v := openGuides(t, u)
	i := slices.IndexFunc(v.Titles, func(s string) bool { return strings.Contains(s, "FranceConnect") })
	if i < 0 {
		t.Fatalf("no FranceConnect guide in %v", v.Titles)
	}
	test.Tap(v.Buttons[i])
	u.WaitIdle(t)
	gv := u.GuidesView().Viewer
	if gv == nil {
		t.Fatal("tapping a guide does not open it")
	}
	if !strings.HasPrefix(gv.Counter, "Étape 1 sur ") || !gv.Prev.Disabled() || gv.Next.Disabled() || gv.StepTitle == "" {
		t.Errorf("first step: counter %q, prev disabled %v, next disabled %v, title %q", gv.Counter, gv.Prev.Disabled(), gv.Next.Disabled(), gv.StepTitle)
	}
	if len(gv.Autonomy) != 0 {
		t.Error("without a person, the viewer offers to mark steps")
	}
	first := gv.StepTitle
	test.Tap(gv.Next)
	gv = u.GuidesView().Viewer
	if !strings.HasPrefix(gv.Counter, "Étape 2 sur ") || gv.StepTitle == first || gv.Prev.Disabled() {
		t.Errorf("after Next: %q %q", gv.Counter, gv.StepTitle)
	}
	test.Tap(gv.Present)
	gv = u.GuidesView().Viewer
	p := gv.Presented
	if p == nil {
		t.Fatal("« Montrer à la personne » opens no window")
	}
	if p.Title != gv.StepTitle || p.Counter != gv.Counter || p.TextSize < p.Normal*1.5 {
		t.Errorf("presentation shows %q %q at size %v (normal %v), viewer %q", p.Counter, p.Title, p.TextSize, p.Normal, gv.StepTitle)
	}
	test.Tap(gv.Prev)
	if p = u.GuidesView().Viewer.Presented; p.Title != first {
		t.Errorf("the presentation did not follow the viewer back: %q", p.Title)
	}
	// Every step has something to show.
	for gv = u.GuidesView().Viewer; ; gv = u.GuidesView().Viewer {
		if len(gv.Texts) == 0 {
			t.Errorf("%s is empty", gv.Counter)
		}
		if gv.Next.Disabled() {
			break
		}
		test.Tap(gv.Next)
	}
	p.Window.Close()
	if u.GuidesView().Viewer.Presented != nil {
		t.Error("closing the presentation window is not noticed")
	}
}

// From an appointment, the procedure's guide opens with the person; steps
// marked are kept, and the person's file resumes where they stopped.
func TestGuideWalkthroughFromAnAppointment(t *testing.T) {
	u := newUI(t, fresh(t), deskWithMediator(t))
	u.UnlockForm().Login.SetText(login)
	signIn(t, u, password)
	ppl, sched, db, centre := u.Services()
	person := register(t, ppl)
	var every appointments.Week
	for d := range 7 {
		every[d] = []appointments.Range{{Start: 8 * 60, End: 20 * 60}}
	}
	must(t, sched.SetOpeningHours(centre, every))
	mediator := mediatorID(t, db)
	must(t, sched.SetAvailability(mediator, centre, every))
	slots, err := sched.NextFreeSlots("caf-declaration-trimestrielle", centre, time.Now().Add(time.Hour), 1)
	if err != nil || len(slots) == 0 {
		t.Fatalf("NextFreeSlots = %v, %v", slots, err)
	}
	s := slots[0]
	id, err := sched.Book(appointments.Booking{Person: person.ID, Centre: centre, Mediator: s.Mediator, Procedure: "caf-declaration-trimestrielle",
		Start: s.Start, End: s.End, Mode: appointments.OnSite, Scope: store.ScopeLocal})
	must(t, err)

	u.OpenAppointment(id)
	u.WaitIdle(t)
	open := u.AppointmentGuideButton()
	if open == nil {
		t.Fatal("the appointment of a procedure with a guide has no « Ouvrir le guide »")
	}
	test.Tap(open)
	u.WaitIdle(t)
	gv := u.GuidesView().Viewer
	if gv == nil || !strings.Contains(gv.Guide, "trimestrielle") || len(gv.Autonomy) != 3 {
		t.Fatalf("viewer from the appointment = %+v", gv)
	}
	if gv.Done != lang.L("Not done yet") {
		t.Errorf("a new walkthrough says %q", gv.Done)
	}
	test.Tap(gv.Autonomy[1]) // fait avec
	u.WaitIdle(t)
	gv = u.GuidesView().Viewer
	if !strings.HasPrefix(gv.Counter, "Étape 2 sur ") || gv.Problem != "" {
		t.Fatalf("after marking step 1: %q, problem %q", gv.Counter, gv.Problem)
	}
	test.Tap(gv.Prev)
	if gv = u.GuidesView().Viewer; !strings.Contains(gv.Done, "Fait avec") {
		t.Errorf("step 1 says %q, want done with", gv.Done)
	}

	u.OpenPerson(person.ID)
	u.WaitIdle(t)
	rows, resume := u.FileGuides()
	if len(rows) != 1 || !strings.Contains(rows[0], "Étape 2 sur") || len(resume) != 1 {
		t.Fatalf("the file's guides = %q", rows)
	}
	test.Tap(resume[0])
	u.WaitIdle(t)
	if gv = u.GuidesView().Viewer; gv == nil || !strings.HasPrefix(gv.Counter, "Étape 2 sur ") {
		t.Fatalf("Resume opens %+v, want step 2", gv)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mediatorID(t *testing.T, db *store.DB) string {
	t.Helper()
	id, _, err := staff.Accounts(db).FindOne("login", mediatorLogin)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
