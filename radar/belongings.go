package radar

import (
	"errors"
	"strings"

	"relais/store"
)

// ScopePersonIn gives a person's follow-ups and cases the scope of the
// person (people.Service.Belongings): withdrawing consent withdraws them
// from the partners too, giving it shares them again.
func ScopePersonIn(tx *store.Tx, person string, scope store.Scope) error {
	for _, kind := range []string{FollowUpKind, CaseKind} {
		if err := tx.SetScopeOf(kind, "person", person, scope); err != nil {
			return err
		}
	}
	return nil
}

// ReassignPersonIn moves from's follow-ups and cases to person to, when
// two files are merged (people.Service.Merge). Two open cases stay two
// records; the radar follows the earliest opened. It returns how many
// records moved.
func ReassignPersonIn(tx *store.Tx, from, to string) (int, error) {
	if strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
		return 0, ErrPersonMissing
	}
	n := 0
	move := func(kind string, set func(body []byte) ([]byte, error)) error {
		ids, err := tx.Find(kind, "person", from)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := tx.Get(kind, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.Deleted {
				continue
			}
			body, err := set(r.Body)
			if err != nil {
				return err
			}
			if _, err := tx.Put(kind, id, body, r.Scope); err != nil {
				return err
			}
			n++
		}
		return nil
	}
	err := move(FollowUpKind, func(b []byte) ([]byte, error) {
		return withPerson[FollowUp](b, to, func(f *FollowUp, p string) { f.Person = p })
	})
	if err != nil {
		return n, err
	}
	err = move(CaseKind, func(b []byte) ([]byte, error) {
		return withPerson[Case](b, to, func(c *Case, p string) { c.Person = p })
	})
	return n, err
}

// withPerson rewrites a body with another person.
func withPerson[T any](body []byte, person string, set func(*T, string)) ([]byte, error) {
	v, err := decode[T](store.Record{Body: body})
	if err != nil {
		return nil, err
	}
	set(&v, person)
	return marshal(v)
}

// DeletePersonIn erases a person's follow-ups and cases (the person's file
// is erased): they become tombstones everywhere they went.
func DeletePersonIn(tx *store.Tx, person string) error {
	for _, kind := range []string{FollowUpKind, CaseKind} {
		ids, err := tx.Find(kind, "person", person)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.Delete(kind, id); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}
