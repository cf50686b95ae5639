// Package store keeps every Relais record in an encrypted Badger database.
//
// A record is named kind/id and carries an envelope (version vector, local
// sequence, modified time and device, tombstone flag, scope) around a JSON
// body. A write is one Badger transaction holding the record, its secondary
// index entries and its change-feed entry, synced to disk before it returns.
// The change feed lists every record by its last local sequence, so
// replication asks for "everything since N".
package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/dgraph-io/badger/v4"
)

// MaxBodySize bounds a record's body. Records are small (a person, an
// appointment, a guide step); a larger body is a mistake or an attack. It
// stays well under what one Badger commit takes (15% of the memtable).
const MaxBodySize = 1 << 20

// Options tune a store. The zero value is right for the application.
type Options struct {
	// KDF is used for new keyslots; DefaultKDF when zero.
	KDF KDF
	// Indexes are the secondary indexes of every kind, declared by the domain packages.
	Indexes []Index
	// Migrations upgrade an older store, in order; the schema version is their count.
	Migrations []Migration
	// MinFreeBytes is the free disk space below which writes are refused
	// (100 MiB when zero), so a full disk never half-writes anything.
	MinFreeBytes uint64
	// FreeBytes reports free space on the store's disk; tests replace it.
	FreeBytes func(dir string) (uint64, error)
}

// TestOptions are Options with a cheap key derivation, for tests and demos
// that create many folders. Never use them for real data.
func TestOptions() Options {
	return Options{KDF: KDF{Time: 1, MemoryKiB: 1024, Threads: 1}}
}

func (o Options) withDefaults() Options {
	if o.KDF == (KDF{}) {
		o.KDF = DefaultKDF
	}
	if o.MinFreeBytes == 0 {
		o.MinFreeBytes = 100 << 20
	}
	if o.FreeBytes == nil {
		o.FreeBytes = freeBytes
	}
	return o
}

// Key layout inside Badger (all under the encryption of the master key):
//
//	r/<kind>/<id>                       → envelope
//	s/<sequence, 8 bytes big-endian>    → <kind>/<id>   (change feed)
//	i/<kind>/<index>\x00<value>\x00<id> → empty         (secondary indexes)
//	m/<name>                            → store metadata
var (
	prefixRecord = []byte("r/")
	prefixFeed   = []byte("s/")
	prefixIndex  = []byte("i/")
	keyReplica   = []byte("m/replica")
	keyEpoch     = []byte("m/epoch")
	keySchema    = []byte("m/schema")
	keyIndexes   = []byte("m/indexes")
)

func recordKey(kind, id string) []byte {
	return append(append(append(append([]byte(nil), prefixRecord...), kind...), '/'), id...)
}

func feedKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), prefixFeed...), seq)
}

func indexPrefix(kind, name string) []byte {
	return append(append(append(append(append([]byte(nil), prefixIndex...), kind...), '/'), name...), 0)
}

func indexKey(kind, name, value, id string) []byte {
	k := append(indexPrefix(kind, name), cleanIndexValue(value)...)
	return append(append(k, 0), id...)
}

// maxIndexValue bounds an index value, far below Badger's 65,000-byte key
// limit: a pathological field (a 10,000-character name) still indexes, by
// its beginning.
const maxIndexValue = 512

func cleanIndexValue(v string) string {
	v = strings.ReplaceAll(v, "\x00", "")
	if len(v) > maxIndexValue {
		v = strings.ToValidUTF8(v[:maxIndexValue], "")
	}
	return v
}

// splitName splits "kind/id".
func splitName(name string) (kind, id string, ok bool) {
	kind, id, ok = strings.Cut(name, "/")
	return kind, id, ok && ValidName(kind, id) == nil
}

// DB is an open store. It is safe for concurrent use; writes are serialised.
type DB struct {
	bdb     *badger.DB
	dir     string
	opts    Options
	indexes map[string][]Index // by kind

	mu       sync.Mutex // serialises writes and guards seq and watchers
	seq      uint64     // last sequence given out
	watchers map[chan uint64]struct{}
	replica  uint64
	epoch    uint64
	closed   bool
}

