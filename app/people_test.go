package app_test

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"relais/app"
	"relais/demo"
	"relais/people"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

// demoUI opens a small demo network, signed in as its admin, on the People
// section.
func demoUI(t *testing.T) *app.UI {
	t.Helper()
	dir := t.TempDir()
	size := demo.Small
	size.People = 200
	size.Past, size.Future = 30*24*time.Hour, 30*24*time.Hour
	opts := schema.Options(store.TestOptions())
	if _, ok, err := demo.Create(dir, opts, size, 7, nil); err != nil || !ok {
		t.Fatalf("demo.Create = %v, %v", ok, err)
	}
	desk, err := staff.OpenDesk(dir, opts)
	if err != nil {
		t.Fatalf("OpenDesk: %v", err)
	}
	t.Cleanup(func() { desk.Close() })
	u := newUI(t, fresh(t), desk)
	f := u.UnlockForm()
	f.Login.SetText(demo.Login)
	signIn(t, u, demo.Password)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("screen after signing in = %q (problem %q)", u.Screen(), f.Problem.Text)
	}
	u.OpenSection(app.SectionPeople)
	u.WaitIdle(t)
	return u
}

var unaccent = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// plain writes a name as a hurried person types it: lower case, no accents.
func plain(s string) string {
	s, _, _ = transform.String(unaccent, s)
	return strings.ToLower(s)
}

func hitIDs(hits []people.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Person.ID
	}
	return out
}

