package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
)

// Test hooks of the retention card, the erase button and the notice.

// RetentionView holds the widgets of the retention card.
type RetentionView struct {
	Object          fyne.CanvasObject
	Current         *widget.Label
	Person, Details *widget.Entry // nil when read-only
	Save            *widget.Button
	Saved, Problem  *widget.Label
}

// RetentionCard builds the retention card of the settings.
func (u *UI) RetentionCard() RetentionView {
	v := u.retentionCard().(*retentionView)
	return RetentionView{v, v.current, v.person, v.details, v.save, v.saved, v.problem}
}

// EraseView holds the erase button and, once Open was called, its
// confirmation dialog.
type EraseView struct {
	Object  fyne.CanvasObject
	Button  *widget.Button
	v       *eraseView
	Dialog  *dialog.CustomDialog
	Name    *widget.Entry
	Erase   *widget.Button
	Problem *widget.Label
}

// EraseButton builds the erase button of person's file.
func (u *UI) EraseButton(person string, done func()) *EraseView {
	v := u.eraseButton(person, done).(*eraseView)
	return &EraseView{Object: v, Button: v.button, v: v}
}

// Open taps the button and picks up the dialog's widgets.
func (e *EraseView) Open() {
	e.v.button.OnTapped()
	e.Dialog, e.Name, e.Erase, e.Problem = e.v.dialog, e.v.name, e.v.erase, e.v.problem
}

// ActAs makes the screens see the signed-in member of staff with another
// role (the services keep theirs).
func (u *UI) ActAs(role actor.Role) {
	a := u.si.Actor
	u.si.Actor = actor.New(a.Login, a.Name, role, a.Centre)
}

// SaveNoticeTo saves the information notice to path, as if chosen in the
// save dialog.
func (u *UI) SaveNoticeTo(path string) {
	noticeSaveHook = func(*UI) string { return path }
	defer func() { noticeSaveHook = nil }()
	u.saveNotice(u.win)
}