func openDB(dir string, master []byte, opts Options) (*DB, error) {
	if free, err := opts.FreeBytes(dir); err == nil && free < opts.MinFreeBytes/4 {
		// Badger preallocates its files when it opens: with almost no room
		// left it would fail half way, so do not even try.
		return nil, ErrDiskFull
	}
	if err := removeEmptyLogs(dir); err != nil {
		return nil, ErrWriteFailed.Because(err)
	}
	bo := badgerOptions(dir, master)
	bdb, err := badger.Open(bo)
	if err != nil {
		return nil, openError(err)
	}
	db := &DB{bdb: bdb, dir: dir, opts: opts, indexes: map[string][]Index{}}
	for _, ix := range opts.Indexes {
		db.indexes[ix.Kind] = append(db.indexes[ix.Kind], ix)
	}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, err
	}
	return db, nil
}

// removeEmptyLogs deletes zero-length memtable and value-log files. A kill
// between Badger creating such a file and sizing it leaves one behind; it
// holds nothing, but Badger refuses to open with it ("Create a new file").
func removeEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() == 0 {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// badgerOptions sizes Badger for an old two-core PC: small memtables and
// caches, one version per key, every commit synced to disk.
func badgerOptions(dir string, master []byte) badger.Options {
	return badger.DefaultOptions(dir).
		WithEncryptionKey(master).
		WithIndexCacheSize(16 << 20).
		WithBlockCacheSize(32 << 20).
		WithSyncWrites(true).
		WithMemTableSize(16 << 20).
		WithValueLogFileSize(64 << 20).
		WithNumVersionsToKeep(1).
		WithNumCompactors(2).
		WithLoggingLevel(badger.WARNING).
		WithLogger(quietLogger{})
}

func openError(err error) error {
	switch {
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return ErrDamaged.Because(err)
	case strings.Contains(err.Error(), "Cannot acquire directory lock"):
		return ErrAlreadyOpen.Because(err)
	case errors.Is(err, syscall.ENOSPC):
		return ErrDiskFull.Because(err)
	}
	return ErrDamaged.Because(err)
}

// init reads or creates the store's metadata, runs pending migrations and
// rebuilds indexes whose definition changed.
func (db *DB) init() error {
	err := db.bdb.Update(func(txn *badger.Txn) error {
		replica, err := getUint64(txn, keyReplica)
		if err != nil {
			return err
		}
		if replica == 0 { // a new store
			db.replica, db.epoch = randomID(), randomID()
			if err := putUint64(txn, keyReplica, db.replica); err != nil {
				return err
			}
			if err := putUint64(txn, keyEpoch, db.epoch); err != nil {
				return err
			}
			return putUint64(txn, keySchema, uint64(len(db.opts.Migrations)))
		}
		db.replica = replica
		db.epoch, err = getUint64(txn, keyEpoch)
		return err
	})
	if err != nil {
		return ErrDamaged.Because(err)
	}
	if db.seq, err = db.lastSequence(); err != nil {
		return ErrDamaged.Because(err)
	}
	if err := db.migrate(); err != nil {
		return err
	}
	return db.syncIndexes()
}

func randomID() uint64 {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		if v := binary.BigEndian.Uint64(b[:]); v != 0 {
			return v
		}
	}
}

func getUint64(txn *badger.Txn, key []byte) (uint64, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var v uint64
	err = item.Value(func(b []byte) error {
		if len(b) != 8 {
			return errors.New("metadata value of wrong size")
		}
		v = binary.BigEndian.Uint64(b)
		return nil
	})
	return v, err
}

func putUint64(txn *badger.Txn, key []byte, v uint64) error {
	return txn.Set(key, binary.BigEndian.AppendUint64(nil, v))
}

