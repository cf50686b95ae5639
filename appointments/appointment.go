package appointments

import (
	"cmp"
	"slices"
	"time"

	"relais/problem"
	"relais/store"
)

// Kind is the record kind of an appointment.
const Kind = "appointment"

// MaxMinutes bounds an appointment: nobody sits eight hours at a help desk.
const MaxMinutes = 8 * 60

// MaxNoteLength bounds the outcome's short note.
const MaxNoteLength = 1000

// Mode is how the appointment takes place.
type Mode string

// The modes of an appointment.
const (
	OnSite Mode = "onsite" // sur place
	Phone  Mode = "phone"  // par téléphone
	Video  Mode = "video"  // en visio
)

func (m Mode) valid() bool { return m == OnSite || m == Phone || m == Video }

// Status is where an appointment stands.
type Status string

// The statuses of an appointment. Booked is the only one set at booking.
const (
	Booked    Status = "booked"    // réservé
	Arrived   Status = "arrived"   // arrivé, checked in at reception
	Seen      Status = "seen"      // vu: the outcome is recorded
	Absent    Status = "absent"    // absent without notice (no-show)
	Excused   Status = "excused"   // the person called to say they cannot come
	Cancelled Status = "cancelled" // annulé par le centre
)

// transitions is the whole status graph: anything else is refused.
// A mediator may record the outcome without reception checking the person in.
var transitions = map[Status][]Status{
	Booked:  {Arrived, Seen, Absent, Excused, Cancelled},
	Arrived: {Seen, Cancelled},
}

// CanBecome reports whether the graph allows going from s to next.
func (s Status) CanBecome(next Status) bool { return slices.Contains(transitions[s], next) }

// Occupies reports whether an appointment in this status holds its
// mediator's time: an excused or cancelled one frees the slot.
func (s Status) Occupies() bool { return s == Booked || s == Arrived || s == Seen || s == Absent }

// Autonomy is how autonomous the person was, on the scale of La Coop de la
// médiation numérique.
type Autonomy string

// The autonomy levels.
const (
	DoneFor   Autonomy = "done_for"   // fait pour la personne: entièrement accompagné
	DoneWith  Autonomy = "done_with"  // fait avec: partiellement autonome
	DoneAlone Autonomy = "done_alone" // fait seul: autonome
)

func (a Autonomy) valid() bool { return a == DoneFor || a == DoneWith || a == DoneAlone }

// Outcome is what the mediator records once the person was seen.
type Outcome struct {
	Autonomy Autonomy `json:"autonomy"`
	Note     string   `json:"note,omitempty"`
	NextStep string   `json:"next_step,omitempty"`
	FollowUp string   `json:"follow_up,omitempty"` // id of the appointment booked for the next step
}

// Appointment is a person's appointment with a mediator for a procedure.
// People are referred to by id: this package never reads their files.
type Appointment struct {
	Person    string    `json:"person"`
	Centre    string    `json:"centre"`
	Mediator  string    `json:"mediator"`
	Procedure string    `json:"procedure"`
	Start     time.Time `json:"start"` // UTC
	Minutes   int       `json:"minutes"`
	Mode      Mode      `json:"mode"`
	Status    Status    `json:"status"`
	Booked    time.Time `json:"booked"`
	Arrived   time.Time `json:"arrived,omitzero"`
	Outcome   *Outcome  `json:"outcome,omitempty"`
	// Reason says why it was cancelled or excused.
	Reason string `json:"reason,omitempty"`
}

// End returns when the appointment ends.
func (a Appointment) End() time.Time { return a.Start.Add(time.Duration(a.Minutes) * time.Minute) }

// Day returns the appointment's Paris day, "2006-01-02".
func (a Appointment) Day() string { return DayOf(a.Start) }

// Entry is an appointment with its record id.
type Entry struct {
	ID string
	Appointment
}

func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Mediator, b.Mediator), cmp.Compare(a.ID, b.ID))
	})
}

func sortBy[T any](xs []T, key func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}

// Problems of appointments.
var (
	ErrPersonMissing       = problem.Register("appointments.person_missing")
	ErrBadDuration         = problem.Register("appointments.bad_duration")
	ErrBadMode             = problem.Register("appointments.bad_mode")
	ErrInPast              = problem.Register("appointments.in_past")
	ErrOutsideOpeningHours = problem.Register("appointments.outside_opening_hours")
	ErrCentreClosed        = problem.Register("appointments.centre_closed")
	ErrMediatorUnavailable = problem.Register("appointments.mediator_unavailable")
	ErrMediatorAbsent      = problem.Register("appointments.mediator_absent")
	ErrMediatorBusy        = problem.Register("appointments.mediator_busy")
	ErrUnknownAppointment  = problem.Register("appointments.unknown_appointment")
	ErrStatusChange        = problem.Register("appointments.status_change")
	ErrTooEarly            = problem.Register("appointments.too_early")
	ErrBadAutonomy         = problem.Register("appointments.bad_autonomy")
	ErrNoteTooLong         = problem.Register("appointments.note_too_long")
)

// Indexes are the secondary indexes of this package's kinds; the store must
// be opened with them.
func Indexes() []store.Index {
	ix := []store.Index{
		store.IndexOn(Kind, "mediator_day", 1, func(a Appointment) []string { return []string{a.Mediator + "/" + a.Day()} }),
		store.IndexOn(Kind, "centre_day", 2, func(a Appointment) []string { return []string{agendaValue(a)} }), // see agenda.go
		store.IndexOn(Kind, "person", 1, func(a Appointment) []string { return []string{a.Person} }),
		// "booked/2026-11-22/<centre>": tomorrow's list to call, or a day's no-shows.
		store.IndexOn(Kind, "status_day", 1, func(a Appointment) []string {
			return []string{string(a.Status) + "/" + a.Day() + "/" + a.Centre}
		}),
	}
	ix = append(ix, frameIndexes()...)
	return append(ix, walkInIndexes()...)
}
