package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/demo"
	"relais/importcsv"
	"relais/people"
	"relais/store"
)

// importFile is a file from another tool: three good lines, one person
// already registered (Awa Diallo, born in 1985), a bad phone, a bad date,
// and a line repeating the first one.
const importFile = "Prénom;Nom;Téléphone;Courriel;Date de naissance;Remarque\n" +
	"Hélène;Martin;06 11 22 33 44;helene@example.org;12/05/1958;ok\n" +
	"Karim;Haddad;;;1990;\n" +
	"Awa;Diallo;07 00 00 00 01;;1985;\n" +
	"Jean;Petit;0612;;;\n" +
	"Lucie;Bernard;;;31/02/1980;\n" +
	"Hélène;Martin;06 11 22 33 44;;;\n" +
	"Zoé;Quennehen;;;;\n" // nobody of that name in the demo, so not a possible duplicate

// importDesk signs a coordinator in on the demo, registers Awa Diallo,
// and makes the file dialog open name with content.
func importDesk(t *testing.T) (*app.UI, *store.DB) {
	t.Helper()
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	ppl, _, db, _ := u.Services()
	if _, err := ppl.RegisterAnyway(people.Person{FirstName: "Awa", LastName: "Diallo", NoPhone: true, BirthYear: 1985}); err != nil {
		t.Fatal(err)
	}
	return u, db
}

// openWith makes the file dialog give a file named name holding content.
func openWith(t *testing.T, u *app.UI, name, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	u.InterceptImportOpen(func() (fyne.URIReadCloser, error) { return storage.Reader(storage.NewFileURI(path)) })
}

