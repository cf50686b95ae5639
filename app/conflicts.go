package app

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/conflicts"
	"relais/people"
	"relais/staff"
	"relais/store"
)

// conflictsView is « Conflits »: the records two centres changed at the
// same time. Relais kept one version and set the other aside; here staff
// compare both and keep the right one. It shows the list, or one conflict's
// comparison, in body.
type conflictsView struct {
	widget.BaseWidget
	u       *UI
	session *staff.Session // the session it was opened in
	body    *fyne.Container
	problem *widget.Label
	done    *widget.Label // what the last choice did
	refresh *widget.Button

	entries []conflictEntry
	empty   *widget.Label // the empty state, when shown
	rows    []*conflictRow
	open    *conflictCompare      // the comparison shown, or nil for the list
	confirm *dialog.ConfirmDialog // « keep the other version? », while open
}

func (v *conflictsView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.body)
}

// conflictEntry is a conflict with the names its screen shows, read off the
// Fyne goroutine.
type conflictEntry struct {
	conflicts.Item
	names map[string]string // person and staff ids the versions refer to, by id
}

// conflictRow is a line of the list.
type conflictRow struct {
	entry   conflictEntry
	title   *widget.Label
	detail  *widget.Label
	compare *widget.Button
}

// conflictCompare is the two versions of one conflict side by side.
type conflictCompare struct {
	entry                  conflictEntry
	title                  string
	current, other         *widget.Label // « modified on … » of each column
	fields                 []comparedField
	keepCurrent, keepOther *widget.Button
	cannotKeepOther        *widget.Label // why the other version cannot be kept, when it cannot
	identical              bool
}

// comparedField is a row of the comparison, as shown.
type comparedField struct {
	label, current, other string
	differs               bool
}

// conflictsPanel is the « Conflits » panel. It lays out as a column (no
// fill: it can sit in a scroll, under other parts of a section) and reads
// the conflicts in the background.
func (u *UI) conflictsPanel() fyne.CanvasObject {
	v := &conflictsView{u: u, session: u.session, body: container.NewStack(), problem: problemLabel(), done: paragraph("")}
	v.ExtendBaseWidget(v)
	v.done.Importance = widget.SuccessImportance
	v.done.Hide()
	v.refresh = widget.NewButtonWithIcon(lang.X("ui.conflicts.refresh", "Refresh"), theme.ViewRefreshIcon(), func() {
		v.done.Hide()
		setProblem(v.problem, "")
		v.load()
	})
	v.showList()
	if u.session != nil {
		v.load()
	}
	return v
}

// load reads the conflicts in the background, then shows the list.
func (v *conflictsView) load() {
	u, session, who, ppl := v.u, v.session, v.u.si.Actor, v.u.people
	v.refresh.Disable()
	background(u, func() ([]conflictEntry, error) {
		return readConflicts(session.DB, who, ppl)
	}, func(entries []conflictEntry, err error) {
		v.refresh.Enable()
		if u.session != session {
			return // locked meanwhile
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		v.entries = entries
		if c := v.open; c != nil && slices.ContainsFunc(entries, func(e conflictEntry) bool { return e.ID == c.entry.ID }) {
			return // the comparison opened meanwhile stays; « back » shows the fresh list
		}
		v.showList()
	})
}

// readConflicts lists the conflicts with the names of the people and staff
// their versions refer to. It runs off the Fyne goroutine and translates
// nothing.
func readConflicts(db *store.DB, who *actor.Actor, ppl *people.Service) ([]conflictEntry, error) {
	items, err := conflicts.List(db, who)
	if err != nil {
		return nil, err
	}
	var names *personNames
	if ppl != nil {
		names = newPersonNames(ppl)
	}
	var staffDir staffDirectory
	out := make([]conflictEntry, len(items))
	for i, it := range items {
		out[i] = conflictEntry{Item: it, names: map[string]string{}}
		if it.Kind != appointments.Kind {
			continue
		}
		for _, body := range []json.RawMessage{it.Current.Body, it.Other.Body} {
			var a appointments.Appointment
			if body == nil || json.Unmarshal(body, &a) != nil {
				continue
			}
			if a.Person != "" && names != nil {
				out[i].names[a.Person] = names.name(a.Person)
			}
			if a.Mediator != "" {
				if staffDir == nil {
					staffDir = staffNames(db)
				}
				out[i].names[a.Mediator] = staffDir[a.Mediator]
			}
		}
	}
	return out, nil
}

// showList shows the conflicts, or that there is none.
func (v *conflictsView) showList() {
	v.open = nil
	v.rows = nil
	v.empty = nil
	list := container.NewVBox()
	if len(v.entries) == 0 {
		v.empty = peopleDim(lang.X("ui.conflicts.none", "No conflict: all the records agree."))
		list.Add(v.empty)
	}
	for _, e := range v.entries {
		r := &conflictRow{entry: e}
		r.title = widget.NewLabelWithStyle(conflictTitle(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.title.Wrapping = fyne.TextWrapWord
		r.detail = paragraph(conflictDetail(e))
		r.compare = widget.NewButtonWithIcon(lang.X("ui.conflicts.compare", "Compare"), theme.VisibilityIcon(), func() { v.showCompare(r.entry) })
		r.compare.Importance = widget.HighImportance
		v.rows = append(v.rows, r)
		list.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())),
			container.NewCenter(r.compare), container.NewVBox(r.title, r.detail)))
		list.Add(widget.NewSeparator())
	}
	v.show(container.NewVBox(
		peopleToolbar(heading(lang.X("ui.conflicts.title", "Conflicts")), v.refresh),
		paragraph(lang.X("ui.conflicts.explanation", "Two centres changed the same record at the same time. Relais kept one version and set the other aside: compare them and keep the right one.")),
		v.done,
		v.problem,
		widget.NewSeparator(),
		list,
	))
}

