package app

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/people"
)

// personLanguages are the languages offered, the most frequent at the desks first.
var personLanguages = []string{"fr", "ar", "en", "es", "pt", "tr", "ru", "uk", "ro", "vi", "zh", "wo", "bm", "ps", "fa", "it", "de"}

// personLanguageName is a language's name in the interface's language.
func personLanguageName(code string) string {
	switch code {
	case "fr":
		return lang.X("ui.people.language.fr", "French")
	case "ar":
		return lang.X("ui.people.language.ar", "Arabic")
	case "en":
		return lang.X("ui.people.language.en", "English")
	case "es":
		return lang.X("ui.people.language.es", "Spanish")
	case "pt":
		return lang.X("ui.people.language.pt", "Portuguese")
	case "tr":
		return lang.X("ui.people.language.tr", "Turkish")
	case "ru":
		return lang.X("ui.people.language.ru", "Russian")
	case "uk":
		return lang.X("ui.people.language.uk", "Ukrainian")
	case "ro":
		return lang.X("ui.people.language.ro", "Romanian")
	case "vi":
		return lang.X("ui.people.language.vi", "Vietnamese")
	case "zh":
		return lang.X("ui.people.language.zh", "Chinese")
	case "wo":
		return lang.X("ui.people.language.wo", "Wolof")
	case "bm":
		return lang.X("ui.people.language.bm", "Bambara")
	case "ps":
		return lang.X("ui.people.language.ps", "Pashto")
	case "fa":
		return lang.X("ui.people.language.fa", "Persian")
	case "it":
		return lang.X("ui.people.language.it", "Italian")
	case "de":
		return lang.X("ui.people.language.de", "German")
	}
	return code
}

// personForm registers a new person, or changes one (editing set).
type personForm struct {
	editing *people.Person

	first, last, phone, email, birth *widget.Entry
	noPhone, consent                 *widget.Check
	language                         *widget.Select
	save, cancel                     *widget.Button
	problem                          *widget.Label

	// The duplicate warning, while shown.
	dups        dialog.Dialog
	dupSame     []*widget.Button
	dupWhy      []string // why each candidate may be the person typed
	dupOther    *widget.Button
	dupPerson   people.Person
	dupsShownOf []people.Duplicate
}

// showForm shows the registration form, or the edit form of editing.
func (p *peopleSection) showForm(editing *people.Person) {
	f := &personForm{editing: editing, problem: problemLabel()}
	p.form = f
	f.first = widget.NewEntry()
	f.last = widget.NewEntry()
	f.phone = widget.NewEntry()
	f.phone.SetPlaceHolder(lang.L("e.g. 06 12 34 56 78"))
	f.noPhone = widget.NewCheck(lang.X("ui.people.no_phone_check", "No phone"), func(on bool) {
		if on {
			f.phone.SetText("")
			f.phone.Disable()
		} else {
			f.phone.Enable()
		}
	})
	f.email = widget.NewEntry()
	f.email.SetPlaceHolder(lang.X("ui.people.optional", "optional"))
	f.birth = widget.NewEntry()
	f.birth.SetPlaceHolder(lang.L("optional, e.g. 1968"))
	names := make([]string, len(personLanguages))
	for i, c := range personLanguages {
		names[i] = personLanguageName(c)
	}
	f.language = widget.NewSelect(names, nil)
	f.language.SetSelectedIndex(0)
	f.consent = widget.NewCheck(lang.L("The person agrees to share their file with the partner centres"), nil)
	consentHelp := peopleDim(lang.L("If they agree, the partner centres of the network can see their name, phone and appointments, so they do not have to tell everything again. They can withdraw this at any time."))

	title := lang.X("ui.people.new_person", "New person")
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { p.submitForm() })
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButton(lang.L("Cancel"), func() {
		if f.editing != nil {
			p.showFile(f.editing.ID)
		} else {
			p.showSearch()
		}
	})

	if e := editing; e != nil {
		title = lang.L("Change the file of {{.Name}}", map[string]any{"Name": e.FullName()})
		f.first.SetText(e.FirstName)
		f.last.SetText(e.LastName)
		f.phone.SetText(peoplePhone(e.Phone))
		f.noPhone.SetChecked(e.NoPhone)
		f.email.SetText(e.Email)
		if e.BirthYear != 0 {
			f.birth.SetText(strconv.Itoa(e.BirthYear))
		}
		for i, c := range personLanguages {
			if c == e.Language {
				f.language.SetSelectedIndex(i)
			}
		}
		if !peopleContains(personLanguages, e.Language) && e.Language != "" {
			f.language.Options = append(f.language.Options, e.Language)
			f.language.SetSelected(e.Language)
		}
		f.consent.SetChecked(e.Consent.Given)
	} else if q := strings.TrimSpace(p.search.entry.Text); q != "" && strings.Trim(q, "0123456789 +.") == "" {
		f.phone.SetText(q) // they searched a phone number: it is likely the person's
	}
	f.phone.OnSubmitted = func(string) { p.submitForm() }
	f.birth.OnSubmitted = func(string) { p.submitForm() }

	form := widget.NewForm(
		widget.NewFormItem(lang.X("ui.people.first_name", "First name"), f.first),
		widget.NewFormItem(lang.X("ui.people.last_name", "Last name"), f.last),
		widget.NewFormItem(lang.X("ui.people.phone", "Phone"), container.NewBorder(nil, nil, nil, f.noPhone, f.phone)),
		widget.NewFormItem(lang.X("ui.people.email", "E-mail"), f.email),
		widget.NewFormItem(lang.X("ui.people.birth_year", "Birth year"), f.birth),
		widget.NewFormItem(lang.X("ui.people.preferred_language", "Preferred language"), f.language),
	)
	content := container.NewVBox(
		heading(title),
		form,
		widget.NewSeparator(),
		f.consent,
		consentHelp,
		container.NewHBox(widget.NewButtonWithIcon(lang.L("Information notice to print…"), theme.DocumentPrintIcon(), func() { p.u.saveNotice(p.u.win) })),
		f.problem,
		container.NewHBox(f.save, f.cancel),
	)
	p.showView(peopleScroll(container.New(peopleMaxWidth(760), content)))
	if c := p.u.win.Canvas(); c != nil {
		c.Focus(f.first)
	}
}

func peopleContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// person reads the form. A birth year that is not a number is refused with
// the domain's own problem.
func (f *personForm) person(by string) (people.Person, error) {
	var person people.Person
	if f.editing != nil {
		person = *f.editing
	}
	person.FirstName = f.first.Text
	person.LastName = f.last.Text
	person.Phone = f.phone.Text
	person.NoPhone = f.noPhone.Checked
	person.Email = f.email.Text
	person.BirthYear = 0
	if y := strings.TrimSpace(f.birth.Text); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return people.Person{}, people.ErrBadBirthYear.With("min", people.MinBirthYear, "max", time.Now().Year())
		}
		person.BirthYear = n
	}
	if i := f.language.SelectedIndex(); i >= 0 && i < len(personLanguages) {
		person.Language = personLanguages[i]
	}
	switch {
	case !f.consent.Checked:
		person.Consent = people.Consent{}
	case !person.Consent.Given: // newly given: recorded now, by whoever is signed in
		person.Consent = people.Consent{Given: true, By: by, Purpose: people.ConsentPurpose}
	}
	return person, nil
}

// submitForm registers or updates the person in the background.
func (p *peopleSection) submitForm() {
	f := p.form
	u := p.u
	person, err := f.person(u.session.Account.Login)
	if err != nil {
		setProblem(f.problem, Message(err))
		return
	}
	setProblem(f.problem, "")
	f.save.Disable()
	ppl := u.people
	if f.editing != nil {
		background(u, func() (people.Person, error) { return ppl.Update(person) }, func(saved people.Person, err error) {
			if p.form != f {
				return
			}
			f.save.Enable()
			if err != nil {
				setProblem(f.problem, Message(err))
				return
			}
			p.showFile(saved.ID)
		})
		return
	}
	background(u, func() (people.Registration, error) { return ppl.Register(person) }, func(r people.Registration, err error) {
		if p.form != f {
			return
		}
		f.save.Enable()
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		if len(r.Duplicates) > 0 {
			p.showDuplicates(person, r.Duplicates)
			return
		}
		p.showFile(r.Person.ID)
	})
}

// showDuplicates asks whether the person typed is one already registered.
func (p *peopleSection) showDuplicates(person people.Person, dups []people.Duplicate) {
	f := p.form
	f.dupPerson, f.dupsShownOf, f.dupSame, f.dupWhy = person, dups, nil, nil
	rows := container.NewVBox()
	for _, d := range dups {
		id := d.Person.ID
		why := lang.L("same name and birth year")
		switch {
		case d.SameName && d.SamePhone:
			why = lang.L("same name and same phone")
		case d.SamePhone:
			why = lang.L("same phone")
		case d.YearUnknown:
			why = lang.L("same name, birth year missing")
		}
		same := widget.NewButtonWithIcon(lang.L("It is her or him"), theme.ConfirmIcon(), func() {
			f.dups.Hide()
			p.showFile(id)
		})
		same.Importance = widget.HighImportance
		f.dupSame, f.dupWhy = append(f.dupSame, same), append(f.dupWhy, why)
		who := container.NewVBox(
			widget.NewLabelWithStyle(d.Person.FullName(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabel(personSummary(d.Person)+" · "+why),
		)
		rows.Add(container.NewBorder(nil, nil, nil, container.NewCenter(same), who))
	}
	f.dupOther = widget.NewButton(lang.L("It is someone else"), func() {
		f.dups.Hide()
		p.registerAnyway()
	})
	cancel := widget.NewButton(lang.L("Cancel"), func() { f.dups.Hide() })
	content := container.NewVBox(
		paragraph(lang.L("A person with the same name or the same phone is already registered. Check with the person in front of you.")),
		rows,
		widget.NewSeparator(),
		container.NewHBox(f.dupOther, cancel),
	)
	f.dups = dialog.NewCustomWithoutButtons(lang.L("This person may already exist"), content, p.u.win)
	f.dups.Show()
	f.dups.Resize(fyne.NewSize(640, content.MinSize().Height+50))
}

// registerAnyway registers the person of the duplicate warning.
func (p *peopleSection) registerAnyway() {
	f := p.form
	u := p.u
	person, ppl := f.dupPerson, u.people
	f.save.Disable()
	background(u, func() (people.Registration, error) { return ppl.RegisterAnyway(person) }, func(r people.Registration, err error) {
		if p.form != f {
			return
		}
		f.save.Enable()
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		p.showFile(r.Person.ID)
	})
}

// peopleMaxWidth is a layout that gives its objects at most a set width, on the
// left, and their whole height.
type peopleMaxWidth float32

func (w peopleMaxWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (w peopleMaxWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	width := min(size.Width, float32(w))
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(width, size.Height))
	}
}
