package radar_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"relais/problem"
	_ "relais/radar" // registers its problems
)

// TestProblemsAreTranslated checks that radar.fr.json and radar.en.json
// hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	var want []string
	for _, k := range problem.Registered() {
		if strings.HasPrefix(k, "radar.") {
			want = append(want, k)
		}
	}
	slices.Sort(want)
	for _, name := range []string{"radar.fr.json", "radar.en.json"} {
		b, err := os.ReadFile("../assets/translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
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
