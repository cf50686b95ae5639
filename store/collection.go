package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// Collection gives typed access to the records of one kind, stored as JSON.
type Collection[T any] struct {
	db   *DB
	kind string
}

// NewCollection returns the collection of kind's records in db.
func NewCollection[T any](db *DB, kind string) Collection[T] {
	return Collection[T]{db: db, kind: kind}
}

// NewID returns a new record id: a UUIDv7, ordered by creation time.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(err) // only fails when crypto/rand does
	}
	return id.String()
}

// Get returns the live record id, or ErrNotFound.
func (c Collection[T]) Get(id string) (T, Meta, error) {
	var v T
	r, err := c.db.Get(c.kind, id)
	if err != nil {
		return v, Meta{}, err
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return v, r.Meta, ErrDamaged.Because(fmt.Errorf("%s: %w", r.Name(), err))
	}
	return v, r.Meta, nil
}

// Put writes v as the new version of id.
func (c Collection[T]) Put(id string, v T, scope Scope) (Meta, error) {
	var m Meta
	err := c.db.Update(func(tx *Tx) error {
		var err error
		m, err = PutIn(tx, c.kind, id, v, scope)
		return err
	})
	return m, err
}

// PutIn writes v as kind/id inside a transaction.
func PutIn[T any](tx *Tx, kind, id string, v T, scope Scope) (Meta, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Meta{}, ErrInvalidBody.With("name", kind+"/"+id).Because(err)
	}
	return tx.Put(kind, id, b, scope)
}

// GetIn reads kind/id inside a transaction; a tombstone gives ErrNotFound.
func GetIn[T any](tx *Tx, kind, id string) (T, Meta, error) {
	var v T
	r, err := tx.Get(kind, id)
	if err == nil && r.Deleted {
		err = ErrNotFound.With("name", kind+"/"+id)
	}
	if err != nil {
		return v, Meta{}, err
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return v, r.Meta, ErrDamaged.Because(fmt.Errorf("%s: %w", r.Name(), err))
	}
	return v, r.Meta, nil
}

// Delete replaces id with a tombstone.
func (c Collection[T]) Delete(id string) error {
	_, err := c.db.Delete(c.kind, id)
	return err
}

// All calls fn for each live record, by id (so by creation time for UUIDv7 ids).
func (c Collection[T]) All(fn func(id string, v T) error) error {
	return c.db.Scan(c.kind, "", func(r Record) error {
		var v T
		if err := json.Unmarshal(r.Body, &v); err != nil {
			return ErrDamaged.Because(fmt.Errorf("%s: %w", r.Name(), err))
		}
		return fn(r.ID, v)
	})
}

// FindOne returns the single record whose index holds value, or ErrNotFound.
func (c Collection[T]) FindOne(index, value string) (string, T, error) {
	var v T
	ids, err := c.db.Find(c.kind, index, value)
	if err != nil {
		return "", v, err
	}
	for _, id := range ids {
		v, _, err = c.Get(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		return id, v, err
	}
	return "", v, ErrNotFound.With("name", c.kind+"/"+index+"="+value)
}
