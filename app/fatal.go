package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FatalScreen explains why Relais cannot open (the folder is in use by
// another window, damaged, foreign…) to a person who started it from an
// icon and would otherwise see nothing happen.
func FatalScreen(message string, quit func()) fyne.CanvasObject {
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(lang.L("Relais cannot open"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	closeButton := widget.NewButton(lang.L("Close"), quit)
	closeButton.Importance = widget.HighImportance
	card := container.NewVBox(title, msg, container.NewHBox(layout.NewSpacer(), closeButton))
	return container.NewPadded(container.NewPadded(card))
}
