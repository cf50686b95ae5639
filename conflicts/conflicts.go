// Package conflicts lets staff settle the conflicts replication leaves
// behind. When two centres change the same record at the same time, the
// store keeps one version (every replica picks the same) and sets the other
// aside as a conflict record (see store.Conflict). This package lists those
// records with both versions compared field by field, and settles one by
// keeping either version. Deleting the conflict record is what settles it:
// the tombstone reaches the partners, so their list clears too.
package conflicts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"relais/actor"
	"slices"
	"strings"
	"time"

	"relais/problem"
	"relais/store"
)

// Problems of settling a conflict. Each has a message in conflicts.fr.json
// and conflicts.en.json.
var (
	// ErrResolved: the conflict was settled meanwhile, here or by a partner.
	ErrResolved = problem.Register("conflicts.resolved")
	// ErrChanged: the record changed since its versions were compared.
	ErrChanged = problem.Register("conflicts.changed")
	// ErrRecordDeleted: the record was deleted after the conflict; a
	// version set aside must not bring it back (it may have been erased).
	ErrRecordDeleted = problem.Register("conflicts.record_deleted")
	// ErrNotShared: the record no longer leaves this centre (consent
	// withdrawn); a version that came from the network must not replace it.
	ErrNotShared = problem.Register("conflicts.not_shared")
)

// Side is one version of a record in conflict.
type Side struct {
	Body       json.RawMessage // nil when Deleted
	Deleted    bool            // this version is a deletion (or, for Current, the record is gone)
	Modified   time.Time       // when it was made, on the device that made it
	ModifiedBy uint64          // short id of that device
	Version    store.Vector
	// Scope is where the current record may go; for the other version it
	// is left zero.
	Scope store.Scope
}

// Field compares one field of the two versions. Nested objects are
// flattened with dotted names ("consent.given"); arrays are shown as
// compact JSON; a missing field, a null and a deleted side are "".
type Field struct {
	Name    string
	Current string
	Other   string
	Differs bool
}

// Item is a conflict: the record's current version and the version set aside.
type Item struct {
	ID       string    // the conflict record's id
	Kind     string    // the record's kind, e.g. "person"
	RecordID string    // the record's id
	Found    time.Time // when the conflict was found
	Current  Side      // the live record, the version the store kept
	Other    Side      // the version set aside
	Fields   []Field   // differing fields first, then by name
}

// Differs reports whether any field differs between the two versions.
func (it Item) Differs() bool {
	return it.Current.Deleted != it.Other.Deleted || slices.ContainsFunc(it.Fields, func(f Field) bool { return f.Differs })
}

// CanKeepOther returns nil when the other version may replace the current
// one, or the problem that KeepOther would refuse with. It does not look
// at the store: KeepOther checks again against the record as it is then.
func (it Item) CanKeepOther() error { return canKeepOther(it.Current, it.Other) }

func canKeepOther(current, other Side) error {
	if current.Deleted && !other.Deleted {
		return ErrRecordDeleted
	}
	if !current.Deleted && current.Scope != store.ScopeNetwork {
		return ErrNotShared
	}
	return nil
}

