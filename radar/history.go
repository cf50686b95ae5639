package radar

import (
	"slices"
	"strings"
	"time"

	"relais/appointments"
	"relais/people"
)

// WindowDays is how far back the radar looks at appointments and walk-ins:
// a no-show older than that puts nobody on the radar any more, and visits
// older than that are forgotten. Six months covers the slowest procedures
// (a MDPH file, a pension) while the full recompute reads only the
// appointments of that window, through the radar index, never their bodies.
const WindowDays = 180

// Names of the indexes this package declares on other packages' kinds.
const (
	// IndexName is the radar's index on appointments and walk-ins. For an
	// appointment it starts with the person and carries what the rules need
	// (status, start, centre, mediator), so one person's history is one
	// short range of keys and no record is decoded. For a walk-in it starts
	// with the arrival time, so the window's walk-ins are one range.
	IndexName = "radar"
	// WhenIndex is the radar's index of appointments by status then time,
	// so the full recompute finds who missed an appointment in the window,
	// and what they did since, reading short keys only.
	WhenIndex = "radar_when"
	// ReachIndex is the radar's index on persons: "y" for a person who can
	// be reached (a phone or an e-mail), "n" for one who cannot.
	ReachIndex = "radar_reach"
)

// factKind is a byte of the radar index values of an appointment.
const (
	factAbsent  = 'a' // a no-show
	factBooked  = 'b'
	factArrived = 'r'
	factSeen    = 's'
	factWalkIn  = 'w' // never in an appointment's value: walk-ins have an index of their own
)

// fact is what the radar retains of one appointment or walk-in.
type fact struct {
	kind      byte
	at        time.Time // the appointment's start, the walk-in's arrival
	person    string
	centre    string
	mediator  string
	procedure string // no-shows only
	id        string // the record's id
}

// came reports whether the fact shows the person at a centre.
func (f fact) came() bool { return f.kind == factArrived || f.kind == factSeen || f.kind == factWalkIn }

// appointmentFact returns the fact an appointment gives; excused and
// cancelled appointments give none.
func appointmentFact(id string, a appointments.Appointment) (fact, bool) {
	// Index values keep whole seconds: so does every fact, wherever it is read from.
	f := fact{at: a.Start.UTC().Truncate(time.Second), person: a.Person, centre: a.Centre, mediator: a.Mediator, id: id}
	switch a.Status {
	case appointments.Absent:
		f.kind, f.procedure = factAbsent, a.Procedure
	case appointments.Booked:
		f.kind = factBooked
	case appointments.Arrived:
		f.kind = factArrived
	case appointments.Seen:
		f.kind = factSeen
	default:
		return fact{}, false
	}
	if a.Person == "" || a.Start.IsZero() || !plainID(a.Person) || !plainID(a.Centre) || !plainID(a.Mediator) {
		return fact{}, false
	}
	return f, true
}

// walkInFact returns the fact of a walk-in by a known person.
func walkInFact(id string, w appointments.WalkIn) (fact, bool) {
	if w.Person == "" || w.Arrived.IsZero() || !plainID(w.Person) || !plainID(w.Centre) || !plainID(w.Mediator) {
		return fact{}, false
	}
	return fact{kind: factWalkIn, at: w.Arrived.UTC().Truncate(time.Second), person: w.Person, centre: w.Centre, mediator: w.Mediator, id: id}, true
}

// The index values. Ids never hold '/' (store.ValidName; appointmentFact
// leaves out the odd one that does), so '/' separates the fields; the
// procedure comes last and may hold anything. Times are unix seconds on
// ten digits, so that keys sort by time.
//
//	appointment, radar:      <person>/<kind><start>/<centre>/<mediator>[/<procedure>]
//	appointment, radar_when: <kind>/<start>/<person>
//	walk-in, radar:          <arrival>/<person>/<centre>/<mediator>
func appointmentValues(a appointments.Appointment) []string {
	f, ok := appointmentFact("", a)
	if !ok {
		return nil
	}
	v := f.person + "/" + string(f.kind) + unixKey(f.at) + "/" + f.centre + "/" + f.mediator
	if f.kind == factAbsent {
		v += "/" + f.procedure
	}
	return []string{v}
}

