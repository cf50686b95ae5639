package stats

import (
	"time"

	"relais/appointments"
)

// Period is [From, To): a month in Paris for the monthly report, or any
// other span of days.
type Period struct {
	From, To time.Time
}

// Month returns the Paris calendar month holding t.
func Month(t time.Time) Period {
	p := t.In(appointments.Paris)
	from := time.Date(p.Year(), p.Month(), 1, 0, 0, 0, 0, appointments.Paris)
	return Period{From: from, To: from.AddDate(0, 1, 0)}
}

// Previous returns the month before a monthly period.
func (p Period) Previous() Period { return Month(p.From.In(appointments.Paris).AddDate(0, -1, 0)) }

// Next returns the month after a monthly period.
func (p Period) Next() Period { return Month(p.From.In(appointments.Paris).AddDate(0, 1, 0)) }

// Holds reports whether t lies in the period.
func (p Period) Holds(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// valid reports whether the period is worth reading: not empty, not reversed.
func (p Period) valid() bool { return !p.From.IsZero() && p.To.After(p.From) }

// dayBounds returns the Paris days the period touches, as index values:
// the first day and the day after the last, so that [first, end) is a range
// of an index keyed by "<centre>/<day>".
func (p Period) dayBounds() (first, end string) {
	last := p.To.Add(-time.Nanosecond).In(appointments.Paris)
	return appointments.DayOf(p.From), appointments.DayOf(time.Date(last.Year(), last.Month(), last.Day()+1, 12, 0, 0, 0, appointments.Paris))
}

// frenchMonths are the month names of the reports, which are in French
// whatever the interface's language: they go to French funders.
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// FrenchMonth returns « mars 2026 » for a monthly period.
func (p Period) FrenchMonth() string {
	f := p.From.In(appointments.Paris)
	return frenchMonths[f.Month()-1] + " " + f.Format("2006")
}

// IsMonth reports whether the period is exactly one Paris calendar month.
func (p Period) IsMonth() bool {
	m := Month(p.From)
	return m.From.Equal(p.From) && m.To.Equal(p.To)
}

// Label returns the period in French: « mars 2026 » for a month,
// « du 01/03/2026 au 15/03/2026 » otherwise (both days included).
func (p Period) Label() string {
	if p.IsMonth() {
		return p.FrenchMonth()
	}
	last := p.To.Add(-time.Nanosecond).In(appointments.Paris)
	return "du " + p.From.In(appointments.Paris).Format("02/01/2006") + " au " + last.Format("02/01/2006")
}
