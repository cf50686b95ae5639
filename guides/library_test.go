package guides_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"relais/guides"
	"relais/store"
)

func TestSaveKeepsPreviousVersion(t *testing.T) {
	l, _ := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	img := pngImage(t, 40, 30, false)
	v1 := must[guides.Guide](t)(l.Save(g, map[string][]byte{"accueil.png": img}, "camille"))
	if v1.Version != 1 {
		t.Errorf("first Save: version %d, want 1", v1.Version)
	}
	edit := v1
	edit.Steps = append([]guides.Step(nil), v1.Steps...)
	edit.Steps[1].Body = "Cliquez sur « Continuer »."
	v2 := must[guides.Guide](t)(l.Save(edit, nil, "yanis")) // the image is already stored
	if v2.Version != 2 || v2.Steps[1].Body != "Cliquez sur « Continuer »." {
		t.Errorf("second Save = version %d, step %q", v2.Version, v2.Steps[1].Body)
	}
	if got := must[guides.Guide](t)(l.Get(g.ID)); !reflect.DeepEqual(got, v2) {
		t.Errorf("Get = %#v, want %#v", got, v2)
	}
	old := must[guides.Guide](t)(l.GetVersion(g.ID, 1))
	if old.Version != 1 || old.Steps[1].Body != g.Steps[1].Body {
		t.Errorf("GetVersion(1) = version %d, step %q: the previous version is lost", old.Version, old.Steps[1].Body)
	}
	if b := must[[]byte](t)(l.Image(g.ID, "accueil.png")); string(b) != string(img) {
		t.Errorf("Image after the second save differs")
	}

	// Someone saving from version 1 again would overwrite version 2.
	if _, err := l.Save(edit, nil, "camille"); !errors.Is(err, guides.ErrChangedMeanwhile) {
		t.Errorf("Save from a stale version = %v, want ErrChangedMeanwhile", err)
	}
	g.Title = "Autre"
	if _, err := l.Save(g, map[string][]byte{"accueil.png": img}, "camille"); !errors.Is(err, guides.ErrGuideExists) {
		t.Errorf("Save of a new guide with a used id = %v, want ErrGuideExists", err)
	}
	if _, err := l.Get("inconnu"); !errors.Is(err, guides.ErrUnknownGuide) || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(unknown) = %v", err)
	}
}

func TestSaveValidates(t *testing.T) {
	l, db := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	g.Steps = append([]guides.Step(nil), g.Steps...)
	g.Steps[2].Title = ""
	_, err := l.Save(g, map[string][]byte{"accueil.png": pngImage(t, 4, 4, false)}, "camille")
	var pe *guides.ParseError
	if !errors.As(err, &pe) || !errors.Is(err, guides.ErrNoStepTitle) || pe.Step != 2 {
		t.Errorf("Save with an untitled step = %#v, want ErrNoStepTitle in step 2", err)
	}
	if n, _ := db.Count(guides.Kind); n != 0 {
		t.Errorf("%d guides written", n)
	}
}

