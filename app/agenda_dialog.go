package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/staff"
)

// appointmentDialog shows one appointment with what can be done to it in
// its status: check in, absent, excused, cancel, record the outcome.
type appointmentDialog struct {
	u        *UI
	session  *staff.Session
	entry    appointments.Entry
	person   string // name
	mediator string // name
	dlg      *dialog.CustomDialog
	guide    *widget.Button // opens the procedure's guide with the person, when there is one
	open     bool

	personButton                              *widget.Button
	checkIn, absent, excused, cancel, outcome *widget.Button
	reasonBox                                 *fyne.Container
	reasonLabel                               *widget.Label
	reason                                    *widget.Entry
	confirmReason                             *widget.Button
	pending                                   func(reason string) error
	problem                                   *widget.Label
}

// appointmentInfo is what the dialog reads before it opens.
type appointmentInfo struct {
	entry  appointments.Entry
	person string
}

// readAppointment reads an appointment and its person's name; it runs off
// the Fyne goroutine.
func readAppointment(sched *appointments.Scheduler, ppl *people.Service, id string) (appointmentInfo, error) {
	e, err := sched.Get(id)
	if err != nil {
		return appointmentInfo{}, err
	}
	return appointmentInfo{entry: e, person: newPersonNames(ppl).name(e.Person)}, nil // "" when unknown
}

// openAppointment reads appointment id and shows it; mediator is the name
// shown for its mediator.
func (u *UI) openAppointment(id, mediator string) {
	u.withAppointment(id, lang.X("agenda.appointment", "Appointment"), func(info appointmentInfo) {
		u.showAppointment(info, mediator)
	})
}

// withAppointment reads appointment id off the Fyne goroutine, then calls
// show with it, unless the session changed meanwhile; a read that fails is
// told in a dialog titled title.
func (u *UI) withAppointment(id, title string, show func(appointmentInfo)) {
	session, sched, ppl := u.session, u.sched, u.people
	background(u, func() (appointmentInfo, error) {
		return readAppointment(sched, ppl, id)
	}, func(info appointmentInfo, err error) {
		if u.session != session {
			return
		}
		if err != nil {
			dialog.ShowInformation(title, Message(err), u.win)
			return
		}
		show(info)
	})
}