// somePeople returns registered people with a first and a last name.
func somePeople(t *testing.T, u *app.UI, n int, keep func(people.Person) bool) []people.Person {
	t.Helper()
	ppl, _, _, _ := u.Services()
	var out []people.Person
	for _, letter := range []string{"a", "e", "i", "o", "u", "m", "l"} {
		for _, h := range ppl.Search(letter, 200) {
			if h.Person.LastName != "" && (keep == nil || keep(h.Person)) && !slices.ContainsFunc(out, func(p people.Person) bool { return p.ID == h.Person.ID }) {
				out = append(out, h.Person)
				if len(out) == n {
					return out
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no person found in the demo network")
	}
	return out
}

func TestPeopleSearchAsYouType(t *testing.T) {
	u := demoUI(t)
	v := u.PeopleView()
	if u.Focused() != v.Search {
		t.Errorf("focus on opening People = %v, want the search entry", u.Focused())
	}
	if want := lang.L("Search for a person: name, first name or phone"); v.Search.PlaceHolder != want {
		t.Errorf("placeholder = %q, want %q", v.Search.PlaceHolder, want)
	}
	ppl, _, _, _ := u.Services()
	for _, p := range somePeople(t, u, 5, nil) {
		q := plain(p.FullName())
		v.Search.SetText("")
		test.Type(v.Search, q)
		got := u.PeopleView().Hits
		if want := ppl.Search(q, 30); !slices.Equal(hitIDs(got), hitIDs(want)) {
			t.Errorf("typing %q lists %v, want what Search gives: %v", q, hitIDs(got), hitIDs(want))
		}
		if !slices.Contains(hitIDs(got), p.ID) {
			t.Errorf("typing %q does not list %s", q, p.FullName())
		}
		if open, book := u.ResultButtons(0); open == nil || book == nil {
			t.Errorf("typing %q: the first result has no buttons drawn", q)
		} else if book.Text != lang.X("ui.people.appointment", "Appointment") {
			t.Errorf("second button of a result = %q, want %q", book.Text, lang.X("ui.people.appointment", "Appointment"))
		}

		// One typo in the last name still finds the person.
		last := []rune(plain(p.LastName))
		if len(last) >= 5 {
			i := len(last) / 2
			last[i] = map[bool]rune{true: 'x', false: 'z'}[last[i] != 'x']
			typo := plain(p.FirstName) + " " + string(last)
			v.Search.SetText("")
			test.Type(v.Search, typo)
			if !slices.Contains(hitIDs(u.PeopleView().Hits), p.ID) {
				t.Errorf("typing %q (a typo) does not list %s", typo, p.FullName())
			}
		}
	}

	v.Search.SetText("zzzzqqqq")
	if want := lang.L("Nobody found. Check the spelling, or register the person with « New person »."); u.PeopleView().Count.Text != want {
		t.Errorf("no result says %q, want %q", u.PeopleView().Count.Text, want)
	}
}

func TestRegisterBadPhoneDuplicateAndAnyway(t *testing.T) {
	u := demoUI(t)
	ppl, _, _, _ := u.Services()
	before := ppl.Len()
	test.Tap(u.PeopleView().Register)
	f := u.PersonFormView()
	if f.Save == nil {
		t.Fatal("« New person » shows no form")
	}
	test.Type(f.First, "Hélène")
	test.Type(f.Last, "Essai")
	test.Type(f.Phone, "12 34")
	test.Tap(f.Save)
	u.WaitIdle(t)
	if want := app.Message(people.ErrBadPhone); f.Problem.Text != want || !f.Problem.Visible() {
		t.Errorf("bad phone: problem %q (visible %v), want %q", f.Problem.Text, f.Problem.Visible(), want)
	}
	if ppl.Len() != before {
		t.Errorf("a refused registration wrote a person: %d people, want %d", ppl.Len(), before)
	}

	// Someone's phone: the duplicate warning.
	other := somePeople(t, u, 1, func(p people.Person) bool { return p.Phone != "" })[0]
	f.Phone.SetText("")
	test.Type(f.Phone, other.Phone)
	test.Tap(f.Save)
	u.WaitIdle(t)
	f = u.PersonFormView()
	if !f.DuplicatesShown || len(f.Same) != 1 || f.Other == nil {
		t.Fatalf("same phone as %s: warning shown %v with %d candidates, want the warning with one", other.FullName(), f.DuplicatesShown, len(f.Same))
	}
	if f.Other.Text != lang.L("It is someone else") || f.Same[0].Text != lang.L("It is her or him") {
		t.Errorf("warning buttons = %q, %q", f.Same[0].Text, f.Other.Text)
	}
	if ppl.Len() != before {
		t.Errorf("the warning wrote a person")
	}
	test.Tap(f.Other)
	u.WaitIdle(t)
	if ppl.Len() != before+1 {
		t.Errorf("« someone else »: %d people, want %d", ppl.Len(), before+1)
	}
	file := u.PersonFileView()
	if !file.Open || file.Person.FullName() != "Hélène Essai" || file.Person.Phone != other.Phone {
		t.Fatalf("after registering anyway the file shows %+v, want Hélène Essai with %s", file.Person, other.Phone)
	}

	// « C'est elle » opens the existing file and writes nothing.
	u.OpenSection(app.SectionHome)
	u.OpenSection(app.SectionPeople)
	test.Tap(u.PeopleView().Register)
	f = u.PersonFormView()
	test.Type(f.First, "Hélène")
	test.Type(f.Last, "Essai")
	test.Type(f.Phone, other.Phone)
	test.Tap(f.Save)
	u.WaitIdle(t)
	f = u.PersonFormView()
	if !f.DuplicatesShown || len(f.Same) == 0 {
		t.Fatal("second registration with the same phone shows no warning")
	}
	test.Tap(f.Same[0])
	u.WaitIdle(t)
	if got := u.PersonFileView(); !got.Open || got.Person.Phone != other.Phone {
		t.Errorf("« it is her » opens %+v, want a file with phone %s", got.Person, other.Phone)
	}
	if ppl.Len() != before+1 {
		t.Errorf("« it is her » wrote a person: %d, want %d", ppl.Len(), before+1)
	}
}

func TestPersonFileShowsAppointmentsAndConsentCanBeWithdrawn(t *testing.T) {
	u := demoUI(t)
	_, sched, db, centre := u.Services()
	// Someone with appointments at this centre.
	var id string
	for d := 0; d < 30 && id == ""; d++ {
		ag, err := sched.DayAgenda(centre, time.Now().AddDate(0, 0, -d))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ag.Columns {
			if len(c.Appointments) > 0 {
				id = c.Appointments[0].Person
				break
			}
		}
	}
	if id == "" {
		t.Fatal("no appointment in the demo's last 30 days")
	}
	want, err := sched.PersonAppointments(id)
	if err != nil {
		t.Fatal(err)
	}
	u.OpenPerson(id)
	u.WaitIdle(t)
	f := u.PersonFileView()
	if !f.Open || f.Person.ID != id {
		t.Fatalf("OpenPerson(%s) shows %+v", id, f.Person)
	}
	if got := len(f.Upcoming) + len(f.Past); got != len(want) {
		t.Errorf("file lists %d appointments (%v / %v), want %d", got, f.Upcoming, f.Past, len(want))
	}
	if len(f.Past) == 0 {
		t.Errorf("file lists no past appointment, want the one of the last 30 days")
	}

	ppl, _, _, _ := u.Services()
	if !f.Person.Consent.Given {
		test.Tap(f.ToggleConsent)
		u.WaitIdle(t)
		p, _ := ppl.Get(id)
		if !p.Consent.Given || p.Consent.By != demo.Login || p.Consent.Purpose != people.ConsentPurpose {
			t.Fatalf("« give the consent » recorded %+v, want given by %s", p.Consent, demo.Login)
		}
		f = u.PersonFileView()
	}
	if want := lang.L("Withdraw the consent"); f.ToggleConsent.Text != want {
		t.Errorf("consent button = %q, want %q", f.ToggleConsent.Text, want)
	}
	test.Tap(f.ToggleConsent)
	u.WaitIdle(t)
	p, err := ppl.Get(id)
	if err != nil || p.Consent.Given {
		t.Fatalf("after withdrawing, consent = %+v (%v), want none", p.Consent, err)
	}
	_, meta, err := store.NewCollection[people.Person](db, people.Kind).Get(id)
	if err != nil || meta.Scope != store.ScopeLocal {
		t.Errorf("after withdrawing, scope = %v (%v), want local", meta.Scope, err)
	}
	if want := lang.L("Not shared: the file stays in this centre."); u.PersonFileView().Consent.Text != want {
		t.Errorf("consent status = %q, want %q", u.PersonFileView().Consent.Text, want)
	}
}

// A namesake registered with a birth year is asked about when the year is
// not typed, and the warning says the year is missing.
func TestNamesakeWithoutBirthYearIsAsked(t *testing.T) {
	u := demoUI(t)
	ppl, _, _, _ := u.Services()
	known := somePeople(t, u, 1, func(p people.Person) bool { return p.BirthYear != 0 })[0]
	before := ppl.Len()
	test.Tap(u.PeopleView().Register)
	f := u.PersonFormView()
	test.Type(f.First, known.FirstName)
	test.Type(f.Last, known.LastName)
	f.NoPhone.SetChecked(true)
	test.Tap(f.Save)
	u.WaitIdle(t)
	f = u.PersonFormView()
	if !f.DuplicatesShown || len(f.Same) == 0 {
		t.Fatalf("%s typed without a birth year: no warning", known.FullName())
	}
	if i := slices.Index(f.Why, lang.L("same name, birth year missing")); i < 0 {
		t.Errorf("the warning says %q, want « same name, birth year missing »", f.Why)
	}
	if ppl.Len() != before {
		t.Error("the warning wrote a person")
	}
	if dir := os.Getenv("RELAIS_SCREENSHOTS"); dir != "" {
		img := u.Window().Canvas().Capture()
		out, err := os.Create(filepath.Join(dir, "people-namesake.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := png.Encode(out, img); err != nil {
			t.Fatal(err)
		}
	}
}
