package guides

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"relais/appointments"
)

// Hit is one search result.
type Hit struct {
	ID    string
	Title string
	// Step is the step that holds the most words of the query, -1 when the
	// title (or the organisation, the procedures, the introduction) does.
	Step int
	// Snippet is a few words around the first match in that step, or the title.
	Snippet string
}

// maxQueryWords bounds the work of a pasted paragraph.
const maxQueryWords = 8

// Locations of a guide's text in the index: its title, its other
// descriptions, then each step.
const (
	locTitle = 0
	locMeta  = 1
	locStep0 = 2
)

type posting struct {
	doc int32
	loc int32
}

// doc is one guide in the index.
type doc struct {
	sum    Summary
	key    string    // folded title, then id: the order of lists and of equal hits
	seq    uint64    // the store sequence of the indexed version
	texts  []string  // plain text of each location
	tokens [][]token // the words of each text
	terms  []int32   // the guide's distinct terms, to remove it
}

// index is the in-memory search index: folded words to the places of the
// guides that hold them, and the words sorted for prefixes. It is not safe
// for concurrent use; Library guards it.
type index struct {
	docs     []*doc
	slots    map[string]int32 // guide id → docs
	free     []int32
	termIDs  map[string]int32
	terms    []string
	sorted   []int32     // term ids in term order, for prefix ranges
	postings [][]posting // term id → places, by doc then location
}

func newIndex() *index {
	return &index{slots: map[string]int32{}, termIDs: map[string]int32{}}
}

func (ix *index) sequence(id string) uint64 {
	if s, ok := ix.slots[id]; ok {
		return ix.docs[s].seq
	}
	return 0
}

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
	return id
}

// put indexes g, replacing its previous version.
func (ix *index) put(g Guide, edited bool, seq uint64) {
	ix.remove(g.ID)
	d := &doc{sum: summaryOf(g, edited), key: fold(g.Title) + "\x00" + g.ID, seq: seq, texts: guideTexts(g)}
	d.tokens = make([][]token, len(d.texts))
	var slot int32
	if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
		ix.docs[slot] = d
	} else {
		slot = int32(len(ix.docs))
		ix.docs = append(ix.docs, d)
	}
	ix.slots[g.ID] = slot
	seen := map[int32]bool{}
	for loc, t := range d.texts {
		inLoc := map[int32]bool{}
		for _, tk := range tokenize(t) {
			id := ix.term(tk.word)
			d.tokens[loc] = append(d.tokens[loc], token{start: tk.start, end: tk.end, term: id})
			if inLoc[id] {
				continue
			}
			inLoc[id] = true
			ix.postings[id] = append(ix.postings[id], posting{doc: slot, loc: int32(loc)})
			if !seen[id] {
				seen[id] = true
				d.terms = append(d.terms, id)
			}
		}
	}
}

// remove takes guide id out of the index. Terms stay, with no postings.
func (ix *index) remove(id string) {
	slot, ok := ix.slots[id]
	if !ok {
		return
	}
	for _, t := range ix.docs[slot].terms {
		ix.postings[t] = slices.DeleteFunc(ix.postings[t], func(p posting) bool { return p.doc == slot })
	}
	ix.docs[slot] = nil
	ix.free = append(ix.free, slot)
	delete(ix.slots, id)
}

func (ix *index) summaries(keep func(Summary) bool) []Summary {
	var ds []*doc
	for _, d := range ix.docs {
		if d != nil && keep(d.sum) {
			ds = append(ds, d)
		}
	}
	slices.SortFunc(ds, func(a, b *doc) int { return strings.Compare(a.key, b.key) })
	out := make([]Summary, len(ds))
	for i, d := range ds {
		out[i] = d.sum
	}
	return out
}

// matching returns the terms a query word matches: itself, or every term
// it starts when prefix is set.
func (ix *index) matching(w string, prefix bool) []int32 {
	if !prefix {
		if id, ok := ix.termIDs[w]; ok {
			return []int32{id}
		}
		return nil
	}
	lo, _ := slices.BinarySearchFunc(ix.sorted, w, func(a int32, w string) int { return strings.Compare(ix.terms[a], w) })
	hi := lo
	for hi < len(ix.sorted) && strings.HasPrefix(ix.terms[ix.sorted[hi]], w) {
		hi++
	}
	return ix.sorted[lo:hi]
}

