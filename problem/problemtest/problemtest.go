// Package problemtest checks, from a domain package's tests, that the
// problems it registers are translated.
package problemtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"relais/problem"
)

// CheckTranslated checks that NAME.fr.json and NAME.en.json in dir hold
// exactly the problems registered under "NAME.", none of them empty. dir is
// the translations folder as seen from the test, "../assets/translations".
func CheckTranslated(t testing.TB, dir, name string) {
	t.Helper()
	var want []string
	for _, k := range problem.Registered() {
		if strings.HasPrefix(k, name+".") {
			want = append(want, k)
		}
	}
	slices.Sort(want)
	for _, lang := range []string{"fr", "en"} {
		file := name + "." + lang + ".json"
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var got []string
		for k, v := range m {
			got = append(got, k)
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", file, k)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s has %q, want %q", file, got, want)
		}
	}
}
