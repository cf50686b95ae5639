package app

import (
	"fyne.io/fyne/v2/widget"
)

// Test hooks of the Journal section.

// SectionJournal is the Journal section's id.
const SectionJournal = sectionJournal

// JournalView holds what the Journal section shows.
type JournalView struct {
	Open bool // the journal is shown
	// Restricted is the sentence other roles read instead, "" when the
	// journal is shown.
	Restricted                              string
	Person                                  *widget.Entry
	PersonChoice, Colleague, Centre, Action *widget.Select
	From, To                                *widget.DateEntry
	Clear, Verify, More                     *widget.Button
	Count, Problem, Result                  string
	Breaks                                  []string
	Rows                                    []JournalRow
}

// JournalRow is the text of an entry of the list.
type JournalRow struct {
	ID, When, What, Whose, Who string
}

func (u *UI) JournalView() JournalView {
	s := u.journalScreens()
	v := s.view
	if v == nil || !v.alive() {
		var jv JournalView
		if s.restricted != nil && u.home != nil && u.home.current == sectionJournal {
			jv.Restricted = s.restricted.Text
		}
		return jv
	}
	jv := JournalView{Open: true, Person: v.person, PersonChoice: v.personChoice, Colleague: v.colleague,
		Centre: v.centre, Action: v.action, From: v.from, To: v.to, Clear: v.clear, Verify: v.verify, More: v.more,
		Count: v.count.Text}
	if v.problem.Visible() {
		jv.Problem = v.problem.Text
	}
	if v.result.Visible() {
		jv.Result = v.result.Text
	}
	for _, o := range v.breaks.Objects {
		if l, ok := o.(*widget.Label); ok {
			jv.Breaks = append(jv.Breaks, l.Text)
		}
	}
	for _, r := range v.rows {
		jv.Rows = append(jv.Rows, JournalRow{r.id, r.when, r.what, r.whose, r.who})
	}
	return jv
}
