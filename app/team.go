package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
	"relais/staff"
	"relais/store"
)

// teamPage is « Équipe »: the centre's staff, adding a colleague (for an
// administrator), and each mediator's availability and absences.
type teamPage struct {
	session *staff.Session
	list    *fyne.Container
	members []teamMember
	problem *widget.Label
	added   *widget.Label

	// The « add a person » form, shown on demand; nil for a non-admin.
	add      *widget.Button
	form     *fyne.Container
	name     *widget.Entry
	login    *widget.Entry
	role     *widget.RadioGroup
	password *widget.Entry
	again    *widget.Entry
	save     *widget.Button
	cancel   *widget.Button
	formErr  *widget.Label
}

// teamMember is a row of the team list.
type teamMember struct {
	id        string // the staff record id: appointments name mediators by it
	account   staff.Account
	available bool // a mediator with weekly hours at this centre
	hours     *widget.Button
	absences  *widget.Button
	toggle    *widget.Button // disable or enable the account (administrators)
	reset     *widget.Button // a new password, with the recovery key (administrators)
}

func (u *UI) openTeam() {
	p := &teamPage{session: u.session, list: container.NewVBox(), problem: problemLabel(), added: paragraph("")}
	p.added.Importance = widget.SuccessImportance
	p.added.Hide()
	top := container.NewVBox(
		peopleToolbar(heading(lang.L("Team")), u.backToSettings()),
		paragraph(lang.L("The people who work at the centre. Each one signs in with their own login and password. Appointments are proposed with the mediators, during their availability.")),
	)
	if u.session.Account.Role == staff.Admin {
		p.add = widget.NewButtonWithIcon(lang.L("Add a person to the team"), theme.ContentAddIcon(), func() { p.showForm(u) })
		p.add.Importance = widget.HighImportance
		p.buildForm(u)
		top.Add(container.NewHBox(p.add, layout.NewSpacer()))
		top.Add(p.form)
	}
	top.Add(p.added)
	u.settingsPage(p, container.NewVBox(top, p.problem, widget.NewSeparator(), p.list))
	u.loadTeam(p)
}

func (p *teamPage) buildForm(u *UI) {
	p.name, p.login = widget.NewEntry(), widget.NewEntry()
	p.password, p.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	p.name.SetPlaceHolder(lang.L("First name and last name"))
	p.login.SetPlaceHolder(lang.L("e.g. marie.dupont"))
	var roles []string
	for _, r := range staff.Roles() {
		roles = append(roles, roleName(r))
	}
	p.role = widget.NewRadioGroup(roles, nil)
	p.role.Horizontal = true
	p.formErr = problemLabel()
	p.save = widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), func() { u.addAccount(p) })
	p.save.Importance = widget.HighImportance
	p.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { p.form.Hide() })
	p.again.OnSubmitted = func(string) { u.addAccount(p) }
	form := widget.NewForm(
		widget.NewFormItem(lang.L("First name and last name"), p.name),
		&widget.FormItem{Text: lang.L("Login"), Widget: p.login,
			HintText: lang.L("Lower-case letters, digits, dots or dashes: they will type it every day.")},
		widget.NewFormItem(lang.L("Role"), p.role),
		&widget.FormItem{Text: lang.L("Password"), Widget: p.password,
			HintText: lang.L("At least {{.min}} characters. A short sentence is easy to remember and hard to guess.",
				map[string]any{"min": store.MinPasswordLength})},
		widget.NewFormItem(lang.L("Password again"), p.again),
	)
	p.form = container.NewVBox(
		subheading(lang.L("Add a person to the team")),
		form,
		p.formErr,
		container.NewHBox(p.save, p.cancel, layout.NewSpacer()),
		widget.NewSeparator(),
	)
	p.form.Hide()
}

func (p *teamPage) showForm(u *UI) {
	for _, e := range []*widget.Entry{p.name, p.login, p.password, p.again} {
		e.SetText("")
	}
	p.role.SetSelected("")
	setProblem(p.formErr, "")
	p.added.Hide()
	p.form.Show()
	if c := u.win.Canvas(); c != nil {
		c.Focus(p.name)
	}
}

// chosenRole is the role selected in the form, or "" when none is.
func (p *teamPage) chosenRole() staff.Role {
	for _, r := range staff.Roles() {
		if p.role.Selected == roleName(r) {
			return r
		}
	}
	return ""
}

