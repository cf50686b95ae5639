package privacy_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"relais/privacy"
)

// FuzzCheckText checks, on any text, that the guard never panics, that its
// findings lie in the text in order without overlapping, that an excerpt
// never gives a whole number away, and that the masked text passes.
func FuzzCheckText(f *testing.F) {
	for _, c := range cases() {
		f.Add(c.text)
	}
	f.Add(note(400))
	f.Fuzz(func(t *testing.T, text string) {
		found := privacy.Find(text)
		if (privacy.CheckText(text) == nil) != (len(found) == 0) {
			t.Fatalf("CheckText(%q) disagrees with Find = %v", text, found)
		}
		end := 0
		for _, fd := range found {
			if fd.Start < end || fd.End <= fd.Start || fd.End > len(text) {
				t.Fatalf("Find(%q) = %v: bad span", text, found)
			}
			end = fd.End
			if !strings.HasSuffix(fd.Excerpt, "…") || !utf8.ValidString(fd.Excerpt) && utf8.ValidString(text) {
				t.Fatalf("Find(%q) excerpt %q", text, fd.Excerpt)
			}
			if fd.Kind != privacy.Password {
				checkExcerpt(t, text, fd)
			}
		}
		masked := privacy.Mask(text)
		if err := privacy.CheckText(masked); err != nil {
			t.Fatalf("CheckText(Mask(%q)) = %v", text, err)
		}
		if len(found) == 0 && masked != text {
			t.Fatalf("Mask(%q) = %q, want it unchanged", text, masked)
		}
	})
}
