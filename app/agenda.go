package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// agendaPanel is the Agenda section: the centre's day, one column per mediator.
func (u *UI) agendaPanel() fyne.CanvasObject {
	return comingPanel(func() string { return lang.L("Agenda") }, func() string {
		return lang.L("Book appointments for online procedures, print the slip with the documents to bring, check people in and keep the walk-in queue.")
	})(u)
}
