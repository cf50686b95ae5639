package app_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/app"
	"relais/demo"
	"relais/export"
	"relais/schema"
	"relais/staff"
	"relais/stats"
	"relais/store"
)

// reportsDesk is a small demo network of three centres with two months
// of history, enough for a month of figures at every centre.
func reportsDesk(t *testing.T) *staff.Desk {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a demo network: skipped with -short")
	}
	dir := t.TempDir()
	size := demo.Small
	size.People = 300
	size.Past, size.Future = 62*24*time.Hour, 14*24*time.Hour
	if _, ok, err := demo.Create(dir, schema.Options(store.TestOptions()), size, 7, nil); err != nil || !ok {
		t.Fatalf("demo.Create = %v, %v", ok, err)
	}
	return openDesk(t, dir)
}

func openReports(t *testing.T, u *app.UI) app.ReportsView {
	t.Helper()
	u.OpenSection(app.SectionReports)
	u.WaitIdle(t)
	return u.ReportsView()
}

// figuresOf computes the figures as the domain does, for comparing.
func figuresOf(t *testing.T, u *app.UI, p stats.Period, centre string) stats.Report {
	t.Helper()
	_, _, db, _ := u.Services()
	r, err := stats.Compute(context.Background(), db, p, stats.Options{Centre: centre, Who: actor.System("")})
	if err != nil {
		t.Fatalf("stats.Compute: %v", err)
	}
	return r
}

// checkFigures compares the key figures shown with the domain's.
func checkFigures(t *testing.T, v app.ReportsView, r stats.Report) {
	t.Helper()
	want := []string{app.Count(r.Accompaniments()), app.Count(r.People), app.Duration(r.Minutes), app.Count(r.Appointments),
		app.Share(r.NoShowRate()), app.Count(r.WalkIns), app.Count(r.RadarEntered), app.Count(r.RadarLeft)}
	if len(v.Figures) < len(want) {
		t.Fatalf("%d key figures shown, want at least %d: %q", len(v.Figures), len(want), v.Figures)
	}
	for i, w := range want {
		if v.Figures[i][0] != w {
			t.Errorf("key figure %d (%s) = %q, want %q", i, v.Figures[i][1], v.Figures[i][0], w)
		}
	}
	if r.Appointments == 0 {
		t.Errorf("the month of %s has no appointment: the fixture tests nothing", r.Name)
	}
}

// A coordinator reads the month's figures and charts for the centre,
// goes back a month, then reads the whole network's.
func TestReportsCoordinatorReadsTheMonth(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	_, _, _, centre := u.Services()
	v := openReports(t, u)
	if !v.Open {
		t.Fatalf("a coordinator does not see the reports (restricted: %q)", v.Restricted)
	}
	month := stats.Month(time.Now())
	if v.Month != app.MonthLabel(month) || !v.Loaded || v.Status != "" || v.Problem != "" {
		t.Fatalf("month %q, loaded %v, status %q, problem %q; want %q loaded", v.Month, v.Loaded, v.Status, v.Problem, app.MonthLabel(month))
	}
	checkFigures(t, v, figuresOf(t, u, month, centre))
	if len(v.Charts) != 3 || v.Charts[0] != "Accompagnements par organisme" {
		t.Errorf("charts of a centre = %q, want 3, by organisation first", v.Charts)
	}

	test.Tap(v.Prev)
	u.WaitIdle(t)
	v = u.ReportsView()
	if prev := month.Previous(); v.Month != app.MonthLabel(prev) || !v.Loaded {
		t.Fatalf("after ‹: month %q (loaded %v), want %q", v.Month, v.Loaded, app.MonthLabel(prev))
	}
	checkFigures(t, v, figuresOf(t, u, month.Previous(), centre))

	v.Scope.SetSelected(lang.L("The whole network"))
	u.WaitIdle(t)
	v = u.ReportsView()
	network := figuresOf(t, u, month.Previous(), "")
	checkFigures(t, v, network)
	if len(network.Centres) != 3 || len(v.Charts) != 4 || !strings.HasPrefix(v.Title, lang.L("The whole network")) {
		t.Errorf("network: %d centres, charts %q, title %q; want 3 centres, 4 charts", len(network.Centres), v.Charts, v.Title)
	}
	if centreOnly := figuresOf(t, u, month.Previous(), centre); network.Appointments <= centreOnly.Appointments {
		t.Errorf("the network counts %d appointments, its centre %d: the scope did not change", network.Appointments, centreOnly.Appointments)
	}

	test.Tap(v.Next)
	test.Tap(v.Next) // a second tap before the first answer: only the last one shows
	u.WaitIdle(t)
	if v = u.ReportsView(); v.Month != app.MonthLabel(month.Next()) || !v.Loaded {
		t.Errorf("after › ›: month %q (loaded %v), want %q", v.Month, v.Loaded, app.MonthLabel(month.Next()))
	}
}

