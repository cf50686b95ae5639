package guides_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/guides"
)

// withoutLines returns g with its steps' Line cleared: Format lays a guide
// out its own way, so the lines move and nothing else may.
func withoutLines(g guides.Guide) guides.Guide {
	g.Steps = append([]guides.Step(nil), g.Steps...)
	for i := range g.Steps {
		g.Steps[i].Line = 0
	}
	return g
}

// checkRoundTrip checks that Parse(Format(g)) gives g back, and that the
// second Format writes the same bytes.
func checkRoundTrip(t testing.TB, g guides.Guide) {
	t.Helper()
	out := guides.Format(g)
	back, err := guides.Parse("formatted.md", out)
	if err != nil {
		t.Fatalf("Parse(Format(g)) = %v\n%s", err, out)
	}
	if !reflect.DeepEqual(withoutLines(back), withoutLines(g)) {
		t.Fatalf("Parse(Format(g)) =\n%#v\nwant\n%#v\nformatted:\n%s", back, g, out)
	}
	if again := guides.Format(back); string(again) != string(out) {
		t.Fatalf("Format is not stable:\n%s\nthen\n%s", out, again)
	}
}

func TestRoundTrip(t *testing.T) {
	g, err := guides.Parse("valid.md", readFixture(t, "valid.md"))
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, g)
}

// TestFormatEscapes checks texts that Markdown or YAML would read otherwise.
func TestFormatEscapes(t *testing.T) {
	g := guides.Guide{
		ID: "test-echappements", Title: `Titre : « # 1 » *pas* d'emphase, "guillemets" & [crochets]`,
		Procedures: []string{"caf-demande-rsa", "css-demande"}, Organisation: "- CAF #1", Site: "https://www.caf.fr/a?b=c#d",
		Version: 3, Reviewed: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Author: "yes", Duration: 480,
		Intro: "Intro *en Markdown*.",
		Steps: []guides.Step{
			{Title: `C# \ <b>gras</b> &amp; _x_ ` + "`code`", Body: "Texte **gras**.\n\n- un\n- deux"},
			{Title: "Tableau", Fields: [][2]string{{"Champ | avec barre", `a\|b`}, {"", "vide à gauche"}}},
			{Title: "Images", Images: []guides.Image{{Alt: "![x](y.png) [lien]", File: "capture-1.PNG"}, {Alt: "", File: "b.jpeg"}}},
			{Title: "Listes", Prepare: []string{"1. pas une liste", "**carte** Vitale"}, Pitfalls: []string{"- tiret", "# pas un titre"}},
		},
		Images: []string{"capture-1.PNG", "b.jpeg"},
	}
	checkRoundTrip(t, g)
	if out := string(guides.Format(g)); !strings.Contains(out, "\n## C\\# \\\\ \\<b>gras\\</b> \\&amp; \\_x\\_ \\`code\\`\n") {
		t.Errorf("Format wrote the title as\n%s", out)
	}
}
