package privacy_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"text/template"

	"relais/privacy"
	"relais/problem"
)

func readMessages(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../assets/translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestProblemsAreTranslated checks that privacy.fr.json and privacy.en.json
// hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	var want []string
	for _, k := range problem.Registered() {
		if strings.HasPrefix(k, "privacy.") {
			want = append(want, k)
		}
	}
	slices.Sort(want)
	for _, name := range []string{"privacy.fr.json", "privacy.en.json"} {
		m := readMessages(t, name)
		var got []string
		for k, v := range m {
			got = append(got, k)
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", name, k)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s has %q, want %q", name, got, want)
		}
	}
}

// TestMessagesRender fills each message as go-i18n does (text/template,
// missing keys left at their default), from CheckText and from
// CheckFields: the excerpt shows, the field shows only when given.
func TestMessagesRender(t *testing.T) {
	texts := map[privacy.Kind]string{
		privacy.NIR:      "2 69 05 49 588 157 80",
		privacy.IBAN:     "FR76 3000 6000 0112 3456 7890 189",
		privacy.Card:     "4111 1111 1111 1111",
		privacy.Password: "mdp : Soleil2024",
	}
	for _, name := range []string{"privacy.fr.json", "privacy.en.json"} {
		m := readMessages(t, name)
		for kind, text := range texts {
			for _, err := range []error{privacy.CheckText(text), privacy.CheckFields(map[string]string{"Notes": text})} {
				p, ok := problem.Find(err)
				if !ok || p.Key != kind.Problem().Key {
					t.Fatalf("%v: problem %v, want %s", kind, err, kind.Problem().Key)
				}
				tmpl, perr := template.New("").Option("missingkey=default").Parse(m[p.Key])
				if perr != nil {
					t.Fatalf("%s %s: %v", name, p.Key, perr)
				}
				var b strings.Builder
				if err := tmpl.Execute(&b, p.Args); err != nil {
					t.Fatalf("%s %s: %v", name, p.Key, err)
				}
				msg := b.String()
				_, field := p.Args["field"]
				if strings.Contains(msg, "<no value>") || !strings.Contains(msg, p.Args["excerpt"].(string)) ||
					strings.Contains(msg, "Notes") != field {
					t.Errorf("%s %s with %v = %q", name, p.Key, p.Args, msg)
				}
			}
		}
	}
}
