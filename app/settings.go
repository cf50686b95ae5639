package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/store"
)

// The languages offered, each written in itself.
var languageNames = map[string]string{French: "Français", English: "English"}

// settingsPanel holds the widgets of the Settings section.
type settingsPanel struct {
	language      *widget.RadioGroup
	check, backup *widget.Button
	checking      *widget.Activity
	checkResult   *widget.Label
	backingUp     *widget.Activity
	backupResult  *widget.Label
	hours, team   *widget.Button // the centre's pages: hours.go, team.go
	autoLock      *widget.Select // minutes without activity before Relais locks
	// changePassword opens « Changer mon mot de passe », password is the
	// last one opened (password_change.go).
	changePassword *widget.Button
	password       *passwordChange
}

func (u *UI) settingsPanel() fyne.CanvasObject {
	p := &settingsPanel{
		checking:     widget.NewActivity(),
		checkResult:  paragraph(""),
		backingUp:    widget.NewActivity(),
		backupResult: paragraph(""),
	}
	u.home.settings = p
	p.checking.Hide()
	p.backingUp.Hide()
	p.checkResult.Hide()
	p.backupResult.Hide()

	p.language = widget.NewRadioGroup([]string{languageNames[French], languageNames[English]}, nil)
	p.language.Horizontal = true
	p.language.Required = true
	p.language.SetSelected(languageNames[language()])
	p.language.OnChanged = func(name string) {
		for code, n := range languageNames {
			if n == name && code != language() {
				u.setLanguage(code)
			}
		}
	}

	p.autoLock = widget.NewSelect(nil, nil)
	var minutes []int
	for _, m := range []int{1, 2, 5, 10, 15, 30, 60} {
		minutes = append(minutes, m)
		p.autoLock.Options = append(p.autoLock.Options, lang.L("after {{.Duration}}", map[string]any{"Duration": minutesText(m)}))
	}
	current := int(u.autoLockAfter() / time.Minute)
	for i, m := range minutes {
		if m == current {
			p.autoLock.SetSelectedIndex(i)
		}
	}
	p.autoLock.OnChanged = func(string) {
		u.app.Preferences().SetInt(prefAutoLock, minutes[p.autoLock.SelectedIndex()])
	}

	dir := widget.NewLabel(u.desk.Dir())
	dir.Selectable = true
	dir.Wrapping = fyne.TextWrapBreak

	p.check = widget.NewButtonWithIcon(lang.L("Check the data"), theme.SearchIcon(), u.checkData)
	p.backup = widget.NewButtonWithIcon(lang.L("Back up…"), theme.DocumentSaveIcon(), u.chooseBackupFile)

	p.hours = widget.NewButtonWithIcon(lang.L("Opening hours of the centre"), theme.HistoryIcon(), u.openHours)
	p.team = widget.NewButtonWithIcon(lang.L("Team"), theme.AccountIcon(), u.openTeam)

	return container.NewVBox(
		heading(lang.L("Settings")),
		u.accountCard(p),
		widget.NewSeparator(),
		subheading(lang.L("The centre")),
		paragraph(lang.L("Before booking appointments, fill in the opening hours of the centre, then add the mediators to the team with their availability.")),
		container.NewHBox(p.hours, p.team, layout.NewSpacer()),
		widget.NewSeparator(),
		subheading(lang.L("Language")),
		p.language,
		widget.NewSeparator(),
		subheading(lang.L("Automatic lock")),
		paragraph(lang.L("On this PC, Relais locks itself when nobody uses it for a while, so that a screen left open shows nothing to the next person at the desk.")),
		container.NewHBox(widget.NewLabel(lang.L("Lock")), container.New(fixedWidth(240), p.autoLock), layout.NewSpacer()),
		widget.NewSeparator(),
		subheading(lang.L("Data folder")),
		paragraph(lang.L("Relais keeps the centre's data here, encrypted.")),
		dir,
		widget.NewSeparator(),
		subheading(lang.L("Check the data")),
		paragraph(lang.L("Reads all the data to make sure nothing is damaged. It takes a few seconds.")),
		container.NewHBox(p.check, p.checking),
		p.checkResult,
		widget.NewSeparator(),
		subheading(lang.L("Backup")),
		paragraph(lang.L("Writes an encrypted copy of all the centre's data to a file. Keep it on a USB stick stored in a safe place. It opens with the login and password of an account of the centre.")),
		container.NewHBox(p.backup, p.backingUp, layout.NewSpacer()),
		p.backupResult,
		widget.NewSeparator(),
		u.retentionCard(),
	)
}

