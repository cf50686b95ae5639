package people

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Match says how well a search hit matches: every word of the query
// matched at least this well.
type Match uint8

// How a hit matches, best last.
const (
	MatchTypo   Match = iota + 1 // a word matched with one typo
	MatchPrefix                  // a word matched as the start of a name (typing in progress)
	MatchExact                   // every word matched a whole name word
)

// Hit is one search result.
type Hit struct {
	Person Person
	Match  Match
}

// maxQueryWords bounds the work of a pasted paragraph.
const maxQueryWords = 6

// minTypoLength is the shortest query word forgiven a typo: below it, one
// typo turns « ali » into half the register.
const minTypoLength = 4

// entry is one person in the index.
type entry struct {
	person         Person
	terms          []int32 // ids of the person's name tokens
	intl, national string  // phone digits
	sortKey        string  // folded "last first", for the order of equal hits
	live           bool
}

// index is the in-memory search index: name tokens to people, the tokens
// sorted for prefixes, and each token's one-deletion variants for typos.
// It is not safe for concurrent use; Service guards it.
type index struct {
	entries  []entry
	slots    map[string]int32 // person id → entry
	free     []int32
	termIDs  map[string]int32
	terms    []string           // by term id
	postings [][]int32          // term id → entry slots
	sorted   []int32            // term ids in term order, for prefix ranges
	dels     map[string][]int32 // a term with one rune removed → term ids
}

func newIndex() *index {
	return &index{slots: map[string]int32{}, termIDs: map[string]int32{}, dels: map[string][]int32{}}
}

func (ix *index) len() int { return len(ix.slots) }

// term returns the id of token t, adding it if new.
func (ix *index) term(t string) int32 {
	if id, ok := ix.termIDs[t]; ok {
		return id
	}
	id := int32(len(ix.terms))
	ix.termIDs[t] = id
	ix.terms = append(ix.terms, t)
	ix.postings = append(ix.postings, nil)
	pos, _ := slices.BinarySearchFunc(ix.sorted, t, func(a int32, t string) int { return strings.Compare(ix.terms[a], t) })
	ix.sorted = slices.Insert(ix.sorted, pos, id)
	if utf8.RuneCountInString(t) >= minTypoLength {
		for _, d := range deletions(t) {
			ix.dels[d] = append(ix.dels[d], id)
		}
	}
	return id
}

// put adds or replaces a person.
func (ix *index) put(p Person) {
	ix.remove(p.ID)
	e := entry{person: p, live: true}
	first, last := fold(p.FirstName), fold(p.LastName)
	for _, t := range foldedTokens(first, last) {
		e.terms = append(e.terms, ix.term(t))
	}
	e.intl, e.national = phoneDigits(p.Phone)
	e.sortKey = last + " " + first
	var slot int32
	if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
		ix.entries[slot] = e
	} else {
		slot = int32(len(ix.entries))
		ix.entries = append(ix.entries, e)
	}
	ix.slots[p.ID] = slot
	for _, t := range e.terms {
		ix.postings[t] = append(ix.postings[t], slot)
	}
}

// remove drops a person; a missing one is ignored.
func (ix *index) remove(id string) {
	slot, ok := ix.slots[id]
	if !ok {
		return
	}
	for _, t := range ix.entries[slot].terms {
		ps := ix.postings[t]
		if i := slices.Index(ps, slot); i >= 0 {
			ps[i] = ps[len(ps)-1]
			ix.postings[t] = ps[:len(ps)-1]
		}
	}
	ix.entries[slot] = entry{}
	delete(ix.slots, id)
	ix.free = append(ix.free, slot)
}

// get returns the indexed person id.
func (ix *index) get(id string) (Person, bool) {
	slot, ok := ix.slots[id]
	if !ok {
		return Person{}, false
	}
	return ix.entries[slot].person, true
}

// candidates returns, for one query word, the terms it matches and how.
func (ix *index) candidates(w string) map[int32]Match {
	c := map[int32]Match{}
	better := func(t int32, m Match) {
		if c[t] < m {
			c[t] = m
		}
	}
	if id, ok := ix.termIDs[w]; ok {
		c[id] = MatchExact
	}
	lo, _ := slices.BinarySearchFunc(ix.sorted, w, func(a int32, w string) int { return strings.Compare(ix.terms[a], w) })
	for _, id := range ix.sorted[lo:] {
		if !strings.HasPrefix(ix.terms[id], w) {
			break
		}
		better(id, MatchPrefix)
	}
	if utf8.RuneCountInString(w) < minTypoLength {
		return c
	}
	try := func(id int32) {
		if oneTypo(w, ix.terms[id]) {
			better(id, MatchTypo)
		}
	}
	for _, id := range ix.dels[w] { // a letter missing from the query
		try(id)
	}
	for _, d := range deletions(w) {
		if id, ok := ix.termIDs[d]; ok { // a letter too many
			try(id)
		}
		for _, id := range ix.dels[d] { // a letter replaced, or two swapped
			try(id)
		}
	}
	return c
}

