package app_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"relais/app"
)

// heldFile is a backup file whose first write waits until released.
type heldFile struct {
	memFile
	held, release chan struct{}
	first         bool
}

func (h *heldFile) Write(p []byte) (int, error) {
	if !h.first {
		h.first = true
		h.held <- struct{}{}
		<-h.release
	}
	return h.memFile.Write(p)
}

// A lock while a backup is written lets it end whole, then closes the
// session; the colleague is told where it went once signed in again.
func TestLockDuringABackupKeepsIt(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	c := newClock(u)
	signIn(t, u, password)
	u.OpenSection(app.SectionSettings)
	w := &heldFile{memFile: memFile{uri: storage.NewFileURI("/backups/" + app.BackupFileName(fixedDay))},
		held: make(chan struct{}), release: make(chan struct{})}
	u.WriteBackup(w)
	<-w.held
	u.CheckIdle()
	c.advance(6 * time.Minute)
	u.CheckIdle()
	checkLockedAtOnce(t, u)
	if want := lang.L("A backup started before the lock is finishing…"); u.FinishingLine() != want {
		t.Errorf("the sign-in screen's line = %q, want %q", u.FinishingLine(), want)
	}
	close(w.release)
	u.WaitIdle(t)
	if !w.closed || w.Len() == 0 || u.Finishing() {
		t.Fatalf("after the lock the backup is closed %v with %d bytes, session still finishing %v", w.closed, w.Len(), u.Finishing())
	}
	signIn(t, u, password)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("screen %s after signing in again", u.Screen())
	}
	if want := lang.L("Backup written to {{.Path}}", map[string]any{"Path": w.uri.Path()}); u.ToldAfterLock() != want {
		t.Errorf("told after the sign-in: %q, want %q", u.ToldAfterLock(), want)
	}
	// The backup is whole: it restores.
	u2 := newUI(t, fresh(t), openDesk(t, t.TempDir()))
	u2.RestoreFrom(&memFile{Buffer: w.Buffer, uri: w.uri}, login, password)
	u2.WaitIdle(t)
	if got := u2.Screen(); got != app.ScreenUnlock {
		t.Errorf("restoring the backup made during the lock: screen %s, want the sign-in screen", got)
	}
}

// failingFile is a real file on a disk that fills up after a few bytes.
type failingFile struct {
	fyne.URIWriteCloser
	left int
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.URIWriteCloser.Write(p[:f.left])
		f.left = 0
		return n, errors.New("no space left on device")
	}
	f.left -= len(p)
	return f.URIWriteCloser.Write(p)
}

// A backup that fails half-way leaves no file that could be taken for one.
func TestAFailedBackupLeavesNoFile(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	u.OpenSection(app.SectionSettings)
	path := filepath.Join(t.TempDir(), app.BackupFileName(fixedDay))
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	u.WriteBackup(&failingFile{URIWriteCloser: w, left: 1000})
	u.WaitIdle(t)
	if s := u.SettingsView(); s.BackupResult.Importance != widget.DangerImportance || !s.BackupResult.Visible() {
		t.Errorf("a failed backup says %q (importance %v), want an error", s.BackupResult.Text, s.BackupResult.Importance)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the half-written backup is still there: %v", err)
	}
}
