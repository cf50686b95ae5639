package app

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Test hooks of the jobs that outlive a lock (lock_job.go).

// HearTaskProgress hears each progress of a long job, on the job's
// goroutine: a test may hold the job there.
func (u *UI) HearTaskProgress(f func(done float64)) { u.reportsScreens().taskProgress = f }

// TaskDone is closed once the long job running is stopped (nil when none
// runs).
func (u *UI) TaskDone() <-chan struct{} {
	if t := u.reportsScreens().task; t != nil {
		return t.done
	}
	return nil
}

// FinishingLine is the sign-in screen's line about a job finishing after
// the lock ("" when hidden).
func (u *UI) FinishingLine() string {
	if u.unlock == nil || !u.unlock.finishing.Visible() {
		return ""
	}
	return u.unlock.finishing.Text
}

// UnlockButtons are the sign-in screen's buttons that open the store
// besides « Déverrouiller ».
func (u *UI) UnlockButtons() (restore, forgot *widget.Button) {
	return u.unlock.restore, u.unlock.forgot
}

// Finishing reports whether a session let go at a lock still runs a job.
func (u *UI) Finishing() bool {
	_, ok := u.finishing()
	return ok
}

// ToldAfterLock is the last thing told after a sign-in about jobs that
// ended while Relais was locked.
func (u *UI) ToldAfterLock() string { return u.lockJobs.told }

// PressClose is the window's close button.
func (u *UI) PressClose() { u.askToClose() }

// QuitQuestion is the question asked when the window is closed during a
// job (nil when none is shown).
func (u *UI) QuitQuestion() *dialog.ConfirmDialog { return u.lockJobs.quit }

// WindowClosed reports whether the window was closed.
func (u *UI) WindowClosed() bool { return u.closed }
