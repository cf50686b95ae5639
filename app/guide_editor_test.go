package app_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/appointments"
	"relais/guides"
)

// editorFor signs in and opens the Guides section.
func editorUI(t *testing.T) *app.UI {
	t.Helper()
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	openGuides(t, u)
	return u
}

// newGuideEditor taps « Nouveau guide ».
func newGuideEditor(t *testing.T, u *app.UI) app.GuideEditorView {
	t.Helper()
	add, _, _ := u.GuideEditButtons()
	if add == nil {
		t.Fatal("the list has no « Nouveau guide »")
	}
	test.Tap(add)
	u.WaitIdle(t)
	ev := u.GuideEditorView()
	if !ev.Open {
		t.Fatal("« Nouveau guide » opens no editor")
	}
	return ev
}

// openBundled opens the bundled guide whose title holds word in the viewer.
func openBundled(t *testing.T, u *app.UI, word string) guides.Guide {
	t.Helper()
	v := u.GuidesView()
	i := slices.IndexFunc(v.Titles, func(s string) bool { return strings.Contains(s, word) })
	if i < 0 {
		t.Fatalf("no guide « %s » in %v", word, v.Titles)
	}
	test.Tap(v.Buttons[i])
	u.WaitIdle(t)
	gv := u.GuidesView().Viewer
	if gv == nil {
		t.Fatalf("the guide « %s » does not open", word)
	}
	for _, g := range u.GuideLibrary().List() {
		if g.Title == gv.Guide {
			got, err := u.GuideLibrary().Get(g.ID)
			must(t, err)
			return got
		}
	}
	t.Fatalf("no guide titled %q in the library", gv.Guide)
	return guides.Guide{}
}

// setText replaces the editor's text and waits for the preview.
func setText(t *testing.T, u *app.UI, text string) app.GuideEditorView {
	t.Helper()
	u.GuideEditorView().Text.SetText(text)
	u.WaitIdle(t)
	return u.GuideEditorView()
}

func smallPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(x * 7), G: uint8(y * 11), B: 200, A: 255})
		}
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

func containsText(texts []string, part string) bool {
	return slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, part) })
}

// A new guide starts from a template that is already a guide; once edited
// and saved, it opens in the viewer as version 1, under an id made from
// its title.
func TestGuideEditorCreatesAGuide(t *testing.T) {
	u := editorUI(t)
	before := len(u.GuideLibrary().List())
	ev := newGuideEditor(t, u)
	if ev.PreviewProblem != "" || ev.PreviewTitle != lang.L("New guide") || len(ev.PreviewTexts) == 0 {
		t.Fatalf("the template previews as %q, problem %q", ev.PreviewTitle, ev.PreviewProblem)
	}
	src := ev.Text.Text
	for _, want := range []string{"author: " + centreName, "reviewed: " + time.Now().In(appointments.Paris).Format(time.DateOnly), "version: 1", "\n## "} {
		if !strings.Contains(src, want) {
			t.Errorf("the template lacks %q:\n%s", want, src)
		}
	}
	src = strings.Replace(src, "title: "+lang.L("New guide"), "title: Demander la prime d'activité", 1)
	src += "\n## Remplir le formulaire\n\nCliquez sur « Commencer » et remplissez chaque champ avec la personne.\n"
	ev = setText(t, u, src)
	if ev.PreviewProblem != "" || ev.PreviewTitle != "Demander la prime d'activité" || !containsText(ev.PreviewTexts, "Remplir le formulaire") {
		t.Fatalf("after typing, the preview shows %q %q (problem %q)", ev.PreviewTitle, ev.PreviewTexts, ev.PreviewProblem)
	}

	test.Tap(ev.Save)
	u.WaitIdle(t)
	if ev = u.GuideEditorView(); ev.Open {
		t.Fatalf("the editor stays open after saving: problem %q", ev.Problem)
	}
	gv := u.GuidesView().Viewer
	if gv == nil || gv.Guide != "Demander la prime d'activité" || !strings.Contains(gv.Counter, "sur 2") {
		t.Fatalf("after saving, the viewer shows %+v", gv)
	}
	if want := lang.L("Version {{.N}} saved", map[string]any{"N": "1"}); u.GuideNotice() != want {
		t.Errorf("notice %q, want %q", u.GuideNotice(), want)
	}
	g, err := u.GuideLibrary().Get("demander-la-prime-d-activite")
	if err != nil || g.Version != 1 || len(g.Steps) != 2 {
		t.Fatalf("the library holds %+v, %v", g, err)
	}
	if n := len(u.GuideLibrary().List()); n != before+1 {
		t.Errorf("the library lists %d guides, want %d", n, before+1)
	}
}

