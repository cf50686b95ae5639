package appointments_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"relais/appointments"
	"relais/problem"
)

func TestBookRefusals(t *testing.T) {
	f := newFixture(t)
	tue := func(h, m int) time.Time { return paris(2026, time.November, 24, h, m) }
	taken := must(f.s.Book(f.booking(f.camille, tue(14, 0), 45)))
	tests := []struct {
		name string
		edit func(b *appointments.Booking)
		want error
	}{
		{"double-booked", func(b *appointments.Booking) { b.Start = tue(14, 30) }, appointments.ErrMediatorBusy},
		{"double-booked ending inside", func(b *appointments.Booking) { b.Start, b.Minutes = tue(13, 30), 31 }, appointments.ErrMediatorBusy},
		{"in the past", func(b *appointments.Booking) { b.Start = paris(2026, time.November, 23, 7, 45) }, appointments.ErrInPast},
		{"lunch break", func(b *appointments.Booking) { b.Start = tue(12, 15) }, appointments.ErrOutsideOpeningHours},
		{"runs past closing", func(b *appointments.Booking) { b.Start, b.Minutes = tue(17, 0), 45 }, appointments.ErrOutsideOpeningHours},
		{"runs into lunch", func(b *appointments.Booking) { b.Start, b.Minutes = tue(11, 30), 60 }, appointments.ErrOutsideOpeningHours},
		{"sunday", func(b *appointments.Booking) { b.Start = paris(2026, time.November, 29, 10, 0) }, appointments.ErrOutsideOpeningHours},
		{"closure", func(b *appointments.Booking) { b.Start = paris(2026, time.November, 27, 10, 0) }, appointments.ErrCentreClosed},
		{"mediator's absence", func(b *appointments.Booking) { b.Start = paris(2026, time.November, 26, 15, 0) }, appointments.ErrMediatorAbsent},
		{"mediator not working then", func(b *appointments.Booking) { b.Mediator, b.Start = f.yanis, tue(14, 0) }, appointments.ErrMediatorUnavailable},
		{"mediator not at this centre", func(b *appointments.Booking) { b.Mediator = "someone-else" }, appointments.ErrMediatorUnavailable},
		{"end before start", func(b *appointments.Booking) { b.End = b.Start.Add(-30 * time.Minute) }, appointments.ErrEndBeforeStart},
		{"end equals start", func(b *appointments.Booking) { b.End = b.Start }, appointments.ErrEndBeforeStart},
		{"zero duration", func(b *appointments.Booking) { b.Minutes = 0 }, appointments.ErrBadDuration},
		{"negative duration", func(b *appointments.Booking) { b.Minutes = -15 }, appointments.ErrBadDuration},
		{"over eight hours", func(b *appointments.Booking) { b.Minutes = 8*60 + 1 }, appointments.ErrBadDuration},
		{"unknown procedure", func(b *appointments.Booking) { b.Procedure = "caf-inconnue" }, appointments.ErrUnknownProcedure},
		{"impossible date (zero)", func(b *appointments.Booking) { b.Start = time.Time{} }, appointments.ErrImpossibleDate},
		{"impossible date (year 20260)", func(b *appointments.Booking) { b.Start = time.Date(20260, 1, 1, 10, 0, 0, 0, time.UTC) }, appointments.ErrImpossibleDate},
		{"unknown centre", func(b *appointments.Booking) { b.Centre = "0000" }, appointments.ErrUnknownCentre},
		{"no person", func(b *appointments.Booking) { b.Person = " " }, appointments.ErrPersonMissing},
		{"no mediator", func(b *appointments.Booking) { b.Mediator = "" }, appointments.ErrMediatorMissing},
		{"bad mode", func(b *appointments.Booking) { b.Mode = "pigeon" }, appointments.ErrBadMode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := f.booking(f.camille, tue(10, 0), 30)
			tc.edit(&b)
			seq := f.db.LastSequence()
			id, err := f.s.Book(b)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Book(%s) = %q, %v, want %v", tc.name, id, err, tc.want)
			}
			if got := f.db.LastSequence(); got != seq {
				t.Errorf("Book(%s) refused but the store moved from sequence %d to %d", tc.name, seq, got)
			}
		})
	}
	// The busy message names the mediator and the appointment in the way.
	_, err := f.s.Book(f.booking(f.camille, tue(14, 15), 15))
	p, _ := problem.Find(err)
	if p == nil || p.Args["mediator"] != "Camille" || p.Args["from_h"] != "14" || p.Args["from_m"] != "00" || p.Args["to_h"] != "14" || p.Args["to_m"] != "45" {
		t.Errorf("busy problem = %v, want Camille 14 h 00 to 14 h 45", err)
	}
	// A move onto the busy slot is refused just the same, and writes nothing.
	other := must(f.s.Book(f.booking(f.camille, tue(15, 0), 30)))
	seq := f.db.LastSequence()
	if err := f.s.Move(other, tue(14, 30), ""); !errors.Is(err, appointments.ErrMediatorBusy) {
		t.Errorf("Move onto a busy slot = %v, want ErrMediatorBusy", err)
	}
	if err := f.s.Move(other, paris(2026, time.November, 20, 10, 0), ""); !errors.Is(err, appointments.ErrInPast) {
		t.Errorf("Move into the past = %v, want ErrInPast", err)
	}
	if f.db.LastSequence() != seq {
		t.Error("refused moves wrote to the store")
	}
	// Moving onto its own slot, shifted a little, is fine: it does not collide with itself.
	must0(t, f.s.Move(other, tue(15, 15), ""))
	// Once cancelled, the slot is free again.
	must0(t, f.s.Cancel(taken, "Médiatrice malade"))
	must(f.s.Book(f.booking(f.camille, tue(14, 30), 30)))
}

