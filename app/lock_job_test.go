package app_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/app"
	"relais/demo"
	"relais/importcsv"
	"relais/staff"
)

// holdJob makes the next long job stop at its first progress short of the
// end, on its own goroutine: held receives once it is there, and the job
// goes on when release is closed.
func holdJob(u *app.UI) (held <-chan struct{}, release chan struct{}) {
	h, r := make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	u.HearTaskProgress(func(done float64) {
		if done <= 0 || done >= 1 {
			return
		}
		once.Do(func() {
			h <- struct{}{}
			<-r
		})
	})
	return h, r
}

// percent is « 33 % » as the screens write it.
func percent(p int) string {
	return lang.L("{{.Percent}} %", map[string]any{"Percent": fmt.Sprint(p)})
}

// checkLockedAtOnce checks that the sign-in screen shows with nothing
// over it, and nothing of the session left.
func checkLockedAtOnce(t *testing.T, u *app.UI) {
	t.Helper()
	if u.Screen() != app.ScreenUnlock || u.Session() != nil {
		t.Fatalf("after the lock: screen %s, session %v; want the sign-in screen at once", u.Screen(), u.Session())
	}
	if top := u.Window().Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog stays over the sign-in screen: %T", top)
	}
	if restore, forgot := u.UnlockButtons(); !restore.Disabled() || !forgot.Disabled() {
		t.Errorf("while the old session finishes: restore disabled %v, forgotten password disabled %v; want both disabled",
			restore.Disabled(), forgot.Disabled())
	}
}

// Relais locks itself in the middle of the network's export: the sign-in
// screen shows at once and says the export finishes; the coordinator
// signs in meanwhile, which waits for the export's end; the file is whole,
// the same as without a lock, and the coordinator is told where it is.
func TestLockJobExportGoesOnAfterTheLock(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	c := newClock(u)
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	test.Tap(v.Prev) // a whole month
	u.WaitIdle(t)
	v.Scope.SetSelected(lang.L("The whole network")) // three centres, read one after the other
	u.WaitIdle(t)

	// The same export without a lock, to compare with.
	refDir := t.TempDir()
	names := saveInto(t, u, refDir)
	test.Tap(v.Appointments)
	u.WaitIdle(t)
	want, err := os.ReadFile(filepath.Join(refDir, (*names)[0]))
	if err != nil || bytes.Count(want, []byte("\r\n")) < 10 {
		t.Fatalf("the export without a lock: %v, %d lines (result %q)", err, bytes.Count(want, []byte("\r\n")), u.ReportsView().Result)
	}

	dir := t.TempDir()
	names = saveInto(t, u, dir)
	held, release := holdJob(u)
	test.Tap(v.Appointments)
	<-held // the first centre is read, two remain
	u.CheckIdle()
	c.advance(6 * time.Minute)
	u.CheckIdle()
	checkLockedAtOnce(t, u)
	if want := lang.L("An export started before the lock is finishing ({{.Percent}})…", map[string]any{"Percent": percent(33)}); u.FinishingLine() != want {
		t.Errorf("the sign-in screen's line = %q, want %q", u.FinishingLine(), want)
	}
	shot(t, u, "lock-job-export-finishing.png")

	// Signing in waits for the export.
	f := u.UnlockForm()
	test.Type(f.Password, demo.Password)
	test.Tap(f.Unlock)
	if !f.Unlock.Disabled() || u.Screen() != app.ScreenUnlock {
		t.Errorf("while the export finishes, the sign-in shows no wait: button disabled %v, screen %s", f.Unlock.Disabled(), u.Screen())
	}
	if want := lang.L("An export started before the lock is finishing ({{.Percent}}). You will be signed in as soon as it ends.",
		map[string]any{"Percent": percent(33)}); u.FinishingLine() != want {
		t.Errorf("the line once signing in = %q, want %q", u.FinishingLine(), want)
	}
	shot(t, u, "lock-job-export-waiting.png")
	close(release)
	u.WaitIdle(t)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("after the export: screen %s (problem %q), want home", u.Screen(), f.Problem.Text)
	}
	path := filepath.Join(dir, (*names)[0])
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("the export locked in the middle: %v, %d bytes; want the %d bytes of the export without a lock", err, len(got), len(want))
	}
	rows := app.Count(bytes.Count(want, []byte("\r\n")) - 1)
	if want := lang.L("Export saved: {{.Path}} ({{.Rows}} rows)", map[string]any{"Path": path, "Rows": rows}); u.ToldAfterLock() != want {
		t.Errorf("told after the sign-in: %q, want %q", u.ToldAfterLock(), want)
	}
	if u.Finishing() {
		t.Error("the old session still finishes after the sign-in")
	}
}

