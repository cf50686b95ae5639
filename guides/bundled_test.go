package guides_test

import (
	"io/fs"
	"testing"

	"relais/guides"
)

// TestBundledGuides checks every guide shipped in assets/guides: it parses,
// has 5 to 15 steps, its id is its file name, and its images are there.
func TestBundledGuides(t *testing.T) {
	fsys := guides.Bundled()
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Skip("assets/guides holds no guide yet")
	}
	ids := map[string]string{}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		g, err := guides.Parse(name, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if n := len(g.Steps); n < 5 || n > 15 {
			t.Errorf("%s: %d steps, want 5 to 15", name, n)
		}
		if g.ID+".md" != name {
			t.Errorf("%s: id %q, want the file's name", name, g.ID)
		}
		if other, ok := ids[g.ID]; ok {
			t.Errorf("%s and %s share the id %q", name, other, g.ID)
		}
		ids[g.ID] = name
		for _, img := range g.Images {
			if _, err := fs.Stat(fsys, img); err != nil {
				t.Errorf("%s: image %s: %v", name, img, err)
			}
		}
	}
	l, _ := newLibrary(t)
	loaded, err := l.LoadBundled(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Problems) > 0 || len(loaded.Added) != len(ids) {
		t.Errorf("LoadBundled added %d of %d guides; problems: %v", len(loaded.Added), len(ids), loaded.Problems)
	}
	t.Logf("%d bundled guides", len(ids))
}
