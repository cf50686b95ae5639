package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/rgpd"
)

// eraseView is the « Effacer la personne… » button of a person's file and
// the confirmation it opens. Only coordinators and administrators see it.
type eraseView struct {
	widget.BaseWidget
	u      *UI
	person string
	done   func()
	button *widget.Button

	// The confirmation, while open.
	dialog  *dialog.CustomDialog
	name    *widget.Entry // the person's first name, typed to confirm
	erase   *widget.Button
	problem *widget.Label
	first   string // the first name to type
}

func (v *eraseView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.button) }

// eraseButton returns the button that erases person (right to erasure),
// then calls done (when not nil) on the Fyne goroutine. It is hidden from
// roles that may not erase.
func (u *UI) eraseButton(person string, done func()) fyne.CanvasObject {
	v := &eraseView{u: u, person: person, done: done}
	v.button = widget.NewButtonWithIcon(lang.L("Erase the person…"), theme.DeleteIcon(), v.confirm)
	v.button.Importance = widget.DangerImportance
	v.ExtendBaseWidget(v)
	if !u.si.Actor.Can(actor.ErasePeople) {
		v.Hide()
	}
	return v
}

// confirm opens the dialog that says what erasing does and asks for the
// person's first name.
func (v *eraseView) confirm() {
	u := v.u
	p, err := u.people.Get(v.person)
	if err != nil {
		dialog.ShowInformation(lang.L("Erase the person"), Message(rgpd.ErrUnknownPerson), u.win)
		return
	}
	v.first = p.FirstName
	v.name = widget.NewEntry()
	v.name.SetPlaceHolder(lang.L("First name"))
	v.problem = problemLabel()
	v.erase = widget.NewButtonWithIcon(lang.L("Erase for good"), theme.DeleteIcon(), v.submit)
	v.erase.Importance = widget.DangerImportance
	v.name.OnSubmitted = func(string) { v.submit() }
	cancel := widget.NewButton(lang.L("Cancel"), func() { v.dialog.Hide() })
	content := container.NewVBox(
		paragraph(lang.L("Everything Relais keeps about {{.Name}} will be erased, here and on the partner centres' computers at their next synchronisation: the file and the consent, the procedures followed, the radar follow-up and the guides.", map[string]any{"Name": p.FullName()})+
			"\n\n"+lang.L("The appointments and visits stay in the activity figures, without the name and without the notes.")+
			"\n\n"+lang.L("This cannot be undone. Before, you can give the person a copy of their data with « Their data… ».")),
		widget.NewLabelWithStyle(lang.L("To confirm, type the person's first name:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.name,
		v.problem,
		container.NewHBox(layout.NewSpacer(), cancel, v.erase),
	)
	v.dialog = dialog.NewCustomWithoutButtons(lang.L("Erase {{.Name}}?", map[string]any{"Name": p.FullName()}), content, u.win)
	v.dialog.Show()
	v.fit()
	u.win.Canvas().Focus(v.name)
}

// fit sizes the dialog to its content, which grows when a problem shows.
func (v *eraseView) fit() { fitDialog(v.u, v.dialog, 560) }

// showProblem shows text under the first name and makes room for it.
func (v *eraseView) showProblem(text string) {
	setProblem(v.problem, text)
	v.fit()
}

// submit erases once the first name typed matches.
func (v *eraseView) submit() {
	if !sameFirstName(v.name.Text, v.first) {
		v.showProblem(lang.L("The first name typed is not {{.Name}}. Nothing was erased.", map[string]any{"Name": v.first}))
		return
	}
	u := v.u
	db, who, person := u.session.DB, u.si.Actor, v.person
	v.erase.Disable()
	background(u, func() (rgpd.Erasure, error) { return rgpd.Erase(who, db, person) }, func(_ rgpd.Erasure, err error) {
		v.erase.Enable()
		if err != nil {
			v.showProblem(Message(err))
			return
		}
		v.dialog.Hide()
		if u.people != nil {
			_ = u.people.Refresh(person) // the search forgets them at once
		}
		dialog.ShowInformation(lang.L("Erased"), lang.L("{{.Name}} was erased. The partner centres erase their copy at their next synchronisation.", map[string]any{"Name": v.first}), u.win)
		if v.done != nil {
			v.done()
		}
	})
}

// sameFirstName compares what was typed with the first name, forgiving
// case and spaces around.
func sameFirstName(typed, first string) bool {
	return typed != "" && strings.EqualFold(strings.Join(strings.Fields(typed), " "), first)
}