// setLanguage switches language, remembers the choice and rebuilds the
// window in the new language.
func (u *UI) setLanguage(code string) {
	SetLanguage(code)
	u.app.Preferences().SetString(prefLanguage, code)
	u.showHomeAt(sectionSettings)
}

// checkData runs the store check in the background.
func (u *UI) checkData() {
	p := u.home.settings
	p.check.Disable()
	p.checking.Show()
	p.checking.Start()
	p.checkResult.Hide()
	session := u.session
	background(u, session.Check, func(rep store.Report, err error) {
		if u.session != session || u.home.settings != p {
			return // locked or moved on meanwhile
		}
		p.checking.Stop()
		p.checking.Hide()
		p.check.Enable()
		p.checkResult.Show()
		args := map[string]any{"Records": rep.Records, "Tombstones": rep.Tombstones, "IndexEntries": rep.IndexEntries}
		switch {
		case err != nil:
			p.checkResult.Importance = widget.DangerImportance
			p.checkResult.SetText(Message(err))
		case rep.OK():
			p.checkResult.Importance = widget.SuccessImportance
			p.checkResult.SetText(lang.L("The data is in good order. Records: {{.Records}} · deletions kept: {{.Tombstones}} · index entries: {{.IndexEntries}}", args))
		default:
			p.checkResult.Importance = widget.DangerImportance
			p.checkResult.SetText(lang.L("The check found problems. Keep your last backup safe, and show these details to the person in charge of Relais:") +
				"\n" + strings.Join(rep.Problems, "\n"))
		}
	})
}

// backupFileName is the name offered for a backup made on day t.
func backupFileName(t time.Time) string {
	return fmt.Sprintf("relais-sauvegarde-%s%s", t.Format(time.DateOnly), backupExtension)
}

// chooseBackupFile asks where to write the backup, then writes it.
func (u *UI) chooseBackupFile() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showBackupResult(err)
			return
		}
		if w != nil {
			u.writeBackup(w)
		}
	}, u.win)
	d.SetFileName(backupFileName(time.Now()))
	d.SetFilter(storage.NewExtensionFileFilter([]string{backupExtension}))
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
}

// writeBackup writes the backup to w in the background, and closes w.
func (u *UI) writeBackup(w fyne.URIWriteCloser) {
	p := u.home.settings
	p.backup.Disable()
	p.backingUp.Show()
	p.backingUp.Start()
	p.backupResult.Hide()
	session, jobs := u.session, u.si.jobs
	var job *lockJob
	if jobs != nil { // a lock lets the backup end before the session closes
		job = jobs.start(jobBackup, func() {})
	}
	closed := false
	background(u, func() (string, error) {
		err := session.Backup(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			// A half-written backup is no backup: it must not be kept for one.
			if derr := storage.Delete(w.URI()); derr != nil && !errors.Is(derr, storage.ErrNotExists) {
				fyne.LogError("delete a failed backup", derr)
			}
		}
		if job != nil {
			closed = jobs.end(job, func() string {
				if err != nil {
					return lang.L("{{.Title}} ({{.File}}): {{.Outcome}}", map[string]any{"Title": lang.L("Backup"), "File": w.URI().Name(), "Outcome": Message(err)})
				}
				return lang.L("Backup written to {{.Path}}", map[string]any{"Path": w.URI().Path()})
			})
		}
		return w.URI().Path(), err
	}, func(path string, err error) {
		if closed {
			u.oldSessionClosed()
			return // the settings page belongs to a session that is gone
		}
		p.backingUp.Stop()
		p.backingUp.Hide()
		p.backup.Enable()
		if err != nil {
			u.showBackupResult(err)
			return
		}
		p.backupResult.Importance = widget.SuccessImportance
		p.backupResult.SetText(lang.L("Backup written to {{.Path}}", map[string]any{"Path": path}))
		p.backupResult.Show()
	})
}

func (u *UI) showBackupResult(err error) {
	p := u.home.settings
	p.backupResult.Importance = widget.DangerImportance
	p.backupResult.SetText(Message(err))
	p.backupResult.Show()
}
