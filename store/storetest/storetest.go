// Package storetest opens the stores that domain tests need.
package storetest

import (
	"testing"

	"relais/store"
)

// Open returns a new encrypted store in a temporary folder, with the cheap
// key derivation of store.TestOptions and the given indexes, closed when
// the test ends.
func Open(tb testing.TB, indexes ...store.Index) *store.DB {
	tb.Helper()
	f, err := store.OpenFolder(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	opts := store.TestOptions()
	opts.Indexes = indexes
	db, _, err := f.Initialise("admin", "correct horse battery staple", opts)
	if err != nil {
		f.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close(); f.Close() })
	return db
}

// Exchange sends dst every record src may announce, as replication does,
// in one ApplyRemote.
func Exchange(tb testing.TB, src, dst *store.DB) {
	tb.Helper()
	var batch []store.Record
	err := src.Changes(0, func(r store.Record) error {
		if a, ok := r.Announced(); ok {
			batch = append(batch, a)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := dst.ApplyRemote(batch); err != nil {
		tb.Fatal(err)
	}
}