func (db *DB) lastSequence() (uint64, error) {
	var last uint64
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: prefixFeed})
		defer it.Close()
		it.Seek(feedKey(^uint64(0)))
		if it.Valid() {
			k := it.Item().Key()
			if len(k) != len(prefixFeed)+8 {
				return errors.New("malformed change feed key")
			}
			last = binary.BigEndian.Uint64(k[len(prefixFeed):])
		}
		return nil
	})
	return last, err
}

// Close flushes and closes the store. Later calls return ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	db.closeWatchers()
	return db.bdb.Close()
}

// Replica returns the short id this store writes into version vectors.
func (db *DB) Replica() uint64 { return db.replica }

// Epoch identifies this store's sequence numbering. It changes when a
// backup is restored, so that partners know to forget what they had seen.
func (db *DB) Epoch() uint64 { return db.epoch }

// LastSequence returns the sequence of the latest write.
func (db *DB) LastSequence() uint64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.seq
}

// Put writes a record's body, making a new version of it. The body must be JSON.
func (db *DB) Put(kind, id string, body []byte, scope Scope) (Meta, error) {
	var m Meta
	err := db.Update(func(tx *Tx) error {
		var err error
		m, err = tx.Put(kind, id, body, scope)
		return err
	})
	return m, err
}

// Delete replaces a record with a tombstone. Deleting a missing or
// already deleted record returns ErrNotFound.
func (db *DB) Delete(kind, id string) (Meta, error) {
	var m Meta
	err := db.Update(func(tx *Tx) error {
		var err error
		m, err = tx.Delete(kind, id)
		return err
	})
	return m, err
}

// Update runs fn in one transaction: all of its writes land together, or
// none does. The transaction is on disk when Update returns nil.
func (db *DB) Update(fn func(tx *Tx) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	if free, err := db.opts.FreeBytes(db.dir); err == nil && free < db.opts.MinFreeBytes {
		return ErrDiskFull
	}
	tx := &Tx{db: db, txn: db.bdb.NewTransaction(true), seq: db.seq}
	defer tx.txn.Discard()
	if err := fn(tx); err != nil {
		return err
	}
	if tx.failed != nil {
		// A write failed half way and fn carried on: committing would land
		// half a record. Nothing of the transaction is written.
		return tx.failed
	}
	if err := tx.txn.Commit(); err != nil {
		return writeError(err)
	}
	if tx.seq != db.seq {
		db.seq = tx.seq
		db.notify(tx.seq)
	}
	return nil
}

func writeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC):
		return ErrDiskFull.Because(err)
	case errors.Is(err, badger.ErrDBClosed):
		return ErrClosed
	}
	return ErrWriteFailed.Because(err)
}

// Tx is a write transaction, see DB.Update.
type Tx struct {
	db     *DB
	txn    *badger.Txn
	seq    uint64
	failed error // the first write that failed after changing the transaction
}

// Get reads a record, including this transaction's own writes. A tombstone is returned as is.
func (tx *Tx) Get(kind, id string) (Record, error) { return getRecord(tx.txn, kind, id) }

// Put writes body as the new version of kind/id.
func (tx *Tx) Put(kind, id string, body []byte, scope Scope) (Meta, error) {
	if err := ValidName(kind, id); err != nil {
		return Meta{}, err
	}
	if !json.Valid(body) {
		return Meta{}, ErrInvalidBody.With("name", kind+"/"+id)
	}
	old, err := getRecord(tx.txn, kind, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Meta{}, err
	}
	r := Record{Meta: Meta{
		Kind: kind, ID: id, Version: old.Version.Update(tx.db.replica),
		Modified: now(), ModifiedBy: tx.db.replica, Scope: scope,
		Shared: old.Shared || scope == ScopeNetwork,
	}, Body: body}
	return tx.write(old, r)
}

