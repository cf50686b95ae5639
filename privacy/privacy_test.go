package privacy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"relais/privacy"
	"relais/problem"
)

type textCase struct {
	name    string
	text    string
	want    privacy.Kind // 0: the text may be kept
	excerpt string       // checked when not empty
}

// ibanFR returns a French IBAN whose BBAN is a RIB with a valid key.
func ibanFR(bank, branch, account string) string {
	return ibanOf("FR", bank+branch+account+ribKey(bank, branch, account))
}

// cases is the table of true and false positives, for each kind. The
// false positives are the notes mediators write every day.
func cases() []textCase {
	nir1 := "1 85 05 78 006 084"
	nirCorse := "2 90 11 2A 004 123"
	fr := ibanFR("30004", "01234", "00012345678")
	visa := luhn("4", 16, 1)
	amex := luhn("37", 15, 4)
	return []textCase{
		// NIR, true positives.
		{"nir with key", "NIR " + withKey(nir1), privacy.NIR, "1 85 05 …"},
		{"nir with key in one block", "sécu: " + digitsOf(withKey(nir1)) + ".", privacy.NIR, "18505…"},
		{"nir without key, Vitale grouping", "n° sécu " + nir1, privacy.NIR, "1 85 05 …"},
		{"nir without key in one block", digitsOf(nir1), privacy.NIR, ""},
		{"nir with dots", strings.ReplaceAll(withKey(nir1), " ", "."), privacy.NIR, "1.85.05 …"},
		{"nir with dashes", strings.ReplaceAll(withKey(nir1), " ", "-"), privacy.NIR, ""},
		{"nir with no-break spaces", strings.ReplaceAll(withKey(nir1), " ", "\u00a0"), privacy.NIR, ""},
		{"nir with key glued", digitsOf(nir1) + " " + nirKey(nir1), privacy.NIR, ""},
		{"nir 2A with key", "Carte Vitale : " + withKey(nirCorse) + ", à renouveler", privacy.NIR, "2 90 11 …"},
		{"nir 2a lower case", withKey("2 90 11 2a 004 123"), privacy.NIR, ""},
		{"nir 2B without key", "1 76 03 2B 012 345", privacy.NIR, ""},
		{"nir temporary with key", withKey("7 91 02 99 350 001"), privacy.NIR, ""},
		{"nir unknown month 35", withKey("1 62 35 99 135 101"), privacy.NIR, ""},
		{"nir month 20", "2 62 20 99 135 101", privacy.NIR, ""},
		{"nir born overseas", withKey("2 88 07 97 412 034"), privacy.NIR, ""},
		{"nir published example", "2 69 05 49 588 157 80", privacy.NIR, ""},
		{"nir on its own line", "Rappeler lundi\nNIR " + withKey(nir1) + "\nmerci", privacy.NIR, ""},
		{"nir right after a phone", "06 12 34 56 78 " + withKey(nir1), privacy.NIR, "1 85 05 …"},
		{"nir in parentheses", "(" + withKey("2 69 05 49 588 157") + ")", privacy.NIR, ""},

		// NIR, false positives.
		{"nir wrong key", wrongKey(nir1), 0, ""},
		{"nir wrong key glued", digitsOf(wrongKey(nir1)), 0, ""},
		{"nir month 13", "1 85 13 78 006 084", 0, ""},
		{"nir month 00", "1 85 00 78 006 084", 0, ""},
		{"nir month 25", "1 85 25 78 006 084", 0, ""},
		{"nir department 00", "1 85 05 00 006 084", 0, ""},
		{"nir commune 000", "1 85 05 78 000 084", 0, ""},
		{"nir order 000", "1 85 05 78 006 000", 0, ""},
		{"nir first digit 5", "5 85 05 78 006 084", 0, ""},
		{"nir temporary without key", "7 91 02 99 350 001", 0, ""},
		{"nir 12 digits", "1 85 05 78 006 08", 0, ""},
		{"tax number", "numéro fiscal " + digitsOf(nir1), 0, ""},
		{"tax notice", "avis d'impôt n° " + digitsOf(nir1), 0, ""},
		{"tax number grouping", "18 50 578 006 084", 0, ""},
		{"barcode", "code-barres 3760123456789", 0, ""},
		{"phone", "tél 06 12 34 56 78", 0, ""},
		{"phone with dots", "tel: 06.12.34.56.78", 0, ""},
		{"two phones", "06 12 34 56 78 / 01 42 34 56 78", 0, ""},
		{"two phones glued", "06 12 34 56 78 07 11 22 33 44", 0, ""},
		{"international phone", "+33 6 12 34 56 78", 0, ""},
		{"international phone 00", "0033 6 12 34 56 78", 0, ""},
		{"german mobile", "fils en Allemagne +49 151 23456789", 0, ""},
		{"date", "RDV CAF le 12/03 à 14h", 0, ""},
		{"date with dots", "né le 12.03.1985 à Dakar", 0, ""},
		{"amount", "montant 1 234,56 €", 0, ""},
		{"large amount", "dette 1 234 567 890 123 €", 0, ""},
		{"file number", "dossier n° 2024-118", 0, ""},
		{"postal code", "12 rue des Lilas 75011 Paris", 0, ""},
		{"siret", "SIRET 123 456 789 00012", 0, ""},
		{"siret in one block", "siret 12345678900012", 0, ""},
		{"siret luhn-valid with a diners prefix", "SIRET " + spacedSIRET(luhn("38", 14, 2)), 0, ""},
		{"caf number", "N° allocataire CAF : 1234567, RSA versé le 5", 0, ""},
		{"ants file", "Dossier ANTS 21AB12345 déposé", 0, ""},
		{"short numbers", "Appeler le 3646 (ameli) ou le 3230 (CAF)", 0, ""},
		{"years", "Né en 1985, arrivé en 2019, 3 enfants", 0, ""},
		{"sentence after a number", "Rappel au 1 85 05 78. 006 084 signalé", 0, ""},

		// IBAN and RIB, true positives.
		{"iban fr spaced", "IBAN : " + spaced(fr, 4), privacy.IBAN, fr[:4] + " …"},
		{"iban fr in one block", fr, privacy.IBAN, fr[:4] + "…"},
		{"iban fr lower case", strings.ToLower(fr), privacy.IBAN, ""},
		{"iban fr country apart", "FR " + spaced(fr[2:], 4), privacy.IBAN, ""},
		{"iban fr no-break spaces", strings.ReplaceAll(spaced(fr, 4), " ", "\u00a0"), privacy.IBAN, ""},
		{"iban postal bank with a letter", spaced(ibanFR("20041", "01005", "0123456A020"), 4), privacy.IBAN, ""},
		{"iban belgium", "virement sur " + spaced(ibanOf("BE", "539007547034"), 4), privacy.IBAN, ""},
		{"iban germany", spaced(ibanOf("DE", "370400440532013000"), 4), privacy.IBAN, ""},
		{"iban uk with letters", spaced(ibanOf("GB", "WEST12345698765432"), 4), privacy.IBAN, ""},
		{"iban senegal", spaced(ibanOf("SN", "SN0100152000048500003035"), 4), privacy.IBAN, ""},
		{"iban morocco", spaced(ibanOf("MA", "011519000001205000534921"), 4), privacy.IBAN, ""},
		{"iban published example", "FR76 3000 6000 0112 3456 7890 189", privacy.IBAN, "FR76 …"},
		{"rib", "RIB " + rib("30004", "01234", "00012345678"), privacy.IBAN, "3000…"},
		{"rib with a letter", rib("20041", "01005", "0123456A020"), privacy.IBAN, ""},
		{"rib in one block", digitsOf(rib("30004", "01234", "00012345678")), privacy.IBAN, ""},

		// IBAN, false positives.
		{"iban mistyped", spaced(breakOne(fr), 4), 0, ""},
		{"iban cut short", "IBAN FR76 3000 4012 (à compléter)", 0, ""},
		{"iban unknown country", spaced(ibanOf("ZZ", "30004012340001234567801"), 4), 0, ""},
		{"iban wrong length", spaced(ibanOf("FR", "3000401234000123456780"), 4), 0, ""},
		{"rib wrong key", breakOne(rib("30004", "01234", "00012345678")), 0, ""},
		{"upper-case words", "RDV CAF LE 12 MARS AVEC MME DIALLO POUR LE RSA ET LA CSS", 0, ""},
		{"upper-case codes", "Formulaire CERFA 15652 AB12 CD34 EF56", 0, ""},
		{"french word and digits", "de 12 34 56 78 90 12 34 56 78 90 12", 0, ""},

		// Cards, true positives.
		{"visa grouped", "CB " + groups4(visa), privacy.Card, visa[:4] + " …"},
		{"visa in one block", visa, privacy.Card, visa[:4] + "…"},
		{"visa with dashes", strings.ReplaceAll(groups4(visa), " ", "-"), privacy.Card, ""},
		{"visa with expiry", "carte " + groups4(visa) + " 12/27", privacy.Card, ""},
		{"visa 19 digits", groups4(luhn("4", 19, 8)), privacy.Card, ""},
		{"mastercard 5x", groups4(luhn("53", 16, 2)), privacy.Card, ""},
		{"mastercard 2221", groups4(luhn("2221", 16, 3)), privacy.Card, ""},
		{"mastercard 2720", groups4(luhn("2720", 16, 3)), privacy.Card, ""},
		{"amex 4-6-5", amex[:4] + " " + amex[4:10] + " " + amex[10:], privacy.Card, ""},
		{"discover", groups4(luhn("6011", 16, 5)), privacy.Card, ""},
		{"unionpay", groups4(luhn("62", 16, 6)), privacy.Card, ""},
		{"jcb", groups4(luhn("3530", 16, 7)), privacy.Card, ""},
		{"diners 16", groups4(luhn("36", 16, 9)), privacy.Card, ""},

		// Cards, false positives.
		{"card not luhn", groups4(notLuhn("4", 16, 1)), 0, ""},
		{"card unknown prefix", groups4(luhn("9", 16, 1)), 0, ""},
		{"card 13 digits", luhn("4", 13, 1), 0, ""},
		{"diners 14 digits", luhn("36", 14, 1), 0, ""},
		{"imei", "IMEI " + luhn("35", 15, 3), 0, ""},
		{"card masked", "CB **** **** **** 7890", 0, ""},
		{"card partial", "CB 4970 10XX XXXX 7890", 0, ""},
		{"card last digits", "carte finissant par 7890", 0, ""},

		// Passwords, true positives.
		{"mdp colon", "mdp : Soleil2024", privacy.Password, "mdp : …"},
		{"MDP upper case", "MDP: Soleil2024", privacy.Password, "MDP: …"},
		{"mot de passe equals", "mot de passe = azerty", privacy.Password, "mot de passe = …"},
		{"password one letter", "password: x", privacy.Password, "password: …"},
		{"pwd glued", "pwd=abc123", privacy.Password, "pwd= …"},
		{"mdp space", "mdp Soleil2024", privacy.Password, "mdp …"},
		{"mdp for a service", "Mot de passe ameli : Rose1960", privacy.Password, "Mot de passe ameli : …"},
		{"mdp of the caf", "mot de passe de la CAF : Tournesol", privacy.Password, ""},
		{"mdp for a site", "mdp impots.gouv = Printemps2023", privacy.Password, ""},
		{"login and password", "identifiant et mot de passe : jdupont / Azerty!", privacy.Password, ""},
		{"login slash mdp", "login/mdp : marie.dupont / Ch@t", privacy.Password, ""},
		{"plural", "mots de passe : azerty123", privacy.Password, ""},
		{"hyphenated", "mot-de-passe: azerty", privacy.Password, ""},
		{"arrow", "passwd -> hunter2", privacy.Password, ""},
		{"provisional", "mdp (provisoire) : AB12CD", privacy.Password, ""},
		{"changed to", "Mot de passe changé : Soleil2024", privacy.Password, ""},
		{"mixed case word", "Mot de passe : MonChat et identifiant le mail", privacy.Password, ""},
		{"all caps word", "MOT DE PASSE : SOLEIL", privacy.Password, ""},
		{"english word", "Password = letmein", privacy.Password, ""},
		{"quoted", "mdp : « Soleil2024 »", privacy.Password, "mdp : …"},
		{"pin after colon", "mdp: 1234", privacy.Password, ""},
		{"code secret", "code secret : 1234", privacy.Password, ""},
		{"code pin without colon", "code PIN 4321", privacy.Password, ""},
		{"code confidentiel", "Code confidentiel = 0000", privacy.Password, ""},
		{"accents and case ignored", "MOT DE PASSÉ : azerty", privacy.Password, ""},
		{"then another label", "mdp : azerty identifiant : jdupont", privacy.Password, ""},
		{"in a longer note", "Aide pour ameli. mdp : Bleu75! à garder", privacy.Password, ""},

		// Passwords, false positives.
		{"forgot ameli", "Rappeler lundi, a oublié son mot de passe ameli", 0, ""},
		{"mot de passe oublié", "mot de passe oublié", 0, ""},
		{"changed", "a changé son mot de passe", 0, ""},
		{"reset", "réinitialiser le mot de passe", 0, ""},
		{"lost then sent", "Mot de passe perdu : renvoyé vers ameli", 0, ""},
		{"ask the daughter", "Mot de passe : voir avec sa fille", 0, ""},
		{"to reset monday", "mot de passe oublié : à réinitialiser lundi", 0, ""},
		{"sent by sms", "mdp ameli : renvoyé par SMS", 0, ""},
		{"ok", "mot de passe : OK", 0, ""},
		{"sent by mail", "Mot de passe : envoyé par courrier", 0, ""},
		{"reset on a date", "Mot de passe réinitialisé le 12/03", 0, ""},
		{"a date", "mot de passe : 12/03", 0, ""},
		{"a time", "mdp : 14h30 avec sa fille", 0, ""},
		{"in progress", "mdp : en cours", 0, ""},
		{"to change before", "mot de passe à changer avant le 15", 0, ""},
		{"in her notebook", "Mot de passe : elle le note dans son carnet", 0, ""},
		{"comma before colon", "mot de passe oublié, rappeler : lundi 14h", 0, ""},
		{"reset link", "mdp oublié : https://ameli.fr/reinitialisation", 0, ""},
		{"mdph", "MDPH : dossier déposé le 12/03", 0, ""},
		{"card code blocked", "code secret de la carte bloqué", 0, ""},
		{"postal code", "code postal : 75011", 0, ""},
		{"login alone", "identifiant : 1234567", 0, ""},
		{"tries left", "mot de passe : 2 essais restants", 0, ""},
		{"navigo", "Pass Navigo : 12345678", 0, ""},
		{"too weak", "mot de passe trop faible, refaire", 0, ""},
		{"service name", "Mot de passe : Ameli", 0, ""},
		{"nothing after", "mdp :", 0, ""},
		{"stars", "mdp : ***", 0, ""},
		{"showed how", "Mot de passe : lui a montré comment le changer", 0, ""},
		{"new one asked", "mot de passe : nouveau demandé", 0, ""},
		{"to redo", "mot de passe : à refaire", 0, ""},
		{"ordinal", "Mot de passe: 3ème essai échoué", 0, ""},
		{"in the notebook", "il a noté ses mots de passe dans son carnet", 0, ""},
		{"mdp oublié", "mdp oublié", 0, ""},
		{"password reset english", "password reset sent", 0, ""},
		{"sentence", "Le mot de passe est à refaire. Prochain RDV le 12/03.", 0, ""},
		{"participle without accent", "mdp : renvoye par mail", 0, ""},

		// Everyday notes.
		{"caf appointment", "RDV CAF le 12/03 à 14h, apporter l'avis d'imposition 2024 et le RIB (ne pas le noter ici)", 0, ""},
		{"vitale lost", "Carte Vitale perdue : demande de nouvelle carte faite sur ameli", 0, ""},
		{"tax income", "Reçu avis d'imposition 2024, revenu fiscal de référence 12 345 €", 0, ""},
		{"reference", "Réf. courrier 2024/118/AB, suivi n° 6A12345678901", 0, ""},
		{"empty", "", 0, ""},
	}
}

