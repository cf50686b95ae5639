package app_test

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/app"
	"relais/appointments"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

const (
	centreName = "Centre social des Tilleuls"
	adminName  = "Marie Dupont"
	login      = "marie"
	password   = "un thé au jardin"
)

// openDesk opens a desk on a fresh folder; it is closed when the test ends.
func openDesk(t testing.TB, dir string) *staff.Desk {
	t.Helper()
	desk, err := staff.OpenDesk(dir, schema.Options(store.TestOptions()))
	if err != nil {
		t.Fatalf("OpenDesk: %v", err)
	}
	t.Cleanup(func() { desk.Close() })
	return desk
}

// setUpDesk returns a desk whose folder is already set up.
func setUpDesk(t testing.TB) *staff.Desk {
	t.Helper()
	desk := openDesk(t, t.TempDir())
	s, _, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatalf("SetUp: %v", err)
	}
	s.Close()
	return desk
}

// newUI builds the UI on a test app in French; its window is closed (and
// its session with it) before the desk.
func newUI(t testing.TB, a fyne.App, desk *staff.Desk) *app.UI {
	t.Helper()
	u := app.NewWith(a, desk, app.Options{Listen: "tcp://127.0.0.1:0"}) // tests stay on loopback
	u.ApplyInWaitIdle()
	t.Cleanup(func() { u.Window().Close() })
	return u
}

func fresh(t testing.TB) fyne.App {
	t.Helper()
	app.SetLanguage("fr")
	return test.NewTempApp(t)
}

func signIn(t testing.TB, u *app.UI, pw string) {
	t.Helper()
	f := u.UnlockForm()
	f.Password.SetText("")
	test.Type(f.Password, pw)
	test.Tap(f.Unlock)
	u.WaitIdle(t)
}

