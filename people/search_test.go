package people_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"relais/actor"
	"relais/people"
	"relais/store"
)

// register fills a service with the people of the search table.
func searchFixture(t *testing.T) *people.Service {
	s, _ := newService(t)
	for _, p := range []people.Person{
		helene(),
		{FirstName: "Hélène", LastName: "Durand", NoPhone: true},
		{FirstName: "Helena", LastName: "Dupuis", Phone: "07 11 22 33 44"},
		{FirstName: "Marc", LastName: "Dupont", Phone: "01 23 45 67 89"},
		{FirstName: "Jean-Pierre", LastName: "N'Diaye", Phone: "+221 77 123 45 67"},
		{FirstName: "Thi Lan", LastName: "Nguyễn", NoPhone: true},
		{FirstName: "Ayşe", LastName: "Yılmaz", NoPhone: true},
		{FirstName: "François", LastName: "Lefèvre", Phone: "06 98 76 54 32"},
		{FirstName: "Ali", NoPhone: true},
		{FirstName: "Alix", LastName: "Martin", NoPhone: true},
		{FirstName: "Hélène", LastName: "Dupontel", NoPhone: true},
	} {
		mustRegister(t, s, p)
	}
	return s
}

func names(hits []people.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Person.FullName())
	}
	return out
}

func TestSearch(t *testing.T) {
	s := searchFixture(t)
	cases := []struct {
		query    string
		first    string // the best hit; "" when nothing may be found
		match    people.Match
		includes []string
		excludes []string
	}{
		{"helene dupond", "Hélène Dupont", people.MatchTypo, nil, []string{"Marc Dupont", "Hélène Durand"}},
		{"Hélène Dupont", "Hélène Dupont", people.MatchExact, []string{"Hélène Dupontel"}, []string{"Helena Dupuis"}},
		{"HÉLÈNE DUPONT", "Hélène Dupont", people.MatchExact, nil, nil},
		{"dupont helene", "Hélène Dupont", people.MatchExact, nil, nil},
		{"hél", "Hélène Dupont", people.MatchPrefix, []string{"Hélène Durand", "Helena Dupuis", "Hélène Dupontel"}, []string{"Marc Dupont"}},
		{"h", "", people.MatchPrefix, []string{"Hélène Dupont", "Helena Dupuis"}, []string{"Marc Dupont"}},
		{"helene dup", "Hélène Dupont", people.MatchPrefix, []string{"Hélène Dupontel", "Helena Dupuis"}, []string{"Hélène Durand"}},
		{"hleene dupont", "Hélène Dupont", people.MatchTypo, nil, nil}, // two letters swapped
		{"helen dupont", "Hélène Dupont", people.MatchPrefix, nil, nil},
		{"heléne dupnt", "Hélène Dupont", people.MatchTypo, nil, nil},    // a letter missing
		{"hellene duppont", "Hélène Dupont", people.MatchTypo, nil, nil}, // a letter too many in each word
		{"hlenee dupont", "", 0, nil, []string{"Hélène Dupont"}},         // two typos in one word: no false friend
		{"hélène dpuotn", "", 0, nil, []string{"Hélène Dupont"}},
		{"marc duponr", "Marc Dupont", people.MatchTypo, nil, []string{"Hélène Dupont"}},
		{"0612", "Hélène Dupont", people.MatchPrefix, nil, []string{"François Lefèvre"}},
		{"06 12 34 56 78", "Hélène Dupont", people.MatchExact, nil, nil},
		{"+33 6 12", "Hélène Dupont", people.MatchPrefix, nil, nil},
		{"+221 77", "Jean-Pierre N'Diaye", people.MatchPrefix, nil, nil},
		{"0033612345678", "Hélène Dupont", people.MatchExact, nil, nil},
		{"ndiaye", "Jean-Pierre N'Diaye", people.MatchExact, nil, nil},
		{"n'diaye jean pierre", "Jean-Pierre N'Diaye", people.MatchExact, nil, nil},
		{"jeanpierre", "Jean-Pierre N'Diaye", people.MatchExact, nil, nil},
		{"nguyen", "Thi Lan Nguyễn", people.MatchExact, nil, nil},
		{"ayse yilmaz", "Ayşe Yılmaz", people.MatchExact, nil, nil},
		{"lefevre francois", "François Lefèvre", people.MatchExact, nil, nil},
		{"ali", "Ali", people.MatchExact, []string{"Alix Martin"}, nil},
		{"alo", "", 0, nil, []string{"Ali"}}, // no typo forgiven in a three-letter word
		{"zzz", "", 0, nil, nil},
		{"", "", 0, nil, nil},
		{"  -- ", "", 0, nil, nil},
	}
	for _, c := range cases {
		hits := s.Search(c.query, 10)
		got := names(hits)
		if c.first != "" {
			if len(hits) == 0 || got[0] != c.first || hits[0].Match != c.match {
				t.Errorf("Search(%q) = %q (first match %v), want %q first with match %v", c.query, got, firstMatch(hits), c.first, c.match)
			}
		} else if c.includes == nil && len(hits) > 0 {
			t.Errorf("Search(%q) = %q, want nothing", c.query, got)
		}
		for _, n := range c.includes {
			if !slices.Contains(got, n) {
				t.Errorf("Search(%q) = %q, want it to include %q", c.query, got, n)
			}
		}
		for _, n := range c.excludes {
			if slices.Contains(got, n) {
				t.Errorf("Search(%q) = %q, want no %q", c.query, got, n)
			}
		}
	}
}

