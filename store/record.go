package store

import (
	"encoding/binary"
	"errors"
	"regexp"
	"time"
)

// Scope says whether a record may leave this centre.
type Scope uint8

// Scopes. The zero value is the safe one: a record is local unless it was
// explicitly made shareable (for a person, by their consent).
const (
	ScopeLocal   Scope = 0 // never leaves this centre
	ScopeNetwork Scope = 1 // may be replicated to partner centres
)

// Meta is everything the store knows about a record apart from its body.
type Meta struct {
	Kind       string
	ID         string
	Version    Vector
	Sequence   uint64    // local, increasing; the change feed is ordered by it
	Modified   time.Time // when the last change was made, on the device that made it
	ModifiedBy uint64    // short id of the replica that made the last change
	Deleted    bool      // a tombstone: the body is gone, the version stays
	Scope      Scope
	// Shared is set once the record has been network-scoped and stays set:
	// a record made local again (consent withdrawn) must reach partners as
	// a tombstone, while one that was never shared must never be announced.
	Shared bool
}

// Name returns "kind/id", the record's name on the wire and in messages.
func (m Meta) Name() string { return m.Kind + "/" + m.ID }

// Record is a record's metadata and its JSON body (nil for a tombstone).
type Record struct {
	Meta
	Body []byte
}

var (
	kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

// ValidName reports whether kind and id may name a record: a lower-case kind
// of at most 32 characters and an id of letters, digits, '-' and '_' (UUIDs fit).
func ValidName(kind, id string) error {
	if !kindPattern.MatchString(kind) || !idPattern.MatchString(id) {
		return ErrBadName.With("name", kind+"/"+id)
	}
	return nil
}

const envelopeFormat = 1

const (
	flagDeleted = 1 << 0
	flagNetwork = 1 << 1
	flagShared  = 1 << 2
)

// encodeEnvelope lays out a record's value: format, flags, sequence,
// modified time, device, version vector, then the body.
func encodeEnvelope(r Record) []byte {
	b := make([]byte, 0, 32+len(r.Version)*20+len(r.Body))
	b = append(b, envelopeFormat)
	var flags byte
	if r.Deleted {
		flags |= flagDeleted
	}
	if r.Scope == ScopeNetwork {
		flags |= flagNetwork
	}
	if r.Shared || r.Scope == ScopeNetwork {
		flags |= flagShared
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, r.Sequence)
	var mtime int64 // the zero time is written as 0
	if !r.Modified.IsZero() {
		mtime = r.Modified.UnixNano()
	}
	b = binary.AppendVarint(b, mtime)
	b = binary.AppendUvarint(b, r.ModifiedBy)
	b = binary.AppendUvarint(b, uint64(len(r.Version)))
	for _, c := range r.Version {
		b = binary.AppendUvarint(b, c.ID)
		b = binary.AppendUvarint(b, c.Value)
	}
	return append(b, r.Body...)
}

var errEnvelope = errors.New("malformed record envelope")

// decodeEnvelope is the inverse of encodeEnvelope. It never panics on
// damaged bytes; it returns errEnvelope instead. The body aliases b.
func decodeEnvelope(kind, id string, b []byte) (Record, error) {
	r := Record{Meta: Meta{Kind: kind, ID: id}}
	if len(b) < 2 || b[0] != envelopeFormat || b[1]&^(flagDeleted|flagNetwork|flagShared) != 0 {
		return r, errEnvelope
	}
	r.Deleted = b[1]&flagDeleted != 0
	if b[1]&flagNetwork != 0 {
		r.Scope = ScopeNetwork
	}
	r.Shared = b[1]&flagShared != 0 || r.Scope == ScopeNetwork
	b = b[2:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	var ok bool
	if r.Sequence, ok = next(); !ok {
		return r, errEnvelope
	}
	t, n := binary.Varint(b)
	if n <= 0 {
		return r, errEnvelope
	}
	b = b[n:]
	if t != 0 {
		r.Modified = time.Unix(0, t)
	}
	if r.ModifiedBy, ok = next(); !ok {
		return r, errEnvelope
	}
	count, ok := next()
	if !ok || count > uint64(len(b))/2 {
		return r, errEnvelope
	}
	if count > 0 {
		r.Version = make(Vector, count)
		for i := range r.Version {
			if r.Version[i].ID, ok = next(); !ok {
				return r, errEnvelope
			}
			if r.Version[i].Value, ok = next(); !ok {
				return r, errEnvelope
			}
		}
	}
	if len(b) > 0 {
		r.Body = b
	}
	if r.Deleted && r.Body != nil {
		return r, errEnvelope
	}
	return r, nil
}
