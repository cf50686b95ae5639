package appointments

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/privacy"
	"relais/store"
)

// Scheduler books and follows appointments. Every check of a booking and its
// write happen in one store transaction, so two desks booking the same
// mediator at once cannot both succeed.
type Scheduler struct {
	db    *store.DB
	who   *actor.Actor // whose role is checked and whose actions are logged
	now   func() time.Time
	cache readCache
}

// NewScheduler returns a scheduler over db acting for who (the member of
// staff signed in, whose role is checked on every operation); now is the
// clock (time.Now when nil).
func NewScheduler(db *store.DB, who *actor.Actor, now func() time.Time) *Scheduler {
	if now == nil {
		now = time.Now
	}
	return &Scheduler{db: db, who: who, now: now}
}

// Booking is what reception fills in to book an appointment.
type Booking struct {
	Person    string
	Centre    string
	Mediator  string
	Procedure string
	Start     time.Time
	// Minutes is the length; when End is set instead, the length is End-Start.
	Minutes int
	End     time.Time
	Mode    Mode // OnSite when empty
	// Scope is store.ScopeNetwork only for a person who agreed to sharing.
	Scope store.Scope
}

// appointment checks what can be checked without the store.
func (s *Scheduler) appointment(b Booking) (Appointment, error) {
	if strings.TrimSpace(b.Person) == "" {
		return Appointment{}, ErrPersonMissing
	}
	if strings.TrimSpace(b.Mediator) == "" {
		return Appointment{}, ErrMediatorMissing
	}
	if _, err := FindProcedure(b.Procedure); err != nil {
		return Appointment{}, err
	}
	if b.Mode == "" {
		b.Mode = OnSite
	}
	if !b.Mode.valid() {
		return Appointment{}, ErrBadMode
	}
	if err := checkInstant(b.Start); err != nil {
		return Appointment{}, err
	}
	if !b.End.IsZero() {
		if err := checkInstant(b.End); err != nil {
			return Appointment{}, err
		}
		if !b.End.After(b.Start) {
			return Appointment{}, ErrEndBeforeStart.With(clockArgs("from", ClockOf(b.Start), "to", ClockOf(b.End))...)
		}
		b.Minutes = int(b.End.Sub(b.Start) / time.Minute)
	}
	if b.Minutes <= 0 || b.Minutes > MaxMinutes {
		return Appointment{}, ErrBadDuration.With("max", MaxMinutes/60)
	}
	return Appointment{
		Person: b.Person, Centre: b.Centre, Mediator: b.Mediator, Procedure: b.Procedure,
		Start: b.Start.Truncate(time.Minute).UTC(), Minutes: b.Minutes, Mode: b.Mode,
		Status: Booked, Booked: s.now().UTC(),
	}, nil
}