func (v *conflictsView) show(o fyne.CanvasObject) {
	v.body.Objects = []fyne.CanvasObject{o}
	v.body.Refresh()
}

// showCompare shows one conflict's two versions side by side.
func (v *conflictsView) showCompare(e conflictEntry) {
	v.done.Hide()
	setProblem(v.problem, "")
	c := &conflictCompare{entry: e, title: conflictTitle(e), identical: !e.Differs()}
	v.open = c

	back := widget.NewButtonWithIcon(lang.X("ui.conflicts.back", "Back to the list"), theme.NavigateBackIcon(), v.showList)
	c.current = small(modifiedText(e.Current))
	c.other = small(modifiedText(e.Other))
	header := compareRow(layout.NewSpacer(),
		columnHead(lang.X("ui.conflicts.kept", "Version kept"), c.current, e.Current),
		columnHead(lang.X("ui.conflicts.other", "Other version"), c.other, e.Other))

	rows := container.NewVBox(header, widget.NewSeparator())
	fields := slices.Clone(e.Fields)
	// Differing fields first (as listed), each group in the order of the
	// record's form rather than by technical name.
	slices.SortStableFunc(fields, func(a, b conflicts.Field) int {
		if a.Differs != b.Differs {
			if a.Differs {
				return -1
			}
			return 1
		}
		return fieldRank(e.Kind, a.Name) - fieldRank(e.Kind, b.Name)
	})
	for _, f := range fields {
		cf := comparedField{
			label:   fieldLabel(e.Kind, f.Name),
			current: fieldValue(e, f.Name, f.Current, e.Current.Deleted),
			other:   fieldValue(e, f.Name, f.Other, e.Other.Deleted),
			differs: f.Differs,
		}
		c.fields = append(c.fields, cf)
		rows.Add(compareRow(fieldName(cf), fieldText(cf.current, cf.differs), fieldText(cf.other, cf.differs)))
	}

	c.keepCurrent = widget.NewButtonWithIcon(lang.X("ui.conflicts.keep", "Keep this version"), theme.ConfirmIcon(), func() { v.keepCurrent(c) })
	c.keepOther = widget.NewButtonWithIcon(lang.X("ui.conflicts.keep", "Keep this version"), theme.ConfirmIcon(), func() { v.askKeepOther(c) })
	otherColumn := container.NewVBox(c.keepOther)
	if err := e.CanKeepOther(); err != nil {
		c.keepOther.Disable()
		c.cannotKeepOther = paragraph(Message(err))
		c.cannotKeepOther.Importance = widget.WarningImportance
		otherColumn.Add(c.cannotKeepOther)
	}
	rows.Add(widget.NewSeparator())
	rows.Add(compareRow(layout.NewSpacer(), container.NewVBox(c.keepCurrent), otherColumn))

	hint := paragraph(lang.X("ui.conflicts.hint", "The fields that differ are in bold, marked with a warning sign. The version kept is the one everyone sees now."))
	if c.identical {
		hint = paragraph(lang.X("ui.conflicts.identical", "Both versions are the same: keep either one to close the conflict."))
	}
	v.show(container.NewVBox(
		peopleToolbar(heading(c.title), back),
		small(conflictDetail(e)),
		hint,
		v.problem,
		widget.NewSeparator(),
		rows,
	))
}