// Delete replaces kind/id with a tombstone that keeps its version and scope.
func (tx *Tx) Delete(kind, id string) (Meta, error) {
	old, err := getRecord(tx.txn, kind, id)
	if err != nil {
		return Meta{}, err
	}
	if old.Deleted {
		return Meta{}, ErrNotFound.With("name", kind+"/"+id)
	}
	r := Record{Meta: Meta{
		Kind: kind, ID: id, Version: old.Version.Update(tx.db.replica),
		Modified: now(), ModifiedBy: tx.db.replica, Deleted: true, Scope: old.Scope, Shared: old.Shared,
	}}
	return tx.write(old, r)
}

// Apply stores a record made elsewhere (by a partner, or a restore) as it
// is: its version, modified time and device are kept; it gets a new local
// sequence. Deciding whether it should win is the caller's job.
func (tx *Tx) Apply(r Record) (Meta, error) {
	if err := ValidName(r.Kind, r.ID); err != nil {
		return Meta{}, err
	}
	if r.Deleted {
		r.Body = nil
	} else if !json.Valid(r.Body) {
		return Meta{}, ErrInvalidBody.With("name", r.Name())
	}
	r.Version = r.Version.normalise()
	old, err := getRecord(tx.txn, r.Kind, r.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Meta{}, err
	}
	r.Shared = r.Shared || old.Shared || r.Scope == ScopeNetwork
	return tx.write(old, r)
}

// write replaces old (zero when absent) with r: record, feed and indexes.
// It returns r's metadata with its new sequence. Everything that can be
// checked is checked before the transaction changes; a failure after that
// marks the transaction failed, so Update will not commit it.
func (tx *Tx) write(old, r Record) (Meta, error) {
	if tx.failed != nil {
		return Meta{}, tx.failed
	}
	if len(r.Body) > MaxBodySize {
		return Meta{}, ErrTooLarge.With("name", r.Name(), "max", MaxBodySize>>10)
	}
	if r.Scope != ScopeLocal && r.Scope != ScopeNetwork {
		return Meta{}, ErrInvalidBody.With("name", r.Name()).Because(fmt.Errorf("unknown scope %d", r.Scope))
	}
	newValues, err := tx.db.indexValues(r)
	if err != nil {
		return Meta{}, err
	}
	m, err := tx.apply(old, r, newValues)
	if err != nil {
		tx.failed = err
	}
	return m, err
}

func (tx *Tx) apply(old, r Record, newValues [][]byte) (Meta, error) {
	if old.Sequence != 0 {
		if err := tx.txn.Delete(feedKey(old.Sequence)); err != nil {
			return Meta{}, writeError(err)
		}
		oldValues, err := tx.db.indexValues(old)
		if err != nil {
			oldValues = nil // a body that no longer indexes had no entries written
		}
		for _, k := range oldValues {
			if err := tx.txn.Delete(k); err != nil {
				return Meta{}, writeError(err)
			}
		}
	}
	tx.seq++
	r.Sequence = tx.seq
	if err := tx.txn.Set(recordKey(r.Kind, r.ID), encodeEnvelope(r)); err != nil {
		return Meta{}, writeError(err)
	}
	if err := tx.txn.Set(feedKey(r.Sequence), []byte(r.Name())); err != nil {
		return Meta{}, writeError(err)
	}
	for _, k := range newValues {
		if err := tx.txn.Set(k, nil); err != nil {
			return Meta{}, writeError(err)
		}
	}
	return r.Meta, nil
}

// indexValues returns the index keys a live record should have.
func (db *DB) indexValues(r Record) ([][]byte, error) {
	if r.Deleted {
		return nil, nil
	}
	var keys [][]byte
	for _, ix := range db.indexes[r.Kind] {
		values, err := ix.Values(r.Body)
		if err != nil {
			return nil, ErrInvalidBody.With("name", r.Name()).Because(err)
		}
		for _, v := range values {
			keys = append(keys, indexKey(r.Kind, ix.Name, v, r.ID))
		}
	}
	return keys, nil
}

