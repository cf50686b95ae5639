package app

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/report"
	"relais/staff"
	"relais/store"
)

// tickEvery is how often the waiting times of the queue are brought up to
// date; tests shorten it.
var tickEvery = 30 * time.Second

// icsDays is how many days, from today, a mediator's agenda export holds.
const icsDays = 28

// deskView is the Home section. Reception (and coordinators, admins) see
// today's numbers, the walk-in queue and tomorrow's people to call; a
// mediator sees their own day.
type deskView struct {
	u         *UI
	session   *staff.Session
	root      fyne.CanvasObject
	refresher // brings the waiting times up to date

	counts     *widget.Label
	openAgenda *widget.Button
	problem    *widget.Label

	walkIns *walkInQueue

	calls    []appointments.Entry
	callRows []*widget.Label
	callBox  *fyne.Container

	// A mediator's day.
	mediatorID   string
	mine         []mineRow
	mineBox      *fyne.Container
	export       *widget.Button
	exportResult *widget.Label
}

// mineRow is one appointment of the mediator's day.
type mineRow struct {
	item                   appointments.AgendaItem
	text                   *widget.Label
	checkIn, outcome, file *widget.Button
}

// deskPanel is the Home section: what the signed-in person does first
// (reception: today and the walk-in queue; mediator: their day).
func (u *UI) deskPanel() fyne.CanvasObject {
	if old := u.panels().desk; old != nil {
		old.halt()
	}
	v := &deskView{u: u, session: u.session, problem: problemLabel()}
	u.panels().desk = v

	acc := u.session.Account
	u.home.greeting = heading(lang.L("Hello {{.Name}}", map[string]any{"Name": acc.Name}))
	top := []fyne.CanvasObject{
		u.home.greeting,
		subheading(lang.L("Today is {{.Date}}.", map[string]any{"Date": longDate(clock())})),
	}
	var body []fyne.CanvasObject
	if acc.Role == staff.Mediator {
		body = v.mediatorDay()
	} else {
		body = v.reception()
	}
	v.root = container.NewVScroll(container.NewPadded(container.NewVBox(append(append(top, v.problem), body...)...)))
	return v.root
}

// alive reports whether the panel is still the one shown.
func (v *deskView) alive() bool {
	u := v.u
	return u.shows(sectionHome, v.session) &&
		u.panels().desk == v
}

// reload reads the desk again.
func (v *deskView) reload() {
	if v.walkIns != nil {
		v.loadReception()
	} else {
		v.loadMine()
	}
}

// reception builds the reception desk and loads it.
func (v *deskView) reception() []fyne.CanvasObject {
	u := v.u
	v.counts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.counts.Wrapping = fyne.TextWrapWord
	v.openAgenda = widget.NewButtonWithIcon(lang.X("agenda.open_agenda", "Open the agenda"), theme.CalendarIcon(), func() { u.goToSection(sectionAgenda) })
	v.walkIns = newWalkInQueue(v)
	v.callBox = container.NewVBox()

	v.loadReception()
	// The waiting times every tickEvery, until the panel is left or the
	// session closes (noticed at the next tick, or at once when another
	// desk or the agenda opens).
	v.startRefresh(u, tickEvery, nil, v.alive, v.walkIns.showWaits)
	return []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, v.openAgenda, v.counts),
		widget.NewSeparator(),
		subheading(lang.L("Without an appointment")),
		paragraph(lang.L("People who came without an appointment, in order of arrival.")),
		v.walkIns.content(),
		widget.NewSeparator(),
		subheading(lang.L("To call for tomorrow")),
		paragraph(lang.L("These people have no phone, so they get no reminder by text message. Call them if you can reach them another way, or hand them the appointment slip when they come by.")),
		v.callBox,
	}
}

// receptionData is what the reception desk reads.
type receptionData struct {
	today     appointments.Agenda
	queue     []appointments.QueueEntry
	calls     []appointments.Entry
	names     map[string]string
	mediators []mediatorChoice
}

// mediatorChoice is a mediator walk-ins can be handed to.
type mediatorChoice struct{ id, name string }

