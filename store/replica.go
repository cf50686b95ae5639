package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ConflictKind is the kind of the records that keep the losing side of a
// conflict, for staff to compare and settle (deleting the conflict record
// settles it everywhere).
const ConflictKind = "conflict"

// Conflict is the body of a conflict record: the version that lost.
type Conflict struct {
	Name       string          `json:"name"` // kind/id of the record
	Body       json.RawMessage `json:"body,omitempty"`
	Deleted    bool            `json:"deleted,omitempty"`
	Version    Vector          `json:"version"`
	Modified   time.Time       `json:"modified"`
	ModifiedBy uint64          `json:"modified_by"`
	At         time.Time       `json:"at"` // when this store resolved it
}

// WinsConflict reports whether a beats b when their versions are
// concurrent. It is Syncthing's rule, so that every replica, Relais or
// stock Syncthing, picks the same winner: a modification beats a deletion,
// then the newer modification time wins, then the vector order decides.
func WinsConflict(a, b Meta) bool {
	if !a.Deleted && b.Deleted {
		return true
	}
	if a.Deleted && !b.Deleted {
		return false
	}
	if a.Modified.After(b.Modified) {
		return true
	}
	if a.Modified.Before(b.Modified) {
		return false
	}
	return a.Version.Compare(b.Version) == ConcurrentGreater
}

// Wants reports whether a partner's version of a record would change this
// store: it is newer than ours, or concurrent with it (a conflict, whose
// body is needed whichever side wins, to keep the loser).
func (db *DB) Wants(m Meta) (bool, error) {
	local, err := db.GetAny(m.Kind, m.ID)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	o := m.Version.Compare(local.Version)
	return o == Greater || o.Concurrent(), nil
}

// Outcome says what ApplyRemote did with one record.
type Outcome int

// The outcomes of ApplyRemote.
const (
	Ignored      Outcome = iota // ours is the same or newer
	Adopted                     // theirs was newer: it replaced ours
	ConflictWon                 // concurrent, theirs won; ours is kept as a conflict record
	ConflictLost                // concurrent, ours won; theirs is kept as a conflict record
)

