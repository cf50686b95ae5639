package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"relais/problem"
	"relais/store"
)

// BreakKind says what is wrong at a place of a chain.
type BreakKind string

// The breaks Check reports.
const (
	// Missing: entries From..To are not in this store (removed, or never
	// received). At the head of a chain this store wrote, the last entries
	// were cut off.
	Missing BreakKind = "missing"
	// Deleted: entry From was deleted (a tombstone stands in its place).
	Deleted BreakKind = "deleted"
	// Changed: entry From's content changed after it was written: its hash
	// no longer matches the one the next entry holds, or, for the last
	// entry this store wrote, the one its head holds.
	Changed BreakKind = "changed"
	// Rewritten: entry From was last written by another computer than
	// the one whose chain it is in.
	Rewritten BreakKind = "rewritten"
	// Undecodable: a record of the log that is not an entry of its chain
	// (From is 0 when even its id is not one).
	Undecodable BreakKind = "undecodable"
	// Late: the chain does not start at 1 (From..To are missing before it).
	Late BreakKind = "late"
	// Foreign: entries From..To sit in this computer's own chain past its
	// head, so this computer did not write them; or (From 0) appends
	// replaced such entries To times.
	Foreign BreakKind = "foreign"
	// Forked: two versions of entry From met (a conflict record keeps the
	// other).
	Forked BreakKind = "forked"
	// Early: the chain was purged (its entries 1..To deleted, see Purge)
	// while they, or the first entry kept, were younger than the
	// retention allows, Skew included: recent entries were cut and the
	// cut dressed up as a purge.
	Early BreakKind = "early"
	// BadStart: the start of a purged chain (its Start record) does not
	// match entry From, the first kept: its prev is not the hash the start
	// holds, or the start lies past the chain's head, or another computer
	// than the chain's wrote it. From is 0 when the start does not decode.
	BadStart BreakKind = "bad_start"
)

// Break is one place where a chain is not what it should be.
type Break struct {
	Chain    string
	Centre   string // the id of the chain's centre, "" when unknown
	Kind     BreakKind
	From, To uint64 // the entries concerned; To == From for one
	Record   string // the record's id, for Undecodable
}

// The problems that describe breaks in plain words: one per kind, and
// variants for one entry rather than several.
var breakProblems = map[string]*problem.Problem{}

func init() {
	for _, k := range []string{"missing", "missing_one", "deleted", "changed", "rewritten", "undecodable",
		"undecodable_id", "late", "late_one", "foreign", "foreign_one", "displaced", "forked",
		"early", "bad_start", "start_damaged"} {
		breakProblems[k] = problem.Register("audit.break." + k)
	}
}

// Problem describes the break in words, for the person checking the log:
// centre is how to name the chain's centre (its name, say). The message
// names the computer by the first 8 hex digits of its chain.
func (b Break) Problem(centre string) *problem.Problem {
	key, count := string(b.Kind), b.To-b.From+1
	switch {
	case b.Kind == Undecodable && b.Chain == "":
		key = "undecodable_id"
	case b.Kind == Foreign && b.From == 0:
		key, count = "displaced", b.To
	case b.Kind == BadStart && b.From == 0:
		key = "start_damaged"
	case (b.Kind == Missing || b.Kind == Late || b.Kind == Foreign) && b.From == b.To:
		key += "_one"
	}
	p := breakProblems[key]
	if p == nil { // a kind without words: still a break
		p = breakProblems["undecodable"]
	}
	return p.With("centre", centre, "chain", shortChain(b.Chain),
		"from", b.From, "to", b.To, "count", count, "record", b.Record)
}

func shortChain(c string) string {
	if len(c) > 8 {
		return c[:8]
	}
	return c
}

