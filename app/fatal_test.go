package app_test

import (
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/app"
	"relais/store"
)

// TestFatalScreenTellsWhyAndCloses: a second Relais on the same folder
// shows the reason in the user's language, and its button quits.
func TestFatalScreenTellsWhyAndCloses(t *testing.T) {
	test.NewTempApp(t)
	app.SetLanguage(app.French)
	quit := false
	screen := app.FatalScreen(app.Message(store.ErrAlreadyOpen), func() { quit = true })
	w := test.NewTempWindow(t, screen)
	want := app.Message(store.ErrAlreadyOpen)
	var shown bool
	var closeButton *widget.Button
	for _, o := range test.LaidOutObjects(w.Content()) {
		switch o := o.(type) {
		case *widget.Label:
			shown = shown || o.Text == want
		case *widget.Button:
			if o.Text == lang.L("Close") {
				closeButton = o
			}
		}
	}
	if !shown {
		t.Errorf("the screen does not show %q", want)
	}
	if closeButton == nil {
		t.Fatal("no Close button")
	}
	test.Tap(closeButton)
	if !quit {
		t.Error("Close did not quit")
	}
}
