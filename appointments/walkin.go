package appointments

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/problem"
	"relais/store"
)

// WalkInKind is the record kind of a person waiting without an appointment.
const WalkInKind = "walkin"

// WalkInStatus is where a walk-in stands in the queue.
type WalkInStatus string

// The statuses of a walk-in.
const (
	Waiting WalkInStatus = "waiting" // en attente
	Taken   WalkInStatus = "taken"   // pris en charge by a mediator
	Left    WalkInStatus = "left"    // parti sans être reçu
)

// WalkIn is someone who came without an appointment (sans rendez-vous):
// a known person, or just a first name.
type WalkIn struct {
	Centre    string       `json:"centre"`
	Person    string       `json:"person,omitempty"`
	FirstName string       `json:"first_name,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	Procedure string       `json:"procedure,omitempty"`
	Arrived   time.Time    `json:"arrived"`
	Status    WalkInStatus `json:"status"`
	Mediator  string       `json:"mediator,omitempty"`
	Ended     time.Time    `json:"ended,omitzero"` // taken or left
}

// Problems of the walk-in queue.
var (
	ErrWalkInNameMissing = problem.Register("appointments.walkin_name_missing")
	ErrWalkInNotWaiting  = problem.Register("appointments.walkin_not_waiting")
	ErrUnknownWalkIn     = problem.Register("appointments.unknown_walkin")
	ErrWalkInNameTooLong = problem.Register("appointments.walkin_name_too_long")
)

func walkInIndexes() []store.Index {
	return []store.Index{
		store.IndexOn(WalkInKind, "centre_day", 1, func(w WalkIn) []string { return []string{w.Centre + "/" + DayOf(w.Arrived)} }),
		store.IndexOn(WalkInKind, "person", 1, func(w WalkIn) []string {
			if w.Person == "" {
				return nil
			}
			return []string{w.Person}
		}),
	}
}

// AddWalkIn puts someone in a centre's queue, arrived now, and returns the id.
func (s *Scheduler) AddWalkIn(w WalkIn) (string, error) {
	if err := s.who.Check(actor.CheckIn); err != nil {
		return "", err
	}
	w.FirstName = strings.Join(strings.Fields(w.FirstName), " ")
	if w.Person == "" && w.FirstName == "" {
		return "", ErrWalkInNameMissing
	}
	if utf8.RuneCountInString(w.FirstName) > MaxNameLength {
		return "", ErrWalkInNameTooLong.With("max", MaxNameLength)
	}
	var err error
	if w.Reason, err = checkReason(w.Reason); err != nil {
		return "", err
	}
	if w.Procedure != "" {
		if _, err := FindProcedure(w.Procedure); err != nil {
			return "", err
		}
	}
	w.Arrived, w.Status, w.Mediator, w.Ended = s.now().UTC(), Waiting, "", time.Time{}
	id := store.NewID()
	return id, s.db.Update(func(tx *store.Tx) error {
		if err := centreExists(tx, w.Centre); err != nil {
			return err
		}
		// A registered person's visit goes where their file goes (to the
		// partners, with their consent): their activity counts everywhere
		// (the radar, the retention of their data). Someone not registered
		// stays at this centre.
		scope := store.ScopeLocal
		if w.Person != "" {
			if rec, err := tx.Get("person", w.Person); err == nil && !rec.Deleted {
				scope = rec.Scope
			}
		}
		if _, err := store.PutIn(tx, WalkInKind, id, w, scope); err != nil {
			return err
		}
		return s.who.Log(tx, actor.WalkInRecorded, w.Person, WalkInKind+"/"+id)
	})
}

func (s *Scheduler) endWalkIn(id string, to WalkInStatus, mediator string) error {
	if err := s.who.Check(actor.CheckIn); err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		w, meta, err := store.GetIn[WalkIn](tx, WalkInKind, id)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
			return ErrUnknownWalkIn
		}
		if err != nil {
			return err
		}
		if w.Status != Waiting {
			return ErrWalkInNotWaiting
		}
		w.Status, w.Mediator, w.Ended = to, mediator, s.now().UTC()
		if _, err = store.PutIn(tx, WalkInKind, id, w, meta.Scope); err != nil {
			return err
		}
		return s.who.Log(tx, actor.WalkInRecorded, w.Person, WalkInKind+"/"+id)
	})
}

// TakeWalkIn records that a mediator took the person from the queue.
func (s *Scheduler) TakeWalkIn(id, mediator string) error {
	if strings.TrimSpace(mediator) == "" {
		return ErrMediatorMissing
	}
	return s.endWalkIn(id, Taken, mediator)
}

// WalkInLeft records that the person left without being seen.
func (s *Scheduler) WalkInLeft(id string) error { return s.endWalkIn(id, Left, "") }

// QueueEntry is a walk-in with how long they waited (until now when still waiting).
type QueueEntry struct {
	ID string
	WalkIn
	Waited time.Duration
}

// Queue returns today's walk-ins at a centre in arrival order; only those
// still waiting unless all is true.
func (s *Scheduler) Queue(centre string, all bool) ([]QueueEntry, error) {
	now := s.now()
	ids, err := s.db.Find(WalkInKind, "centre_day", centre+"/"+DayOf(now))
	if err != nil {
		return nil, err
	}
	c := store.NewCollection[WalkIn](s.db, WalkInKind)
	var out []QueueEntry
	for _, id := range ids {
		w, _, err := c.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !all && w.Status != Waiting {
			continue
		}
		end := now
		if w.Status != Waiting {
			end = w.Ended
		}
		out = append(out, QueueEntry{ID: id, WalkIn: w, Waited: max(end.Sub(w.Arrived), 0)})
	}
	slices.SortFunc(out, func(a, b QueueEntry) int { return cmp.Or(a.Arrived.Compare(b.Arrived), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
