package export_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/export"
	"relais/problem/problemtest"
	"relais/radar"
	"relais/staff"
	"relais/stats"
	"relais/store"
	"relais/store/storetest"
	"relais/workshops"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, appointments.Paris)
}

// Fixed ids, so that the golden files do not change from run to run.
const (
	tilleuls  = "0195a000-0000-7000-8000-00000000000a"
	bellevue  = "0195a000-0000-7000-8000-00000000000b"
	camille   = "0195a000-0000-7000-8000-0000000000c1"
	trickster = "0195a000-0000-7000-8000-0000000000c2"
	helene    = "0195a000-0000-7000-8000-0000000000f1"
	yusuf     = "0195a000-0000-7000-8000-0000000000f2"
)

// coordinator exports: the role that reads reports.
var coordinator = actor.New("nadia", "Nadia Benali", actor.Coordinator, tilleuls)

var march = stats.Month(paris(2026, time.March, 10, 12, 0))

func put[T any](tb testing.TB, db *store.DB, kind, id string, v T) {
	tb.Helper()
	if _, err := store.NewCollection[T](db, kind).Put(id, v, store.ScopeNetwork); err != nil {
		tb.Fatal(err)
	}
}

// fixture is two centres and a March of activity. One mediator's name
// is a formula, as someone may type to try CSV injection.
func fixture(tb testing.TB) *store.DB {
	db := storetest.Open(tb, appointments.Indexes()...)
	put(tb, db, appointments.CentreKind, tilleuls, appointments.Centre{Name: "Centre social Les Tilleuls"})
	put(tb, db, appointments.CentreKind, bellevue, appointments.Centre{Name: "Maison de quartier Bellevue; Nord"})
	put(tb, db, staff.Kind, camille, staff.Account{Name: "Camille Lefèvre", Login: "camille", Role: staff.Mediator, Centre: tilleuls})
	put(tb, db, staff.Kind, trickster, staff.Account{Name: "=HYPERLINK(\"http://x\")", Login: "x", Role: staff.Mediator, Centre: bellevue})
	appt := func(id, centre, mediator, person, proc string, start time.Time, minutes int, st appointments.Status, au appointments.Autonomy, mode appointments.Mode) {
		a := appointments.Appointment{Person: person, Centre: centre, Mediator: mediator, Procedure: proc, Start: start.UTC(),
			Minutes: minutes, Mode: mode, Status: st, Booked: start.AddDate(0, 0, -7).UTC()}
		if st == appointments.Seen {
			a.Outcome = &appointments.Outcome{Autonomy: au, Note: "Note privée qui ne doit pas sortir"}
		}
		put(tb, db, appointments.Kind, id, a)
	}
	appt("0195a000-0000-7000-8000-000000000101", tilleuls, camille, helene, "caf-demande-rsa", paris(2026, time.March, 2, 9, 0), 60, appointments.Seen, appointments.DoneFor, appointments.OnSite)
	appt("0195a000-0000-7000-8000-000000000102", tilleuls, camille, yusuf, "ameli-creer-compte", paris(2026, time.March, 2, 10, 30), 30, appointments.Absent, "", appointments.OnSite)
	appt("0195a000-0000-7000-8000-000000000103", tilleuls, camille, helene, "caf-demande-rsa", paris(2026, time.March, 16, 14, 0), 45, appointments.Seen, appointments.DoneWith, appointments.Phone)
	appt("0195a000-0000-7000-8000-000000000104", tilleuls, camille, yusuf, "ameli-creer-compte", paris(2026, time.March, 20, 9, 0), 30, appointments.Cancelled, "", appointments.OnSite)
	appt("0195a000-0000-7000-8000-000000000105", bellevue, trickster, yusuf, "impots-declaration-revenus", paris(2026, time.March, 5, 11, 0), 45, appointments.Seen, appointments.DoneAlone, appointments.Video)
	appt("0195a000-0000-7000-8000-000000000106", tilleuls, camille, helene, "caf-demande-rsa", paris(2026, time.April, 1, 9, 0), 60, appointments.Booked, "", appointments.OnSite)
	put(tb, db, appointments.WalkInKind, "0195a000-0000-7000-8000-000000000201", appointments.WalkIn{Centre: tilleuls, Person: yusuf,
		Procedure: "caf-declaration-trimestrielle", Arrived: paris(2026, time.March, 2, 10, 0).UTC(), Status: appointments.Taken, Mediator: camille})
	put(tb, db, appointments.WalkInKind, "0195a000-0000-7000-8000-000000000202", appointments.WalkIn{Centre: tilleuls, FirstName: "Jo",
		Arrived: paris(2026, time.March, 2, 10, 5).UTC(), Status: appointments.Left})
	put(tb, db, workshops.Kind, "0195a000-0000-7000-8000-000000000301", workshops.Workshop{Centre: bellevue, Mediator: trickster,
		Title: "Créer son adresse e-mail", Procedure: "email-creer-adresse", Start: paris(2026, time.March, 18, 14, 0).UTC(), Minutes: 90, Participants: 7})
	put(tb, db, radar.CaseKind, "0195a000-0000-7000-8000-000000000401", radar.Case{Person: yusuf, Centre: tilleuls, Status: radar.CaseClosed,
		Opened: paris(2026, time.February, 20, 9, 0), Closed: paris(2026, time.March, 12, 9, 0), Reason: radar.CameBack,
		Actions: []radar.Action{{Kind: radar.Call, At: paris(2026, time.February, 22, 9, 0), By: "camille"}}})
	put(tb, db, radar.CaseKind, "0195a000-0000-7000-8000-000000000402", radar.Case{Person: helene, Centre: bellevue, Status: radar.CaseOpen,
		Opened: paris(2026, time.March, 25, 9, 0), AssignedTo: "camille"})
	put(tb, db, radar.CaseKind, "0195a000-0000-7000-8000-000000000403", radar.Case{Person: helene, Centre: tilleuls, Status: radar.CaseClosed,
		Opened: paris(2026, time.January, 5, 9, 0), Closed: paris(2026, time.February, 1, 9, 0), Reason: radar.Moved})
	return db
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./export -update` to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

type exporter func(context.Context, *bytes.Buffer, *store.DB, export.Scope, export.Progress) (int, error)

var exporters = []struct {
	name string
	rows int
	fn   func(ctx context.Context, w *bytes.Buffer, db *store.DB, s export.Scope, p export.Progress) (int, error)
}{
	{"appointments", 5, func(ctx context.Context, w *bytes.Buffer, db *store.DB, s export.Scope, p export.Progress) (int, error) {
		return export.Appointments(ctx, w, db, s, p)
	}},
	{"accompaniments", 5, func(ctx context.Context, w *bytes.Buffer, db *store.DB, s export.Scope, p export.Progress) (int, error) {
		return export.Accompaniments(ctx, w, db, s, p)
	}},
	{"radar", 2, func(ctx context.Context, w *bytes.Buffer, db *store.DB, s export.Scope, p export.Progress) (int, error) {
		return export.Radar(ctx, w, db, s, p)
	}},
}

func TestCSVGolden(t *testing.T) {
	db := fixture(t)
	for _, e := range exporters {
		t.Run(e.name, func(t *testing.T) {
			var buf bytes.Buffer
			last := -1.0
			rows, err := e.fn(context.Background(), &buf, db, export.Scope{Period: march, Who: coordinator}, func(_ int, done float64) {
				if done < last {
					t.Errorf("progress went back from %v to %v", last, done)
				}
				last = done
			})
			if err != nil {
				t.Fatal(err)
			}
			if rows != e.rows || last != 1 {
				t.Errorf("%s: %d rows, progress ended at %v; want %d rows and 1", e.name, rows, last, e.rows)
			}
			golden(t, e.name+".csv", buf.Bytes())
			checkForm(t, buf.String())
		})
	}
}

// checkForm checks what spreadsheet software needs: a BOM, « ; », CRLF,
// no formula, no private note.
func checkForm(t *testing.T, s string) {
	t.Helper()
	if !strings.HasPrefix(s, "\ufeff") {
		t.Errorf("no UTF-8 BOM")
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.Contains(l, "\n") {
			t.Errorf("line %d has a bare line feed", i+1)
		}
		if strings.Contains(l, ";=") || strings.Contains(l, ";\"=") {
			t.Errorf("line %d has a cell starting with =: %q", i+1, l)
		}
	}
	if len(lines) < 2 || !strings.Contains(lines[0], ";") {
		t.Errorf("no « ; » separated header: %q", lines[0])
	}
	if strings.Contains(s, "Note privée") {
		t.Errorf("a private note left in an export")
	}
}

func TestCSVOfOneCentre(t *testing.T) {
	db := fixture(t)
	var buf bytes.Buffer
	rows, err := export.Appointments(context.Background(), &buf, db, export.Scope{Period: march, Centre: bellevue, Who: coordinator}, nil)
	if err != nil || rows != 1 || strings.Contains(buf.String(), "Tilleuls") {
		t.Errorf("Appointments(Bellevue) = %d rows, %v:\n%s", rows, err, buf.String())
	}
	buf.Reset()
	if _, err := export.Radar(context.Background(), &buf, db, export.Scope{Period: march, Centre: "nowhere", Who: coordinator}, nil); !errors.Is(err, stats.ErrUnknownCentre) || buf.Len() != 0 {
		t.Errorf("Radar(unknown centre) = %v and %d bytes, want ErrUnknownCentre and nothing", err, buf.Len())
	}
	if _, err := export.Appointments(context.Background(), &buf, db, export.Scope{Period: stats.Period{From: march.To, To: march.From}, Who: coordinator}, nil); !errors.Is(err, stats.ErrBadPeriod) {
		t.Errorf("Appointments(backwards period) = %v, want ErrBadPeriod", err)
	}
}

func TestCSVCancelled(t *testing.T) {
	db := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, e := range exporters {
		if _, err := e.fn(ctx, &bytes.Buffer{}, db, export.Scope{Period: march, Who: coordinator}, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("%s(cancelled) = %v, want context.Canceled", e.name, err)
		}
	}
}

// Only roles that read reports export: a mediator or the front desk is
// refused, and nothing is written.
func TestExportsRefuseOtherRoles(t *testing.T) {
	db := fixture(t)
	for _, who := range []*actor.Actor{nil, actor.New("camille", "Camille Lefèvre", actor.Mediator, tilleuls),
		actor.New("accueil", "Accueil", actor.Reception, tilleuls)} {
		for _, e := range exporters {
			var buf bytes.Buffer
			if _, err := e.fn(context.Background(), &buf, db, export.Scope{Period: march, Who: who}, nil); !errors.Is(err, actor.ErrNotAllowed) || buf.Len() != 0 {
				t.Errorf("%s by %v = %v and %d bytes, want actor.ErrNotAllowed and nothing", e.name, who, err, buf.Len())
			}
		}
		var buf bytes.Buffer
		if _, err := export.Agenda(context.Background(), &buf, db, export.Scope{Period: march, Centre: tilleuls, Who: who}, "", nil); !errors.Is(err, actor.ErrNotAllowed) || buf.Len() != 0 {
			t.Errorf("Agenda by %v = %v and %d bytes, want actor.ErrNotAllowed and nothing", who, err, buf.Len())
		}
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33612345678": "'+33612345678", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"Hélène": "Hélène", "": "", "a\r\nb\nc": "a b c", "1-2": "1-2",
	} {
		if got := export.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgenda(t *testing.T) {
	db := fixture(t)
	var buf bytes.Buffer
	n, err := export.Agenda(context.Background(), &buf, db, export.Scope{Period: march, Centre: tilleuls, Who: coordinator}, camille, nil)
	if err != nil {
		t.Fatal(err)
	}
	ics := strings.ReplaceAll(buf.String(), "\r\n ", "")
	if n != 4 || strings.Count(ics, "BEGIN:VEVENT") != 4 {
		t.Errorf("Agenda(Camille at Les Tilleuls, March) = %d events, want 4:\n%s", n, ics)
	}
	for _, want := range []string{"X-WR-CALNAME:Camille Lefèvre – Centre social Les Tilleuls – mars 2026", "STATUS:CANCELLED",
		"SUMMARY:Demande de RSA ou de prime d'activité (CAF)", "UID:0195a000-0000-7000-8000-000000000101@relais"} {
		if !strings.Contains(ics, want) {
			t.Errorf("the agenda lacks %q", want)
		}
	}
	if strings.Contains(ics, helene) || strings.Contains(ics, "Note privée") {
		t.Errorf("the agenda names a person or holds a note")
	}
	buf.Reset()
	if _, err := export.Agenda(context.Background(), &buf, db, export.Scope{Period: march.Next().Next(), Who: coordinator}, "", nil); !errors.Is(err, export.ErrAgendaEmpty) || buf.Len() != 0 {
		t.Errorf("Agenda(an empty month) = %v and %d bytes, want ErrAgendaEmpty and nothing", err, buf.Len())
	}
}

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "export")
}
