package guides_test

import (
	"testing"

	_ "relais/guides" // registers its problems
	"relais/problem/problemtest"
)

// TestProblemsAreTranslated checks that guides.fr.json and guides.en.json
// hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "guides")
}