// Reception and mediators read why the figures are not for them, and
// have no import.
func TestReportsOtherRolesReadWhy(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.ReceptionLogin)
	v := openReports(t, u)
	want := lang.L("Activity reports are for coordination and administration: the figures of the centre and of the network, the monthly report for the funders and the exports.")
	if v.Open || v.Restricted != want {
		t.Errorf("reception: open %v, restricted %q; want the explanation", v.Open, v.Restricted)
	}
	_, _, db, _ := u.Services()
	before := db.LastSequence()
	u.ShowPeopleImport() // as if a button had been left
	u.WaitIdle(t)
	if got := u.PeopleImportView(); !strings.Contains(got.Message, app.Message(actor.ErrNotAllowed.With("role", "accueil", "operation", "import_people"))) || got.Preview {
		t.Errorf("reception's import: message %q, preview %v; want refused", got.Message, got.Preview)
	}
	if db.LastSequence() != before {
		t.Errorf("a refused import wrote something")
	}
}

// saveInto makes the save dialogs write into dir, and records the names
// asked for.
func saveInto(t *testing.T, u *app.UI, dir string) *[]string {
	names := &[]string{}
	u.InterceptReportSaves(func(name string) (fyne.URIWriteCloser, error) {
		*names = append(*names, name)
		return storage.Writer(storage.NewFileURI(filepath.Join(dir, name)))
	})
	return names
}

