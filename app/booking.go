package app

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/people"
	"relais/store"
)

// slotsProposed is how many free slots the booking flow proposes.
const slotsProposed = 8

// frequencyDays is how far back the procedures booked at the centre are
// counted to put the most frequent on top.
const frequencyDays = 28

// bookingFlow books an appointment for a person in three taps: the
// procedure, a slot, then the slip.
type bookingFlow struct {
	person people.Person
	names  staffDirectory

	// Step 1: the procedure.
	filter      *widget.Entry
	procedures  []appointments.Procedure // most frequent first
	procBox     *fyne.Container
	procButtons map[string]*widget.Button

	// Step 2: the slot.
	procedure   appointments.Procedure
	mode        *widget.RadioGroup
	from        *widget.DateEntry
	slots       []appointments.Slot
	slotBox     *fyne.Container
	slotButtons []*widget.Button
	problem     *widget.Label

	// Step 3: done.
	booked     appointments.Entry
	print, ics *widget.Button
	saved      *widget.Label
}

// showBooking starts booking an appointment for person id.
func (p *peopleSection) showBooking(id string) {
	u := p.u
	person, err := u.people.Get(id)
	if err != nil {
		p.showFile(id) // shows the problem
		return
	}
	b := &bookingFlow{person: person, problem: problemLabel(), procButtons: map[string]*widget.Button{}}
	p.booking, p.file, p.form = b, nil, nil
	b.procedures = slices.Clone(appointments.Catalogue())
	b.filter = widget.NewEntry()
	b.filter.SetPlaceHolder(lang.L("Filter the procedures: CAF, passport, ameli…"))
	b.filter.OnChanged = func(string) { p.showProcedures() }
	b.filter.OnSubmitted = func(string) { // Enter takes the first procedure listed
		for _, proc := range b.procedures {
			if _, ok := b.procButtons[proc.Code]; ok {
				p.chooseProcedure(proc)
				return
			}
		}
	}
	b.procBox = container.NewVBox()
	p.showProcedures()

	top := container.NewVBox(
		peopleToolbar(heading(lang.L("Appointment for {{.Name}}", map[string]any{"Name": person.FullName()})), p.backToFileButton(id)),
		subheading(lang.L("1. Which procedure?")),
		b.filter,
	)
	p.showView(container.NewBorder(top, nil, nil, nil, peopleScroll(b.procBox)))
	if c := u.win.Canvas(); c != nil {
		c.Focus(b.filter) // typing « caf » narrows the list at once
	}

	// The most frequent procedures of the centre go on top once counted.
	sched, centre := u.sched, u.session.CentreID
	background(u, func() (map[string]int, error) { return procedureCounts(sched, centre, time.Now()) }, func(counts map[string]int, err error) {
		if p.booking != b || err != nil {
			return
		}
		slices.SortStableFunc(b.procedures, func(x, y appointments.Procedure) int { return cmp.Compare(counts[y.Code], counts[x.Code]) })
		if b.procedure.Code == "" {
			p.showProcedures()
		}
	})
}

// procedureCounts counts the appointments of each procedure at a centre in
// the last frequencyDays days.
func procedureCounts(sched *appointments.Scheduler, centre string, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	for d := range frequencyDays {
		ag, err := sched.DayAgenda(centre, now.AddDate(0, 0, -d))
		if err != nil {
			return nil, err
		}
		for _, c := range ag.Columns {
			for _, a := range c.Appointments {
				counts[a.Procedure]++
			}
		}
	}
	return counts, nil
}

func (p *peopleSection) backToFileButton(id string) *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Back to the file"), theme.NavigateBackIcon(), func() { p.showFile(id) })
}

// showProcedures lists the procedures matching the filter.
func (p *peopleSection) showProcedures() {
	b := p.booking
	q := peopleFold(b.filter.Text)
	b.procBox.RemoveAll()
	clear(b.procButtons)
	for _, proc := range b.procedures {
		if q != "" && !strings.Contains(peopleFold(proc.Title+" "+proc.Organisation+" "+proc.Code), q) {
			continue
		}
		btn := widget.NewButton(proc.Title+"  ·  "+proc.Organisation+"  ·  "+lang.X("ui.people.minutes", "{{.Minutes}} min", map[string]any{"Minutes": proc.Minutes}), func() {
			p.chooseProcedure(proc)
		})
		btn.Alignment = widget.ButtonAlignLeading
		b.procButtons[proc.Code] = btn
		b.procBox.Add(btn)
	}
	if len(b.procButtons) == 0 {
		b.procBox.Add(peopleDim(lang.L("No procedure matches. Clear the filter to see them all.")))
	}
}

