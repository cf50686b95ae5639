package radar

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/people"
	"relais/store"
)

// Indexes are the store indexes the radar needs: its own kinds' person
// index, and the radar indexes on appointments, walk-ins and persons that
// let it read index keys instead of records.
func Indexes() []store.Index {
	return []store.Index{
		store.IndexOn(appointments.Kind, IndexName, 2, appointmentValues),     // 2: by person first
		store.IndexOn(appointments.Kind, WhenIndex, 2, appointmentWhenValues), // 2: visits too
		store.IndexOn(appointments.WalkInKind, IndexName, 1, walkInValues),
		store.IndexOn(people.Kind, ReachIndex, 1, reachValues),
		store.IndexOn(FollowUpKind, "person", 1, func(f FollowUp) []string { return []string{f.Person} }),
		store.IndexOn(CaseKind, "person", 1, func(c Case) []string { return []string{c.Person} }),
	}
}

// Filter narrows the radar's list. Empty fields do not filter.
type Filter struct {
	Centre    string // a centre id among the entry's Centres
	Rule      string // a Rule, e.g. string(NoShow)
	Procedure string // a catalogue code among the entry's Procedures
	Mediator  string // among the entry's Mediators
	// MinAge keeps the entries on the radar for at least that long.
	MinAge time.Duration
}

// WeekCount is how many cases were opened and closed in one week.
type WeekCount struct {
	Monday  time.Time // 00:00 in Paris
	Entered int
	Left    int
}

// Radar computes who dropped off the radar across the network and keeps
// the follow-ups and cases. It is safe for concurrent use.
type Radar struct {
	db      *store.DB
	who     *actor.Actor // whose role is checked and whose actions are logged
	now     func() time.Time
	replica uint64

	// work serialises recomputes, refreshes and the radar's writes, so the
	// state follows the store's order.
	work sync.Mutex

	mu      sync.RWMutex // guards what follows
	rules   Rules
	persons map[string]*personState // who is, or may become by the clock alone, on the radar
	entries map[string]*Entry
	order   []*Entry // the entries by urgency; nil when it must be sorted again
	wakes   wakeHeap
	cases   map[string]*Case    // every case, by id
	caseIDs map[string][]string // case ids by person
	owners  map[string]string   // follow-up id → person, to place tombstones
	// loadedAt is the store's sequence before the last recompute read it.
	loadedAt uint64
}

// New reads the network's rules and computes the radar over the whole
// store (Recompute): there is no need to call Recompute after it. now is
// the clock (time.Now when nil). db must have been opened with Indexes
// (and appointments' and people's).
//
// who is the member of staff signed in: the network's list (Entries,
// Weekly) and cases are for roles that read the radar (coordinators,
// administrators); every role sees whether a person is on it (EntryOf).
func New(db *store.DB, who *actor.Actor, now func() time.Time) (*Radar, error) {
	if now == nil {
		now = time.Now
	}
	r := &Radar{db: db, who: who, now: now, replica: db.Replica()}
	if err := r.Recompute(); err != nil {
		return nil, err
	}
	return r, nil
}

// Rules returns the network's rules.
func (r *Radar) Rules() Rules {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.rules
}

// SetRules validates and saves the network's rules, then applies them to
// everyone. Nothing is written when they are refused.
func (r *Radar) SetRules(rules Rules) error {
	if err := r.who.Check(actor.SetRadarRules); err != nil {
		return err
	}
	if err := rules.Validate(); err != nil {
		return err
	}
	r.work.Lock()
	defer r.work.Unlock()
	err := r.db.Update(func(tx *store.Tx) error {
		if _, err := store.PutIn(tx, RulesKind, RulesID, rules, store.ScopeNetwork); err != nil {
			return err
		}
		return r.who.Log(tx, actor.RadarRulesSet, "", RulesKind+"/"+RulesID)
	})
	if err != nil {
		return err
	}
	r.applyRules(rules)
	return nil
}

// applyRules evaluates everyone again under new rules. Who the radar keeps
// in memory does not depend on the rules, so nothing is read again.
func (r *Radar) applyRules(rules Rules) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = rules
	r.wakes = r.wakes[:0]
	for _, p := range r.persons {
		r.evaluateLocked(p, now)
	}
}

// Recompute computes the whole radar again from the store (see
// recomputeLocked): index keys for the appointments and walk-ins, never
// their records; the follow-ups and cases in full.
func (r *Radar) Recompute() error {
	r.work.Lock()
	defer r.work.Unlock()
	return r.recomputeLocked()
}

// newInterner returns a function sharing equal strings, so that the
// histories keep one copy of each centre and mediator id, not slices of
// index keys.
func newInterner() func(string) string {
	names := map[string]string{}
	return func(s string) string {
		if v, ok := names[s]; ok {
			return v
		}
		s = strings.Clone(s)
		names[s] = s
		return s
	}
}

