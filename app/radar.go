package app

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/radar"
	"relais/staff"
	"relais/store"
)

// radarRefresh is how often the radar's list is read again while it is
// shown: partners' changes arrive by sync, and the clock alone puts people
// on the radar (a no-show reaching its days).
const radarRefresh = 30 * time.Second

// radarWeeks is how many weeks the chart shows.
const radarWeeks = 12

// radarScreens holds the radar screens of a window: the section and the
// case panel shown last, in the section or in a dialog over a file.
// Read and written on the Fyne goroutine only.
type radarScreens struct {
	view       *radarView
	kase       *casePanel
	restricted *widget.Label // what other roles read instead of the list
}

func (u *UI) radarScreens() *radarScreens { return &u.radarState }

// seesNetworkRadar reports whether a role sees the whole network's radar.
// Reception and mediators see it for the people in front of them, on
// their file.
func seesNetworkRadar(r staff.Role) bool { return r == staff.Coordinator || r == staff.Admin }

// radarView is the « Radar » section of a coordinator: the persons to
// contact across the network, the weekly chart and the rules.
type radarView struct {
	u         *UI
	session   *staff.Session
	rd        *radar.Radar
	refresher     // reads the list again every radarRefresh
	loads     int // each load's number: a late answer to an old one is dropped

	filter radar.Filter
	// mediators are the values of the colleague chosen: their staff id
	// and their login, which the entries mix.
	mediators []string
	choices   radarChoices
	settling  bool // the selects are being set by the view, not by a person

	centre, rule, procedure, mediator, age *widget.Select
	count                                  *widget.Label
	print                                  *widget.Button
	printed                                *widget.Label
	problem                                *widget.Label
	list                                   *widget.List
	entries                                []radar.Entry
	rows                                   map[string]radarRow // by person, for the entries shown
	names                                  map[string]string   // person id → name, kept while the view lives
	dir                                    radarDirectory
	rules                                  radar.Rules
	detail                                 *fyne.Container
	selected                               string // the person whose case is shown

	weeks  []radar.WeekCount
	chart  *fyne.Container
	totals *widget.Label

	noShow, inactive, dueSoon, attempts *widget.Entry
	unreachable                         *widget.Check
	saveRules                           *widget.Button
	rulesProblem, rulesSaved            *widget.Label
	rulesShown                          bool

	// saveHook, when set (by tests), stands in for the file save dialog.
	saveHook func(name string) (fyne.URIWriteCloser, error)
}

// radarRow is the text of one row of the list.
type radarRow struct {
	name, side, rules string
}

// radarChoice is an option of a filter and the values behind it.
type radarChoice struct {
	label  string
	values []string // none: no filter
}

// radarChoices are the options of the filters, in the order shown.
type radarChoices struct {
	centres, rules, procedures, mediators []radarChoice
}

// radarAges are the « on the radar for » filter's options.
var radarAges = []struct {
	age   time.Duration
	label func() string
}{
	{0, func() string { return lang.L("Any time on the radar") }},
	{7 * 24 * time.Hour, func() string { return lang.L("For more than a week") }},
	{14 * 24 * time.Hour, func() string { return lang.L("For more than two weeks") }},
	{30 * 24 * time.Hour, func() string { return lang.L("For more than a month") }},
	{91 * 24 * time.Hour, func() string { return lang.L("For more than three months") }},
}

// radarPanel is the Radar section: the network's list for coordinators
// and administrators, an explanation for the other roles.
func (u *UI) radarPanel() fyne.CanvasObject {
	screens := u.radarScreens()
	if old := screens.view; old != nil {
		old.halt()
	}
	screens.view = nil
	screens.restricted = nil
	if !seesNetworkRadar(u.session.Account.Role) {
		return u.radarRestricted()
	}
	v := &radarView{u: u, session: u.session, rd: u.radar,
		rows: map[string]radarRow{}, names: map[string]string{}}
	screens.view = v
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("People to contact"), theme.AccountIcon(), v.listTab()),
		container.NewTabItemWithIcon(lang.L("Week by week"), theme.HistoryIcon(), v.chartTab()),
		container.NewTabItemWithIcon(lang.L("Rules"), theme.SettingsIcon(), v.rulesTab()),
	)
	v.load()
	v.startRefresh(u, radarRefresh, nil, v.alive, v.load)
	return tabs
}

// radarRestricted is the section of reception and mediators: what the
// radar is, and where they see it.
func (u *UI) radarRestricted() fyne.CanvasObject {
	why := paragraph(lang.L("The radar of the network is for coordinators and administrators: they follow up with the people who dropped off, across the centres."))
	u.radarScreens().restricted = why
	return container.NewVScroll(container.NewPadded(container.NewPadded(container.NewVBox(
		heading(lang.L("Radar")),
		why,
		paragraph(lang.L("You see the radar for the people in front of you: when someone is on it, a banner at the top of their file says why, and opens their follow-up. Their procedures followed over time are on their file too.")),
	))))
}

// alive reports whether the view is still the one shown.
func (v *radarView) alive() bool {
	u := v.u
	return u.shows(sectionRadar, v.session) &&
		u.radarScreens().view == v
}

func (v *radarView) listTab() fyne.CanvasObject {
	pick := func() *widget.Select { return widget.NewSelect(nil, func(string) { v.filterChanged() }) }
	v.centre, v.rule, v.procedure, v.mediator, v.age = pick(), pick(), pick(), pick(), pick()
	v.centre.PlaceHolder = lang.L("All centres")
	v.rule.PlaceHolder = lang.L("All reasons")
	v.procedure.PlaceHolder = lang.L("All procedures")
	v.mediator.PlaceHolder = lang.L("All colleagues")
	v.age.PlaceHolder = lang.L("Any time on the radar")
	v.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.print = widget.NewButtonWithIcon(lang.L("Print the list"), theme.DocumentPrintIcon(), v.printList)
	v.printed = paragraph("")
	v.printed.Hide()
	v.problem = problemLabel()

	v.list = widget.NewList(
		func() int { return len(v.entries) },
		newRadarRowTemplate,
		func(i widget.ListItemID, o fyne.CanvasObject) { v.fillRow(i, o) })
	v.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(v.entries) {
			v.showCase(v.entries[i].Person)
		}
	}
	v.detail = container.NewStack(container.NewPadded(container.NewVBox(peopleDim(lang.L("Choose a person in the list to see their follow-up.")))))

	top := container.NewVBox(
		heading(lang.L("Radar")),
		paragraph(lang.L("The people of the network who dropped off: missed appointments, procedures without news, deadlines near, calls without an answer. The most urgent first.")),
		container.NewGridWithColumns(3, v.centre, v.rule, v.procedure, v.mediator, v.age),
		container.NewBorder(nil, nil, nil, v.print, v.count),
		v.printed,
		v.problem,
	)
	split := container.NewHSplit(v.list, v.detail)
	split.Offset = 0.45
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
}

// newRadarRowTemplate is a row of the list: the name and, on the right,
// the centres, the case and who has it; below, the rules in words.
func newRadarRowTemplate() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	side := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	side.Truncation = fyne.TextTruncateEllipsis
	rules := widget.NewLabel("")
	rules.Importance = widget.WarningImportance
	rules.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(0), container.New(radarRowLayout{}, name, side), rules)
}