// Editing a bundled guide saves a new version; the one it replaces can
// still be read.
func TestGuideEditorSavesANewVersion(t *testing.T) {
	u := editorUI(t)
	old := openBundled(t, u, "FranceConnect")
	_, edit, _ := u.GuideEditButtons()
	test.Tap(edit)
	u.WaitIdle(t)
	ev := u.GuideEditorView()
	if !ev.Open || ev.Text.Text != string(guides.Format(old)) || ev.PreviewTitle != old.Title {
		t.Fatalf("« Modifier » opens %+v", ev)
	}
	first := old.Steps[0].Title
	ev = setText(t, u, strings.Replace(ev.Text.Text, "## "+first, "## "+first+" sans se tromper", 1))
	if !containsText(ev.PreviewTexts, first+" sans se tromper") {
		t.Fatalf("the preview does not follow the text: %q (problem %q)", ev.PreviewTexts, ev.PreviewProblem)
	}
	test.Tap(ev.Save)
	u.WaitIdle(t)
	gv := u.GuidesView().Viewer
	if gv == nil || gv.StepTitle != first+" sans se tromper" {
		t.Fatalf("after saving, the viewer shows %+v (editor problem %q)", gv, u.GuideEditorView().Problem)
	}
	lib := u.GuideLibrary()
	now, err := lib.Get(old.ID)
	if err != nil || now.Version != old.Version+1 || now.Steps[0].Title != first+" sans se tromper" {
		t.Fatalf("Get = version %d, step %q, %v; want version %d", now.Version, now.Steps[0].Title, err, old.Version+1)
	}
	prev, err := lib.GetVersion(old.ID, old.Version)
	if err != nil || prev.Steps[0].Title != first {
		t.Fatalf("GetVersion(%d) = step %q, %v; want the text before", old.Version, prev.Steps[0].Title, err)
	}
	if want := lang.L("Version {{.N}} saved", map[string]any{"N": strconv.Itoa(old.Version + 1)}); u.GuideNotice() != want {
		t.Errorf("notice %q, want %q", u.GuideNotice(), want)
	}
}

// A text that is not a guide shows its problem with its line in the
// preview; Save refuses it, writes nothing and keeps the text.
func TestGuideEditorRefusesAMalformedGuide(t *testing.T) {
	u := editorUI(t)
	lib := u.GuideLibrary()
	before := lib.List()
	ev := newGuideEditor(t, u)
	template := ev.Text.Text
	empty := template + "\n## Une étape vide\n\n## Une autre\n\nCliquez sur « Valider ».\n"
	line := strings.Count(empty[:strings.Index(empty, "## Une étape vide")], "\n") + 1
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty step", empty, lang.X("guide_editor.your_text", "Your text") + ", ligne " + strconv.Itoa(line) + " : l'étape « Une étape vide » est vide"},
		{"no title", strings.Replace(template, "title: "+lang.L("New guide")+"\n", "", 1), "« title »"},
		{"no header", strings.TrimPrefix(template, "---\n"), "en-tête"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := setText(t, u, tc.text)
			if !strings.Contains(ev.PreviewProblem, tc.want) || ev.PreviewTitle != "" {
				t.Fatalf("preview problem %q (title %q), want one with %q", ev.PreviewProblem, ev.PreviewTitle, tc.want)
			}
			test.Tap(ev.Save)
			u.WaitIdle(t)
			ev = u.GuideEditorView()
			if !ev.Open || ev.Problem != ev.PreviewProblem || ev.Text.Text != tc.text {
				t.Fatalf("after Save: open %v, problem %q, want %q; text kept %v", ev.Open, ev.Problem, ev.PreviewProblem, ev.Text.Text == tc.text)
			}
			if after := lib.List(); !slices.EqualFunc(before, after, func(a, b guides.Summary) bool { return a.ID == b.ID && a.Version == b.Version }) {
				t.Errorf("the library changed: %d guides, then %d", len(before), len(after))
			}
		})
	}
}

