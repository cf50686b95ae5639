package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"relais/actor"
	"relais/store"
)

// The indexes of entries. Each value ends with the entry's time, inverted,
// so that the store's forward scans read the newest first: « at » alone,
// and one index for each filter, « <value>\x1f<inverted time> ».
const (
	indexAt     = "at"
	indexPerson = "person"
	indexLogin  = "login"
	indexCentre = "centre"
	indexAction = "action"
	sep         = "\x1f"
)

// Indexes are the store indexes of the audit log. A body that does not
// decode indexes nothing rather than being refused: the store keeps what a
// partner sent, and Check reports it.
func Indexes() []store.Index {
	on := func(name string, values func(Entry) []string) store.Index {
		return store.Index{Kind: Kind, Name: name, Version: 1, Values: func(body []byte) ([]string, error) {
			var e Entry
			if json.Unmarshal(body, &e) != nil {
				return nil, nil
			}
			return values(e), nil
		}}
	}
	by := func(name string, field func(Entry) string) store.Index {
		return on(name, func(e Entry) []string {
			if v := field(e); v != "" {
				return []string{v + sep + invertedTime(e.At)}
			}
			return nil
		})
	}
	return []store.Index{
		on(indexAt, func(e Entry) []string { return []string{invertedTime(e.At)} }),
		by(indexPerson, func(e Entry) string { return e.Person }),
		by(indexLogin, func(e Entry) string { return e.Login }),
		by(indexCentre, func(e Entry) string { return e.Centre }),
		by(indexAction, func(e Entry) string { return string(e.Action) }),
	}
}

// invertedTime writes t so that later times sort first: 16 hex digits of
// the bitwise complement of its Unix nanoseconds (times before 1970 count
// as 1970; the log has none).
func invertedTime(t time.Time) string {
	return fmt.Sprintf("%016x", ^uint64(max(t.UnixNano(), 0)))
}

// Filter chooses the entries List returns; its zero value takes them all.
type Filter struct {
	Person string       // a person's id
	Login  string       // a member of staff's login
	Centre string       // the id of a centre's record
	Action actor.Action // one action
	// From and To bound the period, From <= At < To; zero: open.
	From, To time.Time
}

// Matches reports whether e passes the filter.
func (f Filter) Matches(e Entry) bool {
	return (f.Person == "" || e.Person == f.Person) &&
		(f.Login == "" || e.Login == f.Login) &&
		(f.Centre == "" || e.Centre == f.Centre) &&
		(f.Action == "" || e.Action == f.Action) &&
		(f.From.IsZero() || !e.At.Before(f.From)) &&
		(f.To.IsZero() || e.At.Before(f.To))
}

// Journal is the log as a coordinator or an administrator reads it.
type Journal struct{ l *Log }

// Journal returns the log for who to browse and check, or
// actor.ErrNotAllowed when their role does not read the audit log.
func (l *Log) Journal(who *actor.Actor) (Journal, error) {
	if err := who.Check(actor.ReadAudit); err != nil {
		return Journal{}, err
	}
	return Journal{l}, nil
}

// Check is Check on the journal's store, at the log's clock.
func (j Journal) Check() (Report, error) { return CheckAt(j.l.db, j.l.Now()) }

// List returns at most limit entries that pass f, newest first, from every
// chain of the network this store holds. Each criterion of f has its index,
// whose values end with the entry's inverted time: List walks the index of
// each criterion given (or the time's, with none) over the period, newest
// first, and reads only the entries found in all of them. Entries that do
// not decode are left out: Check reports them.
func (j Journal) List(f Filter, limit int) ([]Entry, error) {
	l := j.l
	if limit < 1 || limit > MaxList {
		return nil, ErrBadLimit.With("limit", limit, "max", MaxList)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, ErrBadPeriod.With("from", f.From, "to", f.To)
	}
	var walks []*walk
	for _, c := range []struct{ index, value string }{
		{indexPerson, f.Person}, {indexLogin, f.Login}, {indexAction, string(f.Action)}, {indexCentre, f.Centre},
	} {
		if c.value != "" {
			walks = append(walks, l.walk(c.index, c.value+sep, f))
		}
	}
	if len(walks) == 0 {
		walks = append(walks, l.walk(indexAt, "", f))
	}
	defer func() {
		for _, w := range walks {
			w.stop()
		}
	}()
	var out []Entry
	for {
		id, ok, err := intersect(walks)
		if err != nil || !ok {
			return out, err
		}
		r, err := l.db.Get(Kind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the index was read
		}
		if err != nil {
			return out, err
		}
		e, err := decodeEntry(id, r.Body)
		if err != nil || !f.Matches(e) {
			continue
		}
		out = append(out, e)
		if len(out) == limit {
			return out, nil
		}
	}
}

// walk is one index read newest first over a period: its keys are
// « <inverted time>\x00<id> », in the order of the index.
type walk struct {
	next func() (walkKey, bool)
	stop func()
	cur  walkKey
	err  *error
}

type walkKey struct{ key, id string }

// walk starts reading index from the period's end: At < To is an
// inverted time above To's, and At >= From one below From's.
func (l *Log) walk(index, prefix string, f Filter) *walk {
	from, to := prefix, prefix+"g" // "g" sorts after every hex digit
	if !f.To.IsZero() {
		from = prefix + invertedTime(f.To.Add(-time.Nanosecond))
	}
	if !f.From.IsZero() {
		to = prefix + invertedTime(f.From.Add(-time.Nanosecond))
	}
	var scanErr error
	seq := func(yield func(walkKey) bool) {
		scanErr = l.db.FindRange(Kind, index, from, to, func(value, id string) error {
			if !yield(walkKey{value[len(prefix):] + "\x00" + id, id}) {
				return store.Stop
			}
			return nil
		})
	}
	next, stop := iter.Pull(seq)
	return &walk{next: next, stop: stop, err: &scanErr}
}

// advance moves w to its next key; false at its end.
func (w *walk) advance() bool {
	k, ok := w.next()
	w.cur = k
	return ok
}

// intersect returns the next id every walk holds, advancing them all past
// it; false when one walk ends.
func intersect(walks []*walk) (string, bool, error) {
	for _, w := range walks {
		if !w.advance() {
			return "", false, *w.err
		}
	}
	for {
		hi := walks[0].cur.key
		for _, w := range walks[1:] {
			hi = max(hi, w.cur.key)
		}
		same := true
		for _, w := range walks {
			for w.cur.key < hi {
				if !w.advance() {
					return "", false, *w.err
				}
			}
			same = same && w.cur.key == hi
		}
		if same {
			return walks[0].cur.id, true, nil
		}
	}
}
