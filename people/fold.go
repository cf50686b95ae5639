package people

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	textfold "relais/internal/fold"
)

// fold returns s as search compares it (see internal/fold).
func fold(s string) string { return textfold.String(s) }

// nameTokens returns the search tokens of a person: each word of the first
// and last names, folded, plus each name with its words glued together, so
// « N'Diaye » is found by « ndiaye » and « Jean-Pierre » by « jeanpierre ».
func nameTokens(p Person) []string {
	return foldedTokens(fold(p.FirstName), fold(p.LastName))
}

// foldedTokens is nameTokens for names already folded.
func foldedTokens(first, last string) []string {
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, field := range [2]string{first, last} {
		words := strings.Fields(field)
		for _, w := range words {
			add(w)
		}
		if len(words) > 1 {
			add(strings.Join(words, ""))
		}
	}
	return out
}

// Duplicate keys: a person's folded name words in order (so a first and
// last name typed the wrong way round still meet), with their birth year,
// or "?" when it is unknown; and the same words with "*", whatever the
// year. Someone registered with a year is looked for under that year and
// under "?"; someone without one under "*". People without any name word
// have no key.
const (
	unknownYear = "?"
	anyYear     = "*"
)

// NameWords is what two people must share to be namesakes: their folded
// name words, sorted (so a first and last name typed the wrong way round
// still meet).
func NameWords(p Person) string {
	words := strings.Fields(fold(p.FirstName + " " + p.LastName))
	slices.Sort(words)
	return strings.Join(words, " ")
}

// dupKeys are the values of the "dupkey" index for p.
func dupKeys(p Person) []string {
	words := NameWords(p)
	if words == "" {
		return nil
	}
	year := unknownYear
	if p.BirthYear != 0 {
		year = strconv.Itoa(p.BirthYear)
	}
	return []string{words + "|" + year, words + "|" + anyYear}
}

// dupQueries are the "dupkey" values under which p's possible duplicates
// by name are found: same words and same year, or a year unknown on
// either side.
func dupQueries(p Person) []string {
	words := NameWords(p)
	switch {
	case words == "":
		return nil
	case p.BirthYear == 0:
		return []string{words + "|" + anyYear}
	default:
		return []string{words + "|" + strconv.Itoa(p.BirthYear), words + "|" + unknownYear}
	}
}

// deletions returns s with each one of its runes removed in turn.
func deletions(s string) []string {
	out := make([]string, 0, len(s))
	for i, r := range s {
		d := s[:i] + s[i+utf8.RuneLen(r):]
		if len(out) == 0 || out[len(out)-1] != d { // "ll" gives "l" once
			out = append(out, d)
		}
	}
	return out
}

// oneTypo reports whether a and b differ by exactly one typo: one letter
// replaced, added, removed, or two neighbours swapped.
func oneTypo(a, b string) bool {
	if a == b {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		i := 0
		for i < len(ra) && ra[i] == rb[i] {
			i++
		}
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // replaced
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// phoneDigits returns the forms a phone search compares typed digits
// with: the international digits ("33612345678") and, for a French
// number, the national ones ("0612345678").
func phoneDigits(phone string) (intl, national string) {
	if phone == "" {
		return "", ""
	}
	intl = strings.TrimPrefix(phone, "+")
	if strings.HasPrefix(intl, "33") {
		national = "0" + intl[2:]
	}
	return intl, national
}

// queryDigits returns the digits of a query that looks like a phone number
// (digits with spaces, dots, dashes or a leading +), or "" if it does not.
// A leading + or 00 makes the digits international.
func queryDigits(q string) (digits string, intl bool) {
	q = strings.TrimSpace(q)
	var b []byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c >= '0' && c <= '9':
			b = append(b, c)
		case c == '+' && i == 0:
			intl = true
		case c == ' ' || c == '.' || c == '-' || c == '(' || c == ')':
		default:
			return "", false
		}
	}
	if len(b) < 2 {
		return "", false
	}
	d := string(b)
	if !intl && strings.HasPrefix(d, "00") {
		d, intl = d[2:], true
	}
	return d, intl
}