// FuzzSearch types anything into the search box: no panic, at most limit
// hits, best first.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"helene dupond", "hél", "0612", "+33 6 12", "n'diaye jean pierre", "\xff\xfe", "ǅ\u0301\u0301", "00", "+"} {
		f.Add(q)
	}
	db := openDB(f)
	err := db.Update(func(tx *store.Tx) error {
		for _, p := range people.Generate(5, 500) {
			if _, err := people.PutIn(tx, p, today); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	s, err := people.NewService(db, actor.System(""))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hits := s.Search(q, 7)
		if len(hits) > 7 {
			t.Fatalf("Search(%q) gave %d hits, limit 7", q, len(hits))
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Match > hits[i-1].Match {
				t.Fatalf("Search(%q): hit %d ranks a better match below a worse one", q, i)
			}
		}
	})
}

func firstMatch(hits []people.Hit) people.Match {
	if len(hits) == 0 {
		return 0
	}
	return hits[0].Match
}

func TestSearchAsYouType(t *testing.T) {
	s := searchFixture(t)
	typed := ""
	for _, r := range "hélène dupond" {
		typed += string(r)
		if strings.HasSuffix(typed, " ") {
			continue
		}
		hits := s.Search(typed, 5)
		if !slices.Contains(names(hits), "Hélène Dupont") {
			t.Errorf("Search(%q) = %q, want Hélène Dupont among them", typed, names(hits))
		}
	}
}

func TestSearchRanksAndLimits(t *testing.T) {
	s := searchFixture(t)
	hits := s.Search("hélène dupont", 10)
	if got := names(hits); len(got) < 2 || got[0] != "Hélène Dupont" || got[1] != "Hélène Dupontel" {
		t.Errorf("Search = %q, want the exact match before the prefix match", got)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Match > hits[i-1].Match {
			t.Errorf("hit %d (%v) ranks below a worse match %v", i, hits[i].Match, hits[i-1].Match)
		}
	}
	if hits := s.Search("h", 2); len(hits) != 2 {
		t.Errorf("Search(h, 2) gave %d hits, want 2", len(hits))
	}
}

