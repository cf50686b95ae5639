package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// mergeDialog finds the duplicate of the person whose file is open and
// merges it into this file: the appointments of both end up here.
type mergeDialog struct {
	search  *widget.Entry
	results *fyne.Container
	dlg     dialog.Dialog
}

// askMerge opens the dialog that finds the other file to merge into this one.
func (p *peopleSection) askMerge() {
	f := p.file
	if f == nil {
		return
	}
	m := &mergeDialog{search: widget.NewEntry(), results: container.NewVBox()}
	p.merging = m
	m.search.SetPlaceHolder(lang.L("Name or phone of the other file"))
	m.search.OnChanged = func(q string) {
		m.results.Objects = nil
		for _, h := range p.u.people.Search(q, 8) {
			if h.Person.ID == f.person.ID {
				continue
			}
			other := h.Person
			label := other.FullName() + " · " + personSummary(other)
			m.results.Add(widget.NewButtonWithIcon(label, theme.AccountIcon(), func() { p.confirmMerge(other) }))
		}
		m.results.Refresh()
	}
	intro := paragraph(lang.L("Two files for the same person? Find the other one: its appointments and history will be gathered in this file, and it will be closed."))
	content := container.NewBorder(container.NewVBox(intro, m.search), nil, nil, nil, container.NewVScroll(m.results))
	m.dlg = dialog.NewCustom(lang.L("Merge with another file"), lang.L("Cancel"), content, p.u.win)
	m.dlg.Resize(fyne.NewSize(560, 460))
	m.dlg.Show()
	p.u.win.Canvas().Focus(m.search)
}

// confirmMerge asks once more, then merges other into the open file.
func (p *peopleSection) confirmMerge(other people.Person) {
	f := p.file
	msg := lang.L("Merge the file of {{.Other}} into this one? Their appointments move here and their file is closed. This cannot be undone.",
		map[string]any{"Other": other.FullName()})
	dialog.ShowConfirm(lang.L("Merge with another file"), msg, func(ok bool) {
		if ok {
			p.merge(f, other.ID)
		}
	}, p.u.win)
}

// merge moves other into f's person, with their appointments, in one
// transaction, then shows the merged file.
func (p *peopleSection) merge(f *personFile, otherID string) {
	u := p.u
	if p.merging != nil {
		p.merging.dlg.Hide()
		p.merging = nil
	}
	keep, ppl := f.person.ID, u.people
	background(u, func() (people.Person, error) {
		return ppl.Merge(keep, otherID, func(tx *store.Tx) error {
			if _, err := appointments.ReassignPersonIn(tx, otherID, keep); err != nil {
				return err
			}
			if _, err := guides.ReassignPersonIn(tx, otherID, keep); err != nil {
				return err
			}
			_, err := radar.ReassignPersonIn(tx, otherID, keep)
			return err
		})
	}, func(_ people.Person, err error) {
		if p.file != f {
			return
		}
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		p.showFile(keep)
	})
}