func (ix *index) search(query string, limit int) []Hit {
	qw := words(query)
	if len(qw) == 0 || limit <= 0 {
		return nil
	}
	if len(qw) > maxQueryWords {
		qw = append(qw[:maxQueryWords-1], qw[len(qw)-1])
	}
	matched := make([][]int32, len(qw))
	for i, w := range qw {
		matched[i] = ix.matching(w, i == len(qw)-1)
		if len(matched[i]) == 0 {
			return nil
		}
	}
	all := uint64(1)<<len(qw) - 1
	// Which words each guide holds anywhere, then where, for those that hold them all.
	found := make([]uint64, len(ix.docs))
	for i, terms := range matched {
		for _, t := range terms {
			for _, p := range ix.postings[t] {
				found[p.doc] |= 1 << i
			}
		}
	}
	places := make([][]uint64, len(ix.docs)) // by slot, for the guides that hold every word
	candidates := 0
	for slot, m := range found {
		if m == all {
			places[slot] = make([]uint64, len(ix.docs[slot].texts))
			candidates++
		}
	}
	if candidates == 0 {
		return nil
	}
	for i, terms := range matched {
		for _, t := range terms {
			for _, p := range ix.postings[t] {
				if locs := places[p.doc]; locs != nil {
					locs[p.loc] |= 1 << i
				}
			}
		}
	}
	type ranked struct {
		slot       int32
		titleAll   bool
		best, most int
	}
	rs := make([]ranked, 0, candidates)
	for slot, locs := range places {
		if locs == nil {
			continue
		}
		r := ranked{slot: int32(slot), titleAll: locs[locTitle] == all, best: locTitle}
		for loc, m := range locs {
			if n := bits.OnesCount64(m); n > r.most {
				r.best, r.most = loc, n
			}
		}
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.titleAll != b.titleAll {
			if a.titleAll {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.most, a.most), strings.Compare(ix.docs[a.slot].key, ix.docs[b.slot].key))
	})
	if len(rs) > limit {
		rs = rs[:limit]
	}
	hits := make([]Hit, len(rs))
	for i, r := range rs {
		d := ix.docs[r.slot]
		h := Hit{ID: d.sum.ID, Title: d.sum.Title, Step: -1}
		loc := r.best
		if loc >= locStep0 {
			h.Step = loc - locStep0
		}
		h.Snippet = ix.snippet(d.texts[loc], d.tokens[loc], qw)
		hits[i] = h
	}
	return hits
}

// Snippet bounds, in words around the first match.
const (
	snippetBefore = 5
	snippetAfter  = 12
)

// token is a word of a location's text: where it is, and its term.
type token struct {
	start, end int32
	term       int32
}

type word struct {
	start, end int32
	word       string // folded
}

// tokenize cuts s into words (letters and digits), folded as search compares them.
func tokenize(s string) []word {
	var out []word
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if f := fold(s[start:end]); f != "" {
			out = append(out, word{start: int32(start), end: int32(end), word: f})
		}
		start = -1
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
		} else {
			flush(i)
		}
	}
	flush(len(s))
	return out
}

// snippet returns the words of s around the first one matching the query
// (the last query word as a prefix), with « … » where it cuts.
func (ix *index) snippet(s string, ts []token, qw []string) string {
	if len(ts) == 0 {
		return s
	}
	at := 0
	found := false
	for k, t := range ts {
		term := ix.terms[t.term]
		for i, q := range qw {
			if term == q || (i == len(qw)-1 && strings.HasPrefix(term, q)) {
				at, found = k, true
				break
			}
		}
		if found {
			break
		}
	}
	from, to := max(at-snippetBefore, 0), min(at+snippetAfter, len(ts)-1)
	out := s[ts[from].start:ts[to].end]
	if from > 0 {
		out = "… " + out
	}
	if to < len(ts)-1 {
		out += " …"
	}
	return out
}

// guideTexts returns the plain text of a guide's locations.
func guideTexts(g Guide) []string {
	meta := []string{g.Organisation}
	for _, code := range g.Procedures {
		meta = append(meta, code)
		if p, err := appointments.FindProcedure(code); err == nil {
			meta = append(meta, p.Title, p.Organisation)
		}
	}
	meta = append(meta, markdownText(g.Intro))
	texts := []string{g.Title, strings.Join(meta, " · ")}
	for _, st := range g.Steps {
		parts := []string{st.Title, markdownText(st.Body)}
		for _, it := range slices.Concat(st.Prepare, st.Pitfalls) {
			parts = append(parts, markdownText(it))
		}
		for _, f := range st.Fields {
			parts = append(parts, markdownText(f[0]), markdownText(f[1]))
		}
		for _, img := range st.Images {
			parts = append(parts, img.Alt)
		}
		texts = append(texts, strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " · "))
	}
	return texts
}

// markdownText returns the words of Markdown source without its markup,
// for the index and the snippets.
func markdownText(src string) string {
	if src == "" {
		return ""
	}
	if !strings.ContainsAny(src, "*_`[]<>&\\#|!~-+=0123456789") {
		return strings.Join(strings.Fields(src), " ")
	}
	b := []byte(src)
	doc := markdown.Parser().Parse(text.NewReader(b))
	var out []byte
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && len(out) > 0 {
				out = append(out, ' ')
			}
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			if _, code := t.Parent().(*ast.CodeSpan); code || t.IsRaw() {
				out = append(out, t.Segment.Value(b)...)
			} else {
				out = appendResolved(out, t.Segment.Value(b))
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				out = append(out, ' ')
			}
		case *ast.String:
			out = append(out, t.Value...)
		case *ast.AutoLink:
			out = append(out, t.Label(b)...)
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				out = append(out, seg.Value(b)...)
			}
		case *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(string(out)), " ")
}