// Each document is saved where asked, and the panel says where; the
// exports name no person.
func TestReportsSaveEachDocument(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	test.Tap(v.Prev) // a whole month
	u.WaitIdle(t)
	dir := t.TempDir()
	names := saveInto(t, u, dir)
	month := stats.Month(time.Now()).Previous()
	ym := month.From.Format("2006-01")

	for _, tc := range []struct {
		button *widget.Button
		file   string
		starts string
	}{
		{v.Monthly, "rapport-activite-" + ym + "-centre-social-les-tilleuls-demo.pdf", "%PDF-"},
		{v.Appointments, "rendez-vous-" + ym + "-centre-social-les-tilleuls-demo.csv", "\ufeffDate;Heure;"},
		{v.Accompaniments, "accompagnements-" + ym + "-centre-social-les-tilleuls-demo.csv", "\ufeffDate;Heure;"},
		{v.Radar, "radar-" + ym + "-centre-social-les-tilleuls-demo.csv", "\ufeffOuvert le;"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			test.Tap(tc.button)
			u.WaitIdle(t)
			got := u.ReportsView()
			if len(*names) == 0 || (*names)[len(*names)-1] != tc.file {
				t.Fatalf("file name offered = %q, want %q", *names, tc.file)
			}
			path := filepath.Join(dir, tc.file)
			b, err := os.ReadFile(path)
			if err != nil || !strings.HasPrefix(string(b), tc.starts) {
				t.Fatalf("%s: %v, starts %q; want %q", tc.file, err, string(b[:min(len(b), 20)]), tc.starts)
			}
			if got.ResultImportance != widget.SuccessImportance || !strings.Contains(got.Result, path) {
				t.Errorf("result %q, want the path %s", got.Result, path)
			}
			if strings.HasSuffix(tc.file, ".csv") {
				rows := strings.Count(string(b), "\r\n") - 1
				if want := lang.L("Export saved: {{.Path}} ({{.Rows}} rows)", map[string]any{"Path": path, "Rows": app.Count(rows)}); got.Result != want {
					t.Errorf("result %q, want %q", got.Result, want)
				}
				if rows == 0 && !strings.HasPrefix(tc.file, "radar") {
					t.Errorf("%s has no row: the fixture tests nothing", tc.file)
				}
			} else if want := lang.L("Report saved: {{.Path}}", map[string]any{"Path": path}); got.Result != want {
				t.Errorf("result %q, want %q", got.Result, want)
			}
		})
	}

	// The agenda of one mediator of the centre.
	test.Tap(v.Agenda)
	u.WaitIdle(t)
	ch := u.AgendaChooserView()
	if !ch.Shown || ch.Centre.Selected != centreOf(t, u) || len(ch.Mediator.Options) < 2 || ch.Mediator.SelectedIndex() != 0 {
		t.Fatalf("agenda form: shown %v, centre %q, mediators %q", ch.Shown, ch.Centre.Selected, ch.Mediator.Options)
	}
	ch.Mediator.SetSelectedIndex(1)
	mediator := ch.Mediator.Selected
	u.ConfirmAgenda()
	u.WaitIdle(t)
	name := (*names)[len(*names)-1]
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || !strings.HasPrefix(name, "agenda-"+ym+"-") || !strings.Contains(string(b), "BEGIN:VCALENDAR") ||
		!strings.Contains(strings.ReplaceAll(string(b), "\r\n ", ""), "X-WR-CALNAME:"+mediator) {
		t.Errorf("agenda of %s: %s, %v:\n%.300s", mediator, name, err, b)
	}
	if r := u.ReportsView().Result; !strings.Contains(r, name) {
		t.Errorf("result %q, want the agenda's path", r)
	}
}

func centreOf(t *testing.T, u *app.UI) string {
	t.Helper()
	return u.HomeView().Centre.Text
}

// An export that fails or is cancelled leaves no file, and says so.
func TestReportsExportStoppedLeavesNoFile(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	dir := t.TempDir()
	names := saveInto(t, u, dir)

	gate := make(chan struct{})
	u.HoldJobs(gate)
	test.Tap(v.Appointments)
	task := u.TaskView()
	if !task.Running || task.Cancel == nil {
		t.Fatalf("no progress dialog while exporting")
	}
	test.Tap(task.Cancel)
	if !task.Cancel.Disabled() {
		t.Errorf("« Cancel » stays enabled once tapped")
	}
	close(gate)
	u.HoldJobs(nil)
	u.WaitIdle(t)
	got := u.ReportsView()
	if got.Result != lang.L("Stopped: no file was kept.") || u.TaskView().Running {
		t.Errorf("after cancelling: result %q, dialog %v", got.Result, u.TaskView().Running)
	}
	if _, err := os.Stat(filepath.Join(dir, (*names)[0])); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled export left %s: %v", (*names)[0], err)
	}

	// A month without appointments: an agenda has nothing to export.
	for range 8 {
		test.Tap(v.Next)
	}
	u.WaitIdle(t)
	test.Tap(v.Agenda)
	u.WaitIdle(t)
	u.ConfirmAgenda()
	u.WaitIdle(t)
	got = u.ReportsView()
	empty := stats.Month(time.Now()).Next().Next().Next().Next().Next().Next().Next().Next()
	if want := app.Message(export.ErrAgendaEmpty.With("period", empty.Label())); got.Result != want || got.ResultImportance != widget.DangerImportance {
		t.Errorf("empty agenda: result %q, want %q", got.Result, want)
	}
	if _, err := os.Stat(filepath.Join(dir, (*names)[len(*names)-1])); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed export left a file: %v", err)
	}
}