// spacedSIRET writes a 14-digit SIRET as 3-3-3-5.
func spacedSIRET(s string) string { return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:] }

func TestFind(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			found := privacy.Find(c.text)
			if c.want == 0 {
				if len(found) > 0 {
					f := found[0]
					t.Fatalf("Find(%q) = %v %q (%q), want nothing", c.text, f.Kind, c.text[f.Start:f.End], f.Excerpt)
				}
				return
			}
			if len(found) == 0 {
				t.Fatalf("Find(%q) = nothing, want %v", c.text, c.want)
			}
			f := found[0]
			if f.Kind != c.want {
				t.Fatalf("Find(%q) = %v %q, want %v", c.text, f.Kind, c.text[f.Start:f.End], c.want)
			}
			if c.excerpt != "" && f.Excerpt != c.excerpt {
				t.Errorf("Find(%q) excerpt = %q, want %q", c.text, f.Excerpt, c.excerpt)
			}
			checkExcerpt(t, c.text, f)
		})
	}
}

// checkExcerpt fails if the excerpt gives the value away.
func checkExcerpt(t *testing.T, text string, f privacy.Finding) {
	t.Helper()
	value := text[f.Start:f.End]
	if f.Kind == privacy.Password {
		if !strings.HasSuffix(f.Excerpt, "…") || strings.Contains(f.Excerpt, value) && len(value) > 1 {
			t.Errorf("excerpt %q of password %q", f.Excerpt, value)
		}
		return
	}
	if n, all := alnum(f.Excerpt), alnum(value); n > 5 || n >= all {
		t.Errorf("excerpt %q shows %d of the %d characters of %q", f.Excerpt, n, all, value)
	}
}

