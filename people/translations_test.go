package people_test

import (
	"testing"

	_ "relais/people" // registers its problems
	"relais/problem/problemtest"
)

// TestProblemsAreTranslated checks that people.fr.json and people.en.json
// hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "people")
}