func (u *UI) addAccount(p *teamPage) {
	if p.password.Text != p.again.Text {
		setProblem(p.formErr, Message(staff.ErrPasswordMismatch))
		return
	}
	name, login, role, password := p.name.Text, p.login.Text, p.chosenRole(), p.password.Text
	session := p.session
	submitOnPage(u, p, p.save, p.formErr, func() (string, error) { return session.AddAccount(name, login, role, password) }, func(string) {
		p.form.Hide()
		p.added.SetText(lang.L("{{.Name}} can now sign in with the login {{.Login}}.",
			map[string]any{"Name": strings.TrimSpace(name), "Login": store.NormaliseLogin(login)}))
		p.added.Show()
		u.loadTeam(p)
	})
}

// loadTeam reads the centre's staff and which mediators have hours.
func (u *UI) loadTeam(p *teamPage) {
	db, sched, centre := u.session.DB, u.sched, u.session.CentreID
	background(u, func() ([]teamMember, error) {
		av, err := sched.Availabilities(centre)
		if err != nil {
			return nil, err
		}
		var out []teamMember
		err = staff.Accounts(db).All(func(id string, a staff.Account) error {
			if a.Centre == centre {
				available := slices.ContainsFunc(av, func(x appointments.Availability) bool {
					return x.Mediator == id && !emptyWeek(x.Week)
				})
				out = append(out, teamMember{id: id, account: a, available: available})
			}
			return nil
		})
		slices.SortFunc(out, func(a, b teamMember) int {
			return strings.Compare(strings.ToLower(a.account.Name), strings.ToLower(b.account.Name))
		})
		return out, err
	}, func(members []teamMember, err error) {
		if u.shownPage() != p {
			return
		}
		if err != nil {
			setProblem(p.problem, Message(err))
			return
		}
		p.showMembers(u, members)
	})
}

func emptyWeek(w appointments.Week) bool {
	for _, rs := range w {
		if len(rs) > 0 {
			return false
		}
	}
	return true
}

func (p *teamPage) showMembers(u *UI, members []teamMember) {
	p.members = members
	p.list.RemoveAll()
	for i := range p.members {
		m := &p.members[i]
		name := widget.NewLabelWithStyle(m.account.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.Wrapping = fyne.TextWrapWord
		facts := roleName(m.account.Role) + " · " + lang.L("login: {{.Login}}", map[string]any{"Login": m.account.Login})
		if m.account.Disabled {
			facts += " · " + lang.L("account disabled")
		}
		info := container.NewVBox(name, widget.NewLabel(facts))
		var buttons []fyne.CanvasObject
		if m.account.Role == staff.Mediator {
			m.hours = widget.NewButtonWithIcon(lang.L("Availability"), theme.HistoryIcon(), func() { u.openAvailability(m.id, m.account.Name) })
			m.absences = widget.NewButtonWithIcon(lang.L("Absences"), theme.CalendarIcon(), func() { u.openAbsences(m.id, m.account.Name) })
			buttons = append(buttons, m.hours, m.absences)
			if !m.available {
				warn := paragraph(lang.L("No availability yet: no appointment can be booked with this person."))
				warn.Importance = widget.WarningImportance
				info.Add(warn)
			}
		}
		if u.session.Account.Role == staff.Admin && m.account.Login != u.session.Account.Login {
			m.toggle = p.toggleButton(u, m.account)
			login := m.account.Login
			m.reset = widget.NewButtonWithIcon(lang.L("Reset the password…"), theme.ViewRefreshIcon(), func() { u.showResetPassword(login) })
			buttons = append(buttons, m.reset, m.toggle)
		}
		p.list.Add(container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(buttons...)), info))
		p.list.Add(widget.NewSeparator())
	}
}

// toggleButton disables a colleague's account (they can no longer sign
// in; their history stays), or enables it again.
func (p *teamPage) toggleButton(u *UI, acc staff.Account) *widget.Button {
	text, icon := lang.L("Disable the account"), theme.CancelIcon()
	if acc.Disabled {
		text, icon = lang.L("Enable the account"), theme.ConfirmIcon()
	}
	var b *widget.Button
	b = widget.NewButtonWithIcon(text, icon, func() {
		session, login, disable := u.session, acc.Login, !acc.Disabled
		submitOnPage(u, p, b, p.problem, func() (struct{}, error) {
			return struct{}{}, session.SetDisabled(login, disable)
		}, func(struct{}) { u.openTeam() })
	})
	return b
}

// backToTeam is the button back from a mediator's page to the team.
func (u *UI) backToTeam() *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Back to the team"), theme.NavigateBackIcon(), u.openTeam)
}