// radarRowLayout gives the name the room it needs, up to half the row,
// and the rest to the centres and the case.
type radarRowLayout struct{}

func (radarRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width, max(a.Height, b.Height))
}

func (radarRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := size.Width / 2
	if name, ok := objs[0].(*widget.Label); ok {
		w = min(w, fyne.MeasureText(name.Text, theme.TextSize(), name.TextStyle).Width+3*theme.InnerPadding()) // the label's insets, and a gap
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w, size.Height))
}

func (v *radarView) fillRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.entries) {
		return
	}
	r := v.row(v.entries[i])
	box := o.(*fyne.Container)
	top := box.Objects[0].(*fyne.Container)
	top.Objects[0].(*widget.Label).SetText(r.name)
	top.Objects[1].(*widget.Label).SetText(r.side)
	top.Refresh() // the name's width follows its text
	box.Objects[1].(*widget.Label).SetText(r.rules)
}

// row returns the text of an entry's row, made once per load.
func (v *radarView) row(e radar.Entry) radarRow {
	if r, ok := v.rows[e.Person]; ok {
		return r
	}
	var side []string
	if len(e.Centres) > 0 {
		side = append(side, v.dir.centreList(e.Centres))
	}
	side = append(side, caseWords(e.Case))
	if e.Case != nil && e.Case.AssignedTo != "" {
		side = append(side, v.dir.colleague(e.Case.AssignedTo))
	}
	r := radarRow{name: v.personName(e.Person), side: strings.Join(side, " · "), rules: strings.Join(hitsWords(e, v.rules, clock()), " · ")}
	v.rows[e.Person] = r
	return r
}

// personName reads a person's name once per view: the list draws only the
// rows on screen, so only those are read.
func (v *radarView) personName(id string) string {
	if n, ok := v.names[id]; ok {
		return n
	}
	n := ""
	if p, err := v.u.people.Get(id); err == nil {
		n = p.FullName()
	}
	n = orUnknown(n)
	v.names[id] = n
	return n
}

// radarData is what one load of the list read.
type radarData struct {
	all, entries []radar.Entry
	rules        radar.Rules
	weeks        []radar.WeekCount
	dir          radarDirectory
}

// load reads the radar with the filters chosen.
func (v *radarView) load() {
	rd, db, f, meds := v.rd, v.session.DB, v.filter, v.mediators
	loadLatest(v.u, &v.loads, v.alive, v.problem, func() (radarData, error) {
		d := radarData{rules: rd.Rules(), weeks: rd.Weekly(radarWeeks), all: rd.Entries(radar.Filter{})}
		d.entries = rd.Entries(f)
		if len(meds) > 1 {
			d.entries = slices.DeleteFunc(d.entries, func(e radar.Entry) bool {
				return !slices.ContainsFunc(e.Mediators, func(m string) bool { return slices.Contains(meds, m) })
			})
		}
		var err error
		d.dir, err = readRadarDirectory(db)
		return d, err
	}, v.apply)
}

func (v *radarView) apply(d radarData) {
	v.entries, v.rules, v.dir, v.weeks = d.entries, d.rules, d.dir, d.weeks
	v.rows = map[string]radarRow{}
	v.setChoices(d.all)
	if len(d.entries) != len(d.all) {
		v.count.SetText(lang.L("{{.N}} of the {{.Total}} people on the radar", map[string]any{"N": len(d.entries), "Total": len(d.all)}))
	} else if plural(len(d.all)) {
		v.count.SetText(lang.L("{{.N}} people on the radar", map[string]any{"N": len(d.all)}))
	} else {
		v.count.SetText(lang.L("{{.N}} person on the radar", map[string]any{"N": len(d.all)}))
	}
	v.list.Refresh()
	// The person whose case is shown stays selected; Select does not scroll
	// when their row did not move, so a refresh leaves the list where it was.
	if i := slices.IndexFunc(v.entries, func(e radar.Entry) bool { return e.Person == v.selected }); i >= 0 {
		v.list.Select(i)
	} else {
		v.list.UnselectAll()
	}
	v.showChart()
	if !v.rulesShown {
		v.showRules(d.rules)
	}
}

// setChoices fills the filters with the centres, procedures and
// colleagues of the whole radar, keeping what is chosen.
func (v *radarView) setChoices(all []radar.Entry) {
	centres, procedures, mediators := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range all {
		for _, c := range e.Centres {
			centres[c] = true
		}
		for _, p := range e.Procedures {
			procedures[p] = true
		}
		for _, m := range e.Mediators {
			mediators[m] = true
		}
	}
	var c radarChoices
	c.centres = groupChoices(centres, v.dir.centre)
	c.procedures = groupChoices(procedures, procedureTitle)
	c.mediators = groupChoices(mediators, v.dir.colleague)
	for _, r := range radar.AllRules() {
		c.rules = append(c.rules, radarChoice{ruleName(r), []string{string(r)}})
	}
	every := func(label string) radarChoice { return radarChoice{label: label} }
	c.centres = append([]radarChoice{every(lang.L("All centres"))}, c.centres...)
	c.rules = append([]radarChoice{every(lang.L("All reasons"))}, c.rules...)
	c.procedures = append([]radarChoice{every(lang.L("All procedures"))}, c.procedures...)
	c.mediators = append([]radarChoice{every(lang.L("All colleagues"))}, c.mediators...)
	v.choices = c

	v.settling = true
	gone := false // a value chosen is no longer on the radar
	set := func(s *widget.Select, choices []radarChoice) {
		was := s.Selected
		s.Options = nil
		for _, ch := range choices {
			s.Options = append(s.Options, ch.label)
		}
		if slices.Contains(s.Options, was) {
			s.SetSelected(was)
		} else {
			gone = gone || (was != "" && was != s.Options[0])
			s.SetSelectedIndex(0)
		}
		s.Refresh()
	}
	set(v.centre, c.centres)
	set(v.rule, c.rules)
	set(v.procedure, c.procedures)
	set(v.mediator, c.mediators)
	var ages []radarChoice
	for _, a := range radarAges {
		ages = append(ages, radarChoice{label: a.label()})
	}
	set(v.age, ages)
	v.settling = false
	if gone {
		v.filterChanged() // the select now says « all »: so must the list
	}
}

// groupChoices makes one option per name: a colleague is named by their
// staff id in appointments and by their login elsewhere.
func groupChoices(values map[string]bool, name func(string) string) []radarChoice {
	byName := map[string][]string{}
	for val := range values {
		n := name(val)
		byName[n] = append(byName[n], val)
	}
	out := make([]radarChoice, 0, len(byName))
	for n, vals := range byName {
		slices.Sort(vals)
		out = append(out, radarChoice{n, vals})
	}
	slices.SortFunc(out, func(a, b radarChoice) int { return cmp.Compare(strings.ToLower(a.label), strings.ToLower(b.label)) })
	return out
}

