package guides_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/guides"
	"relais/problem"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseValid(t *testing.T) {
	g, err := guides.Parse("valid.md", readFixture(t, "valid.md"))
	if err != nil {
		t.Fatalf("Parse(valid.md) = %v", err)
	}
	want := guides.Guide{
		ID: "franceconnect-creer-compte", Title: "Se connecter avec FranceConnect",
		Procedures: []string{"franceconnect-creer-compte"}, Organisation: "FranceConnect",
		Site: "https://franceconnect.gouv.fr", Version: 1, Reviewed: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		Author: "Bibliothèque Relais", Duration: 30,
		Intro: "Une phrase ou deux : à quoi sert la démarche, ce que la personne saura faire à la fin.",
		Steps: []guides.Step{
			{
				Title:    "Ouvrir le site",
				Body:     "Ouvrez le navigateur et tapez l'adresse du site dans la barre du haut.",
				Prepare:  []string{"le téléphone de la personne (un code y arrive par SMS)"},
				Pitfalls: []string{"Il existe de faux sites qui font payer : l'adresse doit finir par .gouv.fr."},
				Images:   []guides.Image{{Alt: "La page d'accueil", File: "accueil.png"}},
				Fields:   [][2]string{{"Nom de naissance", "le nom écrit sur la carte d'identité"}},
				Line:     15,
			},
			{
				Title: "Choisir un compte",
				Body: "Cliquez sur **« S'identifier avec FranceConnect »**, puis choisissez le compte\nque la personne utilise déjà :\n\n" +
					"1. impots.gouv.fr si elle déclare ses revenus en ligne ;\n2. ameli.fr si elle a un compte Ameli.\n\n```\nExemple d'écran\n```",
				Line: 30,
			},
			{
				Title: "Vérifier la connexion",
				Body:  "Le nom de la personne apparaît en haut à droite.",
				Pitfalls: []string{
					"Ne notez **jamais** le mot de passe de la personne.",
					"Déconnectez-vous à la fin : cliquez sur « Se déconnecter », puis fermez le navigateur.",
				},
				Line: 41,
			},
		},
		Images: []string{"accueil.png"},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("Parse(valid.md) =\n%#v\nwant\n%#v", g, want)
	}
}

// header is a valid front matter; cases change one line of it.
const header = `---
id: caf-rsa
title: Demander le RSA
procedures: [caf-demande-rsa]
organisation: CAF
site: https://www.caf.fr
version: 2
reviewed: 2026-10-01
author: Centre social Les Tilleuls
duration: 45
---
`

const oneStep = "\n## Ouvrir le site\nOuvrez caf.fr.\n"