// shot captures the window under RELAIS_SCREENSHOTS, for a person to
// look at.
func shot(t *testing.T, u *app.UI, name string) {
	t.Helper()
	dir := os.Getenv("RELAIS_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	capture(t, u.Window(), fyne.NewSize(1000, 700), filepath.Join(dir, name))
}

// A colleague switches user in the middle of a large import: the import
// goes on and writes every line, and the colleague who signs in is not
// told what it did (it was not their job).
func TestLockJobImportGoesOnAfterTheLock(t *testing.T) {
	u, db := importDesk(t)
	const lines = 3*importcsv.Batch + 50
	var b strings.Builder
	b.WriteString("Prénom;Nom\n")
	for i := range lines {
		fmt.Fprintf(&b, "Personne%d;Verrouillée\n", i)
	}
	openWith(t, u, "gros.csv", b.String())
	people0 := countPeople(t, db)
	u.ShowPeopleImport()
	u.WaitIdle(t)
	p := u.PeopleImportView()
	if !p.Preview {
		t.Fatalf("no preview: %q", p.Message)
	}
	held, release := make(chan struct{}), make(chan struct{})
	u.HearImport(func(written, _ int) {
		if written == importcsv.Batch {
			close(held)
			<-release
		}
	})
	test.Tap(p.Confirm)
	<-held // one batch written, more to come

	test.Tap(u.SwitchUserButton())
	checkLockedAtOnce(t, u)
	if want := lang.L("An import started before the lock is finishing ({{.Percent}})…", map[string]any{"Percent": percent(32)}); u.FinishingLine() != want {
		t.Errorf("the sign-in screen's line = %q, want %q", u.FinishingLine(), want)
	}
	shot(t, u, "lock-job-import-finishing.png")

	f := u.UnlockForm()
	f.Login.SetText(demo.ReceptionLogin)
	test.Type(f.Password, demo.Password)
	test.Tap(f.Unlock)
	if want := lang.L("An import started before the lock is finishing ({{.Percent}}). You will be signed in as soon as it ends.",
		map[string]any{"Percent": percent(32)}); u.FinishingLine() != want {
		t.Errorf("the line once signing in = %q, want %q", u.FinishingLine(), want)
	}
	close(release)
	u.WaitIdle(t)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("after the import: screen %s (problem %q), want home", u.Screen(), f.Problem.Text)
	}
	_, _, db, _ = u.Services()
	if got := countPeople(t, db); got != people0+lines {
		t.Errorf("%d people after an import locked in the middle, want %d", got, people0+lines)
	}
	if p := u.PeopleImportView(); !p.Done || p.Written != lines {
		t.Errorf("the import: done %v, %d written; want %d", p.Done, p.Written, lines)
	}
	if told := u.ToldAfterLock(); told != "" {
		t.Errorf("another colleague is told %q about the import", told)
	}
}

// A lock while the file to import is read stops the reading: its preview
// would be for nobody. The sign-in then works.
func TestLockJobStopsReadingAnImportFile(t *testing.T) {
	u, _ := importDesk(t)
	openWith(t, u, "personnes.csv", importFile)
	gate := make(chan struct{})
	u.HoldJobs(gate)
	u.ShowPeopleImport()
	done := u.TaskDone()
	test.Tap(u.HomeView().Lock)
	select {
	case <-done:
	default:
		t.Error("the lock did not stop the reading of the file")
	}
	if line := u.FinishingLine(); line != "" {
		t.Errorf("the sign-in screen says %q about a file being read", line)
	}
	close(gate)
	u.HoldJobs(nil)
	u.WaitIdle(t)
	if u.Finishing() {
		t.Error("the old session is not closed once the reading stopped")
	}
	signInAs(t, u, demo.CoordinatorLogin)
	if p := u.PeopleImportView(); p.Preview {
		t.Error("the preview of the file shows after the lock")
	}
}

