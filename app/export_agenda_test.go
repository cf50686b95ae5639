package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/people"
)

// Test hooks of the agenda, the desk and the appointment screens.

// SectionAgenda is the agenda section's id.
const SectionAgenda = sectionAgenda

// SetClock makes the desk screens read the time from now; the returned
// function puts the real clock back.
func SetClock(now func() time.Time) (restore func()) {
	clock = now
	return func() { clock = time.Now }
}

// SetTickEvery sets how often the waiting times refresh; the returned
// function puts the default back.
func SetTickEvery(d time.Duration) (restore func()) {
	old := tickEvery
	tickEvery = d
	return func() { tickEvery = old }
}

// ApplyPending applies the results queued by goroutines (the ticker's)
// without waiting for background jobs.
func (u *UI) ApplyPending() {
	for {
		select {
		case f := <-queues[u]:
			f()
		default:
			return
		}
	}
}

// ICSFileName exposes icsFileName.
var ICSFileName = icsFileName

// AgendaCard is a card of the day view.
type AgendaCard struct {
	ID, Text, Status string
	Tap              func()
}

// AgendaView holds the widgets of the agenda section.
type AgendaView struct {
	Date                  *widget.Label
	Prev, Today, Next     *widget.Button
	DayMode, WeekMode     *widget.Button
	Problem               *widget.Label
	Columns               []string       // headers of the day view
	Cards                 [][]AgendaCard // per column
	WeekDays              []string       // headers of the week view
	WeekLines             [][]string     // ids per day
	Day                   string         // "2006-01-02" shown
	Week                  bool
	RenderTime            time.Duration
	SelectWeekLine        func(day, i int)
	RenderedCardTextsOnly []string
}

func (u *UI) AgendaView() AgendaView {
	v := u.panels().agenda
	out := AgendaView{Date: v.date, Prev: v.prev, Today: v.today, Next: v.next, DayMode: v.dayMode, WeekMode: v.weekMode,
		Problem: v.problem, Columns: v.columns, Week: v.shown.week, RenderTime: v.renderEnd.Sub(v.renderStarted)}
	if !v.shown.day.IsZero() {
		out.Day = v.shown.day.Format(time.DateOnly)
	}
	for _, col := range v.cards {
		var cards []AgendaCard
		for _, c := range col {
			cards = append(cards, AgendaCard{ID: c.item.ID, Text: c.text, Status: statusName(c.item.Status), Tap: func() { c.Tapped(&fyne.PointEvent{}) }})
		}
		out.Cards = append(out.Cards, cards)
	}
	for i, h := range v.weekHeaders {
		out.WeekDays = append(out.WeekDays, h.Text)
		var ids []string
		for _, l := range v.weekItems[i] {
			ids = append(ids, l.item.ID)
		}
		out.WeekLines = append(out.WeekLines, ids)
	}
	out.SelectWeekLine = func(day, i int) { v.weekLists[day].Select(i) }
	return out
}

// AppointmentDialog holds the widgets of the appointment dialog last opened.
type AppointmentDialog struct {
	Open                                      bool
	ID                                        string
	Person                                    *widget.Button
	CheckIn, Absent, Excused, Cancel, Outcome *widget.Button // nil when not allowed
	Reason                                    *widget.Entry
	ConfirmReason                             *widget.Button
	Problem                                   *widget.Label
}

func (u *UI) AppointmentDialog() AppointmentDialog {
	d := u.panels().appt
	if d == nil {
		return AppointmentDialog{}
	}
	return AppointmentDialog{d.open, d.entry.ID, d.personButton, d.checkIn, d.absent, d.excused, d.cancel, d.outcome, d.reason, d.confirmReason, d.problem}
}

// OpenAppointment opens the dialog of appointment id, as a tap on its card would.
func (u *UI) OpenAppointment(id string) { u.openAppointment(id, "") }

// OutcomeForm holds the widgets of the outcome form last opened.
type OutcomeForm struct {
	Open                  bool
	DoneFor, DoneWith     *widget.Button
	DoneAlone             *widget.Button
	Note, NextStep        *widget.Entry
	Save, BookNext, Close *widget.Button
	Problem               *widget.Label
}

func (u *UI) OutcomeForm() OutcomeForm {
	f := u.panels().outcome
	if f == nil {
		return OutcomeForm{}
	}
	return OutcomeForm{f.open, f.choices[0], f.choices[1], f.choices[2], f.note, f.next, f.save, f.bookNext, f.back, f.problem}
}

// WalkIn is a row of the queue.
type WalkIn struct {
	ID, Name, Waiting string
	Take, Left        *widget.Button
}

// CallRow is a line of « À appeler demain ».
type CallRow struct{ ID, Text string }

// MineRow is a line of « Ma journée ».
type MineRow struct {
	ID, Text               string
	CheckIn, Outcome, File *widget.Button
}

// DeskView holds the widgets of the Home section.
type DeskView struct {
	Counts                *widget.Label
	Problem               *widget.Label
	First, Reason         *widget.Entry
	Procedure             *widget.Select
	Add                   *widget.Button
	QueueProblem          *widget.Label
	Queue                 []WalkIn
	Mediators             []string // offered to take a walk-in
	Calls                 []CallRow
	Mine                  []MineRow
	MediatorID            string
	Export                *widget.Button
	ExportResult          *widget.Label
	Stopped               bool // the ticker ended
	TakeBy                func(walkIn int, mediator string)
	ChooseMediatorAndTake func(walkIn int, mediator string)
}

func (u *UI) DeskView() DeskView {
	v := u.panels().desk
	out := DeskView{Counts: v.counts, Problem: v.problem, Stopped: v.stopped, MediatorID: v.mediatorID,
		Export: v.export, ExportResult: v.exportResult}
	if q := v.walkIns; q != nil {
		out.First, out.Reason, out.Procedure, out.Add, out.QueueProblem = q.first, q.reason, q.procedure, q.add, q.problem
		for _, r := range q.rows {
			out.Queue = append(out.Queue, WalkIn{r.entry.ID, r.name.Text, r.waiting.Text, r.take, r.left})
		}
		for _, m := range q.mediators {
			out.Mediators = append(out.Mediators, m.name)
		}
		out.TakeBy = func(i int, mediator string) { q.takeBy(q.rows[i].entry.ID, mediator) }
		out.ChooseMediatorAndTake = func(i int, name string) {
			q.rows[i].take.OnTapped()
			q.choose.SetSelected(name)
			q.picker.Confirm()
		}
	}
	for i, e := range v.calls {
		out.Calls = append(out.Calls, CallRow{e.ID, v.callRows[i].Text})
	}
	for _, r := range v.mine {
		out.Mine = append(out.Mine, MineRow{r.item.ID, r.text.Text, r.checkIn, r.outcome, r.file})
	}
	return out
}

// WriteAgendaICS writes the mediator's agenda to w as the save dialog would.
func (u *UI) WriteAgendaICS(w fyne.URIWriteCloser) { u.panels().desk.writeICS(w) }

// AgendaScheduler returns the signed-in scheduler, to check what was written.
func (u *UI) AgendaScheduler() *appointments.Scheduler { return u.sched }

// AgendaPeople returns the signed-in people service.
func (u *UI) AgendaPeople() *people.Service { return u.people }