// filterChanged reads the filters and loads the list again.
func (v *radarView) filterChanged() {
	if v.settling {
		return
	}
	pick := func(s *widget.Select, choices []radarChoice) []string {
		if i := s.SelectedIndex(); i >= 0 && i < len(choices) {
			return choices[i].values
		}
		return nil
	}
	first := func(vals []string) string {
		if len(vals) == 0 {
			return ""
		}
		return vals[0]
	}
	var f radar.Filter
	f.Centre = first(pick(v.centre, v.choices.centres))
	f.Rule = first(pick(v.rule, v.choices.rules))
	f.Procedure = first(pick(v.procedure, v.choices.procedures))
	v.mediators = pick(v.mediator, v.choices.mediators)
	if len(v.mediators) == 1 {
		f.Mediator = v.mediators[0]
	}
	if i := v.age.SelectedIndex(); i >= 0 && i < len(radarAges) {
		f.MinAge = radarAges[i].age
	}
	v.filter = f
	v.load()
}

// showCase shows the case panel of person on the right.
func (v *radarView) showCase(person string) {
	screens := v.u.radarScreens()
	if v.selected == person && screens.kase != nil && screens.kase.person == person && screens.kase.host == v {
		return
	}
	v.selected = person
	c := newCasePanel(v.u, person, func() { v.load() })
	c.host = v
	screens.kase = c
	v.detail.Objects = []fyne.CanvasObject{peopleScroll(container.NewPadded(c.content))}
	v.detail.Refresh()
	c.load()
}

func (v *radarView) chartTab() fyne.CanvasObject {
	v.chart = container.NewStack()
	v.totals = paragraph("")
	legend := func(name fyne.ThemeColorName, text string) fyne.CanvasObject {
		r := canvas.NewRectangle(theme.Color(name))
		r.SetMinSize(fyne.NewSquareSize(14))
		return container.NewHBox(container.NewCenter(r), widget.NewLabel(text))
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		heading(lang.L("Week by week")),
		paragraph(lang.L("How many follow-ups were opened (people who entered the radar and whom staff acted on) and closed (people who came back, or whose follow-up ended), in each of the last 12 weeks.")),
		container.NewHBox(legend(theme.ColorNamePrimary, lang.L("Follow-ups opened")), legend(theme.ColorNameSuccess, lang.L("Follow-ups closed"))),
		v.chart,
		v.totals,
	)))
}

func (v *radarView) showChart() {
	v.chart.Objects = []fyne.CanvasObject{newWeekChart(v.weeks)}
	v.chart.Refresh()
	in, out := 0, 0
	for _, w := range v.weeks {
		in, out = in+w.Entered, out+w.Left
	}
	v.totals.SetText(lang.L("In 12 weeks: {{.In}} opened, {{.Out}} closed.", map[string]any{"In": in, "Out": out}))
}

// weekChart lays out one pair of bars a week, opened and closed, with the
// counts above and the week's Monday below.
type weekChart struct {
	weeks []radar.WeekCount
}

// newWeekChart draws the weeks with plain rectangles: five objects a week
// (two bars, two counts, the date), then the axis.
func newWeekChart(weeks []radar.WeekCount) *fyne.Container {
	fg := theme.Color(theme.ColorNameForeground)
	text := func(s string) *canvas.Text {
		t := canvas.NewText(s, fg)
		t.TextSize = theme.CaptionTextSize()
		t.Alignment = fyne.TextAlignCenter
		return t
	}
	var objs []fyne.CanvasObject
	for _, w := range weeks {
		objs = append(objs,
			canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
			canvas.NewRectangle(theme.Color(theme.ColorNameSuccess)),
			text(strconv.Itoa(w.Entered)), text(strconv.Itoa(w.Left)),
			text(w.Monday.In(appointments.Paris).Format("02/01")))
	}
	objs = append(objs, canvas.NewLine(theme.Color(theme.ColorNameSeparator)))
	return container.New(&weekChart{weeks}, objs...)
}

func (c *weekChart) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(len(c.weeks))*52, 240)
}

func (c *weekChart) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := len(c.weeks)
	if n == 0 || len(objs) < 5*n+1 {
		return
	}
	top := theme.CaptionTextSize() * 1.6
	bottom := theme.CaptionTextSize() * 2
	area := max(size.Height-top-bottom, 1)
	highest := 1
	for _, w := range c.weeks {
		highest = max(highest, w.Entered, w.Left)
	}
	slot := size.Width / float32(n)
	bar := min(slot*0.34, 28)
	base := top + area
	place := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
	}
	for i, w := range c.weeks {
		mid := slot*float32(i) + slot/2
		hIn := area * float32(w.Entered) / float32(highest)
		hOut := area * float32(w.Left) / float32(highest)
		o := objs[5*i : 5*i+5]
		place(o[0], mid-bar-1, base-hIn, bar, hIn)
		place(o[1], mid+1, base-hOut, bar, hOut)
		th := o[2].MinSize().Height
		place(o[2], mid-bar-1, base-hIn-th, bar, th)
		place(o[3], mid+1, base-hOut-th, bar, th)
		place(o[4], mid-slot/2, base+2, slot, o[4].MinSize().Height)
	}
	axis := objs[5*n].(*canvas.Line)
	axis.Position1 = fyne.NewPos(0, base)
	axis.Position2 = fyne.NewPos(size.Width, base)
}

func (v *radarView) rulesTab() fyne.CanvasObject {
	v.noShow, v.inactive, v.dueSoon, v.attempts = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.unreachable = widget.NewCheck(lang.L("Watch the people with an open procedure who have neither phone nor e-mail"), nil)
	v.saveRules = widget.NewButtonWithIcon(lang.L("Save the rules"), theme.ConfirmIcon(), v.saveTheRules)
	v.saveRules.Importance = widget.HighImportance
	v.rulesProblem = problemLabel()
	v.rulesSaved = paragraph("")
	v.rulesSaved.Importance = widget.SuccessImportance
	v.rulesSaved.Hide()
	narrow := func(e *widget.Entry) fyne.CanvasObject { return container.NewHBox(container.New(fixedWidth(90), e)) }
	form := widget.NewForm(
		&widget.FormItem{Text: lang.L("Missed appointment"), Widget: narrow(v.noShow),
			HintText: lang.L("Days after a missed appointment with nothing booked since.")},
		&widget.FormItem{Text: lang.L("Procedure without news"), Widget: narrow(v.inactive),
			HintText: lang.L("Days an open procedure can go without news nor appointment.")},
		&widget.FormItem{Text: lang.L("Due date near"), Widget: narrow(v.dueSoon),
			HintText: lang.L("Days before a due date with no appointment booked.")},
		&widget.FormItem{Text: lang.L("Calls without an answer"), Widget: narrow(v.attempts),
			HintText: lang.L("Contact attempts in a row without an answer.")},
		widget.NewFormItem("", v.unreachable),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		heading(lang.L("Rules of the radar")),
		paragraph(lang.L("These rules are the same in every centre of the network: a change here reaches the partners with the next synchronisation.")),
		form,
		v.rulesProblem,
		v.rulesSaved,
		container.NewHBox(v.saveRules),
	)))
}

