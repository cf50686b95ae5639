package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/store"
)

// weekOrder is the order of the days on screen: the French week starts on Monday.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// rangesPerDay is how many ranges a day takes on screen: the morning and the
// afternoon around the lunch break.
const rangesPerDay = 2

// clockChoices are the times offered in the lists, every quarter of an hour
// of a help desk's day; any other time can still be typed.
func clockChoices() []string {
	var out []string
	for m := 7 * 60; m <= 21*60; m += 15 {
		out = append(out, appointments.Clock(m).String())
	}
	return out
}

// dayRow is one weekday of a weekEditor.
type dayRow struct {
	day    time.Weekday
	off    *widget.Check
	starts [rangesPerDay]*widget.SelectEntry
	ends   [rangesPerDay]*widget.SelectEntry
}

// weekEditor edits a Week: for each weekday, up to two ranges typed or
// chosen in a list, or a box ticked when nobody is there. It serves the
// centre's opening hours and each mediator's availability.
type weekEditor struct {
	rows [7]*dayRow // by time.Weekday
	box  *fyne.Container
}

// newWeekEditor builds an editor; offLabel names the box of a day without
// ranges (« Fermé » for the centre, « Ne reçoit pas » for a mediator).
func newWeekEditor(offLabel string) *weekEditor {
	e := &weekEditor{}
	choices := clockChoices()
	header := container.NewHBox(
		container.New(fixedWidth(110), widget.NewLabel("")),
		container.New(fixedWidth(150), widget.NewLabel("")),
		container.New(fixedWidth(250), widget.NewLabelWithStyle(lang.L("Hours"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		container.New(fixedWidth(250), widget.NewLabelWithStyle(lang.L("Second range (optional)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
	)
	e.box = container.NewVBox(header)
	for _, d := range weekOrder {
		r := &dayRow{day: d}
		line := container.NewHBox(
			container.New(fixedWidth(110), widget.NewLabelWithStyle(capitalised(weekdayName(d)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		)
		r.off = widget.NewCheck(offLabel, func(off bool) { r.setOff(off) })
		line.Add(container.New(fixedWidth(150), r.off))
		for i := range rangesPerDay {
			r.starts[i] = widget.NewSelectEntry(choices)
			r.ends[i] = widget.NewSelectEntry(choices)
			line.Add(container.NewHBox(
				container.New(fixedWidth(110), r.starts[i]),
				container.NewCenter(widget.NewLabel("–")),
				container.New(fixedWidth(110), r.ends[i]),
			))
		}
		e.rows[d] = r
		e.box.Add(line)
	}
	return e
}

func (r *dayRow) setOff(off bool) {
	for i := range rangesPerDay {
		for _, s := range []*widget.SelectEntry{r.starts[i], r.ends[i]} {
			if off {
				s.Disable()
			} else {
				s.Enable()
			}
		}
	}
}

// set shows w: a day without ranges is ticked off.
func (e *weekEditor) set(w appointments.Week) {
	for _, r := range e.rows {
		ranges := w[r.day]
		for i := range rangesPerDay {
			start, end := "", ""
			if i < len(ranges) {
				start, end = ranges[i].Start.String(), ranges[i].End.String()
			}
			r.starts[i].SetText(start)
			r.ends[i].SetText(end)
		}
		r.off.SetChecked(len(ranges) == 0)
		r.setOff(len(ranges) == 0)
	}
}

// week reads the editor. A refusal names the day it concerns.
func (e *weekEditor) week() (appointments.Week, error) {
	var w appointments.Week
	for _, d := range weekOrder {
		r := e.rows[d]
		if r.off.Checked {
			continue
		}
		for i := range rangesPerDay {
			start, end := clockInput(r.starts[i].Text), clockInput(r.ends[i].Text)
			if start == "" && end == "" {
				continue
			}
			if start == "" || end == "" {
				return w, weekProblem{day: d, text: lang.L("Enter both the start and the end of each range.")}
			}
			rg, err := appointments.ParseRange(start, end)
			if err != nil {
				return w, weekProblem{day: d, err: err}
			}
			w[d] = append(w[d], rg)
		}
		if len(w[d]) == 0 {
			return w, weekProblem{day: d, text: lang.L("Enter the hours, or tick « {{.Box}} ».", map[string]any{"Box": r.off.Text})}
		}
		var one appointments.Week
		one[d] = w[d]
		if err := one.Validate(); err != nil {
			return w, weekProblem{day: d, err: err}
		}
	}
	return w, nil
}

// weekProblem is a refusal of the week editor: the day, and either a
// domain problem or the editor's own sentence, already translated.
type weekProblem struct {
	day  time.Weekday
	err  error
	text string
}

func (p weekProblem) Error() string {
	if p.err != nil {
		return fmt.Sprintf("%s: %v", p.day, p.err)
	}
	return fmt.Sprintf("%s: %s", p.day, p.text)
}

func (p weekProblem) Unwrap() error { return p.err }

// weekMessage writes a refusal of the week editor for the person: « Mardi :
// L'heure de fin… ».
func weekMessage(err error) string {
	var p weekProblem
	if !errors.As(err, &p) {
		return Message(err)
	}
	text := p.text
	if p.err != nil {
		text = Message(p.err)
	}
	return lang.L("{{.Day}}: {{.Problem}}", map[string]any{"Day": capitalised(weekdayName(p.day)), "Problem": text})
}

// clockInput accepts what people type quickly: « 9 » is 9:00 and « 1330 »
// is 13:30; the rest goes to ParseClock as typed.
func clockInput(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return s
	}
	switch len(s) {
	case 1, 2:
		return s + ":00"
	case 3, 4:
		return s[:len(s)-2] + ":" + s[len(s)-2:]
	}
	return s
}

// settingsPage shows page in place of the Settings panel, scrolling; the
// panel comes back with the page's « back » button.
func (u *UI) settingsPage(page any, content fyne.CanvasObject) {
	h := u.home
	holder := &pageHolder{content: content, page: page}
	holder.ExtendBaseWidget(holder)
	h.current = sectionSettings
	h.panel = holder
	h.content.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(container.NewPadded(holder)))}
	h.content.Refresh()
}

// pageHolder draws a page of the Settings section and remembers which page
// it is, so a background job can tell whether its page is still shown.
type pageHolder struct {
	widget.BaseWidget
	content fyne.CanvasObject
	page    any
}

func (h *pageHolder) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(h.content) }

// shownPage returns the Settings page shown, or nil.
func (u *UI) shownPage() any {
	if u.home == nil || u.session == nil || u.screen != screenHome {
		return nil
	}
	if h, ok := u.home.panel.(*pageHolder); ok {
		return h.page
	}
	return nil
}

// submitOnPage saves something from a Settings page: button (when not nil)
// is disabled while work runs off the Fyne goroutine; then, if page is still
// the one shown, a refusal goes to problem, or problem is cleared and done
// runs with the result.
func submitOnPage[T any](u *UI, page any, button *widget.Button, problem *widget.Label, work func() (T, error), done func(T)) {
	if button != nil {
		button.Disable()
	}
	background(u, work, func(v T, err error) {
		if button != nil {
			button.Enable()
		}
		if u.shownPage() != page {
			return
		}
		if err != nil {
			setProblem(problem, Message(err))
			return
		}
		setProblem(problem, "")
		done(v)
	})
}

func (u *UI) backToSettings() *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Back to the settings"), theme.NavigateBackIcon(), func() { u.openSection(sectionSettings) })
}

// hoursPage is « Horaires du centre »: the weekly opening hours and the
// exceptional closures.
type hoursPage struct {
	editor     *weekEditor
	save       *widget.Button
	copyMonday *widget.Button
	problem    *widget.Label
	saved      *widget.Label
	notSet     *widget.Label

	closureFrom, closureTo *widget.DateEntry
	closureReason          *widget.Entry
	addClosure             *widget.Button
	closureProblem         *widget.Label
	closureBox             *fyne.Container
	closures               []closureLine
}

// closureLine is a closure shown in the list.
type closureLine struct {
	id     string
	c      appointments.Closure
	text   string
	remove *widget.Button
}

// hoursData is what the page loads.
type hoursData struct {
	week     appointments.Week
	closures []closureLine
}

func (u *UI) openHours() {
	p := &hoursPage{
		editor:         newWeekEditor(lang.L("Closed")),
		problem:        problemLabel(),
		saved:          paragraph(""),
		notSet:         paragraph(lang.L("No opening hours are saved yet: no appointment can be booked until they are.")),
		closureFrom:    widget.NewDateEntry(),
		closureTo:      widget.NewDateEntry(),
		closureReason:  widget.NewEntry(),
		closureProblem: problemLabel(),
		closureBox:     container.NewVBox(),
	}
	p.saved.Importance = widget.SuccessImportance
	p.saved.Hide()
	p.notSet.Importance = widget.WarningImportance
	p.notSet.TextStyle.Bold = true
	p.notSet.Hide()
	p.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { u.saveHours(p) })
	p.save.Importance = widget.HighImportance
	p.copyMonday = widget.NewButtonWithIcon(lang.L("Same hours as Monday from Tuesday to Friday"), theme.ContentCopyIcon(), func() { p.editor.copyMonday() })
	p.closureReason.SetPlaceHolder(lang.L("e.g. Christmas holidays"))
	p.addClosure = widget.NewButtonWithIcon(lang.L("Add the closure"), theme.ContentAddIcon(), func() { u.addClosure(p) })

	closureForm := widget.NewForm(
		widget.NewFormItem(lang.L("First day"), container.NewHBox(container.New(fixedWidth(220), p.closureFrom))),
		&widget.FormItem{Text: lang.L("Last day"), Widget: container.NewHBox(container.New(fixedWidth(220), p.closureTo)),
			HintText: lang.L("Leave empty for a single day.")},
		widget.NewFormItem(lang.L("Reason"), p.closureReason),
	)
	u.settingsPage(p, container.NewVBox(
		peopleToolbar(heading(lang.L("Opening hours of the centre")), u.backToSettings()),
		paragraph(lang.L("Appointments are proposed only during these hours. Type the times like 9:00 or 13h30, or choose them in the list; the second range is for the afternoon after the lunch break.")),
		p.notSet,
		p.editor.box,
		container.NewHBox(p.save, p.copyMonday, layout.NewSpacer()),
		p.problem,
		p.saved,
		widget.NewSeparator(),
		subheading(lang.L("Exceptional closures")),
		paragraph(lang.L("Days when the centre is closed (holidays, bank holidays, training): no appointment is proposed on them.")),
		closureForm,
		container.NewHBox(p.addClosure, layout.NewSpacer()),
		p.closureProblem,
		p.closureBox,
	))
	u.loadHours(p)
}

// copyMonday gives Tuesday to Friday Monday's hours.
func (e *weekEditor) copyMonday() {
	mon := e.rows[time.Monday]
	for d := time.Tuesday; d <= time.Friday; d++ {
		r := e.rows[d]
		for i := range rangesPerDay {
			r.starts[i].SetText(mon.starts[i].Text)
			r.ends[i].SetText(mon.ends[i].Text)
		}
		r.off.SetChecked(mon.off.Checked)
		r.setOff(mon.off.Checked)
	}
}

// loadHours reads the hours and the closures to come.
func (u *UI) loadHours(p *hoursPage) {
	sched, db, centre := u.sched, u.session.DB, u.session.CentreID
	today := appointments.DayOf(time.Now())
	background(u, func() (hoursData, error) {
		var d hoursData
		var err error
		if d.week, err = sched.OpeningHours(centre); err != nil {
			return d, err
		}
		d.closures, err = centreClosures(db, centre, today)
		return d, err
	}, func(d hoursData, err error) {
		if u.shownPage() != p {
			return
		}
		if err != nil {
			setProblem(p.problem, Message(err))
			return
		}
		p.editor.set(d.week)
		empty := true
		for _, rs := range d.week {
			empty = empty && len(rs) == 0
		}
		if empty {
			p.notSet.Show()
		} else {
			p.notSet.Hide()
		}
		p.showClosures(u, d.closures)
	})
}

func (p *hoursPage) showClosures(u *UI, lines []closureLine) {
	p.closures = lines
	p.closureBox.RemoveAll()
	if len(lines) == 0 {
		p.closureBox.Add(peopleDim(lang.L("No closure planned.")))
	}
	for i := range p.closures {
		l := &p.closures[i]
		l.text = closureText(l.c)
		l.remove = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() { u.removeClosure(p, l.id) })
		p.closureBox.Add(peopleToolbar(paragraph(l.text), l.remove))
	}
}

// closureText is « Du mercredi 24 décembre 2026 au vendredi 2 janvier 2027 · Vacances ».
func closureText(c appointments.Closure) string {
	first, err1 := appointments.ParseDay(c.First)
	last, err2 := appointments.ParseDay(c.Last)
	var text string
	switch {
	case err1 != nil || err2 != nil:
		text = c.First + " – " + c.Last
	case c.First == c.Last:
		text = lang.L("On {{.Day}}", map[string]any{"Day": longDate(first)})
	default:
		text = lang.L("From {{.First}} to {{.Last}}", map[string]any{"First": longDate(first), "Last": longDate(last)})
	}
	if c.Reason != "" {
		text += " · " + c.Reason
	}
	return text
}

func (u *UI) saveHours(p *hoursPage) {
	p.saved.Hide()
	w, err := p.editor.week()
	if err != nil {
		setProblem(p.problem, weekMessage(err))
		return
	}
	setProblem(p.problem, "")
	sched, centre := u.sched, u.session.CentreID
	submitOnPage(u, p, p.save, p.problem, func() (struct{}, error) { return struct{}{}, sched.SetOpeningHours(centre, w) }, func(struct{}) {
		p.notSet.Hide()
		p.saved.SetText(lang.L("The opening hours are saved."))
		p.saved.Show()
	})
}

// dateDay writes the day a DateEntry holds as "2006-01-02", or "".
func dateDay(e *widget.DateEntry) string {
	if e.Date == nil {
		return ""
	}
	return e.Date.Format(appointments.DayLayout)
}

// dateOf returns noon, Paris time, of the day a DateEntry holds: the
// calendar gives midnight in the computer's zone, which is not always the
// same day in Paris.
func dateOf(e *widget.DateEntry) time.Time {
	y, m, d := e.Date.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, appointments.Paris)
}

func (u *UI) addClosure(p *hoursPage) {
	first, last := dateDay(p.closureFrom), dateDay(p.closureTo)
	if first == "" {
		setProblem(p.closureProblem, lang.L("Choose the first day of the closure."))
		return
	}
	if last == "" {
		last = first
	}
	c := appointments.Closure{Centre: u.session.CentreID, First: first, Last: last, Reason: p.closureReason.Text}
	sched := u.sched
	submitOnPage(u, p, p.addClosure, p.closureProblem, func() (string, error) { return sched.AddClosure(c) }, func(string) {
		p.closureFrom.SetDate(nil)
		p.closureTo.SetDate(nil)
		p.closureReason.SetText("")
		u.reloadClosures(p)
	})
}

func (u *UI) removeClosure(p *hoursPage, id string) {
	sched := u.sched
	submitOnPage(u, p, nil, p.closureProblem, func() (struct{}, error) { return struct{}{}, sched.RemoveClosure(id) }, func(struct{}) {
		u.reloadClosures(p)
	})
}

// reloadClosures reads the closures again, leaving the hours being edited alone.
func (u *UI) reloadClosures(p *hoursPage) {
	db, centre := u.session.DB, u.session.CentreID
	today := appointments.DayOf(time.Now())
	background(u, func() ([]closureLine, error) { return centreClosures(db, centre, today) }, func(lines []closureLine, err error) {
		if u.shownPage() != p {
			return
		}
		if err != nil {
			setProblem(p.closureProblem, Message(err))
			return
		}
		p.showClosures(u, lines)
	})
}

// centreClosures reads the closures of a centre not over before today, the
// first to come first. It runs off the Fyne goroutine.
func centreClosures(db *store.DB, centre, today string) ([]closureLine, error) {
	var out []closureLine
	err := store.NewCollection[appointments.Closure](db, appointments.ClosureKind).All(func(id string, c appointments.Closure) error {
		if c.Centre == centre && c.Last >= today {
			out = append(out, closureLine{id: id, c: c})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b closureLine) int { return strings.Compare(a.c.First+a.id, b.c.First+b.id) })
	return out, err
}