func alnum(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			n++
		}
	}
	return n
}

// TestPublishedExamples pins the algorithms on values published as
// examples by INSEE's documentation, banks and card networks, computed
// apart from the helpers.
func TestPublishedExamples(t *testing.T) {
	for _, c := range []struct {
		text string
		want privacy.Kind
	}{
		{"2 69 05 49 588 157 80", privacy.NIR},
		{"FR76 3000 6000 0112 3456 7890 189", privacy.IBAN},
		{"GB82 WEST 1234 5698 7654 32", privacy.IBAN},
		{"30006 00001 12345678901 89", privacy.IBAN},
		{"4111 1111 1111 1111", privacy.Card},
		{"5555 5555 5555 4444", privacy.Card},
		{"3782 822463 10005", privacy.Card},
	} {
		found := privacy.Find(c.text)
		if len(found) != 1 || found[0].Kind != c.want {
			t.Errorf("Find(%q) = %v, want one %v", c.text, found, c.want)
		}
	}
	if got := nirKey("2 69 05 49 588 157"); got != "80" {
		t.Errorf("nirKey = %s, want 80", got)
	}
	if got := ibanOf("FR", "30006000011234567890189"); got != "FR7630006000011234567890189" {
		t.Errorf("ibanOf = %s", got)
	}
	if got := ribKey("30006", "00001", "12345678901"); got != "89" {
		t.Errorf("ribKey = %s, want 89", got)
	}
	if got := luhn("411111111111111", 16, 0); got != "4111111111111111" {
		t.Errorf("luhn = %s", got)
	}
}

