package appointments

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"relais/store"
)

// Plan describes a schedule to generate for the demo or the large data set.
type Plan struct {
	Seed uint64
	// Centres is how many centres to create, with their hours and holidays.
	Centres int
	// MediatorsPerCentre is how many mediators (staff ids) work at each centre.
	MediatorsPerCentre int
	// Mediators, when set, is the total number of mediators, shared out
	// over the centres as evenly as possible (8 over 3 gives 3, 3, 2); it
	// overrides MediatorsPerCentre.
	Mediators int
	// Existing are centres already written (set up by hand): the first
	// len(Existing) centres get these ids and keep their records; the
	// generator only adds their hours, holidays and mediators.
	Existing []string
	// Persons are the ids of the people appointments are made for.
	Persons []string
	// From and To bound the days with appointments; Now splits the past
	// (seen, absent, excused…) from the future (booked).
	From, To, Now time.Time
	// Fill is the share of a mediator's time that is booked; 0.7 when zero.
	Fill float64
	// Limit stops after that many appointments; 0 for no limit.
	Limit int
	// Batch is the number of records per store transaction; 500 when zero.
	Batch int
	// Progress, when set, is called after each batch with the count so far.
	Progress func(appointments int)
}

// Generated is what GenerateSchedule wrote.
type Generated struct {
	Centres      []string
	Mediators    map[string][]string // by centre id; the caller makes their staff records
	Appointments int
}

var demoTowns = []string{
	"Roubaix", "Tourcoing", "Lens", "Amiens", "Saint-Denis", "Aubervilliers", "Montreuil", "Créteil",
	"Villeurbanne", "Vénissieux", "Grenoble", "Saint-Étienne", "Marseille", "Toulon", "Nîmes", "Perpignan",
	"Toulouse", "Bordeaux", "Limoges", "Poitiers", "Nantes", "Rennes", "Brest", "Le Mans", "Tours",
	"Orléans", "Dijon", "Besançon", "Mulhouse", "Strasbourg", "Metz", "Nancy", "Reims", "Troyes",
	"Rouen", "Le Havre", "Caen", "Cherbourg", "Clermont-Ferrand", "Montluçon", "Nevers", "Bourges",
	"Valence", "Avignon", "Montpellier", "Béziers", "Pau", "Bayonne", "Angoulême", "La Rochelle",
}

var demoPlaces = []string{"Centre social", "Espace France Services", "Maison de quartier", "Médiathèque", "Point numérique"}

// publicHolidays are the French public holidays the demo centres close on.
var publicHolidays = []string{"01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25"}

