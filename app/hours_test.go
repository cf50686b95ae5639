package app_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/appointments"
)

// openHours signs in on a set-up folder and opens « Horaires du centre »
// from the Settings.
func openHours(t *testing.T, u *app.UI) app.HoursView {
	t.Helper()
	u.OpenSection(app.SectionSettings)
	hours, _ := u.CentreButtons()
	if want := lang.L("Opening hours of the centre"); hours.Text != want {
		t.Errorf("Settings button = %q, want %q", hours.Text, want)
	}
	test.Tap(hours)
	u.WaitIdle(t)
	v := u.HoursView()
	if !v.Open {
		t.Fatal("« Horaires du centre » does not open its page")
	}
	return v
}

// typeRange types a range into day's i-th pair of fields.
func typeRange(w app.WeekView, day time.Weekday, i int, start, end string) {
	w.Off[day].SetChecked(false)
	w.Start[day][i].SetText("")
	w.End[day][i].SetText("")
	test.Type(w.Start[day][i], start)
	test.Type(w.End[day][i], end)
}

// officeWeek is Monday to Friday, 9:00–12:00 and 13:30–17:30.
func officeWeek(t *testing.T) appointments.Week {
	t.Helper()
	var w appointments.Week
	for d := time.Monday; d <= time.Friday; d++ {
		if err := w.Add(d, "09:00", "12:00"); err != nil {
			t.Fatal(err)
		}
		if err := w.Add(d, "13:30", "17:30"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func sameWeek(a, b appointments.Week) bool {
	for d := range a {
		if len(a[d]) != len(b[d]) {
			return false
		}
		for i := range a[d] {
			if a[d][i] != b[d][i] {
				return false
			}
		}
	}
	return true
}

func TestHoursSavedAndReadBack(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	v := openHours(t, u)
	if !v.NotSet.Visible() {
		t.Error("a centre without hours does not say that nothing can be booked")
	}
	for d := range 7 {
		if !v.Week.Off[d].Checked {
			t.Errorf("%v of a centre without hours is not ticked « %s »", time.Weekday(d), lang.L("Closed"))
		}
	}

	// Monday typed the quick way (« 9 », « 12 », « 13h30 », « 1730 »),
	// then copied to Tuesday–Friday.
	typeRange(v.Week, time.Monday, 0, "9", "12")
	typeRange(v.Week, time.Monday, 1, "13h30", "1730")
	test.Tap(v.CopyMonday)
	test.Tap(v.Save)
	u.WaitIdle(t)
	if v.Problem.Visible() {
		t.Fatalf("saving shows the problem %q", v.Problem.Text)
	}
	if want := lang.L("The opening hours are saved."); !v.Saved.Visible() || v.Saved.Text != want {
		t.Errorf("after saving: %q (visible %v), want %q", v.Saved.Text, v.Saved.Visible(), want)
	}
	_, sched, _, centre := u.Services()
	got, err := sched.OpeningHours(centre)
	if err != nil {
		t.Fatal(err)
	}
	if want := officeWeek(t); !sameWeek(got, want) {
		t.Errorf("OpeningHours after saving = %v, want %v", got, want)
	}

	// Read back: the page opened again shows them.
	v = openHours(t, u)
	if v.NotSet.Visible() {
		t.Error("the page still says no hours are saved")
	}
	if s, e := v.Week.Start[time.Thursday][1].Text, v.Week.End[time.Thursday][1].Text; s != "13:30" || e != "17:30" {
		t.Errorf("Thursday afternoon shown as %q–%q, want 13:30–17:30", s, e)
	}
	if !v.Week.Off[time.Sunday].Checked || v.Week.Off[time.Monday].Checked {
		t.Errorf("Sunday closed %v, Monday closed %v: want true, false", v.Week.Off[time.Sunday].Checked, v.Week.Off[time.Monday].Checked)
	}
}

func TestHoursRefusalShowsTheProblemAndSavesNothing(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	_, sched, _, centre := u.Services()
	overlap := func() error {
		var w appointments.Week
		w[time.Tuesday] = []appointments.Range{{Start: 9 * 60, End: 12 * 60}, {Start: 11 * 60, End: 14 * 60}}
		return w.Validate()
	}
	endBefore := func() error { _, err := appointments.ParseRange("12:00", "09:00"); return err }
	impossible := func() error { _, err := appointments.ParseClock("25:00"); return err }
	for _, tc := range []struct {
		name   string
		day    time.Weekday
		ranges [][2]string
		want   string
	}{
		{"end before start", time.Monday, [][2]string{{"12:00", "09:00"}}, app.Message(endBefore())},
		{"overlapping ranges", time.Tuesday, [][2]string{{"09:00", "12:00"}, {"11:00", "14:00"}}, app.Message(overlap())},
		{"impossible time", time.Wednesday, [][2]string{{"09:00", "25:00"}}, app.Message(impossible())},
		{"end missing", time.Thursday, [][2]string{{"09:00", ""}}, lang.L("Enter both the start and the end of each range.")},
		{"open without hours", time.Friday, nil, lang.L("Enter the hours, or tick « {{.Box}} ».", map[string]any{"Box": lang.L("Closed")})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := openHours(t, u)
			v.Week.Off[tc.day].SetChecked(false)
			for i, r := range tc.ranges {
				typeRange(v.Week, tc.day, i, r[0], r[1])
			}
			test.Tap(v.Save)
			u.WaitIdle(t)
			if tc.want == "" || tc.want == app.GenericProblem() {
				t.Fatalf("the expected message is %q: the problem has no translation", tc.want)
			}
			day := app.Capitalised(app.WeekdayName(tc.day))
			want := lang.L("{{.Day}}: {{.Problem}}", map[string]any{"Day": day, "Problem": tc.want})
			if !v.Problem.Visible() || v.Problem.Text != want {
				t.Errorf("problem shown = %q (visible %v), want %q", v.Problem.Text, v.Problem.Visible(), want)
			}
			if v.Saved.Visible() {
				t.Errorf("« saved » shown after a refusal: %q", v.Saved.Text)
			}
			if got, err := sched.OpeningHours(centre); err != nil || !sameWeek(got, appointments.Week{}) {
				t.Errorf("OpeningHours after a refusal = %v, %v; want nothing saved", got, err)
			}
		})
	}
}

func TestClosuresAddedAndRemoved(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	_, sched, _, centre := u.Services()
	if err := sched.SetOpeningHours(centre, officeWeek(t)); err != nil {
		t.Fatal(err)
	}
	v := openHours(t, u)
	if len(v.Closures) != 0 {
		t.Fatalf("closures of a new centre = %v, want none", v.Closures)
	}

	// The last day before the first is refused.
	now := time.Now()
	first := time.Date(now.Year()+1, time.December, 24, 0, 0, 0, 0, time.Local)
	last := first.AddDate(0, 0, 9)
	v.ClosureFrom.SetDate(&last)
	v.ClosureTo.SetDate(&first)
	test.Tap(v.AddClosure)
	u.WaitIdle(t)
	if !v.ClosureProblem.Visible() || v.ClosureProblem.Text == app.GenericProblem() || strings.Contains(v.ClosureProblem.Text, "appointments.") {
		t.Errorf("last day before the first: problem %q (visible %v), want the translated refusal", v.ClosureProblem.Text, v.ClosureProblem.Visible())
	}
	if v = u.HoursView(); len(v.Closures) != 0 {
		t.Fatalf("closures after a refusal = %v, want none", v.Closures)
	}

	v.ClosureFrom.SetDate(&first)
	v.ClosureTo.SetDate(&last)
	test.Type(v.ClosureReason, "Vacances de Noël")
	test.Tap(v.AddClosure)
	u.WaitIdle(t)
	v = u.HoursView()
	if v.ClosureProblem.Visible() {
		t.Fatalf("adding a closure shows %q", v.ClosureProblem.Text)
	}
	if len(v.Closures) != 1 || !strings.Contains(v.Closures[0], "Vacances de Noël") || !strings.Contains(v.Closures[0], app.LongDate(first)) {
		t.Fatalf("closures listed = %q, want one from %s with its reason", v.Closures, app.LongDate(first))
	}
	test.Tap(v.RemoveClosure[0])
	u.WaitIdle(t)
	if v = u.HoursView(); len(v.Closures) != 0 {
		t.Errorf("closures after deleting = %q, want none", v.Closures)
	}
}
