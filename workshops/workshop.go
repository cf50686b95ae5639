// Package workshops records collective accompaniments: a workshop (atelier
// collectif) a mediator leads for several people at once, such as « créer
// son adresse e-mail » or « déclarer ses revenus en ligne ». Only the number
// of participants is kept, never who they were: the figures a funder asks
// for need no personal data, so a workshop is shared with the network.
package workshops

import (
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/appointments"
	"relais/privacy"
	"relais/problem"
	"relais/store"
)

// Kind is the record kind of a workshop.
const Kind = "workshop"

// Limits of a workshop.
const (
	MaxTitleLength  = 120
	MaxParticipants = 200
)

// Workshop is one collective session at a centre.
type Workshop struct {
	Centre       string    `json:"centre"`
	Mediator     string    `json:"mediator"`            // staff id of who led it
	Title        string    `json:"title"`               // the theme, in words
	Procedure    string    `json:"procedure,omitempty"` // a catalogue code, when it was about one
	Start        time.Time `json:"start"`               // UTC
	Minutes      int       `json:"minutes"`
	Participants int       `json:"participants"`
}

// Entry is a workshop with its record id.
type Entry struct {
	ID string
	Workshop
}

// Problems of workshops.
var (
	ErrTitleMissing     = problem.Register("workshops.title_missing")
	ErrTitleTooLong     = problem.Register("workshops.title_too_long")
	ErrBadParticipants  = problem.Register("workshops.bad_participants")
	ErrBadDuration      = problem.Register("workshops.bad_duration")
	ErrBadStart         = problem.Register("workshops.bad_start")
	ErrMediatorMissing  = problem.Register("workshops.mediator_missing")
	ErrUnknownCentre    = problem.Register("workshops.unknown_centre")
	ErrUnknownProcedure = problem.Register("workshops.unknown_procedure")
)

// Normalise checks a workshop as typed and returns it cleaned.
func (w Workshop) Normalise() (Workshop, error) {
	w.Title = strings.Join(strings.Fields(w.Title), " ")
	switch {
	case w.Title == "":
		return w, ErrTitleMissing
	case utf8.RuneCountInString(w.Title) > MaxTitleLength:
		return w, ErrTitleTooLong.With("max", MaxTitleLength)
	case strings.TrimSpace(w.Mediator) == "":
		return w, ErrMediatorMissing
	case w.Participants < 1 || w.Participants > MaxParticipants:
		return w, ErrBadParticipants.With("max", MaxParticipants)
	case w.Minutes < 5 || w.Minutes > appointments.MaxMinutes:
		return w, ErrBadDuration.With("max", appointments.MaxMinutes)
	case w.Start.IsZero() || w.Start.Year() < 2000 || w.Start.Year() > 2200:
		return w, ErrBadStart
	}
	if err := privacy.CheckText(w.Title); err != nil {
		return w, err
	}
	if w.Procedure != "" {
		if _, err := appointments.FindProcedure(w.Procedure); err != nil {
			return w, ErrUnknownProcedure.With("code", w.Procedure)
		}
	}
	w.Start = w.Start.UTC().Truncate(time.Minute)
	return w, nil
}

// Add records a workshop for who (a role that records accompaniments) and
// returns its id. Nothing is written when it is refused.
func Add(db *store.DB, who *actor.Actor, w Workshop) (string, error) {
	if err := who.Check(actor.RecordOutcome); err != nil {
		return "", err
	}
	w, err := w.Normalise()
	if err != nil {
		return "", err
	}
	id := store.NewID()
	return id, db.Update(func(tx *store.Tx) error {
		if store.ValidName(appointments.CentreKind, w.Centre) != nil {
			return ErrUnknownCentre
		}
		if _, _, err := store.GetIn[appointments.Centre](tx, appointments.CentreKind, w.Centre); err != nil {
			return ErrUnknownCentre
		}
		if _, err := store.PutIn(tx, Kind, id, w, store.ScopeNetwork); err != nil {
			return err
		}
		return who.Log(tx, actor.WorkshopRecorded, "", Kind+"/"+id)
	})
}

// Between calls fn with the workshops starting in [from, to), at centre or
// anywhere when centre is "". Workshops are few (a handful a week per
// centre), so they are read without an index.
func Between(db *store.DB, centre string, from, to time.Time, fn func(Entry) error) error {
	return store.NewCollection[Workshop](db, Kind).All(func(id string, w Workshop) error {
		if (centre != "" && w.Centre != centre) || w.Start.Before(from) || !w.Start.Before(to) {
			return nil
		}
		return fn(Entry{ID: id, Workshop: w})
	})
}
