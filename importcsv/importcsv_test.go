package importcsv_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"relais/actor"
	"relais/importcsv"
	"relais/people"
	"relais/problem"
	"relais/problem/problemtest"
	"relais/store"
	"relais/store/storetest"
)

var now = time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC)

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "importcsv")
}

const good = "Prénom;Nom;Téléphone;Date de naissance;Courriel;Remarque\r\n" +
	"Hélène;Dupont;06 12 34 56 78;12/05/1958;helene@example.fr;vient le mardi\r\n" +
	"Yusuf;Kaya;;1990;;\r\n"

func read(t *testing.T, s string) *importcsv.Preview {
	t.Helper()
	p, err := importcsv.Read(strings.NewReader(s), now, nil)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return p
}

func TestReadGoodFile(t *testing.T) {
	p := read(t, good)
	if p.Separator != ';' || p.Encoding != importcsv.UTF8 || len(p.Rows) != 2 {
		t.Fatalf("Read = separator %q, encoding %s, %d rows", p.Separator, p.Encoding, len(p.Rows))
	}
	h := p.Rows[0]
	if h.Line != 2 || h.Person.FirstName != "Hélène" || h.Person.Phone != "+33612345678" || h.Person.BirthYear != 1958 ||
		h.Person.Email != "helene@example.fr" || !h.Imported() {
		t.Errorf("row 1 = %+v", h)
	}
	if y := p.Rows[1]; y.Line != 3 || !y.Person.NoPhone || y.Person.BirthYear != 1990 {
		t.Errorf("row 2 = %+v", y)
	}
	if p.NoPhone != 1 || len(p.Ignored) != 1 || p.Ignored[0] != "Remarque" || p.Columns[importcsv.Email] != "Courriel" {
		t.Errorf("NoPhone %d, Ignored %q, Columns %q", p.NoPhone, p.Ignored, p.Columns)
	}
	if c := p.Counts(); c != (importcsv.Counts{Rows: 2, Imported: 2}) {
		t.Errorf("Counts = %+v", c)
	}
}

func TestReadSeparatorsAndEncodings(t *testing.T) {
	latin1, _ := charmap.Windows1252.NewEncoder().String("prénom,nom,téléphone\nHélène,Müller,0612345678\nJosé,Núñez,\n")
	tests := []struct {
		name, file string
		sep        rune
		enc        string
	}{
		{"semicolon with BOM", "\ufeff" + good, ';', importcsv.UTF8BOM},
		{"comma", "first name,last name,phone\nHélène,Dupont,0612345678\n", ',', importcsv.UTF8},
		{"tab", "Prenom\tNom\tTel\nHélène\tDupont\t0612345678\n", '\t', importcsv.UTF8},
		{"Windows-1252", latin1, ',', importcsv.Windows1252},
		{"quoted separators", "\"Remarque; libre\";Prénom;Nom\n\"a;b\";Léa;Roux\n", ';', importcsv.UTF8},
		{"CR only", "Prénom;Nom\rLéa;Roux\r", ';', importcsv.UTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := read(t, tc.file)
			if p.Separator != tc.sep || p.Encoding != tc.enc {
				t.Errorf("Read = %q, %s; want %q, %s", p.Separator, p.Encoding, tc.sep, tc.enc)
			}
			if c := p.Counts(); c.Imported == 0 || c.WithProblems != 0 {
				t.Errorf("Counts = %+v, rows %+v", c, p.Rows)
			}
		})
	}
	p := read(t, latin1)
	if p.Rows[0].Person.LastName != "Müller" || p.Rows[1].Person.FirstName != "José" {
		t.Errorf("Windows-1252 decoded to %q, %q", p.Rows[0].Person.LastName, p.Rows[1].Person.FirstName)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name, file string
		want       *problem.Problem
	}{
		{"empty", "", importcsv.ErrEmpty},
		{"spaces", " \r\n\r\n", importcsv.ErrEmpty},
		{"header only", "Prénom;Nom\r\n", importcsv.ErrEmpty},
		{"wrong separator", "Prénom|Nom|Téléphone\nLéa|Roux|0612345678\n", importcsv.ErrOneColumn},
		{"missing column", "Prénom;Téléphone\nLéa;0612345678\n", importcsv.ErrMissingColumns},
		{"no header", "Léa;Roux;0612345678\n", importcsv.ErrMissingColumns},
		{"two phone columns", "Prénom;Nom;Tel;Portable\nLéa;Roux;;\n", importcsv.ErrDuplicateColumn},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00", importcsv.ErrSpreadsheet},
		{"UTF-16", "\xff\xfeP\x00r\x00", importcsv.ErrNotText},
		{"too many lines", "Prénom;Nom\n" + strings.Repeat("Léa;Roux\n", importcsv.MaxRows+1), importcsv.ErrTooManyRows},
		{"too large", "Prénom;Nom\n" + strings.Repeat("x", importcsv.MaxBytes), importcsv.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := importcsv.Read(strings.NewReader(tc.file), now, nil)
			if !errors.Is(err, tc.want) || p != nil {
				t.Errorf("Read(%s) = %v, %v; want %v and no preview", tc.name, p, err, tc.want)
			}
		})
	}
}

