package fold

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Déclaration":       "declaration",
		"l'Œuvre":           "l oeuvre",
		"N'DIAYE-Sow":       "n diaye sow",
		"Nguyễn Đức":        "nguyen duc",
		"Łukasz Øster":      "lukasz oster",
		"Straße 12":         "strasse 12",
		"plain ascii, 2026": "plain ascii  2026",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
