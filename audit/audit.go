// Package audit keeps the audit log of Relais: who read or changed which
// person's file, when, and from which centre. It is append-only and
// hash-chained, replicated with the network like any record, browsable by
// coordinators and administrators, and checked for breaks.
//
// Each store replica (each PC) writes its own chain: entries 1, 2, 3… whose
// record id is the chain and the number, "<replica>-<seq>". Each entry holds
// the SHA-256 of the previous entry's stored body, so changing, deleting or
// removing an entry shows at the next one. One chain per replica, never per
// centre or per login: two PCs never append to the same chain, so a chain
// never forks. A backup restored, on a new PC or on the same one, gets a new
// replica id (store.Folder.Restore), so it starts a new chain at 1 rather
// than writing a second, different entry under an id that partners already
// hold; the chain of the store as it was backed up stays, complete with
// what partners send back of its later entries.
//
// Entries are kept for a year (RetentionMonths): each computer's daily
// purge (rgpd's, which calls Purge) deletes the oldest entries of its own
// chain and writes where the chain now starts (a StartKind record), which
// Check then checks the chain from.
//
// The log never holds a person's name or any of their data: only the ids
// of the person and of the record concerned. It does hold the member of
// staff's login, name and role: that is the point of it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"relais/actor"
	"relais/problem"
	"relais/store"
)

// Record kinds.
const (
	// Kind is the record kind of an entry, replicated with the network.
	Kind = "audit"
	// HeadKind is the record kind of a chain's head: the number and hash of
	// the last entry this store appended to its chain. It never leaves the
	// centre (scope local): it is what the chain is checked against.
	HeadKind = "audithead"
)

// Entry is one line of the audit log.
type Entry struct {
	Chain  string       `json:"chain"`          // the replica that wrote it, 16 hex digits
	Seq    uint64       `json:"seq"`            // 1, 2, 3… in its chain
	Prev   string       `json:"prev,omitempty"` // SHA-256 of the previous entry's body, hex; "" for the first
	At     time.Time    `json:"at"`
	Login  string       `json:"login"`
	Name   string       `json:"name"` // the member of staff's name
	Role   actor.Role   `json:"role"`
	Centre string       `json:"centre"` // the id of their centre's record
	Action actor.Action `json:"action"`
	Person string       `json:"person,omitempty"` // a person's id, never a name
	Record string       `json:"record,omitempty"` // "kind/id"

	// ID is the record's id, "<chain>-<seq>"; not part of the body.
	ID string `json:"-"`
}

// head is the body of a HeadKind record.
type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	// Displaced counts the entries found in this store's own chain, past
	// its head, when appending: they were not written here (a partner
	// forged them); the append replaced them. Check reports it.
	Displaced int `json:"displaced,omitempty"`
}

// Problems of the audit log.
var (
	// ErrNoActor: an event without a member of staff (a programming mistake).
	ErrNoActor = problem.Register("audit.no_actor")
	// ErrBadEvent: the action, the person's id or the record's name is not
	// one the log accepts (a name where an id should be, say).
	ErrBadEvent = problem.Register("audit.bad_event")
	// ErrHeadDamaged: this computer's head of the chain does not decode.
	ErrHeadDamaged = problem.Register("audit.head_damaged")
	// ErrBadLimit: a list of no entries, or of too many.
	ErrBadLimit = problem.Register("audit.bad_limit")
	// ErrBadPeriod: a period that ends before it starts.
	ErrBadPeriod = problem.Register("audit.bad_period")
)

// MaxList is the most entries one List returns.
const MaxList = 10000

// Log is the audit log of one store. It implements actor.Recorder and is
// safe for concurrent use (the store serialises writes).
type Log struct {
	db *store.DB
	// Now is the clock of the entries; tests replace it.
	Now func() time.Time
}

var _ actor.Recorder = (*Log)(nil)

// Open returns the audit log of db, which must have been opened with
// Indexes among its options.
func Open(db *store.DB) *Log { return &Log{db: db, Now: time.Now} }

// ChainOf returns the chain a replica writes: its short id in hex.
func ChainOf(replica uint64) string { return fmt.Sprintf("%016x", replica) }

// EntryID returns the record id of entry seq of chain.
func EntryID(chain string, seq uint64) string { return fmt.Sprintf("%s-%012d", chain, seq) }

var (
	chainPattern  = regexp.MustCompile(`^[0-9a-f]{16}$`)
	entryPattern  = regexp.MustCompile(`^([0-9a-f]{16})-([0-9]{12})$`)
	idPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	actionPattern = regexp.MustCompile(`^[a-z][a-z_]{0,31}(\.[a-z][a-z_]{0,31})?$`)
)