func (u *UI) showAppointment(info appointmentInfo, mediator string) {
	e := info.entry
	d := &appointmentDialog{u: u, session: u.session, entry: e, person: orUnknown(info.person), mediator: mediator}
	u.panels().appt = d

	d.personButton = widget.NewButtonWithIcon(d.person, theme.AccountIcon(), func() {
		d.dlg.Hide()
		u.openPerson(e.Person)
	})
	d.personButton.Alignment = widget.ButtonAlignLeading
	d.problem = problemLabel()

	proc := procedureTitle(e.Procedure)
	if p, err := appointments.FindProcedure(e.Procedure); err == nil && p.Organisation != "" {
		proc = p.Title + " (" + p.Organisation + ")"
	}
	when := lang.L("{{.Date}}, {{.From}} to {{.To}}", map[string]any{
		"Date": capitalised(longDate(e.Start)), "From": clockText(e.Start), "To": clockText(e.End()),
	})
	status := widget.NewLabel(statusName(e.Status))
	status.TextStyle.Bold = true
	rows := []fyne.CanvasObject{
		factName(lang.X("agenda.procedure", "Procedure")), paragraph(proc),
		factName(lang.X("agenda.when", "When")), paragraph(when),
		factName(lang.X("agenda.with", "With")), paragraph(d.mediator),
		factName(lang.X("agenda.how", "How")), paragraph(modeName(e.Mode)),
		factName(lang.X("agenda.status", "Status")), container.NewBorder(nil, nil, widget.NewIcon(statusIcon(e.Status)), nil, status),
	}
	if !e.Arrived.IsZero() {
		rows = append(rows, factName(lang.X("agenda.arrival", "Arrival")), paragraph(clockText(e.Arrived)))
	}
	if e.Reason != "" {
		rows = append(rows, factName(lang.X("agenda.reason", "Reason")), paragraph(e.Reason))
	}
	if o := e.Outcome; o != nil {
		rows = append(rows, factName(lang.X("agenda.outcome", "Outcome")), paragraph(joinNonEmpty("\n", autonomyName(o.Autonomy), o.Note)))
		if o.NextStep != "" {
			rows = append(rows, factName(lang.X("agenda.next_step", "Next step")), paragraph(o.NextStep))
		}
	}
	facts := container.New(layout.NewFormLayout(), rows...)

	d.reasonLabel = widget.NewLabel("")
	d.reason = widget.NewEntry()
	d.reason.SetPlaceHolder(lang.X("agenda.reason_optional", "Reason (optional)"))
	d.confirmReason = widget.NewButtonWithIcon(lang.L("Confirm"), theme.ConfirmIcon(), func() {
		if d.pending != nil {
			pending, reason := d.pending, d.reason.Text
			d.run(func() error { return pending(reason) })
		}
	})
	d.confirmReason.Importance = widget.HighImportance
	d.reason.OnSubmitted = func(string) { d.confirmReason.OnTapped() }
	d.reasonBox = container.NewVBox(d.reasonLabel, container.NewBorder(nil, nil, nil, d.confirmReason, d.reason))
	d.reasonBox.Hide()

	sched, id := u.sched, e.ID
	var actions []fyne.CanvasObject
	add := func(to appointments.Status, text string, icon fyne.Resource, tap func()) *widget.Button {
		if !e.Status.CanBecome(to) {
			return nil
		}
		if to == appointments.Seen && !u.si.Actor.Can(actor.RecordOutcome) {
			return nil // the front desk checks in; mediators record what was done
		}
		b := widget.NewButtonWithIcon(text, icon, tap)
		actions = append(actions, b)
		return b
	}
	d.checkIn = add(appointments.Arrived, lang.X("agenda.action.checkin", "Arrived"), theme.LoginIcon(), func() {
		d.run(func() error { return sched.CheckIn(id) })
	})
	d.outcome = add(appointments.Seen, lang.X("agenda.outcome", "Outcome"), theme.DocumentCreateIcon(), func() {
		d.dlg.Hide()
		u.showOutcomeForm(e, d.person)
	})
	d.absent = add(appointments.Absent, lang.X("agenda.action.absent", "Absent"), theme.CancelIcon(), func() {
		d.run(func() error { return sched.MarkAbsent(id) })
	})
	d.excused = add(appointments.Excused, lang.X("agenda.action.excused", "Excused"), theme.MailReplyIcon(), func() {
		d.askReason(lang.L("The person let us know they cannot come. Why?"), func(r string) error { return sched.MarkExcused(id, r) })
	})
	d.cancel = add(appointments.Cancelled, lang.L("Cancel the appointment"), theme.ContentClearIcon(), func() {
		d.askReason(lang.L("The centre cancels this appointment. Why?"), func(r string) error { return sched.Cancel(id, r) })
	})
	if d.checkIn != nil {
		d.checkIn.Importance = widget.HighImportance
	}
	if d.outcome != nil && e.Status == appointments.Arrived {
		d.outcome.Importance = widget.HighImportance
	}

	content := container.NewVBox(d.personButton, facts)
	if g, ok := u.guideForProcedure(e.Procedure); ok && e.Person != "" {
		d.guide = widget.NewButtonWithIcon(lang.L("Open the guide: {{.Title}}", map[string]any{"Title": g.Title}), theme.DocumentIcon(), func() {
			d.dlg.Hide()
			u.openGuide(g.ID, e.Person)
		})
		d.guide.Alignment = widget.ButtonAlignLeading
		content.Add(d.guide)
	}
	if len(actions) > 0 {
		content.Add(widget.NewSeparator())
		content.Add(container.NewGridWithColumns(3, actions...))
		content.Add(d.reasonBox)
	}
	content.Add(d.problem)
	d.dlg = dialog.NewCustom(lang.X("agenda.appointment", "Appointment"), lang.L("Close"), content, u.win)
	d.dlg.SetOnClosed(func() { d.open = false })
	d.open = true
	d.dlg.Show()
	d.fit()
}

// fit gives the dialog a comfortable width and the height its content
// needs now, after a line appeared.
func (d *appointmentDialog) fit() { fitDialog(d.u, d.dlg, 640) }

// fitDialog gives a dialog width (at most 95 % of the window's) and the
// height its content needs: call it after the dialog shows, and each time a
// line appears or goes. Wrapped text knows its height only once it has its
// width, hence the two steps.
func fitDialog(u *UI, dlg dialog.Dialog, width float32) {
	w := min(width, u.win.Canvas().Size().Width*0.95)
	dlg.Resize(fyne.NewSize(w, 10))
	dlg.Resize(fyne.NewSize(w, 0).Max(dlg.MinSize()))
}

func factName(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

// askReason shows the reason field; confirming it runs change.
func (d *appointmentDialog) askReason(question string, change func(reason string) error) {
	d.reasonLabel.SetText(question)
	d.pending = change
	d.reasonBox.Show()
	d.u.win.Canvas().Focus(d.reason)
	d.fit()
}

// run applies a change in the background; the dialog closes and the screen
// behind refreshes when it is accepted, and the problem shows when it is refused.
func (d *appointmentDialog) run(change func() error) {
	buttons := []*widget.Button{d.checkIn, d.absent, d.excused, d.cancel, d.outcome, d.confirmReason}
	for _, b := range buttons {
		if b != nil {
			b.Disable()
		}
	}
	setProblem(d.problem, "")
	background(d.u, func() (struct{}, error) { return struct{}{}, change() }, func(_ struct{}, err error) {
		for _, b := range buttons {
			if b != nil {
				b.Enable()
			}
		}
		if d.u.session != d.session {
			return
		}
		if err != nil {
			setProblem(d.problem, Message(err))
			d.fit()
			return
		}
		d.dlg.Hide()
		d.u.refreshAppointments()
	})
}
