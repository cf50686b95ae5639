package export

import (
	"context"
	"io"
	"time"

	"relais/appointments"
	"relais/problem"
	"relais/report"
	"relais/stats"
	"relais/store"
)

// MaxAgendaEvents bounds an ICS export: calendar applications choke on
// bigger files, and nobody reads a network's month in one calendar.
const MaxAgendaEvents = 20_000

// Problems of the exports.
var (
	ErrAgendaTooLarge = problem.Register("export.agenda_too_large")
	ErrAgendaEmpty    = problem.Register("export.agenda_empty")
)

// Agenda writes the appointments of s as an ICS calendar: a centre's agenda,
// or one mediator's when mediator (a staff id) is set. Cancelled and
// excused appointments are written as cancelled events, so a calendar that
// imported them before shows them struck out. Events name the procedure and
// the centre, never the person: calendars end up on phones and online. It
// returns the number of events; an agenda with none is ErrAgendaEmpty and
// writes nothing.
func Agenda(ctx context.Context, w io.Writer, db *store.DB, s Scope, mediator string, progress Progress) (int, error) {
	n, err := readNames(db, s)
	if err != nil {
		return 0, err
	}
	var events []report.CalendarEvent
	for i, c := range n.centres {
		err := stats.Items(ctx, db, []string{c.ID}, s.Period, func(it stats.Item) error {
			if mediator != "" && it.Mediator != mediator {
				return nil
			}
			if len(events) == MaxAgendaEvents {
				return ErrAgendaTooLarge.With("max", MaxAgendaEvents)
			}
			title, org := procedure(it.Procedure)
			summary := title
			if org != "" {
				summary += " (" + org + ")"
			}
			status := report.StatusConfirmed
			if it.Status == appointments.Cancelled || it.Status == appointments.Excused {
				status = report.StatusCancelled
			}
			desc := "Avec : " + n.mediators[it.Mediator] + "\nMode : " + word(modeWord, it.Mode) + "\nStatut : " + word(statusWord, it.Status)
			events = append(events, report.CalendarEvent{ID: it.ID, Start: it.Start, Duration: time.Duration(it.Minutes) * time.Minute,
				Summary: summary, Location: c.Name, Description: desc, Status: status})
			return nil
		})
		if err != nil {
			return 0, err
		}
		if progress != nil {
			progress(len(events), float64(i+1)/float64(len(n.centres)))
		}
	}
	if len(events) == 0 {
		return 0, ErrAgendaEmpty.With("period", s.Period.Label())
	}
	name := "Relais"
	switch {
	case mediator != "" && len(n.centres) == 1:
		name = n.mediators[mediator] + " – " + n.centres[0].Name
	case mediator != "":
		name = n.mediators[mediator]
	case len(n.centres) == 1:
		name = n.centres[0].Name
	}
	return len(events), report.AgendaICS(w, name+" – "+s.Period.Label(), events)
}
