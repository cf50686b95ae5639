package store

import (
	"context"
	"errors"
)

// Watch returns a channel that receives the last sequence after writes, so
// replication can send what changed without polling. Notifications are
// coalesced: a slow reader gets the latest sequence, never a backlog. stop
// ends the watch and closes the channel; closing the store stops it too.
func (db *DB) Watch() (changes <-chan uint64, stop func()) {
	ch := make(chan uint64, 1)
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	if db.watchers == nil {
		db.watchers = map[chan uint64]struct{}{}
	}
	db.watchers[ch] = struct{}{}
	db.mu.Unlock()
	return ch, func() {
		db.mu.Lock()
		defer db.mu.Unlock()
		if _, ok := db.watchers[ch]; ok {
			delete(db.watchers, ch)
			close(ch)
		}
	}
}

// notify tells every watcher about seq; db.mu is held.
func (db *DB) notify(seq uint64) {
	for ch := range db.watchers {
		select {
		case <-ch: // drop the older, unread sequence
		default:
		}
		ch <- seq
	}
}

// closeWatchers closes every watch channel; db.mu is held.
func (db *DB) closeWatchers() {
	for ch := range db.watchers {
		close(ch)
	}
	db.watchers = nil
}

// Follow calls each with every change after since, in sequence order, then
// end (when not nil), and again with the changes of every later write,
// until ctx ends or the store closes (Follow returns nil then) or a
// callback fails (Follow returns its error). In-memory indexes use it to
// stay in step with writes made elsewhere, a partner's applied by sync.
func (db *DB) Follow(ctx context.Context, since uint64, each func(Record) error, end func() error) error {
	changes, stop := db.Watch()
	defer stop()
	for {
		err := db.Changes(since, func(r Record) error {
			since = r.Sequence
			return each(r)
		})
		if errors.Is(err, ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		if end != nil {
			if err := end(); err != nil {
				if errors.Is(err, ErrClosed) {
					return nil
				}
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-changes:
			if !ok {
				return nil
			}
		}
	}
}