func TestParseRefusals(t *testing.T) {
	for _, s := range []string{"2026-02-30", "2026-13-01", "21/11/2026", ""} {
		if _, err := appointments.ParseDay(s); !errors.Is(err, appointments.ErrImpossibleDate) {
			t.Errorf("ParseDay(%q) = %v, want ErrImpossibleDate", s, err)
		}
	}
	for _, s := range []string{"25:00", "12:75", "9", "midi", "-1:00", "12:5x"} {
		if _, err := appointments.ParseClock(s); !errors.Is(err, appointments.ErrImpossibleTime) {
			t.Errorf("ParseClock(%q) = %v, want ErrImpossibleTime", s, err)
		}
	}
	if c, err := appointments.ParseClock("13h30"); err != nil || c != 13*60+30 {
		t.Errorf("ParseClock(13h30) = %v, %v, want 810", c, err)
	}
	if _, err := appointments.ParseRange("14:00", "13:00"); !errors.Is(err, appointments.ErrEndBeforeStart) {
		t.Errorf("ParseRange(14:00, 13:00) = %v, want ErrEndBeforeStart", err)
	}
	var w appointments.Week
	must0(t, w.Add(time.Tuesday, "9:00", "12:00"))
	if err := w.Add(time.Tuesday, "11:00", "14:00"); !errors.Is(err, appointments.ErrRangesOverlap) {
		t.Errorf("overlapping ranges = %v, want ErrRangesOverlap", err)
	}
}