func compareOpened(a, b FollowUp) int {
	if c := a.Opened.Compare(b.Opened); c != 0 {
		return c
	}
	if a.ID < b.ID {
		return -1
	}
	if a.ID > b.ID {
		return 1
	}
	return 0
}

// evaluateLocked applies the rules to p and files the result; mu is held.
func (r *Radar) evaluateLocked(p *personState, now time.Time) {
	e, ok, wake := evaluate(p, r.rules, now)
	if ok && !p.full {
		r.complete(p, now)
		e, ok, wake = evaluate(p, r.rules, now)
	}
	if ok {
		r.entries[p.id] = &e
	} else {
		delete(r.entries, p.id)
	}
	r.order = nil
	p.wake = wake
	if !wake.IsZero() {
		heap.Push(&r.wakes, wakeUp{at: wake, person: p.id})
	}
	if len(r.wakes) > 4*len(r.persons)+1024 {
		// Each evaluation leaves its older wake-up behind: drop them.
		r.wakes = r.wakes[:0]
		for _, q := range r.persons {
			if !q.wake.IsZero() {
				r.wakes = append(r.wakes, wakeUp{at: q.wake, person: q.id})
			}
		}
		heap.Init(&r.wakes)
	}
}

// Refresh computes one person again from their records, after a change.
// It also closes their case when they came back since it was opened.
func (r *Radar) Refresh(person string) error {
	r.work.Lock()
	defer r.work.Unlock()
	return r.refreshLocked(person)
}

// refreshAfterWrite refreshes a person after one of the radar's own
// writes. A failure to read back is not the write's failure: Follow or
// the next recompute catches up.
func (r *Radar) refreshAfterWrite(person string) { _ = r.refreshLocked(person) }

