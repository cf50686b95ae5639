package app_test

import (
	"fmt"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/appointments"
	"relais/audit"
	"relais/people"
	"relais/schema"
	"relais/staff"
	"relais/store"
	"relais/store/storetest"
)

// journalOptions are the store options of the app with the audit log's
// indexes, whether or not schema declares them yet.
func journalOptions() store.Options {
	o := schema.Options(store.TestOptions())
	if !slices.ContainsFunc(o.Indexes, func(ix store.Index) bool { return ix.Kind == audit.Kind }) {
		o.Indexes = append(o.Indexes, audit.Indexes()...)
	}
	return o
}

// journalDesk is a centre with its administrator (Marie) and a mediator.
func journalDesk(t *testing.T) *staff.Desk {
	t.Helper()
	desk, err := staff.OpenDesk(t.TempDir(), journalOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	s, _, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddAccount(mediatorName, mediatorLogin, staff.Mediator, mediatorPassword); err != nil {
		t.Fatal(err)
	}
	return desk
}

// journalHistory is what the tests put in the log: Marie read Awa's
// file and booked her an appointment here; at a partner centre, Karim
// read the file of someone not shared with this centre.
type journalHistory struct {
	awa, stranger string
	partner       string // the partner centre's id
	db            *store.DB
}

func writeJournalHistory(t *testing.T, u *app.UI, extra int) journalHistory {
	t.Helper()
	_, _, db, centre := u.Services()
	h := journalHistory{stranger: store.NewID(), partner: store.NewID(), db: db}
	now := time.Now()
	if _, err := appointments.Centres(db).Put(h.partner, appointments.Centre{Name: otherCentreName}, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	marie := actor.New(login, adminName, actor.Admin, centre).Recording(audit.Open(db))
	err := db.Update(func(tx *store.Tx) error {
		p, err := people.PutIn(tx, people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true}, now)
		if err != nil {
			return err
		}
		h.awa = p.ID
		if err := marie.Log(tx, actor.PersonRead, h.awa, people.Kind+"/"+h.awa); err != nil {
			return err
		}
		return marie.Log(tx, actor.AppointmentBooked, h.awa, "appointment/"+store.NewID())
	})
	if err != nil {
		t.Fatal(err)
	}
	// The partner's computer writes its own chain, which comes by sync.
	partner := storetest.Open(t, audit.Indexes()...)
	karim := actor.New("karim", "Karim Haddad", actor.Mediator, h.partner).Recording(audit.Open(partner))
	actions := audit.Actions()
	for i := range 1 + extra {
		err := partner.Update(func(tx *store.Tx) error {
			if i == 0 {
				return karim.Log(tx, actor.PersonRead, h.stranger, "")
			}
			return karim.Log(tx, actions[i%len(actions)], fmt.Sprintf("person-%03d", i%40), "")
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	storetest.Exchange(t, partner, db)
	if err := u.AgendaPeople().Refresh(h.awa); err != nil { // as Follow does
		t.Fatal(err)
	}
	return h
}

func openJournal(t *testing.T, u *app.UI) app.JournalView {
	t.Helper()
	u.OpenSection(app.SectionJournal)
	u.WaitIdle(t)
	return u.JournalView()
}

func journalRowsOf(v app.JournalView, what string) []app.JournalRow {
	var out []app.JournalRow
	for _, r := range v.Rows {
		if r.What == what {
			out = append(out, r)
		}
	}
	return out
}

func TestJournalIsForCoordinationOnly(t *testing.T) {
	u := newUI(t, fresh(t), journalDesk(t))
	signInWith(t, u, mediatorLogin, mediatorPassword)
	v := openJournal(t, u)
	if v.Open {
		t.Fatal("a mediator browses the journal")
	}
	if want := lang.L("The journal of who read or changed each file is for coordination and administration."); v.Restricted != want {
		t.Errorf("mediator reads %q, want %q", v.Restricted, want)
	}
}

func TestJournalListsNewestFirstWithNamesAndCentres(t *testing.T) {
	u := newUI(t, fresh(t), journalDesk(t))
	signInWith(t, u, login, password)
	h := writeJournalHistory(t, u, 0)
	v := openJournal(t, u)
	if !v.Open {
		t.Fatalf("the administrator does not see the journal: %q", v.Restricted)
	}
	read, booked := lang.L("File opened"), lang.L("Appointment booked")
	var order []string
	for _, r := range v.Rows {
		order = append(order, r.What+"/"+r.Whose)
	}
	// Marie's two entries, newest first; Karim's came from the partner.
	iBooked := slices.Index(order, booked+"/Awa Diallo")
	iRead := slices.Index(order, read+"/Awa Diallo")
	iStranger := slices.Index(order, read+"/"+lang.L("erased or unshared person"))
	if iBooked < 0 || iRead < 0 || iStranger < 0 || iBooked > iRead {
		t.Fatalf("rows = %q: want Awa's booking, then her file read, and the partner's read of an unknown person", order)
	}
	who := v.Rows[iRead].Who
	if !strings.Contains(who, adminName) || !strings.Contains(who, lang.L("Administrator")) || !strings.Contains(who, centreName) {
		t.Errorf("who = %q, want Marie, her role and her centre", who)
	}
	if who := v.Rows[iStranger].Who; !strings.Contains(who, "Karim Haddad") || !strings.Contains(who, otherCentreName) {
		t.Errorf("partner's row: who = %q, want Karim and %s", who, otherCentreName)
	}
	if _, err := time.Parse("02/01/2006 15:04", v.Rows[iRead].When); err != nil {
		t.Errorf("when = %q: %v", v.Rows[iRead].When, err)
	}

	// Filters: the colleague, the action, the centre, the person.
	v.Colleague.SetSelected(lang.L("{{.Name}} ({{.Login}})", map[string]any{"Name": adminName, "Login": login}))
	u.WaitIdle(t)
	v = u.JournalView()
	for _, r := range v.Rows {
		if !strings.Contains(r.Who, adminName) {
			t.Errorf("filtered on Marie, row %+v", r)
		}
	}
	v.Action.SetSelected(booked)
	u.WaitIdle(t)
	if v = u.JournalView(); len(v.Rows) != 1 || v.Rows[0].What != booked {
		t.Errorf("Marie's bookings = %+v, want one", v.Rows)
	}
	test.Tap(v.Clear)
	u.WaitIdle(t)
	v = u.JournalView()
	v.Centre.SetSelected(otherCentreName)
	u.WaitIdle(t)
	if v = u.JournalView(); len(v.Rows) != 1 || !strings.Contains(v.Rows[0].Who, "Karim") {
		t.Errorf("entries of %s = %+v, want Karim's one", otherCentreName, v.Rows)
	}
	test.Tap(v.Clear)
	u.WaitIdle(t)
	v = u.JournalView()
	test.Type(v.Person, "awa diallo")
	v.Person.OnSubmitted(v.Person.Text)
	u.WaitIdle(t)
	v = u.JournalView()
	if v.PersonChoice.Selected != "Awa Diallo" || len(v.Rows) != 2 {
		t.Errorf("Awa's entries: choice %q, rows %+v; want her 2", v.PersonChoice.Selected, v.Rows)
	}
	test.Tap(v.Clear)
	u.WaitIdle(t)
	v = u.JournalView()
	test.Type(v.Person, h.stranger)
	v.Person.OnSubmitted(v.Person.Text)
	u.WaitIdle(t)
	if v = u.JournalView(); len(v.Rows) != 1 || v.Rows[0].Whose != lang.L("erased or unshared person") {
		t.Errorf("entries of id %s = %+v, want Karim's read", h.stranger, v.Rows)
	}
	test.Type(v.Person, "zzzz")
	v.Person.SetText("zzzz")
	v.Person.OnSubmitted(v.Person.Text)
	u.WaitIdle(t)
	if v = u.JournalView(); !strings.Contains(v.Problem, "zzzz") {
		t.Errorf("a search that finds nobody says %q", v.Problem)
	}
}

func TestJournalRefusesABackwardsPeriod(t *testing.T) {
	u := newUI(t, fresh(t), journalDesk(t))
	signInWith(t, u, login, password)
	writeJournalHistory(t, u, 0)
	v := openJournal(t, u)
	before := len(v.Rows)
	day := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.Local)
	v.From.SetDate(&day)
	earlier := day.AddDate(0, 0, -3)
	v.To.SetDate(&earlier)
	u.WaitIdle(t)
	v = u.JournalView()
	if want := app.Message(audit.ErrBadPeriod); v.Problem != want {
		t.Errorf("problem = %q, want %q", v.Problem, want)
	}
	if len(v.Rows) != before {
		t.Errorf("a refused period changed the list: %d rows, had %d", len(v.Rows), before)
	}
}

func TestJournalCheckSaysIntactThenNamesTheBreak(t *testing.T) {
	u := newUI(t, fresh(t), journalDesk(t))
	signInWith(t, u, login, password)
	h := writeJournalHistory(t, u, 3)
	v := openJournal(t, u)
	test.Tap(v.Verify)
	u.WaitIdle(t)
	v = u.JournalView()
	rep, err := audit.Check(h.db)
	if err != nil || !rep.OK() {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
	want := lang.L("Journal intact: {{.Entries}}, {{.Centres}}", map[string]any{
		"Entries": lang.L("{{.Count}} entries", map[string]any{"Count": fmt.Sprint(rep.Entries)}),
		"Centres": lang.L("{{.Count}} centres", map[string]any{"Count": "2"})})
	if v.Result != want || len(v.Breaks) != 0 {
		t.Errorf("result = %q %q, want %q", v.Result, v.Breaks, want)
	}
	// Someone deletes the partner's entry 2 here.
	var chain string
	for _, c := range rep.Chains {
		if c.ID != audit.ChainOf(h.db.Replica()) {
			chain = c.ID
		}
	}
	if _, err := h.db.Delete(audit.Kind, audit.EntryID(chain, 2)); err != nil {
		t.Fatal(err)
	}
	test.Tap(v.Verify)
	u.WaitIdle(t)
	v = u.JournalView()
	wantBreak := "• " + app.Message(audit.Break{Chain: chain, Kind: audit.Deleted, From: 2, To: 2}.Problem(otherCentreName))
	wantResult := lang.L("The journal is not intact: {{.Breaks}} ({{.Entries}} read, {{.Centres}}).", map[string]any{
		"Breaks":  lang.L("1 break"),
		"Entries": lang.L("{{.Count}} entries", map[string]any{"Count": fmt.Sprint(rep.Entries - 1)}),
		"Centres": lang.L("{{.Count}} centres", map[string]any{"Count": "2"})})
	if v.Result != wantResult || !slices.Equal(v.Breaks, []string{wantBreak}) {
		t.Errorf("after a deletion: result %q, breaks %q; want %q, %q", v.Result, v.Breaks, wantResult, wantBreak)
	}
}

// TestJournalRendersToPNG renders the journal with a few hundred entries
// and its check, for a person to look at (/tmp/journal-*.png).
func TestJournalRendersToPNG(t *testing.T) {
	u := newUI(t, fresh(t), journalDesk(t))
	signInWith(t, u, login, password)
	h := writeJournalHistory(t, u, 300)
	v := openJournal(t, u)
	test.Tap(v.Verify)
	u.WaitIdle(t)
	w := u.Window()
	w.Resize(fyne.NewSize(1200, 800))
	save := func(name string) {
		f, err := os.Create("/tmp/journal-" + name + ".png")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	save("intact")
	if v := u.JournalView(); len(v.Rows) != 200 || !v.More.Visible() {
		t.Errorf("a long journal shows %d rows, more %v; want 200 and « Show more »", len(v.Rows), v.More.Visible())
	}
	rep, _ := audit.Check(h.db)
	for _, c := range rep.Chains {
		if c.ID != audit.ChainOf(h.db.Replica()) {
			h.db.Delete(audit.Kind, audit.EntryID(c.ID, 7))
			r, _ := h.db.Get(audit.Kind, audit.EntryID(c.ID, 12))
			h.db.Put(audit.Kind, audit.EntryID(c.ID, 12), []byte(strings.Replace(string(r.Body), "karim", "kevin", 1)), store.ScopeNetwork)
		}
	}
	test.Tap(v.Verify)
	u.WaitIdle(t)
	save("broken")
}