func TestFrameRefusals(t *testing.T) {
	f := newFixture(t)
	var overlapping appointments.Week
	overlapping[time.Monday] = []appointments.Range{{Start: 540, End: 720}, {Start: 700, End: 800}}
	var reversed appointments.Week
	reversed[time.Monday] = []appointments.Range{{Start: 720, End: 540}}
	var impossible appointments.Week
	impossible[time.Monday] = []appointments.Range{{Start: 540, End: 25 * 60}}
	start := paris(2026, time.December, 1, 9, 0)
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"hours overlap", func() error { return f.s.SetOpeningHours(f.centre, overlapping) }, appointments.ErrRangesOverlap},
		{"hours reversed", func() error { return f.s.SetOpeningHours(f.centre, reversed) }, appointments.ErrEndBeforeStart},
		{"hours impossible", func() error { return f.s.SetOpeningHours(f.centre, impossible) }, appointments.ErrImpossibleTime},
		{"hours of unknown centre", func() error { return f.s.SetOpeningHours("nope", appointments.Week{}) }, appointments.ErrUnknownCentre},
		{"availability overlap", func() error { return f.s.SetAvailability(f.yanis, f.centre, overlapping) }, appointments.ErrRangesOverlap},
		{"closure reversed", func() error {
			_, err := f.s.AddClosure(appointments.Closure{Centre: f.centre, First: "2026-12-31", Last: "2026-12-24"})
			return err
		}, appointments.ErrLastDayBeforeFirst},
		{"closure impossible date", func() error {
			_, err := f.s.AddClosure(appointments.Closure{Centre: f.centre, First: "2026-02-30", Last: "2026-03-02"})
			return err
		}, appointments.ErrImpossibleDate},
		{"closure too long", func() error {
			_, err := f.s.AddClosure(appointments.Closure{Centre: f.centre, First: "2026-01-01", Last: "2028-01-01"})
			return err
		}, appointments.ErrRangeTooLong},
		{"absence reversed", func() error {
			_, err := f.s.AddAbsence(appointments.Absence{Mediator: f.camille, Start: start, End: start.Add(-time.Hour)})
			return err
		}, appointments.ErrEndBeforeStart},
		{"absence without mediator", func() error {
			_, err := f.s.AddAbsence(appointments.Absence{Start: start, End: start.Add(time.Hour)})
			return err
		}, appointments.ErrMediatorMissing},
		{"absence reason too long", func() error {
			_, err := f.s.AddAbsence(appointments.Absence{Mediator: f.camille, Start: start, End: start.Add(time.Hour), Reason: strings.Repeat("x", 10000)})
			return err
		}, appointments.ErrReasonTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq := f.db.LastSequence()
			if err := tc.do(); !errors.Is(err, tc.want) {
				t.Fatalf("%s = %v, want %v", tc.name, err, tc.want)
			}
			if f.db.LastSequence() != seq {
				t.Errorf("%s refused but wrote to the store", tc.name)
			}
		})
	}
}

func TestStatusTransitions(t *testing.T) {
	type step struct {
		op   string
		want error
	}
	tests := []struct {
		name  string
		steps []step
		final appointments.Status
	}{
		{"checked in then seen", []step{{"checkin", nil}, {"outcome", nil}}, appointments.Seen},
		{"seen without check-in", []step{{"outcome", nil}}, appointments.Seen},
		{"no-show", []step{{"absent", nil}, {"checkin", appointments.ErrStatusChange}, {"outcome", appointments.ErrStatusChange}}, appointments.Absent},
		{"excused cannot be seen", []step{{"excused", nil}, {"outcome", appointments.ErrStatusChange}, {"move", appointments.ErrStatusChange}}, appointments.Excused},
		{"cancelled is final", []step{{"cancel", nil}, {"checkin", appointments.ErrStatusChange}, {"absent", appointments.ErrStatusChange}}, appointments.Cancelled},
		{"seen is final", []step{{"outcome", nil}, {"cancel", appointments.ErrStatusChange}, {"absent", appointments.ErrStatusChange}}, appointments.Seen},
		{"arrived cannot be absent", []step{{"checkin", nil}, {"absent", appointments.ErrStatusChange}, {"move", appointments.ErrStatusChange}}, appointments.Arrived},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			id := must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 23, 10, 0), 30)))
			f.now = paris(2026, time.November, 23, 10, 5)
			for _, st := range tc.steps {
				var err error
				switch st.op {
				case "checkin":
					err = f.s.CheckIn(id)
				case "outcome":
					err = f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneWith, Note: "Compte créé", NextStep: "Revenir avec l'avis d'impôt"})
				case "absent":
					err = f.s.MarkAbsent(id)
				case "excused":
					err = f.s.MarkExcused(id, "A prévenu")
				case "cancel":
					err = f.s.Cancel(id, "")
				case "move":
					err = f.s.Move(id, paris(2026, time.November, 23, 15, 0), "")
				}
				if !errors.Is(err, st.want) {
					t.Fatalf("%s = %v, want %v", st.op, err, st.want)
				}
			}
			if e := must(f.s.Get(id)); e.Status != tc.final {
				t.Errorf("status = %s, want %s", e.Status, tc.final)
			}
		})
	}
}

