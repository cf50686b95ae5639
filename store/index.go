package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Index is a secondary index of one kind of record, declared by the domain
// package that owns the kind. Values returns the index values of a record's
// body (none, one or several); the store keeps the entries in step with every
// write. Bump Version when Values changes: the store then rebuilds the index
// when it opens.
type Index struct {
	Kind    string
	Name    string
	Version int
	Values  func(body []byte) ([]string, error)
}

// IndexOn builds an Index whose Values decodes the JSON body as a T.
func IndexOn[T any](kind, name string, version int, values func(T) []string) Index {
	return Index{Kind: kind, Name: name, Version: version, Values: func(body []byte) ([]string, error) {
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, err
		}
		return values(v), nil
	}}
}

// Migration upgrades the records of an older store. Fn runs in one
// transaction with the schema version bump, so a crash leaves the store
// before or after the migration, never in between.
type Migration struct {
	Name string
	Fn   func(tx *Tx) error
}

// migrate runs the migrations the store has not seen yet.
func (db *DB) migrate() error {
	var version uint64
	if err := db.view(func(txn *badger.Txn) error {
		var err error
		version, err = getUint64(txn, keySchema)
		return err
	}); err != nil {
		return ErrDamaged.Because(err)
	}
	if version > uint64(len(db.opts.Migrations)) {
		return ErrTooNew
	}
	for i := version; i < uint64(len(db.opts.Migrations)); i++ {
		m := db.opts.Migrations[i]
		err := db.Update(func(tx *Tx) error {
			if err := m.Fn(tx); err != nil {
				return err
			}
			return putUint64(tx.txn, keySchema, i+1)
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", i+1, m.Name, err)
		}
	}
	return nil
}

// SchemaVersion returns the number of migrations applied to the store.
func (db *DB) SchemaVersion() (uint64, error) {
	var v uint64
	err := db.view(func(txn *badger.Txn) error {
		var err error
		v, err = getUint64(txn, keySchema)
		return err
	})
	return v, err
}

// syncIndexes rebuilds the indexes that are new or whose version changed,
// and drops those no longer declared.
func (db *DB) syncIndexes() error {
	stored := map[string]int{}
	err := db.view(func(txn *badger.Txn) error {
		item, err := txn.Get(keyIndexes)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error { return json.Unmarshal(b, &stored) })
	})
	if err != nil {
		return ErrDamaged.Because(err)
	}
	declared := map[string]int{}
	for _, ix := range db.opts.Indexes {
		declared[ix.Kind+"/"+ix.Name] = ix.Version
	}
	whole := map[string]int{} // stored indexes that stay as they are
	var stale []string        // stored entries to drop: undeclared or changed
	for name, v := range stored {
		if dv, ok := declared[name]; ok && dv == v {
			whole[name] = v
		} else {
			stale = append(stale, name)
		}
	}
	var build []Index
	for _, ix := range db.opts.Indexes {
		if _, ok := whole[ix.Kind+"/"+ix.Name]; !ok {
			build = append(build, ix)
		}
	}
	if len(stale) == 0 && len(build) == 0 {
		return nil
	}
	// First record that these indexes are not whole: if the process dies
	// while they are dropped or rebuilt, the next open (whatever version of
	// Relais it is) rebuilds them rather than trusting half an index.
	if err := db.saveIndexCatalogue(whole); err != nil {
		return err
	}
	for _, name := range stale {
		kind, index, _ := cutName(name)
		if err := db.dropPrefix(indexPrefix(kind, index)); err != nil {
			return err
		}
	}
	for _, ix := range build {
		// A build that a crash cut short left entries behind: start clean.
		if err := db.dropPrefix(indexPrefix(ix.Kind, ix.Name)); err != nil {
			return err
		}
		if err := db.buildIndex(ix); err != nil {
			return err
		}
	}
	return db.saveIndexCatalogue(declared)
}

func (db *DB) saveIndexCatalogue(c map[string]int) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return writeError(db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(keyIndexes, b) }))
}

func cutName(name string) (string, string, bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}

func (db *DB) dropPrefix(prefix []byte) error {
	if err := db.bdb.DropPrefix(prefix); err != nil {
		return writeError(err)
	}
	return nil
}

// buildIndex writes ix's entries for every live record of its kind, in batches.
func (db *DB) buildIndex(ix Index) error {
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	err := db.Scan(ix.Kind, "", func(r Record) error {
		values, err := ix.Values(r.Body)
		if err != nil {
			logf("index %s/%s: record %s skipped: %v", ix.Kind, ix.Name, r.Name(), err)
			return nil
		}
		for _, v := range values {
			if err := wb.Set(indexKey(ix.Kind, ix.Name, v, r.ID), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeError(wb.Flush())
}