// Book books an appointment and returns its id. Nothing is written when it
// is refused: in the past, outside opening hours, on a closed day, outside
// the mediator's hours or during their absence, or over another appointment.
func (s *Scheduler) Book(b Booking) (string, error) {
	if err := s.who.Check(actor.Book); err != nil {
		return "", err
	}
	a, err := s.appointment(b)
	if err != nil {
		return "", err
	}
	id := store.NewID()
	err = s.db.Update(func(tx *store.Tx) error {
		if err := s.checkSlot(tx, id, a); err != nil {
			return err
		}
		if _, err := store.PutIn(tx, Kind, id, a, b.Scope); err != nil {
			return err
		}
		return s.who.Log(tx, actor.AppointmentBooked, a.Person, Kind+"/"+id)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// checkSlot refuses a booked appointment that does not fit; self is its own id.
func (s *Scheduler) checkSlot(tx *store.Tx, self string, a Appointment) error {
	if a.Start.Before(s.now()) {
		return ErrInPast
	}
	if err := centreExists(tx, a.Centre); err != nil {
		return err
	}
	start, end := a.Start.In(Paris), a.End().In(Paris)
	from, to := ClockOf(start), ClockOf(end)
	if DayOf(end.Add(-time.Nanosecond)) != a.Day() || to == 0 {
		to = 24 * 60 // past midnight: no opening range holds it
	}
	hours, _, err := store.GetIn[Hours](tx, HoursKind, a.Centre)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !hours.Week.Holds(start.Weekday(), from, to) {
		return ErrOutsideOpeningHours.With(clockArgs("from", from, "to", to)...)
	}
	closures, err := tx.Find(ClosureKind, "centre_day", a.Centre+"/"+a.Day())
	if err != nil {
		return err
	}
	for _, id := range closures {
		if _, _, err := store.GetIn[Closure](tx, ClosureKind, id); err == nil {
			return ErrCentreClosed.With("date", start.Format("02/01/2006"))
		}
	}
	name := func() string { return mediatorName(tx.Get, a.Mediator) } // read only to explain a refusal
	av, err := tx.Find(AvailabilityKind, "mediator_centre", a.Mediator+"/"+a.Centre)
	if err != nil {
		return err
	}
	works := false
	for _, id := range av {
		w, _, err := store.GetIn[Availability](tx, AvailabilityKind, id)
		if err == nil && w.Week.Holds(start.Weekday(), from, to) {
			works = true
		}
	}
	if !works {
		return ErrMediatorUnavailable.With("mediator", name())
	}
	absences, err := tx.Find(AbsenceKind, "mediator_day", a.Mediator+"/"+a.Day())
	if err != nil {
		return err
	}
	for _, id := range absences {
		ab, _, err := store.GetIn[Absence](tx, AbsenceKind, id)
		if err == nil && ab.Start.Before(a.End()) && a.Start.Before(ab.End) {
			return ErrMediatorAbsent.With("mediator", name())
		}
	}
	others, err := tx.Find(Kind, "mediator_day", a.Mediator+"/"+a.Day())
	if err != nil {
		return err
	}
	for _, id := range others {
		if id == self {
			continue
		}
		o, _, err := store.GetIn[Appointment](tx, Kind, id)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return err
		}
		if o.Status.Occupies() && o.Start.Before(a.End()) && a.Start.Before(o.End()) {
			return ErrMediatorBusy.With(append(clockArgs("from", ClockOf(o.Start), "to", ClockOf(o.End())), "mediator", name())...)
		}
	}
	return nil
}

// mediatorName reads a staff record's name without importing the staff
// package (which imports this one); the id stands in when it is missing.
func mediatorName(get func(kind, id string) (store.Record, error), id string) string {
	r, err := get("staff", id)
	if err != nil || r.Deleted {
		return id
	}
	var v struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(r.Body, &v) != nil || v.Name == "" {
		return id
	}
	return v.Name
}

// change applies fn to appointment id in one transaction, if the role
// allows op, and logs action.
func (s *Scheduler) change(op actor.Operation, action actor.Action, id string, fn func(tx *store.Tx, a *Appointment) error) error {
	if err := s.who.Check(op); err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		a, meta, err := store.GetIn[Appointment](tx, Kind, id)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
			return ErrUnknownAppointment
		}
		if err != nil {
			return err
		}
		if err := fn(tx, &a); err != nil {
			return err
		}
		if _, err = store.PutIn(tx, Kind, id, a, meta.Scope); err != nil {
			return err
		}
		return s.who.Log(tx, action, a.Person, Kind+"/"+id)
	})
}

func (s *Scheduler) setStatus(a *Appointment, to Status) error {
	if !a.Status.CanBecome(to) {
		return ErrStatusChange
	}
	a.Status = to
	return nil
}

// Move gives a booked appointment a new start, and a new mediator unless
// mediator is empty. The same checks as Book apply.
func (s *Scheduler) Move(id string, start time.Time, mediator string) error {
	if err := checkInstant(start); err != nil {
		return err
	}
	return s.change(actor.Book, actor.AppointmentChanged, id, func(tx *store.Tx, a *Appointment) error {
		if a.Status != Booked {
			return ErrStatusChange
		}
		a.Start = start.Truncate(time.Minute).UTC()
		if mediator != "" {
			a.Mediator = mediator
		}
		return s.checkSlot(tx, id, *a)
	})
}

// Cancel marks an appointment cancelled by the centre; the slot is free again.
func (s *Scheduler) Cancel(id, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.change(actor.Book, actor.AppointmentCancelled, id, func(_ *store.Tx, a *Appointment) error {
		a.Reason = reason
		return s.setStatus(a, Cancelled)
	})
}