// A pasted document larger than a guide is refused at once, without
// freezing the window: the problem says why, the text stays as it was and
// nothing is written.
func TestGuideEditorRefusesATooLargePaste(t *testing.T) {
	a := fresh(t)
	u := newUI(t, a, setUpDesk(t))
	signIn(t, u, password)
	openGuides(t, u)
	lib := u.GuideLibrary()
	before := len(lib.List())
	ev := newGuideEditor(t, u)
	typed := setText(t, u, ev.Text.Text+"\nUne phrase tapée.\n").Text.Text
	huge := strings.Repeat("Un document collé tout entier.\n", 5<<20/32)
	a.Clipboard().SetContent(huge)
	start := time.Now()
	ev.Text.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	u.WaitIdle(t)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 5 MB paste took %v", d)
	}
	ev = u.GuideEditorView()
	size := len(typed) + len(huge)
	want := lang.L("The text pasted is too large ({{.Size}} KB): a guide is at most {{.Max}} KB, so it was not added and your guide stays as it was. Did you paste a whole document? Paste only the steps, and add screenshots as pictures.",
		map[string]any{"Size": strconv.Itoa(size >> 10), "Max": strconv.Itoa(guides.MaxSize >> 10)})
	if ev.Problem != want {
		t.Errorf("problem %q, want %q", ev.Problem, want)
	}
	if ev.Text.Text != typed || ev.PreviewProblem != "" || ev.PreviewTitle == "" {
		t.Errorf("after the paste: text kept %v, preview %q (problem %q)", ev.Text.Text == typed, ev.PreviewTitle, ev.PreviewProblem)
	}
	if n := len(lib.List()); n != before {
		t.Errorf("the library went from %d to %d guides", before, n)
	}
}

// « Dupliquer » asks for a title, makes a new guide under an id drawn
// from it and opens the copy in the editor.
func TestGuideEditorDuplicates(t *testing.T) {
	u := editorUI(t)
	old := openBundled(t, u, "FranceConnect")
	_, _, dup := u.GuideEditButtons()
	test.Tap(dup)
	title, d := u.DuplicateGuideDialog()
	if title == nil || !strings.Contains(title.Text, old.Title) {
		t.Fatalf("the dialog suggests %v", title)
	}
	title.SetText("FranceConnect : notre façon de faire")
	d.Submit()
	u.WaitIdle(t)
	ev := u.GuideEditorView()
	if !ev.Open || !strings.Contains(ev.Heading, "notre façon de faire") {
		t.Fatalf("after duplicating, the editor shows %+v", ev)
	}
	g, err := u.GuideLibrary().Get("franceconnect-notre-facon-de-faire")
	if err != nil || g.Title != "FranceConnect : notre façon de faire" || g.Version != 1 || len(g.Steps) != len(old.Steps) {
		t.Fatalf("the copy is %+v, %v", g, err)
	}
	if orig, err := u.GuideLibrary().Get(old.ID); err != nil || orig.Version != old.Version || orig.Title != old.Title {
		t.Errorf("the original changed: %+v, %v", orig, err)
	}
	// A second copy under the same title gets another id.
	test.Tap(ev.Cancel)
	u.WaitIdle(t)
	if gv := u.GuidesView().Viewer; gv == nil || gv.Guide != g.Title {
		t.Fatalf("Cancel without changes goes to %+v, want the copy", gv)
	}
	_, _, dup = u.GuideEditButtons()
	test.Tap(dup)
	title, d = u.DuplicateGuideDialog()
	title.SetText("FranceConnect : notre façon de faire")
	d.Submit()
	u.WaitIdle(t)
	if _, err := u.GuideLibrary().Get("franceconnect-notre-facon-de-faire-2"); err != nil {
		t.Errorf("the second copy: %v", err)
	}
}