// List returns every conflict still to settle, the most recently found
// first. A conflict record that cannot be read (a partner's damaged copy)
// is left out rather than hiding all the others. Both versions may hold
// anything (notes included): only roles that settle conflicts read them.
func List(db *store.DB, who *actor.Actor) ([]Item, error) {
	if err := who.Check(actor.SettleConflicts); err != nil {
		return nil, err
	}
	var items []Item
	err := db.Scan(store.ConflictKind, "", func(r store.Record) error {
		c, kind, id, ok := decode(r)
		if !ok {
			return nil
		}
		items = append(items, Item{ID: r.ID, Kind: kind, RecordID: id, Found: c.At,
			Other: Side{Body: c.Body, Deleted: c.Deleted, Modified: c.Modified, ModifiedBy: c.ModifiedBy, Version: c.Version}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range items {
		it := &items[i]
		live, err := db.GetAny(it.Kind, it.RecordID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Gone altogether (a purge): it shows as a deletion.
			it.Current = Side{Deleted: true}
		case err != nil:
			return nil, err
		default:
			it.Current = side(live)
		}
		it.Fields = compare(it.Current, it.Other)
	}
	slices.SortFunc(items, func(a, b Item) int {
		if c := b.Found.Compare(a.Found); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return items, nil
}

// Count returns the number of conflicts List would return, for a badge.
func Count(db *store.DB) (int, error) {
	n := 0
	err := db.Scan(store.ConflictKind, "", func(r store.Record) error {
		if _, _, _, ok := decode(r); ok {
			n++
		}
		return nil
	})
	return n, err
}

// KeepCurrent settles a conflict by keeping the current version: the
// conflict record is deleted, the record itself is left as it is. It
// returns ErrResolved when the conflict was already settled.
func KeepCurrent(db *store.DB, who *actor.Actor, conflictID string) error {
	if err := who.Check(actor.SettleConflicts); err != nil {
		return err
	}
	return db.Update(func(tx *store.Tx) error {
		c, err := openConflict(tx, conflictID)
		if err != nil {
			return err
		}
		if _, err := tx.Delete(store.ConflictKind, conflictID); err != nil {
			return err
		}
		return who.Log(tx, actor.ConflictSettled, "", c.Name)
	})
}

// KeepOther settles a conflict by making the version set aside the
// record's new version (a deletion when it was one), with the current
// record's scope, then deleting the conflict record: both in one
// transaction, so the record is never changed without the conflict being
// settled, nor the reverse. seen is the version of the current record the
// person compared (Item.Current.Version): if the record changed since,
// nothing is written and ErrChanged is returned. It returns ErrResolved
// when the conflict was already settled, and the problem of CanKeepOther
// when the other version may not replace the current one.
func KeepOther(db *store.DB, who *actor.Actor, conflictID string, seen store.Vector) error {
	if err := who.Check(actor.SettleConflicts); err != nil {
		return err
	}
	return db.Update(func(tx *store.Tx) error {
		c, err := openConflict(tx, conflictID)
		if err != nil {
			return err
		}
		kind, id, _ := strings.Cut(c.Name, "/")
		live, err := tx.Get(kind, id)
		current := Side{Deleted: true}
		if err == nil {
			current = side(live)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if current.Version.Compare(seen) != store.Equal {
			return ErrChanged.With("name", c.Name)
		}
		if err := canKeepOther(current, Side{Deleted: c.Deleted}); err != nil {
			return err
		}
		switch {
		case c.Deleted && !current.Deleted:
			if _, err := tx.Delete(kind, id); err != nil {
				return err
			}
		case !c.Deleted:
			// A new version on top of the current one, which already
			// dominates the one set aside: it wins on every replica.
			if _, err := tx.Put(kind, id, c.Body, live.Scope); err != nil {
				return err
			}
		}
		if _, err = tx.Delete(store.ConflictKind, conflictID); err != nil {
			return err
		}
		return who.Log(tx, actor.ConflictSettled, "", c.Name)
	})
}

// openConflict reads a conflict record that is still to settle.
func openConflict(tx *store.Tx, conflictID string) (store.Conflict, error) {
	r, err := tx.Get(store.ConflictKind, conflictID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Deleted) {
		return store.Conflict{}, ErrResolved
	}
	if err != nil {
		return store.Conflict{}, err
	}
	c, _, _, ok := decode(r)
	if !ok {
		return store.Conflict{}, store.ErrDamaged.Because(fmt.Errorf("conflict record %s", conflictID))
	}
	return c, nil
}

// decode reads a conflict record; ok is false when it is not one Relais
// could have written.
func decode(r store.Record) (c store.Conflict, kind, id string, ok bool) {
	if err := json.Unmarshal(r.Body, &c); err != nil {
		return c, "", "", false
	}
	kind, id, found := strings.Cut(c.Name, "/")
	if !found || store.ValidName(kind, id) != nil || kind == store.ConflictKind {
		return c, "", "", false
	}
	if !c.Deleted && !json.Valid(c.Body) {
		return c, "", "", false
	}
	return c, kind, id, true
}

func side(r store.Record) Side {
	s := Side{Deleted: r.Deleted, Modified: r.Modified, ModifiedBy: r.ModifiedBy, Version: r.Version, Scope: r.Scope}
	if !r.Deleted {
		s.Body = json.RawMessage(r.Body)
	}
	return s
}

// compare lists the fields of both versions, differing ones first, then
// by name.
func compare(current, other Side) []Field {
	cur, oth := flatten(current), flatten(other)
	var fields []Field
	for name, v := range cur {
		fields = append(fields, Field{Name: name, Current: v, Other: oth[name]})
	}
	for name, v := range oth {
		if _, ok := cur[name]; !ok {
			fields = append(fields, Field{Name: name, Other: v})
		}
	}
	for i := range fields {
		f := &fields[i]
		f.Differs = f.Current != f.Other || current.Deleted != other.Deleted
	}
	slices.SortFunc(fields, func(a, b Field) int {
		if a.Differs != b.Differs {
			if a.Differs {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return fields
}

// flatten maps each leaf of a JSON body to its text; a deletion has none.
func flatten(s Side) map[string]string {
	out := map[string]string{}
	if s.Deleted || len(s.Body) == 0 {
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(s.Body))
	dec.UseNumber() // keeps 1980 as 1980, not 1.98e+03
	var v any
	if err := dec.Decode(&v); err != nil {
		return out
	}
	flattenInto(out, "", v)
	return out
}

func flattenInto(out map[string]string, prefix string, v any) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 && prefix != "" {
			out[prefix] = ""
		}
		// In key order, so that names that collide ({"a.b":1,"a":{"b":2}},
		// from a damaged or hostile copy) always give the same result.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			flattenInto(out, name, v[k])
		}
	case nil:
		out[prefix] = ""
	case string:
		out[prefix] = v
	case json.Number:
		out[prefix] = v.String()
	case bool:
		out[prefix] = fmt.Sprint(v)
	default: // arrays
		b, err := json.Marshal(v)
		if err != nil {
			b = nil
		}
		out[prefix] = string(b)
	}
}
