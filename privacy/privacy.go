// Package privacy keeps out of Relais what it must never store (RGPD):
// social security numbers (NIR), bank details (IBAN, RIB), payment card
// numbers, and passwords or secret codes written down in a note.
// Mediators never keep a person's credentials.
//
// CheckText refuses a free-text field holding one of them with a problem
// that says why and what to do instead, and shows a masked excerpt
// (« 1 85 05 … ») so the person finds what to remove; the whole value is
// never repeated, neither on screen nor in the logs.
//
// The guard aims at few false positives: a note that is refused for no
// reason teaches people to work around the guard. How each kind is told
// apart:
//
// Numbers are read in runs: groups of ASCII letters and digits joined by one
// to three spaces, dots or dashes (no newline, no « . » with a space, which
// ends a sentence). A candidate is a sequence of whole groups, so
// « 1 85 05 78 006 084 36 » and « 185057800608436 » are both read, but
// « 06 12 34 56 78 » is never cut into pieces. Digits right after a « + »
// are an international phone number and are skipped.
//
//   - NIR: 13 characters (department 2A/2B allowed), or 15 with the key.
//     Structure per INSEE: first digit 1 or 2 (3, 4, 7, 8 for temporary
//     numbers), month 01-12, 20, 30-42 or 50-99, department not 00,
//     commune and order not 000. With a key, the key must equal
//     97 - (number mod 97) (2A read as 19, 2B as 18); any grouping is then
//     accepted when the digits stand alone. Without a key the number must
//     start with 1 or 2 and be written in one block or grouped like a Vitale
//     card (1 85 05 78 006 084), must not be followed by two digits (a wrong
//     key: not a NIR) and must not follow « fiscal », « impôt » or « avis »
//     within 40 bytes: the French tax number also has 13 digits. Phone
//     numbers (10 digits), dates, amounts, postal codes and SIRET (14 digits)
//     never have the length.
//   - IBAN: a country code (upper case, or lower case glued to the check
//     digits: « de 12 … » is French), two check digits (02-98) and the rest,
//     spaces allowed, exactly as long as the registry says for that country
//     (French-speaking Africa included), and valid for ISO 13616 mod 97. A
//     French RIB without its IBAN (bank 5 digits, branch 5, account 11, key
//     2) is read too when its RIB key is valid. Both are reported as IBAN.
//     The digits after a mistyped IBAN's « FR76 » are not read as a card.
//   - Card: 15 to 19 digits with a known issuer prefix and length (Visa 4,
//     Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/644-649/65,
//     JCB 3528-3589, UnionPay 62, Diners 300-305/36/38/39 in 16 digits or
//     more), Luhn-valid. Fourteen-digit Diners cards are left out because a
//     SIRET is Luhn-valid too; 13-digit Visa cards no longer exist. The
//     digits must stand alone, or be grouped like a card (4-4-4-4, 4-6-5),
//     or be one block.
//   - Password: a keyword as a whole word (mot de passe, mdp, password,
//     passwd, pwd, code secret, code PIN, code confidentiel; any case, with
//     or without accents; « MDPH » is not one), up to three words naming the account (« mdp ameli »,
//     « mot de passe de la CAF »), then a separator and a value. After « : »,
//     « = », « -> » or « - », the value is the next token: refused if it
//     mixes letters with digits or symbols (« Soleil2024 », « p@ss »), is a
//     PIN of four digits or more, is written in mixed case (« MonChat »), or
//     is a single word that ends the clause and is not a common French word,
//     a service name or a past participle (« azerty », « x »). So « mdp :
//     Soleil2024 » and « password: x » are refused while « Mot de passe
//     perdu : renvoyé vers ameli » or « mot de passe : voir avec sa fille »
//     are not. After a mere space the value must mix letters with digits or
//     symbols (« mdp Soleil2024 »), which sentences such as « a oublié son
//     mot de passe ameli » or « mot de passe oublié » never do. Dates,
//     times and ordinals (« 12/03 », « 14h30 », « 2e ») and web addresses
//     are never values. « identifiant : … » alone is not refused: a login
//     is not a secret.
package privacy

import (
	"slices"
	"strings"

	"relais/problem"
)

