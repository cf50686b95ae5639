package app

import (
	"cmp"
	"regexp"
	"slices"
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
	"relais/appointments"
	"relais/audit"
	"relais/people"
	"relais/staff"
	"relais/store"
)

// journalPage is how many entries the journal shows at first, and adds
// with « Show more ».
const journalPage = 200

// journalShownBreaks bounds the breaks listed after a check; the count
// says how many more there are.
const journalShownBreaks = 50

// journalScreens holds the journal view of a window, or the explanation
// other roles read. Read and written on the Fyne goroutine only.
type journalScreens struct {
	view       *journalView
	restricted *widget.Label
}

func (u *UI) journalScreens() *journalScreens { return &u.journalState }

// auditLog is the session's audit log. Opening it reads nothing: it is
// the store's log, whichever service appends to it.
func (u *UI) auditLog() *audit.Log { return u.si.Audit }

// journalView is the « Journal » section: who read or changed which file,
// newest first, with filters, and the check of the log's chain.
type journalView struct {
	u       *UI
	session *staff.Session
	journal audit.Journal
	loads   int // each load's number: a late answer to an old one is dropped
	checks  int
	limit   int
	filter  audit.Filter

	person                    *widget.Entry
	personChoice              *widget.Select
	personIDs                 []string // behind personChoice's options
	colleague, centre, action *widget.Select
	colleagues, centres       []journalChoice
	from, to                  *widget.DateEntry
	clear, verify, more       *widget.Button
	count                     *widget.Label
	problem                   *widget.Label
	result                    *widget.Label
	breaks                    *fyne.Container
	breaksScroll              *container.Scroll // the breaks, a few lines high at most
	root                      *fyne.Container
	list                      *widget.List
	entries                   []audit.Entry
	names                     map[string]string // person id → name, "" when not known here
	rows                      []journalRow
	settling                  bool // the selects are being set by the view
	dir                       radarDirectory
}

// journalChoice is an option of a filter and the value behind it.
type journalChoice struct{ label, value string }

// journalRow is the text of one entry of the list.
type journalRow struct {
	id, when, what, whose, who string
}

// seesJournal reports whether a role browses the audit log.
func seesJournal(r staff.Role) bool { return actor.New("", "", r, "").Can(actor.ReadAudit) }

// journalPanel is the Journal section: the audit log for coordinators and
// administrators, one sentence for the other roles.
func (u *UI) journalPanel() fyne.CanvasObject {
	screens := u.journalScreens()
	screens.view, screens.restricted = nil, nil
	j, err := u.auditLog().Journal(u.session.Actor())
	if err != nil || !seesJournal(u.session.Account.Role) {
		why := paragraph(lang.L("The journal of who read or changed each file is for coordination and administration."))
		screens.restricted = why
		return container.NewVScroll(container.NewPadded(container.NewPadded(container.NewVBox(heading(lang.L("Journal")), why))))
	}
	v := &journalView{u: u, session: u.session, journal: j, limit: journalPage}
	screens.view = v
	content := v.build()
	v.loadChoices()
	v.load()
	return content
}

func (v *journalView) alive() bool {
	return v.u.shows(sectionJournal, v.session) && v.u.journalScreens().view == v
}

