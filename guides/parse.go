package guides

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"

	"relais/appointments"
	"relais/problem"
)

// Limits of a guide file.
const (
	// MaxSize bounds a guide file. Guides are a few dozen kilobytes; the
	// bound keeps the stored record (the source, in JSON) under the store's
	// record size, and a pasted 5 MB document out.
	MaxSize = 512 << 10
	// MaxTitle bounds the guide's and the steps' titles, in characters.
	MaxTitle = 120
	// MaxDuration bounds the estimated duration, in minutes.
	MaxDuration = 480
	maxText     = 120 // organisation, author
	maxSite     = 300
)

// Layout of a guide, as FORMAT.md gives it.
const (
	prepareHeading  = "À avoir sous la main"
	pitfallsHeading = "Attention"
	fieldsHeader    = "| Champ | Ce qu'il faut saisir |\n|---|---|\n"
)

var (
	// Guide ids name store records (guide_version "<id>-v<N>" must stay
	// within the store's 64 characters), hence 48 at most.
	idPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,47}$`)
	imagePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(?i:png|jpe?g)$`)
	yamlLine     = regexp.MustCompile(`line (\d+)`)
)

// maxImageName bounds an image file name.
const maxImageName = 100

// headerKeys are the front matter's keys, in the order Format writes them.
var headerKeys = []string{"id", "title", "procedures", "organisation", "site", "version", "reviewed", "author", "duration"}

var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

var procedureCodes = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, p := range appointments.Catalogue() {
		m[p.Code] = true
	}
	return m
})

// Parse reads a guide file; name is the file's name, for the messages. An
// error is always a *ParseError naming the line and the problem.
func Parse(name string, src []byte) (Guide, error) {
	if len(src) > MaxSize {
		return Guide{}, parseError(name, 0, ErrTooLarge, "max", MaxSize>>10, "size", len(src)>>10)
	}
	src = normaliseNewlines(src)
	if line := badCharacterLine(src); line > 0 {
		return Guide{}, parseError(name, line, ErrBadCharacter)
	}
	p := &parser{file: name}
	g, err := p.parse(src)
	if err != nil {
		return Guide{}, err
	}
	if err := p.stable(g, src); err != nil {
		return Guide{}, err
	}
	return g, nil
}

// stable checks that g reads back the same once written by Format: the
// editor saves what it shows. Markdown has corners (a table glued under a
// paragraph, a line of dashes under text) where blocks that Format
// separates with a blank line read otherwise; such a file is refused at
// the first part that changes, rather than saved as something else.
func (p *parser) stable(g Guide, src []byte) error {
	back, err := (&parser{file: p.file}).parse(Format(g))
	line, step := 0, -1
	switch {
	case err != nil:
		// Format wrote something its parser refuses: blame the first step.
		line, step = g.Steps[0].Line, 0
	case back.Intro != g.Intro || len(back.Steps) != len(g.Steps):
		line = firstBodyLine(src)
	default:
		for i := range g.Steps {
			a, b := g.Steps[i], back.Steps[i]
			a.Line, b.Line = 0, 0
			if !equalSteps(a, b) {
				line, step = g.Steps[i].Line, i
				break
			}
		}
		if line == 0 {
			return nil
		}
	}
	return inStep(parseError(p.file, line, ErrAmbiguous), step)
}

// firstBodyLine returns the line after the front matter.
func firstBodyLine(src []byte) int {
	n := 0
	for i, line := 0, 1; i < len(src); line++ {
		end := bytes.IndexByte(src[i:], '\n')
		if end < 0 {
			break
		}
		if l := strings.TrimRight(string(src[i:i+end]), " \t"); line > 1 && (l == "---" || l == "...") {
			return line + 1
		}
		i += end + 1
		n = line
	}
	return n + 1
}

func equalSteps(a, b Step) bool {
	return a.Title == b.Title && a.Body == b.Body && slices.Equal(a.Prepare, b.Prepare) &&
		slices.Equal(a.Pitfalls, b.Pitfalls) && slices.Equal(a.Images, b.Images) && slices.Equal(a.Fields, b.Fields)
}

// normaliseNewlines drops a byte order mark and turns Windows and old Mac
// line ends into "\n": guides are written in Notepad too.
func normaliseNewlines(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
}