// foldText lower-cases and drops the accents, for filtering.
func peopleFold(s string) string {
	return strings.ToLower(strings.NewReplacer(
		"é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ù", "u", "û", "u",
		"É", "e", "È", "e", "À", "a", "Ç", "c",
	).Replace(strings.TrimSpace(s)))
}

// chooseProcedure goes to step 2: the free slots for the procedure.
func (p *peopleSection) chooseProcedure(proc appointments.Procedure) {
	b := p.booking
	b.procedure = proc
	b.mode = widget.NewRadioGroup([]string{modeName(appointments.OnSite), modeName(appointments.Phone), modeName(appointments.Video)}, nil)
	b.mode.Horizontal = true
	b.mode.Required = true
	b.mode.SetSelected(modeName(appointments.OnSite))
	b.from = widget.NewDateEntry()
	b.from.OnChanged = func(*time.Time) { p.loadSlots() }
	b.slotBox = container.NewVBox(widget.NewActivity())
	change := widget.NewButtonWithIcon(lang.L("Another procedure"), theme.NavigateBackIcon(), func() { p.showBooking(b.person.ID) })

	procLine := widget.NewLabelWithStyle(proc.Title+" · "+proc.Organisation, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	procLine.Wrapping = fyne.TextWrapWord
	options := widget.NewForm(
		widget.NewFormItem(lang.X("ui.people.how", "How"), b.mode),
		widget.NewFormItem(lang.L("Another date"), container.NewHBox(container.New(fixedWidth(220), b.from))),
	)
	content := container.NewVBox(
		peopleToolbar(heading(lang.L("Appointment for {{.Name}}", map[string]any{"Name": b.person.FullName()})), change, p.backToFileButton(b.person.ID)),
		procLine,
		options,
		widget.NewSeparator(),
		subheading(lang.L("2. Next free slots")),
		peopleDim(lang.L("Tap a slot to book it.")),
		b.problem,
		b.slotBox,
	)
	p.showView(peopleScroll(content))
	p.loadSlots()
}

// slotsFound is the answer of a slot search.
type slotsFound struct {
	slots []appointments.Slot
	names staffDirectory
}

// loadSlots proposes the next free slots from now, or from the date chosen.
func (p *peopleSection) loadSlots() {
	b := p.booking
	u := p.u
	from := time.Now()
	if d := b.from.Date; d != nil {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, appointments.Paris)
		if day.After(from) {
			from = day
		}
	}
	sched, db, centre, code := u.sched, u.session.DB, u.session.CentreID, b.procedure.Code
	b.slotBox.Objects = []fyne.CanvasObject{widget.NewActivity()}
	b.slotBox.Refresh()
	background(u, func() (slotsFound, error) {
		slots, err := sched.NextFreeSlots(code, centre, from, slotsProposed)
		if err != nil {
			return slotsFound{}, err
		}
		return slotsFound{slots, staffNames(db)}, nil
	}, func(found slotsFound, err error) {
		if p.booking != b || b.procedure.Code != code {
			return
		}
		b.slotBox.RemoveAll()
		b.slotButtons = nil
		if err != nil {
			setProblem(b.problem, Message(err))
			return
		}
		b.slots, b.names = found.slots, found.names
		if len(b.slots) == 0 {
			b.slotBox.Add(peopleDim(lang.L("No free slot in the coming months for this procedure. Check the mediators' hours in the agenda.")))
			return
		}
		grid := container.NewGridWithColumns(2)
		for _, s := range b.slots {
			btn := widget.NewButtonWithIcon(peopleSlotText(s.Start, found.names.shortName(s.Mediator)), theme.CalendarIcon(), func() { p.book(s) })
			btn.Alignment = widget.ButtonAlignLeading
			b.slotButtons = append(b.slotButtons, btn)
			grid.Add(btn)
		}
		b.slotBox.Add(grid)
	})
}

