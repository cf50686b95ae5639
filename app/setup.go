package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/staff"
	"relais/store"
)

// setUpScreen is the first-run form of a new data folder.
type setUpScreen struct {
	centre, name, login, password, again *widget.Entry

	create, restore *widget.Button
	working         *widget.Activity
	problem         *widget.Label
}

func (u *UI) showSetUp() {
	s := &setUpScreen{
		centre:   widget.NewEntry(),
		name:     widget.NewEntry(),
		login:    widget.NewEntry(),
		password: widget.NewPasswordEntry(),
		again:    widget.NewPasswordEntry(),
		working:  widget.NewActivity(),
		problem:  problemLabel(),
	}
	u.setUp = s
	s.centre.SetPlaceHolder(lang.L("e.g. Centre social des Tilleuls"))
	s.name.SetPlaceHolder(lang.L("First name and last name"))
	s.login.SetPlaceHolder(lang.L("e.g. marie.dupont"))

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Centre name"), s.centre),
		widget.NewFormItem(lang.L("Your name"), s.name),
		&widget.FormItem{Text: lang.L("Login"), Widget: s.login,
			HintText: lang.L("Lower-case letters, digits, dots or dashes: you will type it every day.")},
		&widget.FormItem{Text: lang.L("Password"), Widget: s.password,
			HintText: lang.L("At least {{.min}} characters. A short sentence is easy to remember and hard to guess.",
				map[string]any{"min": store.MinPasswordLength})},
		widget.NewFormItem(lang.L("Password again"), s.again),
	)

	s.create = widget.NewButtonWithIcon(lang.L("Create the centre"), theme.ConfirmIcon(), u.createCentre)
	s.create.Importance = widget.HighImportance
	s.restore = widget.NewButtonWithIcon(lang.L("Restore a backup"), theme.UploadIcon(), u.startRestore)
	s.working.Hide()
	chain := []*widget.Entry{s.centre, s.name, s.login, s.password, s.again}
	for i, e := range chain[:len(chain)-1] {
		next := chain[i+1]
		e.OnSubmitted = func(string) { u.win.Canvas().Focus(next) }
	}
	s.again.OnSubmitted = func(string) { u.createCentre() }

	u.show(screenSetUp, page(620,
		container.NewHBox(u.logo(72), container.NewCenter(heading(lang.L("Welcome to Relais")))),
		paragraph(lang.L("This computer has no centre yet. Create it now: you will be its administrator, and you can add your colleagues afterwards.")),
		widget.NewSeparator(),
		form,
		s.problem,
		container.NewHBox(layout.NewSpacer(), s.working, s.create),
		widget.NewSeparator(),
		paragraph(lang.L("Moving to a new computer? Restore the backup of your centre instead.")),
		container.NewHBox(s.restore),
		small(lang.L("Data folder: {{.dir}}", map[string]any{"dir": u.desk.Dir()})),
	))
	u.win.Canvas().Focus(s.centre)
}

// createCentre sets the folder up in the background: deriving the key from
// the password takes about half a second.
func (u *UI) createCentre() {
	s := u.setUp
	if s.create.Disabled() {
		return
	}
	f := staff.FirstRun{
		CentreName:    s.centre.Text,
		AdminName:     s.name.Text,
		Login:         s.login.Text,
		Password:      s.password.Text,
		PasswordAgain: s.again.Text,
	}
	if err := f.Validate(); err != nil {
		setProblem(s.problem, Message(err))
		return
	}
	setProblem(s.problem, "")
	s.create.Disable()
	s.restore.Disable()
	s.working.Show()
	s.working.Start()
	type result struct {
		signedIn
		key string
	}
	background(u, func() (result, error) {
		session, key, err := u.desk.SetUp(f)
		si, err := u.openServices(session, err)
		return result{si, key}, err
	}, func(r result, err error) {
		s.working.Stop()
		s.working.Hide()
		s.create.Enable()
		s.restore.Enable()
		if err != nil {
			setProblem(s.problem, Message(err))
			return
		}
		if !u.adopt(r.signedIn) {
			return
		}
		u.app.Preferences().SetString(prefLastLogin, r.Session.Account.Login)
		u.showRecovery(r.key)
	})
}

// recoveryScreen shows the recovery key, once, right after set-up.
type recoveryScreen struct {
	key      *widget.RichText
	copied   *widget.Label
	noted    *widget.Check
	proceed  *widget.Button
	copyKey  *widget.Button
	keyValue string
}

func (u *UI) showRecovery(key string) {
	s := &recoveryScreen{keyValue: key, copied: paragraph("")}
	u.recovery = s
	s.key = widget.NewRichText(&widget.TextSegment{Text: key, Style: widget.RichTextStyle{
		Alignment: fyne.TextAlignCenter,
		SizeName:  theme.SizeNameHeadingText,
		TextStyle: fyne.TextStyle{Monospace: true},
		ColorName: theme.ColorNameForeground,
	}})

	frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
	frame.StrokeWidth = 2
	frame.CornerRadius = theme.InputRadiusSize()
	keyBox := container.NewStack(frame, container.NewPadded(s.key))

	s.copied.Importance = widget.SuccessImportance
	s.copied.Hide()
	s.copyKey = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(key)
		s.copied.SetText(lang.L("Copied. Paste it into a document to print it, then delete that document."))
		s.copied.Show()
	})
	s.proceed = widget.NewButtonWithIcon(lang.L("Continue"), theme.NavigateNextIcon(), u.showHome)
	s.proceed.Importance = widget.HighImportance
	s.proceed.Disable()
	s.noted = widget.NewCheck(lang.L("I have written down the recovery key"), func(on bool) {
		if on {
			s.proceed.Enable()
		} else {
			s.proceed.Disable()
		}
	})

	warning := paragraph(lang.L("Without this key, a forgotten password makes the data unreadable."))
	warning.Importance = widget.WarningImportance
	warning.TextStyle.Bold = true

	u.show(screenRecovery, page(760,
		heading(lang.L("Your recovery key")),
		paragraph(lang.L("The centre is created. This key can open its data if every password is forgotten. It is shown only this once.")),
		keyBox,
		container.NewHBox(layout.NewSpacer(), s.copyKey),
		s.copied,
		paragraph(lang.L("Print it or write it down on paper, then keep it in a locked drawer. Do not leave it in a file on this computer.")),
		warning,
		widget.NewSeparator(),
		container.NewHBox(s.noted, layout.NewSpacer(), s.proceed),
	))
}
