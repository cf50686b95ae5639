package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"relais/appointments"
	"relais/store"
)

// Item is an appointment as the figures and the exports read it: what the
// agenda index of appointments covers, so that a month of a whole network
// is read from adjacent index keys without decoding a single record.
type Item struct {
	Centre string
	appointments.AgendaItem
}

// readEvery is how many index entries are read between two looks at the
// context: cancelling answers within a few milliseconds.
const readEvery = 4096

// Items calls fn with the appointments starting in p at centre, or at every
// centre of centres when centre is "", centre by centre and in start order
// within a centre. It stops with ctx's error when ctx is cancelled.
func Items(ctx context.Context, db *store.DB, centres []string, p Period, fn func(Item) error) error {
	if !p.valid() {
		return ErrBadPeriod
	}
	first, end := p.dayBounds()
	n := 0
	for _, c := range centres {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.FindRange(appointments.Kind, "centre_day", c+"/"+first, c+"/"+end, func(value, id string) error {
			if n++; n%readEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			it, ok := parseAgenda(id, value)
			if !ok {
				return store.ErrDamaged.Because(fmt.Errorf("agenda index of %s/%s: %q", appointments.Kind, id, value))
			}
			if !p.Holds(it.Start) {
				return nil
			}
			return fn(Item{Centre: c, AgendaItem: it})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// parseAgenda reads a value of the appointments' centre_day index, whose
// layout appointments/agenda.go documents:
//
//	<centre>/<day>/<HH:MM>|<start unix>|<minutes>|<mediator>|<person>|<procedure>|<mode>|<status>|<arrived unix>|<autonomy>
//
// TestParseAgendaMatchesDayAgenda pins it to what DayAgenda reads.
func parseAgenda(id, v string) (appointments.AgendaItem, bool) {
	var f [10]string
	for i := range 9 {
		var ok bool
		f[i], v, ok = strings.Cut(v, "|")
		if !ok {
			return appointments.AgendaItem{}, false
		}
	}
	if strings.Contains(v, "|") {
		return appointments.AgendaItem{}, false
	}
	f[9] = v
	start, err1 := strconv.ParseInt(f[1], 10, 64)
	minutes, err2 := strconv.Atoi(f[2])
	arrived, err3 := strconv.ParseInt(f[8], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return appointments.AgendaItem{}, false
	}
	it := appointments.AgendaItem{
		ID: id, Start: time.Unix(start, 0).UTC(), Minutes: minutes, Mediator: f[3], Person: f[4],
		Procedure: f[5], Mode: appointments.Mode(f[6]), Status: appointments.Status(f[7]), Autonomy: appointments.Autonomy(f[9]),
	}
	if arrived != 0 {
		it.Arrived = time.Unix(arrived, 0).UTC()
	}
	return it, true
}

// Centre is a centre of the network, by name.
type Centre struct {
	ID, Name string
}

// Centres returns the centres of the network, by name.
func Centres(db *store.DB) ([]Centre, error) {
	var out []Centre
	err := appointments.Centres(db).All(func(id string, c appointments.Centre) error {
		out = append(out, Centre{ID: id, Name: c.Name})
		return nil
	})
	slices.SortFunc(out, func(a, b Centre) int {
		return strings.Compare(strings.ToLower(a.Name)+"\x00"+a.ID, strings.ToLower(b.Name)+"\x00"+b.ID)
	})
	return out, err
}