// chosenMode is the mode selected, on site by default.
func (b *bookingFlow) chosenMode() appointments.Mode {
	for _, m := range []appointments.Mode{appointments.Phone, appointments.Video} {
		if b.mode.Selected == modeName(m) {
			return m
		}
	}
	return appointments.OnSite
}

// book books slot s; a refusal (the slot was just taken…) is shown and the
// slots are proposed again.
func (p *peopleSection) book(s appointments.Slot) {
	b := p.booking
	u := p.u
	for _, btn := range b.slotButtons {
		btn.Disable()
	}
	scope := store.ScopeLocal
	if b.person.Consent.Given {
		scope = store.ScopeNetwork
	}
	booking := appointments.Booking{
		Person: b.person.ID, Centre: u.session.CentreID, Mediator: s.Mediator, Procedure: b.procedure.Code,
		Start: s.Start, End: s.End, Mode: b.chosenMode(), Scope: scope,
	}
	sched := u.sched
	background(u, func() (appointments.Entry, error) {
		id, err := sched.Book(booking)
		if err != nil {
			return appointments.Entry{}, err
		}
		return sched.Get(id)
	}, func(e appointments.Entry, err error) {
		if p.booking != b {
			return
		}
		if err != nil {
			setProblem(b.problem, Message(err))
			p.loadSlots()
			return
		}
		setProblem(b.problem, "")
		b.booked = e
		p.showBooked()
	})
}

// showBooked is step 3: the appointment, the documents to bring, and the slip.
func (p *peopleSection) showBooked() {
	b := p.booking
	e := b.booked
	proc := b.procedure
	b.print = widget.NewButtonWithIcon(lang.L("Print the slip"), theme.DocumentPrintIcon(), func() { p.saveSlip() })
	b.print.Importance = widget.HighImportance
	b.ics = widget.NewButtonWithIcon(lang.L("Add to a calendar (.ics)"), theme.CalendarIcon(), func() { p.saveICS() })
	b.saved = paragraph("")
	b.saved.Hide()
	another := widget.NewButtonWithIcon(lang.X("ui.people.new_search", "New search"), theme.SearchIcon(), p.showSearch)
	file := widget.NewButtonWithIcon(lang.X("ui.people.open_file", "Open the file"), theme.AccountIcon(), func() { p.showFile(b.person.ID) })

	done := heading(lang.L("Appointment booked"))
	done.Importance = widget.SuccessImportance
	facts := widget.NewForm(
		widget.NewFormItem(lang.X("ui.people.for", "For"), widget.NewLabel(b.person.FullName())),
		widget.NewFormItem(lang.X("ui.people.when", "When"), widget.NewLabelWithStyle(peopleWhen(e.Start), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		widget.NewFormItem(lang.X("ui.people.length", "Length"), widget.NewLabel(lang.X("ui.people.minutes", "{{.Minutes}} min", map[string]any{"Minutes": e.Minutes}))),
		widget.NewFormItem(lang.X("ui.people.how", "How"), widget.NewLabel(modeName(e.Mode))),
		widget.NewFormItem(lang.X("ui.people.with", "With"), widget.NewLabel(b.names.name(e.Mediator))),
		widget.NewFormItem(lang.X("ui.people.procedure", "Procedure"), paragraph(proc.Title+" · "+proc.Organisation)),
	)
	docs := container.NewVBox()
	for _, d := range proc.Documents {
		docs.Add(container.NewHBox(widget.NewIcon(theme.CheckButtonIcon()), widget.NewLabel(d)))
	}
	if len(proc.Documents) == 0 {
		docs.Add(peopleDim(lang.L("No document to bring.")))
	}
	content := container.NewVBox(
		peopleToolbar(done, another, file),
		facts,
		container.NewHBox(b.print, b.ics),
		b.saved,
		widget.NewSeparator(),
		subheading(lang.X("ui.people.documents", "Documents to bring")),
		docs,
	)
	p.showView(peopleScroll(content))
}