func (v *radarView) showRules(r radar.Rules) {
	v.rulesShown = true
	v.noShow.SetText(strconv.Itoa(r.NoShowDays))
	v.inactive.SetText(strconv.Itoa(r.InactiveDays))
	v.dueSoon.SetText(strconv.Itoa(r.DueSoonDays))
	v.attempts.SetText(strconv.Itoa(r.Attempts))
	v.unreachable.SetChecked(r.Unreachable)
}

func (v *radarView) saveTheRules() {
	v.rulesSaved.Hide()
	var r radar.Rules
	for _, f := range []struct {
		e *widget.Entry
		n *int
	}{{v.noShow, &r.NoShowDays}, {v.inactive, &r.InactiveDays}, {v.dueSoon, &r.DueSoonDays}, {v.attempts, &r.Attempts}} {
		text := strings.TrimSpace(f.e.Text)
		n, err := strconv.Atoi(text)
		if err != nil {
			setProblem(v.rulesProblem, lang.L("« {{.Text}} » is not a whole number.", map[string]any{"Text": text}))
			return
		}
		*f.n = n
	}
	r.Unreachable = v.unreachable.Checked
	rd := v.rd
	radarSubmit(v.u, v.saveRules, v.rulesProblem, func() (struct{}, error) { return struct{}{}, rd.SetRules(r) }, func(struct{}) {
		v.rulesSaved.SetText(lang.L("The rules are saved. The list follows them from now on."))
		v.rulesSaved.Show()
		v.showRules(r)
		if v.alive() {
			v.load()
		}
	})
}

// radarSubmit runs work in the background with button disabled, then
// shows its problem or calls done.
func radarSubmit[T any](u *UI, button *widget.Button, problem *widget.Label, work func() (T, error), done func(T)) {
	if button != nil {
		button.Disable()
	}
	background(u, work, func(v T, err error) {
		if button != nil {
			button.Enable()
		}
		if err != nil {
			setProblem(problem, Message(err))
			return
		}
		setProblem(problem, "")
		done(v)
	})
}

// radarDirectory names the centres and the staff the radar mentions.
type radarDirectory struct {
	centres map[string]string // centre id → name
	staff   map[string]string // staff record id, and login → name
	// colleagues are the active accounts, by name, to give a case to.
	colleagues []radarColleague
}

type radarColleague struct{ login, name string }

// readRadarDirectory reads the centres and the staff. It runs off the
// Fyne goroutine.
func readRadarDirectory(db *store.DB) (radarDirectory, error) {
	d := radarDirectory{centres: map[string]string{}, staff: map[string]string{}}
	err := appointments.Centres(db).All(func(id string, c appointments.Centre) error {
		d.centres[id] = c.Name
		return nil
	})
	if err != nil {
		return d, err
	}
	err = staff.Accounts(db).All(func(id string, a staff.Account) error {
		d.staff[id] = a.Name
		d.staff[a.Login] = a.Name
		if !a.Disabled {
			d.colleagues = append(d.colleagues, radarColleague{a.Login, a.Name})
		}
		return nil
	})
	slices.SortFunc(d.colleagues, func(a, b radarColleague) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.login, b.login))
	})
	return d, err
}

// centre is a centre's name, or « Centre inconnu ».
func (d radarDirectory) centre(id string) string {
	if n := d.centres[id]; n != "" {
		return n
	}
	return lang.L("Unknown centre")
}

func (d radarDirectory) centreList(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = d.centre(id)
	}
	return strings.Join(names, ", ")
}

// colleague is a member of staff's name from their id or login; the login
// itself when the account is not known here.
func (d radarDirectory) colleague(idOrLogin string) string {
	if n := d.staff[idOrLogin]; n != "" {
		return n
	}
	return idOrLogin
}

// ruleName is a rule's short name, for the filter.
func ruleName(r radar.Rule) string {
	switch r {
	case radar.NoShow:
		return lang.L("Absent, nothing booked since")
	case radar.Inactive:
		return lang.L("Procedure without activity")
	case radar.DueSoon:
		return lang.L("Due date near or passed")
	case radar.NoAnswer:
		return lang.L("Attempts without an answer")
	case radar.Unreachable:
		return lang.L("Neither phone nor e-mail")
	}
	return string(r)
}

// hitsWords says why a person is on the radar, one sentence a rule; for
// a person kept by their open case alone, the case.
func hitsWords(e radar.Entry, rules radar.Rules, now time.Time) []string {
	var out []string
	for _, h := range e.Rules {
		out = append(out, hitWords(h, rules, now))
	}
	if len(out) == 0 && e.Case != nil {
		out = append(out, lang.L("Follow-up open since {{.Date}}", map[string]any{"Date": radarDay(e.Case.Opened, now)}))
	}
	return out
}

// hitWords says a rule in words: « Absent·e sans nouveau rendez-vous
// depuis le 12 novembre ».
func hitWords(h radar.Hit, rules radar.Rules, now time.Time) string {
	withProcedure := func(s, code string) string {
		if code == "" {
			return s
		}
		return s + " (" + procedureTitle(code) + ")"
	}
	switch h.Rule {
	case radar.NoShow:
		missed := h.Since.In(appointments.Paris).AddDate(0, 0, -rules.NoShowDays)
		return lang.L("Absent without a new appointment since {{.Date}}", map[string]any{"Date": radarDay(missed, now)})
	case radar.Inactive:
		news := h.Since.In(appointments.Paris).AddDate(0, 0, -rules.InactiveDays)
		n := parisDays(news, now)
		text := lang.L("Procedure without activity for {{.N}} days", map[string]any{"N": n})
		if !plural(n) {
			text = lang.L("Procedure without activity for {{.N}} day", map[string]any{"N": n})
		}
		return withProcedure(text, h.Procedure)
	case radar.DueSoon:
		if now.After(h.Due) {
			return withProcedure(lang.L("Due date passed since {{.Date}}", map[string]any{"Date": radarDay(h.Due, now)}), h.Procedure)
		}
		return withProcedure(lang.L("Due on {{.Date}} without an appointment", map[string]any{"Date": radarDay(h.Due, now)}), h.Procedure)
	case radar.NoAnswer:
		return lang.L("{{.N}} attempts without an answer", map[string]any{"N": h.Count})
	case radar.Unreachable:
		return lang.L("Neither phone nor e-mail: letter or visit")
	}
	return h.Detail
}

// entrySince is when the person entered the radar: their oldest rule, or
// their case's opening.
func entrySince(e radar.Entry) time.Time {
	var t time.Time
	for _, h := range e.Rules {
		if t.IsZero() || h.Since.Before(t) {
			t = h.Since
		}
	}
	if t.IsZero() && e.Case != nil {
		t = e.Case.Opened
	}
	return t
}

// radarDay writes a day as « 12 novembre », with the year when it is not
// this year's.
func radarDay(t, now time.Time) string {
	p := t.In(appointments.Paris)
	day := strconv.Itoa(p.Day())
	if p.Day() == 1 {
		day = lang.X("date.first_day", "1")
	}
	s := day + " " + monthName(p.Month())
	if p.Year() != now.In(appointments.Paris).Year() {
		s += " " + strconv.Itoa(p.Year())
	}
	return s
}