func TestOutcomeAndEarlyRefusals(t *testing.T) {
	f := newFixture(t)
	id := must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 23, 10, 0), 30)))
	next := must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 30, 10, 0), 30)))
	seq := f.db.LastSequence()
	for name, do := range map[string]func() error{
		"absent before the time": func() error { return f.s.MarkAbsent(id) },
		"outcome before the time": func() error {
			return f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneFor})
		},
	} {
		if err := do(); !errors.Is(err, appointments.ErrTooEarly) {
			t.Errorf("%s = %v, want ErrTooEarly", name, err)
		}
	}
	f.now = paris(2026, time.November, 23, 10, 40)
	if err := f.s.RecordOutcome(id, appointments.Outcome{Autonomy: "magic"}); !errors.Is(err, appointments.ErrBadAutonomy) {
		t.Errorf("bad autonomy = %v", err)
	}
	if err := f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneFor, Note: strings.Repeat("é", 1001)}); !errors.Is(err, appointments.ErrNoteTooLong) {
		t.Errorf("long note = %v", err)
	}
	if err := f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneFor, FollowUp: "missing"}); !errors.Is(err, appointments.ErrUnknownAppointment) {
		t.Errorf("unknown follow-up = %v", err)
	}
	if err := f.s.CheckIn("does-not-exist"); !errors.Is(err, appointments.ErrUnknownAppointment) {
		t.Errorf("CheckIn(unknown) = %v", err)
	}
	if f.db.LastSequence() != seq {
		t.Error("refusals wrote to the store")
	}
	must0(t, f.s.RecordOutcome(id, appointments.Outcome{Autonomy: appointments.DoneAlone, Note: "Déclaration faite seule", NextStep: "Actualisation le mois prochain", FollowUp: next}))
	e := must(f.s.Get(id))
	if e.Status != appointments.Seen || e.Outcome == nil || e.Outcome.FollowUp != next || e.Outcome.Autonomy != appointments.DoneAlone {
		t.Errorf("after RecordOutcome: %+v", e)
	}
}

func TestAgendasAndLists(t *testing.T) {
	f := newFixture(t)
	tue := func(h, m int) time.Time { return paris(2026, time.November, 24, h, m) }
	b := f.booking(f.yanis, tue(11, 0), 30)
	b.Person = "p2"
	y := must(f.s.Book(b))
	c2 := must(f.s.Book(f.booking(f.camille, tue(14, 0), 30)))
	c1 := must(f.s.Book(f.booking(f.camille, tue(9, 0), 30)))
	wed := must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 25, 9, 0), 30)))

	ag := must(f.s.DayAgenda(f.centre, tue(0, 0)))
	if len(ag.Columns) != 2 || ag.Columns[0].Name != "Camille" || ag.Columns[1].Name != "Yanis" {
		t.Fatalf("DayAgenda columns = %+v, want Camille then Yanis", ag.Columns)
	}
	if ids := itemIDs(ag.Columns[0].Appointments); !equal(ids, []string{c1, c2}) {
		t.Errorf("Camille's Tuesday = %v, want %v", ids, []string{c1, c2})
	}
	if ids := itemIDs(ag.Columns[1].Appointments); !equal(ids, []string{y}) {
		t.Errorf("Yanis's Tuesday = %v, want %v", ids, []string{y})
	}
	week := must(f.s.WeekAgenda(f.centre, tue(15, 0)))
	if len(week) != 7 || week[0].Day != "2026-11-23" || week[2].Day != "2026-11-25" || len(week[2].Columns[0].Appointments) != 1 {
		t.Errorf("WeekAgenda = %+v", week)
	}
	if ids := entryIDs(must(f.s.PersonAppointments("p1"))); !equal(ids, []string{c1, c2, wed}) {
		t.Errorf("PersonAppointments(p1) = %v", ids)
	}
	// On Monday, tomorrow's people without a phone are p2 only.
	calls := must(f.s.ToCallTomorrow(f.centre, func(p string) bool { return p == "p2" }))
	if ids := entryIDs(calls); !equal(ids, []string{y}) {
		t.Errorf("ToCallTomorrow = %v, want %v", ids, []string{y})
	}
	must0(t, f.s.MarkExcused(y, "Malade"))
	if calls := must(f.s.ToCallTomorrow(f.centre, func(string) bool { return true })); len(calls) != 2 {
		t.Errorf("ToCallTomorrow after excusing one = %d, want 2", len(calls))
	}
	// The agenda follows status changes.
	f.now = tue(9, 2)
	must0(t, f.s.CheckIn(c1))
	f.now = tue(9, 40)
	must0(t, f.s.RecordOutcome(c1, appointments.Outcome{Autonomy: appointments.DoneFor}))
	ag = must(f.s.DayAgenda(f.centre, tue(0, 0)))
	if it := ag.Columns[0].Appointments[0]; it.Status != appointments.Seen || !it.Arrived.Equal(tue(9, 2)) ||
		it.Autonomy != appointments.DoneFor || it.Person != "p1" || it.Minutes != 30 || !it.Start.Equal(tue(9, 0)) ||
		it.Procedure != "caf-declaration-trimestrielle" || it.Mode != appointments.OnSite {
		t.Errorf("agenda item after check-in and outcome = %+v", it)
	}
	f.now = paris(2026, time.November, 23, 8, 0)
	// The absence conflicts list the appointments left inside it.
	abs := must(f.s.AddAbsence(appointments.Absence{Mediator: f.camille, Start: tue(8, 0), End: tue(12, 0)}))
	if ids := entryIDs(must(f.s.AbsenceConflicts(abs))); !equal(ids, []string{c1}) {
		t.Errorf("AbsenceConflicts = %v, want %v", ids, []string{c1})
	}
	// Merging p1 into p2 moves p1's appointments.
	if n := must(f.s.ReassignPerson("p1", "p2")); n != 3 {
		t.Errorf("ReassignPerson moved %d, want 3", n)
	}
	if got := must(f.s.PersonAppointments("p2")); len(got) != 4 || len(must(f.s.PersonAppointments("p1"))) != 0 {
		t.Errorf("after merging, p2 has %d appointments, want 4", len(got))
	}
	if r, err := f.db.Check(); err != nil || !r.OK() {
		t.Errorf("Check = %+v, %v", r, err)
	}
}

