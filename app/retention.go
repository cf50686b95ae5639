package app

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/report"
	"relais/rgpd"
)

// retentionView is the « Durée de conservation » card of the settings:
// the two durations of this centre, editable by an administrator, shown
// as text to everyone else.
type retentionView struct {
	widget.BaseWidget
	u       *UI
	current *widget.Label // the durations in words
	person  *widget.Entry // months; nil when read-only
	details *widget.Entry
	save    *widget.Button
	saved   *widget.Label
	problem *widget.Label
	content fyne.CanvasObject
}

func (v *retentionView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}

// retentionCard returns the settings card of the centre's retention.
func (u *UI) retentionCard() fyne.CanvasObject {
	v := &retentionView{u: u, current: paragraph(""), saved: paragraph(""), problem: problemLabel()}
	v.saved.Importance = widget.SuccessImportance
	v.saved.Hide()
	r, err := rgpd.RetentionOf(u.session.DB, u.session.CentreID)
	setProblem(v.problem, Message(err))
	v.show(r)
	objects := []fyne.CanvasObject{
		subheading(lang.L("How long data is kept")),
		paragraph(lang.L("Relais erases by itself, every day and on every computer of the network, a person who has not come for this long, with everything about them. The details of older appointments are made anonymous: they are still counted, without the person's name or the notes.")),
		v.current,
	}
	if u.si.Actor.Can(actor.ManageRetention) {
		v.person, v.details = widget.NewEntry(), widget.NewEntry()
		v.person.SetText(strconv.Itoa(r.PersonMonths))
		v.details.SetText(strconv.Itoa(r.DetailsMonths))
		v.save = widget.NewButtonWithIcon(lang.L("Save the durations"), theme.DocumentSaveIcon(), v.submit)
		months := func(e *widget.Entry) fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("months")), e)
		}
		form := widget.NewForm(
			widget.NewFormItem(lang.L("Erase a person with no activity after"), months(v.person)),
			widget.NewFormItem(lang.L("Make appointment details anonymous after"), months(v.details)),
		)
		objects = append(objects, form,
			small(lang.L("Between {{.Min}} and {{.Max}} months; 24 months when the centre sets nothing.", map[string]any{"Min": rgpd.MinMonths, "Max": rgpd.MaxMonths})),
			container.NewHBox(v.save, layout.NewSpacer()), v.saved)
	} else {
		objects = append(objects, small(lang.L("Only an administrator of the centre can change these durations.")))
	}
	objects = append(objects, v.problem)
	v.content = container.NewVBox(objects...)
	v.ExtendBaseWidget(v)
	return v
}

// show writes the durations in words.
func (v *retentionView) show(r rgpd.Retention) {
	l := language()
	text := lang.L("A person with no activity is erased after {{.Person}}; appointment details are made anonymous after {{.Details}}.",
		map[string]any{"Person": report.MonthsInWords(r.PersonMonths, l), "Details": report.MonthsInWords(r.DetailsMonths, l)})
	if r.IsDefault() {
		text += " " + lang.L("These are the default durations.")
	}
	v.current.SetText(text)
}

// submit checks the two numbers and saves them; a bad one changes nothing.
func (v *retentionView) submit() {
	v.saved.Hide()
	person, perr := months(v.person.Text)
	details, derr := months(v.details.Text)
	switch {
	case perr != nil:
		setProblem(v.problem, Message(rgpd.ErrPersonMonths.With("min", rgpd.MinMonths, "max", rgpd.MaxMonths, "value", strings.TrimSpace(v.person.Text))))
		return
	case derr != nil:
		setProblem(v.problem, Message(rgpd.ErrDetailsMonths.With("min", rgpd.MinMonths, "max", rgpd.MaxMonths, "value", strings.TrimSpace(v.details.Text))))
		return
	}
	u := v.u
	db, who, centre := u.session.DB, u.si.Actor, u.session.CentreID
	v.save.Disable()
	background(u, func() (rgpd.Retention, error) {
		return rgpd.SetRetention(who, db, centre, rgpd.Retention{PersonMonths: person, DetailsMonths: details}, time.Now())
	}, func(r rgpd.Retention, err error) {
		v.save.Enable()
		setProblem(v.problem, Message(err))
		if err != nil {
			return
		}
		v.show(r)
		v.saved.SetText(lang.L("Saved. The next daily purge applies them, here and on the partners' computers for this centre's records."))
		v.saved.Show()
	})
}

// months reads a number of months as typed: « 24 », « 24 mois ».
func months(s string) (int, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "mois"), "months"))
	return strconv.Atoi(s)
}
