package rgpd

import (
	"errors"
	"strings"

	"relais/actor"
	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// Erasure counts what an erasure wrote.
type Erasure struct {
	Person     bool // the person's file became a tombstone
	Anonymised int  // appointments and walk-ins kept for the counts, without the person
	Deleted    int  // procedures followed, radar cases and walkthroughs deleted
	Conflicts  int  // conflict records holding an old copy, deleted
}

// Wrote reports whether the erasure changed anything.
func (e Erasure) Wrote() bool { return e.Person || e.Anonymised+e.Deleted+e.Conflicts > 0 }

func (e *Erasure) add(o Erasure) {
	e.Person = e.Person || o.Person
	e.Anonymised += o.Anonymised
	e.Deleted += o.Deleted
	e.Conflicts += o.Conflicts
}

// markerBody is the whole of an erasure marker: the same on every copy, so
// two copies erasing the same person write identical markers.
var markerBody = []byte(`{"erased":true}`)

// Erase carries out a person's right to erasure, in one transaction: their
// file (consent included) becomes a tombstone; their appointments and
// walk-ins are anonymised, not deleted, so that the activity figures keep
// counting them; the procedures followed, radar cases and walkthroughs are
// deleted; the conflict records that kept an old copy of any of these are
// deleted; and an erasure marker, with no personal data, is left so that
// every copy erases again whatever comes back of the person (a partner's
// edit made offline beats a deletion: see Follow). Tombstones and
// anonymised records replace the partners' copies at the next sync.
// Coordinators and administrators may erase (actor.ErasePeople); the
// erasure is in the audit log, by the person's id.
func Erase(a *actor.Actor, db *store.DB, person string) (Erasure, error) {
	if err := a.Check(actor.ErasePeople); err != nil {
		return Erasure{}, err
	}
	person = strings.TrimSpace(person)
	if person == "" {
		return Erasure{}, ErrPersonMissing
	}
	var e Erasure
	err := db.Update(func(tx *store.Tx) error {
		r, err := tx.Get(people.Kind, person)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) || (err == nil && r.Deleted) {
			return ErrUnknownPerson
		}
		if err != nil {
			return err
		}
		if e, err = eraseIn(tx, person); err != nil {
			return err
		}
		return a.Log(tx, actor.PersonErased, person, people.Kind+"/"+person)
	})
	if err != nil {
		return Erasure{}, err
	}
	return e, nil
}

// eraseIn erases everything this store holds about person and leaves the
// marker. It writes nothing when nothing is left (an erasure done again).
func eraseIn(tx *store.Tx, person string) (Erasure, error) {
	var e Erasure
	names := []string{people.Kind + "/" + person} // records whose old copies conflicts may keep
	r, err := tx.Get(people.Kind, person)
	switch {
	case err == nil && !r.Deleted:
		if _, err := tx.Delete(people.Kind, person); err != nil {
			return e, err
		}
		e.Person = true
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return e, err
	}
	for _, kind := range activityKinds {
		ids, err := tx.Find(kind, "person", person)
		if err != nil {
			return e, err
		}
		for _, id := range ids {
			names = append(names, kind+"/"+id)
		}
		switch kind {
		case appointments.Kind, appointments.WalkInKind:
			for _, id := range ids {
				wrote, err := appointments.AnonymiseIn(tx, kind, id)
				if err != nil {
					return e, err
				}
				if wrote {
					e.Anonymised++
				}
			}
		default:
			e.Deleted += len(ids)
		}
	}
	if err := radar.DeletePersonIn(tx, person); err != nil {
		return e, err
	}
	if err := guides.DeletePersonIn(tx, person); err != nil {
		return e, err
	}
	conflicts := map[string]bool{}
	values := []string{"person:" + person}
	for _, n := range names {
		values = append(values, "record:"+n)
	}
	for _, v := range values {
		ids, err := tx.Find(store.ConflictKind, ConflictIndex, v)
		if err != nil {
			return e, err
		}
		for _, id := range ids {
			conflicts[id] = true
		}
	}
	for id := range conflicts {
		if _, err := tx.Delete(store.ConflictKind, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
		e.Conflicts++
	}
	if _, err := tx.Get(MarkerKind, person); errors.Is(err, store.ErrNotFound) {
		if _, err := tx.Put(MarkerKind, person, markerBody, store.ScopeNetwork); err != nil {
			return e, err
		}
	} else if err != nil {
		return e, err
	}
	return e, nil
}

// leftovers reports whether db still holds something of an erased person
// (cheap: index lookups only).
func leftovers(db *store.DB, person string) (bool, error) {
	if _, err := db.Get(people.Kind, person); err == nil {
		return true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	for _, kind := range activityKinds {
		ids, err := db.Find(kind, "person", person)
		if err != nil || len(ids) > 0 {
			return len(ids) > 0, err
		}
	}
	ids, err := db.Find(store.ConflictKind, ConflictIndex, "person:"+person)
	return len(ids) > 0, err
}

// Erased reports whether person was erased here or on a partner.
func Erased(db *store.DB, person string) (bool, error) {
	_, err := db.GetAny(MarkerKind, person)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
		return false, nil
	}
	return err == nil, err
}
