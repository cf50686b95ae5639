package report

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestLongDate(t *testing.T) {
	paris := mustLoad("Europe/Paris")
	tests := []struct {
		name string
		t    time.Time
		lang string
		want string
	}{
		{"winter, from UTC", time.Date(2026, 11, 24, 13, 30, 0, 0, time.UTC), "fr", "mardi 24 novembre 2026 à 14 h 30"},
		{"summer, from UTC", time.Date(2026, 8, 3, 7, 5, 0, 0, time.UTC), "fr", "lundi 3 août 2026 à 9 h 05"},
		{"first of the month", time.Date(2026, 12, 1, 9, 0, 0, 0, paris), "fr", "mardi 1er décembre 2026 à 9 h 00"},
		{"other language falls back to French", time.Date(2026, 2, 7, 10, 0, 0, 0, paris), "ar", "samedi 7 février 2026 à 10 h 00"},
		{"english", time.Date(2026, 11, 24, 13, 30, 0, 0, time.UTC), "en", "Tuesday 24 November 2026 at 2:30 pm"},
		{"english on the hour", time.Date(2026, 11, 24, 9, 0, 0, 0, paris), "en", "Tuesday 24 November 2026 at 9 am"},
		{"english noon", time.Date(2026, 11, 24, 12, 0, 0, 0, paris), "en", "Tuesday 24 November 2026 at noon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LongDate(tc.t, tc.lang); got != tc.want {
				t.Errorf("LongDate(%v, %q) = %q, want %q", tc.t, tc.lang, got, tc.want)
			}
		})
	}
}

func TestLongDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		lang string
		want string
	}{
		{45 * time.Minute, "fr", "45 minutes"},
		{time.Minute, "fr", "1 minute"},
		{time.Hour, "fr", "1 heure"},
		{2 * time.Hour, "fr", "2 heures"},
		{90 * time.Minute, "fr", "1 h 30"},
		{65 * time.Minute, "fr", "1 h 05"},
		{90 * time.Minute, "en", "1 hour 30 minutes"},
		{2 * time.Hour, "en", "2 hours"},
		{30 * time.Minute, "en", "30 minutes"},
	}
	for _, tc := range tests {
		if got := LongDuration(tc.d, tc.lang); got != tc.want {
			t.Errorf("LongDuration(%v, %q) = %q, want %q", tc.d, tc.lang, got, tc.want)
		}
	}
}

var latin1Cases = []struct{ in, want string }{
	{"é è à ç ô œ Œ « » ’ € ÿ", "é è à ç ô œ Œ « » ’ € ÿ"},
	{"Łukasz Gökçe", "Lukasz Gökçe"},
	{"Nguyễn Thị Hương", "Nguyen Thi Huong"},
	{"Ğ ş ı ā ă ą", "G s i a a a"},
	{"王芳", "??"},
	{"Prix\u202f: 10\u00a0€", "Prix\u00a0: 10\u00a0€"},
	{"a\x00b\tc\nd", "a b c\nd"},
}

func TestToLatin1(t *testing.T) {
	for _, tc := range latin1Cases {
		if got := toLatin1(tc.in); got != tc.want {
			t.Errorf("toLatin1(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzToLatin1 checks that whatever a person's name or a note holds, the
// slip text is valid UTF-8 made only of characters the PDF fonts can print.
func FuzzToLatin1(f *testing.F) {
	for _, tc := range latin1Cases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := toLatin1(s)
		if !utf8.ValidString(got) {
			t.Fatalf("toLatin1(%q) = %q, not valid UTF-8", s, got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return !inCP1252(r) }); i >= 0 {
			t.Fatalf("toLatin1(%q) = %q keeps %q, outside Windows-1252", s, got, []rune(got[i:])[0])
		}
	})
}