// A picture added in the editor goes into the text, shows in the preview
// and is saved as an attachment of the guide.
func TestGuideEditorAddsAPicture(t *testing.T) {
	u := editorUI(t)
	ev := newGuideEditor(t, u)
	pic := smallPNG(t, 40, 30)
	u.AddEditorImage("Capture Écran 1.PNG", pic)
	u.WaitIdle(t)
	ev = u.GuideEditorView()
	if !strings.Contains(ev.Text.Text, "](capture-ecran-1.png)") || ev.Problem != "" {
		t.Fatalf("after adding the picture: problem %q, text\n%s", ev.Problem, ev.Text.Text)
	}
	if ev.PreviewProblem != "" || containsText(ev.PreviewTexts, "capture-ecran-1.png") {
		t.Fatalf("the preview shows %q (problem %q), want the picture", ev.PreviewTexts, ev.PreviewProblem)
	}
	// Too large, or not a picture: refused, the text unchanged.
	text := ev.Text.Text
	u.AddEditorImage("photo.jpg", make([]byte, guides.MaxImageSize+1))
	if ev = u.GuideEditorView(); !strings.Contains(ev.Problem, "photo.jpg") || ev.Text.Text != text {
		t.Errorf("a 2 MB+ picture: problem %q", ev.Problem)
	}
	u.AddEditorImage("notes.png", []byte("not a picture"))
	if ev = u.GuideEditorView(); !strings.Contains(ev.Problem, "notes.png") || ev.Text.Text != text {
		t.Errorf("a file that is no picture: problem %q", ev.Problem)
	}

	test.Tap(ev.Save)
	u.WaitIdle(t)
	gv := u.GuidesView().Viewer
	if gv == nil {
		t.Fatalf("the guide with a picture is not saved: %q", u.GuideEditorView().Problem)
	}
	var id string
	for _, g := range u.GuideLibrary().List() {
		if g.Title == gv.Guide {
			id = g.ID
		}
	}
	got, err := u.GuideLibrary().Image(id, "capture-ecran-1.png")
	if err != nil || !bytes.Equal(got, pic) {
		t.Fatalf("Image(%s, capture-ecran-1.png) = %d bytes, %v", id, len(got), err)
	}
	if containsText(gv.Texts, "manquante") {
		t.Errorf("the viewer says a picture is missing: %q", gv.Texts)
	}
}

// Someone saving the guide meanwhile (a partner, by sync) is said
// clearly; the text typed stays.
func TestGuideEditorChangedMeanwhile(t *testing.T) {
	u := editorUI(t)
	old := openBundled(t, u, "FranceConnect")
	_, edit, _ := u.GuideEditButtons()
	test.Tap(edit)
	u.WaitIdle(t)
	ev := setText(t, u, strings.Replace(u.GuideEditorView().Text.Text, old.Steps[0].Title, "Mon titre", 1))
	other := old
	other.Duration++
	if _, err := u.GuideLibrary().Save(other, nil, "partenaire"); err != nil {
		t.Fatal(err)
	}
	typed := ev.Text.Text
	test.Tap(ev.Save)
	u.WaitIdle(t)
	ev = u.GuideEditorView()
	if !ev.Open || !strings.Contains(ev.Problem, "entre-temps") || !strings.Contains(ev.Problem, strconv.Itoa(old.Version+1)) || ev.Text.Text != typed {
		t.Fatalf("after a save meanwhile: open %v, problem %q, text kept %v", ev.Open, ev.Problem, ev.Text.Text == typed)
	}
	if g, _ := u.GuideLibrary().Get(old.ID); g.Version != old.Version+1 || g.Steps[0].Title != old.Steps[0].Title {
		t.Errorf("the other save was overwritten: version %d, %q", g.Version, g.Steps[0].Title)
	}
}

// Cancel asks before dropping changes; a text left by opening another
// section comes back the next time.
func TestGuideEditorCancelAndDraft(t *testing.T) {
	u := editorUI(t)
	ev := newGuideEditor(t, u)
	changed := setText(t, u, ev.Text.Text+"\nUne phrase de plus.\n").Text.Text
	test.Tap(u.GuideEditorView().Cancel)
	ev = u.GuideEditorView()
	if ev.Confirm == nil {
		t.Fatal("Cancel with changes does not ask")
	}
	ev.Confirm.Dismiss()
	if ev = u.GuideEditorView(); !ev.Open || ev.Text.Text != changed {
		t.Fatal("« Continuer à modifier » leaves the editor")
	}

	u.OpenSection(app.SectionHome)
	u.WaitIdle(t)
	openGuides(t, u)
	ev = newGuideEditor(t, u)
	if ev.Text.Text != changed || ev.Notice == "" {
		t.Fatalf("the draft is not back: notice %q", ev.Notice)
	}
	test.Tap(ev.Cancel)
	u.GuideEditorView().Confirm.Confirm()
	u.WaitIdle(t)
	if u.GuideEditorView().Open || !u.GuidesView().Open || u.GuidesView().Viewer != nil {
		t.Fatal("confirming Cancel does not go back to the list")
	}
	if ev = newGuideEditor(t, u); ev.Text.Text == changed || ev.Notice != "" {
		t.Error("a draft dropped by Cancel comes back")
	}
}

