package app

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/people"
	"relais/store"
)

// availabilityPage is a mediator's weekly hours at the centre.
type availabilityPage struct {
	mediator string // staff record id
	editor   *weekEditor
	centre   appointments.Week // the centre's opening hours, once read
	save     *widget.Button
	same     *widget.Button
	problem  *widget.Label
	saved    *widget.Label
	outside  *widget.Label
}

type availabilityData struct {
	centre, mediator appointments.Week
}

func (u *UI) openAvailability(mediator, name string) {
	p := &availabilityPage{mediator: mediator, editor: newWeekEditor(lang.L("Does not work")), problem: problemLabel(), saved: paragraph(""), outside: paragraph("")}
	p.saved.Importance = widget.SuccessImportance
	p.saved.Hide()
	p.outside.Importance = widget.WarningImportance
	p.outside.Hide()
	p.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { u.saveAvailability(p) })
	p.save.Importance = widget.HighImportance
	p.same = widget.NewButtonWithIcon(lang.L("Same as the centre's hours"), theme.ContentCopyIcon(), func() { p.editor.set(p.centre) })
	copyMonday := widget.NewButtonWithIcon(lang.L("Same hours as Monday from Tuesday to Friday"), theme.ContentCopyIcon(), func() { p.editor.copyMonday() })
	u.settingsPage(p, container.NewVBox(
		peopleToolbar(heading(lang.L("Availability of {{.Name}}", map[string]any{"Name": name})), u.backToTeam()),
		paragraph(lang.L("When {{.Name}} receives people at the centre, each week. Appointments are proposed only when the centre is open too.", map[string]any{"Name": name})),
		container.NewHBox(p.same, copyMonday, layout.NewSpacer()),
		p.editor.box,
		container.NewHBox(p.save, layout.NewSpacer()),
		p.problem,
		p.saved,
		p.outside,
	))
	sched, centre := u.sched, u.session.CentreID
	background(u, func() (availabilityData, error) {
		var d availabilityData
		var err error
		if d.centre, err = sched.OpeningHours(centre); err != nil {
			return d, err
		}
		av, err := sched.Availabilities(centre)
		if i := slices.IndexFunc(av, func(a appointments.Availability) bool { return a.Mediator == mediator }); i >= 0 {
			d.mediator = av[i].Week
		}
		return d, err
	}, func(d availabilityData, err error) {
		if u.shownPage() != p {
			return
		}
		if err != nil {
			setProblem(p.problem, Message(err))
			return
		}
		p.centre = d.centre
		p.editor.set(d.mediator)
		if emptyWeek(d.centre) {
			setProblem(p.problem, lang.L("The centre has no opening hours yet: fill them in first, in « Opening hours of the centre »."))
			p.same.Disable()
		}
	})
}

func (u *UI) saveAvailability(p *availabilityPage) {
	p.saved.Hide()
	p.outside.Hide()
	w, err := p.editor.week()
	if err != nil {
		setProblem(p.problem, weekMessage(err))
		return
	}
	setProblem(p.problem, "")
	sched, centre := u.sched, u.session.CentreID
	submitOnPage(u, p, p.save, p.problem, func() (struct{}, error) { return struct{}{}, sched.SetAvailability(p.mediator, centre, w) }, func(struct{}) {
		p.saved.SetText(lang.L("The availability is saved."))
		p.saved.Show()
		if days := daysOutside(w, p.centre); len(days) > 0 {
			p.outside.SetText(lang.L("The centre is closed at some of these hours ({{.Days}}): no appointment is proposed then.", map[string]any{"Days": days}))
			p.outside.Show()
		}
	})
}

// daysOutside names the days when a range of w meets no opening hour of the
// centre: a lunch break inside a mediator's day is expected, a whole range
// when the centre is closed is a mistake worth telling.
func daysOutside(w, centre appointments.Week) string {
	var out string
	for _, d := range weekOrder {
		for _, r := range w[d] {
			meets := slices.ContainsFunc(centre[d], func(c appointments.Range) bool { return c.Start < r.End && r.Start < c.End })
			if !meets {
				if out != "" {
					out += ", "
				}
				out += weekdayName(d)
				break
			}
		}
	}
	return out
}