func TestReadLineProblems(t *testing.T) {
	file := "Prénom;Nom;Téléphone;Date de naissance;E-mail\n" +
		"Léa;Roux;0612345678;31/02/1980;\n" + // line 2: no such date
		";Martin;;;\n" + // 3: no first name
		"Paul;Martin;12;1980;paul@\n" + // 4: bad phone and e-mail, both shown
		"Ana;Silva;;2099;\n" + // 5: born in the future
		"Ana;Silva\n" + // 6: a column short
		"Zoé;Petit;0611223344;1975-06-01;zoe@example.fr\n" // 7: good
	p := read(t, file)
	want := map[int][]error{
		2: {importcsv.ErrBadDate}, 3: {people.ErrFirstNameMissing}, 4: {people.ErrBadPhone, people.ErrBadEmail},
		5: {importcsv.ErrBadDate}, 6: {importcsv.ErrColumnCount},
	}
	for _, r := range p.Rows {
		w := want[r.Line]
		if len(r.Problems) != len(w) {
			t.Errorf("line %d: problems %v, want %v", r.Line, r.Problems, w)
			continue
		}
		for i, e := range w {
			if !errors.Is(r.Problems[i].Err, e) {
				t.Errorf("line %d: problem %d = %v, want %v", r.Line, i, r.Problems[i].Err, e)
			}
		}
	}
	var pb *problem.Problem
	if errors.As(p.Rows[0].Problems[0].Err, &pb); pb == nil || pb.Args["line"] != 2 || p.Rows[0].Problems[0].Column != "Date de naissance" {
		t.Errorf("line 2's problem does not name its line and column: %+v", p.Rows[0].Problems[0])
	}
	if c := p.Counts(); c != (importcsv.Counts{Rows: 6, Imported: 1, WithProblems: 5}) {
		t.Errorf("Counts = %+v", c)
	}
}

func openDB(tb testing.TB) *store.DB { return storetest.Open(tb, people.Indexes()...) }

func TestDuplicates(t *testing.T) {
	db := openDB(t)
	svc, err := people.NewService(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Register(people.Person{FirstName: "Hélène", LastName: "Dupont", Phone: "0612345678", BirthYear: 1958}); err != nil {
		t.Fatal(err)
	}
	file := "Prénom;Nom;Téléphone;Naissance\n" +
		"Helene;DUPONT;;1958\n" + // 2: already registered (same name and year)
		"Marc;Blanc;0700000001;\n" + // 3
		"Marc;Blanc;07 00 00 00 01;\n" + // 4: same phone as line 3
		"Inès;Haddad;;1990\n" // 5
	p, err := importcsv.Read(strings.NewReader(file), now, svc.FindDuplicates)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Rows[0]; len(r.Existing) != 1 || r.Existing[0].Person.LastName != "Dupont" || r.Imported() {
		t.Errorf("line 2 = %+v, want flagged as Hélène Dupont", r)
	}
	if r := p.Rows[2]; r.SameAs != 3 || r.Imported() {
		t.Errorf("line 4 SameAs = %d, want 3", r.SameAs)
	}
	if c := p.Counts(); c != (importcsv.Counts{Rows: 4, Imported: 2, Duplicates: 2}) {
		t.Errorf("Counts = %+v", c)
	}
	// Nothing is written before Commit.
	if n, _ := db.Count(people.Kind); n != 1 {
		t.Fatalf("Read wrote: %d people", n)
	}
	p.Rows[2].Keep = true // checked: another Marc Blanc
	written, err := importcsv.Commit(context.Background(), db, actor.System(""), p, now, nil)
	if err != nil || written != 3 {
		t.Fatalf("Commit = %d, %v; want 3", written, err)
	}
	if n, _ := db.Count(people.Kind); n != 4 {
		t.Errorf("%d people after Commit, want 4", n)
	}
	var scope store.Scope = 9
	store.NewCollection[people.Person](db, people.Kind).All(func(id string, q people.Person) error {
		if q.FirstName == "Inès" {
			r, _ := db.Get(people.Kind, id)
			scope = r.Scope
		}
		return nil
	})
	if scope != store.ScopeLocal {
		t.Errorf("an imported person has scope %v, want local (no consent)", scope)
	}
}

func manyPeople(n int) string {
	var b strings.Builder
	b.WriteString("Prénom;Nom;Téléphone;Date de naissance\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Prénom%d;Nom%d;06%08d;%02d/%02d/%d\r\n", i, i, i, 1+i%28, 1+i%12, 1940+i%60)
	}
	return b.String()
}

