package report

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	// The slip shows Europe/Paris time even on a Windows PC without a zoneinfo database.
	_ "time/tzdata"
)

// paris is where the centres are: slips always show French wall-clock time,
// whatever the zone of the PC that prints them.
var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("load %s from the embedded time zone database: %v", name, err))
	}
	return loc
}

var (
	frenchWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
)

// LongDate writes t out in full, in Paris time: « mardi 24 novembre 2026 à
// 14 h 30 » in French (the default), "Tuesday 24 November 2026 at 2:30 pm"
// in English.
func LongDate(t time.Time, lang string) string {
	t = t.In(paris)
	if lang == "en" {
		return t.Format("Monday 2 January 2006") + " at " + englishClock(t)
	}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d à %d h %02d",
		frenchWeekdays[t.Weekday()], day, frenchMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

func englishClock(t time.Time) string {
	switch {
	case t.Hour() == 12 && t.Minute() == 0:
		return "noon"
	case t.Minute() == 0:
		return t.Format("3 pm")
	default:
		return t.Format("3:04 pm")
	}
}

// LongDuration writes d for a person: « 45 minutes », « 1 heure », « 1 h 30 »;
// "45 minutes", "1 hour", "1 hour 30 minutes" in English. It rounds to the minute.
func LongDuration(d time.Duration, lang string) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 0 {
		m = 0
	}
	h, m := m/60, m%60
	if lang == "en" {
		var parts []string
		if h > 0 {
			parts = append(parts, plural(h, "hour", "hours"))
		}
		if m > 0 || h == 0 {
			parts = append(parts, plural(m, "minute", "minutes"))
		}
		return strings.Join(parts, " ")
	}
	switch {
	case h == 0:
		return plural(m, "minute", "minutes")
	case m == 0:
		return plural(h, "heure", "heures")
	default:
		return fmt.Sprintf("%d h %02d", h, m)
	}
}

func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// toLatin1 prepares text for fpdf's core fonts, which only know Windows-1252.
// Characters outside it lose their accents when that is enough (« ł » → « l »,
// « ğ » → « g »), typographic spaces become plain ones, control characters
// become spaces and anything else becomes « ? », so a name written in another
// script never breaks the slip. The result is still UTF-8: fpdf's cp1252
// translator converts it afterwards.
func toLatin1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 || unicode.IsControl(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case r == '\u202f' || r == '\u2009' || r == '\u2007': // French thin spaces: « : », « ; »
			b.WriteRune('\u00a0')
		case r == '\u2010' || r == '\u2011' || r == '\u2212':
			b.WriteByte('-')
		case inCP1252(r):
			b.WriteRune(r)
		default:
			b.WriteString(folded(r))
		}
	}
	return b.String()
}

func inCP1252(r rune) bool {
	if r < 0x80 {
		return true
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok
}

// noDecomposition holds Latin letters Unicode does not split into a base
// letter and a mark, so NFKD alone cannot simplify them.
var noDecomposition = map[rune]string{
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i",
	'Ŀ': "L", 'ŀ': "l", 'Ŧ': "T", 'ŧ': "t", 'ĸ': "k", 'ŉ': "'n",
	'Ə': "E", 'ə': "e", '‐': "-", '′': "'", '″': "\"",
}

// folded keeps the Windows-1252 characters of r's decomposition, dropping
// the marks it cannot print.
func folded(r rune) string {
	if s, ok := noDecomposition[r]; ok {
		return s
	}
	var b strings.Builder
	for _, c := range norm.NFKD.String(string(r)) {
		if inCP1252(c) && !unicode.Is(unicode.Mn, c) {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}

// clip shortens s to at most n characters, ending with « … », so one
// runaway field cannot push the rest of the slip off the page.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}
