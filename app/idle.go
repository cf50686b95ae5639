package app

import (
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Auto-lock: a PC at a front desk is left alone between two people; after a
// few minutes without anyone touching it, Relais locks (the session closes,
// the store's key leaves memory) and shows the sign-in screen.
//
// Fyne has no window-wide input hook, so activity is seen two ways:
//   - the mouse: the window's content is wrapped in an activityProbe, a
//     widget whose cursor the driver asks for on every mouse move over the
//     window (it walks every object under the pointer, the probe first);
//   - the keyboard and dialogs: once a second, the focused widget, the text
//     and cursor of a focused entry, and the top dialog are compared with
//     the second before.
//
// A click always comes with a move or a focus change; typing changes the
// focused entry. What is missed (a key held on a button, the mouse resting
// on a dialog) only makes Relais lock sooner, never later.

const (
	// prefAutoLock is the minutes without activity before Relais locks,
	// a setting of this PC.
	prefAutoLock = "auto_lock_minutes"
	// defaultAutoLock is the five minutes.
	defaultAutoLock = 5
	// The settings offer 1 to 60 minutes: never locking is not offered.
	minAutoLock, maxAutoLock = 1, 60
)

// autoLockAfter is how long this PC waits before locking.
func (u *UI) autoLockAfter() time.Duration {
	if u.opts.AutoLock > 0 {
		return u.opts.AutoLock
	}
	m := u.app.Preferences().IntWithFallback(prefAutoLock, defaultAutoLock)
	if m < minAutoLock || m > maxAutoLock {
		m = defaultAutoLock
	}
	return time.Duration(m) * time.Minute
}

// minutesText is « 1 minute », « 5 minutes » (« moins d'une minute » for 0).
func minutesText(m int) string {
	switch {
	case m < 1:
		return lang.L("less than a minute")
	case m == 1:
		return lang.L("1 minute")
	}
	return lang.L("{{.Minutes}} minutes", map[string]any{"Minutes": m})
}

// activityProbe wraps the window's content and notes every mouse move.
type activityProbe struct {
	widget.BaseWidget
	content fyne.CanvasObject
	moved   func()
}

func newActivityProbe(content fyne.CanvasObject, moved func()) *activityProbe {
	p := &activityProbe{content: content, moved: moved}
	p.ExtendBaseWidget(p)
	return p
}

func (p *activityProbe) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// Cursor is asked by the driver on every mouse move over the window. The
// widgets under the probe that have a cursor of their own are asked after
// it, so theirs wins.
func (p *activityProbe) Cursor() desktop.Cursor {
	p.moved()
	return desktop.DefaultCursor
}

var _ desktop.Cursorable = (*activityProbe)(nil)

// idleState is what the last look at the window saw.
type idleState struct {
	last    time.Time // the last activity seen
	focused fyne.Focusable
	text    string
	row     int
	col     int
	overlay fyne.CanvasObject
}

// touched notes activity now.
func (u *UI) touched() { u.idle.last = u.clock() }

// checkIdle looks at the window for activity since the last look and locks
// a signed-in session left alone for too long. It runs on the Fyne
// goroutine, every second.
func (u *UI) checkIdle() {
	now := u.clock()
	s := &u.idle
	c := u.win.Canvas()
	focused := c.Focused()
	var text string
	var row, col int
	if e, ok := focused.(*widget.Entry); ok {
		text, row, col = e.Text, e.CursorRow, e.CursorColumn
	}
	overlay := c.Overlays().Top()
	if focused != s.focused || text != s.text || row != s.row || col != s.col || overlay != s.overlay || s.last.IsZero() {
		s.focused, s.text, s.row, s.col, s.overlay = focused, text, row, col, overlay
		s.last = now
		return
	}
	if u.session == nil || now.Sub(s.last) < u.autoLockAfter() {
		return
	}
	after := u.autoLockAfter()
	log.Printf("relais: locked after %s without activity", after)
	u.lockWith(lang.L("Relais locked itself after {{.Duration}} without activity, to protect the people's data. Sign in to go on.",
		map[string]any{"Duration": minutesText(int(after / time.Minute))}))
}

// WatchIdle starts looking for activity once a second, for the window's
// life. The real program calls it; tests call CheckIdle with their clock.
func (u *UI) WatchIdle() {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for range t.C {
			stop := false
			fyne.DoAndWait(func() {
				stop = u.closed
				if !stop {
					u.checkIdle()
				}
			})
			if stop {
				return
			}
		}
	}()
}
