// Package importcsv reads the people of another tool from a CSV file:
// it finds the separator and the encoding, maps the French or English
// column names, checks every line, flags duplicates (within the file and
// against the people already registered) and shows a preview. Nothing is
// written until Commit, which writes only the lines kept.
package importcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	textfold "relais/internal/fold"
	"relais/people"
	"relais/problem"
)

// Limits of an import file: 100,000 people is a large network's whole
// register; a bigger file is a mistake (an export of something else).
const (
	MaxBytes = 64 << 20
	MaxRows  = 100_000
)

// Encodings a file may come in.
const (
	UTF8        = "UTF-8"
	UTF8BOM     = "UTF-8 (BOM)"
	Windows1252 = "Windows-1252"
)

// Problems of an import file as a whole: nothing can be previewed.
var (
	ErrEmpty           = problem.Register("importcsv.empty")
	ErrTooLarge        = problem.Register("importcsv.too_large")
	ErrTooManyRows     = problem.Register("importcsv.too_many_rows")
	ErrSpreadsheet     = problem.Register("importcsv.spreadsheet")
	ErrNotText         = problem.Register("importcsv.not_text")
	ErrOneColumn       = problem.Register("importcsv.one_column")
	ErrMissingColumns  = problem.Register("importcsv.missing_columns")
	ErrDuplicateColumn = problem.Register("importcsv.duplicate_column")
	ErrBadQuotes       = problem.Register("importcsv.bad_quotes")
)

// Problems of one line: the line is shown and not imported.
var (
	ErrBadDate       = problem.Register("importcsv.bad_date")
	ErrColumnCount   = problem.Register("importcsv.column_count")
	ErrDuplicateLine = problem.Register("importcsv.duplicate_line")
)

// Field is a field of a person the file may hold.
type Field int

// The fields, in the order of the preview.
const (
	FirstName Field = iota
	LastName
	Phone
	Email
	BirthDate // a date, or a year alone
	Language
	fieldCount
)

// headers are the column names each field is known by, folded (lower
// case, no accents) with spaces, dashes, dots and underscores removed.
var headers = [fieldCount][]string{
	FirstName: {"prenom", "prenoms", "firstname", "givenname", "first"},
	LastName:  {"nom", "nomdefamille", "nomdenaissance", "lastname", "surname", "familyname", "name", "last"},
	Phone:     {"telephone", "tel", "portable", "mobile", "phone", "phonenumber", "numerodetelephone", "telephoneportable", "gsm"},
	Email:     {"email", "mail", "courriel", "adressemail", "adresseemail", "emailaddress", "adressecourriel"},
	BirthDate: {"datedenaissance", "naissance", "nele", "birthdate", "dateofbirth", "dob", "birthday", "anneedenaissance", "birthyear", "anneenaissance"},
	Language:  {"langue", "language", "lang", "languepreferee", "preferredlanguage"},
}

// FieldNames are the fields' names in French, for messages.
var FieldNames = [fieldCount]string{"Prénom", "Nom", "Téléphone", "E-mail", "Date de naissance", "Langue"}

// required are the columns an import cannot do without.
var required = []Field{FirstName, LastName}

func headerKey(s string) string {
	s = textfold.String(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' || r == '.' || r == '\'' || r == '’' {
			return -1
		}
		return r
	}, s)
}

// LineProblem is what is wrong with one line of the file.
type LineProblem struct {
	Column string // the column's name in the file; "" for the whole line
	Err    error  // a *problem.Problem
}

// Row is one line of the file, read.
type Row struct {
	Line   int           // in the file, the header being line 1
	Person people.Person // cleaned (people.Person.Normalise) when Problems is empty
	// Problems keep the line out of the import.
	Problems []LineProblem
	// SameAs is the line of an earlier row of the file for the same
	// person; 0 when none. Existing are the people already registered who
	// may be this one. Either keeps the line out unless Keep is set.
	SameAs   int
	Existing []people.Duplicate
	// Keep imports a line flagged as a duplicate all the same, once
	// someone checked it is another person. It has no effect on a line
	// with problems.
	Keep bool
}

// Duplicate reports whether the row may be someone already known.
func (r Row) Duplicate() bool { return r.SameAs != 0 || len(r.Existing) > 0 }

// Imported reports whether Commit writes the row.
func (r Row) Imported() bool { return len(r.Problems) == 0 && (!r.Duplicate() || r.Keep) }