// absencePage records a mediator's absences and lists the appointments they
// leave to move.
type absencePage struct {
	mediator, name       string
	from, to             *widget.DateEntry
	fromTime, toTime     *widget.SelectEntry
	reason               *widget.Entry
	add                  *widget.Button
	problem              *widget.Label
	result               *widget.Label
	conflictBox, listBox *fyne.Container
	conflicts            []string // one line per appointment to move
	absences             []string // one line per absence to come
}

func (u *UI) openAbsences(mediator, name string) {
	p := &absencePage{
		mediator: mediator, name: name,
		from: widget.NewDateEntry(), to: widget.NewDateEntry(),
		fromTime: widget.NewSelectEntry(clockChoices()), toTime: widget.NewSelectEntry(clockChoices()),
		reason:  widget.NewEntry(),
		problem: problemLabel(), result: paragraph(""),
		conflictBox: container.NewVBox(), listBox: container.NewVBox(),
	}
	p.result.Hide()
	p.fromTime.SetPlaceHolder(lang.L("whole day"))
	p.toTime.SetPlaceHolder(lang.L("whole day"))
	p.reason.SetPlaceHolder(lang.L("e.g. leave, training"))
	p.add = widget.NewButtonWithIcon(lang.L("Add the absence"), theme.ContentAddIcon(), func() { u.addAbsence(p) })
	p.add.Importance = widget.HighImportance
	when := func(d *widget.DateEntry, t *widget.SelectEntry) fyne.CanvasObject {
		return container.NewHBox(container.New(fixedWidth(220), d), container.New(fixedWidth(190), t))
	}
	form := widget.NewForm(
		&widget.FormItem{Text: lang.L("From"), Widget: when(p.from, p.fromTime), HintText: lang.L("Leave the time empty for the whole day.")},
		&widget.FormItem{Text: lang.L("To"), Widget: when(p.to, p.toTime), HintText: lang.L("Leave the day empty for a single day.")},
		widget.NewFormItem(lang.L("Reason"), p.reason),
	)
	u.settingsPage(p, container.NewVBox(
		peopleToolbar(heading(lang.L("Absences of {{.Name}}", map[string]any{"Name": name})), u.backToTeam()),
		paragraph(lang.L("Leave, training, illness: no appointment is proposed with {{.Name}} during an absence. Appointments already booked stay: Relais lists them so you can move them.", map[string]any{"Name": name})),
		form,
		container.NewHBox(p.add, layout.NewSpacer()),
		p.problem,
		p.result,
		p.conflictBox,
		widget.NewSeparator(),
		subheading(lang.L("Absences to come")),
		p.listBox,
	))
	u.loadAbsences(p)
}

// absenceWhen reads the form: a day without a time is the whole day, and
// the end day is the start day when left empty.
func (p *absencePage) absenceWhen() (start, end time.Time, problem string, err error) {
	if p.from.Date == nil {
		return start, end, lang.L("Choose the first day of the absence."), nil
	}
	first := dateOf(p.from)
	last := first
	if p.to.Date != nil {
		last = dateOf(p.to)
	}
	start = appointments.At(first, 0)
	if t := clockInput(p.fromTime.Text); t != "" {
		c, err := appointments.ParseClock(t)
		if err != nil {
			return start, end, "", err
		}
		start = appointments.At(first, c)
	}
	end = appointments.At(last.AddDate(0, 0, 1), 0)
	if t := clockInput(p.toTime.Text); t != "" {
		c, err := appointments.ParseClock(t)
		if err != nil {
			return start, end, "", err
		}
		end = appointments.At(last, c)
	}
	return start, end, "", nil
}

