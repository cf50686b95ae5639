package guides

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"relais/assets"
	"relais/problem"
)

// Problems of a guide file. Each message names the file and the line
// ({{.file}}, {{.line}}) and says what to change.
var (
	ErrUnreadable           = problem.Register("guides.unreadable")
	ErrTooLarge             = problem.Register("guides.too_large")
	ErrBadCharacter         = problem.Register("guides.bad_character")
	ErrNoFrontMatter        = problem.Register("guides.no_front_matter")
	ErrFrontMatterNotClosed = problem.Register("guides.front_matter_not_closed")
	ErrBadFrontMatter       = problem.Register("guides.bad_front_matter")
	ErrUnknownField         = problem.Register("guides.unknown_field")
	ErrDuplicateField       = problem.Register("guides.duplicate_field")
	ErrMissingField         = problem.Register("guides.missing_field")
	ErrNotText              = problem.Register("guides.not_text")
	ErrTooLong              = problem.Register("guides.too_long")
	ErrBadID                = problem.Register("guides.bad_id")
	ErrBadProcedures        = problem.Register("guides.bad_procedures")
	ErrUnknownProcedure     = problem.Register("guides.unknown_procedure")
	ErrBadSite              = problem.Register("guides.bad_site")
	ErrBadVersion           = problem.Register("guides.bad_version")
	ErrBadDate              = problem.Register("guides.bad_date")
	ErrBadDuration          = problem.Register("guides.bad_duration")
	ErrNoStep               = problem.Register("guides.no_step")
	ErrNoStepTitle          = problem.Register("guides.no_step_title")
	ErrStepTitleTooLong     = problem.Register("guides.step_title_too_long")
	ErrEmptyStep            = problem.Register("guides.empty_step")
	ErrBadImage             = problem.Register("guides.bad_image")
	ErrImageInText          = problem.Register("guides.image_in_text")
	ErrBadTable             = problem.Register("guides.bad_table")
	ErrUnclosedBlock        = problem.Register("guides.unclosed_block")
	ErrAmbiguous            = problem.Register("guides.ambiguous")
)

// Problems of the library and of walkthroughs.
var (
	ErrUnknownGuide     = problem.Register("guides.unknown_guide")
	ErrGuideExists      = problem.Register("guides.exists")
	ErrChangedMeanwhile = problem.Register("guides.changed_meanwhile")
	ErrMissingImage     = problem.Register("guides.missing_image")
	ErrImageTooLarge    = problem.Register("guides.image_too_large")
	ErrNotAnImage       = problem.Register("guides.not_an_image")
	ErrBadAutonomy      = problem.Register("guides.bad_autonomy")
	ErrStepOutOfRange   = problem.Register("guides.step_out_of_range")
	ErrNotStarted       = problem.Register("guides.not_started")
	ErrNoPerson         = problem.Register("guides.no_person")
)

// ParseError is a guide file that does not follow the format: where, and
// which problem. Problem carries the file and line among its arguments, so
// the screens' translated message names them too.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the problem is the whole file
	// Step is the index of the step the problem is in, -1 for the header,
	// the introduction or the whole file: the editor shows it there.
	Step    int
	Problem *problem.Problem
}

// Error returns the English message, for logs and the command line. It
// names the file and the line: the messages of the format's problems do
// so themselves, others get "file:line: " before them.
func (e *ParseError) Error() string {
	msg := englishMessage(e.Problem)
	if strings.HasPrefix(msg, e.File) {
		return msg
	}
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the problem, so errors.Is(err, ErrBadDate) holds and the
// screens find the problem with problem.Find.
func (e *ParseError) Unwrap() error { return e.Problem }

// parseError builds a ParseError whose problem carries file and line.
func parseError(file string, line int, p *problem.Problem, kv ...any) *ParseError {
	return &ParseError{File: file, Line: line, Step: -1, Problem: p.With(append([]any{"file", file, "line", line}, kv...)...)}
}

// english holds the English messages of this package's problems, so that
// Error strings say what is wrong in words, not in keys.
var english = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	if b, err := assets.Translations.ReadFile("translations/guides.en.json"); err == nil {
		_ = json.Unmarshal(b, &m) // checked by TestProblemsAreTranslated
	}
	return m
})

// englishMessage renders p's English message, or its technical text when
// there is none.
func englishMessage(p *problem.Problem) string {
	msg, ok := english()[p.Key]
	if !ok {
		return p.Error()
	}
	t, err := template.New("").Option("missingkey=zero").Parse(msg)
	if err != nil {
		return p.Error()
	}
	var b strings.Builder
	if err := t.Execute(&b, p.Args); err != nil {
		return p.Error()
	}
	return b.String()
}
