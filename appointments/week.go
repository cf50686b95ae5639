package appointments

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the desk PCs (Windows included) may lack a zone database

	"relais/problem"
)

// Paris is the time zone of every centre: appointments are stored in UTC and
// shown, opened and closed in Paris time.
var Paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in: cannot happen
	}
	return loc
}

// DayLayout is how a day is written in records and index values.
const DayLayout = "2006-01-02"

// DayOf returns the Paris day of t as "2006-01-02".
func DayOf(t time.Time) string { return t.In(Paris).Format(DayLayout) }

// ParseDay reads a day written "2006-01-02"; "2026-02-30" is refused.
func ParseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation(DayLayout, strings.TrimSpace(s), Paris)
	if err != nil {
		return time.Time{}, ErrImpossibleDate.With("value", s).Because(err)
	}
	return d, nil
}

// At returns the instant at clock time c of the Paris day of day.
func At(day time.Time, c Clock) time.Time {
	y, m, d := day.In(Paris).Date()
	return time.Date(y, m, d, int(c)/60, int(c)%60, 0, 0, Paris)
}

// Clock is a time of day in minutes after midnight, written "09:30".
type Clock int

// ParseClock reads "9:30", "09:30" or "9h30"; "25:00" and "12:75" are refused.
func ParseClock(s string) (Clock, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	h, m, ok := strings.Cut(t, ":")
	if !ok {
		h, m, ok = strings.Cut(t, "h")
	}
	if !ok {
		return 0, ErrImpossibleTime.With("value", s)
	}
	if m == "" {
		m = "0"
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) > 2 {
		return 0, ErrImpossibleTime.With("value", s)
	}
	return Clock(hh*60 + mm), nil
}

// ClockOf returns the Paris time of day of t.
func ClockOf(t time.Time) Clock {
	p := t.In(Paris)
	return Clock(p.Hour()*60 + p.Minute())
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes "09:30".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads what ParseClock reads.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Range is a part of a day, from Start to End (End excluded).
type Range struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// ParseRange reads two clock times, such as "13:30" and "17:30".
func ParseRange(start, end string) (Range, error) {
	s, err := ParseClock(start)
	if err != nil {
		return Range{}, err
	}
	e, err := ParseClock(end)
	if err != nil {
		return Range{}, err
	}
	r := Range{Start: s, End: e}
	return r, r.Validate()
}

// Validate refuses a range that ends before it starts or lies outside a day.
func (r Range) Validate() error {
	if r.Start < 0 || r.Start >= 24*60 {
		return ErrImpossibleTime.With("value", r.Start.String())
	}
	if r.End < 0 || r.End >= 24*60 {
		return ErrImpossibleTime.With("value", r.End.String())
	}
	if r.End <= r.Start {
		return ErrEndBeforeStart.With(clockArgs("from", r.Start, "to", r.End)...)
	}
	return nil
}

// Holds reports whether [start, end) lies inside r.
func (r Range) Holds(start, end Clock) bool { return r.Start <= start && end <= r.End }

// Week holds, for each weekday (indexed by time.Weekday: 0 is Sunday), the
// ranges of a week: a centre's opening hours or a mediator's availability.
type Week [7][]Range

// Add appends a range to a weekday, such as Add(time.Tuesday, "13:30", "17:30").
func (w *Week) Add(day time.Weekday, start, end string) error {
	r, err := ParseRange(start, end)
	if err != nil {
		return err
	}
	w[day] = append(w[day], r)
	return w.Validate()
}

// Validate checks each range and refuses overlapping ranges on one day.
func (w Week) Validate() error {
	for _, ranges := range w {
		sorted := slices.Clone(ranges)
		slices.SortFunc(sorted, func(a, b Range) int { return int(a.Start - b.Start) })
		for i, r := range sorted {
			if err := r.Validate(); err != nil {
				return err
			}
			if i > 0 && r.Start < sorted[i-1].End {
				return ErrRangesOverlap.With(clockArgs("from", r.Start, "to", sorted[i-1].End)...)
			}
		}
	}
	return nil
}

// normalise sorts each day's ranges.
func (w Week) normalise() Week {
	for d := range w {
		w[d] = slices.Clone(w[d])
		slices.SortFunc(w[d], func(a, b Range) int { return int(a.Start - b.Start) })
	}
	return w
}

// Holds reports whether [start, end) on weekday lies inside one range.
func (w Week) Holds(day time.Weekday, start, end Clock) bool {
	for _, r := range w[day] {
		if r.Holds(start, end) {
			return true
		}
	}
	return false
}

// intersect returns the parts of day common to a and b, in order.
func intersect(a, b []Range) []Range {
	var out []Range
	for _, x := range a {
		for _, y := range b {
			r := Range{Start: max(x.Start, y.Start), End: min(x.End, y.End)}
			if r.Start < r.End {
				out = append(out, r)
			}
		}
	}
	slices.SortFunc(out, func(a, b Range) int { return int(a.Start - b.Start) })
	return out
}

// clockArgs gives problem arguments for two clock times, split into hours
// and minutes so French can write « 14 h 00 » and English « 14:00 ».
func clockArgs(from string, f Clock, to string, t Clock) []any {
	return []any{
		from + "_h", fmt.Sprintf("%d", int(f)/60), from + "_m", fmt.Sprintf("%02d", int(f)%60),
		to + "_h", fmt.Sprintf("%d", int(t)/60), to + "_m", fmt.Sprintf("%02d", int(t)%60),
	}
}

// Problems of dates, times and ranges.
var (
	ErrImpossibleDate = problem.Register("appointments.impossible_date")
	ErrImpossibleTime = problem.Register("appointments.impossible_time")
	ErrEndBeforeStart = problem.Register("appointments.end_before_start")
	ErrRangesOverlap  = problem.Register("appointments.ranges_overlap")
	ErrRangeTooLong   = problem.Register("appointments.range_too_long")
)
