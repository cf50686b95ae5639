package app_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/app"
	"relais/appointments"
	"relais/people"
)

// interactions counts what the person at the desk does: each typed field,
// each tap, each file dialog confirmed.
type interactions struct {
	t     *testing.T
	count int
	steps []string
}

func (c *interactions) typeIn(e *widget.Entry, text string) {
	c.t.Helper()
	c.count++
	c.steps = append(c.steps, "type "+text)
	test.Type(e, text)
}

func (c *interactions) tap(what string, o fyne.Tappable) {
	c.t.Helper()
	if o == nil || o == fyne.Tappable((*widget.Button)(nil)) {
		c.t.Fatalf("step %d: no %s to tap (steps so far: %v)", c.count+1, what, c.steps)
	}
	c.count++
	c.steps = append(c.steps, "tap "+what)
	test.Tap(o)
}

func TestBookingFromSearchToPrintedSlipInSixInteractions(t *testing.T) {
	u := demoUI(t)
	ppl, sched, _, centre := u.Services()
	person := somePeople(t, u, 1, func(p people.Person) bool { return p.Language == "fr" && p.BirthYear != 0 })[0]
	const procedure = "caf-demande-rsa"
	c := &interactions{t: t}

	var slip *memFile
	var savedName string
	u.InterceptSaves(func(name string) (fyne.URIWriteCloser, error) {
		c.count++ // confirming the file dialog
		c.steps = append(c.steps, "save "+name)
		savedName = name
		slip = &memFile{uri: storage.NewFileURI(filepath.Join(t.TempDir(), name))}
		return slip, nil
	})

	// [1] type the name in the search box, which has the focus.
	c.typeIn(u.PeopleView().Search, plain(person.FullName()))
	i := slices.Index(hitIDs(u.PeopleView().Hits), person.ID)
	if i < 0 {
		t.Fatalf("searching %q does not list %s", plain(person.FullName()), person.FullName())
	}
	// [2] « Rendez-vous » on the person's row.
	_, book := u.ResultButtons(i)
	c.tap("Rendez-vous", book)
	u.WaitIdle(t)
	if !u.BookingView().Open {
		t.Fatal("« Rendez-vous » does not open the booking flow")
	}
	// [3] the procedure.
	c.tap(procedure, u.ProcedureButton(procedure))
	u.WaitIdle(t)
	v := u.BookingView()
	if got, want := v.Mode.Selected, lang.X("agenda.mode.onsite", "On site"); got != want {
		t.Errorf("mode by default = %q, want %q", got, want)
	}
	want, err := sched.NextFreeSlots(procedure, centre, time.Now(), 8)
	if err != nil || len(want) == 0 {
		t.Fatalf("NextFreeSlots = %v, %v", want, err)
	}
	if len(v.Slots) != len(want) {
		t.Fatalf("%d slots proposed, want %d (problem %q)", len(v.Slots), len(want), v.Problem.Text)
	}
	// [4] the first slot, which books it.
	c.tap("slot", v.Slots[0])
	u.WaitIdle(t)
	v = u.BookingView()
	if v.BookedID == "" {
		t.Fatalf("tapping a slot booked nothing (problem %q)", v.Problem.Text)
	}
	// [5] « Imprimer le bon », [6] the save dialog confirmed.
	if v.Print.Text != lang.L("Print the slip") {
		t.Errorf("print button = %q", v.Print.Text)
	}
	c.tap("Imprimer le bon", v.Print)
	u.WaitIdle(t)

	if c.count > 6 {
		t.Errorf("booking took %d interactions, want at most 6: %v", c.count, c.steps)
	}
	t.Logf("booking in %d interactions: %v", c.count, c.steps)

	got, err := sched.PersonAppointments(person.ID)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(got, func(e appointments.Entry) bool { return e.ID == v.BookedID })
	if k < 0 {
		t.Fatalf("appointment %s not in PersonAppointments(%s)", v.BookedID, person.ID)
	}
	a := got[k]
	if !a.Start.Equal(want[0].Start) || a.Mediator != want[0].Mediator || a.Procedure != procedure || a.Mode != appointments.OnSite || a.Status != appointments.Booked {
		t.Errorf("booked %+v, want %s with %s for %s, on site", a.Appointment, want[0].Start, want[0].Mediator, procedure)
	}

	if slip == nil {
		t.Fatal("no slip written")
	}
	if wantName := app.SlipFileName(person.FullName(), a.Start, ".pdf"); savedName != wantName || !strings.HasPrefix(savedName, "rdv-") {
		t.Errorf("slip file name = %q, want %q", savedName, wantName)
	}
	if !slip.closed || !bytes.HasPrefix(slip.Bytes(), []byte("%PDF-")) {
		t.Fatalf("slip closed %v, starts with %q; want a closed PDF", slip.closed, slip.Bytes()[:min(8, slip.Len())])
	}
	if !v.Saved.Visible() || v.Saved.Importance != widget.SuccessImportance {
		t.Errorf("after saving: %q (importance %v), want a success", v.Saved.Text, v.Saved.Importance)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		path := filepath.Join(t.TempDir(), "slip.pdf")
		if err := os.WriteFile(path, slip.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range []string{person.FullName(), "Documents à apporter"} {
			if !strings.Contains(text, w) {
				t.Errorf("slip text lacks %q:\n%s", w, text)
			}
		}
	}

	// The ICS of the same appointment.
	var ics *memFile
	u.InterceptSaves(func(name string) (fyne.URIWriteCloser, error) {
		ics = &memFile{uri: storage.NewFileURI("/tmp/" + name)}
		return ics, nil
	})
	test.Tap(v.ICS)
	u.WaitIdle(t)
	if ics == nil || !strings.Contains(ics.String(), "BEGIN:VEVENT") || !strings.Contains(ics.String(), v.BookedID+"@relais") {
		t.Errorf("ICS written: %v", ics)
	}

	// The person's file now shows the appointment to come.
	u.OpenPerson(person.ID)
	u.WaitIdle(t)
	if f := u.PersonFileView(); len(f.Upcoming) == 0 {
		t.Errorf("file after booking lists no upcoming appointment")
	}
	_ = ppl
}

func TestBookingRefusedShowsTheProblemAndRefreshesTheSlots(t *testing.T) {
	u := demoUI(t)
	_, sched, _, centre := u.Services()
	person := somePeople(t, u, 2, nil)
	const procedure = "ameli-creer-compte"
	u.StartBooking(person[0].ID)
	u.WaitIdle(t)
	test.Tap(u.ProcedureButton(procedure))
	u.WaitIdle(t)
	slots, err := sched.NextFreeSlots(procedure, centre, time.Now(), 8)
	if err != nil || len(slots) == 0 {
		t.Fatal(slots, err)
	}
	// A colleague takes the first slot meanwhile.
	s := slots[0]
	if _, err := sched.Book(appointments.Booking{Person: person[1].ID, Centre: centre, Mediator: s.Mediator, Procedure: procedure, Start: s.Start, End: s.End}); err != nil {
		t.Fatal(err)
	}
	test.Tap(u.BookingView().Slots[0])
	u.WaitIdle(t)
	v := u.BookingView()
	if v.BookedID != "" {
		t.Fatal("a taken slot was booked")
	}
	t.Logf("refusal shown: %q", v.Problem.Text)
	if !v.Problem.Visible() || v.Problem.Text == "" {
		t.Errorf("refused booking shows no problem")
	} else if v.Problem.Text == app.GenericProblem() {
		t.Errorf("refused booking shows the generic problem")
	}
	if len(v.Slots) == 0 || v.Slots[0].Disabled() {
		t.Errorf("slots not proposed again after a refusal")
	}
}