// badCharacterLine returns the line of the first byte that is not UTF-8
// text (invalid UTF-8, a control character other than tab), or 0.
func badCharacterLine(src []byte) int {
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == '\n':
			line++
		case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t', r == 0x7f, r == 0xfeff:
			return line
		}
		i += size
	}
	return 0
}

type parser struct {
	file string
}

func (p *parser) parse(src []byte) (Guide, error) {
	// The front matter: a first line "---", YAML, a line "---".
	firstEnd := bytes.IndexByte(src, '\n')
	if firstEnd < 0 || strings.TrimRight(string(src[:firstEnd]), " \t") != "---" {
		return Guide{}, parseError(p.file, 1, ErrNoFrontMatter)
	}
	headerStart := firstEnd + 1
	closeAt, bodyStart, closeLine := -1, len(src), 0
	line := 2
	for i := headerStart; i < len(src); line++ {
		end := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if end >= 0 {
			next = i + end + 1
		} else {
			end = len(src) - i
		}
		if s := strings.TrimRight(string(src[i:i+end]), " \t"); s == "---" || s == "..." {
			closeAt, bodyStart, closeLine = i, next, line
			break
		}
		i = next
	}
	if closeAt < 0 {
		return Guide{}, parseError(p.file, 1, ErrFrontMatterNotClosed)
	}
	g, err := p.header(src[headerStart:closeAt])
	if err != nil {
		return Guide{}, err
	}
	if err := p.body(&g, newSource(src[bodyStart:], closeLine+1)); err != nil {
		return Guide{}, err
	}
	return g, nil
}

// header reads the front matter; its first line is the file's line 2.
func (p *parser) header(yml []byte) (Guide, error) {
	const offset = 1 // header line 1 is file line 2
	var root yaml.Node
	if err := yaml.Unmarshal(yml, &root); err != nil {
		return Guide{}, parseError(p.file, yamlErrorLine(err)+offset, ErrBadFrontMatter)
	}
	fields := map[string]*yaml.Node{}
	keyLine := map[string]int{}
	if len(root.Content) > 0 {
		m := root.Content[0]
		if m.Kind != yaml.MappingNode {
			return Guide{}, parseError(p.file, m.Line+offset, ErrBadFrontMatter)
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return Guide{}, parseError(p.file, k.Line+offset, ErrBadFrontMatter)
			}
			if !slices.Contains(headerKeys, k.Value) {
				return Guide{}, parseError(p.file, k.Line+offset, ErrUnknownField, "field", k.Value, "fields", strings.Join(headerKeys, ", "))
			}
			if _, ok := fields[k.Value]; ok {
				return Guide{}, parseError(p.file, k.Line+offset, ErrDuplicateField, "field", k.Value)
			}
			fields[k.Value] = v
			keyLine[k.Value] = k.Line + offset
		}
	}
	// text returns a field's single-line text, or an error.
	text := func(key string, max int) (string, int, error) {
		v, ok := fields[key]
		if !ok || (v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || strings.TrimSpace(v.Value) == "")) {
			line := 1
			if ok {
				line = keyLine[key]
			}
			return "", line, parseError(p.file, line, ErrMissingField, "field", key)
		}
		line := v.Line + offset
		if v.Kind != yaml.ScalarNode || strings.ContainsAny(v.Value, "\n\u0085\u2028\u2029") {
			return "", line, parseError(p.file, line, ErrNotText, "field", key)
		}
		s := strings.TrimSpace(v.Value)
		if max > 0 && utf8.RuneCountInString(s) > max {
			return "", line, parseError(p.file, line, ErrTooLong, "field", key, "max", max)
		}
		return s, line, nil
	}
	number := func(key string, bad *problem.Problem, lo, hi int) (int, error) {
		s, line, err := text(key, 0)
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, parseError(p.file, line, bad, "value", s, "max", hi)
		}
		return n, nil
	}
	var g Guide
	var err error
	var line int
	if g.ID, line, err = text("id", 0); err != nil {
		return g, err
	}
	if !idPattern.MatchString(g.ID) {
		return g, parseError(p.file, line, ErrBadID, "id", g.ID)
	}
	if g.Title, _, err = text("title", MaxTitle); err != nil {
		return g, err
	}
	if g.Procedures, err = p.procedures(fields["procedures"], keyLine["procedures"]); err != nil {
		return g, err
	}
	if g.Organisation, _, err = text("organisation", maxText); err != nil {
		return g, err
	}
	if g.Site, line, err = text("site", 0); err != nil {
		return g, err
	}
	if !validSite(g.Site) {
		return g, parseError(p.file, line, ErrBadSite, "site", g.Site)
	}
	if g.Version, err = number("version", ErrBadVersion, 1, 1<<30); err != nil {
		return g, err
	}
	reviewed, line, err := text("reviewed", 0)
	if err != nil {
		return g, err
	}
	if g.Reviewed, err = time.Parse(time.DateOnly, reviewed); err != nil {
		return g, parseError(p.file, line, ErrBadDate, "date", reviewed)
	}
	if g.Author, _, err = text("author", maxText); err != nil {
		return g, err
	}
	if g.Duration, err = number("duration", ErrBadDuration, 1, MaxDuration); err != nil {
		return g, err
	}
	return g, nil
}

