package app

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/staff"
)

// deskPanels holds the state of the agenda, desk and appointment screens of
// a window. homeScreen belongs to home.go; these panels keep theirs here.
// Read and written on the Fyne goroutine only (the mutex is for tests that
// build several windows).
type deskPanels struct {
	agenda  *agendaView
	desk    *deskView
	appt    *appointmentDialog
	outcome *outcomeForm
	network *networkView
	guides  *guidesSection
	// openGuide is the guide the Guides section opens when it is shown next.
	openGuide *guideRequest
}

func (u *UI) panels() *deskPanels { return &u.panelState }

// Widths of the agenda's columns: they share the width of the window and
// never get narrower than this (the view scrolls sideways instead).
const (
	dayColumnWidth  = 240
	weekColumnWidth = 170
)

// agendaView is the Agenda section: a centre's day with one column per
// mediator, or its week with one column per day.
type agendaView struct {
	u       *UI
	session *staff.Session
	day     time.Time // noon, Paris time
	week    bool

	date                     *widget.Label
	prev, today, next        *widget.Button
	dayMode, weekMode        *widget.Button
	workshop                 *widget.Button // « Atelier collectif… »
	problem                  *widget.Label
	body                     *fyne.Container
	loads                    int // each load's number: a late answer to an old one is dropped
	shown                    agendaData
	columns                  []string        // headers shown
	cards                    [][]*agendaCard // day view: per column
	weekLists                []*widget.List
	weekItems                [][]weekLine
	weekHeaders              []*widget.Button
	renderStarted, renderEnd time.Time
}

// agendaData is what one load read: one day agenda, or the seven of a week.
type agendaData struct {
	day   time.Time
	week  bool
	days  []appointments.Agenda
	names map[string]string // person id → name, "" when unknown
}

// weekLine is one appointment of the week view.
type weekLine struct {
	item     appointments.AgendaItem
	mediator string
}

func (u *UI) agendaPanel() fyne.CanvasObject {
	v := &agendaView{u: u, session: u.session, day: noon(clock())}
	p := u.panels()
	p.agenda = v
	if p.desk != nil {
		p.desk.halt() // the desk is no longer shown
	}

	v.prev = widget.NewButtonWithIcon(lang.X("agenda.previous", "Previous"), theme.NavigateBackIcon(), func() { v.shift(-1) })
	v.today = widget.NewButton(lang.X("agenda.today", "Today"), func() { v.day = noon(clock()); v.load() })
	v.next = widget.NewButtonWithIcon(lang.X("agenda.next", "Next"), theme.NavigateNextIcon(), func() { v.shift(1) })
	v.next.IconPlacement = widget.ButtonIconTrailingText
	v.dayMode = widget.NewButton(lang.X("agenda.day", "Day"), func() { v.week = false; v.load() })
	v.weekMode = widget.NewButton(lang.X("agenda.week", "Week"), func() { v.week = true; v.load() })
	v.date = subheading("")
	v.date.Wrapping = fyne.TextWrapOff
	v.date.Truncation = fyne.TextTruncateEllipsis
	v.problem = problemLabel()
	v.body = container.NewStack()
	v.workshop = v.workshopButton()

	bar := container.NewBorder(nil, nil,
		container.NewHBox(v.prev, v.today, v.next),
		container.NewHBox(v.workshop, v.dayMode, v.weekMode),
		v.date)
	v.load()
	return container.NewBorder(container.NewVBox(bar, v.problem), nil, nil, nil, v.body)
}

// noon is the Paris noon of t's day: days move by AddDate without the
// clock changes of spring and autumn moving them to another day.
func noon(t time.Time) time.Time {
	p := t.In(appointments.Paris)
	return time.Date(p.Year(), p.Month(), p.Day(), 12, 0, 0, 0, appointments.Paris)
}

// monday is the Monday of day's week.
func monday(day time.Time) time.Time {
	return day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
}

func (v *agendaView) shift(n int) {
	if v.week {
		n *= 7
	}
	v.day = v.day.AddDate(0, 0, n)
	v.load()
}