func appointmentWhenValues(a appointments.Appointment) []string {
	f, ok := appointmentFact("", a)
	if !ok {
		return nil
	}
	return []string{string(f.kind) + "/" + unixKey(f.at) + "/" + f.person}
}

func walkInValues(w appointments.WalkIn) []string {
	f, ok := walkInFact("", w)
	if !ok {
		return nil
	}
	return []string{unixKey(f.at) + "/" + f.person + "/" + f.centre + "/" + f.mediator}
}

func reachValues(p people.Person) []string {
	if unreachable(p) {
		return []string{"n"}
	}
	return []string{"y"}
}

// unreachable reports whether the centre has no way to reach the person.
func unreachable(p people.Person) bool {
	return (p.NoPhone || strings.TrimSpace(p.Phone) == "") && strings.TrimSpace(p.Email) == ""
}

// plainID reports whether s can sit between two '/' of an index value.
func plainID(s string) bool { return !strings.ContainsAny(s, "/\x00") }

// unixKey writes t as unix seconds on ten digits.
func unixKey(t time.Time) string {
	s := min(max(t.Unix(), 0), 9_999_999_999)
	var b [10]byte
	for i := 9; i >= 0; i-- {
		b[i] = byte('0' + s%10)
		s /= 10
	}
	return string(b[:])
}

// parseUnix reads ten digits written by unixKey.
func parseUnix(s string) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	var v int64
	for i := 0; i < 10; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		v = v*10 + int64(c-'0')
	}
	return time.Unix(v, 0).UTC(), true
}

func validKind(k byte) bool {
	return k == factAbsent || k == factBooked || k == factArrived || k == factSeen
}

// parseAppointmentValue reads an appointment's radar index value. The
// strings it returns share v's memory.
func parseAppointmentValue(v, id string) (fact, bool) {
	i := strings.IndexByte(v, '/')
	if i <= 0 || len(v) < i+13 || v[i+12] != '/' || !validKind(v[i+1]) {
		return fact{}, false
	}
	f := fact{kind: v[i+1], person: v[:i], id: id}
	var ok bool
	if f.at, ok = parseUnix(v[i+2 : i+12]); !ok {
		return fact{}, false
	}
	rest := v[i+13:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return fact{}, false
	}
	f.centre, rest = rest[:j], rest[j+1:]
	if j = strings.IndexByte(rest, '/'); j < 0 {
		f.mediator = rest
	} else {
		f.mediator, rest = rest[:j], rest[j+1:]
		if f.kind == factAbsent {
			f.procedure = rest
		}
	}
	return f, true
}

// parseWhenValue reads an appointment's radar_when index value.
func parseWhenValue(v string) (kind byte, at time.Time, person string, ok bool) {
	if len(v) < 14 || v[1] != '/' || v[12] != '/' || !validKind(v[0]) {
		return 0, time.Time{}, "", false
	}
	if at, ok = parseUnix(v[2:12]); !ok {
		return 0, time.Time{}, "", false
	}
	return v[0], at, v[13:], true
}

// parseWalkInValue reads a walk-in's radar index value.
func parseWalkInValue(v, id string) (fact, bool) {
	if len(v) < 11 || v[10] != '/' {
		return fact{}, false
	}
	at, ok := parseUnix(v[:10])
	if !ok {
		return fact{}, false
	}
	parts := strings.SplitN(v[11:], "/", 3)
	if len(parts) != 3 || parts[0] == "" {
		return fact{}, false
	}
	return fact{kind: factWalkIn, at: at, person: parts[0], centre: parts[1], mediator: parts[2], id: id}, true
}

