package guides

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Format writes g in the guide format, for the editor to save: Parse of
// what it writes gives g back (Step.Line aside). Each step is written in
// one order: instructions, « À avoir sous la main », « Attention », images,
// then the table of fields.
func Format(g Guide) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	b.WriteString("id: " + yamlText(g.ID) + "\n")
	b.WriteString("title: " + yamlText(g.Title) + "\n")
	b.WriteString("procedures: [")
	for i, p := range g.Procedures {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(yamlText(p))
	}
	b.WriteString("]\n")
	b.WriteString("organisation: " + yamlText(g.Organisation) + "\n")
	b.WriteString("site: " + yamlText(g.Site) + "\n")
	b.WriteString("version: " + strconv.Itoa(g.Version) + "\n")
	b.WriteString("reviewed: " + g.Reviewed.Format(time.DateOnly) + "\n")
	b.WriteString("author: " + yamlText(g.Author) + "\n")
	b.WriteString("duration: " + strconv.Itoa(g.Duration) + "\n")
	b.WriteString("---\n")
	if g.Intro != "" {
		b.WriteString("\n" + g.Intro + "\n")
	}
	for _, st := range g.Steps {
		b.WriteString("\n## " + escapeInline(st.Title) + "\n")
		if st.Body != "" {
			b.WriteString("\n" + st.Body + "\n")
		}
		writeItems(&b, prepareHeading, st.Prepare)
		writeItems(&b, pitfallsHeading, st.Pitfalls)
		for _, img := range st.Images {
			b.WriteString("\n![" + escapeInline(img.Alt) + "](" + img.File + ")\n")
		}
		if len(st.Fields) > 0 {
			b.WriteString("\n" + fieldsHeader)
			for _, f := range st.Fields {
				b.WriteString("| " + escapeCell(f[0]) + " | " + escapeCell(f[1]) + " |\n")
			}
		}
	}
	return b.Bytes()
}

func writeItems(b *bytes.Buffer, heading string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString("\n### " + heading + "\n\n")
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
}

// plainYAML is text YAML reads back as is without quotes.
var plainYAML = regexp.MustCompile(`^[\p{L}\p{N}][^:#]*(:[^ :#][^:#]*)*$`)

// yamlText writes a front matter value: plain when YAML reads it back as
// the same text, double-quoted (JSON's escapes are YAML's) otherwise.
func yamlText(s string) string {
	if plainYAML.MatchString(s) && s == strings.TrimSpace(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || !unicode.IsPrint(r) && r != ' '
	}) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil || !utf8.ValidString(s) {
		return `""`
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// escapeInline writes plain text (a title, an image's description) so
// that Markdown reads it back as the same text, not as emphasis, links,
// code, HTML or character references.
func escapeInline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '#', '!':
			b.WriteByte('\\')
		case '&':
			if entityLike(s[i+1:]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// entityLike reports whether s starts like the rest of a character
// reference after « & »: letters, digits or #, then « ; ».
func entityLike(s string) bool {
	for i := 0; i < len(s) && i < 40; i++ {
		c := s[i]
		switch {
		case c == ';':
			return i > 0
		case c == '#' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return false
}

// escapeCell writes a table cell: its pipes escaped.
func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
