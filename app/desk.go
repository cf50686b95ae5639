package app

import "fyne.io/fyne/v2"

// deskPanel is the Home section: what the signed-in person does first
// (reception: today and the walk-in queue; mediator: their day).
func (u *UI) deskPanel() fyne.CanvasObject { return u.welcomePanel() }