// Chain sums up one chain of the log.
type Chain struct {
	ID      string
	Centres []string // the centres its entries name, usually one
	Entries int      // live entries that decode
	Last    uint64   // the highest entry number held
	// Head is the number of the last entry this store appended to the
	// chain, 0 when another computer writes it.
	Head uint64
	// First is the first entry kept once the chain was purged (its Start),
	// 0 when it never was.
	First uint64
}

// Report is the result of Check.
type Report struct {
	Entries int     // live entries that decode, all chains
	Chains  []Chain // by centre, then chain
	Breaks  []Break // by chain, then entry
	// More is the number of breaks beyond the first MaxBreaks, not listed.
	More int
}

// MaxBreaks bounds the breaks a report lists.
const MaxBreaks = 1000

// maxProbe bounds the ids Check reads one by one inside a gap to tell
// deleted entries from missing ones; a longer gap is one Missing break.
const maxProbe = 1000

// OK reports whether the log has no break.
func (r Report) OK() bool { return len(r.Breaks) == 0 && r.More == 0 }

// Centres returns the number of centres whose entries the log holds.
func (r Report) Centres() int {
	seen := map[string]bool{}
	for _, c := range r.Chains {
		for _, id := range c.Centres {
			seen[id] = true
		}
	}
	return len(seen)
}

func (r *Report) add(b Break) {
	if len(r.Breaks) < MaxBreaks {
		r.Breaks = append(r.Breaks, b)
	} else {
		r.More++
	}
}

// Check walks every chain of the log, this computer's and those received
// from partners, and reports each break: a gap in the numbers (entries
// missing or deleted), an entry whose content changed (its hash no longer
// matches what the next entry holds), an entry last written by another
// computer than its chain's, an entry that does not decode, a chain that
// does not start at 1, and two versions of one entry that met.
//
// What a hash chain cannot see, and what Check does about it:
//   - The end of a chain. Cutting off the last entries of another centre's
//     chain, or changing its very last entry consistently, leaves nothing
//     to compare with here. The computer that writes a chain keeps its head
//     (number and hash of its last entry) in a local record that never
//     leaves it, and checks its chain against it: there, entries cut off,
//     a last entry changed, and entries added past the head by someone else
//     all show. So every chain is fully checked on the computer that wrote
//     it, and up to its last entry received everywhere else.
//   - Someone holding a store's key can rewrite a whole chain, hashes
//     included. Such a rewrite reaches partners as newer versions written
//     by another computer (Rewritten), and the chain's own computer still
//     sees that its last entry no longer matches its head. A hash chain
//     without signatures does not prove who wrote an entry; Relais's
//     transport (TLS between known devices) and the store's encryption do
//     that part.
//   - Entries never written: the log sees what the services record, in the
//     same transaction as each change, and nothing of what bypasses them.
//
// A chain its computer purged (see Purge) starts at its Start record's
// First rather than at 1: entries before it are not reported, the first
// kept must hold the hash the start holds, and entries missing after it
// are reported as anywhere else. A start is a break (Early) when the last
// entry it deleted, or the first it kept, is younger than the retention
// at now plus Skew (a purge whose clock ran up to Skew ahead of this
// computer's is accepted). The purge writes its tombstones and the start
// in one transaction, so partners receive them together; a copy that gets
// only the tombstones (a sync cut in the middle, a relay that sent part of
// the feed) reports the deleted entries until the start arrives, and one
// that gets only the start reports nothing: the entries it still holds
// before First are checked as any others.
func Check(db *store.DB) (Report, error) { return CheckAt(db, time.Now()) }

