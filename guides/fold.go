package guides

import (
	"strings"

	textfold "relais/internal/fold"
)

// fold returns s as search compares it (see internal/fold): « Déclaration »
// and « declaration » fold alike; « l'œuvre » folds to « l oeuvre ».
func fold(s string) string { return textfold.String(s) }

// words returns the folded words of s.
func words(s string) []string { return strings.Fields(fold(s)) }
