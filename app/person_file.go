package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/staff"
	"relais/store"
)

// personFile is a person's file: who they are and their appointments.
type personFile struct {
	person   people.Person
	name     *widget.Label
	consent  *widget.Label
	toggle   *widget.Button // withdraw or give the consent
	edit     *widget.Button
	book     *widget.Button
	merge    *widget.Button
	access   *widget.Button // the person's data, for their right of access
	problem  *widget.Label
	upcoming *fyne.Container
	past     *fyne.Container
	guides   *fyne.Container // the guides followed with the person
	radar    *fileRadar      // the radar's banner and the procedures followed (radar.go)
	loaded   bool            // the appointments are shown

	// UpcomingRows and PastRows hold the text of each appointment shown, for tests.
	upcomingText, pastText []string
}

// fileAppointment is an appointment as the file shows it.
type fileAppointment struct {
	entry    appointments.Entry
	mediator string // the staff member's name
}

// showFile shows the file of person id.
func (p *peopleSection) showFile(id string) {
	u := p.u
	person, err := u.people.Open(id) // noted in the audit log
	p.form, p.booking = nil, nil
	if err != nil {
		problem := problemLabel()
		setProblem(problem, Message(err))
		p.file = nil
		p.showView(container.NewVBox(peopleToolbar(heading(lang.L("People")), p.backButton()), problem))
		return
	}
	f := &personFile{person: person, problem: problemLabel()}
	p.file = f
	f.name = heading(person.FullName())
	f.edit = widget.NewButtonWithIcon(lang.X("ui.people.change", "Change"), theme.DocumentCreateIcon(), func() {
		current := f.person
		p.showForm(&current)
	})
	f.book = widget.NewButtonWithIcon(lang.X("ui.people.book", "Book an appointment"), theme.CalendarIcon(), func() { p.showBooking(f.person.ID) })
	f.book.Importance = widget.HighImportance
	f.merge = widget.NewButtonWithIcon(lang.L("Merge…"), theme.ContentCopyIcon(), p.askMerge)
	if !u.si.Actor.Can(actor.MergePeople) {
		f.merge.Hide()
	}
	f.access = widget.NewButtonWithIcon(lang.L("Their data…"), theme.DownloadIcon(), p.chooseDossierFolder)
	if !u.si.Actor.Can(actor.ExportPerson) {
		f.access.Hide()
	}

	facts := widget.NewForm()
	phone := peoplePhone(person.Phone)
	if phone == "" {
		phone = lang.X("ui.people.no_phone", "no phone")
	}
	facts.Append(lang.X("ui.people.phone", "Phone"), peopleSelectable(phone))
	email := person.Email
	if email == "" {
		email = "—"
	}
	facts.Append(lang.X("ui.people.email", "E-mail"), peopleSelectable(email))
	birth := "—"
	if person.BirthYear != 0 {
		birth = strconv.Itoa(person.BirthYear)
	}
	facts.Append(lang.X("ui.people.birth_year", "Birth year"), widget.NewLabel(birth))
	facts.Append(lang.X("ui.people.preferred_language", "Preferred language"), widget.NewLabel(personLanguageName(person.Language)))

	f.consent = paragraph("")
	f.toggle = widget.NewButton("", func() { p.toggleConsent() })
	f.showConsent()
	facts.Append(lang.X("ui.people.sharing", "Sharing"), container.NewVBox(f.consent, container.NewHBox(f.toggle)))

	f.upcoming = container.NewVBox(widget.NewActivity())
	f.past = container.NewVBox()
	f.guides = container.NewVBox()
	f.radar = p.newFileRadar(f)

	content := container.NewVBox(
		peopleToolbar(f.name, f.edit, f.merge, f.access, f.book, p.backButton()),
		f.radar.banner,
		facts,
		f.problem,
		widget.NewSeparator(),
		subheading(lang.L("Guides followed with this person")),
		f.guides,
		widget.NewSeparator(),
		subheading(lang.L("Open procedures")),
		f.radar.content,
		widget.NewSeparator(),
		subheading(lang.L("Upcoming appointments")),
		f.upcoming,
		widget.NewSeparator(),
		subheading(lang.L("Past appointments")),
		f.past,
	)
	if u.si.Actor.Can(actor.ErasePeople) {
		// The right to erasure, set apart at the bottom of the file.
		content.Add(widget.NewSeparator())
		content.Add(container.NewHBox(u.eraseButton(person.ID, p.showSearch)))
	}
	p.showView(peopleScroll(content))
	p.loadAppointments(f)
	p.loadGuides(f)
	f.radar.load()
}

