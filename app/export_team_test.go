package app

import (
	"fyne.io/fyne/v2/widget"

	"relais/staff"
)

// Test hooks of « Horaires du centre » and « Équipe ».

// Capitalised and WeekdayName expose how the editors name the days.
var (
	Capitalised = capitalised
	WeekdayName = weekdayName
)

// CentreButtons returns the Settings buttons opening the centre's hours and
// its team.
func (u *UI) CentreButtons() (hours, team *widget.Button) {
	p := u.home.settings
	return p.hours, p.team
}

// WeekView holds the widgets of a week editor, by time.Weekday (0 is Sunday).
type WeekView struct {
	Off        [7]*widget.Check
	Start, End [7][2]*widget.SelectEntry
}

func (e *weekEditor) view() WeekView {
	var v WeekView
	for d, r := range e.rows {
		v.Off[d] = r.off
		for i := range rangesPerDay {
			v.Start[d][i], v.End[d][i] = r.starts[i], r.ends[i]
		}
	}
	return v
}

// HoursView holds the widgets of « Horaires du centre ».
type HoursView struct {
	Open             bool
	Week             WeekView
	Save, CopyMonday *widget.Button
	Problem, Saved   *widget.Label
	NotSet           *widget.Label
	ClosureFrom      *widget.DateEntry
	ClosureTo        *widget.DateEntry
	ClosureReason    *widget.Entry
	AddClosure       *widget.Button
	ClosureProblem   *widget.Label
	Closures         []string // one line per closure listed
	RemoveClosure    []*widget.Button
}

func (u *UI) HoursView() HoursView {
	p, ok := u.shownPage().(*hoursPage)
	if !ok {
		return HoursView{}
	}
	v := HoursView{Open: true, Week: p.editor.view(), Save: p.save, CopyMonday: p.copyMonday, Problem: p.problem, Saved: p.saved, NotSet: p.notSet,
		ClosureFrom: p.closureFrom, ClosureTo: p.closureTo, ClosureReason: p.closureReason, AddClosure: p.addClosure, ClosureProblem: p.closureProblem}
	for _, l := range p.closures {
		v.Closures = append(v.Closures, l.text)
		v.RemoveClosure = append(v.RemoveClosure, l.remove)
	}
	return v
}

// TeamView holds the widgets of « Équipe ».
type TeamView struct {
	Open                         bool
	Add                          *widget.Button // nil when the person signed in may not add anyone
	FormShown                    bool
	Name, Login, Password, Again *widget.Entry
	Role                         *widget.RadioGroup
	Save                         *widget.Button
	FormProblem, Added           *widget.Label
	Members                      []TeamMember
}

// TeamMember is a row of the team list.
type TeamMember struct {
	ID, Name, Login        string
	Role                   staff.Role
	NoAvailability         bool
	Availability, Absences *widget.Button // mediators only
	Toggle                 *widget.Button // disable or enable, for an administrator
	Disabled               bool
	Reset                  *widget.Button // a new password with the recovery key, for an administrator
}

func (u *UI) TeamView() TeamView {
	p, ok := u.shownPage().(*teamPage)
	if !ok {
		return TeamView{}
	}
	v := TeamView{Open: true, Add: p.add}
	if p.add != nil {
		v.FormShown = p.form.Visible()
		v.Name, v.Login, v.Password, v.Again, v.Role, v.Save, v.FormProblem = p.name, p.login, p.password, p.again, p.role, p.save, p.formErr
	}
	v.Added = p.added
	for _, m := range p.members {
		v.Members = append(v.Members, TeamMember{m.id, m.account.Name, m.account.Login, m.account.Role, !m.available, m.hours, m.absences, m.toggle, m.account.Disabled, m.reset})
	}
	return v
}

// AvailabilityView holds the widgets of a mediator's availability.
type AvailabilityView struct {
	Open                    bool
	Week                    WeekView
	Same, Save              *widget.Button
	Problem, Saved, Outside *widget.Label
}

func (u *UI) AvailabilityView() AvailabilityView {
	p, ok := u.shownPage().(*availabilityPage)
	if !ok {
		return AvailabilityView{}
	}
	return AvailabilityView{true, p.editor.view(), p.same, p.save, p.problem, p.saved, p.outside}
}

// AbsenceView holds the widgets of a mediator's absences.
type AbsenceView struct {
	Open             bool
	From, To         *widget.DateEntry
	FromTime, ToTime *widget.SelectEntry
	Reason           *widget.Entry
	Add              *widget.Button
	Problem, Result  *widget.Label
	Conflicts        []string // the appointments to move, after adding
	Absences         []string // the absences to come
}

func (u *UI) AbsenceView() AbsenceView {
	p, ok := u.shownPage().(*absencePage)
	if !ok {
		return AbsenceView{}
	}
	return AbsenceView{true, p.from, p.to, p.fromTime, p.toTime, p.reason, p.add, p.problem, p.result, p.conflicts, p.absences}
}

// AddAccountAsSignedIn asks the domain to add an account as the person
// signed in, as the hidden button would.
func (u *UI) AddAccountAsSignedIn(name, login string, role staff.Role, password string) error {
	_, err := u.session.AddAccount(name, login, role, password)
	return err
}
