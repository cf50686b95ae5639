package rgpd

import (
	"context"
	"errors"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/audit"
	"relais/people"
	"relais/store"
)

// Summary says what one purge did.
type Summary struct {
	Erased     int // people erased for having no activity for longer than the retention
	Reerased   int // erased people of whom something had come back (a partner's older copy)
	Anonymised int // appointments and walk-ins older than the retention, anonymised
	// Journal is the number of this computer's audit log entries deleted
	// for being older than the log's retention (audit.RetentionMonths).
	Journal int
}

// Batch sizes: each batch is one durable transaction, small enough for one
// Badger commit whatever a person holds.
const (
	eraseBatch     = 25
	anonymiseBatch = 400
)

// Purge enforces every centre's retention on this copy, as Relais itself
// (a is actor.System of this copy's centre; ErasePeople is checked):
//
//   - a person is erased (see Erase) once no activity keeps them. Each
//     record of activity keeps the person for the retention of its own
//     centre: an appointment (its start, booking, arrival), a walk-in (its
//     arrival, end), a procedure followed (opened, updated), a radar case
//     (opened, closed, each action), a walkthrough (started, each step,
//     finished), wherever it was made, a partner centre included; activity
//     tied to no centre, for the longest retention of the network. The
//     last change to the person's file keeps them too, for the longest
//     retention of the centres where they were active; for someone active
//     nowhere, for this copy's centre's when the file never left it, and
//     for the longest of the network when it is shared (it may have been
//     changed anywhere).
//   - an appointment or walk-in older than its centre's details retention
//     is anonymised (appointments.AnonymiseIn): the counts stay.
//   - an erased person of whom something came back is erased again.
//   - the entries of this copy's own audit chain older than the audit
//     log's retention (audit.Purge: twelve months, fixed) are deleted, in
//     batches; each copy purges its own chain and its partners receive
//     the tombstones. The purge notes one line (actor.PurgeRun) in the
//     journal when it did anything, and nothing per entry.
//
// Every copy purges the same shared records alike: the tombstones and
// anonymised bodies two copies write on their own are identical, and
// settle without a conflict. Candidates are found through index keys only
// (ActivityIndex in time order, DetailsIndex, PeopleIndex); each person is
// checked again inside the transaction that erases them, so a booking made
// meanwhile saves them.
func Purge(a *actor.Actor, db *store.DB, now time.Time) (Summary, error) {
	return purge(context.Background(), a, db, now)
}

func purge(ctx context.Context, a *actor.Actor, db *store.DB, now time.Time) (Summary, error) {
	var s Summary
	if err := a.Check(actor.ErasePeople); err != nil {
		return s, err
	}
	pol, err := loadPolicy(db, a.Centre)
	if err != nil {
		return s, err
	}
	if s.Reerased, err = reerase(ctx, a, db); err != nil {
		return s, err
	}
	if s.Erased, err = eraseInactive(ctx, a, db, pol, now); err != nil {
		return s, err
	}
	if s.Anonymised, err = anonymiseOld(ctx, db, pol, now); err != nil {
		return s, err
	}
	j, err := audit.Purge(ctx, db, now)
	s.Journal = j.Deleted
	if err != nil {
		return s, err
	}
	if s == (Summary{}) {
		return s, nil // nothing was due: nothing to note, nothing written
	}
	err = db.Update(func(tx *store.Tx) error { return a.Log(tx, actor.PurgeRun, "", "") })
	return s, err
}

