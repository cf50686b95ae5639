package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"relais/radar"
)

// Test hooks of the Radar section, the case panel and the radar's part of
// a person's file.

// SectionRadar is the Radar section's id.
const SectionRadar = sectionRadar

// RadarListPDF exposes radarListPDF.
var RadarListPDF = radarListPDF

// The printed list's types.
type (
	RadarPrintList    = radarPrintList
	RadarPrintHeaders = radarPrintHeaders
	RadarPrintSection = radarPrintSection
	RadarPrintRow     = radarPrintRow
)

// RadarView holds what the Radar section shows.
type RadarView struct {
	Open bool // the network's list is shown
	// Restricted is the explanation other roles read instead, "" when the
	// list is shown.
	Restricted                             string
	Centre, Rule, Procedure, Mediator, Age *widget.Select
	List                                   *widget.List
	Count                                  string
	Rows                                   []RadarRow // every entry, in order
	Print                                  *widget.Button
	Printed, Problem                       string
	Weeks                                  []radar.WeekCount
	NoShow, Inactive, DueSoon, Attempts    *widget.Entry
	Unreachable                            *widget.Check
	SaveRules                              *widget.Button
	RulesProblem, RulesSaved               string
}

// RadarRow is the text of a row of the list.
type RadarRow struct {
	Person, Name, Side, Rules string
}

func (u *UI) RadarView() RadarView {
	s := u.radarScreens()
	v := s.view
	if v == nil || !v.alive() {
		var rv RadarView
		if s.restricted != nil && u.home != nil && u.home.current == sectionRadar {
			rv.Restricted = s.restricted.Text
		}
		return rv
	}
	rv := RadarView{Open: true, Centre: v.centre, Rule: v.rule, Procedure: v.procedure, Mediator: v.mediator, Age: v.age,
		List: v.list, Count: v.count.Text, Print: v.print, Weeks: v.weeks,
		NoShow: v.noShow, Inactive: v.inactive, DueSoon: v.dueSoon, Attempts: v.attempts, Unreachable: v.unreachable,
		SaveRules: v.saveRules}
	shown := func(l *widget.Label) string {
		if l.Visible() {
			return l.Text
		}
		return ""
	}
	rv.Printed, rv.Problem = shown(v.printed), shown(v.problem)
	rv.RulesProblem, rv.RulesSaved = shown(v.rulesProblem), shown(v.rulesSaved)
	for _, e := range v.entries {
		r := v.row(e)
		rv.Rows = append(rv.Rows, RadarRow{e.Person, r.name, r.side, r.rules})
	}
	return rv
}

// RadarCase holds what the case panel shown last holds.
type RadarCase struct {
	Open                      bool
	Person                    string
	Name, Reach, Hits, Status string
	Timeline                  []string
	OpenFile                  *widget.Button
	Kind                      *widget.Select
	Answered                  *widget.Check
	Outcome                   *widget.Entry
	Next                      *widget.DateEntry
	Log                       *widget.Button
	AssignTo                  *widget.Select
	Assign                    *widget.Button
	Reason                    *widget.Select
	Close                     *widget.Button
	Problem, Saved            string
}

func (u *UI) RadarCase() RadarCase {
	c := u.radarScreens().kase
	if c == nil || !c.loaded {
		return RadarCase{}
	}
	rc := RadarCase{Open: true, Person: c.person, Name: c.name.Text, Reach: c.reach.Text, Hits: c.hits.Text, Status: c.status.Text,
		Timeline: c.timelineText, OpenFile: c.openFile, Kind: c.kind, Answered: c.answered, Outcome: c.outcome, Next: c.next,
		Log: c.log, AssignTo: c.assignTo, Assign: c.assign, Reason: c.reason, Close: c.closeCase}
	if c.problem.Visible() {
		rc.Problem = c.problem.Text
	}
	if c.saved.Visible() {
		rc.Saved = c.saved.Text
	}
	return rc
}

// RadarService returns the signed-in session's radar.
func (u *UI) RadarService() *radar.Radar { return u.radar }

// InterceptRadarSaves makes « Imprimer la liste » ask f for the file
// instead of showing the file dialog.
func (u *UI) InterceptRadarSaves(f func(name string) (fyne.URIWriteCloser, error)) {
	u.radarScreens().view.saveHook = f
}

// RadarPrintData builds the printed list of the people shown, as printing does.
func (u *UI) RadarPrintData() (RadarPrintList, error) {
	return u.radarScreens().view.printJob().build()
}

// FileRadarView holds what the radar adds to the person's file shown.
type FileRadarView struct {
	Open              bool
	Banner            bool
	Title, Why        string
	See               *widget.Button
	FollowUps         []string
	Change            []*widget.Button
	Add               *widget.Button
	Form              bool
	Procedure, Status *widget.Select
	Due               *widget.DateEntry
	Missing, Note     *widget.Entry
	Save, Cancel      *widget.Button
	FormProblem       string
	Problem           string
}

func (u *UI) FileRadarView() FileRadarView {
	p := u.currentPeople()
	if p == nil || p.file == nil || p.file.radar == nil {
		return FileRadarView{}
	}
	r := p.file.radar
	v := FileRadarView{Open: true, Banner: r.banner.Visible(), Title: r.title.Text, Why: r.why.Text, See: r.open,
		FollowUps: r.rows, Change: r.edits, Add: r.add}
	if r.problem.Visible() {
		v.Problem = r.problem.Text
	}
	if f := r.form; f != nil {
		v.Form, v.Procedure, v.Status, v.Due, v.Missing, v.Note, v.Save, v.Cancel = true, f.procedure, f.status, f.due, f.missing, f.note, f.save, f.cancel
		if f.problem.Visible() {
			v.FormProblem = f.problem.Text
		}
	}
	return v
}

// RadarDay exposes radarDay.
var RadarDay = radarDay