func (u *UI) addAbsence(p *absencePage) {
	p.result.Hide()
	start, end, text, err := p.absenceWhen()
	if text != "" || err != nil {
		setProblem(p.problem, text+Message(err))
		return
	}
	a := appointments.Absence{Mediator: p.mediator, Start: start, End: end, Reason: p.reason.Text}
	sched, ppl := u.sched, u.people
	submitOnPage(u, p, p.add, p.problem, func() ([]conflict, error) {
		id, err := sched.AddAbsence(a)
		if err != nil {
			return nil, err
		}
		es, err := sched.AbsenceConflicts(id)
		return findConflicts(ppl, es), err
	}, func(found []conflict) {
		p.from.SetDate(nil)
		p.to.SetDate(nil)
		p.fromTime.SetText("")
		p.toTime.SetText("")
		p.reason.SetText("")
		var lines []string
		for _, c := range found {
			lines = append(lines, conflictLine(c))
		}
		p.showConflicts(lines)
		u.loadAbsences(p)
	})
}

// conflict is an appointment booked during an absence, with its person's name.
type conflict struct {
	entry appointments.Entry
	who   string // "" when the person is unknown
}

// findConflicts reads the names of the people of es. It runs off the Fyne
// goroutine.
func findConflicts(ppl *people.Service, es []appointments.Entry) []conflict {
	out := make([]conflict, len(es))
	for i, e := range es {
		out[i].entry = e
		if p, err := ppl.Get(e.Person); err == nil {
			out[i].who = p.FullName()
		}
	}
	return out
}

// conflictLine writes an appointment to move, « mardi 24 novembre 2026 ·
// 14:30 — Awa Diallo — Demande de RSA ».
func conflictLine(c conflict) string {
	what := c.entry.Procedure
	if proc, err := appointments.FindProcedure(c.entry.Procedure); err == nil {
		what = proc.Title
	}
	return peopleWhen(c.entry.Start) + " — " + orUnknown(c.who) + " — " + what
}

// absenceText writes an absence; a time of midnight is a whole day.
func absenceText(a appointments.Absence) string {
	start, end := peopleWhen(a.Start), peopleWhen(a.End)
	wholeStart, wholeEnd := appointments.ClockOf(a.Start) == 0, appointments.ClockOf(a.End) == 0
	if wholeStart {
		start = longDate(a.Start.In(appointments.Paris))
	}
	if wholeEnd {
		end = longDate(a.End.In(appointments.Paris).AddDate(0, 0, -1))
	}
	text := lang.L("From {{.First}} to {{.Last}}", map[string]any{"First": start, "Last": end})
	if wholeStart && wholeEnd && start == end {
		text = lang.L("On {{.Day}}", map[string]any{"Day": start})
	}
	if a.Reason != "" {
		text += " · " + a.Reason
	}
	return text
}

func (p *absencePage) showConflicts(lines []string) {
	p.conflicts = lines
	p.conflictBox.RemoveAll()
	p.result.Show()
	if len(lines) == 0 {
		p.result.Importance = widget.SuccessImportance
		p.result.SetText(lang.L("The absence is saved. No appointment is booked during it."))
		return
	}
	p.result.Importance = widget.WarningImportance
	p.result.SetText(lang.L("The absence is saved. These appointments fall during it: move them from the agenda or the person's file, and let the people know.") + "\n" +
		lang.L("Appointments to move: {{.Count}}", map[string]any{"Count": len(lines)}))
	for _, l := range lines {
		p.conflictBox.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, paragraph(l)))
	}
}

// loadAbsences lists the mediator's absences not over yet.
func (u *UI) loadAbsences(p *absencePage) {
	db, now := u.session.DB, time.Now()
	background(u, func() ([]appointments.Absence, error) {
		var out []appointments.Absence
		err := store.NewCollection[appointments.Absence](db, appointments.AbsenceKind).All(func(_ string, a appointments.Absence) error {
			if a.Mediator == p.mediator && a.End.After(now) {
				out = append(out, a)
			}
			return nil
		})
		slices.SortFunc(out, func(a, b appointments.Absence) int { return a.Start.Compare(b.Start) })
		return out, err
	}, func(list []appointments.Absence, err error) {
		if u.shownPage() != p {
			return
		}
		if err != nil {
			setProblem(p.problem, Message(err))
			return
		}
		p.absences = nil
		p.listBox.RemoveAll()
		for _, a := range list {
			text := absenceText(a)
			p.absences = append(p.absences, text)
			p.listBox.Add(paragraph(text))
		}
		if len(list) == 0 {
			p.listBox.Add(peopleDim(lang.L("No absence planned.")))
		}
	})
}
