package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"relais/staff"
)

// SetClock gives the auto-lock a test clock.
func (u *UI) SetClock(now func() time.Time) { u.clock = now }

// CheckIdle looks for activity as the once-a-second watch does.
func (u *UI) CheckIdle() { u.checkIdle() }

// MoveMouse is what the driver does on a mouse move over the window: it
// asks the window's content for its cursor.
func (u *UI) MoveMouse() { u.win.Content().(*activityProbe).Cursor() }

// UnlockNotice is the notice of the unlock screen ("" when hidden).
func (u *UI) UnlockNotice() string {
	if u.unlock == nil || !u.unlock.notice.Visible() {
		return ""
	}
	return u.unlock.notice.Text
}

// AutoLockSelect is the Settings' choice of minutes before the lock.
func (u *UI) AutoLockSelect() *widget.Select { return u.home.settings.autoLock }

// Preferences are the app's preferences.
func (u *UI) Preferences() fyne.Preferences { return u.app.Preferences() }

// SwitchUserButton is the header's « Changer d'utilisateur ».
func (u *UI) SwitchUserButton() *widget.Button { return u.home.switchUser }

// ForgottenButton is the unlock screen's « Mot de passe oublié… ».
func (u *UI) ForgottenButton() *widget.Button { return u.unlock.forgot }

// ResetView holds the widgets of the last password reset dialog.
type ResetView struct {
	Login, Key, Pass, Again *widget.Entry
	Save                    *widget.Button
	Problem                 *widget.Label
}

func (u *UI) ResetView() ResetView {
	r := u.reset
	return ResetView{r.login, r.key, r.pass, r.again, r.save, r.problem}
}

// WorkshopButton is the agenda's « Atelier collectif… ».
func (u *UI) WorkshopButton() *widget.Button { return u.panels().agenda.workshop }

// WorkshopFormView holds the widgets of the workshop form.
type WorkshopFormView struct {
	Title, Start, Minutes, Participants *widget.Entry
	Mediator, Procedure                 *widget.Select
	Save                                *widget.Button
	Problem                             *widget.Label
}

func (u *UI) WorkshopForm() WorkshopFormView {
	f := u.workshop
	return WorkshopFormView{f.title, f.start, f.minutes, f.participants, f.mediator, f.procedure, f.save, f.problem}
}

// Session is the signed-in session (nil while locked).
func (u *UI) Session() *staff.Session { return u.session }
