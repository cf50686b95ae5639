package app_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"

	"relais/app"
	"relais/assets"
	"relais/internal/messages"
	"relais/problem"
	// Imported for the problems they register, checked below.
	_ "relais/appointments"
	_ "relais/people"
	_ "relais/report"
	_ "relais/serve"
	_ "relais/staff"
	_ "relais/store"
	_ "relais/sync/peer"
)

var fixedDay = time.Date(2026, time.November, 21, 10, 0, 0, 0, time.UTC)

// readTranslations decodes translations/name; ok is false when it is missing.
func readTranslations(t *testing.T, name string) (map[string]any, bool) {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		if errorsIsNotExist(err) {
			return nil, false
		}
		t.Fatalf("read %s: %v", name, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return m, true
}

func errorsIsNotExist(err error) bool {
	return err != nil && strings.Contains(err.Error(), fs.ErrNotExist.Error())
}

func problemsTranslated(t *testing.T) bool {
	_, fr := readTranslations(t, "problems.fr.json")
	_, en := readTranslations(t, "problems.en.json")
	return fr && en
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var templateField = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// fields returns the template fields a translation uses.
func fields(v any) []string {
	s, _ := v.(string)
	var out []string
	for _, m := range templateField.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestTranslationFilesHaveTheSameKeysAndFields(t *testing.T) {
	for _, pair := range translationPairs(t) {
		fr, okFr := readTranslations(t, pair[0])
		en, okEn := readTranslations(t, pair[1])
		if !okFr && !okEn && strings.HasPrefix(pair[0], "problems") {
			continue // the lead writes them
		}
		if !okFr || !okEn {
			t.Errorf("%s present %v, %s present %v: want both", pair[0], okFr, pair[1], okEn)
			continue
		}
		for _, k := range keys(fr) {
			if _, ok := en[k]; !ok {
				t.Errorf("%q is in %s but not in %s", k, pair[0], pair[1])
			} else if f, e := fields(fr[k]), fields(en[k]); !slices.Equal(f, e) {
				t.Errorf("%q uses fields %v in %s but %v in %s", k, f, pair[0], e, pair[1])
			}
			if s, ok := fr[k].(string); ok && strings.TrimSpace(s) == "" {
				t.Errorf("%q is empty in %s", k, pair[0])
			}
		}
		for _, k := range keys(en) {
			if _, ok := fr[k]; !ok {
				t.Errorf("%q is in %s but not in %s", k, pair[1], pair[0])
			}
		}
	}
}

// translationPairs lists each French file with its English twin: fr.json
// with en.json, and every NAME.fr.json with NAME.en.json.
func translationPairs(t *testing.T) [][2]string {
	entries, err := assets.Translations.ReadDir("translations")
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for _, e := range entries {
		if name := e.Name(); name == "fr.json" || strings.HasSuffix(name, ".fr.json") {
			pairs = append(pairs, [2]string{name, strings.TrimSuffix(name, "fr.json") + "en.json"})
		}
	}
	return pairs
}

// allTranslations merges every French file and every English file, as
// SetLanguage loads them.
func allTranslations(t *testing.T) (fr, en map[string]any) {
	fr, en = map[string]any{}, map[string]any{}
	for _, pair := range translationPairs(t) {
		f, _ := readTranslations(t, pair[0])
		e, _ := readTranslations(t, pair[1])
		for k, v := range f {
			if _, dup := fr[k]; dup {
				t.Errorf("%q is translated in two French files (one is %s)", k, pair[0])
			}
			fr[k] = v
		}
		for k, v := range e {
			en[k] = v
		}
	}
	return fr, en
}

func TestEveryProblemIsTranslated(t *testing.T) {
	// Problems may sit in any NAME.fr.json / NAME.en.json pair.
	fr, en := allTranslations(t)
	registered := problem.Registered()
	if len(registered) == 0 {
		t.Fatal("no problem registered: the domain packages are not linked in")
	}
	for _, key := range registered {
		if _, ok := fr[key]; !ok {
			t.Errorf("problem %q has no message in any NAME.fr.json", key)
		}
		if _, ok := en[key]; !ok {
			t.Errorf("problem %q has no message in any NAME.en.json", key)
		}
	}
}

// TestEveryStringOfTheScreensIsTranslated reads the package's sources and
// checks that each literal given to lang.L or lang.X has an entry in fr.json
// and en.json, so no English string shows in the French interface.
func TestEveryStringOfTheScreensIsTranslated(t *testing.T) {
	// Screens keep their strings in fr.json/en.json or in a file of their
	// own (ui-agenda.fr.json…): all are loaded together.
	fr, en := allTranslations(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "L" && sel.Sel.Name != "X") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true // a problem key, checked by TestEveryProblemIsTranslated
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			found++
			if _, ok := fr[key]; !ok {
				t.Errorf("%s: %q is missing from the French files", fset.Position(lit.Pos()), key)
			}
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is missing from the English files", fset.Position(lit.Pos()), key)
			}
			return true
		})
	}
	if found < 50 {
		t.Errorf("found only %d translated strings in the sources: is the parser looking in the right place?", found)
	}
}