// compareRow lays out a row of the comparison: the field's name, then the
// two versions in columns of equal width.
func compareRow(name, current, other fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.New(fixedWidth(190), name), nil,
		container.NewGridWithColumns(2, current, other))
}

func fieldName(f comparedField) fyne.CanvasObject {
	l := paragraph(f.label)
	if !f.differs {
		return l
	}
	l.TextStyle.Bold = true
	return container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), nil, l)
}

func fieldText(text string, differs bool) *widget.Label {
	l := paragraph(text)
	if differs {
		l.TextStyle.Bold = true
		l.Importance = widget.WarningImportance
	}
	return l
}

// columnHead is the top of a version's column: its name, when it was made,
// and whether it deletes the record.
func columnHead(title string, modified *widget.Label, s conflicts.Side) fyne.CanvasObject {
	head := container.NewVBox(subheading(title), modified)
	if s.Deleted {
		l := paragraph(lang.X("ui.conflicts.deleted", "This version deletes the record."))
		l.Importance = widget.DangerImportance
		l.TextStyle.Bold = true
		head.Add(l)
	}
	return head
}

// keepCurrent settles the conflict shown by keeping the current version.
func (v *conflictsView) keepCurrent(c *conflictCompare) {
	db, who, id := v.session.DB, v.u.si.Actor, c.entry.ID
	v.settle(c, func() error { return conflicts.KeepCurrent(db, who, id) },
		lang.X("ui.conflicts.kept_current", "Conflict settled: the version kept stays ({{.What}}).", map[string]any{"What": c.title}))
}

// askKeepOther asks before replacing the current version.
func (v *conflictsView) askKeepOther(c *conflictCompare) {
	msg := lang.X("ui.conflicts.confirm_other", "The current version of “{{.What}}” will be replaced by the other version, here and at the partner centres. Keep the other version?",
		map[string]any{"What": c.title})
	v.confirm = dialog.NewConfirm(lang.X("ui.conflicts.confirm_title", "Keep the other version"), msg, func(ok bool) {
		v.confirm = nil
		if ok {
			v.keepOther(c)
		}
	}, v.u.win)
	v.confirm.SetConfirmText(lang.X("ui.conflicts.confirm_button", "Keep the other version"))
	v.confirm.SetConfirmImportance(widget.WarningImportance)
	v.confirm.SetDismissText(lang.L("Cancel"))
	v.confirm.Show()
}

// keepOther makes the other version the record's new one; the search of
// people follows at once when the record is a person.
func (v *conflictsView) keepOther(c *conflictCompare) {
	db, who, ppl, e := v.session.DB, v.u.si.Actor, v.u.people, c.entry
	v.settle(c, func() error {
		if err := conflicts.KeepOther(db, who, e.ID, e.Current.Version); err != nil {
			return err
		}
		if e.Kind == people.Kind && ppl != nil {
			// The choice is made: a failure here only delays the search,
			// which the service's own follower catches up with.
			if err := ppl.Refresh(e.RecordID); err != nil {
				fyne.LogError("refresh the search after settling a conflict", err)
			}
		}
		return nil
	}, lang.X("ui.conflicts.kept_other", "Conflict settled: the other version is now the one everyone sees ({{.What}}).", map[string]any{"What": c.title}))
}

