package guides_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"relais/guides"
)

// FuzzParse checks that Parse never panics, that it fails only with a
// *ParseError, and that whatever it accepts survives Format and Parse again.
// With withHeader, a valid front matter comes before src, so that the
// fuzzer spends its time on the Markdown rather than on the header.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		if len(c.src) < 64<<10 {
			f.Add([]byte(c.src), false)
			if body, ok := strings.CutPrefix(c.src, header); ok {
				f.Add([]byte(body), true)
			}
		}
	}
	valid, err := readFixtureFS("valid.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, false)
	f.Add([]byte("\n## a\n- x\n\n### Attention\n\n~~~ b\n\n| a | b |\n|-|-|\n| c | d |\n"), true)
	f.Fuzz(func(t *testing.T, src []byte, withHeader bool) {
		if withHeader {
			src = append([]byte(header), src...)
		}
		g, err := guides.Parse("fuzz.md", src)
		if err != nil {
			var pe *guides.ParseError
			if !errors.As(err, &pe) || pe.Problem == nil {
				t.Fatalf("Parse = %#v, want a *ParseError", err)
			}
			return
		}
		out := guides.Format(g)
		back, err := guides.Parse("formatted.md", out)
		if err != nil {
			t.Fatalf("Parse(Format(g)) = %v\ng = %#v\n%s", err, g, out)
		}
		if !reflect.DeepEqual(withoutLines(back), withoutLines(g)) {
			t.Fatalf("Parse(Format(g)) =\n%#v\nwant\n%#v\nformatted:\n%s", back, g, out)
		}
	})
}