// yamlParserProblems are the messages of yaml.v3's parser (not its
// scanner), whose line numbers count from 0.
var yamlParserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "did not find expected '-' indicator",
	"did not find expected <document start>", "did not find expected key", "did not find expected node content",
	"found duplicate %TAG directive", "found duplicate %YAML directive", "found incompatible YAML document",
	"found undefined tag handle",
}

// yamlErrorLine returns the header line (from 1) a yaml.v3 error points at.
func yamlErrorLine(err error) int {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 1
	}
	n, _ := strconv.Atoi(m[1])
	for _, p := range yamlParserProblems {
		if strings.HasSuffix(err.Error(), p) {
			return n + 1
		}
	}
	return max(n, 1)
}

// procedures reads the list of procedure codes; a single code is a list of one.
func (p *parser) procedures(v *yaml.Node, keyLine int) ([]string, error) {
	if v == nil {
		return nil, parseError(p.file, 1, ErrMissingField, "field", "procedures")
	}
	items := []*yaml.Node{v}
	switch v.Kind {
	case yaml.SequenceNode:
		items = v.Content
	case yaml.ScalarNode:
		if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
			items = nil
		}
	default:
		return nil, parseError(p.file, v.Line+1, ErrBadProcedures)
	}
	var codes []string
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
			return nil, parseError(p.file, it.Line+1, ErrBadProcedures)
		}
		code := strings.TrimSpace(it.Value)
		if !procedureCodes()[code] {
			return nil, parseError(p.file, it.Line+1, ErrUnknownProcedure, "code", code)
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return nil, parseError(p.file, keyLine, ErrMissingField, "field", "procedures")
	}
	return codes, nil
}

// validSite accepts an https address of a named host.
func validSite(s string) bool {
	if len(s) > maxSite || strings.ContainsAny(s, " \t\"<>\\") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Hostname() != ""
}

// source is the Markdown after the front matter, with its line starts.
type source struct {
	b      []byte
	first  int   // the file's line number of b's first line
	starts []int // offset of each line
}

func newSource(b []byte, first int) *source {
	s := &source{b: b, first: first, starts: []int{0}}
	for i, c := range b {
		if c == '\n' && i+1 < len(b) {
			s.starts = append(s.starts, i+1)
		}
	}
	return s
}

// lines returns the number of lines.
func (s *source) lines() int { return len(s.starts) }

// lineAt returns the index of the line holding offset off.
func (s *source) lineAt(off int) int {
	i, found := slices.BinarySearch(s.starts, off)
	if !found {
		i--
	}
	return max(i, 0)
}

// fileLine returns the file's line number of line index i.
func (s *source) fileLine(i int) int { return s.first + i }

// lineEnd returns the offset of line i's newline (or of the end).
func (s *source) lineEnd(i int) int {
	if i+1 < len(s.starts) {
		return s.starts[i+1] - 1
	}
	if n := len(s.b); n > 0 && s.b[n-1] == '\n' {
		return n - 1
	}
	return len(s.b)
}