// nameGen makes names from a small alphabet with accents, so that persons
// share words, prefixes and typos.
func nameGen() *rapid.Generator[string] {
	word := rapid.Custom(func(t *rapid.T) string {
		letters := []rune("abeélnoçÉ")
		n := rapid.IntRange(1, 7).Draw(t, "len")
		var b strings.Builder
		for range n {
			b.WriteRune(rapid.SampledFrom(letters).Draw(t, "letter"))
		}
		return b.String()
	})
	return rapid.Custom(func(t *rapid.T) string {
		words := rapid.SliceOfN(word, 1, 3).Draw(t, "words")
		return strings.Join(words, rapid.SampledFrom([]string{" ", "-", "'"}).Draw(t, "sep"))
	})
}

func TestSearchFindsTheExactFoldedName(t *testing.T) {
	s, _ := newService(t)
	rapid.Check(t, func(t *rapid.T) {
		p := mustRegister(t, s, people.Person{
			FirstName: nameGen().Draw(t, "first"),
			LastName:  rapid.OneOf(rapid.Just(""), nameGen()).Draw(t, "last"),
			NoPhone:   true,
		})
		q := people.Fold(p.FirstName + " " + p.LastName)
		hits := s.Search(q, 100_000)
		found := false
		for _, h := range hits {
			if h.Person.ID == p.ID {
				found = h.Match == people.MatchExact
			}
		}
		if !found {
			t.Fatalf("Search(%q) does not find %q as an exact match among %d hits", q, p.FullName(), len(hits))
		}
	})
}

// TestIndexAgreesWithTheStore runs random registrations, updates, merges
// and deletions, and checks after each that the index holds what the store
// holds and that a search finds what a scan of every person finds.
func TestIndexAgreesWithTheStore(t *testing.T) {
	s, db := newService(t)
	var ids []string
	nonEmpty := 0
	rapid.Check(t, func(t *rapid.T) {
		pick := func() string { return rapid.SampledFrom(ids).Draw(t, "id") }
		person := func() people.Person {
			p := people.Person{FirstName: nameGen().Draw(t, "first"), LastName: nameGen().Draw(t, "last"), NoPhone: true}
			if rapid.Bool().Draw(t, "phone") {
				p.Phone, p.NoPhone = fmt.Sprintf("06%08d", rapid.IntRange(0, 20).Draw(t, "number")), false
			}
			return p
		}
		for range rapid.IntRange(1, 6).Draw(t, "steps") {
			op := rapid.IntRange(0, 3).Draw(t, "op")
			if len(ids) < 2 {
				op = 0
			}
			switch op {
			case 0:
				ids = append(ids, mustRegister(t, s, person()).ID)
			case 1:
				p := person()
				p.ID = pick()
				if _, err := s.Update(p); err != nil {
					t.Fatal(err)
				}
			case 2:
				keep, remove := pick(), pick()
				if keep == remove {
					continue
				}
				if _, err := s.Merge(keep, remove); err != nil {
					t.Fatal(err)
				}
				ids = slices.DeleteFunc(ids, func(id string) bool { return id == remove })
			case 3:
				id := pick()
				if err := deletePerson(s, db, id); err != nil {
					t.Fatal(err)
				}
				ids = slices.DeleteFunc(ids, func(x string) bool { return x == id })
			}
		}
		if err := s.IndexAgrees(); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			q := rapid.OneOf(nameGen(), rapid.Custom(func(t *rapid.T) string {
				return people.Fold(nameGen().Draw(t, "a") + " " + nameGen().Draw(t, "b"))
			})).Draw(t, "query")
			want, err := s.BruteSearch(q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range s.Search(q, 1_000_000) {
				got = append(got, h.Person.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if len(want) > 0 {
				nonEmpty++
			}
			if !slices.Equal(got, want) {
				t.Fatalf("Search(%q) finds %d persons, a scan of the store %d", q, len(got), len(want))
			}
		}
	})
	if nonEmpty == 0 {
		t.Error("no random query found anyone: the comparison proved nothing")
	}
	checkStore(t, db)
}