func TestImages(t *testing.T) {
	l, db := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	// A guide that shows an image nobody gave.
	if _, err := l.Save(g, nil, "camille"); !errors.Is(err, guides.ErrMissingImage) {
		t.Errorf("Save without its image = %v, want ErrMissingImage", err)
	}
	if _, err := l.Save(g, map[string][]byte{"accueil.png": []byte("pas une image")}, "camille"); !errors.Is(err, guides.ErrNotAnImage) {
		t.Errorf("Save with text as image = %v, want ErrNotAnImage", err)
	}
	// A big screenshot is cut into parts and comes back whole.
	big := pngImage(t, 600, 600, true)
	if len(big) < 1<<20 || len(big) > guides.MaxImageSize {
		t.Fatalf("test image is %d bytes", len(big))
	}
	g.Steps = append([]guides.Step(nil), g.Steps...)
	g.Steps[1].Images = []guides.Image{{Alt: "Le choix du compte", File: "choix.jpg"}}
	saved := must[guides.Guide](t)(l.Save(g, map[string][]byte{"accueil.png": big, "choix.jpg": jpegImage(t)}, "camille"))
	if !reflect.DeepEqual(saved.Images, []string{"accueil.png", "choix.jpg"}) {
		t.Errorf("Images = %q", saved.Images)
	}
	if b := must[[]byte](t)(l.Image(g.ID, "accueil.png")); string(b) != string(big) {
		t.Errorf("Image(accueil.png) differs from what was saved")
	}
	if _, err := l.Image(g.ID, "ailleurs.png"); !errors.Is(err, guides.ErrMissingImage) {
		t.Errorf("Image(unknown file) = %v, want ErrMissingImage", err)
	}
	if _, err := l.Image("inconnu", "accueil.png"); !errors.Is(err, guides.ErrUnknownGuide) {
		t.Errorf("Image(unknown guide) = %v, want ErrUnknownGuide", err)
	}
	// An image whose parts have not arrived from the partners yet.
	var partID string
	must[int](t)(0, db.Scan(guides.AttachmentPartKind, "", func(r store.Record) error { partID = r.ID; return store.Stop }))
	if _, err := db.Delete(guides.AttachmentPartKind, partID); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Image(g.ID, "accueil.png"); !errors.Is(err, guides.ErrMissingImage) {
		t.Errorf("Image with a part missing = %v, want ErrMissingImage", err)
	}
	// Too big: refused before anything is written.
	seq := db.LastSequence()
	huge := make([]byte, 3<<20)
	copy(huge, big)
	edit := saved
	if _, err := l.Save(edit, map[string][]byte{"accueil.png": huge}, "camille"); !errors.Is(err, guides.ErrImageTooLarge) {
		t.Errorf("Save with a 3 MB image = %v, want ErrImageTooLarge", err)
	}
	if db.LastSequence() != seq {
		t.Errorf("a refused save wrote something")
	}
}

// TestSaveRefusesAPastedDocument: 5 MB pasted in a step is refused with a
// clear message, and nothing is written.
func TestSaveRefusesAPastedDocument(t *testing.T) {
	l, db := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	g.Steps = append([]guides.Step(nil), g.Steps...)
	g.Steps[1].Body = strings.Repeat("Un très long document collé par erreur. ", 5<<20/41)
	seq := db.LastSequence()
	_, err := l.Save(g, map[string][]byte{"accueil.png": pngImage(t, 4, 4, false)}, "camille")
	if !errors.Is(err, guides.ErrTooLarge) || !strings.Contains(err.Error(), "too large") {
		t.Errorf("Save(5 MB) = %v, want ErrTooLarge", err)
	}
	if db.LastSequence() != seq {
		t.Errorf("a refused save wrote something")
	}
	if got := l.List(); len(got) != 0 {
		t.Errorf("List = %v", got)
	}
}

// bundled is a bundled library: two good guides and a broken one.
func bundled(t testing.TB, version string) fstest.MapFS {
	valid := strings.Replace(string(readFixture(t, "valid.md")), "version: 1", "version: "+version, 1)
	return fstest.MapFS{
		"franceconnect-creer-compte.md": {Data: []byte(valid)},
		"accueil.png":                   {Data: pngImage(t, 20, 10, false)},
		"caf-rsa.md":                    {Data: []byte(header + oneStep)},
		"casse.md":                      {Data: []byte(withLine("reviewed", "reviewed: 2026-02-30") + oneStep)},
		"notes.txt":                     {Data: []byte("pas un guide")},
	}
}

