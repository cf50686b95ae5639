// Package people holds the persons a help desk welcomes: their minimal
// record, their consent to sharing with partner centres, a search that
// forgives accents, case and one typo, duplicate detection and merge.
package people

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"relais/problem"
	"relais/store"
)

// Record kinds of this package.
const (
	// Kind is the record kind of a person.
	Kind = "person"
	// MergeKind is the record kind left behind by a merge: its id is the
	// merged-away person's id and it names the person kept.
	MergeKind = "personmerge"
)

// Limits of a person record.
const (
	MaxNameLength  = 80  // runes per name field
	MaxEmailLength = 254 // bytes, RFC 5321
	MinBirthYear   = 1900
	DefaultLang    = "fr"
)

// Person is the minimal record of someone the centre helps. It holds
// nothing beyond what reception needs to find, reach and book them.
type Person struct {
	// ID is the record id; it is not part of the stored body.
	ID        string `json:"-"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name,omitempty"`
	// Phone is normalised, "+33612345678"; empty when NoPhone is set.
	Phone string `json:"phone,omitempty"`
	// NoPhone records that the person has no phone (« pas de téléphone »),
	// so reception knows to call nobody and to hand them a slip instead.
	NoPhone   bool   `json:"no_phone,omitempty"`
	Email     string `json:"email,omitempty"`
	BirthYear int    `json:"birth_year,omitempty"` // 0 when unknown
	// Language is the preferred language, a lower-case code ("fr", "ar", "pt-br").
	Language string  `json:"language"`
	Consent  Consent `json:"consent"`
}

// Consent is the person's agreement that their record is shared with the
// partner centres of the network. Without it the record never leaves the centre.
type Consent struct {
	Given   bool      `json:"given"`
	Date    time.Time `json:"date,omitzero"`
	By      string    `json:"by,omitempty"` // login of the member of staff who recorded it
	Purpose string    `json:"purpose,omitempty"`
}

// Scope returns where the person's record may go: the network only with consent.
func (p Person) Scope() store.Scope {
	if p.Consent.Given {
		return store.ScopeNetwork
	}
	return store.ScopeLocal
}

// FullName returns "First Last" for display.
func (p Person) FullName() string {
	if p.LastName == "" {
		return p.FirstName
	}
	return p.FirstName + " " + p.LastName
}

// Problems of person records.
var (
	ErrFirstNameMissing  = problem.Register("people.first_name_missing")
	ErrNameTooLong       = problem.Register("people.name_too_long")
	ErrBadName           = problem.Register("people.bad_name")
	ErrPhoneMissing      = problem.Register("people.phone_missing")
	ErrBadPhone          = problem.Register("people.bad_phone")
	ErrPhoneAndNoPhone   = problem.Register("people.phone_and_no_phone")
	ErrBadEmail          = problem.Register("people.bad_email")
	ErrBadBirthYear      = problem.Register("people.bad_birth_year")
	ErrBadLanguage       = problem.Register("people.bad_language")
	ErrConsentIncomplete = problem.Register("people.consent_incomplete")
	ErrMergeSame         = problem.Register("people.merge_same")
)