// Problems of a text that holds what Relais must not keep. Each carries
// {{.excerpt}}, the masked start of what was found, and {{.field}}, the
// field it was found in when CheckFields was used.
var (
	ErrNIR      = problem.Register("privacy.nir")
	ErrIBAN     = problem.Register("privacy.iban")
	ErrCard     = problem.Register("privacy.card")
	ErrPassword = problem.Register("privacy.password")
)

// Kind is a kind of value Relais must not keep.
type Kind int

// The kinds of values Find reports.
const (
	NIR      Kind = iota + 1 // social security number
	IBAN                     // IBAN or French RIB
	Card                     // payment card number
	Password                 // password or secret code after a keyword
)

// String returns the kind's name, for logs and tests.
func (k Kind) String() string {
	switch k {
	case NIR:
		return "NIR"
	case IBAN:
		return "IBAN"
	case Card:
		return "card"
	case Password:
		return "password"
	}
	return "none"
}

// Problem returns the sentinel problem of the kind.
func (k Kind) Problem() *problem.Problem {
	switch k {
	case NIR:
		return ErrNIR
	case IBAN:
		return ErrIBAN
	case Card:
		return ErrCard
	case Password:
		return ErrPassword
	}
	return nil
}

// Finding is a value found in a text.
type Finding struct {
	Kind Kind
	// Start and End are the byte offsets of the value in the text: for a
	// password, the value after the keyword, not the keyword.
	Start, End int
	// Excerpt shows where the value is without giving it away: its first
	// characters then « … » (« 1 85 05 … », « FR76 … »), or for a password
	// the keyword then « … » (« mdp : … »).
	Excerpt string
}

// Find returns the values of text that Relais must not keep, in the order
// of the text, without overlaps.
func Find(text string) []Finding {
	s := scanner{text: text}
	s.gs = s.buf[:0]
	s.numbers()
	s.passwords()
	if len(s.found) < 2 {
		return s.found
	}
	slices.SortStableFunc(s.found, func(a, b Finding) int { return a.Start - b.Start })
	out := s.found[:1]
	for _, f := range s.found[1:] {
		if f.Start >= out[len(out)-1].End {
			out = append(out, f)
		}
	}
	return out
}

// CheckText returns nil if text may be kept, or the problem of the first
// value it must not hold, with its masked excerpt as "excerpt".
func CheckText(text string) error {
	found := Find(text)
	if len(found) == 0 {
		return nil
	}
	f := found[0]
	return f.Kind.Problem().With("excerpt", f.Excerpt)
}

// CheckFields is CheckText for a form: fields maps the name of each field,
// as the person sees it (« Notes », « Démarche »), to its text. The problem
// names the field as "field"; fields are checked in the order of their
// names, so the answer does not change from one call to the next.
func CheckFields(fields map[string]string) error {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if found := Find(fields[name]); len(found) > 0 {
			f := found[0]
			return f.Kind.Problem().With("excerpt", f.Excerpt, "field", name)
		}
	}
	return nil
}

// Mask returns text with every value Find reports cut down to its excerpt:
// a number keeps its first characters, a password becomes « … ». The
// result passes CheckText. Masking may bring digits next to each other
// that make a new value, so Mask checks again until nothing is left; each
// round removes letters or digits, so it ends.
func Mask(text string) string {
	for {
		found := Find(text)
		if len(found) == 0 {
			return text
		}
		var b strings.Builder
		b.Grow(len(text))
		last := 0
		for _, f := range found {
			b.WriteString(text[last:f.Start])
			b.WriteString(masked(f.Kind, text[f.Start:f.End]))
			last = f.End
		}
		b.WriteString(text[last:])
		text = b.String()
	}
}

const ellipsis = "…"

// masked returns the part of a value that may be shown: the first few
// letters and digits of a number, with its own spacing, or nothing of a
// password.
func masked(k Kind, value string) string {
	keep := 4
	switch k {
	case Password:
		return ellipsis
	case NIR:
		keep = 5 // sex, year and month of birth: « 1 85 05 »
	}
	i, n := 0, 0
	for ; i < len(value) && n < keep; i++ {
		if isAlnum(value[i]) {
			n++
		}
	}
	if i < len(value) && !isAlnum(value[i]) {
		return value[:i] + " " + ellipsis
	}
	return value[:i] + ellipsis
}
