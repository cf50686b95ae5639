// Package app is Relais's user interface, built with Fyne: the first-run
// set-up, the unlock screen and the home screen with its sections. No
// business rule lives here: the domain packages validate and decide, and the
// screens show their answers and their problems (see Message).
package app

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/assets"
	"relais/guides"
	"relais/network"
	"relais/people"
	"relais/radar"
	"relais/staff"
)

// Preference keys.
const (
	prefLanguage  = "language"
	prefLastLogin = "last_login"
)

// The screens the window can show.
const (
	screenSetUp    = "setup"
	screenRecovery = "recovery"
	screenUnlock   = "unlock"
	screenHome     = "home"
)

// UI is Relais's main window and the state of the person using it.
type UI struct {
	app  fyne.App
	win  fyne.Window
	desk *staff.Desk
	icon fyne.Resource

	// The fields below belong to the Fyne goroutine.
	opts    Options
	si      signedIn // the session and its services while signed in
	session *staff.Session
	people  *people.Service         // set while signed in
	sched   *appointments.Scheduler // set while signed in
	network *network.Service        // set while signed in
	guides  *guides.Library         // set while signed in
	radar   *radar.Radar            // set while signed in
	screen  string
	closed  bool
	// idle is what the auto-lock last saw (idle.go); clock is its time.
	idle  idleState
	clock func() time.Time

	setUp    *setUpScreen
	recovery *recoveryScreen
	unlock   *unlockScreen
	home     *homeScreen
	reset    *passwordReset // the last password reset dialog opened
	workshop *workshopForm  // the last workshop form opened

	// The sections' own state (agenda.go, radar.go, journal.go, reports.go).
	panelState   deskPanels
	radarState   radarScreens
	journalState journalScreens
	reportsState reportsScreens
	// lockJobs is the side of the jobs that outlive a lock (lock_job.go).
	lockJobs lockJobState

	// busy counts background jobs whose result is not applied yet; tests wait
	// for it to reach zero.
	busy atomic.Int32
	// do runs a function on the Fyne goroutine: fyne.Do, except in tests,
	// where the test's own goroutine applies the results.
	do func(func())
}

// New builds the main window for desk: the set-up screen for a new data
// folder, the unlock screen otherwise. The language saved in the
// preferences, if any, is applied; otherwise the one given to SetLanguage,
// French by default.
func New(a fyne.App, desk *staff.Desk) *UI { return NewWith(a, desk, Options{}) }

// NewWith is New with options.
func NewWith(a fyne.App, desk *staff.Desk, opts Options) *UI {
	if code := a.Preferences().String(prefLanguage); code != "" {
		SetLanguage(code)
	} else if language() == "" {
		SetLanguage(French)
	}
	u := &UI{app: a, desk: desk, opts: opts, icon: fyne.NewStaticResource("icon.png", assets.Icon), do: fyne.Do, clock: time.Now}
	u.win = a.NewWindow("Relais")
	u.win.SetIcon(u.icon)
	u.win.SetMaster()
	u.win.Resize(fyne.NewSize(1100, 720))
	u.win.CenterOnScreen()
	u.win.SetOnClosed(u.onClosed)
	u.win.SetCloseIntercept(u.askToClose)
	if desk.NeedsSetUp() {
		u.showSetUp()
	} else {
		u.showUnlock()
	}
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// onClosed closes the store when the window goes, so the data folder is
// left clean for the next start: a job still running is stopped first (the
// close button asked, see askToClose).
func (u *UI) onClosed() {
	u.closed = true
	u.closeSession()
	u.stopJobs()
}

// closeSession detaches the session from the window at once: no screen or
// dialog of it stays. The session itself closes now, or, when an export or
// an import of it runs, once that job ended (lock_job.go).
func (u *UI) closeSession() {
	// No dialog stays over the sign-in screen: it may show a person's data.
	if c := u.win.Canvas(); c != nil {
		for top := c.Overlays().Top(); top != nil; top = c.Overlays().Top() {
			c.Overlays().Remove(top)
		}
	}
	if u.session != nil {
		if g := u.panels().guides; g != nil {
			g.closeViewer() // and its presentation window
		}
		u.letGo(u.si)
		u.si = signedIn{}
		u.session, u.people, u.sched, u.network, u.guides, u.radar = nil, nil, nil, nil, nil, nil
	}
}

// adopt takes a session a background job opened. If the window closed in
// the meantime, the session is closed at once.
func (u *UI) adopt(si signedIn) bool {
	if u.closed {
		si.close()
		return false
	}
	u.closeSession()
	u.touched() // signing in is activity: the auto-lock counts from now
	u.si = si
	u.session, u.people, u.sched, u.network, u.guides, u.radar = si.Session, si.People, si.Scheduler, si.Network, si.Guides, si.Radar
	return true
}

func (u *UI) show(screen string, content fyne.CanvasObject) {
	u.screen = screen
	u.win.SetContent(newActivityProbe(content, u.touched))
}

// background runs work on its own goroutine, which ends when work returns,
// and then apply with the result on the Fyne goroutine. work must not touch
// any widget.
func background[T any](u *UI, work func() (T, error), apply func(T, error)) {
	u.busy.Add(1)
	go func() {
		v, err := work()
		u.do(func() {
			defer u.busy.Add(-1)
			apply(v, err)
		})
	}()
}

// loadLatest runs work off the Fyne goroutine for a view that reads its
// data again now and then (loads counts its loads). The result is applied
// only if it answers the view's latest load and the view is still shown
// (alive); a problem shows in problem, and goes when a load succeeds.
func loadLatest[T any](u *UI, loads *int, alive func() bool, problem *widget.Label, work func() (T, error), apply func(T)) {
	*loads++
	n := *loads
	background(u, work, func(v T, err error) {
		if n != *loads || !alive() {
			return
		}
		if err != nil {
			setProblem(problem, Message(err))
			return
		}
		setProblem(problem, "")
		apply(v)
	})
}

// heading returns a large bold label.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// subheading returns a bold label of the size of a section title.
func subheading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// paragraph returns a label that wraps at word boundaries.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// problemLabel returns the empty, hidden label where a screen shows what
// went wrong.
func problemLabel() *widget.Label {
	l := paragraph("")
	l.Importance = widget.DangerImportance
	l.TextStyle.Bold = true
	l.Hide()
	return l
}

func setProblem(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// small returns a label in the theme's caption size, for secondary facts.
func small(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapBreak // paths have no spaces to break at
	return l
}

func (u *UI) logo(side float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(u.icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(side))
	return img
}

// page centres a column of fixed width in the window, scrolling vertically
// when the window is too short.
func page(width float32, objects ...fyne.CanvasObject) fyne.CanvasObject {
	column := container.New(fixedWidth(width), container.NewVBox(objects...))
	return container.NewVScroll(container.NewCenter(column))
}

// fixedWidth is a layout giving its objects a set width and their own
// height, so wrapped text has a width to wrap at.
type fixedWidth float32

func (w fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(float32(w), 0)
	for _, o := range objects {
		if o.Visible() {
			s.Height = max(s.Height, o.MinSize().Height)
		}
	}
	return s
}

func (w fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