// loadGuides lists the guides followed with the person, in any centre,
// each with the step reached and a button that resumes it.
func (p *peopleSection) loadGuides(f *personFile) {
	u := p.u
	lib, id := u.guides, f.person.ID
	type followed struct {
		progress guides.Progress
		title    string
		steps    int
	}
	background(u, func() ([]followed, error) {
		ps, err := lib.ProgressFor(id)
		if err != nil {
			return nil, err
		}
		var out []followed
		for _, pr := range ps {
			g, err := lib.Get(pr.Guide)
			if err != nil {
				continue // a guide this centre does not hold (yet)
			}
			out = append(out, followed{pr, g.Title, len(g.Steps)})
		}
		return out, nil
	}, func(list []followed, err error) {
		if p.file != f {
			return
		}
		f.guides.RemoveAll()
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		if len(list) == 0 {
			f.guides.Add(peopleDim(lang.L("No guide followed yet. Open one from an appointment, or from the Guides section.")))
			return
		}
		for _, g := range list {
			status := lang.L("Step {{.N}} of {{.Total}}", map[string]any{"N": strconv.Itoa(min(g.progress.Current, g.steps-1) + 1), "Total": strconv.Itoa(g.steps)})
			if !g.progress.Finished.IsZero() {
				status = lang.L("Finished on {{.Date}}", map[string]any{"Date": shortDate(g.progress.Finished)})
			}
			if n := len(g.progress.Steps); n > 0 {
				status += " · " + autonomyName(g.progress.Steps[n-1].Autonomy)
			}
			guideID := g.progress.Guide
			resume := widget.NewButtonWithIcon(lang.L("Resume"), theme.MediaPlayIcon(), func() { u.openGuide(guideID, id) })
			f.guides.Add(container.NewBorder(nil, nil, nil, resume, container.NewVBox(
				widget.NewLabelWithStyle(g.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), small(status))))
		}
	})
}

func peopleSelectable(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Selectable = true
	return l
}

// showConsent writes the consent status and what the button does.
func (f *personFile) showConsent() {
	c := f.person.Consent
	if c.Given {
		text := lang.L("Shared with the partner centres, agreed on {{.Date}}", map[string]any{"Date": longDate(c.Date.In(appointments.Paris))})
		if c.By != "" {
			text += " " + lang.L("(recorded by {{.Login}})", map[string]any{"Login": c.By})
		}
		f.consent.SetText(text)
		f.toggle.SetText(lang.L("Withdraw the consent"))
		f.toggle.SetIcon(theme.CancelIcon())
	} else {
		f.consent.SetText(lang.L("Not shared: the file stays in this centre."))
		f.toggle.SetText(lang.L("Give the consent"))
		f.toggle.SetIcon(theme.ConfirmIcon())
	}
}

// toggleConsent withdraws the consent, or records it as given now.
func (p *peopleSection) toggleConsent() {
	f := p.file
	u := p.u
	person := f.person
	if person.Consent.Given {
		person.Consent = people.Consent{}
	} else {
		person.Consent = people.Consent{Given: true, By: u.session.Account.Login, Purpose: people.ConsentPurpose}
	}
	f.toggle.Disable()
	ppl := u.people
	background(u, func() (people.Person, error) { return ppl.Update(person) }, func(saved people.Person, err error) {
		if p.file != f {
			return
		}
		f.toggle.Enable()
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		setProblem(f.problem, "")
		f.person = saved
		f.showConsent()
	})
}

// loadAppointments reads the person's appointments in the background.
func (p *peopleSection) loadAppointments(f *personFile) {
	u := p.u
	sched, db, id := u.sched, u.session.DB, f.person.ID
	background(u, func() ([]fileAppointment, error) {
		entries, err := sched.PersonAppointments(id)
		if err != nil {
			return nil, err
		}
		names := staffNames(db)
		out := make([]fileAppointment, len(entries))
		for i, e := range entries {
			out[i] = fileAppointment{e, names.name(e.Mediator)}
		}
		return out, nil
	}, func(list []fileAppointment, err error) {
		if p.file != f {
			return
		}
		f.upcoming.RemoveAll()
		f.past.RemoveAll()
		f.upcomingText, f.pastText = nil, nil
		f.loaded = true
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		now := time.Now()
		// Upcoming: soonest first; past: latest first.
		for _, a := range list {
			if !a.entry.End().Before(now) {
				text := appointmentLine(a)
				f.upcomingText = append(f.upcomingText, text)
				f.upcoming.Add(appointmentRow(a, text))
			}
		}
		for i := len(list) - 1; i >= 0; i-- {
			a := list[i]
			if a.entry.End().Before(now) {
				text := appointmentLine(a)
				f.pastText = append(f.pastText, text)
				f.past.Add(appointmentRow(a, text))
			}
		}
		if len(f.upcomingText) == 0 {
			f.upcoming.Add(peopleDim(lang.L("No appointment booked.")))
		}
		if len(f.pastText) == 0 {
			f.past.Add(peopleDim(lang.L("No past appointment.")))
		}
	})
}

