package people

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"relais/store"
)

// Fold is fold, for the external tests.
var Fold = fold

// IndexAgrees compares the search index with a scan of the store: the same
// persons, the same fields, and postings that hold exactly each person's tokens.
func (s *Service) IndexAgrees() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	want := map[string]Person{}
	err := store.NewCollection[Person](s.db, Kind).All(func(id string, p Person) error {
		p.ID = id
		want[id] = p
		return nil
	})
	if err != nil {
		return err
	}
	if len(want) != len(s.ix.slots) {
		return fmt.Errorf("index holds %d persons, store %d", len(s.ix.slots), len(want))
	}
	postings := 0
	for id, p := range want {
		slot, ok := s.ix.slots[id]
		if !ok {
			return fmt.Errorf("%s is in the store, not in the index", id)
		}
		e := s.ix.entries[slot]
		a, _ := json.Marshal(e.person)
		b, _ := json.Marshal(p)
		if string(a) != string(b) || e.person.ID != id {
			return fmt.Errorf("%s: index has %s, store %s", id, a, b)
		}
		var terms []string
		for _, t := range e.terms {
			terms = append(terms, s.ix.terms[t])
			if !slices.Contains(s.ix.postings[t], slot) {
				return fmt.Errorf("%s: term %q has no posting", id, s.ix.terms[t])
			}
		}
		if !slices.Equal(terms, nameTokens(p)) {
			return fmt.Errorf("%s: index terms %q, want %q", id, terms, nameTokens(p))
		}
		postings += len(terms)
	}
	n := 0
	for _, ps := range s.ix.postings {
		n += len(ps)
	}
	if n != postings {
		return fmt.Errorf("index has %d postings, want %d", n, postings)
	}
	return nil
}

// BruteSearch returns the ids of the persons of the store a name query
// matches, by testing every person against the rules of Search.
func (s *Service) BruteSearch(q string) ([]string, error) {
	words := strings.Fields(fold(q))
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	var ids []string
	err := store.NewCollection[Person](s.db, Kind).All(func(id string, p Person) error {
		if len(words) == 0 {
			return nil
		}
		for _, w := range words {
			ok := false
			for _, t := range nameTokens(p) {
				if strings.HasPrefix(t, w) || (utf8.RuneCountInString(w) >= minTypoLength && oneTypo(w, t)) {
					ok = true
				}
			}
			if !ok {
				return nil
			}
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}