// MarkExcused records that the person called to say they cannot come.
func (s *Scheduler) MarkExcused(id, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.change(actor.CheckIn, actor.AppointmentChanged, id, func(_ *store.Tx, a *Appointment) error {
		a.Reason = reason
		return s.setStatus(a, Excused)
	})
}

// CheckIn records that the person arrived at reception.
func (s *Scheduler) CheckIn(id string) error {
	return s.change(actor.CheckIn, actor.AppointmentCheckedIn, id, func(_ *store.Tx, a *Appointment) error {
		a.Arrived = s.now().UTC()
		return s.setStatus(a, Arrived)
	})
}

// MarkAbsent records a no-show, once the appointment's time has come.
func (s *Scheduler) MarkAbsent(id string) error {
	return s.change(actor.CheckIn, actor.AppointmentChanged, id, func(_ *store.Tx, a *Appointment) error {
		if s.now().Before(a.Start) {
			return ErrTooEarly
		}
		return s.setStatus(a, Absent)
	})
}

// RecordOutcome marks the appointment seen with what the mediator recorded.
func (s *Scheduler) RecordOutcome(id string, o Outcome) error {
	if err := s.who.Check(actor.RecordOutcome); err != nil {
		return err
	}
	if !o.Autonomy.valid() {
		return ErrBadAutonomy
	}
	o.Note, o.NextStep = strings.TrimSpace(o.Note), strings.TrimSpace(o.NextStep)
	if utf8.RuneCountInString(o.Note) > MaxNoteLength || utf8.RuneCountInString(o.NextStep) > MaxNoteLength {
		return ErrNoteTooLong.With("max", MaxNoteLength)
	}
	// No NIR, IBAN, card number or password in what staff write.
	if err := privacy.CheckText(o.Note + "\n" + o.NextStep); err != nil {
		return err
	}
	return s.change(actor.RecordOutcome, actor.AppointmentOutcome, id, func(tx *store.Tx, a *Appointment) error {
		if s.now().Before(a.Start) {
			return ErrTooEarly
		}
		if o.FollowUp != "" {
			if _, _, err := store.GetIn[Appointment](tx, Kind, o.FollowUp); err != nil {
				return ErrUnknownAppointment
			}
		}
		if err := s.setStatus(a, Seen); err != nil {
			return err
		}
		a.Outcome = &o
		return nil
	})
}

// Get returns one appointment.
func (s *Scheduler) Get(id string) (Entry, error) {
	a, _, err := store.NewCollection[Appointment](s.db, Kind).Get(id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
		return Entry{}, ErrUnknownAppointment
	}
	return s.shown(Entry{ID: id, Appointment: a}), err
}

// shown is an appointment as the actor may read it: without what was said
// in the accompaniment (the outcome's note and next step) for a role that
// does not read notes, the front desk's.
func (s *Scheduler) shown(e Entry) Entry {
	if e.Outcome != nil && !s.who.Can(actor.ReadNotes) {
		o := *e.Outcome
		o.Note, o.NextStep = "", ""
		e.Outcome = &o
	}
	return e
}

// find returns the appointments whose index holds value, sorted by start.
func (s *Scheduler) find(index, value string) ([]Entry, error) {
	ids, err := s.db.Find(Kind, index, value)
	if err != nil {
		return nil, err
	}
	c := store.NewCollection[Appointment](s.db, Kind)
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		a, _, err := c.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s.shown(Entry{ID: id, Appointment: a}))
	}
	sortEntries(out)
	return out, nil
}

// Column is one mediator's appointments in a day's agenda.
type Column struct {
	Mediator     string
	Name         string
	Appointments []AgendaItem // by start
}

// Agenda is a centre's day: one column per mediator.
type Agenda struct {
	Centre  string
	Day     string // "2026-11-21"
	Columns []Column
}