// Preview is a file read and checked, before anything is written.
type Preview struct {
	Encoding  string // UTF8, UTF8BOM or Windows1252
	Separator rune   // ';', ',' or '\t'
	// Columns gives, for each field, the column's name in the file; "" when absent.
	Columns [fieldCount]string
	// Ignored are the columns of the file that match no field.
	Ignored []string
	Rows    []Row
	// NoPhone counts the rows without a phone number, imported as « pas
	// de téléphone ».
	NoPhone int
}

// Counts are the figures of a preview.
type Counts struct {
	Rows, Imported, WithProblems, Duplicates int
}

// Counts counts the rows of the preview.
func (p *Preview) Counts() Counts {
	c := Counts{Rows: len(p.Rows)}
	for _, r := range p.Rows {
		switch {
		case len(r.Problems) > 0:
			c.WithProblems++
		case r.Duplicate():
			c.Duplicates++
		}
		if r.Imported() {
			c.Imported++
		}
	}
	return c
}

// Duplicates finds the people already registered who may be p, as
// people.Service.FindDuplicates does.
type Duplicates func(p people.Person) ([]people.Duplicate, error)

// Read reads an import file whole (at most MaxBytes) and checks it. now
// dates the checks (birth years); existing, when not nil, finds the people
// already registered who may be each row. A file that cannot be read as a
// table of people is a *problem.Problem and no preview.
func Read(r io.Reader, now time.Time, existing Duplicates) (*Preview, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBytes {
		return nil, ErrTooLarge.With("max", MaxBytes>>20)
	}
	p := &Preview{}
	text, err := decode(b, p)
	if err != nil {
		return nil, err
	}
	header, body, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(header) == "" {
		return nil, ErrEmpty
	}
	p.Separator = separator(header)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = p.Separator
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	names, err := cr.Read()
	if err != nil {
		return nil, ErrBadQuotes.With("line", 1)
	}
	if len(names) < 2 {
		return nil, ErrOneColumn.With("header", clip(header, 60))
	}
	var cols [fieldCount]int
	for i := range cols {
		cols[i] = -1
	}
	for i, n := range names {
		k := headerKey(n)
		f := Field(slices.IndexFunc(headers[:], func(hs []string) bool { return slices.Contains(hs, k) }))
		switch {
		case f < 0:
			if strings.TrimSpace(n) != "" {
				p.Ignored = append(p.Ignored, strings.TrimSpace(n))
			}
		case cols[f] >= 0:
			return nil, ErrDuplicateColumn.With("field", FieldNames[f], "first", names[cols[f]], "second", n)
		default:
			cols[f] = i
			p.Columns[f] = strings.TrimSpace(n)
		}
	}
	var missing []string
	for _, f := range required {
		if cols[f] < 0 {
			missing = append(missing, "« "+FieldNames[f]+" »")
		}
	}
	if len(missing) > 0 {
		return nil, ErrMissingColumns.With("columns", strings.Join(missing, ", "), "found", clip(strings.Join(names, ", "), 120))
	}
	if n := strings.Count(body, "\n"); n > MaxRows+1 {
		return nil, ErrTooManyRows.With("max", MaxRows)
	}
	seen := seenRows{byName: map[string][]seenRow{}, byPhone: map[string]int{}}
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			p.Rows = append(p.Rows, Row{Line: line, Problems: []LineProblem{{Err: ErrBadQuotes.With("line", line)}}})
			continue
		}
		line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(p.Rows) == MaxRows {
			return nil, ErrTooManyRows.With("max", MaxRows)
		}
		row := readRow(line, rec, len(names), cols, p.Columns, now)
		if row.Person.NoPhone && len(row.Problems) == 0 {
			p.NoPhone++
		}
		if len(row.Problems) == 0 {
			row.SameAs = seen.add(row.Person, line)
			if existing != nil {
				if row.Existing, err = existing(row.Person); err != nil {
					return nil, err
				}
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) == 0 {
		return nil, ErrEmpty
	}
	return p, nil
}

// decode turns the file into UTF-8 text with "\n" line ends, and says
// which encoding it was in.
func decode(b []byte, p *Preview) (string, error) {
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "", ErrEmpty
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0")):
		return "", ErrSpreadsheet // .xlsx (zip) or .xls (OLE)
	case bytes.IndexByte(b, 0) >= 0:
		return "", ErrNotText // UTF-16, or not text at all
	}
	var text string
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		p.Encoding, text = UTF8BOM, string(b[3:])
		if !utf8.ValidString(text) {
			return "", ErrNotText
		}
	case utf8.Valid(b):
		p.Encoding, text = UTF8, string(b)
	default:
		// Every byte is a character of Windows-1252 (its five holes
		// decode to U+FFFD), so this cannot fail.
		d, _ := charmap.Windows1252.NewDecoder().Bytes(b)
		p.Encoding, text = Windows1252, string(d)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n"), nil
}

