package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"relais/problem"
)

// Statuses of a CalendarEvent, as iCalendar (RFC 5545) names them.
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// CalendarEvent is one appointment as a calendar shows it.
type CalendarEvent struct {
	ID          string // the appointment's id: the event's UID is "<ID>@relais"
	Start       time.Time
	Duration    time.Duration
	Summary     string // the procedure
	Location    string // the centre
	Description string // the documents to bring
	Status      string // StatusConfirmed (the default when empty), StatusTentative or StatusCancelled
}

// ErrEventWithoutID is returned for an event with no appointment id: its UID
// would not be stable, and calendars would show duplicates on re-import.
var ErrEventWithoutID = problem.Register("report.event_without_id")

// ErrEventWithoutDate is returned for an event whose Start is not set.
var ErrEventWithoutDate = problem.Register("report.event_without_date")

// now is the clock for DTSTAMP; tests may replace it.
var now = time.Now

// AppointmentICS writes a calendar holding the single event a to w.
func AppointmentICS(w io.Writer, a CalendarEvent) error {
	return writeCalendar(w, "", []CalendarEvent{a})
}

// AgendaICS writes a calendar named calendarName holding events to w, for
// instance a mediator's agenda. Times are in UTC, so any calendar application
// shows them in its own zone.
func AgendaICS(w io.Writer, calendarName string, events []CalendarEvent) error {
	return writeCalendar(w, calendarName, events)
}

func writeCalendar(w io.Writer, name string, events []CalendarEvent) error {
	cal := ics.NewCalendarFor("Relais")
	cal.SetProductId("-//Relais//Relais//FR")
	cal.SetMethod(ics.MethodPublish)
	if name = strings.TrimSpace(name); name != "" {
		cal.SetName(name)
		cal.SetXWRCalName(name)
	}
	stamp := now().UTC()
	for _, e := range events {
		if err := addEvent(cal, e, stamp); err != nil {
			return err
		}
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

func addEvent(cal *ics.Calendar, e CalendarEvent, stamp time.Time) error {
	id := strings.TrimSpace(e.ID)
	if id == "" {
		return ErrEventWithoutID
	}
	if e.Start.IsZero() {
		return ErrEventWithoutDate.With("id", id)
	}
	status := ics.ObjectStatusConfirmed
	switch strings.ToUpper(strings.TrimSpace(e.Status)) {
	case "", StatusConfirmed:
	case StatusTentative:
		status = ics.ObjectStatusTentative
	case StatusCancelled, "CANCELED":
		status = ics.ObjectStatusCancelled
	default:
		return fmt.Errorf("event %s: unknown calendar status %q", id, e.Status)
	}
	ev := cal.AddEvent(id + "@relais")
	ev.SetDtStampTime(stamp)
	ev.SetStartAt(e.Start)
	ev.SetEndAt(e.Start.Add(max(e.Duration, 0)))
	if s := strings.TrimSpace(e.Summary); s != "" {
		ev.SetSummary(s)
	}
	if s := strings.TrimSpace(e.Location); s != "" {
		ev.SetLocation(s)
	}
	if s := strings.TrimSpace(e.Description); s != "" {
		ev.SetDescription(s)
	}
	ev.SetStatus(status)
	return nil
}

// EventFromSlip makes the calendar event of the appointment id described by
// s: the procedure as summary, the centre as location, the documents to bring
// as description, in lang ("fr" unless "en").
func EventFromSlip(id string, s Slip, lang string) CalendarEvent {
	if lang != "en" {
		lang = "fr"
	}
	wd := words[lang]
	summary := strings.TrimSpace(s.Procedure)
	if o := strings.TrimSpace(s.Organisation); o != "" && summary != "" {
		summary += " (" + o + ")"
	}
	location := strings.TrimSpace(s.CentreName)
	if a := strings.Join(strings.Fields(s.CentreAddress), " "); a != "" {
		location += ", " + a
	}
	var desc strings.Builder
	var docs []string
	for _, d := range s.Documents {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	if len(docs) > 0 {
		colon := " :" // French puts a space before the colon
		if lang == "en" {
			colon = ":"
		}
		desc.WriteString(wd.documents + colon + "\n")
		for _, d := range docs {
			desc.WriteString("- " + d + "\n")
		}
	}
	if p := strings.TrimSpace(s.CentrePhone); p != "" {
		desc.WriteString(fmt.Sprintf(wd.cancel, p))
	}
	return CalendarEvent{
		ID:          id,
		Start:       s.Start,
		Duration:    s.Duration,
		Summary:     summary,
		Location:    strings.TrimPrefix(location, ", "),
		Description: strings.TrimSpace(desc.String()),
	}
}
