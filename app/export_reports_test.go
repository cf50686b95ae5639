package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Test hooks of the Rapports section and of the people import.

// SectionReports is the Rapports section's id.
const SectionReports = sectionReports

// Count and Share expose the panel's number formats.
var (
	Count      = count
	Share      = share
	Duration   = duration
	MonthLabel = monthLabel
)

// ReportsView holds what the Rapports section shows.
type ReportsView struct {
	Open bool // the figures are shown
	// Restricted is the explanation other roles read instead, "" when the
	// figures are shown.
	Restricted            string
	Month, Title          string
	Prev, Next            *widget.Button
	Scope                 *widget.RadioGroup
	Status                string // while the figures are read
	Problem, Result       string
	ResultImportance      widget.Importance
	Figures               [][2]string // each key figure: number, words
	Charts                []string    // the charts' titles
	Monthly, Appointments *widget.Button
	Accompaniments, Radar *widget.Button
	Agenda, Import        *widget.Button
	Loaded                bool // figures were read for the period shown
}

func (u *UI) ReportsView() ReportsView {
	s := u.reportsScreens()
	v := s.view
	if v == nil || !v.alive() {
		var rv ReportsView
		if s.restricted != nil && u.home != nil && u.home.current == sectionReports {
			rv.Restricted = s.restricted.Text
		}
		return rv
	}
	shown := func(l *widget.Label) string {
		if l.Visible() {
			return l.Text
		}
		return ""
	}
	return ReportsView{Open: true, Month: v.month.Text, Title: v.title.Text, Prev: v.prev, Next: v.next, Scope: v.scope,
		Status: shown(v.status), Problem: shown(v.problem), Result: shown(v.result), ResultImportance: v.result.Importance,
		Figures: v.figureTexts, Charts: v.chartTitles,
		Monthly: v.monthly, Appointments: v.appointments, Accompaniments: v.accompanied, Radar: v.radarCSV,
		Agenda: v.agenda, Import: v.importPeople, Loaded: v.report != nil && v.report.Period == v.period}
}

// InterceptReportSaves stands in for the save dialogs of the Rapports
// section, and InterceptImportOpen for the import's file dialog.
func (u *UI) InterceptReportSaves(f func(name string) (fyne.URIWriteCloser, error)) {
	u.reportsScreens().saveHook = f
}

func (u *UI) InterceptImportOpen(f func() (fyne.URIReadCloser, error)) {
	u.reportsScreens().openHook = f
}

// HoldJobs makes the next long jobs wait for gate to close before they
// start, so a test can cancel one that has not finished.
func (u *UI) HoldJobs(gate chan struct{}) { u.reportsScreens().gate = gate }

// HearImport hears each batch the import writes, on the importing
// goroutine.
func (u *UI) HearImport(f func(written, of int)) { u.reportsScreens().importProgress = f }

// TaskView holds the progress dialog of the long job running.
type TaskView struct {
	Running bool
	Text    string
	Value   float64
	Cancel  *widget.Button
	// Stop cancels the job as « Cancel » does, from any goroutine.
	Stop func()
}

func (u *UI) TaskView() TaskView {
	t := u.reportsScreens().task
	if t == nil {
		return TaskView{}
	}
	return TaskView{Running: true, Text: t.text.Text, Value: t.bar.Value, Cancel: t.cancel, Stop: t.stop}
}

// AgendaChooserView holds the form of « Agenda (.ics)… ».
type AgendaChooserView struct {
	Shown            bool
	Centre, Mediator *widget.Select
}

func (u *UI) AgendaChooserView() AgendaChooserView {
	v := u.reportsScreens().view
	if v == nil || v.agendaChooser == nil {
		return AgendaChooserView{}
	}
	return AgendaChooserView{true, v.agendaChooser.centre, v.agendaChooser.mediator}
}

// ConfirmAgenda taps the form's « Choose the file… ».
func (u *UI) ConfirmAgenda() {
	v := u.reportsScreens().view
	ch := v.agendaChooser
	v.agendaChooser = nil
	ch.dlg.Hide()
	ch.save()
}

// PeopleImportView holds what the import shows.
type PeopleImportView struct {
	Preview          bool // the preview was shown
	Summary, Details string
	Rows             [][]string // the table's rows, as shown
	Problems         []string
	Duplicates       []string
	Keep             []*widget.Check
	Confirm, Cancel  *widget.Button
	Message          string // the last outcome told
	Done             bool   // the import ran
	Written          int
}

func (u *UI) PeopleImportView() PeopleImportView {
	imp := u.reportsScreens().imp
	if imp == nil {
		return PeopleImportView{}
	}
	v := PeopleImportView{Preview: imp.dlg != nil, Message: imp.message, Done: imp.done, Written: imp.written,
		Problems: imp.problems, Keep: imp.keep, Confirm: imp.confirm, Cancel: imp.cancel}
	if imp.dlg != nil {
		v.Summary, v.Details = imp.summary.Text, imp.details.Text
		for i := range min(len(imp.preview.Rows), importTableRows) {
			v.Rows = append(v.Rows, imp.cells(i))
		}
		for _, d := range imp.duplicates {
			v.Duplicates = append(v.Duplicates, d.text)
		}
	}
	return v
}

// ShowPeopleImport opens the import as « Import people (CSV)… » does.
func (u *UI) ShowPeopleImport() { u.showPeopleImport() }

// SelectImportTab shows a tab of the preview: 0 the lines, 1 the problems,
// 2 the duplicates.
func (u *UI) SelectImportTab(i int) { u.reportsScreens().imp.tabs.SelectIndex(i) }