// radarStamp writes an instant for the timeline, « 12/11/2026 14:30 ».
func radarStamp(t time.Time) string { return t.In(appointments.Paris).Format("02/01/2006 15:04") }

// parisDays counts the calendar days from a to b in Paris.
func parisDays(a, b time.Time) int {
	day := func(t time.Time) int {
		y, m, d := t.In(appointments.Paris).Date()
		return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	}
	return day(b) - day(a)
}

// caseWords says where a person's case stands.
func caseWords(c *radar.Case) string {
	if c == nil {
		return lang.L("Nobody acted yet")
	}
	switch c.Status {
	case radar.CaseContacted:
		return lang.L("Reached")
	case radar.CaseClosed:
		return lang.L("Follow-up closed")
	}
	return lang.L("Being followed")
}

// actionName is a kind of action in words.
func actionName(k radar.ActionKind) string {
	switch k {
	case radar.Call:
		return lang.L("Call")
	case radar.SMS:
		return lang.L("Text sent from the centre's phone")
	case radar.Letter:
		return lang.L("Letter")
	case radar.Visit:
		return lang.L("Visit")
	case radar.Referral:
		return lang.L("Referral to a partner")
	}
	return string(k)
}

// reasonName is a reason for closing a case in words.
func reasonName(r radar.CloseReason) string {
	switch r {
	case radar.CameBack:
		return lang.L("Came back")
	case radar.FollowedElsewhere:
		return lang.L("Followed elsewhere")
	case radar.Moved:
		return lang.L("Moved away")
	case radar.Refused:
		return lang.L("Refuses the follow-up")
	case radar.LostTouch:
		return lang.L("Lost touch")
	}
	return string(r)
}

// followUpStatusName is where a procedure stands, in words.
func followUpStatusName(s radar.Status) string {
	switch s {
	case radar.ToStart:
		return lang.L("To start")
	case radar.InProgress:
		return lang.L("In progress")
	case radar.AwaitingDocuments:
		return lang.L("Waiting for documents")
	case radar.Filed:
		return lang.L("Filed, waiting for the answer")
	case radar.Done:
		return lang.L("Done")
	case radar.Abandoned:
		return lang.L("Abandoned")
	}
	return string(s)
}

// casePanel is a person's follow-up on the radar: why they are on it,
// their case, the form to log what staff did, and their timeline across
// the centres. The section shows it beside the list; a file shows it in
// a dialog.
type casePanel struct {
	u       *UI
	session *staff.Session
	person  string
	host    *radarView // the section showing it; nil in a dialog
	changed func()     // after a write, for the host to read again
	content *fyne.Container
	loads   int
	loaded  bool
	data    caseData

	name, reach, hits, status *widget.Label
	openFile                  *widget.Button
	timeline                  *fyne.Container
	timelineText              []string
	kind                      *widget.Select
	answered                  *widget.Check
	outcome                   *widget.Entry
	next                      *widget.DateEntry
	log                       *widget.Button
	assignTo                  *widget.Select
	assign                    *widget.Button
	reason                    *widget.Select
	closeCase                 *widget.Button
	problem, saved            *widget.Label
}

// caseData is what the case panel reads about a person.
type caseData struct {
	person    people.Person
	known     bool // the person's record is here
	entry     radar.Entry
	onRadar   bool
	kase      radar.Case // the open case
	hasCase   bool
	cases     []radar.Case
	followUps []radar.FollowUp
	appts     []appointments.Entry
	dir       radarDirectory
	rules     radar.Rules
}

func newCasePanel(u *UI, person string, changed func()) *casePanel {
	c := &casePanel{u: u, session: u.session, person: person, changed: changed}
	c.name = heading("")
	c.reach = paragraph("")
	c.hits = paragraph("")
	c.hits.Importance = widget.WarningImportance
	c.status = paragraph("")
	c.openFile = widget.NewButtonWithIcon(lang.L("Open the file"), theme.AccountIcon(), func() { u.openPerson(person) })
	c.timeline = container.NewVBox(widget.NewActivity())
	var kinds []string
	for _, k := range radar.ActionKinds() {
		kinds = append(kinds, actionName(k))
	}
	c.kind = widget.NewSelect(kinds, nil)
	c.kind.PlaceHolder = lang.L("Choose how")
	c.answered = widget.NewCheck(lang.L("The person answered"), nil)
	c.outcome = widget.NewMultiLineEntry()
	c.outcome.Wrapping = fyne.TextWrapWord
	c.outcome.SetMinRowsVisible(2)
	c.outcome.SetPlaceHolder(lang.L("What was said, what was agreed"))
	c.next = widget.NewDateEntry()
	c.log = widget.NewButtonWithIcon(lang.L("Save the action"), theme.ConfirmIcon(), c.logAction)
	c.log.Importance = widget.HighImportance
	c.assignTo = widget.NewSelect(nil, nil)
	c.assignTo.PlaceHolder = lang.L("Nobody")
	c.assign = widget.NewButton(lang.L("Give the follow-up"), c.assignCase)
	var reasons []string
	for _, r := range radar.CloseReasons() {
		reasons = append(reasons, reasonName(r))
	}
	c.reason = widget.NewSelect(reasons, nil)
	c.reason.PlaceHolder = lang.L("Choose why")
	c.closeCase = widget.NewButtonWithIcon(lang.L("Close the follow-up"), theme.CancelIcon(), c.closeTheCase)
	c.problem = problemLabel()
	c.saved = paragraph("")
	c.saved.Importance = widget.SuccessImportance
	c.saved.Hide()
	for _, b := range []*widget.Button{c.log, c.assign, c.closeCase} {
		b.Disable() // until the person is read: a new case takes their consent's scope
	}
	wide := func(o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewHBox(container.New(fixedWidth(200), o))
	}
	c.content = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(c.openFile), c.name),
		c.reach, c.hits, c.status,
		c.problem, c.saved,
		widget.NewSeparator(),
		subheading(lang.L("Log an action")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Action"), c.kind),
			widget.NewFormItem("", c.answered),
			widget.NewFormItem(lang.L("What happened"), c.outcome),
			&widget.FormItem{Text: lang.L("Next contact"), Widget: wide(c.next), HintText: lang.L("When to try again, or the next step. May stay empty.")},
		),
		container.NewHBox(c.log),
		widget.NewSeparator(),
		subheading(lang.L("The follow-up")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Given to"), container.NewBorder(nil, nil, nil, c.assign, c.assignTo)),
			widget.NewFormItem(lang.L("Reason"), container.NewBorder(nil, nil, nil, c.closeCase, c.reason)),
		),
		widget.NewSeparator(),
		subheading(lang.L("Timeline across the centres")),
		c.timeline,
	)
	return c
}

// alive reports whether the panel is still the one shown.
func (c *casePanel) alive() bool {
	u := c.u
	return !u.closed && u.session == c.session && u.radarScreens().kase == c
}

