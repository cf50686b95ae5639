// Package actor says who is acting in Relais, what their role allows, and
// writes what they did to the audit log.
//
// Every domain service is given the Actor of the session that built it and
// checks each operation against the role matrix below before touching the
// store: hiding a button is not enough, a role is refused in the domain.
// An operation that changes a person's data, or reads a person's file,
// notes the event in the same store transaction (Log), so the audit log
// never misses a write that happened.
package actor

import (
	"slices"

	"relais/problem"
	"relais/store"
)

// Role is what a member of staff may do.
type Role string

// The roles of a centre, from the front desk to the administrator.
const (
	Reception   Role = "accueil"
	Mediator    Role = "mediateur"
	Coordinator Role = "coordinateur"
	Admin       Role = "admin"
	// system is Relais itself: the daily purge, following partners'
	// writes. It is never a staff member's role.
	system Role = "relais"
)

// Roles lists the staff roles, from the front desk to the administrator.
func Roles() []Role { return []Role{Reception, Mediator, Coordinator, Admin} }

// Valid reports whether r is a staff role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Operation is something a role may or may not do.
type Operation string

// The operations the domain services check.
const (
	// People.
	ReadPeople     Operation = "read_people"     // search, open a person's file
	RegisterPeople Operation = "register_people" // register, correct a file, consent
	MergePeople    Operation = "merge_people"    // merge two files of one person
	ErasePeople    Operation = "erase_people"    // right to erasure
	ExportPerson   Operation = "export_person"   // right of access: all held about a person
	ImportPeople   Operation = "import_people"   // CSV import from another tool

	// Appointments.
	Book          Operation = "book"           // book, move, cancel; walk-ins
	CheckIn       Operation = "check_in"       // arrived, absent, excused
	RecordOutcome Operation = "record_outcome" // what was done, autonomy, notes
	ReadNotes     Operation = "read_notes"     // outcome notes, follow-up notes and documents

	// Procedures followed and the radar.
	WriteFollowUps Operation = "write_follow_ups" // « Démarches en cours »
	ReadRadar      Operation = "read_radar"       // the network's radar list and timelines
	ActOnRadar     Operation = "act_on_radar"     // log a contact, assign, close a case
	SetRadarRules  Operation = "set_radar_rules"

	// Guides.
	EditGuides  Operation = "edit_guides"  // write, duplicate, mark as checked
	WalkThrough Operation = "walk_through" // follow a guide with a person

	// The network, the centre, the team and privacy.
	ManagePartners  Operation = "manage_partners"  // add, remove partner centres; network settings
	SettleConflicts Operation = "settle_conflicts" // keep one of two versions
	ManageAccounts  Operation = "manage_accounts"  // create, disable, reset accounts
	EditCentre      Operation = "edit_centre"      // opening hours, mediators' days
	ManageRetention Operation = "manage_retention" // how long data is kept
	ReadAudit       Operation = "read_audit"       // browse and check the audit log
	ReadReports     Operation = "read_reports"     // activity figures, exports
)

// Operations lists every operation, for the role matrix and its test.
func Operations() []Operation {
	return []Operation{ReadPeople, RegisterPeople, MergePeople, ErasePeople, ExportPerson, ImportPeople,
		Book, CheckIn, RecordOutcome, ReadNotes,
		WriteFollowUps, ReadRadar, ActOnRadar, SetRadarRules,
		EditGuides, WalkThrough,
		ManagePartners, SettleConflicts, ManageAccounts, EditCentre, ManageRetention, ReadAudit, ReadReports}
}

// The role matrix. The front desk welcomes, registers, books and checks in;
// it never reads what was said in an accompaniment. Mediators accompany
// people and keep their notes. Coordinators also follow the network's
// radar, settle conflicts, read the activity figures and the audit log,
// and carry out the rights of access and erasure. Administrators also run
// the centre, its team, its partners and its retention.
var (
	front       = []Operation{ReadPeople, RegisterPeople, Book, CheckIn}
	accompanies = append(slices.Clip(front), MergePeople, RecordOutcome, ReadNotes, WriteFollowUps, EditGuides, WalkThrough)
	coordinates = append(slices.Clip(accompanies), ErasePeople, ExportPerson, ImportPeople, ReadRadar, ActOnRadar,
		SetRadarRules, SettleConflicts, ReadAudit, ReadReports)
	administers = append(slices.Clip(coordinates), ManagePartners, ManageAccounts, EditCentre, ManageRetention)

	matrix = map[Role][]Operation{
		Reception:   front,
		Mediator:    accompanies,
		Coordinator: coordinates,
		Admin:       administers,
		system:      Operations(),
	}
)