// line returns line i without its newline.
func (s *source) line(i int) string { return string(s.b[s.starts[i]:s.lineEnd(i)]) }

// text returns lines [from, to) without the blank lines at either end.
func (s *source) text(from, to int) string {
	for from < to && strings.TrimSpace(s.line(from)) == "" {
		from++
	}
	for to > from && strings.TrimSpace(s.line(to-1)) == "" {
		to--
	}
	if from >= to {
		return ""
	}
	return string(s.b[s.starts[from]:s.lineEnd(to-1)])
}

// joined returns the text from offset off to the end of line to-1 as one
// line: each line trimmed, the blank ones dropped. It is how a list item
// becomes one « Attention » or « À avoir sous la main » entry.
func (s *source) joined(off, to int) string {
	from := s.lineAt(off)
	var parts []string
	for i := from; i < to; i++ {
		l := s.line(i)
		if i == from {
			l = string(s.b[min(off, s.lineEnd(i)):s.lineEnd(i)])
		}
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// block is a top-level Markdown block and the lines it spans, up to the next one.
type block struct {
	node     ast.Node
	from, to int // line indexes
}

// startOf returns the offset where n starts in the source, or -1.
func startOf(n ast.Node) int {
	if t, ok := n.(*extast.Table); ok && t.FirstChild() != nil && t.FirstChild().Pos() >= 0 {
		// A table cut from a paragraph keeps the paragraph's position.
		return t.FirstChild().Pos()
	}
	if pos := n.Pos(); pos >= 0 {
		return pos
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := startOf(c); s >= 0 {
			return s
		}
	}
	return -1
}

type section int

const (
	inBody section = iota
	inPrepare
	inPitfalls
)

// body reads the introduction and the steps into g.
func (p *parser) body(g *Guide, s *source) error {
	doc := markdown.Parser().Parse(text.NewReader(s.b))
	var blocks []block
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		from := 0
		if off := startOf(n); off >= 0 {
			from = s.lineAt(off)
		}
		if len(blocks) > 0 {
			if from < blocks[len(blocks)-1].from {
				// goldmark moved a block before another (a table cut from a
				// paragraph that a setext underline turned into a heading):
				// the text reads two ways.
				return parseError(p.file, s.fileLine(from), ErrAmbiguous)
			}
			blocks[len(blocks)-1].to = from
		}
		blocks = append(blocks, block{node: n, from: from, to: s.lines()})
	}
	var intro []string
	if len(blocks) > 0 && blocks[0].from > 0 {
		// Lines before the first block (link definitions) belong to the introduction.
		if t := s.text(0, blocks[0].from); t != "" {
			intro = append(intro, t)
		}
	}
	var (
		cur   *Step
		body  []string
		where = inBody
	)
	finish := func() error {
		if cur == nil {
			return nil
		}
		cur.Body = strings.Join(body, "\n\n")
		if cur.Body == "" && len(cur.Prepare) == 0 && len(cur.Pitfalls) == 0 && len(cur.Images) == 0 && len(cur.Fields) == 0 {
			return inStep(parseError(p.file, cur.Line, ErrEmptyStep, "step", cur.Title), len(g.Steps))
		}
		g.Steps = append(g.Steps, *cur)
		return nil
	}
	for _, b := range blocks {
		line := s.fileLine(b.from)
		if h, ok := b.node.(*ast.Heading); ok && (h.Level == 2 || (cur != nil && h.Level == 3)) {
			title := plainText(h, s.b)
			rest := s.text(min(headingEnd(h, b, s), b.to), b.to)
			if h.Level == 2 {
				if err := finish(); err != nil {
					return err
				}
				if title == "" {
					return inStep(parseError(p.file, line, ErrNoStepTitle), len(g.Steps))
				}
				if utf8.RuneCountInString(title) > MaxTitle {
					return inStep(parseError(p.file, line, ErrStepTitleTooLong, "max", MaxTitle), len(g.Steps))
				}
				cur, body, where = &Step{Title: title, Line: line}, nil, inBody
				if rest != "" {
					body = append(body, rest)
				}
				continue
			}
			if sec := specialSection(title); sec != inBody {
				where = sec
				if rest != "" {
					body = append(body, rest)
				}
				continue
			}
		}
		if _, ok := b.node.(*ast.Heading); ok {
			where = inBody // any other heading ends « Attention » and « À avoir sous la main »
		}
		if cur == nil {
			if img := firstImage(b.node); img != nil {
				return parseError(p.file, s.fileLine(s.lineAt(startOf(img))), ErrImageInText, "image", string(img.Destination))
			}
			if t := s.text(b.from, b.to); t != "" {
				intro = append(intro, t)
			}
			continue
		}
		if imgs, ok := imageParagraph(b.node, s.b); ok {
			for _, img := range imgs {
				file := string(img.Destination)
				if !validImageName(file) {
					return inStep(parseError(p.file, s.fileLine(s.lineAt(startOf(img))), ErrBadImage, "image", file), len(g.Steps))
				}
				cur.Images = append(cur.Images, Image{Alt: plainText(img, s.b), File: file})
			}
			continue
		}
		if t, ok := b.node.(*extast.Table); ok {
			rows, err := p.fields(t, s, line)
			if err != nil {
				return inStep(err, len(g.Steps))
			}
			cur.Fields = append(cur.Fields, rows...)
			continue
		}
		if img := firstImage(b.node); img != nil {
			return inStep(parseError(p.file, s.fileLine(s.lineAt(startOf(img))), ErrImageInText, "image", string(img.Destination)), len(g.Steps))
		}
		switch where {
		case inPrepare:
			cur.Prepare = append(cur.Prepare, items(b, s)...)
		case inPitfalls:
			cur.Pitfalls = append(cur.Pitfalls, items(b, s)...)
		default:
			if t := s.text(b.from, b.to); t != "" {
				body = append(body, t)
			}
		}
	}
	if len(blocks) > 0 {
		if line, ok := unclosed(blocks[len(blocks)-1], s); ok {
			err := parseError(p.file, s.fileLine(line), ErrUnclosedBlock)
			if cur != nil {
				err.Step = len(g.Steps)
			}
			return err
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if len(g.Steps) == 0 {
		return parseError(p.file, s.fileLine(s.lines()-1), ErrNoStep)
	}
	g.Intro = strings.Join(intro, "\n\n")
	for _, st := range g.Steps {
		for _, img := range st.Images {
			if !slices.Contains(g.Images, img.File) {
				g.Images = append(g.Images, img.File)
			}
		}
	}
	return nil
}

// headingEnd returns the line after heading h: after its text, and after
// the underline of a setext heading.
func headingEnd(h *ast.Heading, b block, s *source) int {
	if h.Lines().Len() == 0 {
		return b.from + 1
	}
	last := s.lineAt(h.Lines().At(h.Lines().Len() - 1).Start)
	if next := last + 1; next < b.to && setextUnderline.MatchString(s.line(next)) {
		return next + 1
	}
	return last + 1
}

var setextUnderline = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)

// inStep marks err as found in step i.
func inStep(err error, i int) error {
	if pe, ok := err.(*ParseError); ok {
		pe.Step = i
	}
	return err
}

// specialSection tells the « ### » headings that open a step's subsections.
func specialSection(title string) section {
	switch strings.Join(strings.Fields(fold(title)), " ") {
	case fold(prepareHeading):
		return inPrepare
	case fold(pitfallsHeading):
		return inPitfalls
	}
	return inBody
}

// items returns the entries of a block under « Attention » or « À avoir
// sous la main »: one per list item, or the whole block as one.
func items(b block, s *source) []string {
	var out []string
	list, ok := b.node.(*ast.List)
	if !ok {
		if off := startOf(b.node); off >= 0 {
			if t := s.joined(off, b.to); t != "" {
				out = append(out, t)
			}
		}
		return out
	}
	for it := list.FirstChild(); it != nil; it = it.NextSibling() {
		to := b.to
		if next := it.NextSibling(); next != nil && startOf(next) >= 0 {
			to = s.lineAt(startOf(next))
		}
		if it.FirstChild() == nil {
			continue
		}
		off := startOf(it.FirstChild())
		if off < 0 {
			continue
		}
		if t := s.joined(off, to); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// fields returns the rows of a two-column table.
func (p *parser) fields(t *extast.Table, s *source, line int) ([][2]string, error) {
	if len(t.Alignments) != 2 {
		return nil, parseError(p.file, line, ErrBadTable, "columns", len(t.Alignments))
	}
	var rows [][2]string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		if _, ok := r.(*extast.TableRow); !ok {
			continue // the header
		}
		var row [2]string
		i := 0
		for c := r.FirstChild(); c != nil && i < 2; c = c.NextSibling() {
			if c.Lines().Len() > 0 {
				seg := c.Lines().At(0)
				row[i] = strings.ReplaceAll(string(seg.Value(s.b)), `\|`, "|")
			}
			i++
		}
		if row != [2]string{} {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// imageParagraph returns the images of a paragraph made of images only.
func imageParagraph(n ast.Node, src []byte) ([]*ast.Image, bool) {
	if _, ok := n.(*ast.Paragraph); !ok {
		return nil, false
	}
	var imgs []*ast.Image
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Image:
			imgs = append(imgs, c)
		case *ast.Text:
			// Only the line breaks between images; their text is blank.
			if c.Segment.Len() > 0 && !util.IsBlank(c.Segment.Value(src)) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return imgs, len(imgs) > 0
}

// firstImage returns the first image inside n, if any.
func firstImage(n ast.Node) *ast.Image {
	var img *ast.Image
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if i, ok := c.(*ast.Image); ok && entering {
			img = i
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return img
}

// validImageName accepts a plain file name (no folder) of a PNG or JPEG.
func validImageName(name string) bool {
	return len(name) <= maxImageName && imagePattern.MatchString(name) && !strings.Contains(name, "..")
}

// unclosed reports a fenced code block or an HTML block left open at the
// end of the file: it would swallow whatever Format writes after it.
func unclosed(b block, s *source) (int, bool) {
	switch n := b.node.(type) {
	case *ast.FencedCodeBlock:
		open := strings.TrimLeft(s.line(b.from), " ")
		if open == "" {
			return 0, false
		}
		c := open[0]
		width := len(open) - len(strings.TrimLeft(open, string(c)))
		closing := b.from + 1
		if n.Lines().Len() > 0 {
			closing = s.lineAt(n.Lines().At(n.Lines().Len()-1).Start) + 1
		}
		if closing < s.lines() {
			l := strings.TrimLeft(s.line(closing), " ")
			run := len(l) - len(strings.TrimLeft(l, string(c)))
			if run >= width && strings.TrimSpace(l[run:]) == "" {
				return 0, false
			}
		}
		return b.from, true
	case *ast.HTMLBlock:
		if n.HTMLBlockType <= ast.HTMLBlockType5 && !n.HasClosure() {
			return b.from, true
		}
	}
	return 0, false
}

// plainText returns the text of an inline container (a heading, an image's
// description) without its Markdown: escapes and entities resolved,
// emphasis dropped, spaces collapsed.
func plainText(n ast.Node, src []byte) string {
	var b []byte
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || c == n {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			v := t.Segment.Value(src)
			if _, code := t.Parent().(*ast.CodeSpan); code || t.IsRaw() {
				b = append(b, v...)
			} else {
				b = appendResolved(b, v)
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				b = append(b, ' ')
			}
		case *ast.String:
			b = append(b, t.Value...)
		case *ast.AutoLink:
			b = append(b, t.Label(src)...)
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < t.Segments.Len(); i++ {
				seg := t.Segments.At(i)
				b = append(b, seg.Value(src)...)
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(string(b)), " ")
}

// appendResolved appends v with its backslash escapes and character
// references resolved, in one pass as CommonMark reads them.
func appendResolved(b, v []byte) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c == '\\' && i+1 < len(v) && util.IsPunct(v[i+1]) {
			b = append(b, v[i+1])
			i += 2
			continue
		}
		if c == '&' {
			if j := bytes.IndexByte(v[i:], ';'); j > 1 && j < 40 {
				ent := v[i : i+j+1]
				if r := util.ResolveNumericReferences(util.ResolveEntityNames(ent)); !bytes.Equal(r, ent) {
					b = append(b, r...)
					i += j + 1
					continue
				}
			}
		}
		b = append(b, c)
		i++
	}
	return b
}