// Normalise checks a person as typed at the desk and returns it cleaned:
// spaces trimmed and collapsed, phone in international form, e-mail domain
// in lower case, language defaulted, consent dated. The first problem found
// is returned and p is then unusable.
func (p Person) Normalise(now time.Time) (Person, error) {
	var err error
	if p.FirstName, err = cleanName(p.FirstName); err != nil {
		return Person{}, err
	}
	if p.FirstName == "" {
		return Person{}, ErrFirstNameMissing
	}
	if p.LastName, err = cleanName(p.LastName); err != nil {
		return Person{}, err
	}
	phone := strings.TrimSpace(p.Phone)
	switch {
	case phone != "" && p.NoPhone:
		return Person{}, ErrPhoneAndNoPhone
	case phone == "" && !p.NoPhone:
		return Person{}, ErrPhoneMissing
	case phone != "":
		if p.Phone, err = NormalisePhone(phone); err != nil {
			return Person{}, err
		}
	default:
		p.Phone = ""
	}
	if p.Email, err = NormaliseEmail(p.Email); err != nil {
		return Person{}, err
	}
	if p.BirthYear != 0 && (p.BirthYear < MinBirthYear || p.BirthYear > now.Year()) {
		return Person{}, ErrBadBirthYear.With("min", MinBirthYear, "max", now.Year())
	}
	p.Language = strings.ToLower(strings.TrimSpace(p.Language))
	if p.Language == "" {
		p.Language = DefaultLang
	}
	if !languagePattern.MatchString(p.Language) {
		return Person{}, ErrBadLanguage
	}
	if p.Consent, err = cleanConsent(p.Consent, now); err != nil {
		return Person{}, err
	}
	return p, nil
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

// cleanName trims and collapses spaces. A name of more than MaxNameLength
// runes is refused, and so is one holding control characters or invalid UTF-8.
func cleanName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxNameLength {
		return "", ErrNameTooLong.With("max", MaxNameLength)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "", ErrBadName
	}
	return s, nil
}

func cleanConsent(c Consent, now time.Time) (Consent, error) {
	if !c.Given {
		return Consent{}, nil // a refusal or a withdrawal keeps no trace in the record
	}
	c.By = strings.TrimSpace(c.By)
	c.Purpose = strings.Join(strings.Fields(c.Purpose), " ")
	if c.By == "" || c.Purpose == "" || utf8.RuneCountInString(c.Purpose) > 200 {
		return Consent{}, ErrConsentIncomplete
	}
	if c.Date.IsZero() {
		c.Date = now
	}
	c.Date = c.Date.UTC().Truncate(time.Second)
	return c, nil
}

// NormalisePhone turns a phone number as people write it into its
// international form: "06 12 34 56 78", "+33 6 12 34 56 78", "0033 6…" and
// "+33 (0)6…" all give "+33612345678". French numbers have ten digits from
// 01 to 09; others are "+" (or "00") then 8 to 15 digits. Spaces, dots,
// dashes and brackets are ignored; anything else is ErrBadPhone.
func NormalisePhone(s string) (string, error) {
	if len(s) > 40 {
		return "", ErrBadPhone
	}
	s = strings.TrimSpace(s)
	s = strings.Replace(s, "(0)", "", 1)
	var digits []byte
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/':
		default:
			return "", ErrBadPhone
		}
	}
	d := string(digits)
	if !plus && strings.HasPrefix(d, "00") {
		if len(d) == 10 {
			// Ten digits look like a French number with a slip, not an
			// international one: « 00 12 34 56 78 ».
			return "", ErrBadPhone
		}
		plus, d = true, d[2:]
	}
	if !plus {
		// A French national number: 0 then 1 to 9, ten digits in all.
		if len(d) != 10 || d[0] != '0' || d[1] == '0' {
			return "", ErrBadPhone
		}
		return "+33" + d[1:], nil
	}
	if strings.HasPrefix(d, "33") {
		n := d[2:]
		if len(n) == 10 && n[0] == '0' { // +33 06…, a common slip
			n = n[1:]
		}
		if len(n) != 9 || n[0] == '0' {
			return "", ErrBadPhone
		}
		return "+33" + n, nil
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' || (d[0] == '1' && len(d) != 11) {
		// North American numbers (+1) are always eleven digits.
		return "", ErrBadPhone
	}
	return "+" + d, nil
}

// NormaliseEmail trims an e-mail address and lower-cases its domain. An
// empty address is fine (the field is optional); a malformed one is ErrBadEmail.
func NormaliseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxEmailLength || !utf8.ValidString(s) {
		return "", ErrBadEmail
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.ContainsAny(local, " \t\"(),:;<>[\\]@") ||
		strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", ErrBadEmail
	}
	domain = strings.ToLower(domain)
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", ErrBadEmail
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", ErrBadEmail
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return "", ErrBadEmail
			}
		}
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f {
			return "", ErrBadEmail
		}
	}
	return local + "@" + domain, nil
}