func (v *journalView) build() fyne.CanvasObject {
	v.person = widget.NewEntry()
	v.person.SetPlaceHolder(lang.L("Person: name, phone or id, then Enter"))
	v.person.OnSubmitted = func(string) { v.findPerson() }
	v.personChoice = widget.NewSelect(nil, func(string) { v.filterChanged() })
	v.personChoice.PlaceHolder = lang.L("Everyone")
	v.colleague = widget.NewSelect(nil, func(string) { v.filterChanged() })
	v.colleague.PlaceHolder = lang.L("All colleagues")
	v.centre = widget.NewSelect(nil, func(string) { v.filterChanged() })
	v.centre.PlaceHolder = lang.L("All centres")
	actions := []string{lang.L("All actions")}
	for _, a := range audit.Actions() {
		actions = append(actions, auditActionName(a))
	}
	v.action = widget.NewSelect(actions, func(string) { v.filterChanged() })
	v.action.PlaceHolder = lang.L("All actions")
	v.from, v.to = widget.NewDateEntry(), widget.NewDateEntry()
	v.from.SetPlaceHolder(lang.L("From (day)"))
	v.to.SetPlaceHolder(lang.L("To (day, included)"))
	v.from.OnChanged = func(*time.Time) { v.filterChanged() }
	v.to.OnChanged = func(*time.Time) { v.filterChanged() }
	v.clear = widget.NewButtonWithIcon(lang.L("Clear the filters"), theme.ContentClearIcon(), v.clearFilters)
	v.verify = widget.NewButtonWithIcon(lang.L("Check the integrity of the journal"), theme.ConfirmIcon(), v.check)
	v.more = widget.NewButton(lang.L("Show more"), func() { v.limit = min(v.limit+journalPage, audit.MaxList); v.load() })
	v.more.Hide()
	v.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.problem = problemLabel()
	v.result = paragraph("")
	v.result.TextStyle.Bold = true
	v.result.Hide()
	v.breaks = container.NewVBox()
	v.breaksScroll = container.NewVScroll(v.breaks)
	v.breaksScroll.Hide()

	v.list = widget.NewList(func() int { return len(v.rows) }, newJournalRowTemplate,
		func(i widget.ListItemID, o fyne.CanvasObject) { v.fillRow(i, o) })
	v.list.OnSelected = func(widget.ListItemID) { v.list.UnselectAll() } // nothing to open: a row says it all

	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, v.verify, heading(lang.L("Journal"))),
		paragraph(lang.L("Who opened or changed each file, when, and from which centre, across the network. The newest first. Only ids are kept about the persons: their names show here when the file is known in this centre.")),
		container.NewGridWithColumns(4,
			v.person, v.personChoice, v.colleague, v.centre,
			v.action, v.from, v.to, v.clear),
		container.NewBorder(nil, nil, nil, v.more, v.count),
		v.problem,
		v.result,
		v.breaksScroll,
	)
	v.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, v.list)
	return v.root
}

// newJournalRowTemplate is a row: when and what in bold, whose file on the
// right; below, who and from which centre.
func newJournalRowTemplate() fyne.CanvasObject {
	what := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what.Truncation = fyne.TextTruncateEllipsis
	whose := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	whose.Truncation = fyne.TextTruncateEllipsis
	who := widget.NewLabel("")
	who.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(0), container.NewGridWithColumns(2, what, whose), who)
}

func (v *journalView) fillRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	r := v.rows[i]
	box := o.(*fyne.Container)
	top := box.Objects[0].(*fyne.Container)
	top.Objects[0].(*widget.Label).SetText(r.when + " · " + r.what)
	top.Objects[1].(*widget.Label).SetText(r.whose)
	box.Objects[1].(*widget.Label).SetText(r.who)
}

// loadChoices reads the colleagues and the centres for the filters.
func (v *journalView) loadChoices() {
	db := v.session.DB
	background(v.u, func() (radarDirectory, error) { return readJournalDirectory(db) }, func(d radarDirectory, err error) {
		if !v.alive() {
			return
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		v.dir = d
		v.colleagues = []journalChoice{{lang.L("All colleagues"), ""}}
		for _, c := range d.colleagues {
			v.colleagues = append(v.colleagues, journalChoice{lang.L("{{.Name}} ({{.Login}})", map[string]any{"Name": c.name, "Login": c.login}), c.login})
		}
		v.centres = []journalChoice{{lang.L("All centres"), ""}}
		for id, name := range d.centres {
			v.centres = append(v.centres, journalChoice{name, id})
		}
		slices.SortFunc(v.centres[1:], func(a, b journalChoice) int { return cmp.Compare(strings.ToLower(a.label), strings.ToLower(b.label)) })
		v.settling = true
		v.colleague.SetOptions(labels(v.colleagues))
		v.centre.SetOptions(labels(v.centres))
		v.settling = false
		v.fillRows() // the names of centres are known now
	})
}

func labels(cs []journalChoice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label
	}
	return out
}

