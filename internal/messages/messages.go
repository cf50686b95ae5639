// Package messages turns a problem into its sentence in French or English
// without Fyne, for the programs that have no window (relais-noeud). It
// reads the same translation files as the screens (assets/translations,
// go-i18n's flat JSON: a key and its text/template message), so a
// problem says the same thing in a terminal as in a dialog.
package messages

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"text/template"

	"relais/assets"
	"relais/problem"
)

// The two keys of fr.json a message falls back on, as the screens do.
const (
	generic      = "Something went wrong. Try again, and if it happens again, tell the person in charge of Relais in your centre."
	genericCause = "Something went wrong: {{.Error}}"
)

var (
	mu     sync.Mutex
	loaded = map[string]map[string]string{}
)

// Of is err's message in the language code ("en", or French for anything
// else): the translation of its problem, or a sentence giving the
// technical text of an error that is not a problem.
func Of(err error, code string) string {
	if err == nil {
		return ""
	}
	t := table(code)
	if p, ok := problem.Find(err); ok {
		if msg, ok := t[p.Key]; ok {
			return render(msg, p.Args)
		}
		return lookup(t, generic)
	}
	return render(lookup(t, genericCause), map[string]any{"Error": err.Error()})
}

// lookup is the key's translation, or the key itself (the English text).
func lookup(t map[string]string, key string) string {
	if msg, ok := t[key]; ok {
		return msg
	}
	return key
}

func render(msg string, args map[string]any) string {
	tpl, err := template.New("").Option("missingkey=zero").Parse(msg)
	if err != nil {
		return msg
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, args); err != nil {
		return msg
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

// table reads every CODE.json and NAME.CODE.json of the translations once.
func table(code string) map[string]string {
	if code != "en" {
		code = "fr"
	}
	mu.Lock()
	defer mu.Unlock()
	if t, ok := loaded[code]; ok {
		return t
	}
	t := map[string]string{}
	entries, _ := assets.Translations.ReadDir("translations")
	for _, e := range entries {
		name := e.Name()
		if name != code+".json" && !strings.HasSuffix(name, "."+code+".json") {
			continue
		}
		data, err := assets.Translations.ReadFile("translations/" + name)
		if err != nil {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		for k, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				t[k] = s
				continue
			}
			var plural map[string]string // {"one": …, "other": …}
			if json.Unmarshal(raw, &plural) == nil && plural["other"] != "" {
				t[k] = plural["other"]
			}
		}
	}
	loaded[code] = t
	return t
}