func (v *deskView) loadReception() {
	sched, ppl, db, centre, now := v.u.sched, v.u.people, v.session.DB, v.session.CentreID, clock()
	background(v.u, func() (receptionData, error) {
		var d receptionData
		var err error
		if d.today, err = sched.DayAgenda(centre, now); err != nil {
			return d, err
		}
		if d.queue, err = sched.Queue(centre, false); err != nil {
			return d, err
		}
		noPhone := map[string]bool{}
		d.calls, err = sched.ToCallTomorrow(centre, func(person string) bool {
			p, err := ppl.Get(ppl.ResolveMerged(person))
			noPhone[person] = err == nil && p.NoPhone
			return noPhone[person]
		})
		if err != nil {
			return d, err
		}
		names := newPersonNames(ppl)
		for _, e := range d.calls {
			names.name(e.Person)
		}
		for _, q := range d.queue {
			if q.Person != "" {
				names.name(q.Person)
			}
		}
		d.names = names.names
		d.mediators, err = centreMediators(db, centre, d.today)
		return d, err
	}, func(d receptionData, err error) {
		if !v.alive() {
			return
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		setProblem(v.problem, "")
		v.counts.SetText(dayCounts(d.today))
		v.walkIns.show(d.queue, d.names, d.mediators)
		v.showCalls(d.calls, d.names)
	})
}

// centreMediators lists the mediators of the day first, then the centre's
// other mediators, each once.
func centreMediators(db *store.DB, centre string, today appointments.Agenda) ([]mediatorChoice, error) {
	var out []mediatorChoice
	seen := map[string]bool{}
	for _, c := range today.Columns {
		out = append(out, mediatorChoice{c.Mediator, c.Name})
		seen[c.Mediator] = true
	}
	var others []mediatorChoice
	err := staff.Accounts(db).All(func(id string, a staff.Account) error {
		if a.Centre == centre && a.Role == staff.Mediator && !a.Disabled && !seen[id] {
			others = append(others, mediatorChoice{id, a.Name})
		}
		return nil
	})
	slices.SortFunc(others, func(a, b mediatorChoice) int {
		return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
	})
	return append(out, others...), err
}

// dayCounts is « 23 rendez-vous aujourd'hui · 5 arrivés · 2 absents ».
func dayCounts(a appointments.Agenda) string {
	var total, arrived, absent int
	for _, c := range a.Columns {
		for _, it := range c.Appointments {
			if it.Status.Occupies() {
				total++
			}
			switch it.Status {
			case appointments.Arrived, appointments.Seen:
				arrived++
			case appointments.Absent:
				absent++
			}
		}
	}
	parts := []string{lang.L("{{.Count}} appointments today", map[string]any{"Count": total})}
	if !plural(total) {
		parts[0] = lang.L("{{.Count}} appointment today", map[string]any{"Count": total})
	}
	if plural(arrived) {
		parts = append(parts, lang.X("agenda.count.arrived.other", "{{.Count}} arrived", map[string]any{"Count": arrived}))
	} else {
		parts = append(parts, lang.X("agenda.count.arrived.one", "{{.Count}} arrived", map[string]any{"Count": arrived}))
	}
	if plural(absent) {
		parts = append(parts, lang.X("agenda.count.absent.other", "{{.Count}} absent", map[string]any{"Count": absent}))
	} else {
		parts = append(parts, lang.X("agenda.count.absent.one", "{{.Count}} absent", map[string]any{"Count": absent}))
	}
	return strings.Join(parts, " · ")
}

func (v *deskView) showCalls(calls []appointments.Entry, names map[string]string) {
	v.calls = calls
	v.callRows = nil
	v.callBox.RemoveAll()
	if len(calls) == 0 {
		v.callBox.Add(paragraph(lang.L("Nobody to call: everyone booked for tomorrow gets a reminder.")))
		return
	}
	for _, e := range calls {
		line := widget.NewLabelWithStyle(clockText(e.Start)+" · "+personName(names, e.Person)+" · "+procedureTitle(e.Procedure),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		line.Wrapping = fyne.TextWrapWord
		note := small(lang.L("No phone: call another way or hand the slip"))
		person := e.Person
		file := widget.NewButtonWithIcon(lang.X("agenda.file", "File"), theme.AccountIcon(), func() { v.u.openPerson(person) })
		v.callRows = append(v.callRows, line)
		v.callBox.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.MailSendIcon())), container.NewCenter(file),
			container.New(tightVBox{}, line, note)))
	}
}

