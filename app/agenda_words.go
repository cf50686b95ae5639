package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"relais/appointments"
	"relais/people"
)

// clock is the time the desk screens show and count waiting time from;
// tests set it.
var clock = time.Now

// statusName is the translated name of an appointment status.
func statusName(s appointments.Status) string {
	switch s {
	case appointments.Booked:
		return lang.X("agenda.status.booked", "Booked")
	case appointments.Arrived:
		return lang.X("agenda.status.arrived", "Arrived")
	case appointments.Seen:
		return lang.X("agenda.status.seen", "Seen")
	case appointments.Absent:
		return lang.X("agenda.status.absent", "Absent")
	case appointments.Excused:
		return lang.X("agenda.status.excused", "Excused")
	case appointments.Cancelled:
		return lang.X("agenda.status.cancelled", "Cancelled by the centre")
	}
	return string(s)
}

// statusIcon is the icon of a status, in the status colour.
func statusIcon(s appointments.Status) fyne.Resource {
	switch s {
	case appointments.Arrived:
		return theme.NewWarningThemedResource(theme.LoginIcon())
	case appointments.Seen:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case appointments.Absent:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case appointments.Excused:
		return theme.NewDisabledResource(theme.MailReplyIcon())
	case appointments.Cancelled:
		return theme.NewDisabledResource(theme.ContentClearIcon())
	}
	return theme.NewPrimaryThemedResource(theme.HistoryIcon())
}

// statusColour is the colour of the strip on the side of a card.
func statusColour(s appointments.Status) color.Color {
	name := theme.ColorNamePrimary
	switch s {
	case appointments.Arrived:
		name = theme.ColorNameWarning
	case appointments.Seen:
		name = theme.ColorNameSuccess
	case appointments.Absent:
		name = theme.ColorNameError
	case appointments.Excused, appointments.Cancelled:
		name = theme.ColorNameDisabled
	}
	return theme.Color(name)
}

// modeName is the translated name of how an appointment takes place.
func modeName(m appointments.Mode) string {
	switch m {
	case appointments.Phone:
		return lang.X("agenda.mode.phone", "By phone")
	case appointments.Video:
		return lang.X("agenda.mode.video", "By video call")
	}
	return lang.X("agenda.mode.onsite", "On site")
}

// autonomyName is the plain-words name of an autonomy level.
func autonomyName(a appointments.Autonomy) string {
	switch a {
	case appointments.DoneFor:
		return lang.X("agenda.autonomy.done_for", "Done for the person")
	case appointments.DoneWith:
		return lang.X("agenda.autonomy.done_with", "Done with the person")
	case appointments.DoneAlone:
		return lang.X("agenda.autonomy.done_alone", "Done alone by the person")
	}
	return string(a)
}

// procedureTitle is the title of a procedure of the catalogue, or its code.
func procedureTitle(code string) string {
	if p, err := appointments.FindProcedure(code); err == nil {
		return p.Title
	}
	return code
}

// clockText writes the Paris time of t, « 14:30 ».
func clockText(t time.Time) string { return appointments.ClockOf(t).String() }

// personNames looks up the names of persons, each once: an agenda names
// the same person at most a few times, and a read is a decryption.
type personNames struct {
	people *people.Service
	names  map[string]string
}

func newPersonNames(p *people.Service) *personNames {
	return &personNames{people: p, names: map[string]string{}}
}

// name returns the person's full name, following a merge, or "" for an
// unknown person (shown as such by personName) rather than an error, so one
// damaged record does not hide a whole day. It may run off the Fyne
// goroutine: it translates nothing.
func (n *personNames) name(id string) string {
	if s, ok := n.names[id]; ok {
		return s
	}
	s := ""
	if p, err := n.people.Get(n.people.ResolveMerged(id)); err == nil {
		s = p.FullName()
	}
	n.names[id] = s
	return s
}

// plural reports whether n takes the plural in the language in use: in
// French, 0 and 1 are singular.
func plural(n int) bool {
	if language() == English {
		return n != 1
	}
	return n > 1
}