func chosen(s *widget.Select, cs []journalChoice) string {
	if i := s.SelectedIndex(); i >= 0 && i < len(cs) {
		return cs[i].value
	}
	return ""
}

// readJournalDirectory is the radar's directory with every account,
// disabled ones included: the journal names who acted, even long ago.
func readJournalDirectory(db *store.DB) (radarDirectory, error) {
	d, err := readRadarDirectory(db)
	if err != nil {
		return d, err
	}
	d.colleagues = nil
	err = staff.Accounts(db).All(func(_ string, a staff.Account) error {
		d.colleagues = append(d.colleagues, radarColleague{a.Login, a.Name})
		return nil
	})
	slices.SortFunc(d.colleagues, func(a, b radarColleague) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.login, b.login))
	})
	return d, err
}

// personIDPattern recognises an id pasted in the person filter.
var personIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// findPerson fills the person choice with the persons the search finds,
// and chooses the first; an id is taken as it is.
func (v *journalView) findPerson() {
	q := strings.TrimSpace(v.person.Text)
	v.personIDs = nil
	var options []string
	switch {
	case q == "":
	case personIDPattern.MatchString(q):
		v.personIDs, options = []string{strings.ToLower(q)}, []string{lang.L("This id")}
	case v.u.people != nil:
		for _, h := range v.u.people.Search(q, 20) {
			v.personIDs = append(v.personIDs, h.Person.ID)
			options = append(options, h.Person.FullName())
		}
		if len(options) == 0 {
			setProblem(v.problem, lang.L("Nobody here matches « {{.Query}} ». Try another spelling, a phone number or the person's id.", map[string]any{"Query": q}))
			return
		}
	}
	v.settling = true
	v.personChoice.SetOptions(options)
	if len(options) > 0 {
		v.personChoice.SetSelectedIndex(0)
	} else {
		v.personChoice.ClearSelected()
	}
	v.settling = false
	v.filterChanged()
}

func (v *journalView) clearFilters() {
	v.settling = true
	v.person.SetText("")
	v.personIDs = nil
	v.personChoice.SetOptions(nil)
	v.personChoice.ClearSelected()
	v.colleague.ClearSelected()
	v.centre.ClearSelected()
	v.action.ClearSelected()
	v.from.SetDate(nil)
	v.to.SetDate(nil)
	v.settling = false
	v.filterChanged()
}

// filterChanged reads the filters and loads the list again.
func (v *journalView) filterChanged() {
	if v.settling {
		return
	}
	f := audit.Filter{Login: chosen(v.colleague, v.colleagues), Centre: chosen(v.centre, v.centres)}
	if i := v.personChoice.SelectedIndex(); i >= 0 && i < len(v.personIDs) {
		f.Person = v.personIDs[i]
	}
	if i := v.action.SelectedIndex(); i > 0 {
		f.Action = audit.Actions()[i-1]
	}
	if v.from.Date != nil {
		f.From = dayStart(*v.from.Date)
	}
	if v.to.Date != nil {
		f.To = dayStart(*v.to.Date).AddDate(0, 0, 1)
	}
	v.filter, v.limit = f, journalPage
	v.load()
}

// dayStart is midnight, Paris time, of the day a calendar gave.
func dayStart(d time.Time) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, appointments.Paris)
}

// journalData is what a load reads off the Fyne goroutine.
type journalData struct {
	entries []audit.Entry
	names   map[string]string // person id → name; "" for a person not known here
}

func (v *journalView) load() {
	j, f, limit, ppl, db := v.journal, v.filter, v.limit, v.u.people, v.session.DB
	loadLatest(v.u, &v.loads, v.alive, v.problem, func() (journalData, error) {
		entries, err := j.List(f, limit)
		if err != nil {
			return journalData{}, err
		}
		d := journalData{entries: entries, names: map[string]string{}}
		for _, e := range entries {
			if _, done := d.names[e.Person]; e.Person == "" || done {
				continue
			}
			d.names[e.Person] = knownName(ppl, db, e.Person)
		}
		return d, nil
	}, v.apply)
}