// load reads the person, their radar entry, cases, follow-ups and
// appointments in the background.
func (c *casePanel) load() {
	u := c.u
	ppl, sched, rd, db, person := u.people, u.sched, u.radar, u.session.DB, c.person
	// The panel shows the person's file (name, phone, appointments): its
	// first reading goes to the audit log, as opening the file does; the
	// readings again after each action do not repeat it.
	read := ppl.Get
	if c.loads == 0 {
		read = ppl.Open
	}
	loadLatest(u, &c.loads, c.alive, c.problem, func() (caseData, error) {
		var d caseData
		p, err := read(person)
		switch {
		case err == nil:
			d.person, d.known = p, true
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
		d.entry, d.onRadar = rd.EntryOf(person)
		d.rules = rd.Rules()
		if d.cases, err = rd.CasesOf(person); err != nil {
			return d, err
		}
		if d.kase, d.hasCase, err = rd.CaseOf(person); err != nil {
			return d, err
		}
		if d.followUps, err = rd.FollowUpsOf(person); err != nil {
			return d, err
		}
		if d.appts, err = sched.PersonAppointments(person); err != nil {
			return d, err
		}
		d.dir, err = readRadarDirectory(db)
		return d, err
	}, func(d caseData) {
		c.data = d
		c.show()
	})
}

func (c *casePanel) show() {
	d := c.data
	now := clock()
	c.loaded = true
	name := ""
	if d.known {
		name = d.person.FullName()
	}
	c.name.SetText(orUnknown(name))
	c.reach.SetText(reachWords(d.person))
	if d.onRadar {
		c.hits.Importance = widget.WarningImportance
		c.hits.SetText(strings.Join(hitsWords(d.entry, d.rules, now), "\n"))
	} else {
		c.hits.Importance = widget.MediumImportance
		c.hits.SetText(lang.L("Not on the radar at the moment."))
	}
	c.status.SetText(caseLine(d, now))

	opts := []string{lang.L("Nobody")}
	selected := 0
	for i, col := range d.dir.colleagues {
		opts = append(opts, col.name)
		if d.hasCase && col.login == d.kase.AssignedTo {
			selected = i + 1
		}
	}
	c.assignTo.Options = opts
	c.assignTo.SetSelectedIndex(selected)
	c.log.Enable()
	c.assign.Enable()
	if d.hasCase {
		c.closeCase.Enable()
	} else {
		c.closeCase.Disable()
	}

	c.timeline.RemoveAll()
	c.timelineText = nil
	for _, it := range d.timeline() {
		text := radarStamp(it.at) + " — " + it.text
		c.timelineText = append(c.timelineText, text)
		l := paragraph(text)
		l.Importance = it.tone
		c.timeline.Add(l)
	}
	if len(c.timelineText) == 0 {
		c.timeline.Add(peopleDim(lang.L("Nothing recorded yet.")))
	}
}

// reachWords is how to reach a person: their phone and e-mail.
func reachWords(p people.Person) string {
	var ways []string
	if ph := peoplePhone(p.Phone); ph != "" {
		ways = append(ways, ph)
	}
	if p.Email != "" {
		ways = append(ways, p.Email)
	}
	if len(ways) == 0 {
		return lang.L("Neither phone nor e-mail: letter or visit")
	}
	return strings.Join(ways, " · ")
}

// caseLine says where the person's case stands.
func caseLine(d caseData, now time.Time) string {
	if !d.hasCase {
		return lang.L("No follow-up open: saving an action opens one.")
	}
	k := d.kase
	line := lang.L("Follow-up opened on {{.Date}} by the radar's rules", map[string]any{"Date": radarDay(k.Opened, now)})
	if k.OpenedBy != "" {
		line = lang.L("Follow-up opened on {{.Date}} by {{.Name}}", map[string]any{"Date": radarDay(k.Opened, now), "Name": d.dir.colleague(k.OpenedBy)})
	}
	line += " · " + caseWords(&k)
	if k.AssignedTo != "" {
		line += " · " + lang.L("given to {{.Name}}", map[string]any{"Name": d.dir.colleague(k.AssignedTo)})
	}
	return line
}

// timelineItem is one line of a person's timeline.
type timelineItem struct {
	at   time.Time
	text string
	tone widget.Importance
	seq  int // the order of writing: what was written later comes first at the same instant
}

// timeline lists what happened to the person across the centres: their
// appointments, procedures followed, and what staff did on the radar,
// the latest first.
func (d caseData) timeline() []timelineItem {
	var out []timelineItem
	add := func(at time.Time, tone widget.Importance, text string) {
		out = append(out, timelineItem{at, text, tone, len(out)})
	}
	for _, a := range d.appts {
		tone := widget.MediumImportance
		if a.Status == appointments.Absent {
			tone = widget.DangerImportance
		}
		add(a.Start, tone, lang.L("Appointment « {{.Procedure}} » at {{.Centre}}: {{.Status}}",
			map[string]any{"Procedure": procedureTitle(a.Procedure), "Centre": d.dir.centre(a.Centre), "Status": statusName(a.Status)}))
	}
	for _, f := range d.followUps {
		title := procedureTitle(f.Procedure)
		add(f.Opened, widget.MediumImportance, lang.L("Procedure followed from now on: « {{.Procedure}} », at {{.Centre}}",
			map[string]any{"Procedure": title, "Centre": d.dir.centre(f.Centre)}))
		if f.Updated.After(f.Opened) || f.Status != radar.ToStart {
			text := lang.L("Procedure « {{.Procedure}} »: {{.Status}}", map[string]any{"Procedure": title, "Status": followUpStatusName(f.Status)})
			if f.By != "" {
				text += " (" + d.dir.colleague(f.By) + ")"
			}
			add(f.Updated, widget.MediumImportance, text)
		}
	}
	for _, k := range d.cases {
		opened := lang.L("On the radar: follow-up opened by the rules")
		if k.OpenedBy != "" {
			opened = lang.L("On the radar: follow-up opened by {{.Name}}", map[string]any{"Name": d.dir.colleague(k.OpenedBy)})
		}
		at := k.Opened
		if len(k.Actions) > 0 && k.Actions[0].At.Before(at) {
			at = k.Actions[0].At // the action that opened it is stamped a moment before
		}
		add(at, widget.WarningImportance, opened)
		for _, a := range k.Actions {
			text := lang.L("{{.Action}} by {{.Name}}", map[string]any{"Action": actionName(a.Kind), "Name": d.dir.colleague(a.By)})
			if a.Kind != radar.Referral {
				if a.Answered {
					text += " · " + lang.L("answered")
				} else {
					text += " · " + lang.L("no answer")
				}
			}
			if a.Outcome != "" {
				text += " — " + a.Outcome
			}
			if !a.Next.IsZero() {
				text += " · " + lang.L("next contact on {{.Date}}", map[string]any{"Date": radarDay(a.Next, a.At)})
			}
			add(a.At, widget.HighImportance, text)
		}
		if k.Status == radar.CaseClosed {
			text := lang.L("Follow-up closed: {{.Reason}}", map[string]any{"Reason": reasonName(k.Reason)})
			if k.ClosedBy != "" {
				text += " (" + d.dir.colleague(k.ClosedBy) + ")"
			}
			add(k.Closed, widget.SuccessImportance, text)
		}
	}
	slices.SortFunc(out, func(a, b timelineItem) int { return cmp.Or(b.at.Compare(a.at), cmp.Compare(b.seq, a.seq)) })
	return out
}

// logAction records what staff did to reach the person, opening their
// case when they have none.
func (c *casePanel) logAction() {
	c.saved.Hide()
	a := radar.Action{By: c.session.Account.Login, Centre: c.session.CentreID, Answered: c.answered.Checked, Outcome: c.outcome.Text}
	if i := c.kind.SelectedIndex(); i >= 0 && i < len(radar.ActionKinds()) {
		a.Kind = radar.ActionKinds()[i]
	}
	if c.next.Date != nil {
		a.Next = dateOf(c.next)
	}
	rd, person, scope := c.u.radar, c.person, c.data.person.Scope()
	radarSubmit(c.u, c.log, c.problem, func() (radar.Case, error) { return rd.LogActionFor(person, a, scope) }, func(radar.Case) {
		c.kind.ClearSelected()
		c.answered.SetChecked(false)
		c.outcome.SetText("")
		c.next.SetDate(nil)
		c.done(lang.L("The action is saved."))
	})
}

// assignCase gives the case to the colleague chosen, opening it first
// when the person has none.
func (c *casePanel) assignCase() {
	c.saved.Hide()
	d := c.data
	to, name := "", ""
	if i := c.assignTo.SelectedIndex(); i > 0 && i <= len(d.dir.colleagues) {
		to, name = d.dir.colleagues[i-1].login, d.dir.colleagues[i-1].name
	}
	rd, person, by, centre, scope := c.u.radar, c.person, c.session.Account.Login, c.session.CentreID, d.person.Scope()
	radarSubmit(c.u, c.assign, c.problem, func() (radar.Case, error) {
		id := d.kase.ID
		if !d.hasCase {
			k, err := rd.OpenCase(person, by, centre, scope)
			if err != nil {
				return k, err
			}
			id = k.ID
		}
		return rd.Assign(id, to)
	}, func(radar.Case) {
		if to == "" {
			c.done(lang.L("The follow-up is given to nobody."))
		} else {
			c.done(lang.L("The follow-up is given to {{.Name}}.", map[string]any{"Name": name}))
		}
	})
}

// closeTheCase closes the case with the reason chosen.
func (c *casePanel) closeTheCase() {
	c.saved.Hide()
	var reason radar.CloseReason
	if i := c.reason.SelectedIndex(); i >= 0 && i < len(radar.CloseReasons()) {
		reason = radar.CloseReasons()[i]
	}
	rd, id, by := c.u.radar, c.data.kase.ID, c.session.Account.Login
	radarSubmit(c.u, c.closeCase, c.problem, func() (radar.Case, error) { return rd.Close(id, reason, by) }, func(radar.Case) {
		c.reason.ClearSelected()
		c.done(lang.L("The follow-up is closed."))
	})
}

// done says what was saved and reads everything again.
func (c *casePanel) done(message string) {
	c.saved.SetText(message)
	c.saved.Show()
	c.load()
	if c.changed != nil {
		c.changed()
	}
}

// showCaseDialog shows a person's case panel over their file.
func (u *UI) showCaseDialog(person string, changed func()) {
	c := newCasePanel(u, person, changed)
	c.openFile.Hide() // the file is behind the dialog
	u.radarScreens().kase = c
	d := dialog.NewCustom(lang.L("Follow-up on the radar"), lang.L("Close"), peopleScroll(c.content), u.win)
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
	c.load()
}

// fileRadar is what the radar adds to a person's file: a banner when they
// are on the radar, and their procedures followed over time.
type fileRadar struct {
	p       *peopleSection
	f       *personFile
	banner  *fyne.Container
	title   *widget.Label
	why     *widget.Label
	open    *widget.Button
	content *fyne.Container // the « Démarches en cours » part
	list    *fyne.Container
	rows    []string // the text of each follow-up, for tests
	edits   []*widget.Button
	add     *widget.Button
	formBox *fyne.Container
	form    *followUpForm
	problem *widget.Label
}

// followUpForm opens or changes a follow-up on the file.
type followUpForm struct {
	editing      radar.FollowUp // zero ID for a new one
	procedure    *widget.Select
	status       *widget.Select
	due          *widget.DateEntry
	missing      *widget.Entry
	note         *widget.Entry
	save, cancel *widget.Button
	problem      *widget.Label
}

func (p *peopleSection) newFileRadar(f *personFile) *fileRadar {
	u := p.u
	r := &fileRadar{p: p, f: f}
	r.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.title.Wrapping = fyne.TextWrapWord
	r.why = paragraph("")
	r.open = widget.NewButtonWithIcon(lang.L("See the follow-up"), theme.SearchIcon(), func() { u.showCaseDialog(f.person.ID, r.load) })
	r.open.Importance = widget.WarningImportance
	if !u.si.Actor.Can(actor.ReadNotes) {
		r.open.Hide() // the case's log is for those who accompany people
	}
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x30))
	bg.CornerRadius = theme.InputRadiusSize()
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	r.banner = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil,
		container.NewCenter(icon), container.NewCenter(r.open), container.NewVBox(r.title, r.why))))
	r.banner.Hide()
	r.list = container.NewVBox(widget.NewActivity())
	r.add = widget.NewButtonWithIcon(lang.L("Follow a procedure"), theme.ContentAddIcon(), func() { r.showForm(radar.FollowUp{}) })
	if !u.si.Actor.Can(actor.WriteFollowUps) {
		r.add.Hide()
	}
	r.formBox = container.NewVBox()
	r.problem = problemLabel()
	r.content = container.NewVBox(r.list, r.problem, r.formBox, container.NewHBox(r.add))
	return r
}

