package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/people"
)

// maxSearchResults is how many people the search list shows: beyond that,
// typing one more letter is faster than scrolling.
const maxSearchResults = 30

// peopleSection is the People section: the search, a person's file, the
// registration form and the booking flow, one at a time in body. The search
// view is kept, so « back » finds the query as it was.
type peopleSection struct {
	widget.BaseWidget
	u    *UI
	body *fyne.Container

	search  *searchView
	form    *personForm
	file    *personFile
	booking *bookingFlow
	merging *mergeDialog // open while looking for a file to merge

	// saveHook, when set (by tests), stands in for the file save dialog.
	saveHook func(name string) (fyne.URIWriteCloser, error)
}

func (p *peopleSection) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.body)
}

// showView replaces what the section shows.
func (p *peopleSection) showView(o fyne.CanvasObject) {
	p.body.Objects = []fyne.CanvasObject{o}
	p.body.Refresh()
}

// searchView is the search box and its results.
type searchView struct {
	entry    *widget.Entry
	list     *widget.List
	count    *widget.Label
	register *widget.Button
	hits     []people.Hit
	rows     []*resultRow // every row the list made, to find one in tests
	content  fyne.CanvasObject
}

// resultRow is one line of the results: who, and what to do.
type resultRow struct {
	item       widget.ListItemID
	name       *widget.Label
	detail     *widget.Label
	open, book *widget.Button
	box        *fyne.Container
}

// peoplePanel is the People section: search, register, a person's file.
func (u *UI) peoplePanel() fyne.CanvasObject {
	p := &peopleSection{u: u, body: container.NewStack()}
	p.ExtendBaseWidget(p)
	p.search = p.newSearchView()
	p.showView(p.search.content)
	p.focusLater(p.search.entry)
	return p
}

// focusLater gives the focus to o once the panel is on the canvas: the
// section is added to the window after peoplePanel returns.
func (p *peopleSection) focusLater(o fyne.Focusable) {
	u := p.u
	background(u, func() (struct{}, error) { return struct{}{}, nil }, func(struct{}, error) {
		if c := u.win.Canvas(); c != nil && u.currentPeople() == p {
			c.Focus(o)
		}
	})
}

// currentPeople returns the People section shown, or nil.
func (u *UI) currentPeople() *peopleSection {
	if u.home == nil || u.home.current != sectionPeople {
		return nil
	}
	p, _ := u.home.panel.(*peopleSection)
	return p
}

// peopleSectionShown opens the People section if needed and returns it.
func (u *UI) peopleSectionShown() *peopleSection {
	if p := u.currentPeople(); p != nil {
		return p
	}
	for i, s := range u.home.sections {
		if s.id == sectionPeople {
			u.home.nav.Select(i) // opens the section
		}
	}
	if p := u.currentPeople(); p != nil {
		return p
	}
	u.openSection(sectionPeople)
	return u.currentPeople()
}

// openPerson shows a person's file in the People section.
func (u *UI) openPerson(id string) {
	if u.session == nil {
		return
	}
	u.peopleSectionShown().showFile(id)
}

// startBooking opens the booking flow for a person.
func (u *UI) startBooking(personID string) {
	if u.session == nil {
		return
	}
	u.peopleSectionShown().showBooking(personID)
}

