package privacy_test

import (
	"strings"
	"testing"

	"relais/privacy"
)

// note returns a mediator's note of about n bytes, with nothing to refuse.
func note(n int) string {
	lines := []string{
		"RDV CAF le 12/03 à 14h, apporter l'avis d'imposition 2024 et le justificatif de domicile.",
		"Rappeler lundi, a oublié son mot de passe ameli : renvoyé vers ameli par SMS.",
		"tél 06 12 34 56 78 (fille), montant du rappel 1 234,56 €, dossier n° 2024-118.",
		"Adresse : 12 rue des Lilas, 75011 Paris. Employeur SIRET 123 456 789 00012.",
		"Mot de passe perdu : la personne le note elle-même dans son carnet.",
		"Démarche France Travail en cours, prochain entretien le 21/11 à 9h30.",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(lines[i%len(lines)])
		b.WriteByte('\n')
	}
	return b.String()[:n]
}

func BenchmarkCheckText(b *testing.B) {
	clean := note(2000)
	if err := privacy.CheckText(clean); err != nil {
		b.Fatal(err)
	}
	found := clean[:1950] + " mdp : Soleil2024"
	ascii := strings.NewReplacer("à", "a", "é", "e", "ê", "e", "€", "E", "°", "o").Replace(clean)
	for _, c := range []struct{ name, text string }{
		{"clean-2000", clean},
		{"ascii-2000", ascii},
		{"password-at-end-2000", found},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				_ = privacy.CheckText(c.text)
			}
		})
	}
}