// fileRadarData is what the file reads from the radar.
type fileRadarData struct {
	entry     radar.Entry
	on        bool
	rules     radar.Rules
	followUps []radar.FollowUp
	dir       radarDirectory
}

// load reads the person's radar entry and follow-ups in the background.
func (r *fileRadar) load() {
	u := r.p.u
	rd, db, id := u.radar, u.session.DB, r.f.person.ID
	background(u, func() (fileRadarData, error) {
		var d fileRadarData
		d.entry, d.on = rd.EntryOf(id)
		d.rules = rd.Rules()
		var err error
		if d.followUps, err = rd.FollowUpsOf(id); err != nil {
			return d, err
		}
		d.dir, err = readRadarDirectory(db)
		return d, err
	}, func(d fileRadarData, err error) {
		if r.p.file != r.f {
			return
		}
		r.list.RemoveAll()
		if err != nil {
			setProblem(r.problem, Message(err))
			return
		}
		r.showBanner(d)
		r.showFollowUps(d)
	})
}

func (r *fileRadar) showBanner(d fileRadarData) {
	if !d.on {
		r.banner.Hide()
		return
	}
	now := clock()
	r.title.SetText(lang.L("On the network's radar since {{.Date}}", map[string]any{"Date": radarDay(entrySince(d.entry), now)}))
	why := hitsWords(d.entry, d.rules, now)
	if k := d.entry.Case; k != nil {
		var about []string // hitsWords already says since when when no rule holds
		if len(d.entry.Rules) > 0 {
			about = append(about, lang.L("Follow-up open since {{.Date}}", map[string]any{"Date": radarDay(k.Opened, now)}))
		}
		if k.Status == radar.CaseContacted {
			about = append(about, caseWords(k))
		}
		if k.AssignedTo != "" {
			about = append(about, lang.L("given to {{.Name}}", map[string]any{"Name": d.dir.colleague(k.AssignedTo)}))
		}
		if len(about) > 0 {
			why = append(why, strings.Join(about, " · "))
		}
	}
	r.why.SetText(strings.Join(why, "\n"))
	r.banner.Show()
	r.banner.Refresh() // showing a container does not lay its parent out again
}