// load reads the day (or week) in the background, then shows it.
func (v *agendaView) load() {
	v.loads++
	n := v.loads
	day, week := v.day, v.week
	if week {
		v.date.SetText(lang.L("Week of {{.Date}}", map[string]any{"Date": longDate(monday(day))}))
		v.weekMode.Importance, v.dayMode.Importance = widget.HighImportance, widget.MediumImportance
	} else {
		v.date.SetText(capitalised(longDate(day)))
		v.dayMode.Importance, v.weekMode.Importance = widget.HighImportance, widget.MediumImportance
	}
	v.dayMode.Refresh()
	v.weekMode.Refresh()
	sched, ppl, centre := v.u.sched, v.u.people, v.session.CentreID
	background(v.u, func() (agendaData, error) {
		d := agendaData{day: day, week: week}
		var err error
		if week {
			d.days, err = sched.WeekAgenda(centre, day)
		} else {
			var a appointments.Agenda
			a, err = sched.DayAgenda(centre, day)
			d.days = []appointments.Agenda{a}
		}
		if err != nil {
			return d, err
		}
		names := newPersonNames(ppl)
		for _, a := range d.days {
			for _, c := range a.Columns {
				for _, it := range c.Appointments {
					names.name(it.Person)
				}
			}
		}
		d.names = names.names
		return d, nil
	}, func(d agendaData, err error) {
		if n != v.loads || v.u.session != v.session {
			return // an older load, or the desk was locked meanwhile
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		setProblem(v.problem, "")
		v.show(d)
	})
}

// refreshAppointments reads again the agenda or the desk shown, after an
// appointment changed.
func (u *UI) refreshAppointments() {
	if u.home == nil || u.session == nil {
		return
	}
	p := u.panels()
	switch {
	case u.home.current == sectionAgenda && p.agenda != nil && p.agenda.session == u.session:
		p.agenda.load()
	case p.desk != nil && p.desk.alive():
		p.desk.reload()
	}
}

func (v *agendaView) show(d agendaData) {
	v.renderStarted = time.Now()
	v.shown = d
	var content fyne.CanvasObject
	if d.week {
		content = v.weekView(d)
	} else {
		content = v.dayView(d)
	}
	// RemoveAll and Add lay the new view out without refreshing every card
	// twice, as body.Refresh would: 100 cards took 62 ms to build, now 28 ms
	// (TestAgendaBusyDayDrawsQuickly without painting).
	v.body.RemoveAll()
	v.body.Add(content)
	canvas.Refresh(v.body) // repaint, without refreshing each widget again
	v.renderEnd = time.Now()
}

func (v *agendaView) dayView(d agendaData) fyne.CanvasObject {
	a := d.days[0]
	v.columns, v.cards = nil, nil
	v.weekLists, v.weekItems, v.weekHeaders = nil, nil, nil
	if len(a.Columns) == 0 {
		return container.NewVBox(paragraph(lang.L("No mediator receives at the centre on this day.")))
	}
	cols := make([]fyne.CanvasObject, 0, len(a.Columns))
	for _, c := range a.Columns {
		header := widget.NewLabelWithStyle(c.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		header.Truncation = fyne.TextTruncateEllipsis
		count := small(countText(len(c.Appointments)))
		items := []fyne.CanvasObject{container.New(tightVBox{}, header, count), widget.NewSeparator()}
		var cards []*agendaCard
		for _, it := range c.Appointments {
			mediator := c.Name
			card := newAgendaCard(it, personName(d.names, it.Person), func() { v.u.openAppointment(it.ID, mediator) })
			cards = append(cards, card)
			items = append(items, card)
		}
		v.columns = append(v.columns, c.Name)
		v.cards = append(v.cards, cards)
		cols = append(cols, container.NewVBox(items...))
	}
	return container.NewScroll(container.New(&columnsLayout{minWidth: dayColumnWidth}, cols...))
}

func (v *agendaView) weekView(d agendaData) fyne.CanvasObject {
	v.columns, v.cards = nil, nil
	v.weekLists, v.weekItems, v.weekHeaders = nil, nil, nil
	today := appointments.DayOf(clock())
	cols := make([]fyne.CanvasObject, 0, len(d.days))
	for _, a := range d.days {
		var lines []weekLine
		for _, c := range a.Columns {
			for _, it := range c.Appointments {
				lines = append(lines, weekLine{item: it, mediator: c.Name})
			}
		}
		slices.SortStableFunc(lines, func(x, y weekLine) int { return x.item.Start.Compare(y.item.Start) })
		day, err := appointments.ParseDay(a.Day)
		if err != nil {
			continue
		}
		day = noon(day)
		header := widget.NewButton(shortDate(day), func() { v.day, v.week = day, false; v.load() })
		if a.Day == today {
			header.Importance = widget.HighImportance
		}
		list := widget.NewList(
			func() int { return len(lines) },
			func() fyne.CanvasObject {
				l := widget.NewLabel("")
				l.Truncation = fyne.TextTruncateEllipsis
				l.SizeName = theme.SizeNameCaptionText
				return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, l)
			},
			func(i widget.ListItemID, o fyne.CanvasObject) {
				row := o.(*fyne.Container)
				it := lines[i].item
				row.Objects[0].(*widget.Label).SetText(weekLineText(it, personName(d.names, it.Person)))
				row.Objects[1].(*widget.Icon).SetResource(statusIcon(it.Status))
			})
		list.OnSelected = func(i widget.ListItemID) {
			list.UnselectAll()
			v.u.openAppointment(lines[i].item.ID, lines[i].mediator)
		}
		var body fyne.CanvasObject = list
		if len(lines) == 0 {
			body = container.NewVBox(small(lang.X("agenda.no_appointment", "No appointment")))
		}
		v.weekLists = append(v.weekLists, list)
		v.weekItems = append(v.weekItems, lines)
		v.weekHeaders = append(v.weekHeaders, header)
		cols = append(cols, container.NewBorder(container.NewVBox(header, small(countText(len(lines)))), nil, nil, nil, body))
	}
	return container.NewHScroll(container.New(&columnsLayout{minWidth: weekColumnWidth}, cols...))
}

// cardText is the line of an appointment: « 14:30 · Awa Diallo · Déclaration de revenus ».
func cardText(it appointments.AgendaItem, person string) string {
	return clockText(it.Start) + " · " + person + " · " + procedureTitle(it.Procedure)
}

func weekLineText(it appointments.AgendaItem, person string) string {
	return clockText(it.Start) + " " + person
}

func personName(names map[string]string, id string) string { return orUnknown(names[id]) }

// orUnknown is name, or « Personne inconnue » when it is empty.
func orUnknown(name string) string {
	if name == "" {
		return lang.X("agenda.unknown_person", "Unknown person")
	}
	return name
}

// countText is « 11 rendez-vous ».
func countText(n int) string {
	if plural(n) {
		return lang.L("{{.Count}} appointments", map[string]any{"Count": n})
	}
	return lang.L("{{.Count}} appointment", map[string]any{"Count": n})
}

// shortDate is « lun. 23 ».
func shortDate(day time.Time) string {
	names := [...]string{
		lang.L("sunday.short"), lang.L("monday.short"), lang.L("tuesday.short"), lang.L("wednesday.short"),
		lang.L("thursday.short"), lang.L("friday.short"), lang.L("saturday.short"),
	}
	return names[day.Weekday()] + " " + strconv.Itoa(day.Day())
}

// capitalised returns s with its first letter in upper case, for a date
// heading: « Samedi 21 novembre 2026 ».
func capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// columnsLayout lays its objects side by side, sharing the width given, each
// at least minWidth wide, and as tall as the tallest (or the area).
type columnsLayout struct{ minWidth float32 }

func (l *columnsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var h float32
	for _, o := range objects {
		h = max(h, o.MinSize().Height)
	}
	n := float32(len(objects))
	return fyne.NewSize(n*l.minWidth+max(n-1, 0)*pad, h)
}

func (l *columnsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if len(objects) == 0 {
		return
	}
	pad := theme.Padding()
	n := float32(len(objects))
	w := max(l.minWidth, (size.Width-(n-1)*pad)/n)
	for i, o := range objects {
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

var _ fyne.Layout = (*columnsLayout)(nil)

// spacedHBox is a row of objects with a flexible space after them.
func spacedHBox(objects ...fyne.CanvasObject) *fyne.Container {
	return container.NewHBox(append(objects, layout.NewSpacer())...)
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
