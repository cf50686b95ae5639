package appointments

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"relais/store"
)

// SlotStep is the grid free slots are proposed on.
const SlotStep = 15 * time.Minute

// slotHorizonDays is how far NextFreeSlots looks ahead.
const slotHorizonDays = 120

// Slot is a free time for a procedure with one mediator.
type Slot struct {
	Start    time.Time
	End      time.Time
	Mediator string
}

// NextFreeSlots proposes up to n free slots for a procedure at a centre,
// from from (or now, if later) on, on the quarter hours: inside opening
// hours, outside closures, when a mediator works there, is not absent and
// has no appointment. One slot per start time, with the mediator who has
// the fewest appointments that day.
func (s *Scheduler) NextFreeSlots(procedure, centre string, from time.Time, n int) ([]Slot, error) {
	p, err := FindProcedure(procedure)
	if err != nil {
		return nil, err
	}
	if now := s.now(); from.Before(now) {
		from = now
	}
	hours, err := s.OpeningHours(centre)
	if err != nil {
		return nil, err
	}
	av, err := s.Availabilities(centre)
	if err != nil {
		return nil, err
	}
	length := time.Duration(p.Minutes) * time.Minute
	var out []Slot
	f := from.In(Paris)
	day := time.Date(f.Year(), f.Month(), f.Day(), 12, 0, 0, 0, Paris)
	for i := 0; i < slotHorizonDays && len(out) < n; i, day = i+1, day.AddDate(0, 0, 1) {
		wd := day.Weekday()
		if len(hours[wd]) == 0 {
			continue
		}
		d := DayOf(day)
		closed, err := s.db.Find(ClosureKind, "centre_day", centre+"/"+d)
		if err != nil {
			return nil, err
		}
		if len(closed) > 0 {
			continue
		}
		type candidate struct {
			slot Slot
			load int
		}
		var cands []candidate
		for _, a := range av {
			ranges := intersect(hours[wd], a.Week[wd])
			if len(ranges) == 0 {
				continue
			}
			busy, err := s.busy(a.Mediator, d)
			if err != nil {
				return nil, err
			}
			load := len(busy)
			for _, r := range ranges {
				first := (int(r.Start) + 14) / 15 * 15
				for m := first; m+p.Minutes <= int(r.End); m += 15 {
					start := At(day, Clock(m))
					end := start.Add(length)
					if start.Before(from) || overlapsAny(busy, start, end) {
						continue
					}
					cands = append(cands, candidate{Slot{Start: start.UTC(), End: end.UTC(), Mediator: a.Mediator}, load})
				}
			}
		}
		slices.SortFunc(cands, func(a, b candidate) int {
			return cmp.Or(a.slot.Start.Compare(b.slot.Start), cmp.Compare(a.load, b.load), cmp.Compare(a.slot.Mediator, b.slot.Mediator))
		})
		for _, c := range cands {
			if len(out) == n {
				break
			}
			if len(out) > 0 && out[len(out)-1].Start.Equal(c.slot.Start) {
				continue
			}
			out = append(out, c.slot)
		}
	}
	return out, nil
}

type span struct{ start, end time.Time }

func overlapsAny(busy []span, start, end time.Time) bool {
	for _, b := range busy {
		if b.start.Before(end) && start.Before(b.end) {
			return true
		}
	}
	return false
}

// busy returns the times a mediator is taken on a day: appointments that
// occupy their slot, and absences.
func (s *Scheduler) busy(mediator, day string) ([]span, error) {
	entries, err := s.find("mediator_day", mediator+"/"+day)
	if err != nil {
		return nil, err
	}
	var out []span
	for _, e := range entries {
		if e.Status.Occupies() {
			out = append(out, span{e.Start, e.End()})
		}
	}
	ids, err := s.db.Find(AbsenceKind, "mediator_day", mediator+"/"+day)
	if err != nil {
		return nil, err
	}
	c := store.NewCollection[Absence](s.db, AbsenceKind)
	for _, id := range ids {
		a, _, err := c.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, span{a.Start, a.End})
	}
	return out, nil
}
