package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/people"
	"relais/store"
)

// Test hooks of the People section and the booking flow.

// SectionPeople is the People section's id.
const SectionPeople = sectionPeople

// SlipFileName exposes slipFileName.
var SlipFileName = slipFileName

// PeopleView holds the widgets of the People section's search.
type PeopleView struct {
	Search   *widget.Entry
	Count    *widget.Label
	Register *widget.Button
	Hits     []people.Hit // the people listed, in order
}

func (u *UI) PeopleView() PeopleView {
	p := u.currentPeople()
	s := p.search
	return PeopleView{s.entry, s.count, s.register, s.hits}
}

// Focused returns the widget that has the keyboard focus.
func (u *UI) Focused() fyne.Focusable { return u.win.Canvas().Focused() }

// ResultButtons returns the « open the file » and « appointment » buttons of
// the list's row showing result i, as drawn; nil when it is not drawn.
func (u *UI) ResultButtons(i int) (open, book *widget.Button) {
	s := u.currentPeople().search
	for _, r := range s.rows {
		if r.item == i && r.box.Visible() {
			return r.open, r.book
		}
	}
	return nil, nil
}

// InterceptSaves makes the People section's « save » ask f for the file
// instead of showing the file dialog.
func (u *UI) InterceptSaves(f func(name string) (fyne.URIWriteCloser, error)) {
	u.currentPeople().saveHook = f
}

// PersonFormView holds the widgets of the registration or edit form.
type PersonFormView struct {
	First, Last, Phone, Email, Birth *widget.Entry
	NoPhone, Consent                 *widget.Check
	Language                         *widget.Select
	Save                             *widget.Button
	Problem                          *widget.Label
	// The duplicate warning, when shown.
	DuplicatesShown bool
	Same            []*widget.Button
	Why             []string // beside each candidate
	Other           *widget.Button
}

func (u *UI) PersonFormView() PersonFormView {
	f := u.currentPeople().form
	if f == nil {
		return PersonFormView{}
	}
	shown := f.dups != nil && u.win.Canvas().Overlays().Top() != nil
	return PersonFormView{f.first, f.last, f.phone, f.email, f.birth, f.noPhone, f.consent, f.language, f.save, f.problem,
		shown, f.dupSame, f.dupWhy, f.dupOther}
}

// PersonFileView holds what a person's file shows.
type PersonFileView struct {
	Open           bool // a file is shown
	Person         people.Person
	Name           *widget.Label
	Consent        *widget.Label
	ToggleConsent  *widget.Button
	Edit, Book     *widget.Button
	Problem        *widget.Label
	Upcoming, Past []string // one line per appointment
}

func (u *UI) PersonFileView() PersonFileView {
	p := u.currentPeople()
	if p == nil || p.file == nil {
		return PersonFileView{}
	}
	f := p.file
	return PersonFileView{true, f.person, f.name, f.consent, f.toggle, f.edit, f.book, f.problem, f.upcomingText, f.pastText}
}

// BookingView holds the widgets of the booking flow.
type BookingView struct {
	Open       bool
	Filter     *widget.Entry
	Procedures []string // codes, in the order shown
	Mode       *widget.RadioGroup
	Slots      []*widget.Button
	Problem    *widget.Label
	Print, ICS *widget.Button
	Saved      *widget.Label
	BookedID   string
}

func (u *UI) BookingView() BookingView {
	p := u.currentPeople()
	if p == nil || p.booking == nil {
		return BookingView{}
	}
	b := p.booking
	var codes []string
	for _, proc := range b.procedures {
		if _, ok := b.procButtons[proc.Code]; ok {
			codes = append(codes, proc.Code)
		}
	}
	return BookingView{true, b.filter, codes, b.mode, b.slotButtons, b.problem, b.print, b.ics, b.saved, b.booked.ID}
}

// ProcedureButton returns the button of a procedure in the booking flow.
func (u *UI) ProcedureButton(code string) *widget.Button {
	return u.currentPeople().booking.procButtons[code]
}

// OpenPerson and StartBooking expose what other screens call.
func (u *UI) OpenPerson(id string)   { u.openPerson(id) }
func (u *UI) StartBooking(id string) { u.startBooking(id) }

// Services returns the signed-in session's services.
func (u *UI) Services() (*people.Service, *appointments.Scheduler, *store.DB, string) {
	return u.people, u.sched, u.session.DB, u.session.CentreID
}

// WriteDossier writes the open file's dossier into dir, as the folder
// dialog does.
func (u *UI) WriteDossier(dir string) {
	p := u.currentPeople()
	p.writeDossier(p.file, dir)
}
