package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
)

// walkInQueue is the « Sans rendez-vous » part of the reception desk: who
// waits, since when, and who takes them.
type walkInQueue struct {
	v          *deskView
	first      *widget.Entry
	reason     *widget.Entry
	procedure  *widget.Select
	procedures []appointments.Procedure
	add        *widget.Button
	problem    *widget.Label
	box        *fyne.Container
	rows       []walkInRow
	mediators  []mediatorChoice
	choose     *widget.RadioGroup // the mediator picker, while open
	picker     *dialog.ConfirmDialog
}

// walkInRow is one person waiting.
type walkInRow struct {
	entry      appointments.QueueEntry
	name       *widget.Label
	waiting    *widget.Label
	take, left *widget.Button
}

func newWalkInQueue(v *deskView) *walkInQueue {
	q := &walkInQueue{v: v, procedures: appointments.Catalogue(), box: container.NewVBox(), problem: problemLabel()}
	q.first = widget.NewEntry()
	q.first.SetPlaceHolder(lang.X("agenda.first_name", "First name"))
	q.reason = widget.NewEntry()
	q.reason.SetPlaceHolder(lang.X("agenda.reason_optional", "Reason (optional)"))
	titles := make([]string, len(q.procedures))
	for i, p := range q.procedures {
		titles[i] = p.Title
	}
	q.procedure = widget.NewSelect(titles, nil)
	q.procedure.PlaceHolder = lang.X("agenda.procedure_optional", "Procedure (optional)")
	q.add = widget.NewButtonWithIcon(lang.X("agenda.add_to_queue", "Add to the queue"), theme.ContentAddIcon(), q.addWalkIn)
	q.add.Importance = widget.HighImportance
	q.first.OnSubmitted = func(string) { q.addWalkIn() }
	q.reason.OnSubmitted = func(string) { q.addWalkIn() }
	return q
}

func (q *walkInQueue) content() fyne.CanvasObject {
	form := container.NewBorder(nil, nil, nil, q.add, container.NewGridWithColumns(3, q.first, q.procedure, q.reason))
	return container.NewVBox(form, q.problem, q.box)
}

func (q *walkInQueue) addWalkIn() {
	w := appointments.WalkIn{Centre: q.v.session.CentreID, FirstName: q.first.Text, Reason: q.reason.Text}
	if i := q.procedure.SelectedIndex(); i >= 0 {
		w.Procedure = q.procedures[i].Code
	}
	sched := q.v.u.sched
	q.add.Disable()
	background(q.v.u, func() (string, error) { return sched.AddWalkIn(w) }, func(_ string, err error) {
		q.add.Enable()
		if !q.v.alive() {
			return
		}
		if err != nil {
			setProblem(q.problem, Message(err))
			return
		}
		setProblem(q.problem, "")
		q.first.SetText("")
		q.reason.SetText("")
		q.procedure.ClearSelected()
		q.v.loadReception()
	})
}

// show lists the people waiting.
func (q *walkInQueue) show(queue []appointments.QueueEntry, names map[string]string, mediators []mediatorChoice) {
	q.mediators = mediators
	q.rows = nil
	q.box.RemoveAll()
	if len(queue) == 0 {
		q.box.Add(paragraph(lang.L("Nobody is waiting.")))
		return
	}
	for _, e := range queue {
		r := walkInRow{entry: e}
		who := e.FirstName
		if e.Person != "" {
			who = personName(names, e.Person)
		}
		what := e.Reason
		if e.Procedure != "" {
			what = joinNonEmpty(" · ", procedureTitle(e.Procedure), e.Reason)
		}
		r.name = widget.NewLabelWithStyle(joinNonEmpty(" — ", who, what), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.name.Wrapping = fyne.TextWrapWord
		r.waiting = small("")
		id, display := e.ID, who
		r.take = widget.NewButtonWithIcon(lang.X("agenda.take_charge", "Take charge"), theme.ConfirmIcon(), func() { q.pickMediator(id, display) })
		r.take.Importance = widget.HighImportance
		r.left = widget.NewButtonWithIcon(lang.X("agenda.has_left", "Has left"), theme.LogoutIcon(), func() {
			sched := q.v.u.sched
			q.end(func() error { return sched.WalkInLeft(id) })
		})
		q.rows = append(q.rows, r)
		q.box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.NewPrimaryThemedResource(theme.AccountIcon())),
			container.NewCenter(container.NewHBox(r.take, r.left)), container.New(tightVBox{}, r.name, r.waiting)))
	}
	q.showWaits()
}

// showWaits writes each waiting time, counted from the clock.
func (q *walkInQueue) showWaits() {
	now := clock()
	for _, r := range q.rows {
		minutes := int(max(now.Sub(r.entry.Arrived), 0) / time.Minute)
		r.waiting.SetText(lang.L("Arrived at {{.Time}} · waiting for {{.Minutes}} min", map[string]any{
			"Time": clockText(r.entry.Arrived), "Minutes": minutes,
		}))
	}
}

// pickMediator asks who takes the person, then records it.
func (q *walkInQueue) pickMediator(id, who string) {
	names := make([]string, len(q.mediators))
	for i, m := range q.mediators {
		names[i] = m.name
	}
	q.choose = widget.NewRadioGroup(names, nil)
	choose := q.choose
	q.picker = dialog.NewCustomConfirm(lang.L("Who receives {{.Name}}?", map[string]any{"Name": who}), lang.L("Confirm"), lang.L("Cancel"),
		q.pickerContent(choose), func(ok bool) {
			if !ok {
				return
			}
			mediator := ""
			for _, m := range q.mediators {
				if m.name == choose.Selected {
					mediator = m.id
				}
			}
			q.takeBy(id, mediator)
		}, q.v.u.win)
	q.picker.Show()
}

// pickerContent scrolls the mediators when there are many.
func (q *walkInQueue) pickerContent(choose *widget.RadioGroup) fyne.CanvasObject {
	s := container.NewVScroll(choose)
	s.SetMinSize(fyne.NewSize(320, min(choose.MinSize().Height, 360)))
	return s
}

// takeBy records that mediator takes walk-in id.
func (q *walkInQueue) takeBy(id, mediator string) {
	sched := q.v.u.sched
	q.end(func() error { return sched.TakeWalkIn(id, mediator) })
}

// end takes someone out of the queue in the background, then reloads.
func (q *walkInQueue) end(change func() error) {
	background(q.v.u, func() (struct{}, error) { return struct{}{}, change() }, func(_ struct{}, err error) {
		if !q.v.alive() {
			return
		}
		setProblem(q.problem, Message(err))
		q.v.loadReception()
	})
}