// knownName is the name of a person if their file is known here, following
// a merge; "" otherwise. It runs off the Fyne goroutine.
func knownName(ppl *people.Service, db *store.DB, id string) string {
	if ppl != nil {
		if p, err := ppl.Get(ppl.ResolveMerged(id)); err == nil {
			return p.FullName()
		}
		return ""
	}
	if p, _, err := store.NewCollection[people.Person](db, people.Kind).Get(id); err == nil {
		return p.FullName()
	}
	return ""
}

func (v *journalView) apply(d journalData) {
	v.entries, v.names = d.entries, d.names
	v.fillRows()
	switch {
	case len(d.entries) == 0:
		v.count.SetText(lang.L("No entry matches these filters."))
	case len(d.entries) == v.limit:
		v.count.SetText(lang.L("The {{.Count}} newest entries", map[string]any{"Count": len(d.entries)}))
	default:
		v.count.SetText(entryCount(len(d.entries)))
	}
	if len(d.entries) == v.limit && v.limit < audit.MaxList {
		v.more.Show()
	} else {
		v.more.Hide()
	}
}

// fillRows writes the rows of the entries read, with the names known.
func (v *journalView) fillRows() {
	v.rows = make([]journalRow, len(v.entries))
	for i, e := range v.entries {
		r := journalRow{id: e.ID, when: e.At.In(appointments.Paris).Format("02/01/2006 15:04"), what: auditActionName(e.Action)}
		who := e.Name
		if who == "" {
			who = e.Login
		}
		r.who = lang.L("{{.Name}} ({{.Role}}) · {{.Centre}}", map[string]any{"Name": who, "Role": actorRoleName(e.Role), "Centre": v.dir.centre(e.Centre)})
		if e.Person != "" {
			if name := v.names[e.Person]; name != "" {
				r.whose = name
			} else {
				r.whose = lang.L("erased or unshared person")
			}
		}
		v.rows[i] = r
	}
	v.list.Refresh()
}

// actorRoleName is a role in words, Relais itself included.
func actorRoleName(r actor.Role) string {
	if !r.Valid() {
		return lang.L("automatic")
	}
	return roleName(r)
}

// check runs the integrity check of the whole log, off the Fyne goroutine.
func (v *journalView) check() {
	v.checks++
	n := v.checks
	j := v.journal
	v.verify.Disable()
	v.result.Importance = widget.MediumImportance
	v.result.SetText(lang.L("Checking the journal…"))
	v.result.Show()
	v.breaks.RemoveAll()
	v.breaksScroll.Hide()
	v.root.Refresh()
	background(v.u, func() (audit.Report, error) { return j.Check() }, func(rep audit.Report, err error) {
		if n != v.checks || !v.alive() {
			return
		}
		v.verify.Enable()
		if err != nil {
			v.result.Hide()
			setProblem(v.problem, Message(err))
			return
		}
		v.showReport(rep)
	})
}

func (v *journalView) showReport(rep audit.Report) {
	if rep.OK() {
		v.result.Importance = widget.SuccessImportance
		v.result.SetText(lang.L("Journal intact: {{.Entries}}, {{.Centres}}", map[string]any{"Entries": entryCount(rep.Entries), "Centres": centreCount(rep.Centres())}))
		return
	}
	total := len(rep.Breaks) + rep.More
	v.result.Importance = widget.DangerImportance
	breaks := lang.L("1 break")
	if plural(total) {
		breaks = lang.L("{{.Count}} breaks", map[string]any{"Count": strconv.Itoa(total)})
	}
	v.result.SetText(lang.L("The journal is not intact: {{.Breaks}} ({{.Entries}} read, {{.Centres}}).",
		map[string]any{"Breaks": breaks, "Entries": entryCount(rep.Entries), "Centres": centreCount(rep.Centres())}))
	for i, b := range rep.Breaks {
		if i == journalShownBreaks {
			break
		}
		l := paragraph("• " + Message(b.Problem(v.chainCentre(b))))
		l.Importance = widget.DangerImportance
		v.breaks.Add(l)
	}
	if rest := total - min(len(rep.Breaks), journalShownBreaks); rest > 0 {
		v.breaks.Add(paragraph(lang.L("… and {{.Count}} more.", map[string]any{"Count": rest})))
	}
	// The list of entries keeps most of the height: the breaks scroll
	// past about five lines.
	v.breaksScroll.SetMinSize(fyne.NewSize(0, min(v.breaks.MinSize().Height, 5*(theme.TextSize()+2*theme.InnerPadding()))))
	v.breaksScroll.Show()
	v.root.Refresh()
}

