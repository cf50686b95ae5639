package people_test

import (
	"errors"
	"strings"
	"testing"

	"relais/people"
	"relais/problem"
	"relais/store"
)

func TestRegisterRefusesBadInput(t *testing.T) {
	cases := []struct {
		name   string
		change func(*people.Person)
		want   error
	}{
		{"no first name", func(p *people.Person) { p.FirstName = "  " }, people.ErrFirstNameMissing},
		{"first name of 10,000 characters", func(p *people.Person) { p.FirstName = strings.Repeat("é", 10000) }, people.ErrNameTooLong},
		{"last name of 10,000 characters", func(p *people.Person) { p.LastName = strings.Repeat("a", 10000) }, people.ErrNameTooLong},
		{"last name of 81 characters", func(p *people.Person) { p.LastName = strings.Repeat("é", 81) }, people.ErrNameTooLong},
		{"control character in a name", func(p *people.Person) { p.LastName = "Du\x00pont" }, people.ErrBadName},
		{"invalid UTF-8 in a name", func(p *people.Person) { p.FirstName = "H\xffélène" }, people.ErrBadName},
		{"letters for a phone", func(p *people.Person) { p.Phone = "zéro six" }, people.ErrBadPhone},
		{"phone too short", func(p *people.Person) { p.Phone = "06 12 34 56" }, people.ErrBadPhone},
		{"phone starting 00 then nothing", func(p *people.Person) { p.Phone = "00" }, people.ErrBadPhone},
		{"phone 0012", func(p *people.Person) { p.Phone = "00 12 34 56 78" }, people.ErrBadPhone},
		{"phone of 10,000 digits", func(p *people.Person) { p.Phone = strings.Repeat("6", 10000) }, people.ErrBadPhone},
		{"phone and no phone", func(p *people.Person) { p.NoPhone = true }, people.ErrPhoneAndNoPhone},
		{"neither phone nor no phone", func(p *people.Person) { p.Phone = "" }, people.ErrPhoneMissing},
		{"e-mail without @", func(p *people.Person) { p.Email = "helene.dupont.fr" }, people.ErrBadEmail},
		{"e-mail without domain dot", func(p *people.Person) { p.Email = "helene@laposte" }, people.ErrBadEmail},
		{"e-mail with a space", func(p *people.Person) { p.Email = "hélène dupont@laposte.net" }, people.ErrBadEmail},
		{"e-mail with two @", func(p *people.Person) { p.Email = "a@b@laposte.net" }, people.ErrBadEmail},
		{"e-mail of 10,000 characters", func(p *people.Person) { p.Email = strings.Repeat("a", 10000) + "@laposte.net" }, people.ErrBadEmail},
		{"birth year 1899", func(p *people.Person) { p.BirthYear = 1899 }, people.ErrBadBirthYear},
		{"birth year next year", func(p *people.Person) { p.BirthYear = today.Year() + 1 }, people.ErrBadBirthYear},
		{"birth year negative", func(p *people.Person) { p.BirthYear = -5 }, people.ErrBadBirthYear},
		{"unknown language form", func(p *people.Person) { p.Language = "français!" }, people.ErrBadLanguage},
		{"consent without purpose", func(p *people.Person) { p.Consent = people.Consent{Given: true, By: "camille"} }, people.ErrConsentIncomplete},
		{"consent without staff", func(p *people.Person) { p.Consent = people.Consent{Given: true, Purpose: "partage"} }, people.ErrConsentIncomplete},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, db := newService(t)
			p := helene()
			c.change(&p)
			before := db.LastSequence()
			if _, err := s.Register(p); !errors.Is(err, c.want) {
				t.Errorf("Register() = %v, want %v", err, c.want)
			}
			if _, err := s.RegisterAnyway(p); !errors.Is(err, c.want) {
				t.Errorf("RegisterAnyway() = %v, want %v", err, c.want)
			}
			if db.LastSequence() != before || s.Len() != 0 {
				t.Errorf("a refused person was written: sequence %d → %d, %d in the index", before, db.LastSequence(), s.Len())
			}
			// An update with the same bad input changes nothing either.
			good := mustRegister(t, s, people.Person{FirstName: "Marc", NoPhone: true})
			p.ID = good.ID
			seq := db.LastSequence()
			if _, err := s.Update(p); !errors.Is(err, c.want) {
				t.Errorf("Update() = %v, want %v", err, c.want)
			}
			if got, _ := s.Get(good.ID); got != good || db.LastSequence() != seq {
				t.Errorf("a refused update changed the person: %+v, want %+v", got, good)
			}
		})
	}
}

func TestNameTooLongSaysTheLimit(t *testing.T) {
	_, err := people.Person{FirstName: strings.Repeat("x", 10000), NoPhone: true}.Normalise(today)
	p, ok := problem.Find(err)
	if !ok || p.Args["max"] != people.MaxNameLength {
		t.Errorf("Normalise(10,000 x) = %v, want %s with max=%d", err, people.ErrNameTooLong.Key, people.MaxNameLength)
	}
}

