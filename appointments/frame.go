package appointments

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/privacy"
	"relais/problem"
	"relais/store"
)

// Record kinds of the frame every booking must fit in.
const (
	HoursKind        = "hours"        // a centre's weekly opening hours; id = the centre's id
	ClosureKind      = "closure"      // days a centre is closed (holidays)
	AvailabilityKind = "availability" // a mediator's weekly hours at one centre
	AbsenceKind      = "absence"      // a mediator away (leave, training, illness)
)

// MaxRangeDays bounds a closure or an absence: longer ones are typing mistakes.
const MaxRangeDays = 366

// MaxReasonLength bounds the short reasons typed for closures and absences.
const MaxReasonLength = 200

// Hours are a centre's weekly opening hours.
type Hours struct {
	Week Week `json:"week"`
}

// Closure is a run of days, First to Last included ("2026-12-24"), when a centre is closed.
type Closure struct {
	Centre string `json:"centre"`
	First  string `json:"first"`
	Last   string `json:"last"`
	Reason string `json:"reason,omitempty"`
}

// Availability is when a mediator (a staff id) works at a centre, each week.
type Availability struct {
	Mediator string `json:"mediator"`
	Centre   string `json:"centre"`
	Week     Week   `json:"week"`
}

// Absence is a time when a mediator cannot see anyone, Start to End.
type Absence struct {
	Mediator string    `json:"mediator"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Reason   string    `json:"reason,omitempty"`
}

// Problems of the frame.
var (
	ErrUnknownCentre      = problem.Register("appointments.unknown_centre")
	ErrMediatorMissing    = problem.Register("appointments.mediator_missing")
	ErrReasonTooLong      = problem.Register("appointments.reason_too_long")
	ErrLastDayBeforeFirst = problem.Register("appointments.last_day_before_first")
)

// days returns the Paris days from first to last included, as "2006-01-02".
func days(first, last time.Time) []string {
	var out []string
	for d := first.In(Paris); !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(DayLayout))
	}
	return out
}

// closureDays checks c and returns its days.
func (c Closure) days() ([]string, error) {
	f, err := ParseDay(c.First)
	if err != nil {
		return nil, err
	}
	l, err := ParseDay(c.Last)
	if err != nil {
		return nil, err
	}
	if l.Before(f) {
		return nil, ErrLastDayBeforeFirst.With("first", f.Format("02/01/2006"), "last", l.Format("02/01/2006"))
	}
	if l.Sub(f) > MaxRangeDays*24*time.Hour {
		return nil, ErrRangeTooLong.With("max", MaxRangeDays)
	}
	return days(f, l), nil
}

// absenceDays returns the Paris days an absence touches.
func (a Absence) days() []string {
	last := a.End.Add(-time.Nanosecond).In(Paris)
	f := a.Start.In(Paris)
	return days(time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, Paris), last)
}

func checkReason(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxReasonLength {
		return s, ErrReasonTooLong.With("max", MaxReasonLength)
	}
	return s, privacy.CheckText(s)
}

func frameIndexes() []store.Index {
	return []store.Index{
		store.IndexOn(ClosureKind, "centre_day", 1, func(c Closure) []string {
			ds, _ := c.days()
			out := make([]string, len(ds))
			for i, d := range ds {
				out[i] = c.Centre + "/" + d
			}
			return out
		}),
		store.IndexOn(AvailabilityKind, "centre", 1, func(a Availability) []string { return []string{a.Centre} }),
		store.IndexOn(AvailabilityKind, "mediator_centre", 1, func(a Availability) []string {
			return []string{a.Mediator + "/" + a.Centre}
		}),
		store.IndexOn(AbsenceKind, "mediator_day", 1, func(a Absence) []string {
			var out []string
			if !a.End.After(a.Start) {
				return nil
			}
			for _, d := range a.days() {
				out = append(out, a.Mediator+"/"+d)
			}
			return out
		}),
	}
}

func centreExists(tx *store.Tx, centre string) error {
	if store.ValidName(CentreKind, centre) != nil {
		return ErrUnknownCentre
	}
	if _, _, err := store.GetIn[Centre](tx, CentreKind, centre); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnknownCentre
		}
		return err
	}
	return nil
}

// SetOpeningHours replaces a centre's weekly opening hours.
func (s *Scheduler) SetOpeningHours(centre string, w Week) error {
	if err := s.who.Check(actor.EditCentre); err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		if err := centreExists(tx, centre); err != nil {
			return err
		}
		if _, err := store.PutIn(tx, HoursKind, centre, Hours{Week: w.normalise()}, store.ScopeNetwork); err != nil {
			return err
		}
		return s.who.Log(tx, actor.CentreChanged, "", HoursKind+"/"+centre)
	})
}

// OpeningHours returns a centre's weekly opening hours (none when never set).
func (s *Scheduler) OpeningHours(centre string) (Week, error) {
	h, _, err := store.NewCollection[Hours](s.db, HoursKind).Get(centre)
	if errors.Is(err, store.ErrNotFound) {
		return Week{}, nil
	}
	return h.Week, err
}

// AddClosure records days when a centre is closed and returns its id.
func (s *Scheduler) AddClosure(c Closure) (string, error) {
	if err := s.who.Check(actor.EditCentre); err != nil {
		return "", err
	}
	var err error
	if c.Reason, err = checkReason(c.Reason); err != nil {
		return "", err
	}
	c.First, c.Last = strings.TrimSpace(c.First), strings.TrimSpace(c.Last)
	if _, err := c.days(); err != nil {
		return "", err
	}
	id := store.NewID()
	return id, s.db.Update(func(tx *store.Tx) error {
		if err := centreExists(tx, c.Centre); err != nil {
			return err
		}
		if _, err := store.PutIn(tx, ClosureKind, id, c, store.ScopeNetwork); err != nil {
			return err
		}
		return s.who.Log(tx, actor.CentreChanged, "", ClosureKind+"/"+id)
	})
}

// RemoveClosure deletes a closure.
func (s *Scheduler) RemoveClosure(id string) error {
	if err := s.who.Check(actor.EditCentre); err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		if _, err := tx.Delete(ClosureKind, id); err != nil {
			return err
		}
		return s.who.Log(tx, actor.CentreChanged, "", ClosureKind+"/"+id)
	})
}

// SetAvailability replaces a mediator's weekly hours at a centre. A mediator
// may work at several centres; the hours must then not overlap, which the
// overlap check of bookings enforces for appointments anyway.
func (s *Scheduler) SetAvailability(mediator, centre string, w Week) error {
	if err := s.who.Check(actor.EditCentre); err != nil {
		return err
	}
	if strings.TrimSpace(mediator) == "" {
		return ErrMediatorMissing
	}
	if err := w.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		if err := centreExists(tx, centre); err != nil {
			return err
		}
		ids, err := tx.Find(AvailabilityKind, "mediator_centre", mediator+"/"+centre)
		if err != nil {
			return err
		}
		id := store.NewID()
		if len(ids) > 0 {
			id = ids[0]
		}
		_, err = store.PutIn(tx, AvailabilityKind, id, Availability{Mediator: mediator, Centre: centre, Week: w.normalise()}, store.ScopeNetwork)
		if err != nil {
			return err
		}
		return s.who.Log(tx, actor.CentreChanged, "", AvailabilityKind+"/"+id)
	})
}

// Availabilities returns the weekly hours of every mediator of a centre, by mediator id.
func (s *Scheduler) Availabilities(centre string) ([]Availability, error) {
	return s.cachedAvailabilities(centre)
}

func (s *Scheduler) availabilities(centre string) ([]Availability, error) {
	ids, err := s.db.Find(AvailabilityKind, "centre", centre)
	if err != nil {
		return nil, err
	}
	c := store.NewCollection[Availability](s.db, AvailabilityKind)
	var out []Availability
	for _, id := range ids {
		a, _, err := c.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sortBy(out, func(a Availability) string { return a.Mediator })
	return out, nil
}

// AddAbsence records a mediator's absence and returns its id. Appointments
// already booked in it are not touched: AbsenceConflicts lists them for
// reception to move.
func (s *Scheduler) AddAbsence(a Absence) (string, error) {
	if err := s.who.Check(actor.EditCentre); err != nil {
		return "", err
	}
	if strings.TrimSpace(a.Mediator) == "" {
		return "", ErrMediatorMissing
	}
	var err error
	if a.Reason, err = checkReason(a.Reason); err != nil {
		return "", err
	}
	if err := checkInstant(a.Start); err != nil {
		return "", err
	}
	if err := checkInstant(a.End); err != nil {
		return "", err
	}
	if !a.End.After(a.Start) {
		return "", ErrEndBeforeStart.With(clockArgs("from", ClockOf(a.Start), "to", ClockOf(a.End))...)
	}
	if a.End.Sub(a.Start) > MaxRangeDays*24*time.Hour {
		return "", ErrRangeTooLong.With("max", MaxRangeDays)
	}
	a.Start, a.End = a.Start.UTC(), a.End.UTC()
	id := store.NewID()
	return id, s.db.Update(func(tx *store.Tx) error {
		if _, err := store.PutIn(tx, AbsenceKind, id, a, store.ScopeNetwork); err != nil {
			return err
		}
		return s.who.Log(tx, actor.CentreChanged, "", AbsenceKind+"/"+id)
	})
}

// AbsenceConflicts returns the appointments still occupying a mediator's absence.
func (s *Scheduler) AbsenceConflicts(absenceID string) ([]Entry, error) {
	a, _, err := store.NewCollection[Absence](s.db, AbsenceKind).Get(absenceID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, d := range a.days() {
		es, err := s.find("mediator_day", a.Mediator+"/"+d)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.Status.Occupies() && e.Start.Before(a.End) && a.Start.Before(e.End()) {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// checkInstant refuses the zero time and years no help desk will see.
func checkInstant(t time.Time) error {
	if y := t.Year(); t.IsZero() || y < 2000 || y > 2200 {
		return ErrImpossibleDate.With("value", t.Format(DayLayout))
	}
	return nil
}