// chainCentre names the centre of a broken chain: this computer when it
// is its own, the centre's name otherwise.
func (v *journalView) chainCentre(b audit.Break) string {
	if b.Chain == audit.ChainOf(v.session.DB.Replica()) {
		return lang.L("This computer")
	}
	return v.dir.centre(b.Centre)
}

// auditActionName is an audit entry's action in words.
func auditActionName(a actor.Action) string {
	switch a {
	case actor.PersonRead:
		return lang.L("File opened")
	case actor.PersonRegistered:
		return lang.L("Person registered")
	case actor.PersonChanged:
		return lang.L("File changed")
	case actor.PersonMerged:
		return lang.L("Files merged")
	case actor.PersonErased:
		return lang.L("Person erased (right to erasure)")
	case actor.PersonExported:
		return lang.L("Data handed over (right of access)")
	case actor.PeopleImported:
		return lang.L("People imported")
	case actor.AppointmentBooked:
		return lang.L("Appointment booked")
	case actor.AppointmentChanged:
		return lang.L("Appointment changed")
	case actor.AppointmentCancelled:
		return lang.L("Appointment cancelled")
	case actor.AppointmentCheckedIn:
		return lang.L("Arrival or absence noted")
	case actor.AppointmentOutcome:
		return lang.L("Appointment outcome written")
	case actor.WalkInRecorded:
		return lang.L("Walk-in visit noted")
	case actor.FollowUpChanged:
		return lang.L("Followed procedure changed")
	case actor.RadarCaseChanged:
		return lang.L("Radar follow-up changed")
	case actor.RadarRulesSet:
		return lang.L("Radar rules changed")
	case actor.WalkthroughSaved:
		return lang.L("Guide progress saved")
	case actor.GuideSaved:
		return lang.L("Guide saved")
	case actor.PartnerAdded:
		return lang.L("Partner centre added")
	case actor.PartnerRemoved:
		return lang.L("Partner centre removed")
	case actor.WorkshopRecorded:
		return lang.L("Collective workshop recorded")
	case actor.NetworkChanged:
		return lang.L("Network settings changed")
	case actor.ConflictSettled:
		return lang.L("Conflict settled")
	case actor.AccountChanged:
		return lang.L("Colleague's account changed")
	case actor.PasswordChanged:
		return lang.L("Own password changed")
	case actor.CentreChanged:
		return lang.L("Centre's hours or days changed")
	case actor.RetentionChanged:
		return lang.L("Retention periods changed")
	case actor.PurgeRun:
		return lang.L("Old data purged")
	case actor.SignedIn:
		return lang.L("Signed in")
	}
	return lang.L("Action « {{.Action}} »", map[string]any{"Action": string(a)})
}

// centreCount is « 2 centres » in the language in use.
func centreCount(n int) string {
	if plural(n) {
		return lang.L("{{.Count}} centres", map[string]any{"Count": strconv.Itoa(n)})
	}
	return lang.L("{{.Count}} centre", map[string]any{"Count": strconv.Itoa(n)})
}

// entryCount is « 3 entries » in the language in use.
func entryCount(n int) string {
	if plural(n) {
		return lang.L("{{.Count}} entries", map[string]any{"Count": strconv.Itoa(n)})
	}
	return lang.L("{{.Count}} entry", map[string]any{"Count": strconv.Itoa(n)})
}