func TestCheckText(t *testing.T) {
	for _, c := range cases() {
		err := privacy.CheckText(c.text)
		if c.want == 0 {
			if err != nil {
				t.Errorf("CheckText(%q) = %v, want nil", c.text, err)
			}
			continue
		}
		if !errors.Is(err, c.want.Problem()) {
			t.Errorf("CheckText(%q) = %v, want %s", c.text, err, c.want.Problem().Key)
			continue
		}
		p, _ := problem.Find(err)
		if p.Args["excerpt"] != privacy.Find(c.text)[0].Excerpt {
			t.Errorf("CheckText(%q) excerpt = %v", c.text, p.Args["excerpt"])
		}
		f := privacy.Find(c.text)[0]
		if value := c.text[f.Start:f.End]; len(value) > 2 && strings.Contains(err.Error(), value) {
			t.Errorf("CheckText(%q) = %q: the log text holds the value", c.text, err)
		}
	}
}

func TestCheckFields(t *testing.T) {
	visa := groups4(luhn("4", 16, 1))
	err := privacy.CheckFields(map[string]string{
		"Notes":     "Rappeler lundi, a oublié son mot de passe ameli",
		"Démarche":  "Carte " + visa,
		"Suite":     "mdp : Soleil2024",
		"Téléphone": "06 12 34 56 78",
	})
	if !errors.Is(err, privacy.ErrCard) {
		t.Fatalf("CheckFields = %v, want %s", err, privacy.ErrCard.Key)
	}
	p, _ := problem.Find(err)
	if p.Args["field"] != "Démarche" || p.Args["excerpt"] != visa[:4]+" …" {
		t.Errorf("CheckFields args = %v, want field Démarche (the first by name)", p.Args)
	}
	if err := privacy.CheckFields(map[string]string{"Notes": "RDV CAF le 12/03 à 14h", "Vide": ""}); err != nil {
		t.Errorf("CheckFields(clean) = %v", err)
	}
	if err := privacy.CheckFields(nil); err != nil {
		t.Errorf("CheckFields(nil) = %v", err)
	}
}