// splitID parses an entry's record id.
func splitID(id string) (chain string, seq uint64, ok bool) {
	m := entryPattern.FindStringSubmatch(id)
	if m == nil {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(m[2], 10, 64)
	return m[1], seq, err == nil && seq > 0
}

// hashOf is the hash an entry's successor holds: of the stored body, byte
// for byte, so a change of any byte shows.
func hashOf(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Record appends the event to this store's chain, in tx: the entry and the
// chain's new head land with the change they describe, or not at all (an
// aborted transaction leaves the head where it was). The head is read from
// the store inside tx; the store serialises writes, so no two appends ever
// get the same number.
func (l *Log) Record(tx *store.Tx, by *actor.Actor, e actor.Event) error {
	if by == nil || by.Login == "" {
		return ErrNoActor
	}
	if err := checkEvent(e); err != nil {
		return err
	}
	chain := ChainOf(l.db.Replica())
	h, err := readHead(tx, chain)
	if err != nil {
		return err
	}
	en := Entry{Chain: chain, Seq: h.Seq + 1, Prev: h.Hash, At: l.Now().UTC(),
		Login: by.Login, Name: by.Name, Role: by.Role, Centre: by.Centre,
		Action: e.Action, Person: e.Person, Record: e.Record}
	body, err := json.Marshal(en)
	if err != nil {
		return err
	}
	id := EntryID(chain, en.Seq)
	if _, err := tx.Get(Kind, id); err == nil {
		// Only this store appends to its chain, and its head moves with
		// every append: an entry already here was written elsewhere.
		h.Displaced++
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, err := tx.Put(Kind, id, body, store.ScopeNetwork); err != nil {
		return err
	}
	h.Seq, h.Hash = en.Seq, hashOf(body)
	_, err = store.PutIn(tx, HeadKind, chain, h, store.ScopeLocal)
	return err
}

func checkEvent(e actor.Event) error {
	bad := func(field, value string) error { return ErrBadEvent.With("field", field, "value", value) }
	if !actionPattern.MatchString(string(e.Action)) {
		return bad("action", string(e.Action))
	}
	if e.Person != "" && !idPattern.MatchString(e.Person) {
		return bad("person", e.Person)
	}
	if e.Record != "" {
		kind, id, ok := strings.Cut(e.Record, "/")
		if !ok || store.ValidName(kind, id) != nil {
			return bad("record", e.Record)
		}
	}
	return nil
}

func readHead(tx *store.Tx, chain string) (head, error) {
	h, _, err := store.GetIn[head](tx, HeadKind, chain)
	if errors.Is(err, store.ErrNotFound) {
		return head{}, nil
	}
	if err != nil {
		return head{}, ErrHeadDamaged.Because(err)
	}
	return h, nil
}

// decodeEntry decodes the body of the entry whose record id is id, and
// checks that the body belongs there.
func decodeEntry(id string, body []byte) (Entry, error) {
	chain, seq, ok := splitID(id)
	if !ok {
		return Entry{}, fmt.Errorf("audit entry id %q is not <chain>-<seq>", id)
	}
	var e Entry
	if err := json.Unmarshal(body, &e); err != nil {
		return Entry{}, err
	}
	if e.Chain != chain || e.Seq != seq {
		return Entry{}, fmt.Errorf("audit entry %s holds chain %q seq %d", id, e.Chain, e.Seq)
	}
	if e.Prev != "" && (len(e.Prev) != 2*sha256.Size || strings.Trim(e.Prev, "0123456789abcdef") != "") {
		return Entry{}, fmt.Errorf("audit entry %s: malformed prev", id)
	}
	if (seq == 1) != (e.Prev == "") {
		return Entry{}, fmt.Errorf("audit entry %s: prev %q for seq %d", id, e.Prev, seq)
	}
	e.ID = id
	return e, nil
}

// Actions lists every action the services record, in the order a person
// reads them in a filter: people, appointments, follow-up, the centre.
func Actions() []actor.Action {
	return []actor.Action{
		actor.PersonRead, actor.PersonRegistered, actor.PersonChanged, actor.PersonMerged,
		actor.PersonErased, actor.PersonExported, actor.PeopleImported,
		actor.AppointmentBooked, actor.AppointmentChanged, actor.AppointmentCancelled,
		actor.AppointmentCheckedIn, actor.AppointmentOutcome, actor.WalkInRecorded, actor.WorkshopRecorded,
		actor.FollowUpChanged, actor.RadarCaseChanged, actor.RadarRulesSet, actor.WalkthroughSaved, actor.GuideSaved,
		actor.PartnerAdded, actor.PartnerRemoved, actor.NetworkChanged, actor.ConflictSettled, actor.AccountChanged,
		actor.PasswordChanged, actor.CentreChanged, actor.RetentionChanged, actor.PurgeRun, actor.SignedIn,
	}
}
