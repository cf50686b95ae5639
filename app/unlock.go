package app

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// unlockScreen asks a member of staff for their login and password.
type unlockScreen struct {
	login, password *widget.Entry
	unlock, restore *widget.Button
	forgot          *widget.Button
	notice          *widget.Label // why the screen shows: locked when idle, another user
	// finishing says that a job started before the lock is finishing, and
	// that a sign-in waits for it (lock_job.go).
	finishing *widget.Label
	working   *widget.Activity
	problem   *widget.Label
	signingIn bool // a sign-in runs, or waits for the old session to close
	waiting   bool // the sign-in waits for the old session to close
}

func (u *UI) showUnlock() { u.showUnlockWith("", u.lastLogin()) }

// showUnlockWith shows the unlock screen with a notice saying why (none
// when empty) and login filled in (the login field focused when empty).
func (u *UI) showUnlockWith(notice, login string) {
	s := &unlockScreen{
		login:     widget.NewEntry(),
		password:  widget.NewPasswordEntry(),
		working:   widget.NewActivity(),
		problem:   problemLabel(),
		notice:    widget.NewLabel(notice),
		finishing: paragraph(""),
	}
	u.unlock = s
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	if notice == "" {
		s.notice.Hide()
	}
	s.login.SetText(login)
	s.login.OnSubmitted = func(string) { u.win.Canvas().Focus(s.password) }
	s.password.OnSubmitted = func(string) { u.signIn() }
	s.unlock = widget.NewButtonWithIcon(lang.L("Unlock"), theme.LoginIcon(), u.signIn)
	s.unlock.Importance = widget.HighImportance
	s.restore = widget.NewButtonWithIcon(lang.L("Restore a backup"), theme.UploadIcon(), u.startRestore)
	s.forgot = widget.NewButtonWithIcon(lang.L("Forgotten password…"), theme.QuestionIcon(), u.showForgottenPassword)
	s.working.Hide()
	s.finishing.Hide()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Login"), s.login),
		widget.NewFormItem(lang.L("Password"), s.password),
	)
	title := heading(lang.L("Unlock Relais"))
	title.Alignment = fyne.TextAlignCenter
	u.show(screenUnlock, page(520,
		container.NewCenter(u.logo(96)),
		title,
		paragraph(lang.L("The data of this centre is encrypted. Sign in to open it.")),
		s.notice,
		s.finishing,
		form,
		s.problem,
		container.NewHBox(layout.NewSpacer(), s.working, s.unlock),
		widget.NewSeparator(),
		container.NewHBox(s.forgot, layout.NewSpacer(), s.restore),
		small(lang.L("Data folder: {{.dir}}", map[string]any{"dir": u.desk.Dir()})),
	))
	u.showFinishing()
	if notice != "" {
		// Laid out once at its width, the wrapped notice knows its height.
		u.win.Content().Refresh()
	}
	if s.login.Text == "" {
		u.win.Canvas().Focus(s.login)
	} else {
		u.win.Canvas().Focus(s.password)
	}
}

// lastLogin is the login to offer: the last one used here if it still has
// a password, or the only one the folder knows.
func (u *UI) lastLogin() string {
	k := u.desk.Folder().Keyring()
	if k == nil {
		return ""
	}
	logins := k.Logins()
	if last := u.app.Preferences().String(prefLastLogin); last != "" && slices.Contains(logins, last) {
		return last
	}
	if len(logins) == 1 {
		return logins[0]
	}
	return ""
}

// signIn unlocks the store in the background: deriving the key from the
// password takes about half a second. While a session let go at the lock
// still finishes a job, the sign-in waits for it to close first.
func (u *UI) signIn() {
	s := u.unlock
	if s.unlock.Disabled() {
		return
	}
	login, password := s.login.Text, s.password.Text
	old, _ := u.finishing()
	// A previous problem stays until the answer comes, so the form does not
	// jump while the key is derived.
	s.signingIn, s.waiting = true, old != nil
	s.unlock.Disable()
	s.working.Show()
	s.working.Start()
	u.showFinishing()
	background(u, func() (signedIn, error) {
		if old != nil {
			<-old.closed // Badger opens the folder once
			if u.lockJobs.quitting.Load() {
				return signedIn{}, context.Canceled // the window closed meanwhile
			}
		}
		return u.openServices(u.desk.SignIn(login, password))
	}, func(si signedIn, err error) {
		s.signingIn, s.waiting = false, false
		s.working.Stop()
		s.working.Hide()
		s.unlock.Enable()
		u.showFinishing()
		if err != nil {
			setProblem(s.problem, Message(err))
			s.password.SetText("")
			u.win.Canvas().Focus(s.password)
			return
		}
		if !u.adopt(si) {
			return
		}
		u.app.Preferences().SetString(prefLastLogin, si.Session.Account.Login)
		u.showHome()
		u.tellAfterLock(si.Session.Account.Login)
	})
}

// showFinishing shows, on the sign-in screen, the line about a job of the
// session let go that is finishing, and keeps what would open the store
// (restoring a backup, a new password with the recovery key) disabled
// until that session is closed.
func (u *UI) showFinishing() {
	s := u.unlock
	if s == nil || u.screen != screenUnlock {
		return
	}
	text := ""
	old, finishing := u.finishing()
	if finishing {
		if j, ok := old.current(); ok {
			text = finishingText(j, s.waiting)
		}
	}
	if s.finishing.Text != text || s.finishing.Visible() != (text != "") {
		s.finishing.SetText(text)
		if text == "" {
			s.finishing.Hide()
		} else {
			s.finishing.Show()
		}
		u.win.Content().Refresh() // laid out again, the wrapped line takes its height
	}
	for _, b := range []*widget.Button{s.restore, s.forgot} {
		if finishing || s.signingIn {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// lock closes the session and goes back to the unlock screen.
func (u *UI) lock() {
	u.closeSession()
	u.showUnlock()
}

// lockWith locks, saying why.
func (u *UI) lockWith(notice string) {
	u.closeSession()
	u.showUnlockWith(notice, u.lastLogin())
}

// switchUser locks and lets a colleague sign in on this PC with their own
// account: the login is left empty.
func (u *UI) switchUser() {
	u.closeSession()
	u.showUnlockWith(lang.L("Relais is locked. Sign in with your own account."), "")
}