func (r *fileRadar) showFollowUps(d fileRadarData) {
	now := clock()
	r.rows, r.edits = nil, nil
	for _, f := range d.followUps {
		title := procedureTitle(f.Procedure) + " — " + followUpStatusName(f.Status)
		var facts []string
		if !f.Due.IsZero() {
			facts = append(facts, lang.L("due on {{.Date}}", map[string]any{"Date": radarDay(f.Due, now)}))
		}
		if len(f.Missing) > 0 {
			facts = append(facts, lang.L("missing: {{.Documents}}", map[string]any{"Documents": strings.Join(f.Missing, ", ")}))
		}
		changed := lang.L("updated on {{.Date}}", map[string]any{"Date": radarDay(f.Updated, now)})
		if f.By != "" {
			changed = lang.L("updated on {{.Date}} by {{.Name}}", map[string]any{"Date": radarDay(f.Updated, now), "Name": d.dir.colleague(f.By)})
		}
		facts = append(facts, changed)
		if f.Note != "" {
			facts = append(facts, f.Note)
		}
		detail := strings.Join(facts, " · ")
		r.rows = append(r.rows, title+" · "+detail)
		head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: !f.Open()})
		head.Wrapping = fyne.TextWrapWord
		line := paragraph(detail)
		if !f.Due.IsZero() && f.Open() && now.After(f.Due) {
			line.Importance = widget.DangerImportance
		}
		fu := f
		edit := widget.NewButtonWithIcon(lang.L("Change"), theme.DocumentCreateIcon(), func() { r.showForm(fu) })
		r.edits = append(r.edits, edit)
		r.list.Add(container.NewBorder(nil, nil, nil, container.NewVBox(edit), container.NewVBox(head, line)))
	}
	if len(d.followUps) == 0 {
		r.list.Add(peopleDim(lang.L("No procedure followed yet. Follow one to be reminded of its due date and of the missing documents.")))
	}
}

// showForm opens the form on a follow-up, or on a new one when fu has no ID.
func (r *fileRadar) showForm(fu radar.FollowUp) {
	form := &followUpForm{editing: fu, problem: problemLabel()}
	r.form = form
	var titles []string
	for _, p := range appointments.Catalogue() {
		titles = append(titles, p.Title)
	}
	form.procedure = widget.NewSelect(titles, nil)
	form.procedure.PlaceHolder = lang.L("Choose the procedure")
	var statuses []string
	for _, s := range radar.Statuses() {
		statuses = append(statuses, followUpStatusName(s))
	}
	form.status = widget.NewSelect(statuses, nil)
	form.due = widget.NewDateEntry()
	form.missing = widget.NewMultiLineEntry()
	form.missing.SetMinRowsVisible(2)
	form.missing.SetPlaceHolder(lang.L("One document a line"))
	form.note = widget.NewMultiLineEntry()
	form.note.Wrapping = fyne.TextWrapWord
	form.note.SetMinRowsVisible(2)
	form.save = widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), r.saveForm)
	form.save.Importance = widget.HighImportance
	form.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), r.hideForm)

	title := lang.L("Follow a procedure")
	if fu.ID != "" {
		title = lang.L("Change the procedure followed")
		if i := slices.IndexFunc(appointments.Catalogue(), func(p appointments.Procedure) bool { return p.Code == fu.Procedure }); i >= 0 {
			form.procedure.SetSelectedIndex(i)
		}
		form.procedure.Disable()
		if !fu.Due.IsZero() {
			y, m, d := fu.Due.In(appointments.Paris).Date()
			day := time.Date(y, m, d, 0, 0, 0, 0, time.Local)
			form.due.SetDate(&day)
		}
		form.missing.SetText(strings.Join(fu.Missing, "\n"))
		form.note.SetText(fu.Note)
	}
	status := fu.Status
	if status == "" {
		status = radar.ToStart
	}
	form.status.SetSelectedIndex(slices.Index(radar.Statuses(), status))

	r.formBox.Objects = []fyne.CanvasObject{
		widget.NewSeparator(),
		widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewForm(
			widget.NewFormItem(lang.L("Procedure"), form.procedure),
			widget.NewFormItem(lang.L("Where it stands"), form.status),
			&widget.FormItem{Text: lang.L("Due date"), Widget: container.NewHBox(container.New(fixedWidth(200), form.due)),
				HintText: lang.L("A renewal, a declaration: the radar warns a week before. May stay empty.")},
			widget.NewFormItem(lang.L("Missing documents"), form.missing),
			widget.NewFormItem(lang.L("Note"), form.note),
		),
		form.problem,
		container.NewHBox(form.save, form.cancel),
	}
	r.formBox.Refresh()
	r.add.Hide()
}

func (r *fileRadar) hideForm() {
	r.form = nil
	r.formBox.RemoveAll()
	r.add.Show()
}

// saveForm opens or updates the follow-up as the form says.
func (r *fileRadar) saveForm() {
	u := r.p.u
	form := r.form
	if form == nil {
		return
	}
	fu := form.editing
	fu.Person = r.f.person.ID
	if i := form.procedure.SelectedIndex(); i >= 0 && i < len(appointments.Catalogue()) {
		fu.Procedure = appointments.Catalogue()[i].Code
	}
	if i := form.status.SelectedIndex(); i >= 0 && i < len(radar.Statuses()) {
		fu.Status = radar.Statuses()[i]
	}
	fu.Due = time.Time{}
	if form.due.Date != nil {
		fu.Due = dateOf(form.due)
		if old := form.editing.Due; !old.IsZero() && parisDays(old, fu.Due) == 0 {
			fu.Due = old // the same day: keep the hour it was saved with
		}
	}
	fu.Missing = strings.Split(form.missing.Text, "\n")
	fu.Note = form.note.Text
	if fu.Centre == "" {
		fu.Centre = u.session.CentreID
	}
	fu.By = u.session.Account.Login
	rd, scope := u.radar, r.f.person.Scope()
	radarSubmit(u, form.save, form.problem, func() (radar.FollowUp, error) {
		if fu.ID == "" {
			return rd.OpenFollowUp(fu, scope)
		}
		return rd.UpdateFollowUp(fu, scope)
	}, func(radar.FollowUp) {
		if r.form == form {
			r.hideForm()
		}
		r.load()
	})
}