func TestWalkInQueue(t *testing.T) {
	f := newFixture(t)
	f.now = paris(2026, time.November, 23, 9, 0)
	a := must(f.s.AddWalkIn(appointments.WalkIn{Centre: f.centre, FirstName: "  Fatima  ", Procedure: "ameli-attestation-droits"}))
	f.now = f.now.Add(10 * time.Minute)
	b := must(f.s.AddWalkIn(appointments.WalkIn{Centre: f.centre, Person: "p9", Reason: "Imprimer un document"}))
	f.now = f.now.Add(15 * time.Minute)
	q := must(f.s.Queue(f.centre, false))
	if len(q) != 2 || q[0].ID != a || q[0].Waited != 25*time.Minute || q[1].Waited != 15*time.Minute || q[0].FirstName != "Fatima" {
		t.Fatalf("Queue = %+v", q)
	}
	must0(t, f.s.TakeWalkIn(a, f.camille))
	f.now = f.now.Add(5 * time.Minute)
	must0(t, f.s.WalkInLeft(b))
	if q := must(f.s.Queue(f.centre, false)); len(q) != 0 {
		t.Errorf("Queue after both = %+v", q)
	}
	all := must(f.s.Queue(f.centre, true))
	if len(all) != 2 || all[0].Status != appointments.Taken || all[0].Waited != 25*time.Minute || all[1].Status != appointments.Left || all[1].Waited != 20*time.Minute {
		t.Errorf("Queue(all) = %+v", all)
	}
	seq := f.db.LastSequence()
	for name, err := range map[string]error{
		"taken twice":    f.s.TakeWalkIn(a, f.yanis),
		"no name":        second(f.s.AddWalkIn(appointments.WalkIn{Centre: f.centre})),
		"long name":      second(f.s.AddWalkIn(appointments.WalkIn{Centre: f.centre, FirstName: strings.Repeat("a", 10000)})),
		"unknown centre": second(f.s.AddWalkIn(appointments.WalkIn{Centre: "x", FirstName: "Léa"})),
		"unknown":        f.s.WalkInLeft("zzz"),
	} {
		if err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if f.db.LastSequence() != seq {
		t.Error("refused walk-in changes wrote to the store")
	}
}

func second(_ string, err error) error { return err }

func entryIDs(es []appointments.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func itemIDs(its []appointments.AgendaItem) []string {
	out := make([]string, len(its))
	for i, it := range its {
		out[i] = it.ID
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }
