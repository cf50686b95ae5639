package app_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/appointments"
	"relais/demo"
)

func TestReceptionDeskCountsToday(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	u.WaitIdle(t)

	h := u.HomeView()
	if want := lang.L("Hello {{.Name}}", map[string]any{"Name": demo.AdminName}); h.Greeting.Text != want {
		t.Errorf("greeting = %q, want %q", h.Greeting.Text, want)
	}
	a, err := u.AgendaScheduler().DayAgenda(d.centre, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var total, arrived, absent int
	for _, c := range a.Columns {
		for _, it := range c.Appointments {
			if it.Status.Occupies() {
				total++
			}
			if it.Status == appointments.Arrived || it.Status == appointments.Seen {
				arrived++
			}
			if it.Status == appointments.Absent {
				absent++
			}
		}
	}
	counts := u.DeskView().Counts.Text
	for _, n := range []int{total, arrived, absent} {
		if !strings.Contains(counts, strconv.Itoa(n)) {
			t.Errorf("count line %q lacks %d", counts, n)
		}
	}
	if !strings.HasPrefix(counts, strconv.Itoa(total)+" ") {
		t.Errorf("count line %q does not start with today's %d appointments", counts, total)
	}
}

func TestWalkInQueueAddTakeLeftAndWaitingTime(t *testing.T) {
	defer app.SetTickEvery(5 * time.Millisecond)()
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)
	v := u.DeskView()
	if len(v.Queue) != 0 {
		t.Fatalf("queue of a new day = %d people, want none", len(v.Queue))
	}

	// A first name is needed: the domain says so.
	test.Tap(v.Add)
	u.WaitIdle(t)
	if want := app.Message(appointments.ErrWalkInNameMissing); v.QueueProblem.Text != want || !v.QueueProblem.Visible() {
		t.Errorf("walk-in without a name: problem %q, want %q", v.QueueProblem.Text, want)
	}

	test.Type(v.First, "Awa")
	v.Procedure.SetSelectedIndex(0)
	test.Type(v.Reason, "courrier de la CAF")
	test.Tap(v.Add)
	u.WaitIdle(t)
	test.Type(v.First, "Karim")
	test.Tap(v.Add)
	u.WaitIdle(t)
	v = u.DeskView()
	if len(v.Queue) != 2 || v.QueueProblem.Visible() {
		t.Fatalf("queue after two arrivals = %d people (problem %q), want 2", len(v.Queue), v.QueueProblem.Text)
	}
	first := appointments.Catalogue()[0].Title
	if !strings.HasPrefix(v.Queue[0].Name, "Awa — "+first) || !strings.Contains(v.Queue[0].Name, "courrier de la CAF") {
		t.Errorf("first in the queue = %q, want Awa with %q and the reason", v.Queue[0].Name, first)
	}
	if v.First.Text != "" {
		t.Errorf("first name field after adding = %q, want it cleared", v.First.Text)
	}

	// Waiting time, from the clock: 17 minutes after Awa arrived.
	q, err := u.AgendaScheduler().Queue(d.centre, false)
	if err != nil || len(q) != 2 {
		t.Fatalf("Queue = %d, %v", len(q), err)
	}
	arrived := q[0].Arrived
	defer app.SetClock(func() time.Time { return arrived.Add(17*time.Minute + 5*time.Second) })()
	time.Sleep(30 * time.Millisecond) // a few ticks
	u.ApplyPending()
	want := lang.L("Arrived at {{.Time}} · waiting for {{.Minutes}} min", map[string]any{
		"Time": appointments.ClockOf(arrived).String(), "Minutes": 17,
	})
	if got := u.DeskView().Queue[0].Waiting; got != want {
		t.Errorf("waiting line after 17 minutes = %q, want %q", got, want)
	}

	// Awa is taken by a mediator chosen in the list; Karim leaves.
	if len(v.Mediators) == 0 {
		t.Fatal("no mediator offered to take a walk-in")
	}
	v.ChooseMediatorAndTake(0, v.Mediators[0])
	u.WaitIdle(t)
	v = u.DeskView()
	if len(v.Queue) != 1 || !strings.HasPrefix(v.Queue[0].Name, "Karim") {
		t.Fatalf("queue after taking Awa = %+v, want Karim alone", v.Queue)
	}
	test.Tap(v.Queue[0].Left)
	u.WaitIdle(t)
	if v = u.DeskView(); len(v.Queue) != 0 {
		t.Errorf("queue after Karim left = %d people, want none", len(v.Queue))
	}
	all, err := u.AgendaScheduler().Queue(d.centre, true)
	if err != nil || len(all) != 2 {
		t.Fatalf("Queue(all) = %d, %v", len(all), err)
	}
	if all[0].Status != appointments.Taken || all[0].Mediator == "" || all[1].Status != appointments.Left {
		t.Errorf("store: Awa %s by %q, Karim %s; want taken by a mediator, left", all[0].Status, all[0].Mediator, all[1].Status)
	}

	// The ticker ends when the desk is left.
	u.OpenSection(app.SectionSettings)
	time.Sleep(30 * time.Millisecond)
	u.ApplyPending()
	if !u.DeskView().Stopped {
		t.Error("the waiting-time ticker still runs after leaving the desk")
	}
	u.OpenSection(app.SectionHome)
	u.WaitIdle(t)
	u.OpenSection(app.SectionAgenda) // stops it at once
	if !u.DeskView().Stopped {
		t.Error("the waiting-time ticker still runs after opening the agenda")
	}
}

func TestToCallTomorrowListsThePhonelessPeoplesAppointments(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInAs(t, u, demo.Login)

	// What reception must call: tomorrow's booked appointments at the
	// centre of people without a phone, read straight from the store.
	tomorrow, err := u.AgendaScheduler().DayAgenda(d.centre, time.Now().AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range tomorrow.Columns {
		for _, it := range c.Appointments {
			p, err := u.AgendaPeople().Get(it.Person)
			if err == nil && p.NoPhone && it.Status == appointments.Booked {
				want = append(want, it.ID)
			}
		}
	}
	var got []string
	for _, c := range u.DeskView().Calls {
		got = append(got, c.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("to call tomorrow = %q, want %q", got, want)
	}
	if !slices.Contains(got, d.tomorrowNoPhone) || slices.Contains(got, d.tomorrowPhone) || slices.Contains(got, d.tomorrowCancelled) {
		t.Errorf("to call tomorrow = %q: want %s (no phone), not %s (phone) nor %s (cancelled)", got, d.tomorrowNoPhone, d.tomorrowPhone, d.tomorrowCancelled)
	}
	for _, c := range u.DeskView().Calls {
		if c.ID == d.tomorrowNoPhone && !strings.Contains(c.Text, "Awa Diallo") {
			t.Errorf("line of Awa Diallo = %q, want her name", c.Text)
		}
	}
}

func TestMediatorSeesOnlyTheirDay(t *testing.T) {
	d := newDemoDesk(t)
	u := newUI(t, fresh(t), d.desk)
	login := d.created.MediatorLogins[0]
	signInAs(t, u, login)
	u.WaitIdle(t)

	v := u.DeskView()
	if v.MediatorID != d.mediator {
		t.Fatalf("mediator found = %q, want the staff record %q", v.MediatorID, d.mediator)
	}
	a, err := u.AgendaScheduler().DayAgenda(d.centre, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range a.Columns {
		if c.Mediator == d.mediator {
			for _, it := range c.Appointments {
				want = append(want, it.ID)
			}
		}
	}
	var got []string
	for _, r := range v.Mine {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("my day = %q, want %q", got, want)
	}
	if !slices.Contains(got, d.past1) || slices.Contains(got, d.otherToday) {
		t.Errorf("my day = %q: want %s, not the colleague's %s", got, d.past1, d.otherToday)
	}

	for _, r := range v.Mine {
		if r.ID == d.past1 {
			test.Tap(r.CheckIn)
		}
	}
	u.WaitIdle(t)
	if e, _ := u.AgendaScheduler().Get(d.past1); e.Status != appointments.Arrived {
		t.Errorf("store after « Arrivé » in my day: %v, want arrived", e.Status)
	}
	for _, r := range u.DeskView().Mine {
		if r.ID == d.past1 && (r.CheckIn.Visible() || !r.Outcome.Visible()) {
			t.Errorf("arrived person: « Arrivé » shown %v, « Compte rendu » shown %v; want only the outcome", r.CheckIn.Visible(), r.Outcome.Visible())
		}
	}

	// The agenda export holds my appointments of the coming weeks, without names.
	w := &memFile{uri: storage.NewFileURI("/tmp/" + app.ICSFileName(login, time.Now()))}
	u.WriteAgendaICS(w)
	u.WaitIdle(t)
	if !w.closed || !u.DeskView().ExportResult.Visible() {
		t.Fatalf("export: closed %v, result %q", w.closed, u.DeskView().ExportResult.Text)
	}
	ics := w.String()
	if n := strings.Count(ics, "BEGIN:VEVENT"); n < len(want) {
		t.Errorf("calendar holds %d events, want at least today's %d", n, len(want))
	}
	if strings.Contains(ics, "Diallo") || strings.Contains(ics, "Dupont") {
		t.Error("the exported calendar names the persons")
	}
	if !strings.Contains(ics, "UID:"+d.future+"@relais") {
		t.Errorf("calendar lacks the future appointment %s", d.future)
	}
}

func TestICSFileName(t *testing.T) {
	if got, want := app.ICSFileName("awa.diallo", fixedDay), "agenda-awa.diallo-2026-11-21.ics"; got != want {
		t.Errorf("ICSFileName = %q, want %q", got, want)
	}
}