// goToSection selects a section in the navigation, as a tap on it would.
func (u *UI) goToSection(id string) {
	for i, s := range u.home.sections {
		if s.id == id {
			u.home.nav.Select(i)
		}
	}
}

// mediatorDay builds « Ma journée » and loads it.
func (v *deskView) mediatorDay() []fyne.CanvasObject {
	v.counts = widget.NewLabel("")
	v.mineBox = container.NewVBox()
	v.export = widget.NewButtonWithIcon(lang.L("Export my agenda (.ics)"), theme.DocumentSaveIcon(), v.chooseICSFile)
	v.exportResult = paragraph("")
	v.exportResult.Hide()
	v.loadMine()
	return []fyne.CanvasObject{
		widget.NewSeparator(),
		subheading(lang.X("agenda.my_day", "My day")),
		v.counts,
		v.mineBox,
		widget.NewSeparator(),
		paragraph(lang.L("Your appointments of the next four weeks, for the calendar of your phone or computer (no names, only the procedures).")),
		container.NewHBox(v.export),
		v.exportResult,
	}
}

// mediatorID finds the staff record of the signed-in account: appointments
// name their mediator by it.
func mediatorID(s *staff.Session) (string, error) {
	id, _, err := staff.Accounts(s.DB).FindOne("login", s.Account.Login)
	return id, err
}

type mineData struct {
	id    string
	items []appointments.AgendaItem
	names map[string]string
}

func (v *deskView) loadMine() {
	sched, ppl, session, now := v.u.sched, v.u.people, v.session, clock()
	background(v.u, func() (mineData, error) {
		var d mineData
		var err error
		if d.id, err = mediatorID(session); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				err = nil // an account without a staff record has no appointments
			}
			return d, err
		}
		a, err := sched.DayAgenda(session.CentreID, now)
		if err != nil {
			return d, err
		}
		names := newPersonNames(ppl)
		for _, c := range a.Columns {
			if c.Mediator == d.id {
				d.items = c.Appointments
				for _, it := range c.Appointments {
					names.name(it.Person)
				}
			}
		}
		d.names = names.names
		return d, nil
	}, func(d mineData, err error) {
		if !v.alive() {
			return
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		setProblem(v.problem, "")
		v.showMine(d)
	})
}

