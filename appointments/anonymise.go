package appointments

import (
	"errors"

	"relais/store"
)

// Anonymised returns a with everything that says who came or what was said
// removed: the person, the reason of a cancellation, the outcome's note,
// next step and link to the next appointment. What the activity figures
// count stays: centre, mediator, procedure, day and time, duration, mode,
// status and autonomy. The result depends on a alone, so every copy that
// anonymises the same appointment writes the same body (and replication
// sees no conflict).
func (a Appointment) Anonymised() Appointment {
	a.Person, a.Reason = "", ""
	if a.Outcome != nil {
		o := Outcome{Autonomy: a.Outcome.Autonomy}
		a.Outcome = &o
	}
	return a
}

// HasDetails reports whether a still holds something about a person.
func (a Appointment) HasDetails() bool {
	return a.Person != "" || a.Reason != "" ||
		(a.Outcome != nil && (a.Outcome.Note != "" || a.Outcome.NextStep != "" || a.Outcome.FollowUp != ""))
}

// Anonymised returns w without the person, first name and reason; the
// centre, procedure, arrival, status, mediator and end stay for the counts.
func (w WalkIn) Anonymised() WalkIn {
	w.Person, w.FirstName, w.Reason = "", "", ""
	return w
}

// HasDetails reports whether w still holds something about a person.
func (w WalkIn) HasDetails() bool { return w.Person != "" || w.FirstName != "" || w.Reason != "" }

// AnonymiseIn anonymises the appointment or walk-in id inside tx (see
// Appointment.Anonymised), keeping its scope. It reports whether it wrote:
// a record already anonymous, deleted or absent is left as it is.
func AnonymiseIn(tx *store.Tx, kind, id string) (bool, error) {
	switch kind {
	case Kind:
		return anonymiseIn(tx, kind, id, Appointment.HasDetails, Appointment.Anonymised)
	case WalkInKind:
		return anonymiseIn(tx, kind, id, WalkIn.HasDetails, WalkIn.Anonymised)
	}
	return false, store.ErrBadName.With("name", kind+"/"+id)
}

func anonymiseIn[T any](tx *store.Tx, kind, id string, has func(T) bool, anon func(T) T) (bool, error) {
	v, meta, err := store.GetIn[T](tx, kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !has(v) {
		return false, nil
	}
	_, err = store.PutIn(tx, kind, id, anon(v), meta.Scope)
	return err == nil, err
}

// AnonymisePersonIn anonymises every appointment and walk-in of person
// inside tx, when the person is erased: the counts stay, nothing says it
// was them. It returns how many records it wrote.
func AnonymisePersonIn(tx *store.Tx, person string) (int, error) {
	if person == "" {
		return 0, ErrPersonMissing
	}
	n := 0
	for _, kind := range []string{Kind, WalkInKind} {
		ids, err := tx.Find(kind, "person", person)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			wrote, err := AnonymiseIn(tx, kind, id)
			if err != nil {
				return n, err
			}
			if wrote {
				n++
			}
		}
	}
	return n, nil
}