func TestLoadBundled(t *testing.T) {
	l, db := newLibrary(t)
	loaded := must[guides.Loaded](t)(l.LoadBundled(bundled(t, "1")))
	if !reflect.DeepEqual(loaded.Added, []string{"caf-rsa", "franceconnect-creer-compte"}) || len(loaded.Updated) != 0 {
		t.Errorf("LoadBundled added %q, updated %q", loaded.Added, loaded.Updated)
	}
	if len(loaded.Problems) != 1 || !errors.Is(loaded.Problems[0], guides.ErrBadDate) ||
		!strings.HasPrefix(loaded.Problems[0].Error(), "casse.md, line 8: ") {
		t.Errorf("LoadBundled problems = %v, want casse.md:8 bad date", loaded.Problems)
	}
	if got := len(l.List()); got != 2 {
		t.Errorf("List has %d guides, want 2", got)
	}
	if _, err := l.Image("franceconnect-creer-compte", "accueil.png"); err != nil {
		t.Errorf("Image of a bundled guide: %v", err)
	}

	// Starting again changes nothing.
	seq := db.LastSequence()
	again := must[guides.Loaded](t)(l.LoadBundled(bundled(t, "1")))
	if len(again.Added)+len(again.Updated) != 0 || db.LastSequence() != seq {
		t.Errorf("second LoadBundled = %+v and wrote", again)
	}

	// A newer bundled version replaces one nobody edited, and the old one is kept.
	up := must[guides.Loaded](t)(l.LoadBundled(bundled(t, "2")))
	if !reflect.DeepEqual(up.Updated, []string{"franceconnect-creer-compte"}) {
		t.Errorf("LoadBundled(v2) updated %q", up.Updated)
	}
	if g := must[guides.Guide](t)(l.GetVersion("franceconnect-creer-compte", 1)); g.Version != 1 {
		t.Errorf("version 1 lost")
	}

	// Once a centre edited it, a newer bundled version leaves it alone.
	g := must[guides.Guide](t)(l.Get("franceconnect-creer-compte"))
	g.Intro = "Notre façon de faire."
	must[guides.Guide](t)(l.Save(g, nil, "camille"))
	up = must[guides.Loaded](t)(l.LoadBundled(bundled(t, "5")))
	if len(up.Updated) != 0 {
		t.Errorf("LoadBundled(v5) replaced an edited guide: %q", up.Updated)
	}
	if g := must[guides.Guide](t)(l.Get("franceconnect-creer-compte")); g.Intro != "Notre façon de faire." || g.Version != 3 {
		t.Errorf("edited guide = version %d, intro %q", g.Version, g.Intro)
	}
}

// TestBundledVersionsAreEqual: two centres importing the same bundled guide
// hold the same version of it, so syncing them makes no conflict.
func TestBundledVersionsAreEqual(t *testing.T) {
	l1, db1 := newLibrary(t)
	l2, db2 := newLibrary(t)
	must[guides.Loaded](t)(l1.LoadBundled(bundled(t, "1")))
	must[guides.Loaded](t)(l2.LoadBundled(bundled(t, "1")))
	for _, kind := range []string{guides.Kind, guides.AttachmentKind} {
		must[int](t)(0, db1.Scan(kind, "", func(r1 store.Record) error {
			r2, err := db2.Get(r1.Kind, r1.ID)
			if err != nil {
				return err
			}
			if r1.Version.Compare(r2.Version) != store.Equal || string(r1.Body) != string(r2.Body) || !r1.Modified.Equal(r2.Modified) {
				t.Errorf("%s differs between centres: %v / %v", r1.Name(), r1.Version, r2.Version)
			}
			if r1.Scope != store.ScopeNetwork {
				t.Errorf("%s is not shared", r1.Name())
			}
			return nil
		}))
	}
	outcomes, err := db2.ApplyRemote(records(t, db1, 0))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outcomes {
		if o != store.Ignored {
			t.Errorf("record %d: outcome %v, want Ignored", i, o)
		}
	}
}

// records returns every record of db changed after since, as sync sends them.
func records(t testing.TB, db *store.DB, since uint64) []store.Record {
	var out []store.Record
	must[int](t)(0, db.Changes(since, func(r store.Record) error {
		r.Body = append([]byte(nil), r.Body...)
		out = append(out, r)
		return nil
	}))
	return out
}
