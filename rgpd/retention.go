// Package rgpd carries out what the RGPD asks of Relais beyond consent:
// how long each centre keeps data (Retention), the daily purge that enforces
// it on every copy (Purge, Purger), and the right to erasure (Erase), whose
// tombstones and anonymised records reach every partner and are enforced
// again when an older copy of an erased person comes back (Follow).
//
// It never imports Fyne; the screens are in app/.
package rgpd

import (
	"errors"
	"strings"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/problem"
	"relais/store"
)

// RetentionKind is the record kind of a centre's retention; id = the
// centre's id. It is a network record: every copy enforces every centre's
// retention on the records of that centre.
const RetentionKind = "retention"

// Bounds of a retention, in months.
const (
	// DefaultMonths is the retention of a centre that set none: two years,
	// what the CNIL accepts for the follow-up of people in social work.
	DefaultMonths = 24
	// MinMonths: the radar follows six months of appointments; anonymising
	// or erasing sooner would lose people it is meant to find again.
	MinMonths = 6
	// MaxMonths: beyond ten years nothing is kept « for the time needed ».
	MaxMonths = 120
)

// Retention is how long a centre keeps what it knows about people.
type Retention struct {
	// PersonMonths: a person with no activity for that long is erased
	// (see Purge for what counts as activity).
	PersonMonths int `json:"person_months"`
	// DetailsMonths: an appointment or walk-in older than that is
	// anonymised; the counts stay for the activity figures.
	DetailsMonths int `json:"details_months"`
	// Set and By say when and by whom (a staff login) it was last set; zero
	// for the defaults.
	Set time.Time `json:"set,omitzero"`
	By  string    `json:"by,omitempty"`
}

// Default returns the retention of a centre that set none.
func Default() Retention { return Retention{PersonMonths: DefaultMonths, DetailsMonths: DefaultMonths} }

// IsDefault reports whether no one set this retention.
func (r Retention) IsDefault() bool { return r.Set.IsZero() }

// Problems of retention and erasure. Each has a message in rgpd.fr.json and
// rgpd.en.json.
var (
	ErrPersonMonths  = problem.Register("rgpd.person_months")
	ErrDetailsMonths = problem.Register("rgpd.details_months")
	ErrUnknownCentre = problem.Register("rgpd.unknown_centre")
	ErrOtherCentre   = problem.Register("rgpd.other_centre")
	ErrPersonMissing = problem.Register("rgpd.person_missing")
	ErrUnknownPerson = problem.Register("rgpd.unknown_person")
)

// Check returns the first problem of r's durations: each between MinMonths
// and MaxMonths.
func (r Retention) Check() error {
	if r.PersonMonths < MinMonths || r.PersonMonths > MaxMonths {
		return ErrPersonMonths.With("min", MinMonths, "max", MaxMonths, "value", r.PersonMonths)
	}
	if r.DetailsMonths < MinMonths || r.DetailsMonths > MaxMonths {
		return ErrDetailsMonths.With("min", MinMonths, "max", MaxMonths, "value", r.DetailsMonths)
	}
	return nil
}

// SetRetention sets how long centre keeps data. Only an administrator of
// that centre may (actor.ManageRetention); a value out of bounds is refused
// with its problem and nothing is written. The change is in the audit log.
func SetRetention(a *actor.Actor, db *store.DB, centre string, r Retention, now time.Time) (Retention, error) {
	if err := a.Check(actor.ManageRetention); err != nil {
		return Retention{}, err
	}
	centre = strings.TrimSpace(centre)
	if centre != a.Centre {
		return Retention{}, ErrOtherCentre
	}
	if err := r.Check(); err != nil {
		return Retention{}, err
	}
	r.Set, r.By = now.UTC().Truncate(time.Second), a.Login
	err := db.Update(func(tx *store.Tx) error {
		if _, _, err := store.GetIn[appointments.Centre](tx, appointments.CentreKind, centre); err != nil {
			if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
				return ErrUnknownCentre
			}
			return err
		}
		if _, err := store.PutIn(tx, RetentionKind, centre, r, store.ScopeNetwork); err != nil {
			return err
		}
		return a.Log(tx, actor.RetentionChanged, "", RetentionKind+"/"+centre)
	})
	if err != nil {
		return Retention{}, err
	}
	return r, nil
}

// RetentionOf returns centre's retention, or the defaults when it set none.
// A record out of bounds (a partner's damaged copy) gives the defaults
// too: the purge never runs on a value nobody could have typed.
func RetentionOf(db *store.DB, centre string) (Retention, error) {
	r, _, err := store.NewCollection[Retention](db, RetentionKind).Get(centre)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadName) {
		return Default(), nil
	}
	if err != nil {
		return Default(), err
	}
	if r.Check() != nil {
		return Default(), nil
	}
	return r, nil
}

// policy is every centre's retention, for one purge.
type policy struct {
	own     string               // this copy's centre
	centres map[string]Retention // every known centre
	longest int                  // the longest PersonMonths of all centres
	shortD  int                  // the shortest DetailsMonths of all centres
	shortP  int                  // the shortest PersonMonths of all centres
}

func loadPolicy(db *store.DB, own string) (policy, error) {
	p := policy{own: own, centres: map[string]Retention{}}
	err := appointments.Centres(db).All(func(id string, _ appointments.Centre) error {
		p.centres[id] = Default()
		return nil
	})
	if err != nil {
		return p, err
	}
	if own != "" {
		p.centres[own] = Default()
	}
	err = store.NewCollection[Retention](db, RetentionKind).All(func(id string, r Retention) error {
		if _, ok := p.centres[id]; ok && r.Check() == nil {
			p.centres[id] = r
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	p.longest, p.shortP, p.shortD = DefaultMonths, DefaultMonths, DefaultMonths
	first := true
	for _, r := range p.centres {
		if first {
			p.longest, p.shortP, p.shortD = r.PersonMonths, r.PersonMonths, r.DetailsMonths
			first = false
		}
		p.longest = max(p.longest, r.PersonMonths)
		p.shortP = min(p.shortP, r.PersonMonths)
		p.shortD = min(p.shortD, r.DetailsMonths)
	}
	return p, nil
}

// personMonths is how long activity at centre keeps a person: that
// centre's retention; for activity tied to no known centre, the longest of
// the network's, so that no centre loses someone sooner than it wants.
func (p policy) personMonths(centre string) int {
	if r, ok := p.centres[centre]; ok && centre != "" {
		return r.PersonMonths
	}
	return p.longest
}

// detailsMonths is how long centre keeps appointment details (the
// longest retention for an unknown centre).
func (p policy) detailsMonths(centre string) int {
	if r, ok := p.centres[centre]; ok && centre != "" {
		return r.DetailsMonths
	}
	longest := DefaultMonths
	for _, r := range p.centres {
		longest = max(longest, r.DetailsMonths)
	}
	return longest
}