func (p *peopleSection) newSearchView() *searchView {
	s := &searchView{}
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(lang.L("Search for a person: name, first name or phone"))
	s.count = widget.NewLabel(lang.L("Type a few letters of the name, or the phone number."))
	s.count.TextStyle.Italic = true
	s.register = widget.NewButtonWithIcon(lang.X("ui.people.new_person", "New person"), theme.ContentAddIcon(), func() { p.showForm(nil) })
	s.register.Importance = widget.HighImportance

	s.list = widget.NewList(
		func() int { return len(s.hits) },
		func() fyne.CanvasObject {
			r := &resultRow{item: -1}
			r.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			r.name.Truncation = fyne.TextTruncateEllipsis
			r.detail = widget.NewLabel("")
			r.detail.Truncation = fyne.TextTruncateEllipsis
			r.open = widget.NewButtonWithIcon(lang.X("ui.people.open_file", "Open the file"), theme.AccountIcon(), func() {
				if r.item >= 0 && r.item < len(s.hits) {
					p.showFile(s.hits[r.item].Person.ID)
				}
			})
			r.book = widget.NewButtonWithIcon(lang.X("ui.people.appointment", "Appointment"), theme.CalendarIcon(), func() {
				if r.item >= 0 && r.item < len(s.hits) {
					p.showBooking(s.hits[r.item].Person.ID)
				}
			})
			r.book.Importance = widget.HighImportance
			// The right inset keeps the buttons clear of the scroll bar.
			r.box = container.NewBorder(nil, nil, nil,
				container.New(layout.NewCustomPaddedLayout(0, 0, 0, scrollBarInset),
					container.NewHBox(container.NewCenter(r.open), container.NewCenter(r.book))),
				container.NewGridWithColumns(2, r.name, r.detail))
			s.rows = append(s.rows, r)
			return r.box
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			for _, r := range s.rows {
				if r.box == o {
					r.item = i
					person := s.hits[i].Person
					r.name.SetText(person.FullName())
					r.detail.SetText(personSummary(person))
				}
			}
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		s.list.UnselectAll()
		if i < len(s.hits) {
			p.showFile(s.hits[i].Person.ID)
		}
	}
	s.entry.OnChanged = func(q string) { p.runSearch(q) }
	s.entry.OnSubmitted = func(string) {
		if len(s.hits) > 0 {
			p.showFile(s.hits[0].Person.ID)
		}
	}

	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, s.register, heading(lang.L("People"))),
		s.entry,
		s.count,
	)
	s.content = container.NewBorder(top, nil, nil, nil, s.list)
	return s
}

// runSearch shows the people matching q. The index answers in a couple of
// milliseconds even on 100,000 people, so it runs at each keystroke.
func (p *peopleSection) runSearch(q string) {
	s := p.search
	if strings.TrimSpace(q) == "" || p.u.people == nil {
		s.hits = nil
		s.count.SetText(lang.L("Type a few letters of the name, or the phone number."))
	} else {
		s.hits = p.u.people.Search(q, maxSearchResults)
		switch len(s.hits) {
		case 0:
			s.count.SetText(lang.L("Nobody found. Check the spelling, or register the person with « New person »."))
		case 1:
			s.count.SetText(lang.L("1 person found"))
		default:
			s.count.SetText(lang.L("{{.Count}} people found", map[string]any{"Count": len(s.hits)}))
		}
	}
	s.list.UnselectAll()
	s.list.Refresh()
	s.list.ScrollToTop()
}

// showSearch goes back to the search, as it was left.
func (p *peopleSection) showSearch() {
	p.file, p.form, p.booking = nil, nil, nil
	p.runSearch(p.search.entry.Text) // a registration or an edit may have changed the results
	p.showView(p.search.content)
	if c := p.u.win.Canvas(); c != nil {
		c.Focus(p.search.entry)
	}
}

// personSummary is the second line of a result: phone, birth year.
func personSummary(person people.Person) string {
	phone := peoplePhone(person.Phone)
	if phone == "" {
		phone = lang.X("ui.people.no_phone", "no phone")
	}
	if person.BirthYear == 0 {
		return phone
	}
	return phone + " · " + lang.L("born in {{.Year}}", map[string]any{"Year": strconv.Itoa(person.BirthYear)})
}

// displayPhone writes a French number as people read it, « 06 12 34 56 78 »;
// other numbers stay in their international form.
func peoplePhone(phone string) string {
	if len(phone) == 12 && strings.HasPrefix(phone, "+33") {
		d := "0" + phone[3:]
		return d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10]
	}
	return phone
}

// scrollBarInset is the room left on the right of scrolled content, so the
// scroll bar does not cover buttons.
const scrollBarInset = 14

// peopleScroll scrolls content vertically, clear of the scroll bar.
func peopleScroll(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, 0, scrollBarInset), content))
}

// backButton returns to the search.
func (p *peopleSection) backButton() *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Back to the search"), theme.NavigateBackIcon(), p.showSearch)
}

// toolbarRow puts a title on the left and buttons on the right.
func peopleToolbar(title fyne.CanvasObject, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), title)
}