// withLine returns header with the line starting with key replaced.
func withLine(key, line string) string {
	var out []string
	for _, l := range strings.Split(header, "\n") {
		if strings.HasPrefix(l, key+":") {
			if line == "" {
				continue
			}
			l = line
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// parseCases are the table of Parse's refusals; FuzzParse starts from them.
var parseCases = []struct {
	name string
	src  string
	want *problem.Problem
	line int
}{
	{"no front matter", "# Titre\n" + oneStep, guides.ErrNoFrontMatter, 1},
	{"front matter not closed", "---\nid: x\n" + oneStep, guides.ErrFrontMatterNotClosed, 1},
	{"bad yaml", withLine("title", "title: [Demander") + oneStep, guides.ErrBadFrontMatter, 3},
	{"colon in a value", withLine("title", "title: Demander: le RSA") + oneStep, guides.ErrBadFrontMatter, 3},
	{"bad indentation", withLine("author", "author: moi\n  x: y") + oneStep, guides.ErrBadFrontMatter, 10},
	{"header not a mapping", "---\n- a\n- b\n---\n" + oneStep, guides.ErrBadFrontMatter, 2},
	{"unknown field", withLine("author", "autor: moi") + oneStep, guides.ErrUnknownField, 9},
	{"duplicate field", withLine("author", "author: moi\nauthor: toi") + oneStep, guides.ErrDuplicateField, 10},
	{"missing title", withLine("title", "") + oneStep, guides.ErrMissingField, 1},
	{"empty title", withLine("title", "title:") + oneStep, guides.ErrMissingField, 3},
	{"title as a list", withLine("title", "title: [a, b]") + oneStep, guides.ErrNotText, 3},
	{"title too long", withLine("title", "title: "+strings.Repeat("é", 121)) + oneStep, guides.ErrTooLong, 3},
	{"bad id", withLine("id", "id: CAF_RSA") + oneStep, guides.ErrBadID, 2},
	{"id too long", withLine("id", "id: "+strings.Repeat("a", 49)) + oneStep, guides.ErrBadID, 2},
	{"unknown procedure", withLine("procedures", "procedures:\n  - caf-demande-rsa\n  - caf-inconnue") + oneStep, guides.ErrUnknownProcedure, 6},
	{"no procedure", withLine("procedures", "procedures: []") + oneStep, guides.ErrMissingField, 4},
	{"procedures as a mapping", withLine("procedures", "procedures: {a: b}") + oneStep, guides.ErrBadProcedures, 4},
	{"site in http", withLine("site", "site: http://www.caf.fr") + oneStep, guides.ErrBadSite, 6},
	{"site not an address", withLine("site", "site: caf") + oneStep, guides.ErrBadSite, 6},
	{"version zero", withLine("version", "version: 0") + oneStep, guides.ErrBadVersion, 7},
	{"version text", withLine("version", "version: deux") + oneStep, guides.ErrBadVersion, 7},
	{"bad date", withLine("reviewed", "reviewed: 2026-13-01") + oneStep, guides.ErrBadDate, 8},
	{"french date", withLine("reviewed", "reviewed: 01/10/2026") + oneStep, guides.ErrBadDate, 8},
	{"duration too long", withLine("duration", "duration: 600") + oneStep, guides.ErrBadDuration, 10},
	{"duration zero", withLine("duration", "duration: 0") + oneStep, guides.ErrBadDuration, 10},
	{"no step", header + "\nRien à faire.\n", guides.ErrNoStep, 13},
	{"empty step", header + oneStep + "\n## Rien\n\n## Fin\nFini.\n", guides.ErrEmptyStep, 16},
	{"empty step with empty sections", header + "\n## Rien\n### Attention\n", guides.ErrEmptyStep, 13},
	{"step without title", header + "\n## \nTexte\n", guides.ErrNoStepTitle, 13},
	{"step title too long", header + "\n## " + strings.Repeat("a", 121) + "\nTexte\n", guides.ErrStepTitleTooLong, 13},
	{"image not png", header + oneStep + "\n![Écran](ecran.gif)\n", guides.ErrBadImage, 16},
	{"image in a folder", header + oneStep + "\n![Écran](images/ecran.png)\n", guides.ErrBadImage, 16},
	{"image going up", header + oneStep + "\n![Écran](..png)\n", guides.ErrBadImage, 16},
	{"image on the web", header + oneStep + "\n![Écran](https://caf.fr/a.png)\n", guides.ErrBadImage, 16},
	{"image in text", header + oneStep + "Cliquez sur ![le bouton](bouton.png) en bas.\n", guides.ErrImageInText, 15},
	{"image in the introduction", header + "\n![Logo](logo.png)\n" + oneStep, guides.ErrImageInText, 13},
	{"three columns", header + oneStep + "\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n", guides.ErrBadTable, 16},
	{"unclosed code", header + oneStep + "\n```\ncode\n", guides.ErrUnclosedBlock, 16},
	{"unclosed comment", header + oneStep + "\n<!-- à finir\n", guides.ErrUnclosedBlock, 16},
	{"not utf-8", header + oneStep + "caf\xe9\n", guides.ErrBadCharacter, 15},
	{"control character", header + oneStep + "a\x00b\n", guides.ErrBadCharacter, 15},
	{"too large", header + oneStep + strings.Repeat("Bla bla bla.\n", 5<<20/13), guides.ErrTooLarge, 0},
}

func TestParseErrors(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := guides.Parse("guide.md", []byte(c.src))
			var pe *guides.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %v, want a *ParseError", err)
			}
			if !errors.Is(err, c.want) {
				t.Errorf("Parse = %v, want %s", err, c.want.Key)
			}
			if c.line != 0 && pe.Line != c.line {
				t.Errorf("Parse = %v, want line %d", err, c.line)
			}
			if pe.File != "guide.md" || pe.Problem.Args["file"] != "guide.md" || pe.Problem.Args["line"] != pe.Line {
				t.Errorf("Parse = %#v: file and line missing from the problem", pe)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "guide.md") || strings.Contains(msg, "guides.") {
				t.Errorf("Error() = %q: want the file, the line and an English message", msg)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := guides.Parse("caf.md", []byte(withLine("reviewed", "reviewed: 2026-13-01")+oneStep))
	want := "caf.md, line 8: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "2026-13-01") {
		t.Errorf("Parse = %v, want %q and the date", err, want)
	}
	p, ok := problem.Find(err)
	if !ok || p.Key != "guides.bad_date" || p.Args["date"] != "2026-13-01" {
		t.Errorf("problem.Find = %v, %v", p, ok)
	}
}

// TestParseLenient checks what the format tolerates.
func TestParseLenient(t *testing.T) {
	src := "\ufeff" + strings.ReplaceAll(withLine("procedures", "procedures: caf-demande-rsa"), "\n", "\r\n") +
		"\r\n## Ouvrir *le* site\r\nTapez caf.fr.\r\n\r\n### attention :\r\n\r\nUn faux site existe.\r\n\r\n" +
		"Titre suivant\r\n-------------\r\nSuite.\r\n"
	g, err := guides.Parse("g.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Procedures) != 1 || len(g.Steps) != 2 || g.Steps[0].Title != "Ouvrir le site" ||
		!reflect.DeepEqual(g.Steps[0].Pitfalls, []string{"Un faux site existe."}) || g.Steps[1].Title != "Titre suivant" || g.Steps[1].Body != "Suite." {
		t.Errorf("Parse = %#v", g)
	}
}

func readFixtureFS(name string) ([]byte, error) { return os.ReadFile("testdata/" + name) }