func (r *Radar) refreshLocked(person string) error {
	if person == "" {
		return nil
	}
	now := r.now()
	p, cases, fus, err := r.read(person, now)
	if err != nil {
		return err
	}
	// The person came back after the case was opened: the centre that
	// recorded the visit closes the case, and partners receive the closing.
	if c := p.kase; c != nil && c.Opened.Before(p.hist.localCame) {
		closed, err := r.closeCameBack(c.ID, p.hist.localCame)
		if err != nil {
			return err
		}
		if closed != nil {
			for i := range cases {
				if cases[i].ID == closed.ID {
					cases[i] = *closed
				}
			}
			p.kase = nil
			if c, ok := openCase(cases); ok {
				p.kase = &c
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range r.caseIDs[person] {
		if c := r.cases[id]; c != nil && c.Person == person {
			delete(r.cases, id)
		}
	}
	delete(r.caseIDs, person)
	for i := range cases {
		c := &cases[i]
		if p.kase != nil && p.kase.ID == c.ID {
			c = p.kase
		}
		r.cases[c.ID] = c
		r.caseIDs[person] = append(r.caseIDs[person], c.ID)
	}
	for _, id := range fus {
		r.owners[id] = person
	}
	if !p.relevant() {
		delete(r.persons, person)
		if _, ok := r.entries[person]; ok {
			delete(r.entries, person)
			r.order = nil
		}
		return nil
	}
	r.persons[person] = p
	r.evaluateLocked(p, now)
	return nil
}

// read builds a person's state from their records, and returns their cases
// and the ids of their follow-ups. work is held.
func (r *Radar) read(person string, now time.Time) (*personState, []Case, []string, error) {
	p := &personState{id: person}
	if store.ValidName(people.Kind, person) != nil {
		return p, nil, nil, nil
	}
	rec, err := r.db.Get(people.Kind, person)
	switch {
	case err == nil:
		if who, err := decode[people.Person](rec); err == nil {
			p.live, p.unreachable = true, unreachable(who)
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, nil, nil, err
	}
	from := days(now, -WindowDays)
	intern := newInterner()
	var came []fact // the visits, to tell who recorded them
	add := func(f fact) {
		p.hist.add(f, from, intern)
		if f.came() && !f.at.Before(from) {
			came = append(came, f)
		}
	}
	err = r.db.FindPrefix(appointments.Kind, IndexName, person+"/", func(v, id string) error {
		if f, ok := parseAppointmentValue(v, id); ok && f.person == person {
			add(f)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	ids, err := r.db.Find(appointments.WalkInKind, "person", person)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, id := range ids {
		rec, err := r.db.Get(appointments.WalkInKind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if w, err := decode[appointments.WalkIn](rec); err == nil {
			if f, ok := walkInFact(id, w); ok && f.person == person {
				add(f)
			}
		}
	}
	fus, err := followUpsOf(r.db.Find, r.db.Get, person)
	if err != nil {
		return nil, nil, nil, err
	}
	var fuIDs []string
	for _, f := range fus {
		fuIDs = append(fuIDs, f.ID)
		if f.Open() {
			p.followUps = append(p.followUps, f)
		}
	}
	slices.SortFunc(p.followUps, compareOpened)
	cases, err := casesOf(r.db.Find, r.db.Get, person)
	if err != nil {
		return nil, nil, nil, err
	}
	if c, ok := openCase(cases); ok {
		p.kase = &c
		// Which of the visits since the case opened did this centre record?
		// A partner's visit counts too once the partner had a week to close
		// the case itself (it may not run the radar, or be gone).
		for _, f := range came {
			if !f.at.After(c.Opened) || !f.at.After(p.hist.localCame) {
				continue
			}
			kind := appointments.Kind
			if f.kind == factWalkIn {
				kind = appointments.WalkInKind
			}
			rec, err := r.db.Get(kind, f.id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, nil, err
			}
			if rec.ModifiedBy == r.replica || now.Sub(f.at) > PartnerGrace {
				p.hist.localCame = f.at
			}
		}
	}
	p.full = true
	return p, cases, fuIDs, nil
}

// closeCameBack closes a case because the person came back at came. It
// returns nil when the case was closed meanwhile.
func (r *Radar) closeCameBack(id string, came time.Time) (*Case, error) {
	var c Case
	done := false
	err := r.db.Update(func(tx *store.Tx) error {
		var m store.Meta
		var err error
		c, m, err = store.GetIn[Case](tx, CaseKind, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		c.ID = id
		if !c.IsOpen() {
			return nil
		}
		c.Status, c.Reason, c.Closed, c.ClosedBy = CaseClosed, CameBack, came.UTC(), ""
		done = true
		_, err = store.PutIn(tx, CaseKind, id, c, m.Scope)
		return err
	})
	if err != nil || !done {
		return nil, err
	}
	return &c, nil
}

// PartnerGrace is how long a partner centre that recorded a person's visit
// has to close their case itself before this centre does it.
const PartnerGrace = 7 * 24 * time.Hour

// fullRecomputeAbove is the number of persons touched at once above which
// Follow recomputes everything rather than each of them (a refresh costs
// about a two-thousandth of a recompute).
const fullRecomputeAbove = 2000

// Follow keeps the radar in step with the writes that do not go through
// it — appointments, walk-ins, persons, and the partners' follow-ups,
// cases and rules applied by sync — until ctx ends or the store closes.
func (r *Radar) Follow(ctx context.Context) {
	r.mu.RLock()
	since := r.loadedAt
	r.mu.RUnlock()
	touched := map[string]bool{}
	full, rules := false, false
	_ = r.db.Follow(ctx, since, func(rec store.Record) error {
		r.touched(rec, touched, &full, &rules)
		return nil
	}, func() error {
		defer func() {
			clear(touched)
			full, rules = false, false
		}()
		if rules && !full {
			loaded, err := loadRules(r.db)
			if errors.Is(err, store.ErrClosed) {
				return err
			}
			if err == nil {
				r.work.Lock()
				r.applyRules(loaded)
				r.work.Unlock()
			}
		}
		if full || len(touched) > fullRecomputeAbove {
			if err := r.Recompute(); errors.Is(err, store.ErrClosed) {
				return err
			}
			return nil
		}
		for person := range touched {
			if err := r.Refresh(person); errors.Is(err, store.ErrClosed) {
				return err
			}
		}
		return nil
	})
}

// touched notes the persons a changed record concerns; full is set when
// only a recompute can tell (a deleted appointment names nobody), rules
// when the network's rules changed.
func (r *Radar) touched(rec store.Record, touched map[string]bool, full, rules *bool) {
	var ref struct {
		Person string `json:"person"`
		Into   string `json:"into"`
	}
	switch rec.Kind {
	case people.MergeKind, appointments.Kind, appointments.WalkInKind, FollowUpKind, CaseKind:
		if !rec.Deleted {
			_ = json.Unmarshal(rec.Body, &ref) // a body that does not decode names nobody
		}
	}
	switch rec.Kind {
	case RulesKind:
		*rules = true
	case people.Kind:
		touched[rec.ID] = true
	case people.MergeKind:
		touched[rec.ID] = true
		if ref.Into != "" {
			touched[ref.Into] = true
		}
	case appointments.Kind, appointments.WalkInKind:
		if rec.Deleted {
			*full = true // a purge: the tombstone no longer says whose it was
		} else if ref.Person != "" {
			touched[ref.Person] = true
		}
	case FollowUpKind:
		r.mu.RLock()
		owner := r.owners[rec.ID]
		r.mu.RUnlock()
		for _, p := range []string{owner, ref.Person} {
			if p != "" {
				touched[p] = true
			}
		}
	case CaseKind:
		r.mu.RLock()
		var owner string
		if c := r.cases[rec.ID]; c != nil {
			owner = c.Person
		}
		r.mu.RUnlock()
		for _, p := range []string{owner, ref.Person} {
			if p != "" {
				touched[p] = true
			}
		}
	}
}

// settleLocked evaluates again the persons whose answer the clock changed; mu is held.
func (r *Radar) settleLocked(now time.Time) {
	for len(r.wakes) > 0 && !r.wakes[0].at.After(now) {
		w := heap.Pop(&r.wakes).(wakeUp)
		if p := r.persons[w.person]; p != nil && p.wake.Equal(w.at) {
			r.evaluateLocked(p, now)
		}
	}
}

// view runs fn on the state brought up to the clock.
func (r *Radar) view(fn func(now time.Time)) {
	now := r.now()
	r.mu.RLock()
	due := len(r.wakes) > 0 && !r.wakes[0].at.After(now)
	if !due && r.order != nil {
		defer r.mu.RUnlock()
		fn(now)
		return
	}
	r.mu.RUnlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settleLocked(now)
	if r.order == nil {
		r.order = make([]*Entry, 0, len(r.entries))
		for _, e := range r.entries {
			r.order = append(r.order, e)
		}
		slices.SortFunc(r.order, compareEntries)
	}
	fn(now)
}

// Entries returns the persons on the radar that match f, by urgency: due
// dates first, by date, then the longest on the radar.
func (r *Radar) Entries(f Filter) []Entry {
	if !r.who.Can(actor.ReadRadar) {
		return nil
	}
	var out []Entry
	r.view(func(now time.Time) {
		for _, e := range r.order {
			if f.matches(e, now) {
				out = append(out, *e)
			}
		}
	})
	return out
}

func (f Filter) matches(e *Entry, now time.Time) bool {
	switch {
	case f.Centre != "" && !slices.Contains(e.Centres, f.Centre),
		f.Rule != "" && !e.Has(Rule(f.Rule)),
		f.Procedure != "" && !slices.Contains(e.Procedures, f.Procedure),
		f.Mediator != "" && !slices.Contains(e.Mediators, f.Mediator),
		f.MinAge > 0 && now.Sub(e.since()) < f.MinAge:
		return false
	}
	return true
}

// EntryOf returns the person's entry, for the banner on their file; ok
// is false when they are not on the radar.
func (r *Radar) EntryOf(person string) (Entry, bool) {
	var e Entry
	var ok bool
	r.view(func(time.Time) {
		if p := r.entries[person]; p != nil {
			e, ok = *p, true
		}
	})
	return e, ok
}

// MaxWeeks bounds Weekly: ten years.
const MaxWeeks = 520

// Weekly counts the cases opened (Entered) and closed (Left) in each of the
// last weeks weeks, the current one last; weeks are Monday to Sunday in Paris.
func (r *Radar) Weekly(weeks int) []WeekCount {
	if !r.who.Can(actor.ReadRadar) {
		return nil
	}
	if weeks <= 0 {
		return nil
	}
	weeks = min(weeks, MaxWeeks)
	now := r.now().In(appointments.Paris)
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, appointments.Paris)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(weeks-1))
	out := make([]WeekCount, weeks)
	for i := range out {
		out[i].Monday = first.AddDate(0, 0, 7*i)
	}
	week := func(t time.Time) int {
		if t.IsZero() {
			return -1
		}
		n := dayNumber(t) - dayNumber(first)
		if n < 0 {
			return -1
		}
		return n / 7
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, c := range r.cases {
		if i := week(c.Opened); i >= 0 && i < weeks {
			out[i].Entered++
		}
		if c.Status == CaseClosed {
			if i := week(c.Closed); i >= 0 && i < weeks {
				out[i].Left++
			}
		}
	}
	return out
}

// dayNumber counts the Paris calendar days since 1970, whatever the hour changes.
func dayNumber(t time.Time) int {
	y, m, d := t.In(appointments.Paris).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// decode reads a record's JSON body.
func decode[T any](rec store.Record) (T, error) {
	var v T
	if err := json.Unmarshal(rec.Body, &v); err != nil {
		return v, store.ErrDamaged.Because(err)
	}
	return v, nil
}

// wakeUp is a time at which a person's answer may change by the clock alone.
type wakeUp struct {
	at     time.Time
	person string
}

type wakeHeap []wakeUp

func (h wakeHeap) Len() int           { return len(h) }
func (h wakeHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h wakeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *wakeHeap) Push(x any)        { *h = append(*h, x.(wakeUp)) }
func (h *wakeHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	return w
}

// marshal writes a record's JSON body.
func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, store.ErrInvalidBody.Because(err)
	}
	return b, nil
}