// TestReportsRendersToPNG renders the panel of a centre and of the
// network, for a person to look at (/tmp/reports-*.png).
func TestReportsRendersToPNG(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	test.Tap(v.Prev)
	u.WaitIdle(t)
	w := u.Window()
	capture(t, w, fyne.NewSize(1200, 800), "/tmp/reports-centre.png")
	capture(t, w, fyne.NewSize(1200, 2400), "/tmp/reports-centre-long.png")
	v.Scope.SetSelected(lang.L("The whole network"))
	u.WaitIdle(t)
	capture(t, w, fyne.NewSize(1200, 2800), "/tmp/reports-network-long.png")
	capture(t, w, fyne.NewSize(900, 700), "/tmp/reports-narrow.png")
}

// capture renders the window at size to a PNG file.
func capture(t *testing.T, w fyne.Window, size fyne.Size, path string) {
	t.Helper()
	w.Resize(size)
	img := w.Canvas().Capture()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < int(size.Width)-1 {
		t.Errorf("%s is %d pixels wide, want %v", path, b.Dx(), size.Width)
	}
}

// The numbers of the panel read the French way.
func TestReportsNumbersInFrench(t *testing.T) {
	app.SetLanguage("fr")
	for _, tc := range []struct{ got, want string }{
		{app.Count(0), "0"}, {app.Count(999), "999"}, {app.Count(1234), "1\u00a0234"}, {app.Count(1234567), "1\u00a0234\u00a0567"},
		{app.Count(-1234), "-1\u00a0234"},
		{app.Share(0.125), "12,5\u00a0%"}, {app.Share(0), "0,0\u00a0%"},
		{app.Duration(45), "45 min"}, {app.Duration(135), "2 h 15"}, {app.Duration(60 * 1500), "1\u00a0500 h"}, {app.Duration(61), "1 h 01"},
		{app.MonthLabel(stats.Month(time.Date(2026, time.October, 3, 12, 0, 0, 0, time.UTC))), "octobre 2026"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	t.Cleanup(func() { app.SetLanguage("fr") })
	app.SetLanguage("en")
	if got := app.Count(1234567) + " " + app.Share(0.125); got != "1,234,567 12.5 %" {
		t.Errorf("in English: %q", got)
	}
}

// BenchmarkReportsPanel opens the Rapports section on the demo network
// (three centres, 2,000 people, three months of appointments each way)
// for the whole network's last month, and draws it: figures and charts
// read, charts drawn, window captured.
func BenchmarkReportsPanel(b *testing.B) {
	dir := b.TempDir()
	if _, ok, err := demo.Create(dir, schema.Options(store.TestOptions()), demo.Small, 7, nil); err != nil || !ok {
		b.Fatalf("demo.Create: %v, %v", ok, err)
	}
	u := newUI(b, fresh(b), openDesk(b, dir))
	f := u.UnlockForm()
	f.Login.SetText(demo.CoordinatorLogin)
	signIn(b, u, demo.Password)
	u.OpenSection(app.SectionReports)
	u.WaitIdle(b)
	v := u.ReportsView()
	test.Tap(v.Prev)
	v.Scope.SetSelected(lang.L("The whole network"))
	u.WaitIdle(b)
	u.Window().Resize(fyne.NewSize(1100, 720))
	for b.Loop() {
		u.OpenSection(app.SectionHome)
		u.OpenSection(app.SectionReports)
		v := u.ReportsView()
		test.Tap(v.Prev)
		v.Scope.SetSelected(lang.L("The whole network"))
		u.WaitIdle(b)
		u.Window().Canvas().Capture()
	}
	if v := u.ReportsView(); !v.Loaded || len(v.Charts) != 4 {
		b.Errorf("the panel shows loaded %v, charts %q", v.Loaded, v.Charts)
	}
}
