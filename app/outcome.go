package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/staff"
)

// outcomeForm records what happened at an appointment: how autonomous the
// person was, a short note and the next step.
type outcomeForm struct {
	u       *UI
	session *staff.Session
	entry   appointments.Entry
	dlg     *dialog.CustomDialog
	open    bool

	levels               []appointments.Autonomy
	choices              []*widget.Button
	chosen               appointments.Autonomy
	note, next           *widget.Entry
	save, bookNext, back *widget.Button
	problem              *widget.Label
}

// showOutcomeForm opens the outcome form of appointment e of the person
// named person.
func (u *UI) showOutcomeForm(e appointments.Entry, person string) {
	f := &outcomeForm{u: u, session: u.session, entry: e,
		levels: []appointments.Autonomy{appointments.DoneFor, appointments.DoneWith, appointments.DoneAlone}}
	u.panels().outcome = f

	var choices []fyne.CanvasObject
	for _, level := range f.levels {
		b := widget.NewButtonWithIcon(autonomyName(level), theme.RadioButtonIcon(), func() { f.choose(level) })
		b.Alignment = widget.ButtonAlignLeading
		f.choices = append(f.choices, b)
		tall := canvas.NewRectangle(nil)
		tall.SetMinSize(fyne.NewSize(0, 52))
		choices = append(choices, container.NewStack(tall, b))
	}
	f.note = widget.NewMultiLineEntry()
	f.note.SetPlaceHolder(lang.L("What was done, what is missing…"))
	f.note.SetMinRowsVisible(3)
	f.note.Wrapping = fyne.TextWrapWord
	f.next = widget.NewEntry()
	f.next.SetPlaceHolder(lang.L("e.g. come back with the tax notice"))
	f.problem = problemLabel()

	f.back = widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { f.record(nil) })
	f.bookNext = widget.NewButtonWithIcon(lang.X("agenda.book_next", "Book the next step"), theme.CalendarIcon(), func() {
		f.record(func() { u.startBooking(e.Person) })
	})
	f.bookNext.Importance = widget.HighImportance

	about := paragraph(joinNonEmpty(" · ", person, procedureTitle(e.Procedure), capitalised(longDate(e.Start))+" "+clockText(e.Start)))
	content := container.NewVBox(
		about,
		widget.NewLabelWithStyle(lang.L("How was the procedure done?"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(choices...),
		widget.NewLabelWithStyle(lang.X("agenda.short_note", "Short note"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.note,
		widget.NewLabelWithStyle(lang.X("agenda.next_step", "Next step"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.next,
		f.problem,
		container.NewHBox(f.back, layout.NewSpacer(), f.save, f.bookNext),
	)
	f.dlg = dialog.NewCustomWithoutButtons(lang.X("agenda.outcome", "Outcome"), content, u.win)
	f.dlg.SetOnClosed(func() { f.open = false })
	f.open = true
	f.dlg.Show()
	fitDialog(u, f.dlg, 600)
}

// choose marks level as the one chosen, like a radio button.
func (f *outcomeForm) choose(level appointments.Autonomy) {
	f.chosen = level
	for i, b := range f.choices {
		if f.levels[i] == level {
			b.SetIcon(theme.RadioButtonCheckedIcon())
			b.Importance = widget.HighImportance
		} else {
			b.SetIcon(theme.RadioButtonIcon())
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

// record saves the outcome in the background; then closes the form,
// refreshes the screen behind and runs then, if any.
func (f *outcomeForm) record(then func()) {
	o := appointments.Outcome{Autonomy: f.chosen, Note: f.note.Text, NextStep: f.next.Text}
	sched, id := f.u.sched, f.entry.ID
	f.save.Disable()
	f.bookNext.Disable()
	setProblem(f.problem, "")
	background(f.u, func() (struct{}, error) { return struct{}{}, sched.RecordOutcome(id, o) }, func(_ struct{}, err error) {
		f.save.Enable()
		f.bookNext.Enable()
		if f.u.session != f.session {
			return
		}
		if err != nil {
			setProblem(f.problem, Message(err))
			fitDialog(f.u, f.dlg, 600)
			return
		}
		f.dlg.Hide()
		f.u.refreshAppointments()
		if then != nil {
			then()
		}
	})
}
