package app

import (
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
	working         *widget.Activity
	problem         *widget.Label
}

func (u *UI) showUnlock() { u.showUnlockWith("", u.lastLogin()) }

// showUnlockWith shows the unlock screen with a notice saying why (none
// when empty) and login filled in (the login field focused when empty).
func (u *UI) showUnlockWith(notice, login string) {
	s := &unlockScreen{
		login:    widget.NewEntry(),
		password: widget.NewPasswordEntry(),
		working:  widget.NewActivity(),
		problem:  problemLabel(),
		notice:   widget.NewLabel(notice),
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
		form,
		s.problem,
		container.NewHBox(layout.NewSpacer(), s.working, s.unlock),
		widget.NewSeparator(),
		container.NewHBox(s.forgot, layout.NewSpacer(), s.restore),
		small(lang.L("Data folder: {{.dir}}", map[string]any{"dir": u.desk.Dir()})),
	))
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
// password takes about half a second.
func (u *UI) signIn() {
	s := u.unlock
	if s.unlock.Disabled() {
		return
	}
	login, password := s.login.Text, s.password.Text
	// A previous problem stays until the answer comes, so the form does not
	// jump while the key is derived.
	s.unlock.Disable()
	s.restore.Disable()
	s.working.Show()
	s.working.Start()
	background(u, func() (signedIn, error) {
		return u.openServices(u.desk.SignIn(login, password))
	}, func(si signedIn, err error) {
		s.working.Stop()
		s.working.Hide()
		s.unlock.Enable()
		s.restore.Enable()
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
	})
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
