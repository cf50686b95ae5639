package radar

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/privacy"
	"relais/store"
)

// FollowUpKind is the record kind of a procedure's follow-up. It is stored
// with the person's consent scope, so that a partner centre can take over.
const FollowUpKind = "followup"

// Limits of a follow-up.
const (
	MaxNoteLength     = 2000 // runes
	MaxMissing        = 30   // documents listed as missing
	MaxDocumentLength = 200  // runes per document
	MaxNameLength     = 100  // a staff login, a centre id
	MaxDueYears       = 10   // a due date further than that is a typing mistake
)

// Status is where a procedure stands.
type Status string

// The statuses of a follow-up.
const (
	ToStart           Status = "a_demarrer"     // à démarrer
	InProgress        Status = "en_cours"       // en cours
	AwaitingDocuments Status = "attente_pieces" // en attente de pièces
	Filed             Status = "deposee"        // déposée, waiting for the organisation's answer
	Done              Status = "terminee"       // terminée
	Abandoned         Status = "abandonnee"     // abandonnée
)

// Statuses lists the statuses in the order of a procedure.
func Statuses() []Status {
	return []Status{ToStart, InProgress, AwaitingDocuments, Filed, Done, Abandoned}
}

func (s Status) valid() bool { return slices.Contains(Statuses(), s) }

// FollowUp is a person's procedure followed over time by the network.
type FollowUp struct {
	ID        string `json:"-"`
	Person    string `json:"person"`
	Procedure string `json:"procedure"` // a catalogue code
	Centre    string `json:"centre,omitempty"`
	Status    Status `json:"status"`
	// Due is the deadline of the procedure (a renewal, a declaration);
	// zero for none.
	Due time.Time `json:"due,omitzero"`
	// Missing are the documents the person still has to bring.
	Missing []string  `json:"missing,omitempty"`
	Note    string    `json:"note,omitempty"`
	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"`
	By      string    `json:"by,omitempty"` // who made the last change (staff login)
}

// Open reports whether the procedure is still going on: neither done nor abandoned.
func (f FollowUp) Open() bool { return f.Status != Done && f.Status != Abandoned }

// clean checks a follow-up as the screens give it and returns it tidied.
// oldDue is the due date already stored, accepted as it is.
func (f FollowUp) clean(now, oldDue time.Time) (FollowUp, error) {
	f.Person = strings.TrimSpace(f.Person)
	if f.Person == "" {
		return FollowUp{}, ErrPersonMissing
	}
	f.Procedure = strings.TrimSpace(f.Procedure)
	if f.Procedure == "" {
		return FollowUp{}, ErrProcedureMissing
	}
	if _, err := appointments.FindProcedure(f.Procedure); err != nil {
		return FollowUp{}, ErrUnknownProcedure.With("code", f.Procedure)
	}
	if f.Status == "" {
		f.Status = ToStart
	}
	if !f.Status.valid() {
		return FollowUp{}, ErrBadStatus.With("status", string(f.Status))
	}
	if !f.Due.IsZero() && !f.Due.Equal(oldDue) {
		first, last := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), now.AddDate(MaxDueYears, 0, 0)
		if f.Due.Before(first) || f.Due.After(last) {
			return FollowUp{}, ErrBadDue.With("max", last.Year())
		}
	}
	f.Due = f.Due.UTC()
	var missing []string
	for _, d := range f.Missing {
		d = strings.Join(strings.Fields(d), " ")
		if d == "" || slices.Contains(missing, d) {
			continue
		}
		if utf8.RuneCountInString(d) > MaxDocumentLength {
			return FollowUp{}, ErrDocumentTooLong.With("max", MaxDocumentLength)
		}
		missing = append(missing, d)
	}
	if len(missing) > MaxMissing {
		return FollowUp{}, ErrTooManyMissing.With("max", MaxMissing)
	}
	f.Missing = missing
	f.Note = strings.TrimSpace(f.Note)
	if utf8.RuneCountInString(f.Note) > MaxNoteLength {
		return FollowUp{}, ErrNoteTooLong.With("max", MaxNoteLength)
	}
	// No NIR, IBAN, card number or password in what staff write.
	if err := privacy.CheckText(strings.Join(append([]string{f.Note}, missing...), "\n")); err != nil {
		return FollowUp{}, err
	}
	var err error
	if f.Centre, err = cleanName(f.Centre); err != nil {
		return FollowUp{}, err
	}
	if f.By, err = cleanName(f.By); err != nil {
		return FollowUp{}, err
	}
	return f, nil
}

// cleanName trims a staff login or a centre id and bounds it.
func cleanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxNameLength || strings.ContainsRune(s, 0) {
		return "", ErrNameTooLong.With("max", MaxNameLength)
	}
	return s, nil
}

