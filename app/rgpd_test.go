package app_test

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/audit"
	"relais/rgpd"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

// rgpdDesk is a set-up desk whose store has the indexes of package rgpd
// (and the audit log's), once each.
func rgpdDesk(t testing.TB) *staff.Desk {
	t.Helper()
	opts := schema.Options(store.TestOptions())
	seen := map[string]bool{}
	var ix []store.Index
	for _, i := range append(append(opts.Indexes, audit.Indexes()...), rgpd.Indexes()...) {
		if k := i.Kind + "/" + i.Name; !seen[k] {
			seen[k] = true
			ix = append(ix, i)
		}
	}
	opts.Indexes = ix
	desk, err := staff.OpenDesk(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	s, _, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return desk
}

// snapshot renders obj alone in a window of the given size to
// /tmp/rgpd-<name>.png, to look at.
func snapshot(t *testing.T, name string, obj fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	w := test.NewTempWindow(t, container.NewPadded(obj))
	w.Resize(size)
	w.Content().Refresh()
	w.Resize(size.AddWidthHeight(1, 0)) // wrapped labels settle on the second layout
	f, err := os.Create(filepath.Join(os.TempDir(), "rgpd-"+name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestRetentionCardSavesAndRefusesBadValues: an administrator sets the two
// durations; 0 or letters give the domain's message and change nothing.
func TestRetentionCardSavesAndRefusesBadValues(t *testing.T) {
	u := newUI(t, fresh(t), rgpdDesk(t))
	signIn(t, u, password)
	_, _, db, centre := u.Services()
	c := u.RetentionCard()
	if c.Person == nil || !strings.Contains(c.Current.Text, "2 ans (24 mois)") {
		t.Fatalf("the card = %q, editable %v; want the default 24 months, editable by the admin", c.Current.Text, c.Person != nil)
	}
	seq := db.LastSequence()
	for _, bad := range []string{"0", "-3", "douze", "1200"} {
		c.Person.SetText(bad)
		test.Tap(c.Save)
		u.WaitIdle(t)
		if !c.Problem.Visible() || !strings.Contains(c.Problem.Text, "au moins 6 mois") || !strings.Contains(c.Problem.Text, bad) {
			t.Errorf("typing %q: problem %q, want the bounds and the value", bad, c.Problem.Text)
		}
	}
	if db.LastSequence() != seq {
		t.Error("a refused duration wrote something")
	}
	c.Person.SetText("36")
	c.Details.SetText("12 mois")
	test.Tap(c.Save)
	u.WaitIdle(t)
	r, err := rgpd.RetentionOf(db, centre)
	if err != nil || r.PersonMonths != 36 || r.DetailsMonths != 12 {
		t.Fatalf("RetentionOf after saving = %+v, %v", r, err)
	}
	if c.Problem.Visible() || !c.Saved.Visible() || !strings.Contains(c.Current.Text, "3 ans (36 mois)") {
		t.Errorf("after saving: problem %q, saved %v, text %q", c.Problem.Text, c.Saved.Visible(), c.Current.Text)
	}
	snapshot(t, "retention-admin", c.Object, fyne.NewSize(720, 520))

	u.ActAs(actor.Coordinator)
	ro := u.RetentionCard()
	if ro.Person != nil || ro.Save != nil || !strings.Contains(ro.Current.Text, "3 ans (36 mois)") {
		t.Errorf("a coordinator sees an editable card, or not the durations: %q", ro.Current.Text)
	}
	snapshot(t, "retention-coordinator", ro.Object, fyne.NewSize(720, 300))
}

// TestEraseButton: a coordinator erases a person once their first name is
// typed; a wrong name erases nothing; reception does not see the button.
func TestEraseButton(t *testing.T) {
	u := newUI(t, fresh(t), rgpdDesk(t))
	signIn(t, u, password)
	ppl, _, db, _ := u.Services()
	person := register(t, ppl)

	u.ActAs(actor.Reception)
	if b := u.EraseButton(person.ID, nil); b.Object.Visible() {
		t.Error("reception sees « Effacer la personne… »")
	}
	u.ActAs(actor.Coordinator)
	done := 0
	e := u.EraseButton(person.ID, func() { done++ })
	if !e.Object.Visible() || e.Button.Text != lang.L("Erase the person…") {
		t.Fatalf("a coordinator sees %q, visible %v", e.Button.Text, e.Object.Visible())
	}
	snapshot(t, "erase-button", e.Object, fyne.NewSize(300, 80))
	e.Open()
	seq := db.LastSequence()
	test.Type(e.Name, "Aya")
	test.Tap(e.Erase)
	u.WaitIdle(t)
	if !e.Problem.Visible() || !strings.Contains(e.Problem.Text, "Rien n'a été effacé") || db.LastSequence() != seq {
		t.Errorf("a wrong first name: problem %q, wrote %v", e.Problem.Text, db.LastSequence() != seq)
	}
	img := u.Window().Canvas().Capture()
	f, _ := os.Create(filepath.Join(os.TempDir(), "rgpd-erase-dialog.png"))
	png.Encode(f, img)
	f.Close()

	e.Name.SetText("")
	test.Type(e.Name, " awa ")
	test.Tap(e.Erase)
	u.WaitIdle(t)
	if _, err := ppl.Get(person.ID); err == nil {
		t.Fatal("Awa is still registered after « Effacer définitivement »")
	}
	if done != 1 {
		t.Errorf("done was called %d times, want 1", done)
	}
	if hits := ppl.Search("Awa Diallo", 5); len(hits) != 0 {
		t.Errorf("the search still finds %d people", len(hits))
	}
}

// TestSaveNotice writes the information notice of the centre, with its
// name and retention, as a PDF.
func TestSaveNotice(t *testing.T) {
	u := newUI(t, fresh(t), rgpdDesk(t))
	signIn(t, u, password)
	path := filepath.Join(t.TempDir(), "notice.pdf")
	u.SaveNoticeTo(path)
	u.WaitIdle(t)
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("the notice file: %v, starts %q", err, b[:min(len(b), 8)])
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		text := strings.Join(strings.Fields(string(out)), " ")
		if err != nil || !strings.Contains(text, centreName) || !strings.Contains(text, "2 ans (24 mois)") {
			t.Errorf("the notice does not name the centre or the retention: %v\n%s", err, text)
		}
	}
	_ = app.French
}
