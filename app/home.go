package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A section of the home screen, chosen in the navigation list.
type section struct {
	id    string
	title func() string // translated when shown, so a language change applies
	icon  fyne.Resource
	panel func(u *UI) fyne.CanvasObject
	// fill: the panel takes the whole area and scrolls by itself (an agenda
	// with columns); otherwise it is wrapped in a vertical scroll.
	fill bool
}

// Section ids.
const (
	sectionHome     = "home"
	sectionAgenda   = "agenda"
	sectionPeople   = "people"
	sectionGuides   = "guides"
	sectionRadar    = "radar"
	sectionNetwork  = "network"
	sectionReports  = "reports"
	sectionSettings = "settings"
	sectionJournal  = "journal"
)

func sections() []section {
	return []section{
		{sectionHome, func() string { return lang.L("Home") }, theme.HomeIcon(), (*UI).deskPanel, true},
		{sectionAgenda, func() string { return lang.L("Agenda") }, theme.CalendarIcon(), (*UI).agendaPanel, true},
		{sectionPeople, func() string { return lang.L("People") }, theme.AccountIcon(), (*UI).peoplePanel, true},
		{sectionGuides, func() string { return lang.L("Guides") }, theme.DocumentIcon(), (*UI).guidesPanel, true},
		{sectionRadar, func() string { return lang.L("Radar") }, theme.SearchIcon(), (*UI).radarPanel, true},
		{sectionNetwork, func() string { return lang.L("Network") }, theme.ComputerIcon(), (*UI).networkPanel, true},
		{sectionReports, func() string { return lang.L("Reports") }, theme.DocumentSaveIcon(), (*UI).reportsPanel, true},
		{sectionJournal, func() string { return lang.L("Journal") }, theme.ListIcon(), (*UI).journalPanel, true},
		{sectionSettings, func() string { return lang.L("Settings") }, theme.SettingsIcon(), (*UI).settingsPanel, false},
	}
}

// homeScreen is the signed-in window: a header, the navigation list and the
// current section.
type homeScreen struct {
	nav     *widget.List
	centre  *widget.Label
	content *fyne.Container
	lockNow *widget.Button
	// switchUser locks and lets a colleague sign in on this PC.
	switchUser *widget.Button
	sections   []section
	current    string
	panel      fyne.CanvasObject
	greeting   *widget.Label
	settings   *settingsPanel
}

// showHome shows the home screen on its welcome section.
func (u *UI) showHome() { u.showHomeAt(sectionHome) }

func (u *UI) showHomeAt(id string) {
	acc := u.session.Account
	h := &homeScreen{sections: sections(), content: container.NewStack()}
	u.home = h

	h.centre = widget.NewLabelWithStyle(u.session.Centre.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.centre.SizeName = theme.SizeNameSubHeadingText
	h.centre.Truncation = fyne.TextTruncateEllipsis
	who := widget.NewLabelWithStyle(lang.L("{{.Name}} · {{.Role}}", map[string]any{"Name": acc.Name, "Role": roleName(acc.Role)}),
		fyne.TextAlignTrailing, fyne.TextStyle{})
	h.lockNow = widget.NewButtonWithIcon(lang.L("Lock"), theme.LogoutIcon(), u.lock)
	h.switchUser = widget.NewButtonWithIcon(lang.L("Switch user"), theme.AccountIcon(), u.switchUser)
	header := container.NewBorder(nil, nil,
		container.NewHBox(u.logo(36)),
		container.NewHBox(widget.NewIcon(theme.AccountIcon()), container.NewCenter(who), h.switchUser, h.lockNow),
		h.centre)

	h.nav = widget.NewList(
		func() int { return len(h.sections) },
		func() fyne.CanvasObject {
			// The template's text is never shown: it sets the list's width.
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Paramètres généraux"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(h.sections[i].icon)
			row.Objects[1].(*widget.Label).SetText(h.sections[i].title())
		})
	h.nav.OnSelected = func(i widget.ListItemID) { u.openSection(h.sections[i].id) }

	u.show(screenHome, container.NewBorder(
		container.NewVBox(container.NewPadded(header), widget.NewSeparator()),
		nil,
		container.NewHBox(h.nav, widget.NewSeparator()),
		nil,
		h.content,
	))
	for i, s := range h.sections {
		if s.id == id {
			h.nav.Select(i) // opens the section
		}
	}
}

// openSection replaces the right-hand side with the section's panel.
func (u *UI) openSection(id string) {
	h := u.home
	for _, s := range h.sections {
		if s.id == id {
			h.current = id
			h.panel = s.panel(u)
			if s.fill {
				h.content.Objects = []fyne.CanvasObject{container.NewPadded(h.panel)}
			} else {
				h.content.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(container.NewPadded(h.panel)))}
			}
			h.content.Refresh()
			return
		}
	}
}
