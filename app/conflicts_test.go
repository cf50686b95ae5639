package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/conflicts"
	"relais/people"
	"relais/schema"
	"relais/store"
	"relais/store/storetest"
)

// conflictPartner opens the store of a partner centre, without any screen.
func conflictPartner(t *testing.T) *store.DB { return storetest.Open(t, schema.Indexes()...) }

// conflictUI signs in to a new centre and returns it with a person who
// agreed to sharing.
func conflictUI(t *testing.T) (*app.UI, *people.Service, *store.DB, people.Person) {
	t.Helper()
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	ppl, _, db, _ := u.Services()
	reg, err := ppl.RegisterAnyway(people.Person{FirstName: "Awa", LastName: "Diallo", Phone: "06 12 34 56 78", Language: "fr",
		Consent: people.Consent{Given: true, By: login, Purpose: "suivi des démarches"}})
	if err != nil {
		t.Fatal(err)
	}
	return u, ppl, db, reg.Person
}

// makeConflict has this centre change the person's phone while a partner
// changes their last name, a little later: the partner's version is kept,
// this centre's is set aside.
func makeConflict(t *testing.T, ppl *people.Service, db *store.DB, p people.Person) (mine, theirs people.Person) {
	t.Helper()
	partner := conflictPartner(t)
	storetest.Exchange(t, db, partner)
	mine = p
	mine.Phone = "07 98 76 54 32"
	mine, err := ppl.Update(mine)
	if err != nil {
		t.Fatal(err)
	}
	theirs = p
	theirs.LastName = "Diallo-Sow"
	body, _ := json.Marshal(theirs)
	if _, err := partner.Put(people.Kind, p.ID, body, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	storetest.Exchange(t, partner, db)
	if n, err := conflicts.Count(db); err != nil || n != 1 {
		t.Fatalf("conflicts after the exchange: %d, %v; want 1", n, err)
	}
	return mine, theirs
}

func storedPerson(t *testing.T, db *store.DB, id string) people.Person {
	t.Helper()
	p, _, err := store.NewCollection[people.Person](db, people.Kind).Get(id)
	if err != nil {
		t.Fatal(err)
	}
	p.ID = id
	return p
}

func comparedField(t *testing.T, c app.ConflictCompare, label string) app.ComparedField {
	t.Helper()
	i := slices.IndexFunc(c.Fields, func(f app.ComparedField) bool { return f.Label == label })
	if i < 0 {
		t.Fatalf("no field %q in the comparison %+v", label, c.Fields)
	}
	return c.Fields[i]
}

// openConflict shows « Conflits » and opens its only conflict.
func openConflict(t *testing.T, u *app.UI) app.ConflictsView {
	t.Helper()
	u.ShowConflicts()
	u.WaitIdle(t)
	v := u.ConflictsView()
	if len(v.Rows) != 1 || v.Empty != nil {
		t.Fatalf("« Conflits » lists %d conflicts (empty state %v), want 1", len(v.Rows), v.Empty != nil)
	}
	test.Tap(v.Rows[0].Compare)
	v = u.ConflictsView()
	if !v.Compare.Open {
		t.Fatal("« Comparer » does not open the comparison")
	}
	return v
}

func TestConflictsEmptyState(t *testing.T) {
	u, _, _, _ := conflictUI(t)
	u.ShowConflicts()
	u.WaitIdle(t)
	v := u.ConflictsView()
	if !v.Open || v.Empty == nil || len(v.Rows) != 0 {
		t.Fatalf("« Conflits » of a centre without conflicts: %+v", v)
	}
	if want := lang.X("ui.conflicts.none", ""); v.Empty.Text != want || want == "" {
		t.Errorf("empty state = %q, want %q", v.Empty.Text, want)
	}
	if v.Problem.Visible() {
		t.Errorf("problem shown: %q", v.Problem.Text)
	}
}

func TestConflictsListedAndCompared(t *testing.T) {
	u, ppl, db, p := conflictUI(t)
	_, theirs := makeConflict(t, ppl, db, p)
	v := openConflict(t, u)
	row := u.ConflictsView().Rows[0]
	if row.Kind != people.Kind || row.RecordID != p.ID {
		t.Errorf("row is about %s/%s, want the person %s", row.Kind, row.RecordID, p.ID)
	}
	if want := lang.X("ui.conflicts.person", "", map[string]any{"Name": theirs.FullName()}); row.Title != want {
		t.Errorf("row title = %q, want %q", row.Title, want)
	}
	last, phone := lang.X("ui.conflicts.field.last_name", ""), lang.X("ui.conflicts.field.phone", "")
	if !strings.Contains(row.Detail, last) || !strings.Contains(row.Detail, phone) {
		t.Errorf("row detail %q does not name the fields that differ (%s, %s)", row.Detail, last, phone)
	}

	c := v.Compare
	if c.Current == "" || c.Other == "" || c.Identical || c.CannotKeepOther != "" {
		t.Errorf("comparison header: %+v", c)
	}
	if f := comparedField(t, c, last); f.Current != "Diallo-Sow" || f.Other != "Diallo" || !f.Differs {
		t.Errorf("last name compared as %+v", f)
	}
	if f := comparedField(t, c, phone); f.Current != "06 12 34 56 78" || f.Other != "07 98 76 54 32" || !f.Differs {
		t.Errorf("phone compared as %+v", f)
	}
	if f := comparedField(t, c, lang.X("ui.conflicts.field.first_name", "")); f.Current != "Awa" || f.Differs {
		t.Errorf("first name compared as %+v", f)
	}
	if f := comparedField(t, c, lang.X("ui.conflicts.field.consent_given", "")); f.Current != lang.X("ui.conflicts.yes", "") || f.Differs {
		t.Errorf("consent compared as %+v", f)
	}
	for i, f := range c.Fields {
		if i > 0 && f.Differs && !c.Fields[i-1].Differs {
			t.Errorf("differing field %q comes after a field that does not differ", f.Label)
		}
	}
	if want := lang.X("ui.conflicts.keep", ""); c.KeepCurrent.Text != want || c.KeepOther.Text != want {
		t.Errorf("buttons %q and %q, want %q", c.KeepCurrent.Text, c.KeepOther.Text, want)
	}
	if img := u.Window().Canvas().Capture(); img == nil {
		t.Error("the comparison does not render")
	}
}

func TestConflictsKeepOther(t *testing.T) {
	u, ppl, db, p := conflictUI(t)
	mine, theirs := makeConflict(t, ppl, db, p)
	v := openConflict(t, u)

	test.Tap(v.Compare.KeepOther)
	v = u.ConflictsView()
	if v.Confirm == nil {
		t.Fatal("keeping the other version does not ask first")
	}
	v.Confirm.Dismiss()
	u.WaitIdle(t)
	if got := storedPerson(t, db, p.ID); got.LastName != theirs.LastName {
		t.Fatalf("cancelling changed the person: %+v", got)
	}

	test.Tap(v.Compare.KeepOther)
	u.ConflictsView().Confirm.Confirm()
	u.WaitIdle(t)
	v = u.ConflictsView()
	if v.Problem.Visible() {
		t.Fatalf("keeping the other version shows %q", v.Problem.Text)
	}
	if want := lang.X("ui.conflicts.kept_other", "", map[string]any{"What": lang.X("ui.conflicts.person", "", map[string]any{"Name": theirs.FullName()})}); !v.Done.Visible() || v.Done.Text != want {
		t.Errorf("confirmation %q (shown %v), want %q", v.Done.Text, v.Done.Visible(), want)
	}
	if v.Compare.Open || len(v.Rows) != 0 || v.Empty == nil {
		t.Errorf("after settling: comparison open %v, %d rows, empty state %v", v.Compare.Open, len(v.Rows), v.Empty != nil)
	}
	got := storedPerson(t, db, p.ID)
	if got.LastName != mine.LastName || got.Phone != mine.Phone {
		t.Errorf("the person is now %+v, want this centre's version %+v", got, mine)
	}
	if n, _ := conflicts.Count(db); n != 0 {
		t.Errorf("%d conflicts left", n)
	}
	// The search follows at once.
	if hits := ppl.Search("Sow", 10); slices.ContainsFunc(hits, func(h people.Hit) bool { return h.Person.ID == p.ID }) {
		t.Error("the search still finds the person by the name set aside")
	}
	if hits := ppl.Search("0798765432", 10); !slices.ContainsFunc(hits, func(h people.Hit) bool { return h.Person.ID == p.ID }) {
		t.Error("the search does not find the person by the phone kept")
	}
}

func TestConflictsKeepCurrent(t *testing.T) {
	u, ppl, db, p := conflictUI(t)
	_, theirs := makeConflict(t, ppl, db, p)
	before, _ := db.Get(people.Kind, p.ID)
	v := openConflict(t, u)
	test.Tap(v.Compare.KeepCurrent)
	u.WaitIdle(t)
	v = u.ConflictsView()
	if v.Problem.Visible() || !v.Done.Visible() {
		t.Fatalf("keeping the current version: problem %q, confirmation %q", v.Problem.Text, v.Done.Text)
	}
	if len(v.Rows) != 0 || v.Empty == nil {
		t.Errorf("after settling, %d rows", len(v.Rows))
	}
	after, _ := db.Get(people.Kind, p.ID)
	if after.Version.Compare(before.Version) != store.Equal || storedPerson(t, db, p.ID) != theirs {
		t.Errorf("the kept record changed: %s", after.Body)
	}
	if n, _ := conflicts.Count(db); n != 0 {
		t.Errorf("%d conflicts left", n)
	}
}

// TestConflictsSettledByAPartnerMeanwhile: the comparison was open when a
// partner's choice arrived; keeping a version then says so, changes
// nothing, and the list is read again.
func TestConflictsSettledByAPartnerMeanwhile(t *testing.T) {
	u, ppl, db, p := conflictUI(t)
	_, theirs := makeConflict(t, ppl, db, p)
	v := openConflict(t, u)
	if err := conflicts.KeepCurrent(db, actor.System(""), v.Compare.ID); err != nil {
		t.Fatal(err)
	}
	test.Tap(v.Compare.KeepOther)
	u.ConflictsView().Confirm.Confirm()
	u.WaitIdle(t)
	v = u.ConflictsView()
	if want := app.Message(conflicts.ErrResolved); !v.Problem.Visible() || v.Problem.Text != want {
		t.Errorf("problem %q (shown %v), want %q", v.Problem.Text, v.Problem.Visible(), want)
	}
	if v.Done.Visible() || v.Compare.Open || len(v.Rows) != 0 {
		t.Errorf("after the refusal: confirmation %v, comparison open %v, %d rows", v.Done.Visible(), v.Compare.Open, len(v.Rows))
	}
	if got := storedPerson(t, db, p.ID); got != theirs {
		t.Errorf("the person changed: %+v", got)
	}
}

// TestConflictsCannotBringBackADeletedRecord: a person deleted after the
// conflict cannot come back through the version set aside; the button says
// why before anyone taps it.
func TestConflictsCannotBringBackADeletedRecord(t *testing.T) {
	u, ppl, db, p := conflictUI(t)
	makeConflict(t, ppl, db, p)
	if _, err := db.Delete(people.Kind, p.ID); err != nil {
		t.Fatal(err)
	}
	v := openConflict(t, u)
	c := v.Compare
	if !c.KeepOther.Disabled() || c.CannotKeepOther != app.Message(conflicts.ErrRecordDeleted) {
		t.Errorf("« Garder cette version » of the other version: disabled %v, note %q", c.KeepOther.Disabled(), c.CannotKeepOther)
	}
	if c.KeepCurrent.Disabled() {
		t.Error("the current version cannot be kept")
	}
}
