package radar

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"relais/appointments"
	"relais/people"
	"relais/store"
)

// recomputeLocked computes the radar afresh; work is held.
//
// It reads, side by side on the two cores of a help desk's PC:
//  1. every follow-up and case (there are few), and the no-shows of the
//     window: short keys of the radar_when index;
//  2. the bookings of the window from the same index, for the persons met
//     in 1 only: most who missed an appointment booked another since;
//  3. for those still watched, the visits of the last RecentDays and the
//     walk-ins of the window, and who is live and reachable;
//  4. for those the rules list from that, one by one, their appointments
//     from the radar index (one short range of keys each): older visits,
//     centres, mediators and procedures.
//
// Persons kept for the clock alone get their details when they come on
// the radar (complete).
func (r *Radar) recomputeLocked() error {
	seq := r.db.LastSequence() // before reading: Follow goes over what changes meanwhile
	now := r.now()
	rules, err := loadRules(r.db)
	if err != nil {
		return err
	}
	from := days(now, -WindowDays)
	lo := unixKey(from)
	mid := unixKey(from.Add(max(now.Sub(from), 0) / 2))

	var recs records
	var missed [2][]fact
	err = parallel(
		func() (err error) { recs, err = r.readRecords(); return err },
		func() (err error) { missed[0], err = r.whenFacts("a/"+lo, "a/"+mid); return err },
		func() (err error) { missed[1], err = r.whenFacts("a/"+mid, "a0"); return err },
	)
	if err != nil {
		return err
	}
	persons := map[string]*personState{}
	var list []*personState
	state := func(id string) *personState {
		p := persons[id]
		if p == nil {
			p = &personState{id: id, slot: len(list)}
			persons[id] = p
			list = append(list, p)
		}
		return p
	}
	for _, f := range recs.open {
		p := state(f.Person)
		p.followUps = append(p.followUps, f)
	}
	for person, ids := range recs.caseIDs {
		cases := make([]Case, 0, len(ids))
		for _, id := range ids {
			cases = append(cases, *recs.cases[id])
		}
		if c, ok := openCase(cases); ok {
			state(person).kase = recs.cases[c.ID]
		}
	}
	// Each one's latest no-show.
	noShows := make(map[string]*noShow, len(missed[0])+len(missed[1]))
	for _, half := range missed {
		for _, f := range half {
			if n := noShows[f.person]; n == nil || laterNoShow(f, n.fact) {
				noShows[f.person] = &noShow{fact: f}
			}
		}
	}

	// The bookings of the window, in two halves side by side: most who
	// missed an appointment booked another since and are struck off; those
	// with a follow-up or a case keep their bookings.
	booked := make([][2]history, len(list))
	scan := func(parts [][2]history, w int, ranges ...[2]string) func() error {
		return func() error {
			for _, rg := range ranges {
				err := r.db.FindRange(appointments.Kind, WhenIndex, rg[0], rg[1], func(v, id string) error {
					if len(v) < 14 {
						return nil
					}
					p, n := persons[v[13:]], noShows[v[13:]]
					if p == nil && n == nil {
						return nil
					}
					kind, at, _, ok := parseWhenValue(v)
					if !ok {
						return nil
					}
					if p != nil {
						parts[p.slot][w].add(fact{kind: kind, at: at, id: id}, from, nil)
					}
					if n != nil && at.After(n.at) {
						n.struck.Store(true)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		}
	}
	ahead := unixKey(now.AddDate(0, 0, 3*7)) // bookings reach a few weeks ahead: about half on each side
	if err := parallel(scan(booked, 0, [2]string{"b/" + lo, "b/" + ahead}), scan(booked, 1, [2]string{"b/" + ahead, "b0"})); err != nil {
		return err
	}
	for _, p := range list {
		p.hist.absorb(&booked[p.slot][0])
		p.hist.absorb(&booked[p.slot][1])
	}
	booked = nil
	for person, n := range noShows {
		if !n.struck.Load() {
			p := state(person)
			p.hist.add(n.fact, from, nil)
		}
	}
	noShows = nil

	// What the others did lately: their visits of the last RecentDays and
	// their walk-ins, side by side with who is live and reachable.
	recent := days(now, -RecentDays)
	if recent.Before(from) {
		recent = from
	}
	rlo, rmid := unixKey(recent), unixKey(recent.Add(max(now.Sub(recent), 0)/2))
	visits := make([][2]history, len(list))
	walkIns := map[string][]fact{}
	walkInScan := func() error {
		intern := newInterner()
		return r.db.FindRange(appointments.WalkInKind, IndexName, lo, "9999999999~", func(v, id string) error {
			if f, ok := parseWalkInValue(v, id); ok {
				if p := persons[f.person]; p != nil {
					f.person, f.centre, f.mediator = p.id, intern(f.centre), intern(f.mediator)
					visits[p.slot][1].add(f, from, intern)
					walkIns[p.id] = append(walkIns[p.id], f)
				}
			}
			return nil
		})
	}
	reach := func() error {
		return r.db.FindPrefix(people.Kind, ReachIndex, "", func(v, id string) error {
			if p := persons[id]; p != nil {
				p.live, p.unreachable = true, v == "n"
			}
			return nil
		})
	}
	first := scan(visits, 0, [2]string{"s/" + rlo, "s/" + rmid})
	second := scan(visits, 1, [2]string{"s/" + rmid, "s0"}, [2]string{"r/" + rlo, "r0"})
	if err := parallel(first, func() error { return errors.Join(second(), walkInScan()) }, reach); err != nil {
		return err
	}

	// Who stays: on the radar now, or later by the clock alone. Without
	// the older visits, a history can only miss news: the rules may list
	// someone too many, never one too few. Those listed get their full
	// history (and their entry its centres, mediators and procedures), which
	// settles it; the others get it if the clock lists them (complete).
	var kept, listed []*personState
	for _, p := range list {
		p.hist.absorb(&visits[p.slot][0])
		p.hist.absorb(&visits[p.slot][1])
		if p.relevant() {
			slices.SortFunc(p.followUps, compareOpened)
			kept = append(kept, p)
			if _, ok, _ := evaluate(p, rules, now); ok && !p.full {
				listed = append(listed, p)
			}
		}
	}
	if err := r.completeAll(listed, from, walkIns); err != nil {
		return err
	}

	var toClose []string
	r.mu.Lock()
	r.rules, r.cases, r.caseIDs, r.owners, r.loadedAt = rules, recs.cases, recs.caseIDs, recs.owners, seq
	r.persons, r.entries, r.order, r.wakes = make(map[string]*personState, len(kept)), map[string]*Entry{}, nil, nil
	for _, p := range kept {
		if !p.relevant() {
			continue // a full history may show them resolved
		}
		r.persons[p.id] = p
		r.evaluateLocked(p, now)
		if p.kase != nil && p.kase.Opened.Before(p.hist.lastCame) {
			toClose = append(toClose, p.id) // came back: a refresh reads who recorded it
		}
	}
	r.mu.Unlock()
	for _, id := range toClose {
		if err := r.refreshLocked(id); err != nil {
			return err
		}
	}
	return nil
}

// noShow is a person's latest no-show during a recompute; struck is set
// when they booked after it.
type noShow struct {
	fact
	struck atomic.Bool
}

// laterNoShow reports whether a is a later no-show than b (by id for the same
// start, as history.add does).
func laterNoShow(a, b fact) bool { return a.at.After(b.at) || (a.at.Equal(b.at) && a.id > b.id) }

// workers is how many persons' details a recompute reads at once: the
// help desks' PCs have two cores.
const workers = 2

// RecentDays is how far back a recompute reads everyone's visits; older
// ones are read person by person, for those it lists.
const RecentDays = 28

// completeAll gives each of ps its full history, by two workers reading
// the radar index forward.
func (r *Radar) completeAll(ps []*personState, from time.Time, walkIns map[string][]fact) error {
	slices.SortFunc(ps, func(a, b *personState) int { return strings.Compare(a.id, b.id) })
	jobs := make([]func() error, workers)
	for w := range jobs {
		jobs[w] = func() error {
			intern := newInterner()
			for _, p := range ps[w*len(ps)/workers : (w+1)*len(ps)/workers] {
				if err := r.completeWith(p, from, intern, walkIns[p.id]); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return parallel(jobs...)
}

// parallel runs fns side by side and returns their errors.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// records are the follow-ups and cases of the whole store.
type records struct {
	open    []FollowUp          // the open follow-ups
	owners  map[string]string   // follow-up id → person, for all
	cases   map[string]*Case    // by id
	caseIDs map[string][]string // by person
}

// readRecords reads every follow-up and case. A damaged record from
// elsewhere is left out rather than blinding the radar.
func (r *Radar) readRecords() (records, error) {
	recs := records{owners: map[string]string{}, cases: map[string]*Case{}, caseIDs: map[string][]string{}}
	err := r.db.Scan(FollowUpKind, "", func(rec store.Record) error {
		f, err := decode[FollowUp](rec)
		if err != nil || f.Person == "" {
			return nil
		}
		f.ID = rec.ID
		recs.owners[f.ID] = f.Person
		if f.Open() {
			recs.open = append(recs.open, f)
		}
		return nil
	})
	if err != nil {
		return records{}, err
	}
	err = r.db.Scan(CaseKind, "", func(rec store.Record) error {
		c, err := decode[Case](rec)
		if err != nil || c.Person == "" {
			return nil
		}
		c.ID = rec.ID
		recs.cases[c.ID] = &c
		recs.caseIDs[c.Person] = append(recs.caseIDs[c.Person], c.ID)
		return nil
	})
	return recs, err
}

// whenFacts reads the facts in [from, to) of the radar_when index.
func (r *Radar) whenFacts(from, to string) ([]fact, error) {
	var out []fact
	err := r.db.FindRange(appointments.Kind, WhenIndex, from, to, func(v, id string) error {
		if kind, at, person, ok := parseWhenValue(v); ok {
			out = append(out, fact{kind: kind, at: at, person: strings.Clone(person), id: id})
		}
		return nil
	})
	return out, err
}

// appointmentHistory adds a person's appointments to h, from the radar
// index: one short range of keys, no record decoded.
func (r *Radar) appointmentHistory(person string, from time.Time, h *history, intern func(string) string) error {
	return r.db.FindPrefix(appointments.Kind, IndexName, person+"/", func(v, id string) error {
		if f, ok := parseAppointmentValue(v, id); ok && f.person == person {
			h.add(f, from, intern)
		}
		return nil
	})
}

// completeWith gives p its full history: the appointments from the radar
// index, with walkIns, the person's walk-ins of the window.
func (r *Radar) completeWith(p *personState, from time.Time, intern func(string) string, walkIns []fact) error {
	var h history
	if err := r.appointmentHistory(p.id, from, &h, intern); err != nil {
		return err
	}
	for _, f := range walkIns {
		h.add(f, from, intern)
	}
	h.localCame = p.hist.localCame
	p.hist, p.full = h, true
	return nil
}

// complete gives p its full history when it comes on the radar by the
// clock alone; mu is held. On failure p keeps what it had, without
// details, and the next change or recompute tries again.
func (r *Radar) complete(p *personState, now time.Time) {
	from := days(now, -WindowDays)
	intern := newInterner()
	var walkIns []fact
	ids, err := r.db.Find(appointments.WalkInKind, "person", p.id)
	if err != nil {
		return
	}
	for _, id := range ids {
		rec, err := r.db.Get(appointments.WalkInKind, id)
		if err != nil {
			continue
		}
		if w, err := decode[appointments.WalkIn](rec); err == nil {
			if f, ok := walkInFact(id, w); ok && f.person == p.id {
				walkIns = append(walkIns, f)
			}
		}
	}
	_ = r.completeWith(p, from, intern, walkIns)
}