// CheckAt is Check with now as the time the retention is counted from.
func CheckAt(db *store.DB, now time.Time) (Report, error) {
	var rep Report
	chains := map[string]*chainState{}
	get := func(id string) *chainState {
		c := chains[id]
		if c == nil {
			c = &chainState{Chain: Chain{ID: id}, centres: map[string]bool{}}
			chains[id] = c
		}
		return c
	}
	// The starts of purged chains, before their entries.
	youngest := Cutoff(now).Add(Skew)
	err := db.Scan(StartKind, "", func(r store.Record) error {
		if !chainPattern.MatchString(r.ID) {
			rep.add(Break{Kind: Undecodable, Record: StartKind + "/" + r.ID})
			return nil
		}
		st, ok := decodeStart(r.Body)
		if !ok {
			rep.add(Break{Chain: r.ID, Kind: BadStart, Record: StartKind + "/" + r.ID})
			return nil
		}
		c := get(r.ID)
		c.start, c.First = st, st.First
		if ChainOf(r.ModifiedBy) != r.ID {
			rep.add(Break{Chain: r.ID, Kind: BadStart, From: st.First, To: st.First})
		}
		if st.LastAt.After(youngest) {
			c.early = true
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	// The scan is by id, so each chain's entries come in order.
	err = db.Scan(Kind, "", func(r store.Record) error {
		chain, seq, ok := splitID(r.ID)
		if !ok {
			rep.add(Break{Kind: Undecodable, Record: r.ID})
			return nil
		}
		c := get(chain)
		e, err := decodeEntry(r.ID, r.Body)
		if err != nil {
			rep.add(Break{Chain: chain, Kind: Undecodable, From: seq, To: seq, Record: r.ID})
			c.after(&rep, db, seq, "") // the gap before it still counts; no link past it
			return nil
		}
		rep.Entries++
		c.Entries++
		if e.Centre != "" {
			c.centres[e.Centre] = true
		}
		if ChainOf(r.ModifiedBy) != chain {
			rep.add(Break{Chain: chain, Kind: Rewritten, From: seq, To: seq})
		}
		if c.Last == seq-1 && c.lastHash != "" && e.Prev != c.lastHash {
			rep.add(Break{Chain: chain, Kind: Changed, From: seq - 1, To: seq - 1})
		}
		if c.First > 0 && seq == c.First {
			if e.Prev != c.start.Prev {
				rep.add(Break{Chain: chain, Kind: BadStart, From: seq, To: seq})
			}
			if e.At.After(youngest) {
				c.early = true
			}
		}
		c.after(&rep, db, seq, hashOf(r.Body))
		return nil
	})
	if err != nil {
		return rep, err
	}
	// The heads of the chains this store wrote, before and after restores.
	own := ChainOf(db.Replica())
	err = db.Scan(HeadKind, "", func(r store.Record) error {
		var h head
		if !chainPattern.MatchString(r.ID) || json.Unmarshal(r.Body, &h) != nil {
			rep.add(Break{Chain: r.ID, Kind: Undecodable, Record: r.ID})
			return nil
		}
		c := get(r.ID)
		c.Head = h.Seq
		switch {
		case c.First > 0 && c.First-1 > h.Seq:
			rep.add(Break{Chain: r.ID, Kind: BadStart, From: c.First, To: c.First})
		case c.First > 0 && c.First-1 == h.Seq && c.Last < c.First:
			if h.Hash != c.start.Prev {
				rep.add(Break{Chain: r.ID, Kind: BadStart, From: c.First, To: c.First})
			}
		case max(c.Last+1, c.First) <= h.Seq && c.Last < h.Seq:
			// The last entries are gone: cut off, deleted, or never kept.
			c.gap(&rep, db, max(c.Last+1, c.First), h.Seq)
		case c.Last > h.Seq && r.ID == own:
			rep.add(Break{Chain: r.ID, Kind: Foreign, From: h.Seq + 1, To: c.Last})
		}
		if c.Last >= h.Seq && h.Seq > 0 {
			if body, ok := c.bodyAt(db, h.Seq); ok && hashOf(body) != h.Hash {
				rep.add(Break{Chain: r.ID, Kind: Changed, From: h.Seq, To: h.Seq})
			}
		}
		if h.Displaced > 0 {
			rep.add(Break{Chain: r.ID, Kind: Foreign, To: uint64(h.Displaced)})
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	// Two versions of one entry that met: the store keeps the loser.
	err = db.Scan(store.ConflictKind, "", func(r store.Record) error {
		var c store.Conflict
		if json.Unmarshal(r.Body, &c) != nil {
			return nil // the conflicts' screen reports it
		}
		id, ok := strings.CutPrefix(c.Name, Kind+"/")
		if !ok {
			return nil
		}
		chain, seq, ok := splitID(id)
		if ok {
			rep.add(Break{Chain: chain, Kind: Forked, From: seq, To: seq})
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, c := range chains {
		if c.First > 0 && c.Last < c.First && c.Head == 0 {
			// Purged, and nothing kept arrived: a purge keeps at least
			// its first entry.
			c.gap(&rep, db, c.First, c.First)
		}
		if c.early {
			rep.add(Break{Chain: c.ID, Kind: Early, From: 1, To: c.First - 1})
		}
		c.Centres = make([]string, 0, len(c.centres))
		for id := range c.centres {
			c.Centres = append(c.Centres, id)
		}
		slices.Sort(c.Centres)
		rep.Chains = append(rep.Chains, c.Chain)
	}
	slices.SortFunc(rep.Chains, func(a, b Chain) int {
		return cmp.Or(cmp.Compare(strings.Join(a.Centres, ","), strings.Join(b.Centres, ",")), cmp.Compare(a.ID, b.ID))
	})
	for i := range rep.Breaks {
		if c := chains[rep.Breaks[i].Chain]; c != nil && len(c.Chain.Centres) > 0 {
			rep.Breaks[i].Centre = c.Chain.Centres[0]
		}
	}
	slices.SortStableFunc(rep.Breaks, func(a, b Break) int {
		return cmp.Or(cmp.Compare(a.Chain, b.Chain), cmp.Compare(a.From, b.From))
	})
	return rep, nil
}

// chainState is a chain while Check walks it.
type chainState struct {
	Chain
	centres  map[string]bool
	lastHash string // of entry Last's body; "" when it did not decode
	start    Start  // where a purged chain starts (First > 0)
	early    bool   // its start deleted entries younger than the retention
}

// after moves the walk to entry seq, reporting the gap before it.
func (c *chainState) after(rep *Report, db *store.DB, seq uint64, hash string) {
	if from := max(c.Last+1, c.First); seq > from {
		c.gap(rep, db, from, seq-1)
	}
	c.Last, c.lastHash = seq, hash
}

// gap reports entries from..to absent: each deleted one, and the rest as
// missing runs (a run from entry 1 says the chain starts late). A gap too
// long to read one by one is one run.
func (c *chainState) gap(rep *Report, db *store.DB, from, to uint64) {
	missing := func(from, to uint64) {
		kind := Missing
		if from == 1 {
			kind = Late
		}
		rep.add(Break{Chain: c.ID, Kind: kind, From: from, To: to})
	}
	if to-from >= maxProbe {
		missing(from, to)
		return
	}
	start := from
	for seq := from; seq <= to; seq++ {
		if !c.deleted(db, seq) {
			continue
		}
		if seq > start {
			missing(start, seq-1)
		}
		rep.add(Break{Chain: c.ID, Kind: Deleted, From: seq, To: seq})
		start = seq + 1
	}
	if start <= to {
		missing(start, to)
	}
}

func (c *chainState) deleted(db *store.DB, seq uint64) bool {
	r, err := db.GetAny(Kind, EntryID(c.ID, seq))
	return err == nil && r.Deleted
}

func (c *chainState) bodyAt(db *store.DB, seq uint64) ([]byte, bool) {
	r, err := db.Get(Kind, EntryID(c.ID, seq))
	return r.Body, err == nil
}

// String gives a technical line for logs and the command line.
func (b Break) String() string {
	return fmt.Sprintf("chain %s (%s) %s %d..%d %s", b.Chain, b.Centre, b.Kind, b.From, b.To, b.Record)
}