// reerase erases again the erased people of whom something is left.
func reerase(ctx context.Context, a *actor.Actor, db *store.DB) (int, error) {
	var back []string
	err := db.Scan(MarkerKind, "", func(r store.Record) error {
		left, err := leftovers(db, r.ID)
		if left {
			back = append(back, r.ID)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return eraseBatches(ctx, a, db, back, func(*store.Tx, string) (bool, error) { return true, nil })
}

// eraseBatches erases people in batches of transactions, each person only
// if still (in the transaction) keep says so. It returns how many it erased.
func eraseBatches(ctx context.Context, a *actor.Actor, db *store.DB, ids []string, still func(tx *store.Tx, person string) (bool, error)) (int, error) {
	return inBatches(ctx, db, ids, eraseBatch, func(tx *store.Tx, p string) (bool, error) {
		ok, err := still(tx, p)
		if err != nil || !ok {
			return false, err
		}
		e, err := eraseIn(tx, p)
		if err != nil || !e.Wrote() {
			return false, err
		}
		return true, a.Log(tx, actor.PersonErased, p, people.Kind+"/"+p)
	})
}

// inBatches calls fn for each item, size items to a transaction, and
// returns how many calls wrote. A batch that fails is split in two and
// tried again, down to one item: someone with a thousand appointments
// does not fit a batch of twenty-five, and one damaged record does not
// stop the others' purge for long; the error of a single item is returned.
func inBatches[T any](ctx context.Context, db *store.DB, items []T, size int, fn func(tx *store.Tx, item T) (bool, error)) (int, error) {
	n := 0
	var run func(batch []T) error
	run = func(batch []T) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		done := 0
		err := db.Update(func(tx *store.Tx) error {
			done = 0
			for _, it := range batch {
				wrote, err := fn(tx, it)
				if err != nil {
					return err
				}
				if wrote {
					done++
				}
			}
			return nil
		})
		if err != nil && len(batch) > 1 && !errors.Is(err, store.ErrClosed) && !errors.Is(err, store.ErrDiskFull) {
			half := len(batch) / 2
			if err := run(batch[:half]); err != nil {
				return err
			}
			return run(batch[half:])
		}
		if err == nil {
			n += done
		}
		return err
	}
	for len(items) > 0 {
		batch := items[:min(size, len(items))]
		items = items[len(batch):]
		if err := run(batch); err != nil {
			return n, err
		}
	}
	return n, nil
}

// eraseInactive erases the people no activity keeps any more.
func eraseInactive(ctx context.Context, a *actor.Actor, db *store.DB, pol policy, now time.Time) (int, error) {
	// Anyone active since the shortest retention is kept whatever the
	// centre: one range of index keys, in time order, finds them all.
	// The others are checked one by one, records read, in eraseBatches.
	sure := now.AddDate(0, -pol.shortP, 0)
	kept := map[string]bool{}
	for _, kind := range activityKinds {
		err := db.FindRange(kind, ActivityIndex, stamp(sure), "9999999999~", func(v, _ string) error {
			if _, person, ok := parseStamp(v); ok {
				kept[person] = true
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	var candidates []string
	err := db.FindPrefix(people.Kind, PeopleIndex, "", func(_, id string) error {
		if !kept[id] {
			candidates = append(candidates, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return eraseBatches(ctx, a, db, candidates, func(tx *store.Tx, person string) (bool, error) {
		return inactiveIn(tx, pol, person, now)
	})
}

// inactiveIn reports whether nothing keeps person any more, reading their
// file and each of their records in tx.
func inactiveIn(tx *store.Tx, pol policy, person string, now time.Time) (bool, error) {
	r, err := tx.Get(people.Kind, person)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Deleted) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fileMonths := 0 // the longest retention of the centres where the person was active
	for _, kind := range activityKinds {
		ids, err := tx.Find(kind, "person", person)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			rec, err := tx.Get(kind, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return false, err
			}
			if rec.Deleted {
				continue
			}
			act, ok, err := activityOf(kind, rec.Body)
			if err != nil || !ok {
				continue // a damaged record keeps no one
			}
			m := pol.personMonths(act.centre)
			if act.at.After(now.AddDate(0, -m, 0)) {
				return false, nil
			}
			fileMonths = max(fileMonths, m)
		}
	}
	if fileMonths == 0 {
		// Active nowhere: a file that never left this centre is this
		// centre's; a shared one may have been changed anywhere.
		fileMonths = pol.longest
		if r.Scope == store.ScopeLocal && !r.Shared && pol.own != "" {
			fileMonths = pol.personMonths(pol.own)
		}
	}
	return !r.Modified.After(now.AddDate(0, -fileMonths, 0)), nil
}

// anonymiseOld anonymises the appointments and walk-ins older than their
// centre's details retention.
func anonymiseOld(ctx context.Context, db *store.DB, pol policy, now time.Time) (int, error) {
	type old struct{ kind, id string }
	var due []old
	end := stamp(now.AddDate(0, -pol.shortD, 0))
	for _, kind := range detailKinds {
		err := db.FindRange(kind, DetailsIndex, "", end, func(v, id string) error {
			t, centre, ok := parseStamp(v)
			if ok && t.Before(now.AddDate(0, -pol.detailsMonths(centre), 0)) {
				due = append(due, old{kind, id})
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return inBatches(ctx, db, due, anonymiseBatch, func(tx *store.Tx, o old) (bool, error) {
		return appointments.AnonymiseIn(tx, o.kind, o.id)
	})
}

// Follow erases again, as soon as it arrives, whatever comes back of an
// erased person: a partner that changed the person's file or one of their
// records while offline sends a version that beats the tombstone (a change
// beats a deletion), or a conflict record that keeps an old copy. It reads
// the change feed after since until ctx ends or the store closes; a is
// Relais itself (actor.System). Writes that fail are retried at the next
// change, and by the daily purge.
func Follow(ctx context.Context, a *actor.Actor, db *store.DB, since uint64) error {
	if err := a.Check(actor.ErasePeople); err != nil {
		return err
	}
	pending := map[string]bool{}
	return db.Follow(ctx, since, func(r store.Record) error {
		if r.Deleted {
			return nil
		}
		if p := personRef(r); p != "" && !pending[p] {
			if erased, err := Erased(db, p); err == nil && erased {
				pending[p] = true
			}
		}
		return nil
	}, func() error {
		if len(pending) == 0 {
			return nil
		}
		var ids []string
		for p := range pending {
			ids = append(ids, p)
		}
		clear(pending)
		_, err := eraseBatches(ctx, a, db, ids, func(*store.Tx, string) (bool, error) { return true, nil })
		if errors.Is(err, context.Canceled) || errors.Is(err, store.ErrClosed) {
			return nil
		}
		return err
	})
}

// DefaultEvery is how often a Purger purges.
const DefaultEvery = 24 * time.Hour

// Purger runs the purge on this copy: at start, then every day, and
// follows the change feed to erase again what comes back of an erased
// person. Build it with NewPurger; Run it in its own goroutine.
type Purger struct {
	db  *store.DB
	who *actor.Actor
	// Every is the time between two purges (DefaultEvery).
	Every time.Duration
	// Done, when set, hears the outcome of each purge (from Run's goroutine).
	Done func(Summary, error)
}

// NewPurger returns the purger of db, acting as who: actor.System of this
// copy's centre.
func NewPurger(db *store.DB, who *actor.Actor) *Purger {
	return &Purger{db: db, who: who, Every: DefaultEvery}
}

// Run purges at once, then every p.Every, with the time now gives, and
// erases again what comes back of an erased person meanwhile. It returns
// when ctx ends (or the store closes), after the follower has stopped.
func (p *Purger) Run(ctx context.Context, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	followed := make(chan struct{})
	since := p.db.LastSequence()
	go func() {
		defer close(followed)
		for ctx.Err() == nil {
			if err := Follow(ctx, p.who, p.db, since); err == nil || errors.Is(err, actor.ErrNotAllowed) {
				return
			} else if p.Done != nil {
				p.Done(Summary{}, err)
			}
			// A failed write: start again from where the store is; the
			// purge catches up with what was missed.
			since = p.db.LastSequence()
			select {
			case <-ctx.Done():
			case <-time.After(time.Minute):
			}
		}
	}()
	defer func() { <-followed }()
	every := p.Every
	if every <= 0 {
		every = DefaultEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		s, err := purge(ctx, p.who, p.db, now())
		if errors.Is(err, store.ErrClosed) || ctx.Err() != nil {
			return
		}
		if p.Done != nil {
			p.Done(s, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