// separator picks, among « ; », « , » and tab, the one the header line
// holds most (outside quotes); « ; » when there is none, and the header
// then has one column, which Read refuses.
func separator(header string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range header {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{'\t', ',', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func readRow(line int, rec []string, width int, cols [fieldCount]int, names [fieldCount]string, now time.Time) Row {
	row := Row{Line: line}
	if len(rec) != width {
		row.Problems = append(row.Problems, LineProblem{Err: ErrColumnCount.With("line", line, "got", len(rec), "want", width)})
		return row
	}
	get := func(f Field) string {
		if cols[f] < 0 {
			return ""
		}
		return strings.TrimSpace(rec[cols[f]])
	}
	p := people.Person{FirstName: get(FirstName), LastName: get(LastName), Phone: get(Phone), Email: get(Email), Language: get(Language)}
	if p.Phone == "" {
		p.NoPhone = true
	}
	if s := get(BirthDate); s != "" {
		y, err := birthYear(s, now)
		if err != nil {
			row.Problems = append(row.Problems, LineProblem{Column: names[BirthDate], Err: ErrBadDate.With("line", line, "value", clip(s, 30))})
		}
		p.BirthYear = y
	}
	// Each field on its own, so every problem of the line is shown at once.
	checks := []struct {
		f   Field
		set func(*people.Person)
	}{
		{FirstName, func(q *people.Person) { *q = people.Person{FirstName: p.FirstName, NoPhone: true} }},
		{LastName, func(q *people.Person) { *q = people.Person{FirstName: "x", LastName: p.LastName, NoPhone: true} }},
		{Phone, func(q *people.Person) { *q = people.Person{FirstName: "x", Phone: p.Phone, NoPhone: p.NoPhone} }},
		{Email, func(q *people.Person) { *q = people.Person{FirstName: "x", Email: p.Email, NoPhone: true} }},
		{Language, func(q *people.Person) { *q = people.Person{FirstName: "x", Language: p.Language, NoPhone: true} }},
	}
	for _, c := range checks {
		var q people.Person
		c.set(&q)
		if _, err := q.Normalise(now); err != nil {
			row.Problems = append(row.Problems, LineProblem{Column: names[c.f], Err: err})
		}
	}
	if len(row.Problems) > 0 {
		row.Person = p
		return row
	}
	clean, err := p.Normalise(now)
	if err != nil { // the birth year, the only check left
		row.Problems = append(row.Problems, LineProblem{Column: names[BirthDate], Err: err})
		row.Person = p
		return row
	}
	row.Person = clean
	return row
}

// dateLayouts are the ways other tools write a birth date.
var dateLayouts = []string{"02/01/2006", "2/1/2006", "2006-01-02", "02-01-2006", "02.01.2006", "2006/01/02", "02/01/06", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05"}

// birthYear reads a birth date, or a year alone, and returns its year.
func birthYear(s string, now time.Time) (int, error) {
	if len(s) == 4 {
		if y, err := strconv.Atoi(s); err == nil && y >= people.MinBirthYear && y <= now.Year() {
			return y, nil
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			y := t.Year()
			if l == "02/01/06" && y > now.Year() {
				y -= 100 // « 12/05/58 » is 1958
			}
			if y < people.MinBirthYear || y > now.Year() {
				return 0, ErrBadDate
			}
			return y, nil
		}
	}
	return 0, ErrBadDate
}

// seenRows are the rows read so far, to find two lines of the file that
// may be the same person as people.FindDuplicates compares them: the same
// folded name words with the same birth year or one unknown, or the same
// phone.
type seenRows struct {
	byName  map[string][]seenRow
	byPhone map[string]int // phone → first line
}

type seenRow struct{ line, year int }

// add records p, read on line, and returns the first earlier line that
// may be the same person, or 0.
func (s seenRows) add(p people.Person, line int) int {
	first := 0
	earlier := func(l int) {
		if first == 0 || l < first {
			first = l
		}
	}
	if name := people.NameWords(p); name != "" {
		for _, r := range s.byName[name] {
			if r.year == 0 || p.BirthYear == 0 || r.year == p.BirthYear {
				earlier(r.line)
				break
			}
		}
		s.byName[name] = append(s.byName[name], seenRow{line, p.BirthYear})
	}
	if p.Phone != "" {
		if l, ok := s.byPhone[p.Phone]; ok {
			earlier(l)
		} else {
			s.byPhone[p.Phone] = line
		}
	}
	return first
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
