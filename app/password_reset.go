package app

import (
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/staff"
	"relais/store"
	"relais/workspace"
)

// passwordReset is the dialog that gives an account a new password with the
// centre's recovery key (printed at set-up): from the team page for a
// colleague, or from the sign-in screen when someone forgot theirs.
type passwordReset struct {
	dlg                     dialog.Dialog
	login, key, pass, again *widget.Entry
	save                    *widget.Button
	problem                 *widget.Label
}

// showForgottenPassword opens the reset from the sign-in screen.
func (u *UI) showForgottenPassword() {
	login := ""
	if u.unlock != nil {
		login = u.unlock.login.Text
	}
	desk := u.desk
	u.showPasswordReset(login, true, func(code, login, password string) error {
		return desk.ResetPassword(code, login, password, workspace.AuditOf)
	})
}

// showResetPassword opens the reset of a colleague's password, for an
// administrator on the team page.
func (u *UI) showResetPassword(login string) {
	session := u.session
	u.showPasswordReset(login, false, func(code, login, password string) error {
		return session.ResetPassword(code, login, password)
	})
}

func (u *UI) showPasswordReset(login string, askLogin bool, reset func(code, login, password string) error) {
	r := &passwordReset{
		login: widget.NewEntry(), key: widget.NewEntry(),
		pass: widget.NewPasswordEntry(), again: widget.NewPasswordEntry(),
		problem: problemLabel(),
	}
	u.reset = r
	r.login.SetText(login)
	if !askLogin {
		r.login.Disable()
	}
	r.key.SetPlaceHolder("XXXX-XXXX-XXXX-…")
	intro := paragraph(lang.L("The recovery key was printed when Relais was set up on this PC; it is kept by the centre's administration. With it, the account gets a new password: give it to the person."))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Login"), r.login),
		widget.NewFormItem(lang.L("Recovery key"), r.key),
		widget.NewFormItem(lang.L("New password"), r.pass),
		widget.NewFormItem(lang.L("New password again"), r.again),
	)
	cancel := widget.NewButton(lang.L("Cancel"), func() { r.dlg.Hide() })
	r.save = widget.NewButtonWithIcon(lang.L("Save the new password"), theme.ConfirmIcon(), nil)
	r.save.Importance = widget.HighImportance
	show := func(text string) { showInPasswordDialog(u, r.dlg, r.problem, text) }
	r.save.OnTapped = func() {
		show("")
		if r.pass.Text != r.again.Text {
			show(Message(staff.ErrPasswordMismatch))
			return
		}
		code, login, password := strings.TrimSpace(r.key.Text), r.login.Text, r.pass.Text
		r.save.Disable()
		background(u, func() (struct{}, error) {
			return struct{}{}, reset(code, login, password)
		}, func(_ struct{}, err error) {
			r.save.Enable()
			if err != nil {
				show(Message(err))
				return
			}
			r.dlg.Hide()
			dialog.ShowInformation(lang.L("Password changed"),
				lang.L("The account “{{.Login}}” has a new password. It works from now on.", map[string]any{"Login": store.NormaliseLogin(login)}), u.win)
		})
	}
	content := container.NewVBox(intro, form, r.problem, container.NewHBox(layout.NewSpacer(), cancel, r.save))
	r.dlg = dialog.NewCustomWithoutButtons(lang.L("Reset a password"), container.New(fixedWidth(520), content), u.win)
	r.dlg.Show()
	fitDialog(u, r.dlg, 560)
	if askLogin && login == "" {
		u.win.Canvas().Focus(r.login)
	} else {
		u.win.Canvas().Focus(r.key)
	}
}