// search returns the best hits for a query typed at the desk: name words
// in any order, or phone digits.
func (ix *index) search(q string, limit int) []Hit {
	if limit <= 0 {
		limit = 20
	}
	top := topHits{limit: limit, ix: ix}
	if digits, intl := queryDigits(q); digits != "" {
		ix.searchPhone(digits, intl, &top)
		return top.result()
	}
	words := strings.Fields(fold(q))
	if len(words) == 0 {
		return nil
	}
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	cands := make([]map[int32]Match, len(words))
	driver, driverSize := -1, 0
	for i, w := range words {
		cands[i] = ix.candidates(w)
		size := 0
		for t := range cands[i] {
			size += len(ix.postings[t])
		}
		if size == 0 {
			return nil
		}
		if driver < 0 || size < driverSize {
			driver, driverSize = i, size
		}
	}
	// Walk the driver word's terms best match first, so the first time a
	// person is seen is with the driver's best match for them.
	type termMatch struct {
		term  int32
		match Match
	}
	order := make([]termMatch, 0, len(cands[driver]))
	for t, m := range cands[driver] {
		order = append(order, termMatch{t, m})
	}
	slices.SortFunc(order, func(a, b termMatch) int { return int(b.match) - int(a.match) })
	seen := make([]uint64, (len(ix.entries)+63)/64)
	for _, tm := range order {
		for _, slot := range ix.postings[tm.term] {
			if seen[slot/64]&(1<<(slot%64)) != 0 {
				continue
			}
			seen[slot/64] |= 1 << (slot % 64)
			terms := ix.entries[slot].terms
			worst, sum := tm.match, int(tm.match)
			for i, c := range cands {
				if i == driver {
					continue
				}
				best := Match(0)
				for _, t := range terms {
					if m := c[t]; m > best {
						best = m
					}
				}
				if best == 0 {
					worst = 0
					break
				}
				worst = min(worst, best)
				sum += int(best)
			}
			if worst != 0 {
				top.offer(slot, worst, sum)
			}
		}
	}
	return top.result()
}

func (ix *index) searchPhone(digits string, intl bool, top *topHits) {
	for slot := range ix.entries {
		e := &ix.entries[slot]
		if !e.live || e.intl == "" {
			continue
		}
		switch {
		case e.intl == digits || (!intl && e.national == digits):
			top.offer(int32(slot), MatchExact, 0)
		case strings.HasPrefix(e.intl, digits) || (!intl && e.national != "" && strings.HasPrefix(e.national, digits)):
			top.offer(int32(slot), MatchPrefix, 0)
		}
	}
}

// topHits keeps the best hits seen, best first: worst word match, then
// the sum of word matches, then by last and first name.
type topHits struct {
	limit int
	ix    *index
	hits  []scored
}

type scored struct {
	slot  int32
	match Match
	sum   int
}

func (t *topHits) less(a, b scored) bool { // a ranks before b
	if a.match != b.match {
		return a.match > b.match
	}
	if a.sum != b.sum {
		return a.sum > b.sum
	}
	ea, eb := &t.ix.entries[a.slot], &t.ix.entries[b.slot]
	if ea.sortKey != eb.sortKey {
		return ea.sortKey < eb.sortKey
	}
	return ea.person.ID < eb.person.ID
}

func (t *topHits) offer(slot int32, m Match, sum int) {
	s := scored{slot, m, sum}
	if len(t.hits) == t.limit && !t.less(s, t.hits[len(t.hits)-1]) {
		return
	}
	i := len(t.hits)
	for i > 0 && t.less(s, t.hits[i-1]) {
		i--
	}
	t.hits = slices.Insert(t.hits, i, s)
	if len(t.hits) > t.limit {
		t.hits = t.hits[:t.limit]
	}
}

func (t *topHits) result() []Hit {
	if len(t.hits) == 0 {
		return nil
	}
	out := make([]Hit, len(t.hits))
	for i, s := range t.hits {
		out[i] = Hit{Person: t.ix.entries[s.slot].person, Match: s.match}
	}
	return out
}