// Problems of roles.
var (
	// ErrNotAllowed: the role does not allow the operation.
	ErrNotAllowed = problem.Register("actor.not_allowed")
)

// Action names what an audit entry records.
type Action string

// The actions the audit log records.
const (
	PersonRead       Action = "person.read"
	PersonRegistered Action = "person.registered"
	PersonChanged    Action = "person.changed"
	PersonMerged     Action = "person.merged"
	PersonErased     Action = "person.erased"
	PersonExported   Action = "person.exported"
	PeopleImported   Action = "people.imported"

	AppointmentBooked    Action = "appointment.booked"
	AppointmentChanged   Action = "appointment.changed"
	AppointmentCancelled Action = "appointment.cancelled"
	AppointmentCheckedIn Action = "appointment.checked_in"
	AppointmentOutcome   Action = "appointment.outcome"
	WalkInRecorded       Action = "walk_in.recorded"
	WorkshopRecorded     Action = "workshop.recorded"

	FollowUpChanged  Action = "follow_up.changed"
	RadarCaseChanged Action = "radar.case_changed"
	RadarRulesSet    Action = "radar.rules_set"
	WalkthroughSaved Action = "walkthrough.saved"
	GuideSaved       Action = "guide.saved"

	PartnerAdded     Action = "partner.added"
	PartnerRemoved   Action = "partner.removed"
	NetworkChanged   Action = "network.changed" // the relay, the mailbox's folder password
	ConflictSettled  Action = "conflict.settled"
	AccountChanged   Action = "account.changed"
	PasswordChanged  Action = "account.password_changed" // one's own; a reset is AccountChanged
	CentreChanged    Action = "centre.changed"
	RetentionChanged Action = "retention.changed"
	PurgeRun         Action = "purge.run"
	SignedIn         Action = "signed_in"
)

// Event is one line of the audit log, before the log adds when, who and the
// chain: what was done, to whose data (a person's id, never a name) and to
// which record ("appointment/<id>").
type Event struct {
	Action Action
	Person string
	Record string
}

// Recorder appends events to the audit log, inside the transaction of the
// change they describe.
type Recorder interface {
	Record(tx *store.Tx, by *Actor, e Event) error
}

// Actor is the person signed in (or Relais itself) on whose behalf the
// services act.
type Actor struct {
	Login  string
	Name   string
	Role   Role
	Centre string // the id of their centre's record

	recorder Recorder
}

// New returns the actor of a member of staff; events are not recorded until
// Recording is called.
func New(login, name string, role Role, centre string) *Actor {
	return &Actor{Login: login, Name: name, Role: role, Centre: centre}
}

// System is Relais itself (the daily purge, following partners): every
// operation is allowed and its writes are recorded as Relais's.
func System(centre string) *Actor {
	return &Actor{Login: "relais", Name: "Relais", Role: system, Centre: centre}
}

// Recording makes the actor write its events to r, and returns it.
func (a *Actor) Recording(r Recorder) *Actor {
	a.recorder = r
	return a
}

// Can reports whether the actor's role allows op.
func (a *Actor) Can(op Operation) bool {
	return a != nil && slices.Contains(matrix[a.Role], op)
}

// Check returns ErrNotAllowed, naming the role, when the role does not
// allow op.
func (a *Actor) Check(op Operation) error {
	if a.Can(op) {
		return nil
	}
	role := ""
	if a != nil {
		role = string(a.Role)
	}
	return ErrNotAllowed.With("role", role, "operation", string(op))
}

// Log records an event in tx's transaction (nothing without a recorder).
func (a *Actor) Log(tx *store.Tx, action Action, person, record string) error {
	if a == nil || a.recorder == nil {
		return nil
	}
	return a.recorder.Record(tx, a, Event{Action: action, Person: person, Record: record})
}
