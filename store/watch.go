package store

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