// settle runs a choice off the Fyne goroutine, then shows the list again
// with what was done, or the problem. A conflict settled meanwhile (by a
// partner, say) or a record changed since also go back to the list, read
// again, with the message saying so.
func (v *conflictsView) settle(c *conflictCompare, work func() error, doneText string) {
	u, session := v.u, v.session
	c.keepCurrent.Disable()
	c.keepOther.Disable()
	background(u, func() (struct{}, error) { return struct{}{}, work() }, func(_ struct{}, err error) {
		if u.session != session {
			return
		}
		if err != nil && !errors.Is(err, conflicts.ErrResolved) && !errors.Is(err, conflicts.ErrChanged) {
			c.keepCurrent.Enable()
			if c.cannotKeepOther == nil {
				c.keepOther.Enable()
			}
			setProblem(v.problem, Message(err))
			return
		}
		// Settled, here or elsewhere: it leaves the list now, not at the
		// next read, so it cannot be opened again meanwhile.
		if err == nil || errors.Is(err, conflicts.ErrResolved) {
			v.entries = slices.DeleteFunc(v.entries, func(x conflictEntry) bool { return x.ID == c.entry.ID })
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			v.done.Hide()
		} else {
			v.done.SetText(doneText)
			v.done.Show()
		}
		v.showList()
		v.load()
	})
}

// conflictTitle names the record in conflict: « Personne : Awa Diallo »,
// « Rendez-vous du mardi 24 novembre 2026 · 14:30 ».
func conflictTitle(e conflictEntry) string {
	body := e.Current.Body
	if e.Current.Deleted {
		body = e.Other.Body
	}
	switch e.Kind {
	case people.Kind:
		var p people.Person
		if json.Unmarshal(body, &p) == nil && strings.TrimSpace(p.FullName()) != "" {
			return lang.X("ui.conflicts.person", "Person: {{.Name}}", map[string]any{"Name": p.FullName()})
		}
		return lang.X("ui.conflicts.person_unnamed", "Person")
	case appointments.Kind:
		var a appointments.Appointment
		if json.Unmarshal(body, &a) != nil || a.Start.IsZero() {
			return lang.X("ui.conflicts.appointment_undated", "Appointment")
		}
		title := lang.X("ui.conflicts.appointment", "Appointment of {{.When}}", map[string]any{"When": peopleWhen(a.Start)})
		if name := e.names[a.Person]; name != "" {
			title += " · " + name
		}
		if a.Procedure != "" {
			title += " · " + procedureTitle(a.Procedure)
		}
		return title
	}
	return kindName(e.Kind)
}

// conflictDetail says when the conflict was found and what differs.
func conflictDetail(e conflictEntry) string {
	text := lang.X("ui.conflicts.found", "Found on {{.When}}", map[string]any{"When": peopleWhen(e.Found)})
	switch {
	case e.Current.Deleted != e.Other.Deleted:
		return text + " · " + lang.X("ui.conflicts.one_deletes", "one of the versions deletes the record")
	case !e.Differs():
		return text + " · " + lang.X("ui.conflicts.same", "both versions are the same")
	}
	var differ []string
	for _, f := range e.Fields {
		if f.Differs {
			differ = append(differ, fieldLabel(e.Kind, f.Name))
		}
	}
	const most = 4
	if len(differ) > most {
		differ = append(differ[:most], "…")
	}
	return text + " · " + lang.X("ui.conflicts.differences", "differs in: {{.Fields}}", map[string]any{"Fields": strings.Join(differ, ", ")})
}

// modifiedText is « modifiée le mardi 24 novembre 2026 · 14:30 ».
func modifiedText(s conflicts.Side) string {
	if s.Modified.IsZero() {
		return ""
	}
	return lang.X("ui.conflicts.modified", "changed on {{.When}}", map[string]any{"When": peopleWhen(s.Modified)})
}

// kindName names a kind of record in words.
func kindName(kind string) string {
	switch kind {
	case appointments.CentreKind:
		return lang.X("ui.conflicts.kind.centre", "Centre")
	case staff.Kind:
		return lang.X("ui.conflicts.kind.staff", "Member of the team")
	case appointments.HoursKind:
		return lang.X("ui.conflicts.kind.hours", "Opening hours of a centre")
	case appointments.ClosureKind:
		return lang.X("ui.conflicts.kind.closure", "Closure of a centre")
	case appointments.AvailabilityKind:
		return lang.X("ui.conflicts.kind.availability", "Availability of a mediator")
	case appointments.AbsenceKind:
		return lang.X("ui.conflicts.kind.absence", "Absence of a mediator")
	case appointments.WalkInKind:
		return lang.X("ui.conflicts.kind.walkin", "Walk-in visit")
	}
	return lang.X("ui.conflicts.kind.other", "Record “{{.Kind}}”", map[string]any{"Kind": kind})
}