func TestSetUpShowsRecoveryKeyOnceThenHome(t *testing.T) {
	a := fresh(t)
	u := newUI(t, a, openDesk(t, t.TempDir()))
	if got := u.Screen(); got != app.ScreenSetUp {
		t.Fatalf("screen of a new folder = %q, want %q", got, app.ScreenSetUp)
	}
	f := u.SetUpForm()

	test.Tap(f.Create)
	u.WaitIdle(t)
	if want := app.Message(appointments.ErrCentreNameMissing); f.Problem.Text != want || !f.Problem.Visible() {
		t.Errorf("empty form: problem %q (visible %v), want %q", f.Problem.Text, f.Problem.Visible(), want)
	}

	test.Type(f.Centre, centreName)
	test.Type(f.Name, adminName)
	test.Type(f.Login, login)
	test.Type(f.Password, password)
	test.Type(f.Again, password+"!")
	test.Tap(f.Create)
	u.WaitIdle(t)
	if want := app.Message(staff.ErrPasswordMismatch); f.Problem.Text != want {
		t.Errorf("passwords differ: problem %q, want %q", f.Problem.Text, want)
	}
	if u.Screen() != app.ScreenSetUp {
		t.Fatalf("screen after a refused form = %q, want %q", u.Screen(), app.ScreenSetUp)
	}

	f.Again.SetText("")
	test.Type(f.Again, password)
	test.Tap(f.Create)
	u.WaitIdle(t)
	if got := u.Screen(); got != app.ScreenRecovery {
		t.Fatalf("screen after set-up = %q (problem %q), want %q", got, f.Problem.Text, app.ScreenRecovery)
	}

	r := u.RecoveryView()
	if !regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$`).MatchString(r.Key) {
		t.Errorf("recovery key shown = %q, want eight groups of four like XXXX-XXXX-...", r.Key)
	}
	test.Tap(r.Copy)
	if got := a.Clipboard().Content(); got != r.Key {
		t.Errorf("clipboard after Copy = %q, want the key %q", got, r.Key)
	}
	if !r.Continue.Disabled() {
		t.Error("Continue is enabled before the key is noted")
	}
	test.Tap(r.Continue)
	if u.Screen() != app.ScreenRecovery {
		t.Fatalf("Continue left the key screen before the checkbox was ticked")
	}
	test.Tap(r.Noted)
	if r.Continue.Disabled() {
		t.Fatal("Continue stays disabled after the key is noted")
	}
	test.Tap(r.Continue)
	if got := u.Screen(); got != app.ScreenHome {
		t.Fatalf("screen after Continue = %q, want %q", got, app.ScreenHome)
	}
	h := u.HomeView()
	if want := lang.L("Hello {{.Name}}", map[string]any{"Name": adminName}); h.Greeting.Text != want {
		t.Errorf("greeting = %q, want %q", h.Greeting.Text, want)
	}
	if h.Centre.Text != centreName {
		t.Errorf("header centre = %q, want %q", h.Centre.Text, centreName)
	}
	if got := a.Preferences().String("last_login"); got != login {
		t.Errorf("last login saved = %q, want %q", got, login)
	}
}

func TestUnlockWrongPasswordStaysThenRightPasswordGoesHome(t *testing.T) {
	a := fresh(t)
	u := newUI(t, a, setUpDesk(t))
	if got := u.Screen(); got != app.ScreenUnlock {
		t.Fatalf("screen of a set-up folder = %q, want %q", got, app.ScreenUnlock)
	}
	f := u.UnlockForm()
	if f.Login.Text != login {
		t.Errorf("login offered = %q, want the folder's only login %q", f.Login.Text, login)
	}

	signIn(t, u, "not the password")
	if got := u.Screen(); got != app.ScreenUnlock {
		t.Fatalf("screen after a wrong password = %q, want %q", got, app.ScreenUnlock)
	}
	want := app.Message(store.ErrWrongPassword)
	if f.Problem.Text != want || !f.Problem.Visible() {
		t.Errorf("problem shown = %q (visible %v), want %q", f.Problem.Text, f.Problem.Visible(), want)
	}
	if problemsTranslated(t) && want == app.GenericProblem() {
		t.Errorf("wrong password shows the generic message %q: problems.fr.json lacks %q", want, store.ErrWrongPassword.Key)
	}
	if f.Password.Text != "" {
		t.Errorf("password field after a wrong password = %q, want it cleared", f.Password.Text)
	}
	if f.Unlock.Disabled() {
		t.Error("Unlock stays disabled after a wrong password")
	}

	// Enter in the password field submits.
	test.Type(f.Password, password)
	f.Password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.WaitIdle(t)
	if got := u.Screen(); got != app.ScreenHome {
		t.Fatalf("screen after the right password = %q (problem %q), want %q", got, f.Problem.Text, app.ScreenHome)
	}
	h := u.HomeView()
	if h.Centre.Text != centreName {
		t.Errorf("header centre = %q, want %q", h.Centre.Text, centreName)
	}
	if h.Section != app.SectionHome {
		t.Errorf("first section = %q, want %q", h.Section, app.SectionHome)
	}

	test.Tap(h.Lock)
	if got := u.Screen(); got != app.ScreenUnlock {
		t.Fatalf("screen after Lock = %q, want %q", got, app.ScreenUnlock)
	}
	// The store was closed: signing in again opens it again.
	signIn(t, u, password)
	if got := u.Screen(); got != app.ScreenHome {
		t.Fatalf("screen after unlocking again = %q, want %q", got, app.ScreenHome)
	}
}

func TestLanguageSwitchRebuildsInEnglishAndIsRemembered(t *testing.T) {
	a := fresh(t)
	t.Cleanup(func() { app.SetLanguage("fr") })
	desk := setUpDesk(t)
	u := newUI(t, a, desk)
	signIn(t, u, password)
	u.OpenSection(app.SectionSettings)

	french := lang.L("Lock")
	if got := u.HomeView().Lock.Text; got != french {
		t.Fatalf("Lock button in French = %q, want %q", got, french)
	}
	s := u.SettingsView()
	s.Language.SetSelected("English")

	english := lang.L("Lock")
	if english == french {
		t.Fatalf("lang.L(%q) is %q in both languages", "Lock", english)
	}
	h := u.HomeView()
	if h.Lock.Text != english {
		t.Errorf("Lock button after switching = %q, want %q", h.Lock.Text, english)
	}
	if h.Section != app.SectionSettings {
		t.Errorf("section after switching = %q, want to stay on %q", h.Section, app.SectionSettings)
	}
	if got := a.Preferences().String("language"); got != "en" {
		t.Errorf("language saved = %q, want %q", got, "en")
	}

	// The next start speaks the saved language.
	app.SetLanguage("fr")
	newUI(t, a, openDesk(t, t.TempDir()))
	if got := lang.L("Lock"); got != english {
		t.Errorf("after a restart lang.L(%q) = %q, want %q", "Lock", got, english)
	}
}

func TestCheckBackupAndRestore(t *testing.T) {
	a := fresh(t)
	u := newUI(t, a, setUpDesk(t))
	signIn(t, u, password)
	u.OpenSection(app.SectionSettings)
	s := u.SettingsView()

	test.Tap(s.Check)
	u.WaitIdle(t)
	if !s.CheckResult.Visible() || s.CheckResult.Importance != widget.SuccessImportance {
		t.Errorf("check of a new store: %q (importance %v), want a success", s.CheckResult.Text, s.CheckResult.Importance)
	}

	w := &memFile{uri: storage.NewFileURI("/backups/" + app.BackupFileName(fixedDay))}
	u.WriteBackup(w)
	u.WaitIdle(t)
	if s.BackupResult.Importance != widget.SuccessImportance || !w.closed || w.Len() == 0 {
		t.Fatalf("backup: %q, file closed %v with %d bytes, want a success and a closed non-empty file", s.BackupResult.Text, w.closed, w.Len())
	}
	backup := w.Bytes()

	// Restore on a new computer: a wrong password leaves the set-up screen.
	a2 := test.NewTempApp(t)
	u2 := newUI(t, a2, openDesk(t, t.TempDir()))
	u2.RestoreFrom(&memFile{Buffer: *bytes.NewBuffer(backup), uri: w.uri}, login, "not the password")
	u2.WaitIdle(t)
	if got := u2.Screen(); got != app.ScreenSetUp {
		t.Fatalf("screen after a refused restore = %q, want %q", got, app.ScreenSetUp)
	}
	u2.RestoreFrom(&memFile{Buffer: *bytes.NewBuffer(backup), uri: w.uri}, login, password)
	u2.WaitIdle(t)
	if got := u2.Screen(); got != app.ScreenUnlock {
		t.Fatalf("screen after restoring = %q, want %q", got, app.ScreenUnlock)
	}
	signIn(t, u2, password)
	if got := u2.Screen(); got != app.ScreenHome || u2.HomeView().Centre.Text != centreName {
		t.Fatalf("after restoring and unlocking: screen %q, centre %q; want %q, %q", got, u2.HomeView().Centre.Text, app.ScreenHome, centreName)
	}
}

func TestBackupFileName(t *testing.T) {
	if got, want := app.BackupFileName(fixedDay), "relais-sauvegarde-2026-11-21.relaisbak"; got != want {
		t.Errorf("BackupFileName(%v) = %q, want %q", fixedDay, got, want)
	}
}

func TestMessage(t *testing.T) {
	app.SetLanguage("fr")
	if got := app.Message(nil); got != "" {
		t.Errorf("Message(nil) = %q, want empty", got)
	}
	plain := errors.New("disk on fire")
	if got, want := app.Message(plain), lang.L("Something went wrong: {{.Error}}", map[string]any{"Error": plain.Error()}); got != want {
		t.Errorf("Message(plain error) = %q, want %q", got, want)
	}
	weak := store.ErrWeakPassword.With("min", 8)
	got := app.Message(weak)
	if want := lang.X("store.weak_password", "", map[string]any{"min": 8}); want != "" && got != want {
		t.Errorf("Message(%v) = %q, want %q", weak, got, want)
	}
	if got == "" {
		t.Errorf("Message(%v) is empty", weak)
	}
}

// memFile is an in-memory file for the backup and restore hooks.
type memFile struct {
	bytes.Buffer
	uri    fyne.URI
	closed bool
}

func (m *memFile) Close() error  { m.closed = true; return nil }
func (m *memFile) URI() fyne.URI { return m.uri }

var _ io.ReadWriteCloser = (*memFile)(nil)

// TestDialogsOpen pins a crash: resizing a file dialog before showing it
// panics inside Fyne.
func TestDialogsOpen(t *testing.T) {
	a := fresh(t)
	u := newUI(t, a, setUpDesk(t))
	u.StartRestore() // a folder with data: first a confirmation
	if u.Window().Canvas().Overlays().Top() == nil {
		t.Error("Restore a backup on a folder with data shows no dialog")
	}
	signIn(t, u, password)
	u.OpenSection(app.SectionSettings)
	u.ChooseBackupFile()
	if u.Window().Canvas().Overlays().Top() == nil {
		t.Error("Back up… shows no file dialog")
	}

	u2 := newUI(t, test.NewTempApp(t), openDesk(t, t.TempDir()))
	u2.StartRestore() // a new folder: straight to the file dialog
	if u2.Window().Canvas().Overlays().Top() == nil {
		t.Error("Restore a backup on a new folder shows no file dialog")
	}
}

// After four wrong passwords in a row, even the right one must wait: the
// unlock screen says how long, in French.
func TestUnlockWaitsAfterRepeatedWrongPasswords(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	for range 4 {
		signIn(t, u, "not the password")
	}
	signIn(t, u, password)
	f := u.UnlockForm()
	if got := u.Screen(); got != app.ScreenUnlock {
		t.Fatalf("screen = %q, want the unlock screen to wait", got)
	}
	if !strings.Contains(f.Problem.Text, "Attendez 5 secondes") {
		t.Errorf("problem shown = %q, want the wait in seconds", f.Problem.Text)
	}
}
