// Package stats computes the activity figures a network of centres is
// funded on, for one centre or the whole network over a period: the
// accompaniments by procedure and organisation, individual or collective,
// the time spent, the autonomy of the people, the no-show rate, the people
// entering and leaving the radar and the new people.
//
// Appointments are read from the agenda index of appointments (no record is
// decoded), walk-ins and workshops from their few records, radar cases from
// theirs. The figures hold counts only: no name, no note.
package stats

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"relais/actor"
	"relais/appointments"
	"relais/problem"
	"relais/radar"
	"relais/store"
	"relais/workshops"
)

// Problems of the figures.
var (
	ErrBadPeriod     = problem.Register("stats.bad_period")
	ErrUnknownCentre = problem.Register("stats.unknown_centre")
)

// Count is how many accompaniments one procedure or organisation had, and
// the minutes they took.
type Count struct {
	Key     string // a procedure code or an organisation's name
	N       int
	Minutes int
}

// Figures are the activity figures of a centre or of the network over a period.
type Figures struct {
	// Appointments counts the appointments starting in the period, whatever
	// their status, and Status splits them.
	Appointments int
	Status       map[appointments.Status]int
	// Individual counts the individual accompaniments: the appointments
	// seen and the walk-ins a mediator took.
	Individual int
	WalkIns    int
	// Workshops counts the collective accompaniments (workshops) and
	// Participants the people who attended them.
	Workshops    int
	Participants int
	// Minutes is the time spent: the planned length of the appointments
	// seen and of the workshops, and the catalogue's usual length of the
	// procedure of each walk-in taken (none when it named no procedure).
	Minutes int
	// Autonomy counts the appointments seen by the autonomy recorded; the
	// key "" holds those recorded without one.
	Autonomy map[appointments.Autonomy]int
	// Modes counts the appointments seen by how they took place.
	Modes map[appointments.Mode]int
	// Procedures and Organisations count the accompaniments (individual,
	// and workshops about a procedure) by catalogue code and organisation,
	// the most frequent first.
	Procedures    []Count
	Organisations []Count
	// People counts the distinct persons accompanied individually, and
	// NewPeople those of them whose file was opened in the period.
	People    int
	NewPeople int
	// RadarEntered and RadarLeft count the follow-up cases opened and
	// closed in the period: people who dropped off the radar and were taken
	// in hand, and people found again (or closed for another reason).
	RadarEntered, RadarLeft int
}

// Accompaniments counts the individual and collective accompaniments.
func (f Figures) Accompaniments() int { return f.Individual + f.Workshops }

// NoShowRate is the share of the appointments whose time came that the
// person missed without notice: absent / (seen + arrived + absent). Excused
// and cancelled appointments do not count. 0 when there was none.
func (f Figures) NoShowRate() float64 {
	came := f.Status[appointments.Seen] + f.Status[appointments.Arrived]
	absent := f.Status[appointments.Absent]
	if came+absent == 0 {
		return 0
	}
	return float64(absent) / float64(came+absent)
}

// CollectiveShare is the share of the accompaniments that were collective.
func (f Figures) CollectiveShare() float64 {
	if f.Accompaniments() == 0 {
		return 0
	}
	return float64(f.Workshops) / float64(f.Accompaniments())
}

// Report is the figures of a period for one centre or the whole network.
type Report struct {
	Period Period
	// Centre is the centre's id, "" for the whole network; Name is its name,
	// or the network's (« Réseau » when none is given).
	Centre, Name string
	Figures
	// Centres are the figures of each centre, by name, when the report is
	// the whole network's; none otherwise.
	Centres []CentreFigures
	// Made is when the figures were computed.
	Made time.Time
}

// CentreFigures are one centre's figures within a network report.
type CentreFigures struct {
	Centre
	Figures
}

// Options narrow what Compute reads.
type Options struct {
	// Centre is the id of the centre to report on; "" for the whole network.
	Centre string
	// Network names the network in the whole network's report.
	Network string
	// Who reads the figures: their role must allow reading reports.
	Who *actor.Actor
	// Now dates the report; time.Now when nil.
	Now func() time.Time
}

