package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Test hooks: they reach into the screens without widening the production API.

// Screen names.
const (
	ScreenSetUp    = screenSetUp
	ScreenRecovery = screenRecovery
	ScreenUnlock   = screenUnlock
	ScreenHome     = screenHome
)

// Section ids.
const (
	SectionHome     = sectionHome
	SectionSettings = sectionSettings
)

// LongDate exposes longDate.
var LongDate = longDate

// GenericProblem exposes genericProblem.
var GenericProblem = genericProblem

// BackupFileName exposes backupFileName.
var BackupFileName = backupFileName

// Screen returns the screen shown.
func (u *UI) Screen() string { return u.screen }

// ApplyInWaitIdle makes the results of background jobs wait for WaitIdle,
// which applies them on the test's goroutine as the real driver applies them
// on its own. The test driver's fyne.Do would run them on the job's
// goroutine, racing with the test.
func (u *UI) ApplyInWaitIdle() {
	queue := make(chan func(), 64)
	u.do = func(f func()) { queue <- f }
	queues[u] = queue
}

// queues holds each UI's results waiting for WaitIdle.
var queues = map[*UI]chan func(){}

// WaitIdle waits for the background jobs and applies their results.
func (u *UI) WaitIdle(t testing.TB) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for u.busy.Load() != 0 {
		select {
		case f := <-queues[u]:
			f()
		case <-deadline:
			t.Fatal("background work still running after 20 s")
		}
	}
}

// SetUpForm holds the widgets of the set-up screen.
type SetUpForm struct {
	Centre, Name, Login, Password, Again *widget.Entry
	Create, Restore                      *widget.Button
	Problem                              *widget.Label
}

func (u *UI) SetUpForm() SetUpForm {
	s := u.setUp
	return SetUpForm{s.centre, s.name, s.login, s.password, s.again, s.create, s.restore, s.problem}
}

// RecoveryView holds the widgets of the recovery-key screen.
type RecoveryView struct {
	Key      string // the text shown
	Noted    *widget.Check
	Copy     *widget.Button
	Continue *widget.Button
}

func (u *UI) RecoveryView() RecoveryView {
	s := u.recovery
	return RecoveryView{s.key.String(), s.noted, s.copyKey, s.proceed}
}

// UnlockForm holds the widgets of the unlock screen.
type UnlockForm struct {
	Login, Password *widget.Entry
	Unlock          *widget.Button
	Problem         *widget.Label
}

func (u *UI) UnlockForm() UnlockForm {
	s := u.unlock
	return UnlockForm{s.login, s.password, s.unlock, s.problem}
}

// HomeView holds the widgets of the home screen.
type HomeView struct {
	Centre   *widget.Label
	Greeting *widget.Label // on the welcome section only
	Lock     *widget.Button
	Nav      *widget.List
	Section  string
}

func (u *UI) HomeView() HomeView {
	h := u.home
	return HomeView{h.centre, h.greeting, h.lockNow, h.nav, h.current}
}

// OpenSection selects a section in the navigation list.
func (u *UI) OpenSection(id string) {
	for i, s := range u.home.sections {
		if s.id == id {
			u.home.nav.Select(i)
		}
	}
}

// SettingsView holds the widgets of the settings section.
type SettingsView struct {
	Language                  *widget.RadioGroup
	Check, Backup             *widget.Button
	CheckResult, BackupResult *widget.Label
}

func (u *UI) SettingsView() SettingsView {
	p := u.home.settings
	return SettingsView{p.language, p.check, p.backup, p.checkResult, p.backupResult}
}

// WriteBackup writes a backup to w as the save dialog would.
func (u *UI) WriteBackup(w fyne.URIWriteCloser) { u.writeBackup(w) }

// RestoreFrom restores the backup r as the restore dialogs would.
func (u *UI) RestoreFrom(r fyne.URIReadCloser, login, password string) {
	u.restore(r, login, password)
}

// StartRestore taps « Restore a backup ».
func (u *UI) StartRestore() { u.startRestore() }

// ChooseBackupFile taps « Back up… ».
func (u *UI) ChooseBackupFile() { u.chooseBackupFile() }
