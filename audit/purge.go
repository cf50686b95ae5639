package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"relais/store"
)

// The journal's retention.
//
// The log keeps RetentionMonths (12) of entries, fixed for the whole
// network: the CNIL recommends keeping access logs for six months to a
// year, and a year lets a centre answer « who read my file last spring? ».
// It is not a setting: every copy checks every chain's start against the
// same retention (see Check), which a per-centre value would make depend on
// which version of the setting each copy holds when a purge or a check
// runs; and a centre has no reason to keep its access log for a different
// time than its neighbours.
const (
	// RetentionMonths is how long an entry is kept.
	RetentionMonths = 12
	// Skew is how far ahead of the checking computer's clock the clock of
	// the computer that purged may have been: a start whose entries are up
	// to Skew younger than the retention is not a break. A week covers a
	// PC whose clock was set by hand, or not corrected after a trip; a
	// purge further ahead than that is reported.
	Skew = 7 * 24 * time.Hour
)

// StartKind is the record kind of a chain's start once it has been
// purged; id = the chain. It is replicated with the entries, written only
// by the chain's own computer, in the transaction that deletes them.
const StartKind = "auditstart"

// Start says where a purged chain now starts.
type Start struct {
	// First is the first entry kept: entries 1..First-1 were deleted.
	First uint64 `json:"first"`
	// Prev is the hash of entry First-1's stored body: what entry First
	// holds as its prev.
	Prev string `json:"prev"`
	// LastAt is the time of entry First-1, the last one deleted.
	LastAt time.Time `json:"last_at"`
}

// Cutoff returns the time before which entries are due at now.
func Cutoff(now time.Time) time.Time { return now.AddDate(0, -RetentionMonths, 0) }

// purgeBatch is the most entries one transaction deletes.
const purgeBatch = 500

// PurgeSummary says what one purge of the journal did.
type PurgeSummary struct {
	Deleted int    // entries deleted
	First   uint64 // the chain's first entry kept after the purge; 0 when nothing was due
}

// Purge deletes the entries of this computer's own chain older than the
// retention at now, as a prefix of the chain: entries 1..k, each older
// than Cutoff(now), where entry k+1 is older too. That last expired entry is
// kept on purpose, as the witness that the purge cut nothing recent: Check
// requires the first entry of a purged chain to be older than the
// retention (see Check). Each batch of purgeBatch entries is one
// transaction that writes their tombstones and moves the chain's Start
// record to the first entry kept. The purge stops at the first entry that
// is missing or does not decode (a break Check reports: it is left as it
// is). Nothing due: nothing is written. Other copies' chains are never
// purged here: each copy purges its own, and its tombstones and Start reach
// the partners by replication.
//
// It notes nothing in the journal: the caller (rgpd's daily purge) notes
// that it ran when something was deleted.
func Purge(ctx context.Context, db *store.DB, now time.Time) (PurgeSummary, error) {
	var s PurgeSummary
	chain := ChainOf(db.Replica())
	cutoff := Cutoff(now)
	for {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		n := 0
		var first uint64
		err := db.Update(func(tx *store.Tx) error {
			n, first = 0, 0
			st, ok, err := readStart(tx, chain)
			if err != nil || !ok {
				return err
			}
			seq := max(st.First, 1)
			next, ok, err := expiredAt(tx, chain, seq, cutoff)
			if err != nil || !ok {
				return err
			}
			for n < purgeBatch {
				// seq is expired; it goes only if seq+1 is expired too.
				after, ok, err := expiredAt(tx, chain, seq+1, cutoff)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				if _, err := tx.Delete(Kind, EntryID(chain, seq)); err != nil {
					return err
				}
				st = Start{First: seq + 1, Prev: hashOf(next.body), LastAt: next.at}
				n++
				seq, next = seq+1, after
			}
			if n == 0 {
				return nil
			}
			first = st.First
			_, err = store.PutIn(tx, StartKind, chain, st, store.ScopeNetwork)
			return err
		})
		if err != nil {
			return s, err
		}
		if n == 0 {
			return s, nil
		}
		s.Deleted += n
		s.First = first
	}
}

// expired is an entry read during a purge.
type expired struct {
	body []byte
	at   time.Time
}

// expiredAt reads entry seq of chain and reports whether it is present,
// decodes, and is older than cutoff.
func expiredAt(tx *store.Tx, chain string, seq uint64, cutoff time.Time) (expired, bool, error) {
	id := EntryID(chain, seq)
	r, err := tx.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return expired{}, false, nil
	}
	if err != nil {
		return expired{}, false, err
	}
	if r.Deleted {
		return expired{}, false, nil
	}
	e, err := decodeEntry(id, r.Body)
	if err != nil || !e.At.Before(cutoff) {
		return expired{}, false, nil
	}
	return expired{body: r.Body, at: e.At}, true, nil
}

// readStart reads chain's Start: the zero Start when it was never purged,
// and false when it does not decode or another computer wrote it (a break
// Check reports: the purge leaves the chain as it is).
func readStart(tx *store.Tx, chain string) (Start, bool, error) {
	r, err := tx.Get(StartKind, chain)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Deleted) {
		return Start{}, true, nil
	}
	if err != nil {
		return Start{}, false, err
	}
	st, ok := decodeStart(r.Body)
	return st, ok && ChainOf(r.ModifiedBy) == chain, nil
}

// valid reports whether st could have been written by a purge.
func (st Start) valid() bool {
	return st.First > 1 && len(st.Prev) == 64 && isHex(st.Prev) && !st.LastAt.IsZero()
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// decodeStart decodes a Start record's body.
func decodeStart(body []byte) (Start, bool) {
	var st Start
	if json.Unmarshal(body, &st) != nil || !st.valid() {
		return Start{}, false
	}
	return st, true
}