func TestCommitNeedsTheRight(t *testing.T) {
	db := openDB(t)
	p := read(t, good)
	reception := actor.New("accueil", "Sam", actor.Reception, "")
	if n, err := importcsv.Commit(context.Background(), db, reception, p, now, nil); !errors.Is(err, actor.ErrNotAllowed) || n != 0 {
		t.Errorf("Commit(reception) = %d, %v; want ErrNotAllowed", n, err)
	}
	if n, _ := db.Count(people.Kind); n != 0 {
		t.Errorf("a refused import wrote %d people", n)
	}
}

func TestCommitCancelled(t *testing.T) {
	db := openDB(t)
	p := read(t, manyPeople(3*importcsv.Batch))
	ctx, cancel := context.WithCancel(context.Background())
	written, err := importcsv.Commit(ctx, db, actor.System(""), p, now, func(w, of int) {
		if w == importcsv.Batch {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || written != importcsv.Batch {
		t.Fatalf("Commit(cancelled after a batch) = %d, %v; want %d and context.Canceled", written, err, importcsv.Batch)
	}
	if n, _ := db.Count(people.Kind); n != importcsv.Batch {
		t.Errorf("%d people written, want the first batch whole: %d", n, importcsv.Batch)
	}
}

func TestHundredThousandLines(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100,000 lines")
	}
	p := read(t, manyPeople(importcsv.MaxRows))
	if c := p.Counts(); c.Imported != importcsv.MaxRows {
		t.Errorf("Counts = %+v, want %d imported", c, importcsv.MaxRows)
	}
}

func BenchmarkRead100k(b *testing.B) {
	file := manyPeople(importcsv.MaxRows)
	b.SetBytes(int64(len(file)))
	for range b.N {
		if _, err := importcsv.Read(strings.NewReader(file), now, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCommit100k reads 100,000 lines against a register (each
// line looked up for duplicates) and writes them.
func BenchmarkReadCommit100k(b *testing.B) {
	file := manyPeople(importcsv.MaxRows)
	for range b.N {
		b.StopTimer()
		db := openDB(b)
		svc, err := people.NewService(db, actor.System(""))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		p, err := importcsv.Read(strings.NewReader(file), now, svc.FindDuplicates)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := importcsv.Commit(context.Background(), db, actor.System(""), p, now, nil); err != nil || n != importcsv.MaxRows {
			b.Fatalf("Commit = %d, %v", n, err)
		}
	}
}

// BenchmarkReimportPreview100k is the preview of a file of 100,000 lines
// already imported: every line finds its person (the worst case of the
// duplicate lookups).
func BenchmarkReimportPreview100k(b *testing.B) {
	file := manyPeople(importcsv.MaxRows)
	db := openDB(b)
	svc, err := people.NewService(db, actor.System(""))
	if err != nil {
		b.Fatal(err)
	}
	p, err := importcsv.Read(strings.NewReader(file), now, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := importcsv.Commit(context.Background(), db, actor.System(""), p, now, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		p, err := importcsv.Read(strings.NewReader(file), now, svc.FindDuplicates)
		if err != nil {
			b.Fatal(err)
		}
		if c := p.Counts(); c.Duplicates != importcsv.MaxRows {
			b.Fatalf("%d duplicates, want every line", c.Duplicates)
		}
	}
}

// A file imported twice is flagged the second time, even for lines with
// neither phone nor birth year; inside a file, a birth year unknown on one
// line does not hide a namesake, two different years do.
func TestReimportAndMissingYears(t *testing.T) {
	db := openDB(t)
	svc, err := people.NewService(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	file := "Prénom;Nom;Téléphone;Naissance\n" +
		"Awa;Diallo;;\n" + // 2
		"Jean;Martin;;1970\n" + // 3
		"Jean;Martin;;1971\n" + // 4: another Jean Martin
		"DIALLO;awa;;1985\n" + // 5: may be line 2 (year unknown there)
		"Lina;Roux;;\n" // 6
	first, err := importcsv.Read(strings.NewReader(file), now, svc.FindDuplicates)
	if err != nil {
		t.Fatal(err)
	}
	var sameAs []int
	for _, r := range first.Rows {
		sameAs = append(sameAs, r.SameAs)
	}
	if want := []int{0, 0, 0, 2, 0}; !slices.Equal(sameAs, want) {
		t.Errorf("SameAs by line = %v, want %v", sameAs, want)
	}
	if n, err := importcsv.Commit(context.Background(), db, actor.System(""), first, now, nil); err != nil || n != 4 {
		t.Fatalf("first import: %d, %v; want 4", n, err)
	}
	again, err := importcsv.Read(strings.NewReader(file), now, svc.FindDuplicates)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again.Rows {
		if len(r.Existing) == 0 || r.Imported() {
			t.Errorf("line %d (%s %s) not flagged on the second import", r.Line, r.Person.FirstName, r.Person.LastName)
		}
	}
	if c := again.Counts(); c.Imported != 0 || c.Duplicates != 5 {
		t.Errorf("second import counts %+v, want nothing to import and 5 duplicates", c)
	}
}
