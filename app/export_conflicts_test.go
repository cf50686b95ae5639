package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Test hooks of « Conflits ».

// conflictPanels holds the panel ShowConflicts opened, by UI.
var conflictPanels = map[*UI]*conflictsView{}

// ShowConflicts builds the « Conflits » panel and shows it in the home
// screen's content area, as a section does.
func (u *UI) ShowConflicts() {
	p := u.conflictsPanel()
	h := u.home
	h.panel = p
	h.content.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(p))}
	h.content.Refresh()
	conflictPanels[u] = p.(*conflictsView)
}

// ConflictsView holds the widgets of « Conflits ».
type ConflictsView struct {
	Open    bool
	Refresh *widget.Button
	Empty   *widget.Label // the empty state, when shown
	Rows    []ConflictRow
	Problem *widget.Label
	Done    *widget.Label
	Compare ConflictCompare       // when a conflict is open
	Confirm *dialog.ConfirmDialog // « keep the other version? », while open
}

// ConflictRow is a line of the list.
type ConflictRow struct {
	ID, Kind, RecordID string
	Title, Detail      string
	Compare            *widget.Button
}

// ConflictCompare is the comparison of one conflict.
type ConflictCompare struct {
	Open                   bool
	ID, Title              string
	Current, Other         string // « modifiée le … » of each column
	Fields                 []ComparedField
	KeepCurrent, KeepOther *widget.Button
	CannotKeepOther        string // why the other version cannot be kept
	Identical              bool
}

// ComparedField is a row of the comparison, as shown.
type ComparedField struct {
	Label, Current, Other string
	Differs               bool
}

func (u *UI) ConflictsView() ConflictsView {
	p := conflictPanels[u]
	if p == nil {
		return ConflictsView{}
	}
	v := ConflictsView{Open: true, Refresh: p.refresh, Empty: p.empty, Problem: p.problem, Done: p.done, Confirm: p.confirm}
	for _, r := range p.rows {
		v.Rows = append(v.Rows, ConflictRow{r.entry.ID, r.entry.Kind, r.entry.RecordID, r.title.Text, r.detail.Text, r.compare})
	}
	if c := p.open; c != nil {
		v.Compare = ConflictCompare{Open: true, ID: c.entry.ID, Title: c.title, Current: c.current.Text, Other: c.other.Text,
			KeepCurrent: c.keepCurrent, KeepOther: c.keepOther, Identical: c.identical}
		if c.cannotKeepOther != nil {
			v.Compare.CannotKeepOther = c.cannotKeepOther.Text
		}
		for _, f := range c.fields {
			v.Compare.Fields = append(v.Compare.Fields, ComparedField{f.label, f.current, f.other, f.differs})
		}
	}
	return v
}