func getRecord(txn *badger.Txn, kind, id string) (Record, error) {
	item, err := txn.Get(recordKey(kind, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Record{}, ErrNotFound.With("name", kind+"/"+id)
	}
	if err != nil {
		return Record{}, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return Record{}, err
	}
	r, err := decodeEnvelope(kind, id, v)
	if err != nil {
		return Record{}, ErrDamaged.Because(fmt.Errorf("record %s/%s: %w", kind, id, err))
	}
	return r, nil
}

// Get returns a live record; a missing or deleted one gives ErrNotFound.
func (db *DB) Get(kind, id string) (Record, error) {
	r, err := db.GetAny(kind, id)
	if err == nil && r.Deleted {
		return Record{}, ErrNotFound.With("name", kind+"/"+id)
	}
	return r, err
}

// GetAny returns a record, tombstones included.
func (db *DB) GetAny(kind, id string) (Record, error) {
	var r Record
	err := db.view(func(txn *badger.Txn) error {
		var err error
		r, err = getRecord(txn, kind, id)
		return err
	})
	return r, err
}

func (db *DB) view(fn func(txn *badger.Txn) error) error {
	err := db.bdb.View(fn)
	if errors.Is(err, badger.ErrDBClosed) {
		return ErrClosed
	}
	return err
}

// Stop, returned by a scan callback, ends the scan without error.
var Stop = errors.New("stop scan")

func endScan(err error) error {
	if errors.Is(err, Stop) {
		return nil
	}
	return err
}

// Scan calls fn for each live record of kind whose id starts with idPrefix, by id.
func (db *DB) Scan(kind, idPrefix string, fn func(Record) error) error {
	prefix := recordKey(kind, idPrefix)
	return endScan(db.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			id := string(item.Key()[len(prefixRecord)+len(kind)+1:])
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			r, err := decodeEnvelope(kind, id, v)
			if err != nil {
				return ErrDamaged.Because(fmt.Errorf("record %s/%s: %w", kind, id, err))
			}
			if r.Deleted {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Count returns the number of live records of kind.
func (db *DB) Count(kind string) (int, error) {
	n := 0
	err := db.Scan(kind, "", func(Record) error { n++; return nil })
	return n, err
}

// ErrUnknownIndex is a search on an index that the store was not opened
// with: a programming mistake, which would otherwise find nothing, silently.
var ErrUnknownIndex = errors.New("store: index not declared")

// declaredBase returns the key prefix of kind's index, or ErrUnknownIndex.
func (db *DB) declaredBase(kind, index string) ([]byte, error) {
	for _, ix := range db.indexes[kind] {
		if ix.Name == index {
			return indexPrefix(kind, index), nil
		}
	}
	return nil, fmt.Errorf("%w: %s.%s", ErrUnknownIndex, kind, index)
}

// Find returns the ids of the records of kind whose index holds exactly value, by id.
func (db *DB) Find(kind, index, value string) ([]string, error) {
	base, err := db.declaredBase(kind, index)
	if err != nil {
		return nil, err
	}
	var ids []string
	prefix := append(append(base, cleanIndexValue(value)...), 0)
	err = db.scanIndex(prefix, nil, len(base), func(_, id string) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// FindPrefix calls fn with each (value, id) of kind's index whose value
// starts with prefix, in value order.
func (db *DB) FindPrefix(kind, index, prefix string, fn func(value, id string) error) error {
	base, err := db.declaredBase(kind, index)
	if err != nil {
		return err
	}
	p := append(append([]byte(nil), base...), cleanIndexValue(prefix)...)
	return endScan(db.scanIndex(p, nil, len(base), fn))
}

// FindRange calls fn with each (value, id) of kind's index with from <= value < to, in value order.
func (db *DB) FindRange(kind, index, from, to string, fn func(value, id string) error) error {
	base, err := db.declaredBase(kind, index)
	if err != nil {
		return err
	}
	start := append(append([]byte(nil), base...), cleanIndexValue(from)...)
	end := append(append([]byte(nil), base...), cleanIndexValue(to)...)
	return endScan(db.scanIndex(base, &[2][]byte{start, end}, len(base), fn))
}

func (db *DB) scanIndex(prefix []byte, bounds *[2][]byte, strip int, fn func(value, id string) error) error {
	return db.view(func(txn *badger.Txn) error { return scanIndexIn(txn, prefix, bounds, strip, fn) })
}

func scanIndexIn(txn *badger.Txn, prefix []byte, bounds *[2][]byte, strip int, fn func(value, id string) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	start := prefix
	if bounds != nil {
		start = bounds[0]
	}
	for it.Seek(start); it.Valid(); it.Next() {
		k := it.Item().Key()
		if bounds != nil && bytes.Compare(k, bounds[1]) >= 0 {
			return nil
		}
		rest := k[strip:]
		i := bytes.LastIndexByte(rest, 0)
		if i < 0 {
			return ErrDamaged.Because(errors.New("malformed index key"))
		}
		if err := fn(string(rest[:i]), string(rest[i+1:])); err != nil {
			return err
		}
	}
	return nil
}

// Find is DB.Find inside the transaction: it sees the transaction's own
// writes, so a check-then-write (an overlapping booking) is atomic.
func (tx *Tx) Find(kind, index, value string) ([]string, error) {
	base, err := tx.db.declaredBase(kind, index)
	if err != nil {
		return nil, err
	}
	var ids []string
	prefix := append(append(append([]byte(nil), base...), cleanIndexValue(value)...), 0)
	err = scanIndexIn(tx.txn, prefix, nil, len(base), func(_, id string) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// SetScopeOf gives every live record of kind whose index holds value the
// scope given, as a new version of each whose scope differs: the records
// that belong to a person follow their consent this way (withdrawn ones
// reach partners as tombstones).
func (tx *Tx) SetScopeOf(kind, index, value string, scope Scope) error {
	ids, err := tx.Find(kind, index, value)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := tx.Get(kind, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if r.Deleted || r.Scope == scope {
			continue
		}
		if _, err := tx.Put(kind, id, r.Body, scope); err != nil {
			return err
		}
	}
	return nil
}

// FindRange is DB.FindRange inside the transaction.
func (tx *Tx) FindRange(kind, index, from, to string, fn func(value, id string) error) error {
	base, err := tx.db.declaredBase(kind, index)
	if err != nil {
		return err
	}
	start := append(append([]byte(nil), base...), cleanIndexValue(from)...)
	end := append(append([]byte(nil), base...), cleanIndexValue(to)...)
	return endScan(scanIndexIn(tx.txn, base, &[2][]byte{start, end}, len(base), fn))
}

// Changes calls fn for every record (live or tombstone, of any scope) whose
// last change has a sequence above since, in sequence order.
func (db *DB) Changes(since uint64, fn func(Record) error) error {
	return endScan(db.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixFeed})
		defer it.Close()
		for it.Seek(feedKey(since + 1)); it.Valid(); it.Next() {
			var name string
			if err := it.Item().Value(func(v []byte) error { name = string(v); return nil }); err != nil {
				return err
			}
			kind, id, ok := splitName(name)
			if !ok {
				return ErrDamaged.Because(fmt.Errorf("change feed names %q", name))
			}
			r, err := getRecord(txn, kind, id)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}))
}

type quietLogger struct{}

func (quietLogger) Errorf(f string, a ...any) { logf("badger error: "+f, a...) }
func (quietLogger) Warningf(f string, a ...any) {
	// Badger reports its cache statistics as warnings when it closes: they
	// are for tuning, not for the person at the desk.
	if strings.HasPrefix(f, "Block cache might be too small") || strings.HasPrefix(f, "Cache life expectancy") {
		return
	}
	logf("badger warning: "+f, a...)
}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// logf is where the store's rare diagnostics go; the app may redirect it.
var logf = func(f string, a ...any) { fmt.Fprintf(logOutput, strings.TrimRight(f, "\n")+"\n", a...) }