func TestMask(t *testing.T) {
	for _, c := range cases() {
		got := privacy.Mask(c.text)
		if c.want == 0 && got != c.text {
			t.Errorf("Mask(%q) = %q, want it unchanged", c.text, got)
		}
		if err := privacy.CheckText(got); err != nil {
			t.Errorf("CheckText(Mask(%q)) = %v", c.text, err)
		}
	}
	text := "NIR " + withKey("1 85 05 78 006 084") + ", mdp : Soleil2024, CB " + groups4(luhn("4", 16, 1)) + "."
	want := fmt.Sprintf("NIR 1 85 05 …, mdp : …, CB %s …", luhn("4", 16, 1)[:4]) + "."
	if got := privacy.Mask(text); got != want {
		t.Errorf("Mask(%q) = %q, want %q", text, got, want)
	}
}

func TestFindAll(t *testing.T) {
	fr := spaced(ibanFR("30004", "01234", "00012345678"), 4)
	text := "IBAN " + fr + "\nNIR " + withKey("2 69 05 49 588 157") + "\nmdp : Soleil2024"
	found := privacy.Find(text)
	var kinds []privacy.Kind
	for _, f := range found {
		kinds = append(kinds, f.Kind)
	}
	if fmt.Sprint(kinds) != fmt.Sprint([]privacy.Kind{privacy.IBAN, privacy.NIR, privacy.Password}) {
		t.Errorf("Find(%q) kinds = %v, want IBAN NIR password", text, kinds)
	}
	if found[0].Start != strings.Index(text, fr) || text[found[0].Start:found[0].End] != fr {
		t.Errorf("Find IBAN span = %d:%d", found[0].Start, found[0].End)
	}
	if v := text[found[2].Start:found[2].End]; v != "Soleil2024" {
		t.Errorf("Find password value = %q", v)
	}
}