// fieldLabel names a field of a person or an appointment in words; other
// fields keep their name.
func fieldLabel(kind, name string) string {
	switch kind + "/" + name {
	case "person/first_name":
		return lang.X("ui.conflicts.field.first_name", "First name")
	case "person/last_name":
		return lang.X("ui.conflicts.field.last_name", "Last name")
	case "person/phone":
		return lang.X("ui.conflicts.field.phone", "Phone")
	case "person/no_phone":
		return lang.X("ui.conflicts.field.no_phone", "No phone")
	case "person/email":
		return lang.X("ui.conflicts.field.email", "E-mail")
	case "person/birth_year":
		return lang.X("ui.conflicts.field.birth_year", "Year of birth")
	case "person/language":
		return lang.X("ui.conflicts.field.language", "Language")
	case "person/consent.given":
		return lang.X("ui.conflicts.field.consent_given", "Consent to sharing")
	case "person/consent.date":
		return lang.X("ui.conflicts.field.consent_date", "Consent given on")
	case "person/consent.by":
		return lang.X("ui.conflicts.field.consent_by", "Consent recorded by")
	case "person/consent.purpose":
		return lang.X("ui.conflicts.field.consent_purpose", "Purpose of sharing")
	case "appointment/person":
		return lang.X("ui.conflicts.field.person", "Person")
	case "appointment/centre":
		return lang.X("ui.conflicts.field.centre", "Centre")
	case "appointment/mediator":
		return lang.X("ui.conflicts.field.mediator", "Mediator")
	case "appointment/procedure":
		return lang.X("ui.conflicts.field.procedure", "Procedure")
	case "appointment/start":
		return lang.X("ui.conflicts.field.start", "Date and time")
	case "appointment/minutes":
		return lang.X("ui.conflicts.field.minutes", "Length (minutes)")
	case "appointment/mode":
		return lang.X("ui.conflicts.field.mode", "How")
	case "appointment/status":
		return lang.X("ui.conflicts.field.status", "Status")
	case "appointment/booked":
		return lang.X("ui.conflicts.field.booked", "Booked on")
	case "appointment/arrived":
		return lang.X("ui.conflicts.field.arrived", "Arrived on")
	case "appointment/reason":
		return lang.X("ui.conflicts.field.reason", "Reason")
	}
	if name == "" {
		return lang.X("ui.conflicts.field.value", "Value")
	}
	return name
}

// formOrder lists the fields of persons and appointments in the order
// their forms show them.
var formOrder = map[string][]string{
	people.Kind: {"first_name", "last_name", "phone", "no_phone", "email", "birth_year", "language",
		"consent.given", "consent.date", "consent.by", "consent.purpose"},
	appointments.Kind: {"start", "person", "procedure", "mediator", "centre", "minutes", "mode", "status", "booked", "arrived", "reason"},
}

// fieldRank places a field in the order of its record's form; fields the
// form does not know come after, keeping their order.
func fieldRank(kind, name string) int {
	if i := slices.Index(formOrder[kind], name); i >= 0 {
		return i
	}
	return len(formOrder[kind])
}

// fieldValue writes a field's value as people read it: yes or no, dates in
// full, phone numbers spaced, statuses and people by name. A deleted
// version shows a dash.
func fieldValue(e conflictEntry, name, value string, deleted bool) string {
	if deleted || value == "" {
		return "—"
	}
	switch e.Kind + "/" + name {
	case "person/phone":
		return peoplePhone(value)
	case "appointment/status":
		return statusName(appointments.Status(value))
	case "appointment/mode":
		return modeName(appointments.Mode(value))
	case "appointment/procedure":
		return procedureTitle(value)
	case "appointment/person", "appointment/mediator":
		if n := e.names[value]; n != "" {
			return n
		}
	}
	switch value {
	case "true":
		return lang.X("ui.conflicts.yes", "yes")
	case "false":
		return lang.X("ui.conflicts.no", "no")
	}
	if t, err := time.Parse(time.RFC3339Nano, value); err == nil && strings.Contains(value, "T") {
		return peopleWhen(t)
	}
	return value
}