// closableUI is newUI for a test that closes the window itself.
func closableUI(t *testing.T, desk *staff.Desk) *app.UI {
	t.Helper()
	u := app.NewWith(fresh(t), desk, app.Options{Listen: "tcp://127.0.0.1:0"})
	u.ApplyInWaitIdle()
	t.Cleanup(func() {
		if !u.WindowClosed() {
			u.Window().Close()
		}
	})
	return u
}

// An export stopped while Relais is locked keeps no file, and the
// colleague is told when they sign in again.
func TestLockJobStoppedWhileLockedKeepsNoFile(t *testing.T) {
	u := newUI(t, fresh(t), reportsDesk(t))
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	dir := t.TempDir()
	names := saveInto(t, u, dir)
	gate := make(chan struct{})
	u.HoldJobs(gate)
	test.Tap(v.Appointments)
	test.Tap(u.HomeView().Lock)
	checkLockedAtOnce(t, u)
	u.TaskView().Stop() // as a failure would
	close(gate)
	u.HoldJobs(nil)
	u.WaitIdle(t)
	if _, err := os.Stat(filepath.Join(dir, (*names)[0])); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an export stopped while locked left %s: %v", (*names)[0], err)
	}
	if u.Finishing() || u.FinishingLine() != "" {
		t.Errorf("after the export stopped: finishing %v, line %q", u.Finishing(), u.FinishingLine())
	}
	if restore, forgot := u.UnlockButtons(); restore.Disabled() || forgot.Disabled() {
		t.Error("restore and forgotten password stay disabled once the old session closed")
	}
	signInAs(t, u, demo.CoordinatorLogin)
	if told := u.ToldAfterLock(); !strings.HasSuffix(told, lang.L("Stopped: no file was kept.")) || !strings.Contains(told, (*names)[0]) {
		t.Errorf("told after the sign-in: %q, want the file's name and that it was not kept", told)
	}
}

// Closing the window during an export asks first; « Attendre la fin »
// keeps everything going; « Arrêter et fermer » stops the export, deletes
// its file and closes the store. With no job, the window closes at once.
func TestLockJobClosingTheWindowAsks(t *testing.T) {
	idle := closableUI(t, setUpDesk(t))
	signIn(t, idle, password)
	idle.PressClose()
	if !idle.WindowClosed() || idle.QuitQuestion() != nil {
		t.Errorf("with no job: closed %v, question %v; want closed at once", idle.WindowClosed(), idle.QuitQuestion())
	}

	desk := reportsDesk(t)
	u := closableUI(t, desk)
	signInAs(t, u, demo.CoordinatorLogin)
	v := openReports(t, u)
	test.Tap(v.Prev)
	u.WaitIdle(t)
	v.Scope.SetSelected(lang.L("The whole network"))
	u.WaitIdle(t)
	dir := t.TempDir()
	names := saveInto(t, u, dir)
	held, release := holdJob(u)
	test.Tap(v.Appointments)
	<-held
	done := u.TaskDone()

	u.PressClose()
	q := u.QuitQuestion()
	if q == nil || u.WindowClosed() {
		t.Fatalf("closing during an export: question %v, closed %v; want a question", q, u.WindowClosed())
	}
	shot(t, u, "lock-job-quit.png")
	q.Dismiss() // « Attendre la fin »
	if u.WindowClosed() || u.Session() == nil || !u.TaskView().Running {
		t.Fatalf("after « Attendre la fin »: closed %v, session %v, job running %v", u.WindowClosed(), u.Session(), u.TaskView().Running)
	}

	u.PressClose()
	go func() {
		<-done // the export was stopped: let it see it
		close(release)
	}()
	u.QuitQuestion().Confirm() // « Arrêter et fermer »
	if !u.WindowClosed() {
		t.Fatal("the window stays open after « Arrêter et fermer »")
	}
	if _, err := os.Stat(filepath.Join(dir, (*names)[0])); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an export stopped by closing the window left %s: %v", (*names)[0], err)
	}
	s, err := desk.SignIn(demo.CoordinatorLogin, demo.Password)
	if err != nil {
		t.Fatalf("the store is not closed once the window closed: %v", err)
	}
	s.Close()
	u.WaitIdle(t)
}
