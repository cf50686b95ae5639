package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// backupExtension ends the name of Relais's backup files.
const backupExtension = ".relaisbak"

// startRestore asks for a backup file, then for the key that opens it. On a
// folder that already has data it first says that the data will be replaced.
func (u *UI) startRestore() {
	choose := func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				u.tell(lang.L("Restore a backup"), Message(err))
				return
			}
			if r != nil {
				u.askRestoreKey(r)
			}
		}, u.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{backupExtension}))
		d.Show()
		d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
	}
	if u.desk.NeedsSetUp() {
		choose()
		return
	}
	confirm := dialog.NewCustomConfirm(lang.L("Restore a backup"), lang.L("Choose the backup"), lang.L("Cancel"),
		dialogText(lang.L("The data on this computer will be replaced by the data of the backup. Everything entered since that backup was made will be lost.")),
		func(ok bool) {
			if ok {
				choose()
			}
		}, u.win)
	confirm.Show()
}

// askRestoreKey asks for the login and password of an account of the
// backup, then restores the backup in the background.
func (u *UI) askRestoreKey(r fyne.URIReadCloser) {
	login := widget.NewEntry()
	login.SetText(u.lastLogin())
	password := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Login"), login),
		{Text: lang.L("Password"), Widget: password,
			HintText: lang.L("The login and password of an account that existed when the backup was made.")},
	}
	form := dialog.NewForm(lang.L("Open the backup"), lang.L("Restore"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			r.Close()
			return
		}
		u.restore(r, login.Text, password.Text)
	}, u.win)
	form.Resize(fyne.NewSize(620, form.MinSize().Height))
	form.Show()
	u.win.Canvas().Focus(password)
}

func (u *UI) restore(r fyne.URIReadCloser, login, password string) {
	working := widget.NewActivity()
	progress := dialog.NewCustomWithoutButtons(lang.L("Restoring the backup…"), working, u.win)
	progress.Show()
	working.Start()
	background(u, func() (struct{}, error) {
		defer r.Close()
		return struct{}{}, u.desk.Restore(r, login, password)
	}, func(_ struct{}, err error) {
		working.Stop()
		progress.Hide()
		if err != nil {
			u.tell(lang.L("Restore a backup"), Message(err))
			return
		}
		u.showUnlock()
		u.tell(lang.L("Restore a backup"), lang.L("The backup is restored. Sign in with an account that existed when it was made."))
	})
}

// tell shows a message in a dialog with an OK button.
func (u *UI) tell(title, message string) {
	dialog.NewCustom(title, lang.L("OK"), dialogText(message), u.win).Show()
}

// dialogText is a paragraph of a width that suits a dialog.
func dialogText(text string) fyne.CanvasObject {
	return container.New(fixedWidth(440), paragraph(text))
}

func (u *UI) dialogSize() fyne.Size {
	s := u.win.Canvas().Size()
	return fyne.NewSize(max(s.Width*0.85, 600), max(s.Height*0.85, 400))
}