// « Marquer comme relu aujourd'hui » sets the review date of the header.
func TestGuideEditorMarksReviewed(t *testing.T) {
	u := editorUI(t)
	ev := newGuideEditor(t, u)
	today := time.Now().In(appointments.Paris).Format(time.DateOnly)
	old := strings.Replace(ev.Text.Text, "reviewed: "+today, "reviewed: 2024-01-15", 1)
	ev = setText(t, u, old)
	test.Tap(ev.Reviewed)
	u.WaitIdle(t)
	if ev = u.GuideEditorView(); !strings.Contains(ev.Text.Text, "\nreviewed: "+today+"\n") || strings.Contains(ev.Text.Text, "2024-01-15") {
		t.Fatalf("after « relu aujourd'hui »:\n%s", ev.Text.Text)
	}
}

func TestGuideSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Demander la prime d'activité", "demander-la-prime-d-activite"},
		{"  CAF : déclarer ses ressources — trimestre  ", "caf-declarer-ses-ressources-trimestre"},
		{"Œuvre", "oeuvre"},
		{"A", "guide-a"},
		{"!!!", "guide"},
		{strings.Repeat("très long titre ", 10), "tres-long-titre-tres-long-titre-tres-long-titre"},
	} {
		if got := app.GuideSlug(tc.in); got != tc.want {
			t.Errorf("GuideSlug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPictureName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Capture Écran 1.PNG", "capture-ecran-1.png"},
		{"C:\\Users\\marie\\photo.jpeg", "photo.jpeg"},
		{"/home/marie/page d'accueil.jpg", "page-d-accueil.jpg"},
		{"--.png", "image.png"},
	} {
		if got := app.PictureName(tc.in); got != tc.want {
			t.Errorf("PictureName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInsertPicture(t *testing.T) {
	const head = "---\nid: x\n---\n\nIntro.\n"
	const img = "![a](a.png)"
	for _, tc := range []struct {
		name, text string
		at         int
		want       string
	}{
		{"in the header: at the end", head + "\n## Un\n\nTexte.\n", 2, head + "\n## Un\n\nTexte.\n\n" + img + "\n"},
		{"in a step: after the line", head + "\n## Un\n\nTexte.\n\n## Deux\n\nSuite.\n", len([]rune(head + "\n## Un\n\nTex")),
			head + "\n## Un\n\nTexte.\n\n" + img + "\n\n## Deux\n\nSuite.\n"},
		{"no step", head, 0, head + "\n" + img + "\n"},
	} {
		if got := app.InsertPicture(tc.text, tc.at, img); got != tc.want {
			t.Errorf("%s: InsertPicture = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSetReviewed(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"---\nid: x\nreviewed: 2020-01-01\n---\n## A\n", "---\nid: x\nreviewed: 2026-11-21\n---\n## A\n", true},
		{"---\nid: x\n---\nreviewed: 2020-01-01\n", "---\nid: x\nreviewed: 2026-11-21\n---\nreviewed: 2020-01-01\n", true},
		{"## A\nreviewed: 2020-01-01\n", "## A\nreviewed: 2020-01-01\n", false},
		{"---\nid: x\n", "---\nid: x\n", false},
	} {
		got, ok := app.SetReviewed(tc.in, "2026-11-21")
		if got != tc.want || ok != tc.ok {
			t.Errorf("SetReviewed(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// The names the editor makes from a title or a file's name are always
// ones the guide format accepts.
func FuzzGuideNames(f *testing.F) {
	for _, s := range []string{"Demander la prime d'activité", "Capture Écran 1.PNG", "!!!", "C:\\a\\b.jpeg", "Œuvre", ""} {
		f.Add(s)
	}
	id := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,47}$`)
	file := regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*\.(png|jpe?g)$`)
	f.Fuzz(func(t *testing.T, s string) {
		if got := app.GuideSlug(s); !id.MatchString(got) {
			t.Errorf("GuideSlug(%q) = %q, not a guide id", s, got)
		}
		if got := app.PictureName(s); !file.MatchString(got) {
			t.Errorf("PictureName(%q) = %q, not a picture name", s, got)
		}
	})
}

// A picture goes into any text at any offset, on a line of its own.
func FuzzInsertPicture(f *testing.F) {
	f.Add("---\nid: x\n---\n\n## Un\n\nTexte.\n", 20)
	f.Add("", 0)
	f.Add("## é\n\nà", 3)
	f.Add("## \xc3", 19) // not UTF-8: the offset counts runes, not bytes
	f.Fuzz(func(t *testing.T, text string, at int) {
		const img = "![a](a.png)"
		got := app.InsertPicture(text, at, img)
		if !strings.Contains(got, "\n"+img+"\n") {
			t.Errorf("InsertPicture(%q, %d) = %q, without the picture on its own line", text, at, got)
		}
	})
}
