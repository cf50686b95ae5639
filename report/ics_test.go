package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var dtstamp = regexp.MustCompile(`(?m)^DTSTAMP:\d{8}T\d{6}Z\r$`)

// normalised replaces the moment of export, the only part that changes from
// one run to the next.
func normalised(b []byte) []byte {
	return dtstamp.ReplaceAll(b, []byte("DTSTAMP:20000101T000000Z\r"))
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = normalised(got)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./report/ -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the export:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func sampleEvents(t testing.TB) []CalendarEvent {
	paris := mustLoad("Europe/Paris")
	first := EventFromSlip("0193a0b4-7c1e-7d2a-9f00-000000000001", sampleSlip(t), "fr")
	return []CalendarEvent{
		first,
		{
			ID:       "0193a0b4-7c1e-7d2a-9f00-000000000002",
			Start:    time.Date(2026, time.July, 7, 9, 0, 0, 0, paris), // summer time: 07:00 UTC
			Duration: 90 * time.Minute,
			Summary:  "Demande de titre de séjour (ANEF)",
			Location: "Centre social Les Tilleuls",
			Status:   StatusCancelled,
		},
	}
}

func TestAppointmentICSGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := AppointmentICS(&buf, sampleEvents(t)[0]); err != nil {
		t.Fatalf("AppointmentICS: %v", err)
	}
	golden(t, "appointment.ics", buf.Bytes())
}

func TestAgendaICSGolden(t *testing.T) {
	events := sampleEvents(t)
	var buf bytes.Buffer
	if err := AgendaICS(&buf, "Agenda de Françoise", events); err != nil {
		t.Fatalf("AgendaICS: %v", err)
	}
	golden(t, "agenda.ics", buf.Bytes())
}

func TestAgendaICSParsesBack(t *testing.T) {
	events := sampleEvents(t)
	var buf bytes.Buffer
	if err := AgendaICS(&buf, "Agenda de Françoise", events); err != nil {
		t.Fatalf("AgendaICS: %v", err)
	}
	if !strings.Contains(buf.String(), "\r\nX-WR-CALNAME:Agenda de Françoise\r\n") {
		t.Errorf("calendar name missing from the export:\n%s", buf.String())
	}
	for _, line := range strings.Split(buf.String(), "\r\n") {
		if strings.HasPrefix(line, "DTSTART") || strings.HasPrefix(line, "DTEND") || strings.HasPrefix(line, "DTSTAMP") {
			if !regexp.MustCompile(`^[A-Z]+:\d{8}T\d{6}Z$`).MatchString(line) {
				t.Errorf("time line %q is not in UTC (…Z, no TZID)", line)
			}
		}
	}
	cal, err := ics.ParseCalendar(&buf)
	if err != nil {
		t.Fatalf("ParseCalendar: %v", err)
	}
	got := cal.Events()
	if len(got) != len(events) {
		t.Fatalf("parsed %d events, want %d", len(got), len(events))
	}
	wantStatus := []string{StatusConfirmed, StatusCancelled}
	for i, e := range events {
		ev := got[i]
		prop := func(p ics.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return ics.FromText(v.Value)
			}
			return ""
		}
		if uid := prop(ics.ComponentPropertyUniqueId); uid != e.ID+"@relais" {
			t.Errorf("event %d UID = %q, want %q", i, uid, e.ID+"@relais")
		}
		start, err := ev.GetStartAt()
		if err != nil || !start.Equal(e.Start) {
			t.Errorf("event %d start = %v (%v), want %v", i, start, err, e.Start)
		}
		end, err := ev.GetEndAt()
		if err != nil || !end.Equal(e.Start.Add(e.Duration)) {
			t.Errorf("event %d end = %v (%v), want %v", i, end, err, e.Start.Add(e.Duration))
		}
		for _, c := range []struct {
			p    ics.ComponentProperty
			want string
		}{
			{ics.ComponentPropertySummary, e.Summary},
			{ics.ComponentPropertyLocation, e.Location},
			{ics.ComponentPropertyDescription, e.Description},
			{ics.ComponentPropertyStatus, wantStatus[i]},
		} {
			if got := prop(c.p); got != c.want {
				t.Errorf("event %d %s = %q, want %q", i, c.p, got, c.want)
			}
		}
	}
}

func TestEventFromSlip(t *testing.T) {
	e := EventFromSlip("42", sampleSlip(t), "fr")
	want := CalendarEvent{
		ID:       "42",
		Start:    sampleSlip(t).Start,
		Duration: 45 * time.Minute,
		Summary:  "Demande de prime d'activité (CAF)",
		Location: "Espace France Services de Bréhéville, 12 rue de l'Église, 55150 Bréhéville",
		Description: "Documents à apporter :\n" +
			"- Pièce d'identité en cours de validité\n" +
			"- Avis d'impôt « revenus 2025 »\n" +
			"- Relevé d'identité bancaire (RIB) à votre nom\n" +
			"- Numéro d'allocataire, reçu par courrier ou à la première connexion sur le site de la caisse\n" +
			"- Cœur du dossier : vos trois dernières fiches de paie\n" +
			"En cas d'empêchement, prévenez le centre au 03 29 00 00 00.",
	}
	if e != want {
		t.Errorf("EventFromSlip = %#v, want %#v", e, want)
	}
}

func TestCalendarEventErrors(t *testing.T) {
	ok := sampleEvents(t)[0]
	tests := []struct {
		name   string
		change func(*CalendarEvent)
		want   error
	}{
		{"no id", func(e *CalendarEvent) { e.ID = " " }, ErrEventWithoutID},
		{"no start", func(e *CalendarEvent) { e.Start = time.Time{} }, ErrEventWithoutDate},
		{"unknown status", func(e *CalendarEvent) { e.Status = "annulé" }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			tc.change(&e)
			var buf bytes.Buffer
			err := AppointmentICS(&buf, e)
			if err == nil {
				t.Fatalf("AppointmentICS(%s) = nil, want an error", tc.name)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("AppointmentICS(%s) = %v, want %v", tc.name, err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("AppointmentICS(%s) wrote %d bytes, want none", tc.name, buf.Len())
			}
		})
	}
}