// peopleDim is a remark: in italics, as readable as the rest.
func peopleDim(text string) *widget.Label {
	l := paragraph(text)
	l.TextStyle.Italic = true
	return l
}

// appointmentLine is the first line of an appointment in a file.
func appointmentLine(a fileAppointment) string {
	title := a.entry.Procedure
	if proc, err := appointments.FindProcedure(a.entry.Procedure); err == nil {
		title = proc.Title
	}
	return peopleWhen(a.entry.Start) + " — " + title
}

// appointmentRow shows an appointment: when and what, with whom, its
// status and, once seen, the outcome.
func appointmentRow(a fileAppointment, line string) fyne.CanvasObject {
	e := a.entry
	second := lang.X("ui.people.with_name", "with {{.Name}}", map[string]any{"Name": a.mediator}) + " · " + modeName(e.Mode) + " · " + statusName(e.Status)
	colour := theme.ColorNameForeground
	switch e.Status {
	case appointments.Absent, appointments.Cancelled:
		colour = theme.ColorNameError
	case appointments.Seen:
		colour = theme.ColorNameSuccess
	}
	segments := []widget.RichTextSegment{
		&widget.TextSegment{Text: line, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: second, Style: widget.RichTextStyle{ColorName: colour}},
	}
	if o := e.Outcome; o != nil {
		text := autonomyName(o.Autonomy)
		if n := strings.TrimSpace(o.Note); n != "" {
			text += " — " + n
		}
		segments = append(segments, &widget.TextSegment{Text: text, Style: widget.RichTextStyleParagraph})
		if n := strings.TrimSpace(o.NextStep); n != "" {
			segments = append(segments, &widget.TextSegment{Text: lang.L("Next step: {{.Step}}", map[string]any{"Step": n}), Style: widget.RichTextStyleParagraph})
		}
	}
	if e.Reason != "" {
		segments = append(segments, &widget.TextSegment{Text: e.Reason, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Italic: true}}})
	}
	rt := widget.NewRichText(segments...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// peopleWhen writes an instant in Paris time, « mardi 24 novembre 2026 · 14:30 ».
func peopleWhen(t time.Time) string {
	p := t.In(appointments.Paris)
	return longDate(p) + " · " + p.Format("15:04")
}

// peopleSlotText is a proposed slot, « mardi 24 novembre · 14:30 · avec Jérôme ».
func peopleSlotText(t time.Time, mediator string) string {
	p := t.In(appointments.Paris)
	day := strconv.Itoa(p.Day())
	if p.Day() == 1 {
		day = lang.X("date.first_day", "1")
	}
	text := fmt.Sprintf("%s %s %s · %s", weekdayName(p.Weekday()), day, monthName(p.Month()), p.Format("15:04"))
	if mediator != "" {
		text += " · " + lang.X("ui.people.with_name", "with {{.Name}}", map[string]any{"Name": mediator})
	}
	return text
}

// staffNames reads the names of the staff, by record id. It runs off the
// Fyne goroutine.
type staffDirectory map[string]string

func staffNames(db *store.DB) staffDirectory {
	names := staffDirectory{}
	_ = staff.Accounts(db).All(func(id string, a staff.Account) error {
		names[id] = a.Name
		return nil
	})
	return names
}

// name is the full name of a member of staff, or « ? » when unknown.
func (d staffDirectory) name(id string) string {
	if n, ok := d[id]; ok && n != "" {
		return n
	}
	return "?"
}

// shortName is a staff member's first name, or their full name when a
// colleague has the same first name: « avec Jérôme » must say which one.
func (d staffDirectory) shortName(id string) string {
	first := d.firstName(id)
	for other, n := range d {
		if f, _, _ := strings.Cut(n, " "); other != id && f == first {
			return d.name(id)
		}
	}
	return first
}

// firstName is the first word of a staff member's name: slips leave the
// centre, so they carry no surname.
func (d staffDirectory) firstName(id string) string {
	n := d.name(id)
	first, _, _ := strings.Cut(n, " ")
	return first
}