func (v *deskView) showMine(d mineData) {
	v.mediatorID = d.id
	v.mine = nil
	v.mineBox.RemoveAll()
	v.counts.SetText(countText(len(d.items)))
	if len(d.items) == 0 {
		v.mineBox.Add(paragraph(lang.L("No appointment for you today.")))
		return
	}
	for _, it := range d.items {
		name := personName(d.names, it.Person)
		r := mineRow{item: it}
		r.text = widget.NewLabelWithStyle(clockText(it.Start)+" · "+name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.text.Truncation = fyne.TextTruncateEllipsis
		what := small(joinNonEmpty(" · ", procedureTitle(it.Procedure), modeName(it.Mode), statusName(it.Status)))
		id, person := it.ID, it.Person
		r.checkIn = widget.NewButtonWithIcon(lang.X("agenda.action.checkin", "Arrived"), theme.LoginIcon(), func() { v.checkIn(id) })
		r.outcome = widget.NewButtonWithIcon(lang.X("agenda.outcome", "Outcome"), theme.DocumentCreateIcon(), func() { v.u.openOutcome(id) })
		r.file = widget.NewButtonWithIcon(lang.X("agenda.file", "File"), theme.AccountIcon(), func() { v.u.openPerson(person) })
		// Only what the status allows shows: a row of greyed buttons reads as noise.
		if !it.Status.CanBecome(appointments.Arrived) {
			r.checkIn.Hide()
		}
		if !it.Status.CanBecome(appointments.Seen) {
			r.outcome.Hide()
		} else if it.Status == appointments.Arrived {
			r.outcome.Importance = widget.HighImportance
		}
		v.mine = append(v.mine, r)
		v.mineBox.Add(container.NewBorder(nil, nil, widget.NewIcon(statusIcon(it.Status)),
			container.NewCenter(container.NewHBox(r.checkIn, r.outcome, r.file)), container.New(tightVBox{}, r.text, what)))
	}
}

func (v *deskView) checkIn(id string) {
	sched := v.u.sched
	background(v.u, func() (struct{}, error) { return struct{}{}, sched.CheckIn(id) }, func(_ struct{}, err error) {
		if !v.alive() {
			return
		}
		setProblem(v.problem, Message(err))
		v.loadMine()
	})
}

// openOutcome reads appointment id and opens its outcome form.
func (u *UI) openOutcome(id string) {
	u.withAppointment(id, lang.X("agenda.outcome", "Outcome"), func(info appointmentInfo) {
		u.showOutcomeForm(info.entry, orUnknown(info.person))
	})
}

// icsFileName is the name offered for a mediator's agenda exported on day t.
func icsFileName(login string, t time.Time) string {
	return fmt.Sprintf("agenda-%s-%s.ics", login, t.In(appointments.Paris).Format(time.DateOnly))
}

func (v *deskView) chooseICSFile() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showExportResult("", err)
			return
		}
		if w != nil {
			v.writeICS(w)
		}
	}, v.u.win)
	d.SetFileName(icsFileName(v.session.Account.Login, clock()))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
	d.Show()
	d.Resize(v.u.dialogSize()) // only once shown: before, the dialog has no content
}

// writeICS writes the mediator's next four weeks to w in the background,
// and closes w. The events hold the procedure, not the person: the file
// leaves Relais.
func (v *deskView) writeICS(w fyne.URIWriteCloser) {
	sched, session, now := v.u.sched, v.session, clock()
	calendar := lang.L("Relais: agenda of {{.Name}}", map[string]any{"Name": session.Account.Name})
	toBring := lang.X("agenda.to_bring", "To bring:")
	location := joinNonEmpty(", ", session.Centre.Name, session.Centre.Address)
	v.export.Disable()
	background(v.u, func() (string, error) {
		err := writeMediatorICS(w, sched, session, now, calendar, toBring, location)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return w.URI().Path(), err
	}, func(path string, err error) {
		v.export.Enable()
		v.showExportResult(path, err)
	})
}

func writeMediatorICS(w io.Writer, sched *appointments.Scheduler, session *staff.Session, now time.Time, calendar, toBring, location string) error {
	id, err := mediatorID(session)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var events []report.CalendarEvent
	day := noon(now)
	for i := 0; i < icsDays && id != ""; i++ {
		a, err := sched.DayAgenda(session.CentreID, day.AddDate(0, 0, i))
		if err != nil {
			return err
		}
		for _, c := range a.Columns {
			if c.Mediator != id {
				continue
			}
			for _, it := range c.Appointments {
				e := report.CalendarEvent{ID: it.ID, Start: it.Start, Duration: time.Duration(it.Minutes) * time.Minute,
					Summary: procedureTitle(it.Procedure), Location: location}
				if p, err := appointments.FindProcedure(it.Procedure); err == nil && len(p.Documents) > 0 {
					e.Description = toBring + "\n- " + strings.Join(p.Documents, "\n- ")
				}
				if it.Status == appointments.Cancelled || it.Status == appointments.Excused {
					e.Status = report.StatusCancelled
				}
				events = append(events, e)
			}
		}
	}
	return report.AgendaICS(w, calendar, events)
}

func (v *deskView) showExportResult(path string, err error) {
	if err != nil {
		v.exportResult.Importance = widget.DangerImportance
		v.exportResult.SetText(Message(err))
	} else {
		v.exportResult.Importance = widget.SuccessImportance
		v.exportResult.SetText(lang.L("Agenda written to {{.Path}}", map[string]any{"Path": path}))
	}
	v.exportResult.Show()
}