// DayAgenda returns a centre's appointments of one Paris day, one column per
// mediator (those working that day included, even with no appointment),
// columns by name, appointments by start.
func (s *Scheduler) DayAgenda(centre string, day time.Time) (Agenda, error) {
	d := DayOf(day)
	var items []AgendaItem
	err := s.db.FindPrefix(Kind, "centre_day", centre+"/"+d+"/", func(value, id string) error {
		it, ok := parseAgendaValue(id, value)
		if !ok {
			return store.ErrDamaged.Because(fmt.Errorf("agenda index of %s/%s: %q", Kind, id, value))
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return Agenda{}, err
	}
	av, err := s.Availabilities(centre)
	if err != nil {
		return Agenda{}, err
	}
	cols := map[string]*Column{}
	col := func(m string) *Column {
		if c, ok := cols[m]; ok {
			return c
		}
		c := &Column{Mediator: m, Name: s.cachedMediatorName(m)}
		cols[m] = c
		return c
	}
	wd := day.In(Paris).Weekday()
	for _, a := range av {
		if len(a.Week[wd]) > 0 {
			col(a.Mediator)
		}
	}
	for _, it := range items {
		c := col(it.Mediator)
		c.Appointments = append(c.Appointments, it)
	}
	ag := Agenda{Centre: centre, Day: d, Columns: make([]Column, 0, len(cols))}
	for _, c := range cols {
		slices.SortStableFunc(c.Appointments, func(a, b AgendaItem) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
		ag.Columns = append(ag.Columns, *c)
	}
	sortBy(ag.Columns, func(c Column) string { return c.Mediator })
	sortBy(ag.Columns, func(c Column) string { return strings.ToLower(c.Name) })
	return ag, nil
}

// WeekAgenda returns the seven day agendas, Monday to Sunday, of the week holding day.
func (s *Scheduler) WeekAgenda(centre string, day time.Time) ([]Agenda, error) {
	p := day.In(Paris)
	monday := time.Date(p.Year(), p.Month(), p.Day()-(int(p.Weekday())+6)%7, 12, 0, 0, 0, Paris)
	out := make([]Agenda, 7)
	for i := range out {
		var err error
		if out[i], err = s.DayAgenda(centre, monday.AddDate(0, 0, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PersonAppointments returns a person's appointments, oldest first.
func (s *Scheduler) PersonAppointments(person string) ([]Entry, error) {
	return s.find("person", person)
}

// ToCallTomorrow returns tomorrow's booked appointments at a centre of the
// people who get no SMS reminder, as phoneless says, so reception can call
// them or hand them a slip.
func (s *Scheduler) ToCallTomorrow(centre string, phoneless func(person string) bool) ([]Entry, error) {
	p := s.now().In(Paris)
	tomorrow := time.Date(p.Year(), p.Month(), p.Day()+1, 12, 0, 0, 0, Paris)
	entries, err := s.find("status_day", string(Booked)+"/"+DayOf(tomorrow)+"/"+centre)
	if err != nil {
		return nil, err
	}
	out := entries[:0]
	for _, e := range entries {
		if phoneless(e.Person) {
			out = append(out, e)
		}
	}
	return out, nil
}

// ReassignPerson moves every appointment and walk-in of person from to
// person to, in one transaction, when reception merges two files of the
// same person. It returns how many records changed.
func (s *Scheduler) ReassignPerson(from, to string) (int, error) {
	if err := s.who.Check(actor.MergePeople); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.Update(func(tx *store.Tx) error {
		var err error
		n, err = ReassignPersonIn(tx, from, to)
		return err
	})
	return n, err
}

// ScopePersonIn gives a person's appointments and walk-ins the scope of
// the person (people.Service.Belongings): when they withdraw their consent,
// their appointments leave the partners too (tombstones), and come back
// when they give it again.
func ScopePersonIn(tx *store.Tx, person string, scope store.Scope) error {
	for _, kind := range []string{Kind, WalkInKind} {
		if err := tx.SetScopeOf(kind, "person", person, scope); err != nil {
			return err
		}
	}
	return nil
}

// ReassignPersonIn is ReassignPerson inside a transaction, so that merging
// two people's files and moving their appointments land together.
func ReassignPersonIn(tx *store.Tx, from, to string) (int, error) {
	if strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
		return 0, ErrPersonMissing
	}
	n := 0
	ids, err := tx.Find(Kind, "person", from)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		a, meta, err := store.GetIn[Appointment](tx, Kind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		a.Person = to
		if _, err := store.PutIn(tx, Kind, id, a, meta.Scope); err != nil {
			return 0, err
		}
		n++
	}
	ids, err = tx.Find(WalkInKind, "person", from)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		w, meta, err := store.GetIn[WalkIn](tx, WalkInKind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		w.Person = to
		if _, err := store.PutIn(tx, WalkInKind, id, w, meta.Scope); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
