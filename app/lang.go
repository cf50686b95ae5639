package app

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"relais/assets"
	"relais/problem"
	"relais/staff"
)

// The languages Relais speaks. French comes first: it is the language of the
// centres; English is for partners and for the developers.
const (
	French  = "fr"
	English = "en"
)

var (
	langMu  sync.Mutex
	current string
)

// SetLanguage makes lang.L and lang.X answer in the language code ("fr", the
// default, or "en"), whatever the system locale. Fyne picks the system's
// locale and falls back to English, so the chosen language's files are
// registered under English, the system locale and the system's bare
// language; a later registration overrides an earlier one key by key, which
// is what lets the language change while the application runs.
func SetLanguage(code string) {
	if code != English {
		code = French
	}
	langMu.Lock()
	defer langMu.Unlock()

	// code.json holds the screens' strings; each domain package's problems
	// sit in their own NAME.code.json (problems.fr.json, people.fr.json…).
	var files [][]byte
	entries, _ := assets.Translations.ReadDir("translations")
	for _, e := range entries {
		if name := e.Name(); name == code+".json" || strings.HasSuffix(name, "."+code+".json") {
			data, err := assets.Translations.ReadFile("translations/" + name)
			if err != nil {
				fyne.LogError("read translations "+name, err)
				continue
			}
			files = append(files, data)
		}
	}
	sys := lang.SystemLocale()
	bare, _, _ := strings.Cut(string(sys), "-")
	locales := []fyne.Locale{"en", sys, fyne.Locale(sys.LanguageString()), fyne.Locale(bare)}
	done := map[fyne.Locale]bool{}
	for _, loc := range locales {
		if done[loc] || loc == "" {
			continue
		}
		done[loc] = true
		for _, data := range files {
			if err := lang.AddTranslationsForLocale(data, loc); err != nil {
				fyne.LogError("load translations for "+loc.String(), err)
			}
		}
	}
	current = code
}

// language returns the code of the language in use, or "" before SetLanguage.
func language() string {
	langMu.Lock()
	defer langMu.Unlock()
	return current
}

// Message returns the text to show a person for err, in their language:
// the translation of the domain problem it carries, or a generic message.
func Message(err error) string {
	if err == nil {
		return ""
	}
	if p, ok := problem.Find(err); ok {
		return lang.X(p.Key, genericProblem(), p.Args)
	}
	return lang.L("Something went wrong: {{.Error}}", map[string]any{"Error": err.Error()})
}

// genericProblem is the message of a problem that has no translation.
func genericProblem() string {
	return lang.L("Something went wrong. Try again, and if it happens again, tell the person in charge of Relais in your centre.")
}

// roleName is the translated name of a staff role.
func roleName(r staff.Role) string {
	switch r {
	case staff.Reception:
		return lang.L("Reception")
	case staff.Mediator:
		return lang.L("Mediator")
	case staff.Coordinator:
		return lang.L("Coordinator")
	case staff.Admin:
		return lang.L("Administrator")
	}
	return string(r)
}

// longDate writes a date in full, « samedi 21 novembre 2026 ». Fyne's own
// day and month names are English only, so ours go through lang.L.
func longDate(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = lang.X("date.first_day", "1") // « 1er » in French
	}
	return lang.X("date.long", "{{.Weekday}} {{.Day}} {{.Month}} {{.Year}}", map[string]any{
		"Weekday": weekdayName(t.Weekday()),
		"Day":     day,
		"Month":   monthName(t.Month()),
		"Year":    strconv.Itoa(t.Year()),
	})
}

func weekdayName(d time.Weekday) string {
	switch d {
	case time.Monday:
		return lang.L("Monday")
	case time.Tuesday:
		return lang.L("Tuesday")
	case time.Wednesday:
		return lang.L("Wednesday")
	case time.Thursday:
		return lang.L("Thursday")
	case time.Friday:
		return lang.L("Friday")
	case time.Saturday:
		return lang.L("Saturday")
	}
	return lang.L("Sunday")
}

func monthName(m time.Month) string {
	switch m {
	case time.January:
		return lang.L("January")
	case time.February:
		return lang.L("February")
	case time.March:
		return lang.L("March")
	case time.April:
		return lang.L("April")
	case time.May:
		return lang.L("May")
	case time.June:
		return lang.L("June")
	case time.July:
		return lang.L("July")
	case time.August:
		return lang.L("August")
	case time.September:
		return lang.L("September")
	case time.October:
		return lang.L("October")
	case time.November:
		return lang.L("November")
	}
	return lang.L("December")
}
