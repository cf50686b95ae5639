package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/staff"
	"relais/store"
)

// passwordChange is « Changer mon mot de passe… »: each member of staff,
// whatever their role, changes their own password, typing the current one
// first. The domain (staff.Session.ChangePassword) decides; the dialog
// only checks that the new password was typed the same twice.
type passwordChange struct {
	dlg                  dialog.Dialog
	current, next, again *widget.Entry
	save                 *widget.Button
	problem              *widget.Label
}

// accountCard is « Mon compte » at the top of Settings: who is signed in,
// and their password. Every role sees it, the front desk too.
func (u *UI) accountCard(p *settingsPanel) fyne.CanvasObject {
	acc := u.session.Account
	p.changePassword = widget.NewButtonWithIcon(lang.L("Change my password…"), theme.AccountIcon(), u.showPasswordChange)
	return container.NewVBox(
		subheading(lang.L("My account")),
		paragraph(lang.L("Signed in: {{.Name}} (login “{{.Login}}”, role: {{.Role}}).",
			map[string]any{"Name": acc.Name, "Login": acc.Login, "Role": roleName(acc.Role)})),
		paragraph(lang.L("Your password is yours alone. Change it if someone else may have seen it, or if it was given to you by a colleague.")),
		container.NewHBox(p.changePassword, layout.NewSpacer()),
	)
}

// showPasswordChange opens the dialog for the member of staff signed in.
func (u *UI) showPasswordChange() {
	session := u.session
	c := &passwordChange{
		current: widget.NewPasswordEntry(), next: widget.NewPasswordEntry(), again: widget.NewPasswordEntry(),
		problem: problemLabel(),
	}
	if p := u.home.settings; p != nil {
		p.password = c
	}
	intro := paragraph(lang.L("Type your current password, then the new one twice. The new password works at your next sign-in; you stay signed in."))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Current password"), c.current),
		widget.NewFormItem(lang.L("New password"), c.next),
		widget.NewFormItem(lang.L("New password again"), c.again),
	)
	cancel := widget.NewButton(lang.L("Cancel"), func() { c.dlg.Hide() })
	c.save = widget.NewButtonWithIcon(lang.L("Save the new password"), theme.ConfirmIcon(), nil)
	c.save.Importance = widget.HighImportance
	c.save.OnTapped = func() { c.submit(u, session) }
	c.again.OnSubmitted = func(string) {
		if !c.save.Disabled() {
			c.submit(u, session)
		}
	}
	content := container.NewVBox(intro, form,
		small(lang.L("At least {{.Min}} characters. A short sentence is easy to remember and hard to guess.", map[string]any{"Min": store.MinPasswordLength})),
		c.problem, container.NewHBox(layout.NewSpacer(), cancel, c.save))
	c.dlg = dialog.NewCustomWithoutButtons(lang.L("Change my password"), container.New(fixedWidth(520), content), u.win)
	c.dlg.Show()
	fitDialog(u, c.dlg, 560)
	u.win.Canvas().Focus(c.current)
}

// submit asks the domain to change the password, off the Fyne goroutine
// (checking a password takes about half a second).
func (c *passwordChange) submit(u *UI, session *staff.Session) {
	c.show(u, "")
	if c.next.Text != c.again.Text {
		c.show(u, Message(staff.ErrPasswordMismatch))
		return
	}
	current, next := c.current.Text, c.next.Text
	c.save.Disable()
	background(u, func() (struct{}, error) {
		return struct{}{}, session.ChangePassword(current, next)
	}, func(_ struct{}, err error) {
		if u.session != session {
			return // locked meanwhile: the dialog went with the session
		}
		c.save.Enable()
		if err != nil {
			if errors.Is(err, staff.ErrCurrentPasswordWrong) {
				c.current.SetText("")
				u.win.Canvas().Focus(c.current)
			}
			c.show(u, Message(err))
			return
		}
		for _, e := range []*widget.Entry{c.current, c.next, c.again} {
			e.SetText("")
		}
		c.dlg.Hide()
		dialog.ShowInformation(lang.L("Password changed"),
			lang.L("Your password is changed. From your next sign-in, use the new one: the old one no longer works."), u.win)
	})
}

// show shows the problem text ("" hides it) and fits the dialog around it.
func (c *passwordChange) show(u *UI, text string) { showInPasswordDialog(u, c.dlg, c.problem, text) }

// showInPasswordDialog shows a password dialog's problem text ("" hides
// it) and fits the dialog around it: the change and the reset share it.
func showInPasswordDialog(u *UI, dlg dialog.Dialog, problem *widget.Label, text string) {
	setProblem(problem, text)
	fitDialog(u, dlg, 560)
}