// GenerateSchedule writes a believable network deterministically from
// p.Seed: centres with opening hours and holidays, mediators' weekly hours
// and a few absences, and appointments that never overlap, about 70 % seen,
// 12 % absent, some excused or cancelled, and the future ones booked. It
// writes in transactions of p.Batch records.
func GenerateSchedule(db *store.DB, p Plan) (Generated, error) {
	if p.Fill == 0 {
		p.Fill = 0.7
	}
	if p.Batch == 0 {
		p.Batch = 500
	}
	if len(p.Persons) == 0 {
		return Generated{}, ErrPersonMissing
	}
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	newID := func(at time.Time) string {
		// A UUIDv7 whose time is at and whose random part comes from the seed.
		var b [16]byte
		binary.BigEndian.PutUint64(b[8:], rng.Uint64())
		ms := uint64(at.UnixMilli())
		binary.BigEndian.PutUint64(b[:8], ms<<16|uint64(rng.Uint32()&0x0fff))
		b[6] = 0x70 | b[6]&0x0f
		b[8] = 0x80 | b[8]&0x3f
		return uuid.UUID(b).String()
	}
	w := &batchWriter{db: db, size: p.Batch}
	g := Generated{Mediators: map[string][]string{}}

	type mediator struct {
		id       string
		week     Week
		absences []span
	}
	type centre struct {
		id        string
		hours     Week
		closed    map[string]bool
		mediators []mediator
	}
	var centres []centre
	for i := 0; i < p.Centres; i++ {
		c := centre{id: newID(p.From), closed: map[string]bool{}}
		name := fmt.Sprintf("%s %s", demoPlaces[rng.IntN(len(demoPlaces))], demoTowns[i%len(demoTowns)])
		if i >= len(demoTowns) {
			name += fmt.Sprintf(" %d", i/len(demoTowns)+1)
		}
		c.hours = demoHours(rng)
		phone := fmt.Sprintf("03 %02d %02d %02d %02d", rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))
		if i < len(p.Existing) {
			c.id = p.Existing[i]
		} else {
			w.put(CentreKind, c.id, Centre{Name: name, Phone: phone}, store.ScopeNetwork)
		}
		w.put(HoursKind, c.id, Hours{Week: c.hours}, store.ScopeNetwork)
		for y := p.From.Year(); y <= p.To.Year(); y++ {
			for _, h := range publicHolidays {
				d := fmt.Sprintf("%d-%s", y, h)
				c.closed[d] = true
				w.put(ClosureKind, newID(p.From), Closure{Centre: c.id, First: d, Last: d, Reason: "Jour férié"}, store.ScopeNetwork)
			}
		}
		count := p.MediatorsPerCentre
		if p.Mediators > 0 {
			count = p.Mediators / p.Centres
			if i < p.Mediators%p.Centres {
				count++
			}
		}
		for m := 0; m < count; m++ {
			md := mediator{id: newID(p.From), week: demoAvailability(rng, c.hours)}
			w.put(AvailabilityKind, newID(p.From), Availability{Mediator: md.id, Centre: c.id, Week: md.week}, store.ScopeNetwork)
			// One week of leave somewhere in the period.
			if period := p.To.Sub(p.From); period > 14*24*time.Hour {
				f := p.From.In(Paris)
				first := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, Paris).AddDate(0, 0, rng.IntN(int(period.Hours()/24)-7))
				ab := Absence{Mediator: md.id, Start: first.UTC(), End: first.AddDate(0, 0, 7).UTC(), Reason: "Congés"}
				md.absences = append(md.absences, span{ab.Start, ab.End})
				w.put(AbsenceKind, newID(p.From), ab, store.ScopeNetwork)
			}
			c.mediators = append(c.mediators, md)
			g.Mediators[c.id] = append(g.Mediators[c.id], md.id)
		}
		centres = append(centres, c)
		g.Centres = append(g.Centres, c.id)
	}

	procs := Catalogue()
	f := p.From.In(Paris)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 12, 0, 0, 0, Paris); day.Before(p.To); day = day.AddDate(0, 0, 1) {
		d := DayOf(day)
		wd := day.Weekday()
		for _, c := range centres {
			if c.closed[d] {
				continue
			}
			for _, m := range c.mediators {
				for _, r := range intersect(c.hours[wd], m.week[wd]) {
					for t := int(r.Start); t < int(r.End); {
						proc := procs[rng.IntN(len(procs))]
						length := (proc.Minutes + 14) / 15 * 15
						start := At(day, Clock(t))
						end := start.Add(time.Duration(length) * time.Minute)
						if t+length > int(r.End) || rng.Float64() >= p.Fill || overlapsAny(m.absences, start, end) {
							t += 15
							continue
						}
						a := Appointment{
							Person: p.Persons[rng.IntN(len(p.Persons))], Centre: c.id, Mediator: m.id,
							Procedure: proc.Code, Start: start.UTC(), Minutes: length, Mode: OnSite,
							Booked: start.AddDate(0, 0, -1-rng.IntN(20)).UTC(),
						}
						switch x := rng.IntN(100); {
						case x < 6:
							a.Mode = Phone
						case x < 9:
							a.Mode = Video
						}
						pastAppointment(rng, &a, p.Now)
						w.put(Kind, newID(a.Booked), a, store.ScopeLocal)
						g.Appointments++
						if p.Progress != nil && w.n == 0 {
							p.Progress(g.Appointments)
						}
						if w.err != nil || (p.Limit > 0 && g.Appointments >= p.Limit) {
							return g, w.flush()
						}
						t += length
					}
				}
			}
		}
	}
	return g, w.flush()
}

