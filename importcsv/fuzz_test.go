package importcsv_test

import (
	"strings"
	"testing"

	"relais/importcsv"
)

// FuzzRead feeds Read any bytes: it must return a preview or a problem,
// never panic, and every row of a preview must carry a line number
// within the file, problems or a person that passes the checks again.
func FuzzRead(f *testing.F) {
	for _, s := range []string{good, "\ufeff" + good, "a,b\n1,2\n", "Prénom\tNom\nLéa\tRoux\n", "Prénom;Nom\n\"Léa;Roux\n",
		"prénom,nom\n\xe9\xe8,\xc0\n", "Prénom;Nom;Naissance\nLéa;Roux;31/02/1980\n", "PK\x03\x04", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := importcsv.Read(strings.NewReader(string(b)), now, nil)
		if err != nil {
			if p != nil {
				t.Fatalf("Read gave a preview and %v", err)
			}
			return
		}
		lines := strings.Count(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") + strings.Count(string(b), "\r") + 1
		for _, r := range p.Rows {
			if r.Line < 2 || r.Line > lines+1 {
				t.Fatalf("row at line %d of a file of %d lines", r.Line, lines)
			}
			if len(r.Problems) == 0 {
				if _, err := r.Person.Normalise(now); err != nil {
					t.Fatalf("line %d has no problem but its person does not pass: %v", r.Line, err)
				}
			}
		}
	})
}
