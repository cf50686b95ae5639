package app

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/staff"
	"relais/workshops"
)

// workshopForm records a collective workshop (« atelier collectif »): its
// theme, when, how long, how many came, and who led it. Nobody's name is
// asked: the activity figures only count participants.
type workshopForm struct {
	dlg                     dialog.Dialog
	title, start            *widget.Entry
	minutes, participants   *widget.Entry
	day                     *widget.DateEntry
	procedure, mediator     *widget.Select
	save                    *widget.Button
	problem                 *widget.Label
	mediatorIDs, procedures []string // behind the selects' options, in order
}

// workshopButton is the agenda's « Atelier collectif… », for roles that
// record accompaniments.
func (v *agendaView) workshopButton() *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("Collective workshop…"), theme.ContentAddIcon(), func() { v.u.showWorkshopForm(v.day) })
	if !v.u.si.Actor.Can(actor.RecordOutcome) {
		b.Hide()
	}
	return b
}

// showWorkshopForm opens the form for a workshop on day.
func (u *UI) showWorkshopForm(day time.Time) {
	f := &workshopForm{
		title: widget.NewEntry(), start: widget.NewEntry(), minutes: widget.NewEntry(), participants: widget.NewEntry(),
		day: widget.NewDateEntry(), problem: problemLabel(),
	}
	u.workshop = f
	f.title.SetPlaceHolder(lang.L("e.g. Create an e-mail address"))
	f.start.SetText("14:00")
	f.minutes.SetText("90")
	d := day
	f.day.SetDate(&d)

	// The centre's staff who accompany people, the person signed in first.
	f.mediator = widget.NewSelect(nil, nil)
	me := -1
	err := staff.Accounts(u.session.DB).All(func(id string, a staff.Account) error {
		if a.Centre != u.session.CentreID || a.Disabled || a.Role == staff.Reception {
			return nil
		}
		if a.Login == u.session.Account.Login {
			me = len(f.mediatorIDs)
		}
		f.mediatorIDs = append(f.mediatorIDs, id)
		f.mediator.Options = append(f.mediator.Options, a.Name)
		return nil
	})
	setProblem(f.problem, Message(err))
	if me >= 0 {
		f.mediator.SetSelectedIndex(me)
	}
	f.procedure = widget.NewSelect([]string{lang.L("No procedure in particular")}, nil)
	f.procedures = []string{""}
	for _, p := range appointments.Catalogue() {
		f.procedures = append(f.procedures, p.Code)
		f.procedure.Options = append(f.procedure.Options, p.Title)
	}
	f.procedure.SetSelectedIndex(0)

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Theme"), f.title),
		widget.NewFormItem(lang.L("Procedure"), f.procedure),
		widget.NewFormItem(lang.L("Day"), f.day),
		widget.NewFormItem(lang.L("Start"), f.start),
		widget.NewFormItem(lang.L("Length (minutes)"), f.minutes),
		widget.NewFormItem(lang.L("Participants"), f.participants),
		widget.NewFormItem(lang.L("Led by"), f.mediator),
	)
	intro := paragraph(lang.L("A workshop counts in the activity figures as a collective accompaniment. Only the number of participants is kept, not their names."))
	cancel := widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	f.save = widget.NewButtonWithIcon(lang.L("Record the workshop"), theme.DocumentSaveIcon(), func() { u.saveWorkshop(f) })
	f.save.Importance = widget.HighImportance
	content := container.NewVBox(intro, form, f.problem, container.NewHBox(layout.NewSpacer(), cancel, f.save))
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Collective workshop"), container.New(fixedWidth(560), content), u.win)
	f.dlg.Show()
	fitDialog(u, f.dlg, 600)
	u.win.Canvas().Focus(f.title)
}

// saveWorkshop checks what the form can check, then records the workshop
// off the Fyne goroutine.
func (u *UI) saveWorkshop(f *workshopForm) {
	setProblem(f.problem, "")
	fitDialog(u, f.dlg, 600)
	w := workshops.Workshop{Centre: u.session.CentreID, Title: f.title.Text}
	if i := f.procedure.SelectedIndex(); i > 0 {
		w.Procedure = f.procedures[i]
	}
	if i := f.mediator.SelectedIndex(); i >= 0 {
		w.Mediator = f.mediatorIDs[i]
	}
	start, err := appointments.ParseClock(f.start.Text)
	if err != nil {
		setProblem(f.problem, Message(err))
		fitDialog(u, f.dlg, 600)
		return
	}
	if f.day.Date != nil {
		w.Start = appointments.At(*f.day.Date, start)
	}
	if w.Minutes, err = strconv.Atoi(strings.TrimSpace(f.minutes.Text)); err != nil {
		w.Minutes = 0 // refused by the domain, with its message
	}
	if w.Participants, err = strconv.Atoi(strings.TrimSpace(f.participants.Text)); err != nil {
		w.Participants = 0
	}
	db, who := u.session.DB, u.si.Actor
	f.save.Disable()
	background(u, func() (string, error) {
		return workshops.Add(db, who, w)
	}, func(_ string, err error) {
		f.save.Enable()
		if err != nil {
			setProblem(f.problem, Message(err))
			fitDialog(u, f.dlg, 600)
			return
		}
		f.dlg.Hide()
		dialog.ShowInformation(lang.L("Workshop recorded"),
			lang.L("« {{.Title}} »: {{.Participants}} participants, counted in this month's figures.",
				map[string]any{"Title": strings.Join(strings.Fields(w.Title), " "), "Participants": w.Participants}), u.win)
	})
}
