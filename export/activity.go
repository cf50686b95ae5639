package export

import (
	"cmp"
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/radar"
	"relais/staff"
	"relais/stats"
	"relais/store"
	"relais/workshops"
)

// Scope is what an export covers: a period, at one centre or at all.
type Scope struct {
	Period stats.Period
	// Centre is a centre's id; "" for every centre of the network.
	Centre string
	// Who exports: their role must allow reading reports.
	Who *actor.Actor
}

// names are the names the rows show instead of ids.
type names struct {
	centres   []stats.Centre
	centre    map[string]string
	mediators map[string]string
}

func readNames(db *store.DB, s Scope) (names, error) {
	if err := s.Who.Check(actor.ReadReports); err != nil {
		return names{}, err
	}
	all, err := stats.Centres(db)
	if err != nil {
		return names{}, err
	}
	n := names{centre: map[string]string{}, mediators: map[string]string{}}
	for _, c := range all {
		n.centre[c.ID] = c.Name
		if s.Centre == "" || c.ID == s.Centre {
			n.centres = append(n.centres, c)
		}
	}
	if s.Centre != "" && len(n.centres) == 0 {
		return names{}, stats.ErrUnknownCentre
	}
	err = staff.Accounts(db).All(func(id string, a staff.Account) error {
		n.mediators[id] = a.Name
		return nil
	})
	return n, err
}

func (n names) ids() []string {
	out := make([]string, len(n.centres))
	for i, c := range n.centres {
		out[i] = c.ID
	}
	return out
}

// Words of the exports: French, for French spreadsheets.
var (
	statusWord = map[appointments.Status]string{
		appointments.Booked: "réservé", appointments.Arrived: "arrivé", appointments.Seen: "vu",
		appointments.Absent: "absent", appointments.Excused: "excusé", appointments.Cancelled: "annulé",
	}
	modeWord = map[appointments.Mode]string{
		appointments.OnSite: "sur place", appointments.Phone: "téléphone", appointments.Video: "visio",
	}
	autonomyWord = map[appointments.Autonomy]string{
		appointments.DoneFor: "fait pour", appointments.DoneWith: "fait avec", appointments.DoneAlone: "fait seul",
	}
	caseStatusWord = map[radar.CaseStatus]string{
		radar.CaseOpen: "ouvert", radar.CaseContacted: "contact établi", radar.CaseClosed: "clos",
	}
	closeReasonWord = map[radar.CloseReason]string{
		radar.CameBack: "revenu", radar.FollowedElsewhere: "suivi ailleurs", radar.Moved: "a déménagé",
		radar.Refused: "ne souhaite pas être suivi", radar.LostTouch: "perdu de vue",
	}
)

func word[K ~string](m map[K]string, k K) string {
	if w, ok := m[k]; ok {
		return w
	}
	return string(k) // unknown to this version: as recorded
}

func procedure(code string) (title, organisation string) {
	if p, err := appointments.FindProcedure(code); err == nil {
		return p.Title, p.Organisation
	}
	return code, ""
}

func day(t time.Time) string   { return t.In(appointments.Paris).Format("02/01/2006") }
func clock(t time.Time) string { return t.In(appointments.Paris).Format("15:04") }

// progressOf reports the centres done as the share of the work.
func progressOf(p Progress, t *table, done, of int) {
	if p != nil && of > 0 {
		p(t.rows, float64(done)/float64(of))
	}
}

// Appointments writes the appointments starting in s.Period, whatever their
// status, one per row, centre by centre and in start order. It returns the
// number of rows written.
func Appointments(ctx context.Context, w io.Writer, db *store.DB, s Scope, progress Progress) (int, error) {
	n, err := readNames(db, s)
	if err != nil {
		return 0, err
	}
	t, err := newTable(w, []string{"Date", "Heure", "Durée (min)", "Centre", "Médiateur", "Démarche", "Organisme",
		"Mode", "Statut", "Autonomie", "Personne (référence)"})
	if err != nil {
		return 0, err
	}
	for i, c := range n.centres {
		err := stats.Items(ctx, db, []string{c.ID}, s.Period, func(it stats.Item) error {
			if err := t.cancelled(ctx); err != nil {
				return err
			}
			title, org := procedure(it.Procedure)
			return t.write(day(it.Start), clock(it.Start), strconv.Itoa(it.Minutes), c.Name, n.mediators[it.Mediator],
				title, org, word(modeWord, it.Mode), word(statusWord, it.Status), word(autonomyWord, it.Autonomy), it.Person)
		})
		if err != nil {
			return t.rows, err
		}
		progressOf(progress, t, i+1, len(n.centres))
	}
	return t.rows, t.close()
}