func countPeople(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	if err := store.NewCollection[people.Person](db, people.Kind).All(func(string, people.Person) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// The preview shows the counts, the lines, each problem with its line and
// the duplicates, and writes nothing; « Cancel » writes nothing either.
func TestPeopleImportPreviewWritesNothing(t *testing.T) {
	u, db := importDesk(t)
	openWith(t, u, "export-ancien-outil.csv", importFile)
	before := db.LastSequence()
	v := openReports(t, u)
	if v.Import == nil {
		t.Fatal("a coordinator has no « Import people (CSV)… » button")
	}
	test.Tap(v.Import)
	u.WaitIdle(t)
	p := u.PeopleImportView()
	if !p.Preview {
		t.Fatalf("no preview; message %q", p.Message)
	}
	if db.LastSequence() != before {
		t.Fatalf("the preview wrote something: sequence %d, was %d", db.LastSequence(), before)
	}
	if want := lang.L("{{.Rows}} lines read: {{.Imported}} to import, {{.Problems}} with a problem, {{.Duplicates}} possible duplicates.",
		map[string]any{"Rows": "7", "Imported": "3", "Problems": "2", "Duplicates": "2"}); p.Summary != want {
		t.Errorf("summary %q, want %q", p.Summary, want)
	}
	if !strings.Contains(p.Details, "« Remarque »") || !strings.Contains(p.Details, "UTF-8") {
		t.Errorf("details %q: want the encoding and the column left aside", p.Details)
	}
	if want := lang.L("Import {{.Count}} people", map[string]any{"Count": "3"}); p.Confirm.Text != want || p.Confirm.Disabled() {
		t.Errorf("confirm %q (disabled %v), want %q", p.Confirm.Text, p.Confirm.Disabled(), want)
	}
	if len(p.Rows) != 7 || p.Rows[0][0] != "2" || p.Rows[0][1] != "Hélène" || p.Rows[0][3] != "06 11 22 33 44" || p.Rows[0][5] != "1958" ||
		p.Rows[0][7] != lang.L("To import") || p.Rows[3][7] != lang.L("Left out: a problem") ||
		p.Rows[5][7] != lang.L("Left out: same as line {{.Line}}", map[string]any{"Line": 2}) {
		t.Errorf("table rows %q", p.Rows)
	}
	if len(p.Problems) != 2 || !strings.HasPrefix(p.Problems[0], "Ligne 5 : Téléphone : ") ||
		p.Problems[1] != app.Message(importcsv.ErrBadDate.With("line", 6, "value", "31/02/1980")) {
		t.Errorf("problems %q, want line 5's phone and line 6's date", p.Problems)
	}
	if len(p.Duplicates) != 2 || !strings.HasPrefix(p.Duplicates[0], "Ligne 4 : Awa Diallo est peut-être déjà enregistrée : Awa Diallo") ||
		!strings.HasPrefix(p.Duplicates[1], strings.TrimSuffix(app.Message(importcsv.ErrDuplicateLine.With("line", 7, "first", 2)), ".")) {
		t.Errorf("duplicates %q", p.Duplicates)
	}

	// Keeping a duplicate counts it.
	test.Tap(p.Keep[0])
	if want := lang.L("Import {{.Count}} people", map[string]any{"Count": "4"}); p.Confirm.Text != want {
		t.Errorf("after keeping Awa: confirm %q, want %q", p.Confirm.Text, want)
	}
	test.Tap(p.Cancel)
	u.WaitIdle(t)
	if got := u.PeopleImportView().Message; got != lang.L("Import cancelled: nothing was written.") || db.LastSequence() != before {
		t.Errorf("after « Cancel »: message %q, sequence %d (was %d)", got, db.LastSequence(), before)
	}
}

// Confirming writes the lines kept and says how many; importing the file
// again flags the people it wrote.
func TestPeopleImportWritesOnConfirm(t *testing.T) {
	u, db := importDesk(t)
	openWith(t, u, "personnes.csv", importFile)
	people0 := countPeople(t, db)
	u.ShowPeopleImport()
	u.WaitIdle(t)
	p := u.PeopleImportView()
	test.Tap(p.Keep[0]) // Awa Diallo of the file is another Awa Diallo
	test.Tap(p.Confirm)
	u.WaitIdle(t)
	p = u.PeopleImportView()
	want := lang.L("{{.Count}} people imported. Find them with « People ».", map[string]any{"Count": "4"})
	if !p.Done || p.Written != 4 || p.Message != want {
		t.Fatalf("import: done %v, %d written, message %q; want 4 and %q", p.Done, p.Written, p.Message, want)
	}
	if got := countPeople(t, db); got != people0+4 {
		t.Errorf("%d people registered after the import, want %d", got, people0+4)
	}

	u.ShowPeopleImport()
	u.WaitIdle(t)
	again := u.PeopleImportView()
	// Every line is flagged, Zoé too, who has neither phone nor birth year.
	if want := lang.L("Nobody to import"); again.Confirm.Text != want || len(again.Duplicates) != 5 {
		t.Errorf("the same file again: confirm %q, duplicates %q; want %q and 5", again.Confirm.Text, again.Duplicates, want)
	}
	test.Tap(again.Cancel)
}

// A file that is not a table of people is refused with the reason, and
// nothing is written.
func TestPeopleImportRefusesBadFiles(t *testing.T) {
	u, db := importDesk(t)
	before := db.LastSequence()
	for _, tc := range []struct {
		name, content string
		want          error
	}{
		{"classeur.xlsx", "PK\x03\x04 a spreadsheet", importcsv.ErrSpreadsheet},
		{"vide.csv", "  \n", importcsv.ErrEmpty},
		{"colonnes.csv", "Prénom;Ville\nAwa;Lille\n", importcsv.ErrMissingColumns.With("columns", "« Nom »", "found", "Prénom, Ville")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			openWith(t, u, tc.name, tc.content)
			u.ShowPeopleImport()
			u.WaitIdle(t)
			p := u.PeopleImportView()
			if p.Preview || p.Message != app.Message(tc.want) {
				t.Errorf("preview %v, message %q; want %q", p.Preview, p.Message, app.Message(tc.want))
			}
			if db.LastSequence() != before {
				t.Errorf("a refused file wrote something")
			}
		})
	}
}

// « Cancel » during the import stops it between two batches: the first
// batch stays, whole, and the message says how many.
func TestPeopleImportCancelled(t *testing.T) {
	u, db := importDesk(t)
	var b strings.Builder
	b.WriteString("Prénom;Nom\n")
	for i := range 2*importcsv.Batch + 200 {
		fmt.Fprintf(&b, "Personne%d;Importée\n", i)
	}
	openWith(t, u, "gros.csv", b.String())
	people0 := countPeople(t, db)
	u.ShowPeopleImport()
	u.WaitIdle(t)
	p := u.PeopleImportView()
	if want := lang.L("Import {{.Count}} people", map[string]any{"Count": app.Count(2*importcsv.Batch + 200)}); p.Confirm.Text != want {
		t.Fatalf("confirm %q, want %q", p.Confirm.Text, want)
	}
	gate := make(chan struct{})
	u.HoldJobs(gate)
	var stop func() // set before the gate opens, read by the importing goroutine after
	u.HearImport(func(written, _ int) {
		if written == importcsv.Batch {
			stop()
		}
	})
	test.Tap(p.Confirm)
	task := u.TaskView()
	if !task.Running {
		t.Fatal("no progress dialog while importing")
	}
	stop = task.Stop
	close(gate)
	u.WaitIdle(t)
	p = u.PeopleImportView()
	want := lang.L("Import stopped: {{.Count}} people were imported, the first ones of the file. Importing the file again flags them as already registered.",
		map[string]any{"Count": app.Count(importcsv.Batch)})
	if p.Written != importcsv.Batch || p.Message != want {
		t.Errorf("cancelled import: %d written, message %q; want %d and %q", p.Written, p.Message, importcsv.Batch, want)
	}
	if got := countPeople(t, db); got != people0+importcsv.Batch {
		t.Errorf("%d people after a cancelled import, want %d", got, people0+importcsv.Batch)
	}
}

// TestPeopleImportRendersToPNG renders the preview for a person to look at
// (/tmp/reports-import-*.png).
func TestPeopleImportRendersToPNG(t *testing.T) {
	u, _ := importDesk(t)
	openWith(t, u, "export-ancien-outil.csv", importFile)
	openReports(t, u)
	w := u.Window()
	w.Resize(fyne.NewSize(1200, 800))
	u.ShowPeopleImport()
	u.WaitIdle(t)
	capture(t, w, fyne.NewSize(1200, 800), "/tmp/reports-import-preview.png")
	u.SelectImportTab(1)
	capture(t, w, fyne.NewSize(1200, 800), "/tmp/reports-import-problems.png")
	u.SelectImportTab(2)
	test.Tap(u.PeopleImportView().Keep[0])
	capture(t, w, fyne.NewSize(1200, 800), "/tmp/reports-import-duplicates.png")
}