func TestSetLanguageWinsOverTheSystemLocale(t *testing.T) {
	t.Cleanup(func() { app.SetLanguage("fr") })
	for _, code := range []string{"fr", "en"} {
		app.SetLanguage(code)
		want, _ := readTranslations(t, code+".json")
		for _, key := range []string{"Lock", "Cancel", "Welcome to Relais", "Saturday"} {
			if got := lang.L(key); got != want[key] {
				t.Errorf("after SetLanguage(%q), lang.L(%q) = %q, want %q", code, key, got, want[key])
			}
		}
	}
	app.SetLanguage("de") // unknown: French, the default
	fr, _ := readTranslations(t, "fr.json")
	if got := lang.L("Lock"); got != fr["Lock"] {
		t.Errorf("after SetLanguage(%q), lang.L(%q) = %q, want the French %q", "de", "Lock", got, fr["Lock"])
	}
}

func TestLongDate(t *testing.T) {
	t.Cleanup(func() { app.SetLanguage("fr") })
	for _, code := range []string{"fr", "en"} {
		app.SetLanguage(code)
		tr, _ := readTranslations(t, code+".json")
		want := strings.Join([]string{tr["Saturday"].(string), "21", tr["November"].(string), "2026"}, " ")
		if got := app.LongDate(fixedDay); got != want {
			t.Errorf("%s: LongDate(%v) = %q, want %q", code, fixedDay, got, want)
		}
		first := time.Date(2026, time.May, 1, 0, 0, 0, 0, time.UTC)
		want = strings.Join([]string{tr["Friday"].(string), tr["date.first_day"].(string), tr["May"].(string), "2026"}, " ")
		if got := app.LongDate(first); got != want {
			t.Errorf("%s: LongDate(%v) = %q, want %q", code, first, got, want)
		}
	}
}

// The headless node (relais-noeud, no Fyne) says every problem as the
// screens do: internal/messages reads the same files its own way.
func TestHeadlessMessagesMatchTheScreens(t *testing.T) {
	t.Cleanup(func() { app.SetLanguage(app.French) })
	// Every argument any message names, so that none renders "<no value>".
	args := map[string]any{}
	field := regexp.MustCompile(`{{-?\s*(?:if\s+)?\.(\w+)`)
	files, _ := fs.Glob(assets.Translations, "translations/*.json")
	for _, name := range files {
		b, _ := fs.ReadFile(assets.Translations, name)
		for _, m := range field.FindAllSubmatch(b, -1) {
			args[string(m[1])] = "«" + string(m[1]) + "»"
		}
	}
	same := 0
	for _, code := range []string{app.French, app.English} {
		app.SetLanguage(code)
		for _, key := range problem.Registered() {
			p := problem.New(key).With()
			for k, v := range args {
				p.Args[k] = v
			}
			if got, want := messages.Of(p, code), app.Message(p); got != want {
				t.Errorf("%s (%s): headless %q, screens %q", key, code, got, want)
			} else if got == want {
				same++
			}
		}
	}
	if same != 2*len(problem.Registered()) {
		t.Errorf("only %d messages compared out of %d problems in two languages", same, len(problem.Registered()))
	}
}
