package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// peoplePanel is the People section: search, register, a person's file.
func (u *UI) peoplePanel() fyne.CanvasObject {
	return comingPanel(func() string { return lang.L("People") }, func() string {
		return lang.L("Find or register a person in seconds, with only the data needed and their consent before anything is shared.")
	})(u)
}

// openPerson shows a person's file in the People section.
func (u *UI) openPerson(id string) { u.openSection(sectionPeople) }

// startBooking opens the booking flow for a person.
func (u *UI) startBooking(personID string) { u.openSection(sectionPeople) }