// ApplyRemote merges records received from partners, all in one
// transaction (so a batch costs one disk sync). Each is compared with our
// copy at that moment: a newer one replaces it, an older or equal one is
// ignored, and a concurrent one is settled by WinsConflict: the result has
// the winner's body and a version that dominates both and is the same on
// every replica settling that pair (see settled), so nothing bounces back
// and forth; the loser is kept as a conflict record. Records from partners are
// network-scoped, except that a record this centre withdrew from sharing
// (consent withdrawn) stays local and is withdrawn again with a newer
// version, so the withdrawal wins everywhere.
func (db *DB) ApplyRemote(recs []Record) ([]Outcome, error) {
	outcomes := make([]Outcome, len(recs))
	err := db.Update(func(tx *Tx) error {
		for i, r := range recs {
			o, err := tx.applyRemote(r)
			if err != nil {
				return err
			}
			outcomes[i] = o
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return outcomes, nil
}

func (tx *Tx) applyRemote(r Record) (Outcome, error) {
	r.Scope = ScopeNetwork
	r.Version = r.Version.normalise()
	local, err := tx.Get(r.Kind, r.ID)
	if errors.Is(err, ErrNotFound) {
		_, err = tx.Apply(r)
		return Adopted, err
	}
	if err != nil {
		return Ignored, err
	}
	if local.Scope == ScopeLocal && !local.Shared {
		// A record that never left this centre cannot have a partner's
		// version: only an id collision gets here. Never let it out.
		return Ignored, nil
	}
	o := r.Version.Compare(local.Version)
	if o == Equal || o == Lesser {
		return Ignored, nil
	}
	// Partners see a record this centre withdrew from sharing as a tombstone.
	withdrawn := local.Scope == ScopeLocal && local.Shared
	seen := local.Meta
	if withdrawn {
		seen.Deleted = true
	}
	// The result takes the winner's version and metadata, identical on
	// every replica, so later conflicts are settled the same everywhere.
	outcome, result := Adopted, r
	if o.Concurrent() {
		theirs := !WinsConflict(seen, r.Meta)
		// The conflict record keeps the loser as partners saw it: a
		// withdrawn record's content never leaves, even as a loser.
		ours, _ := local.Announced()
		winner, loser := local, r
		outcome = ConflictLost
		if theirs {
			winner, loser, outcome = r, ours, ConflictWon
		}
		// Two deletions do not conflict, nor do two identical bodies (every
		// copy's daily purge anonymises the same old appointment alike),
		// and conflict records, which every replica writes alike, do not
		// make conflicts of their own.
		if !(seen.Deleted && r.Deleted) && !sameBody(seen, local, r) && r.Kind != ConflictKind {
			if err := tx.keepConflict(loser); err != nil {
				return outcome, err
			}
		}
		result = winner
		result.Version = settled(local.Version, r.Version)
	}
	if !withdrawn {
		result.Scope = ScopeNetwork
		_, err = tx.Apply(result)
		return outcome, err
	}
	// Withdrawn: keep our body here only. If partners will now hold content
	// (theirs won and is not a tombstone), withdraw again with a newer
	// version so that our tombstone beats it everywhere; otherwise they
	// already see a tombstone of this very version.
	keep := local
	keep.Version, keep.Modified, keep.ModifiedBy = result.Version, result.Modified, result.ModifiedBy
	keep.Scope, keep.Shared = ScopeLocal, true
	if outcome != ConflictLost && !r.Deleted {
		keep.Version = keep.Version.Update(tx.db.replica)
		keep.Modified, keep.ModifiedBy = now(), tx.db.replica
	}
	_, err = tx.Apply(keep)
	return outcome, err
}

// sameBody reports whether the remote record r carries exactly the body
// partners see of ours (seen is our metadata as announced): then neither
// side lost anything, whichever wins.
func sameBody(seen Meta, local, r Record) bool {
	return !seen.Deleted && !r.Deleted && bytes.Equal(local.Body, r.Body)
}

func (tx *Tx) keepConflict(loser Record) error {
	// Every replica that meets this conflict writes the same record id, so
	// the conflict shows once on every partner, not once per replica.
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%v", loser.Name(), loser.Version)))
	id := hex.EncodeToString(sum[:16])
	if _, err := tx.Get(ConflictKind, id); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	c := Conflict{Name: loser.Name(), Body: loser.Body, Deleted: loser.Deleted, Version: loser.Version,
		Modified: loser.Modified, ModifiedBy: loser.ModifiedBy, At: now()}
	// Only shared records reach a conflict, and the loser is given as
	// partners saw it: the conflict record is shared too, so that the
	// centre whose edit lost sees it.
	_, err := PutIn(tx, ConflictKind, id, c, ScopeNetwork)
	return err
}

// Announced returns the record as partners may see it: a network record as
// it is; a record withdrawn from sharing as a tombstone with its version;
// and false for a record that was never shared, which never leaves.
func (r Record) Announced() (Record, bool) {
	switch {
	case r.Scope == ScopeNetwork:
		return r, true
	case r.Shared:
		r.Deleted, r.Body = true, nil
		return r, true
	}
	return Record{}, false
}

// settleCounter is the id of the vector counter that settling a conflict
// advances. It is no replica's id (those are random), and it is one for
// the whole network, so that settling conflicts does not make vectors
// longer: they hold one counter per replica that edited, plus this one.
const settleCounter uint64 = 0x5e771e5e771e0001

// settled is the version of the record that settles a conflict between
// versions a and b: their merge, with the settle counter advanced past
// both by an amount that names this very pair. Every replica that settles
// the same pair picks the same winner and gets the same version, so nothing
// bounces; the result dominates both, so an older copy of either never
// comes back. Without the pair's mark, two replicas settling different
// pairs (say ours against a deletion, and an older copy of ours against the
// same deletion) could reach equal vectors with different contents, and
// never notice they differ.
func settled(a, b Vector) Vector {
	ea, eb := vectorBytes(a), vectorBytes(b)
	if bytes.Compare(ea, eb) > 0 {
		ea, eb = eb, ea
	}
	sum := sha256.Sum256(append(append(ea, 0xff), eb...))
	mark := binary.BigEndian.Uint64(sum[:8]) >> 32 // 32 bits: 4 billion settlements fit
	m := a.Merge(b)
	return m.Merge(Vector{{ID: settleCounter, Value: m.Counter(settleCounter) + 1 + mark}})
}

func vectorBytes(v Vector) []byte {
	b := make([]byte, 0, 16*len(v))
	for _, c := range v {
		b = binary.BigEndian.AppendUint64(b, c.ID)
		b = binary.BigEndian.AppendUint64(b, c.Value)
	}
	return b
}