// personExists refuses a person who is not (or no longer) in the store.
func personExists(tx *store.Tx, person string) error {
	if store.ValidName(people.Kind, person) != nil {
		return ErrUnknownPerson
	}
	r, err := tx.Get(people.Kind, person)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Deleted) {
		return ErrUnknownPerson
	}
	return err
}

// OpenFollowUp starts following a procedure of f.Person, stored with
// scope, the person's consent scope (people.Person.Scope). Opened and
// Updated are now; an empty status is « à démarrer ». It returns the
// follow-up with its new ID.
func (r *Radar) OpenFollowUp(f FollowUp, scope store.Scope) (FollowUp, error) {
	if err := r.who.Check(actor.WriteFollowUps); err != nil {
		return FollowUp{}, err
	}
	now := r.now().UTC()
	f, err := f.clean(now, time.Time{})
	if err != nil {
		return FollowUp{}, err
	}
	f.ID, f.Opened, f.Updated = store.NewID(), now, now
	r.work.Lock()
	defer r.work.Unlock()
	err = r.db.Update(func(tx *store.Tx) error {
		if err := personExists(tx, f.Person); err != nil {
			return err
		}
		if _, err := store.PutIn(tx, FollowUpKind, f.ID, f, scope); err != nil {
			return err
		}
		return r.who.Log(tx, actor.FollowUpChanged, f.Person, FollowUpKind+"/"+f.ID)
	})
	if err != nil {
		return FollowUp{}, err
	}
	r.refreshAfterWrite(f.Person)
	return f, nil
}

// UpdateFollowUp writes a new version of the follow-up f.ID: status, due
// date, missing documents, note, centre, by. The person and the opening
// stay as they were; Updated becomes now. scope is the person's consent
// scope.
func (r *Radar) UpdateFollowUp(f FollowUp, scope store.Scope) (FollowUp, error) {
	if err := r.who.Check(actor.WriteFollowUps); err != nil {
		return FollowUp{}, err
	}
	now := r.now().UTC()
	r.work.Lock()
	defer r.work.Unlock()
	err := r.db.Update(func(tx *store.Tx) error {
		if store.ValidName(FollowUpKind, f.ID) != nil {
			return ErrUnknownFollowUp
		}
		old, _, err := store.GetIn[FollowUp](tx, FollowUpKind, f.ID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnknownFollowUp
		}
		if err != nil {
			return err
		}
		f.Person = old.Person
		if f, err = f.clean(now, old.Due); err != nil {
			return err
		}
		f.Opened, f.Updated = old.Opened, now
		if _, err = store.PutIn(tx, FollowUpKind, f.ID, f, scope); err != nil {
			return err
		}
		return r.who.Log(tx, actor.FollowUpChanged, f.Person, FollowUpKind+"/"+f.ID)
	})
	if err != nil {
		return FollowUp{}, err
	}
	r.refreshAfterWrite(f.Person)
	return f, nil
}

// FollowUpsOf returns a person's follow-ups: the open ones first, by due
// date (none last), then the closed ones, the latest change first. A role
// that does not read notes (the front desk) gets them without their note.
func (r *Radar) FollowUpsOf(person string) ([]FollowUp, error) {
	out, err := followUpsOf(r.db.Find, r.db.Get, person)
	if err != nil {
		return nil, err
	}
	if !r.who.Can(actor.ReadNotes) {
		for i := range out {
			out[i].Note = ""
		}
	}
	slices.SortFunc(out, func(a, b FollowUp) int {
		if a.Open() != b.Open() {
			if a.Open() {
				return -1
			}
			return 1
		}
		if a.Open() && a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		if a.Open() {
			if c := a.Due.Compare(b.Due); c != 0 {
				return c
			}
		}
		return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// followUpsOf reads a person's follow-ups through find and get (a DB's or a Tx's).
func followUpsOf(find func(kind, index, value string) ([]string, error), get func(kind, id string) (store.Record, error), person string) ([]FollowUp, error) {
	return recordsOf[FollowUp](find, get, FollowUpKind, person, func(f *FollowUp, id string) { f.ID = id })
}

// recordsOf reads the live records of kind indexed under person.
func recordsOf[T any](find func(kind, index, value string) ([]string, error), get func(kind, id string) (store.Record, error),
	kind, person string, setID func(*T, string)) ([]T, error) {
	ids, err := find(kind, "person", person)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		r, err := get(kind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if r.Deleted {
			continue
		}
		v, err := decode[T](r)
		if err != nil {
			return nil, err
		}
		setID(&v, id)
		out = append(out, v)
	}
	return out, nil
}