// Compute reads the figures of period p. It stops with ctx's error when
// ctx is cancelled. A centre that is not in the network is ErrUnknownCentre.
func Compute(ctx context.Context, db *store.DB, p Period, o Options) (Report, error) {
	if err := o.Who.Check(actor.ReadReports); err != nil {
		return Report{}, err
	}
	if !p.valid() {
		return Report{}, ErrBadPeriod
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	all, err := Centres(db)
	if err != nil {
		return Report{}, err
	}
	r := Report{Period: p, Centre: o.Centre, Name: cmp.Or(o.Network, "Réseau"), Made: now()}
	centres := all
	if o.Centre != "" {
		i := slices.IndexFunc(all, func(c Centre) bool { return c.ID == o.Centre })
		if i < 0 {
			return Report{}, ErrUnknownCentre
		}
		centres, r.Name = all[i:i+1], all[i].Name
	}
	acc := map[string]*tally{}
	for _, c := range centres {
		acc[c.ID] = newTally()
	}
	// Appointments, from the index.
	ids := make([]string, len(centres))
	for i, c := range centres {
		ids[i] = c.ID
	}
	err = Items(ctx, db, ids, p, func(it Item) error {
		acc[it.Centre].appointment(it)
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	// Walk-ins: a few a day per centre, read from their records.
	first, end := p.dayBounds()
	walkins := store.NewCollection[appointments.WalkIn](db, appointments.WalkInKind)
	for _, c := range centres {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		var wids []string
		err := db.FindRange(appointments.WalkInKind, "centre_day", c.ID+"/"+first, c.ID+"/"+end, func(_, id string) error {
			wids = append(wids, id)
			return nil
		})
		if err != nil {
			return Report{}, err
		}
		for _, id := range wids {
			w, _, err := walkins.Get(id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return Report{}, err
			}
			if p.Holds(w.Arrived) {
				acc[c.ID].walkIn(w)
			}
		}
	}
	// Workshops and radar cases: few records, read whole.
	err = workshops.Between(db, o.Centre, p.From, p.To, func(e workshops.Entry) error {
		if t := acc[e.Centre]; t != nil {
			t.workshop(e.Workshop)
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	// A case opened where no centre was recorded counts for the network only.
	elsewhere := newTally()
	err = store.NewCollection[radar.Case](db, radar.CaseKind).All(func(_ string, c radar.Case) error {
		t := acc[c.Centre]
		if t == nil && o.Centre == "" {
			t = elsewhere
		}
		if t == nil {
			return nil
		}
		if p.Holds(c.Opened) {
			t.radarEntered++
		}
		if c.Status == radar.CaseClosed && p.Holds(c.Closed) {
			t.radarLeft++
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	total := newTally()
	total.add(elsewhere)
	for _, c := range centres {
		t := acc[c.ID]
		total.add(t)
		if o.Centre == "" {
			r.Centres = append(r.Centres, CentreFigures{Centre: c, Figures: t.figures(p)})
		}
	}
	r.Figures = total.figures(p)
	return r, nil
}

// tally accumulates the figures of one centre, then of the network.
type tally struct {
	f                       Figures
	procedures              map[string]*Count
	people                  map[string]struct{}
	radarEntered, radarLeft int
}

func newTally() *tally {
	return &tally{
		f: Figures{Status: map[appointments.Status]int{}, Autonomy: map[appointments.Autonomy]int{},
			Modes: map[appointments.Mode]int{}},
		procedures: map[string]*Count{},
		people:     map[string]struct{}{},
	}
}

func (t *tally) procedure(code string, minutes int) {
	if code == "" {
		return
	}
	c := t.procedures[code]
	if c == nil {
		c = &Count{Key: code}
		t.procedures[code] = c
	}
	c.N++
	c.Minutes += minutes
}

func (t *tally) appointment(it Item) {
	t.f.Appointments++
	t.f.Status[it.Status]++
	if it.Status != appointments.Seen {
		return
	}
	t.f.Individual++
	t.f.Minutes += it.Minutes
	t.f.Autonomy[it.Autonomy]++
	t.f.Modes[it.Mode]++
	t.procedure(it.Procedure, it.Minutes)
	if it.Person != "" {
		t.people[it.Person] = struct{}{}
	}
}

func (t *tally) walkIn(w appointments.WalkIn) {
	if w.Status != appointments.Taken {
		return
	}
	t.f.Individual++
	t.f.WalkIns++
	minutes := 0
	if p, err := appointments.FindProcedure(w.Procedure); err == nil {
		minutes = p.Minutes
	}
	t.f.Minutes += minutes
	t.procedure(w.Procedure, minutes)
	if w.Person != "" {
		t.people[w.Person] = struct{}{}
	}
}

func (t *tally) workshop(w workshops.Workshop) {
	t.f.Workshops++
	t.f.Participants += w.Participants
	t.f.Minutes += w.Minutes
	t.procedure(w.Procedure, w.Minutes)
}

// add adds o's counts to t; people seen at two centres count once.
func (t *tally) add(o *tally) {
	t.f.Appointments += o.f.Appointments
	t.f.Individual += o.f.Individual
	t.f.WalkIns += o.f.WalkIns
	t.f.Workshops += o.f.Workshops
	t.f.Participants += o.f.Participants
	t.f.Minutes += o.f.Minutes
	for k, v := range o.f.Status {
		t.f.Status[k] += v
	}
	for k, v := range o.f.Autonomy {
		t.f.Autonomy[k] += v
	}
	for k, v := range o.f.Modes {
		t.f.Modes[k] += v
	}
	for k, c := range o.procedures {
		d := t.procedures[k]
		if d == nil {
			d = &Count{Key: k}
			t.procedures[k] = d
		}
		d.N += c.N
		d.Minutes += c.Minutes
	}
	for id := range o.people {
		t.people[id] = struct{}{}
	}
	t.radarEntered += o.radarEntered
	t.radarLeft += o.radarLeft
}

// figures finishes the tally: sorted counts, people, new people.
func (t *tally) figures(p Period) Figures {
	f := t.f
	f.Status = maps.Clone(f.Status)
	f.Autonomy = maps.Clone(f.Autonomy)
	f.Modes = maps.Clone(f.Modes)
	f.RadarEntered, f.RadarLeft = t.radarEntered, t.radarLeft
	orgs := map[string]*Count{}
	for _, c := range t.procedures {
		f.Procedures = append(f.Procedures, *c)
		org := "Autre"
		if pr, err := appointments.FindProcedure(c.Key); err == nil {
			org = pr.Organisation
		}
		o := orgs[org]
		if o == nil {
			o = &Count{Key: org}
			orgs[org] = o
		}
		o.N += c.N
		o.Minutes += c.Minutes
	}
	for _, o := range orgs {
		f.Organisations = append(f.Organisations, *o)
	}
	byCount := func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key)) }
	slices.SortFunc(f.Procedures, byCount)
	slices.SortFunc(f.Organisations, byCount)
	f.People = len(t.people)
	for id := range t.people {
		if p.Holds(Opened(id)) {
			f.NewPeople++
		}
	}
	return f
}

// Opened returns when a person's file was opened: person ids are UUIDv7,
// which carry their creation time. Zero for an id that is not one.
func Opened(id string) time.Time {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		return time.Time{}
	}
	sec, nsec := u.Time().UnixTime()
	return time.Unix(sec, nsec).UTC()
}
