package guides_test

import (
	"errors"
	"testing"
	"time"

	"relais/guides"
	"relais/store"
)

const person = "0192f0c4-7d4e-7a51-9c1e-2f9b7e1d3a10" // a UUIDv7, as people gives

func TestWalkthrough(t *testing.T) {
	l, db := searchLibrary(t)
	const guide = "franceconnect-creer-compte"
	if _, err := l.ProgressOf(person, guide); !errors.Is(err, guides.ErrNotStarted) {
		t.Errorf("ProgressOf before Start = %v, want ErrNotStarted", err)
	}
	p := must[guides.Progress](t)(l.Start(person, guide, store.ScopeLocal))
	if p.Current != 0 || p.GuideVersion != 1 || !p.Started.Equal(today) || len(p.Steps) != 0 {
		t.Errorf("Start = %+v", p)
	}
	p = must[guides.Progress](t)(l.MarkStep(person, guide, 0, guides.DoneFor, "camille", "tilleuls", store.ScopeLocal))
	if p.Current != 1 || len(p.Steps) != 1 || p.Steps[0] != (guides.StepDone{Step: 0, Autonomy: guides.DoneFor, At: today, By: "camille", Centre: "tilleuls"}) {
		t.Errorf("MarkStep(0) = %+v", p)
	}
	// Next week, in a partner centre, the person is shared (consent given).
	l.Now = func() time.Time { return today.AddDate(0, 0, 7) }
	must[guides.Progress](t)(l.MarkStep(person, guide, 1, guides.DoneWith, "yanis", "lilas", store.ScopeNetwork))
	p = must[guides.Progress](t)(l.MarkStep(person, guide, 2, guides.DoneAlone, "yanis", "lilas", store.ScopeNetwork))
	if p.Current != 2 || p.DoneCount() != 3 || !p.Finished.Equal(today.AddDate(0, 0, 7)) {
		t.Errorf("after the last step: %+v", p)
	}
	p = must[guides.Progress](t)(l.MarkStep(person, guide, 0, guides.DoneAlone, "yanis", "lilas", store.ScopeNetwork))
	if d, ok := p.Done(0); !ok || d.Autonomy != guides.DoneAlone || len(p.Steps) != 4 || p.DoneCount() != 3 {
		t.Errorf("a step done again: %+v", p)
	}
	p = must[guides.Progress](t)(l.GoTo(person, guide, 1))
	if p.Current != 1 {
		t.Errorf("GoTo(1): current %d", p.Current)
	}
	got := must[guides.Progress](t)(l.ProgressOf(person, guide))
	if got.Current != 1 || len(got.Steps) != 4 || !got.Started.Equal(today) {
		t.Errorf("ProgressOf = %+v", got)
	}
	ids, err := db.Find(guides.ProgressKind, "person", person)
	if err != nil || len(ids) != 1 {
		t.Fatalf("Find = %v, %v", ids, err)
	}
	if r, _ := db.Get(guides.ProgressKind, ids[0]); r.Scope != store.ScopeNetwork {
		t.Errorf("the walkthrough of a shared person is not shared")
	}

	must[guides.Progress](t)(l.Start(person, "caf-rsa", store.ScopeNetwork))
	all := must[[]guides.Progress](t)(l.ProgressFor(person))
	if len(all) != 2 {
		t.Errorf("ProgressFor = %+v", all)
	}
}

func TestWalkthroughRefusals(t *testing.T) {
	l, _ := searchLibrary(t)
	const guide = "caf-rsa" // three steps
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"unknown guide", second(l.Start(person, "inconnu", store.ScopeLocal)), guides.ErrUnknownGuide},
		{"no person", second(l.Start("", guide, store.ScopeLocal)), guides.ErrNoPerson},
		{"step after the last", second(l.MarkStep(person, guide, 3, guides.DoneFor, "c", "t", store.ScopeLocal)), guides.ErrStepOutOfRange},
		{"negative step", second(l.MarkStep(person, guide, -1, guides.DoneFor, "c", "t", store.ScopeLocal)), guides.ErrStepOutOfRange},
		{"unknown autonomy", second(l.MarkStep(person, guide, 0, "magic", "c", "t", store.ScopeLocal)), guides.ErrBadAutonomy},
		{"go to before start", second(l.GoTo(person, guide, 0)), guides.ErrNotStarted},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	must[guides.Progress](t)(l.Start(person, guide, store.ScopeLocal))
	if _, err := l.GoTo(person, guide, 5); !errors.Is(err, guides.ErrStepOutOfRange) {
		t.Errorf("GoTo(5) = %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestWalkthroughFollowsThePerson: consent withdrawn, files merged, file erased.
func TestWalkthroughFollowsThePerson(t *testing.T) {
	l, db := searchLibrary(t)
	other := "0192f0c4-7d4e-7a51-9c1e-2f9b7e1d3a11"
	must[guides.Progress](t)(l.MarkStep(person, "caf-rsa", 0, guides.DoneFor, "c", "t", store.ScopeNetwork))
	must[guides.Progress](t)(l.MarkStep(other, "caf-rsa", 1, guides.DoneWith, "c", "t", store.ScopeNetwork))
	if err := db.Update(func(tx *store.Tx) error { return guides.ScopePersonIn(tx, person, store.ScopeLocal) }); err != nil {
		t.Fatal(err)
	}
	ids, _ := db.Find(guides.ProgressKind, "person", person)
	if r, _ := db.Get(guides.ProgressKind, ids[0]); r.Scope != store.ScopeLocal {
		t.Errorf("consent withdrawn, the walkthrough is still shared")
	}
	var n int
	if err := db.Update(func(tx *store.Tx) (err error) { n, err = guides.ReassignPersonIn(tx, other, person); return err }); err != nil || n != 1 {
		t.Fatalf("ReassignPersonIn = %d, %v", n, err)
	}
	p := must[guides.Progress](t)(l.ProgressOf(person, "caf-rsa"))
	if p.DoneCount() != 2 || p.Person != person {
		t.Errorf("merged walkthrough = %+v", p)
	}
	if _, err := l.ProgressOf(other, "caf-rsa"); !errors.Is(err, guides.ErrNotStarted) {
		t.Errorf("the merged-away person still has a walkthrough")
	}
	if err := db.Update(func(tx *store.Tx) error { return guides.DeletePersonIn(tx, person) }); err != nil {
		t.Fatal(err)
	}
	if all := must[[]guides.Progress](t)(l.ProgressFor(person)); len(all) != 0 {
		t.Errorf("erased person still has %d walkthroughs", len(all))
	}
}

// TestLongGuideID: a person's UUID and a 41-character guide id do not fit
// a store id together; the walkthrough is stored all the same.
func TestLongGuideID(t *testing.T) {
	l, _ := searchLibrary(t)
	g := must[guides.Guide](t)(l.Get("caf-rsa"))
	g.ID, g.Version = "caf-demande-rsa-travailleurs-independants", 0
	must[guides.Guide](t)(l.Save(g, nil, "c"))
	p := must[guides.Progress](t)(l.MarkStep(person, g.ID, 2, guides.DoneAlone, "c", "t", store.ScopeLocal))
	if got := must[guides.Progress](t)(l.ProgressOf(person, g.ID)); got.Guide != g.ID || got.DoneCount() != 1 || p.Current != 2 {
		t.Errorf("ProgressOf = %+v", got)
	}
}