// Accompaniments writes the accompaniments of s.Period: the appointments
// seen, the walk-ins a mediator took and the workshops, by centre and date.
func Accompaniments(ctx context.Context, w io.Writer, db *store.DB, s Scope, progress Progress) (int, error) {
	n, err := readNames(db, s)
	if err != nil {
		return 0, err
	}
	t, err := newTable(w, []string{"Date", "Heure", "Centre", "Médiateur", "Type", "Démarche", "Organisme",
		"Durée (min)", "Mode", "Autonomie", "Participants", "Personne (référence)"})
	if err != nil {
		return 0, err
	}
	type row struct {
		start time.Time
		cells []string
	}
	var ws []workshops.Entry
	err = workshops.Between(db, s.Centre, s.Period.From, s.Period.To, func(e workshops.Entry) error {
		ws = append(ws, e)
		return nil
	})
	if err != nil {
		return 0, err
	}
	first, end := appointments.DayOf(s.Period.From), appointments.DayOf(s.Period.To.Add(24*time.Hour))
	walkins := store.NewCollection[appointments.WalkIn](db, appointments.WalkInKind)
	for i, c := range n.centres {
		// The walk-ins and workshops of a centre are few: they are merged
		// into its appointments, which stream in start order.
		var extra []row
		err := db.FindRange(appointments.WalkInKind, "centre_day", c.ID+"/"+first, c.ID+"/"+end, func(_, id string) error {
			wi, _, err := walkins.Get(id)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil || wi.Status != appointments.Taken || !s.Period.Holds(wi.Arrived) {
				return err
			}
			title, org := procedure(wi.Procedure)
			minutes := ""
			if p, err := appointments.FindProcedure(wi.Procedure); err == nil {
				minutes = strconv.Itoa(p.Minutes)
			}
			extra = append(extra, row{wi.Arrived, []string{day(wi.Arrived), clock(wi.Arrived), c.Name, n.mediators[wi.Mediator],
				"individuel, sans rendez-vous", title, org, minutes, "sur place", "", "1", wi.Person}})
			return nil
		})
		if err != nil {
			return t.rows, err
		}
		for _, e := range ws {
			if e.Centre == c.ID {
				title, org := "", ""
				if e.Procedure != "" {
					title, org = procedure(e.Procedure)
				}
				extra = append(extra, row{e.Start, []string{day(e.Start), clock(e.Start), c.Name, n.mediators[e.Mediator],
					"collectif, atelier « " + e.Title + " »", title, org, strconv.Itoa(e.Minutes), "sur place", "",
					strconv.Itoa(e.Participants), ""}})
			}
		}
		slices.SortStableFunc(extra, func(a, b row) int { return a.start.Compare(b.start) })
		flush := func(before time.Time) error {
			for len(extra) > 0 && extra[0].start.Before(before) {
				if err := t.write(extra[0].cells...); err != nil {
					return err
				}
				extra = extra[1:]
			}
			return nil
		}
		err = stats.Items(ctx, db, []string{c.ID}, s.Period, func(it stats.Item) error {
			if it.Status != appointments.Seen {
				return nil
			}
			if err := t.cancelled(ctx); err != nil {
				return err
			}
			if err := flush(it.Start); err != nil {
				return err
			}
			title, org := procedure(it.Procedure)
			return t.write(day(it.Start), clock(it.Start), c.Name, n.mediators[it.Mediator], "individuel, rendez-vous",
				title, org, strconv.Itoa(it.Minutes), word(modeWord, it.Mode), word(autonomyWord, it.Autonomy), "1", it.Person)
		})
		if err != nil {
			return t.rows, err
		}
		if err := flush(s.Period.To.Add(time.Nanosecond)); err != nil {
			return t.rows, err
		}
		progressOf(progress, t, i+1, len(n.centres))
	}
	return t.rows, t.close()
}

// Radar writes the radar's follow-up cases active in s.Period: opened
// before its end and not closed before its start, oldest first.
func Radar(ctx context.Context, w io.Writer, db *store.DB, s Scope, progress Progress) (int, error) {
	n, err := readNames(db, s)
	if err != nil {
		return 0, err
	}
	var cases []radar.Case
	err = store.NewCollection[radar.Case](db, radar.CaseKind).All(func(id string, c radar.Case) error {
		if (s.Centre != "" && c.Centre != s.Centre) || !c.Opened.Before(s.Period.To) ||
			(c.Status == radar.CaseClosed && c.Closed.Before(s.Period.From)) {
			return nil
		}
		c.ID = id
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		return 0, err
	}
	slices.SortFunc(cases, func(a, b radar.Case) int { return cmp.Or(a.Opened.Compare(b.Opened), cmp.Compare(a.ID, b.ID)) })
	t, err := newTable(w, []string{"Ouvert le", "Centre", "Statut", "Clos le", "Motif de clôture", "Suivi par",
		"Actions", "Dernière action", "Personne (référence)"})
	if err != nil {
		return 0, err
	}
	for i, c := range cases {
		if err := t.cancelled(ctx); err != nil {
			return t.rows, err
		}
		closed, last := "", ""
		if c.Status == radar.CaseClosed {
			closed = day(c.Closed)
		}
		if len(c.Actions) > 0 {
			last = day(c.Actions[len(c.Actions)-1].At)
		}
		if err := t.write(day(c.Opened), n.centre[c.Centre], word(caseStatusWord, c.Status), closed,
			word(closeReasonWord, c.Reason), c.AssignedTo, strconv.Itoa(len(c.Actions)), last, c.Person); err != nil {
			return t.rows, err
		}
		if i%checkEvery == 0 {
			progressOf(progress, t, i, len(cases))
		}
	}
	progressOf(progress, t, 1, 1)
	return t.rows, t.close()
}
