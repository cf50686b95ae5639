package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Report is the result of Check.
type Report struct {
	Records      int // live records
	Tombstones   int
	IndexEntries int
	Problems     []string // empty when the store is consistent
}

// OK reports whether Check found nothing wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 }

const maxReported = 100

func (r *Report) problem(format string, a ...any) {
	if len(r.Problems) < maxReported {
		r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
	}
}

// Check verifies the store against itself in one consistent snapshot: every
// record decodes and has exactly one change-feed entry, every feed entry
// points to its record, and every declared index holds exactly the entries
// the records call for. It streams, so memory stays flat on a large store.
func (db *DB) Check() (Report, error) {
	var rep Report
	err := db.view(func(txn *badger.Txn) error {
		// Read inside the snapshot: every record in it has a sequence at
		// most this one, whatever commits meanwhile.
		last := db.LastSequence()
		expected, err := db.checkRecords(txn, &rep, last)
		if err != nil {
			return err
		}
		db.checkFeed(txn, &rep)
		found := db.checkIndexes(txn, &rep)
		rep.IndexEntries = found
		if found != expected {
			rep.problem("indexes hold %d valid entries, records call for %d", found, expected)
		}
		return nil
	})
	return rep, err
}

func (db *DB) checkRecords(txn *badger.Txn, rep *Report, last uint64) (expectedIndex int, err error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixRecord, PrefetchValues: true})
	defer it.Close()
	seen := map[uint64]bool{}
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		kind, id, ok := splitName(string(item.Key()[len(prefixRecord):]))
		if !ok {
			rep.problem("record key %q is not kind/id", item.Key())
			continue
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return 0, err
		}
		r, err := decodeEnvelope(kind, id, v)
		if err != nil {
			rep.problem("record %s/%s: %v", kind, id, err)
			continue
		}
		if r.Deleted {
			rep.Tombstones++
		} else {
			rep.Records++
		}
		if r.Sequence == 0 || r.Sequence > last {
			rep.problem("record %s has sequence %d, last is %d", r.Name(), r.Sequence, last)
		}
		if seen[r.Sequence] {
			rep.problem("sequence %d used twice", r.Sequence)
		}
		seen[r.Sequence] = true
		fi, err := txn.Get(feedKey(r.Sequence))
		if err != nil {
			rep.problem("record %s: no change-feed entry for sequence %d", r.Name(), r.Sequence)
		} else if name, _ := fi.ValueCopy(nil); string(name) != r.Name() {
			rep.problem("record %s: feed entry %d names %q", r.Name(), r.Sequence, name)
		}
		keys, err := db.indexValues(r)
		if err != nil {
			rep.problem("record %s: %v", r.Name(), err)
		}
		expectedIndex += len(dedupe(keys))
	}
	return expectedIndex, nil
}

func dedupe(keys [][]byte) [][]byte {
	out := keys[:0:0]
	for _, k := range keys {
		dup := false
		for _, o := range out {
			if bytes.Equal(k, o) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

func (db *DB) checkFeed(txn *badger.Txn, rep *Report) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixFeed, PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) != len(prefixFeed)+8 {
			rep.problem("malformed feed key %q", k)
			continue
		}
		seq := binary.BigEndian.Uint64(k[len(prefixFeed):])
		name, _ := it.Item().ValueCopy(nil)
		kind, id, ok := splitName(string(name))
		if !ok {
			rep.problem("feed entry %d names %q", seq, name)
			continue
		}
		r, err := getRecord(txn, kind, id)
		if err != nil {
			rep.problem("feed entry %d: %s: %v", seq, name, err)
		} else if r.Sequence != seq {
			rep.problem("feed entry %d: %s is at sequence %d", seq, name, r.Sequence)
		}
	}
}

// checkIndexes verifies each index entry against the record it points to
// and returns how many were right. Declared indexes only: entries of an
// undeclared index are reported.
func (db *DB) checkIndexes(txn *badger.Txn, rep *Report) int {
	declared := map[string]Index{}
	for _, ix := range db.opts.Indexes {
		declared[ix.Kind+"/"+ix.Name] = ix
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixIndex})
	defer it.Close()
	good := 0
	var cacheName string
	var cacheValues map[string]bool
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		rest := k[len(prefixIndex):]
		z := bytes.IndexByte(rest, 0)
		last := bytes.LastIndexByte(rest, 0)
		if z < 0 || last == z {
			rep.problem("malformed index key %q", k)
			continue
		}
		kind, index, _ := cutName(string(rest[:z]))
		value, id := string(rest[z+1:last]), string(rest[last+1:])
		ix, ok := declared[kind+"/"+index]
		if !ok {
			rep.problem("entry of undeclared index %s/%s", kind, index)
			continue
		}
		name := kind + "/" + index + "/" + id
		if name != cacheName {
			cacheName, cacheValues = name, map[string]bool{}
			r, err := getRecord(txn, kind, id)
			if err == nil && !r.Deleted {
				values, _ := ix.Values(r.Body)
				for _, v := range values {
					cacheValues[cleanIndexValue(v)] = true
				}
			}
		}
		if !cacheValues[value] {
			rep.problem("index %s/%s: entry %q → %s matches no record value", kind, index, value, id)
			continue
		}
		good++
	}
	return good
}
