package schema_test

import (
	"testing"

	"relais/schema"
)

func TestIndexNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, ix := range schema.Indexes() {
		name := ix.Kind + "/" + ix.Name
		if seen[name] {
			t.Errorf("index %s declared twice", name)
		}
		seen[name] = true
		if ix.Values == nil || ix.Version < 1 {
			t.Errorf("index %s: no Values or version %d", name, ix.Version)
		}
	}
	for _, want := range []string{"staff/login", "person/phone", "appointment/centre_day"} {
		if !seen[want] {
			t.Errorf("index %s missing", want)
		}
	}
}
