package radar_test

import (
	"testing"

	"relais/problem/problemtest"
	_ "relais/radar" // registers its problems
)

// TestProblemsAreTranslated checks that radar.fr.json and radar.en.json
// hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "radar")
}