var demoNotes = []string{
	"Compte créé, mot de passe noté par la personne dans son carnet.",
	"Déclaration envoyée, accusé de réception imprimé.",
	"Il manquait un justificatif : à rapporter la prochaine fois.",
	"La personne a fait les étapes seule, aide seulement pour la pièce jointe.",
	"Dossier enregistré en brouillon sur le site.",
}

// pastAppointment sets the status and outcome of an appointment by whether it is over.
func pastAppointment(rng *rand.Rand, a *Appointment, now time.Time) {
	if !a.End().Before(now) {
		a.Status = Booked
		if rng.IntN(100) < 4 {
			a.Status = Excused
		}
		return
	}
	switch x := rng.IntN(100); {
	case x < 70:
		a.Status = Seen
		a.Arrived = a.Start.Add(-time.Duration(rng.IntN(10)) * time.Minute)
		o := Outcome{Autonomy: []Autonomy{DoneFor, DoneWith, DoneWith, DoneAlone}[rng.IntN(4)], Note: demoNotes[rng.IntN(len(demoNotes))]}
		if rng.IntN(3) == 0 {
			o.NextStep = "Revenir avec les justificatifs manquants."
		}
		a.Outcome = &o
	case x < 82:
		a.Status = Absent
	case x < 94:
		a.Status = Excused
		a.Reason = "A prévenu par téléphone"
	default:
		a.Status = Cancelled
		a.Reason = "Médiateur en formation"
	}
}

// demoHours are a centre's opening hours: Monday to Friday, usually with a lunch break.
func demoHours(rng *rand.Rand) Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		if d == time.Monday && rng.IntN(3) == 0 {
			w[d] = []Range{{Start: 13*60 + 30, End: 17*60 + 30}} // closed on Monday mornings
			continue
		}
		w[d] = []Range{{Start: 9 * 60, End: 12 * 60}, {Start: 13*60 + 30, End: 17*60 + 30}}
	}
	if rng.IntN(2) == 0 {
		w[time.Saturday] = []Range{{Start: 9 * 60, End: 12 * 60}}
	}
	return w
}

// demoAvailability gives a mediator most of the centre's hours, with a day or half day off.
func demoAvailability(rng *rand.Rand, hours Week) Week {
	var w Week
	off := time.Weekday(1 + rng.IntN(5))
	for d, ranges := range hours {
		if time.Weekday(d) == off {
			continue
		}
		w[d] = append([]Range(nil), ranges...)
	}
	return w
}

// batchWriter writes records in store transactions of size records.
type batchWriter struct {
	db   *store.DB
	size int
	recs []pending
	n    int // records waiting
	err  error
}

type pending struct {
	kind, id string
	body     any
	scope    store.Scope
}

func (w *batchWriter) put(kind, id string, body any, scope store.Scope) {
	if w.err != nil {
		return
	}
	w.recs = append(w.recs, pending{kind, id, body, scope})
	w.n++
	if w.n >= w.size {
		w.err = w.flush()
	}
}

func (w *batchWriter) flush() error {
	if w.err != nil || len(w.recs) == 0 {
		return w.err
	}
	err := w.db.Update(func(tx *store.Tx) error {
		for _, r := range w.recs {
			if _, err := store.PutIn(tx, r.kind, r.id, r.body, r.scope); err != nil {
				return err
			}
		}
		return nil
	})
	w.recs, w.n = w.recs[:0], 0
	return err
}