// history is what the radar knows of a person's appointments and walk-ins
// in the window. The full recompute and a refresh build it the same way.
type history struct {
	absence    fact        // the latest no-show; zero kind when none
	lastActive time.Time   // latest start of an appointment booked, arrived or seen, or walk-in
	lastCame   time.Time   // latest appointment arrived or seen, or walk-in, that has started
	booked     []time.Time // starts of the booked appointments, in order
	centres    []place     // where the person was booked or came, or missed an appointment
	mediators  []place
	// localCame is the latest arrival that this replica recorded itself
	// (refreshes only: the index does not say who wrote a record).
	localCame time.Time
}

// add records f unless it is older than from. intern shares the strings
// kept, so that a recompute does not pin every index key in memory.
func (h *history) add(f fact, from time.Time, intern func(string) string) {
	if f.at.Before(from) {
		return
	}
	switch {
	case f.kind == factAbsent:
		if h.absence.kind == 0 || f.at.After(h.absence.at) || (f.at.Equal(h.absence.at) && f.id > h.absence.id) {
			f.person, f.procedure = "", strings.Clone(f.procedure)
			if f.centre != "" {
				f.centre = intern(f.centre)
			}
			if f.mediator != "" {
				f.mediator = intern(f.mediator)
			}
			h.absence = f
		}
	default:
		if f.at.After(h.lastActive) {
			h.lastActive = f.at
		}
		if f.came() && f.at.After(h.lastCame) {
			h.lastCame = f.at
		}
		if f.kind == factBooked {
			i, _ := slices.BinarySearchFunc(h.booked, f.at, time.Time.Compare)
			h.booked = slices.Insert(h.booked, i, f.at)
		}
	}
	h.centres = addPlace(h.centres, place{f.centre, f.at}, intern)
	h.mediators = addPlace(h.mediators, place{f.mediator, f.at}, intern)
}

// place is a centre or a mediator met, and the latest time, so that it
// leaves the entry when it leaves the window.
type place struct {
	id string
	at time.Time
}

func addPlace(places []place, p place, intern func(string) string) []place {
	if p.id == "" {
		return places
	}
	for i := range places {
		if places[i].id == p.id {
			if p.at.After(places[i].at) {
				places[i].at = p.at
			}
			return places
		}
	}
	p.id = intern(p.id)
	return append(places, p)
}

// ids returns the ids of the places met since from.
func ids(places []place, from time.Time) []string {
	var out []string
	for _, p := range places {
		if !p.at.Before(from) {
			out = append(out, p.id)
		}
	}
	return out
}

// absorb adds to h what o knows: the parts of a history read apart.
func (h *history) absorb(o *history) {
	if o.absence.kind != 0 && (h.absence.kind == 0 || o.absence.at.After(h.absence.at) ||
		(o.absence.at.Equal(h.absence.at) && o.absence.id > h.absence.id)) {
		h.absence = o.absence
	}
	if o.lastActive.After(h.lastActive) {
		h.lastActive = o.lastActive
	}
	if o.lastCame.After(h.lastCame) {
		h.lastCame = o.lastCame
	}
	if o.localCame.After(h.localCame) {
		h.localCame = o.localCame
	}
	if len(o.booked) > 0 {
		h.booked = append(h.booked, o.booked...)
		slices.SortFunc(h.booked, time.Time.Compare)
	}
	for _, c := range o.centres {
		h.centres = addPlace(h.centres, c, same)
	}
	for _, m := range o.mediators {
		h.mediators = addPlace(h.mediators, m, same)
	}
}

func same(s string) string { return s }

// resolved reports whether the person booked or came after their latest no-show.
func (h *history) resolved() bool { return h.absence.kind == 0 || h.lastActive.After(h.absence.at) }

// bookedBetween returns the first booked start in [from, to], if any.
func (h *history) bookedBetween(from, to time.Time) (time.Time, bool) {
	i, _ := slices.BinarySearchFunc(h.booked, from, time.Time.Compare)
	if i < len(h.booked) && !h.booked[i].After(to) {
		return h.booked[i], true
	}
	return time.Time{}, false
}