func TestNormaliseCleansInput(t *testing.T) {
	in := people.Person{
		FirstName: "  Jean-Pierre  ", LastName: " N'Diaye   Sow ", Phone: "+33 (0)6 12 34 56 78",
		Email: " JP.Ndiaye@LaPoste.NET ", BirthYear: 1960, Language: " PT-BR ",
		Consent: people.Consent{Given: true, By: "camille", Purpose: " partage  avec le réseau "},
	}
	got, err := in.Normalise(today)
	if err != nil {
		t.Fatal(err)
	}
	want := people.Person{
		FirstName: "Jean-Pierre", LastName: "N'Diaye Sow", Phone: "+33612345678",
		Email: "JP.Ndiaye@laposte.net", BirthYear: 1960, Language: "pt-br",
		Consent: people.Consent{Given: true, Date: today, By: "camille", Purpose: "partage avec le réseau"},
	}
	if got != want {
		t.Errorf("Normalise() = %+v, want %+v", got, want)
	}
	// Without consent, nothing of it is kept; the language defaults to French.
	got, err = people.Person{FirstName: "Awa", NoPhone: true, Consent: people.Consent{By: "x"}}.Normalise(today)
	if err != nil || got.Consent != (people.Consent{}) || got.Language != "fr" {
		t.Errorf("Normalise() = %+v, %v: want no consent, French", got, err)
	}
}

var phoneCases = []struct {
	in, want string // want "" means ErrBadPhone
}{
	{"06 12 34 56 78", "+33612345678"},
	{"0612345678", "+33612345678"},
	{"06.12.34.56.78", "+33612345678"},
	{"06-12-34-56-78", "+33612345678"},
	{"+33 6 12 34 56 78", "+33612345678"},
	{"+33612345678", "+33612345678"},
	{"+33 (0)6 12 34 56 78", "+33612345678"},
	{"+33 06 12 34 56 78", "+33612345678"},
	{"0033 6 12 34 56 78", "+33612345678"},
	{"01 23 45 67 89", "+33123456789"},
	{"09 87 65 43 21", "+33987654321"},
	{"07 00 00 00 00", "+33700000000"},
	{" 05 55 12 34 56 ", "+33555123456"},
	{"+32 470 12 34 56", "+32470123456"},
	{"+212 6 12 34 56 78", "+212612345678"},
	{"+1 (514) 555-0199", "+15145550199"},
	{"0044 20 7946 0958", "+442079460958"},
	{"+49 30 123456", "+4930123456"},
	{"", ""},
	{"00 12 34 56 78", ""},
	{"6 12 34 56 78", ""},
	{"0612", ""},
	{"06123456789", ""},
	{"+33 6 12 34 56", ""},
	{"+33 0 12 34 56 78", ""},
	{"+33 612 34 56 78 9", ""},
	{"+1234567", ""},
	{"+1234567890123456", ""},
	{"+0 612345678", ""},
	{"06 12 34 56 7a", ""},
	{"06 12 34 56 78 poste 12", ""},
	{"++33612345678", ""},
	{"33+612345678", ""},
	{"０６１２３４５６７８", ""},
}

func TestNormalisePhone(t *testing.T) {
	for _, c := range phoneCases {
		got, err := people.NormalisePhone(c.in)
		if c.want == "" {
			if !errors.Is(err, people.ErrBadPhone) {
				t.Errorf("NormalisePhone(%q) = %q, %v, want ErrBadPhone", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NormalisePhone(%q) = %q, %v, want %q", c.in, got, err, c.want)
		}
	}
}

func FuzzNormalisePhone(f *testing.F) {
	for _, c := range phoneCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := people.NormalisePhone(in)
		if err != nil {
			if !errors.Is(err, people.ErrBadPhone) {
				t.Fatalf("NormalisePhone(%q) = %v, want ErrBadPhone or success", in, err)
			}
			return
		}
		// A number is "+" then 8 to 15 digits, and normalising it again changes nothing.
		if len(got) < 9 || len(got) > 16 || got[0] != '+' || strings.Trim(got[1:], "0123456789") != "" || got[1] == '0' {
			t.Fatalf("NormalisePhone(%q) = %q, not an international number", in, got)
		}
		if again, err := people.NormalisePhone(got); err != nil || again != got {
			t.Fatalf("NormalisePhone(%q) = %q, %v: not stable", got, again, err)
		}
	})
}

func TestNormaliseEmail(t *testing.T) {
	good := map[string]string{
		"":                          "",
		"helene.dupont@laposte.net": "helene.dupont@laposte.net",
		" Awa.Diop+caf@Gmail.COM ":  "Awa.Diop+caf@gmail.com",
		"joão@correio.pt":           "joão@correio.pt",
	}
	for in, want := range good {
		if got, err := people.NormaliseEmail(in); err != nil || got != want {
			t.Errorf("NormaliseEmail(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"@laposte.net", "helene@", "helene@.fr", "helene@laposte.", "he..lene@laposte.net", "helene@-laposte.net", "helene@lap_oste.net", "<helene@laposte.net>"} {
		if got, err := people.NormaliseEmail(in); !errors.Is(err, people.ErrBadEmail) {
			t.Errorf("NormaliseEmail(%q) = %q, %v, want ErrBadEmail", in, got, err)
		}
	}
}

func TestScopeFollowsConsent(t *testing.T) {
	s, db := newService(t)
	p := mustRegister(t, s, helene())
	if r, _ := db.Get(people.Kind, p.ID); r.Scope != store.ScopeLocal {
		t.Errorf("a person without consent has scope %v, want local", r.Scope)
	}
	p.Consent = people.Consent{Given: true, By: "camille", Purpose: people.ConsentPurpose}
	if _, err := s.Update(p); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.Get(people.Kind, p.ID); r.Scope != store.ScopeNetwork {
		t.Errorf("a person who consented has scope %v, want network", r.Scope)
	}
	got, _ := s.Get(p.ID)
	if got.Consent.Date != today || got.Consent.By != "camille" {
		t.Errorf("consent = %+v, want dated today by camille", got.Consent)
	}
	p.Consent = people.Consent{}
	if _, err := s.Update(p); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.Get(people.Kind, p.ID); r.Scope != store.ScopeLocal {
		t.Errorf("after withdrawal the scope is %v, want local", r.Scope)
	}
}
