package rgpd

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// Names of the indexes this package declares (Indexes).
const (
	// ActivityIndex, on every kind of activity, holds
	// "<unix seconds, 10 digits>/<person>": the last time the record shows
	// the person active. In time order, the purge reads the recent ones
	// only, never a body.
	ActivityIndex = "rgpd_activity"
	// DetailsIndex, on appointments and walk-ins that still hold something
	// about a person, holds "<unix seconds of the day>/<centre>": the purge
	// reads the old ones only, and an anonymised record leaves the index.
	DetailsIndex = "rgpd_details"
	// PeopleIndex lists every person (value "p"), key only.
	PeopleIndex = "rgpd_people"
	// ConflictIndex, on conflict records, holds "record:<kind/id>" and
	// "person:<id>" for the person the set-aside version is about, so an
	// erasure finds the old copies that conflicts keep.
	ConflictIndex = "rgpd"
	// MarkerKind is the record left by an erasure, id = the person's id,
	// with no personal data: it tells every copy, now and later, that
	// whatever comes back of that person is to be erased again.
	MarkerKind = "erased"
)

// activityKinds are the kinds whose records show a person active, each
// with its "person" index.
var activityKinds = []string{appointments.Kind, appointments.WalkInKind, radar.FollowUpKind, radar.CaseKind, guides.ProgressKind}

// detailKinds are the kinds whose old records are anonymised.
var detailKinds = []string{appointments.Kind, appointments.WalkInKind}

// Indexes are the store indexes this package needs; the store must be
// opened with them, and with appointments', radar's, guides' and people's.
// A body that does not decode indexes nothing rather than being refused:
// these indexes sit on other packages' kinds, which decide what to accept.
func Indexes() []store.Index {
	var ix []store.Index
	for _, kind := range activityKinds {
		ix = append(ix, store.Index{Kind: kind, Name: ActivityIndex, Version: 1, Values: func(body []byte) ([]string, error) {
			act, ok, err := activityOf(kind, body)
			if err != nil || !ok {
				return nil, nil
			}
			return []string{stamp(act.at) + "/" + act.person}, nil
		}})
	}
	return append(ix,
		lenient(appointments.Kind, DetailsIndex, func(a appointments.Appointment) []string {
			if !a.HasDetails() {
				return nil
			}
			return []string{stamp(a.Start) + "/" + a.Centre}
		}),
		lenient(appointments.WalkInKind, DetailsIndex, func(w appointments.WalkIn) []string {
			if !w.HasDetails() {
				return nil
			}
			return []string{stamp(w.Arrived) + "/" + w.Centre}
		}),
		lenient(people.Kind, PeopleIndex, func(people.Person) []string { return []string{"p"} }),
		lenient(store.ConflictKind, ConflictIndex, conflictValues),
	)
}

// lenient is store.IndexOn, except that a body that does not decode
// indexes nothing.
func lenient[T any](kind, name string, values func(T) []string) store.Index {
	return store.Index{Kind: kind, Name: name, Version: 1, Values: func(body []byte) ([]string, error) {
		var v T
		if json.Unmarshal(body, &v) != nil {
			return nil, nil
		}
		return values(v), nil
	}}
}

// activity is when a record last shows a person active, and where.
type activity struct {
	person string
	at     time.Time
	centre string // "" when the record names no centre
}

// activityOf reads the activity of a record's body. What counts, for each
// kind: an appointment's start, booking and arrival; a walk-in's arrival
// and end; a procedure followed, its opening and last update; a radar
// case, its opening, closing and every action; a walkthrough, its start,
// last step and end. An anonymised record names nobody and counts for no one.
func activityOf(kind string, body []byte) (activity, bool, error) {
	var act activity
	switch kind {
	case appointments.Kind:
		var a appointments.Appointment
		if err := json.Unmarshal(body, &a); err != nil {
			return act, false, err
		}
		act = activity{a.Person, latest(a.Start, a.Booked, a.Arrived), a.Centre}
	case appointments.WalkInKind:
		var w appointments.WalkIn
		if err := json.Unmarshal(body, &w); err != nil {
			return act, false, err
		}
		act = activity{w.Person, latest(w.Arrived, w.Ended), w.Centre}
	case radar.FollowUpKind:
		var f radar.FollowUp
		if err := json.Unmarshal(body, &f); err != nil {
			return act, false, err
		}
		act = activity{f.Person, latest(f.Opened, f.Updated), f.Centre}
	case radar.CaseKind:
		var c radar.Case
		if err := json.Unmarshal(body, &c); err != nil {
			return act, false, err
		}
		act = activity{c.Person, latest(c.Opened, c.Closed), c.Centre}
		for _, a := range c.Actions {
			if a.At.After(act.at) {
				act.at = a.At
				if a.Centre != "" {
					act.centre = a.Centre
				}
			}
		}
	case guides.ProgressKind:
		var p guides.Progress
		if err := json.Unmarshal(body, &p); err != nil {
			return act, false, err
		}
		act = activity{p.Person, latest(p.Started, p.Updated, p.Finished), ""}
		if n := len(p.Steps); n > 0 {
			act.centre = p.Steps[n-1].Centre
		}
	default:
		return act, false, fmt.Errorf("rgpd: %s is not a kind of activity", kind)
	}
	if act.person == "" || strings.ContainsAny(act.person, "/\x00") || act.at.IsZero() {
		return act, false, nil
	}
	return act, true, nil
}

func latest(ts ...time.Time) time.Time {
	var t time.Time
	for _, x := range ts {
		if x.After(t) {
			t = x
		}
	}
	return t
}

// stamp writes t as ten digits of unix seconds, so that index values sort
// by time; before 1970 is 0.
func stamp(t time.Time) string {
	return fmt.Sprintf("%010d", max(t.Unix(), 0))
}

// parseStamp reads the time at the start of an index value.
func parseStamp(v string) (time.Time, string, bool) {
	head, rest, ok := strings.Cut(v, "/")
	if !ok || len(head) != 10 {
		return time.Time{}, "", false
	}
	s, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	return time.Unix(s, 0).UTC(), rest, true
}

// personRef returns the person a record is about, or "".
func personRef(r store.Record) string {
	switch r.Kind {
	case people.Kind, MarkerKind:
		return r.ID
	case store.ConflictKind:
		var c store.Conflict
		if json.Unmarshal(r.Body, &c) != nil {
			return ""
		}
		return conflictPerson(c)
	}
	for _, k := range activityKinds {
		if r.Kind == k {
			return bodyPerson(r.Body)
		}
	}
	return ""
}

func bodyPerson(body []byte) string {
	var v struct {
		Person string `json:"person"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return v.Person
}

// conflictPerson is the person a conflict record's set-aside version is
// about: the person themselves, or the one their record names.
func conflictPerson(c store.Conflict) string {
	kind, id, _ := strings.Cut(c.Name, "/")
	if kind == people.Kind {
		return id
	}
	return bodyPerson(c.Body)
}

func conflictValues(c store.Conflict) []string {
	v := []string{"record:" + c.Name}
	if p := conflictPerson(c); p != "" {
		v = append(v, "person:"+p)
	}
	return v
}
