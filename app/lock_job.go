package app

import (
	"context"
	"log"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// Locking during a long job. A lock (the auto-lock, « Verrouiller »,
// « Changer d'utilisateur ») hides everything at once: the sign-in screen
// shows and no dialog stays over it. An export or an import running then
// goes on to its end behind the sign-in screen, on the session that started
// it; only then is that session closed, and the store's key leaves memory.
// Meanwhile the sign-in screen says so in one line, and a sign-in waits for
// the old session to be closed: Badger opens a data folder only once.
//
// Choices made for the people at the desk:
//   - A sign-in made while the job finishes is accepted and goes on by
//     itself once the job ended; the line says so and the button shows it
//     works. A receptionist types their password and presses Entrée as
//     always: a button they would have to watch and press again later
//     would look broken.
//   - The job's result never shows over the sign-in screen (the next person
//     may be someone else). It is logged, and told to the same colleague
//     when they sign in again; a colleague signing in with another account
//     is told nothing: it was not their job.
//   - Closing the window while a job runs asks first (askToClose): the
//     person closing may not know that a colleague's export runs behind the
//     sign-in screen, and an export lost is what this is about. Stopping
//     then keeps nothing half-written: an export's file is deleted, an
//     import keeps the batches it wrote, each one whole and audited.

// jobKind says what a long job is, and what a lock does to it.
type jobKind int

const (
	// jobPrepare is stopped by a lock: only its screen needed its result
	// (reading an import file for its preview).
	jobPrepare jobKind = iota
	// jobExport, jobImport and jobBackup go on to their end after a lock.
	jobExport
	jobImport
	jobBackup // cannot be stopped, and says no share done
)

// quitWait is how long closing the window waits for a stopped job to end
// and its session to close. A job sees its stop within a batch or a few
// thousand rows; only a writer stuck on a dead disk takes longer, and then
// Relais quits without closing the store (Badger recovers at the next
// start, and every write that returned is on disk).
const quitWait = 10 * time.Second

// lockJob is one long job of a session.
type lockJob struct {
	kind jobKind
	stop context.CancelFunc
	done atomic.Uint64 // the share done, as math.Float64bits
}

func (j *lockJob) setDone(share float64) { j.done.Store(math.Float64bits(share)) }
func (j *lockJob) share() float64        { return math.Float64frombits(j.done.Load()) }

// sessionJobs counts the long jobs of a session, and closes the session
// once the window let it go (a lock) and its last job ended. Its methods
// may be called from any goroutine.
type sessionJobs struct {
	login  string        // who signed in
	shut   func() error  // closes the session
	closed chan struct{} // closed once the session is closed

	mu      sync.Mutex
	running []*lockJob
	letGo   bool   // the window let the session go
	told    string // what the jobs that ended after the lock did
}

func newSessionJobs(login string, shut func() error) *sessionJobs {
	return &sessionJobs{login: login, shut: shut, closed: make(chan struct{})}
}

// start notes a job that stop cancels.
func (s *sessionJobs) start(kind jobKind, stop context.CancelFunc) *lockJob {
	j := &lockJob{kind: kind, stop: stop}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = append(s.running, j)
	return j
}

// end notes that j ended. If the session was let go, told says what the
// job did, for the log and for the colleague's next sign-in; if j was the
// last job, the session is closed before end returns, and end reports it.
func (s *sessionJobs) end(j *lockJob, told func() string) (closed bool) {
	s.mu.Lock()
	for i, r := range s.running {
		if r == j {
			s.running = append(s.running[:i], s.running[i+1:]...)
			break
		}
	}
	if s.letGo && told != nil {
		if t := told(); t != "" {
			log.Printf("relais: a job started before the lock ended: %s", t)
			if s.told != "" {
				s.told += "\n"
			}
			s.told += t
		}
	}
	last := s.letGo && len(s.running) == 0
	s.mu.Unlock()
	if last {
		s.close()
	}
	return last
}

// release lets the session go: jobs that only prepare a screen stop, and
// the session closes now if no job runs (closedNow), else when the last
// one ends.
func (s *sessionJobs) release() (closedNow bool) {
	s.mu.Lock()
	s.letGo = true
	for _, j := range s.running {
		if j.kind == jobPrepare {
			j.stop()
		}
	}
	idle := len(s.running) == 0
	s.mu.Unlock()
	if idle {
		s.close()
	}
	return idle
}

func (s *sessionJobs) close() {
	if err := s.shut(); err != nil {
		fyne.LogError("close session", err)
	}
	close(s.closed)
}

// isClosed reports whether the session is closed.
func (s *sessionJobs) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// current is the export or import running (the first one), if any.
func (s *sessionJobs) current() (*lockJob, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.running {
		if j.kind != jobPrepare {
			return j, true
		}
	}
	return nil, false
}

// stopAll cancels every job.
func (s *sessionJobs) stopAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.running {
		j.stop()
	}
}

// toldTo is what the jobs ended after the lock did, if login started them.
func (s *sessionJobs) toldTo(login string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if login != s.login {
		return ""
	}
	return s.told
}

// lockJobState is the window's side of the jobs that outlive a lock. It
// belongs to the Fyne goroutine, but for quitting.
type lockJobState struct {
	// quitting is set once the window closes: a sign-in that waited for
	// the old session then opens nothing.
	quitting atomic.Bool
	// old is the last session let go while one of its jobs ran: the next
	// sign-in waits for it to close, and then reads what its jobs did.
	old *sessionJobs
	// quit is the question asked when the window is closed during a job.
	quit *dialog.ConfirmDialog
	// told is the last thing told after a sign-in (for tests).
	told string
}

// letGo detaches the session si from the window: it closes now, or once
// its jobs ended.
func (u *UI) letGo(si signedIn) {
	if si.jobs == nil {
		if err := si.close(); err != nil {
			fyne.LogError("close session", err)
		}
		return
	}
	if si.jobs.release() {
		return
	}
	u.lockJobs.old = si.jobs
	if j, ok := si.jobs.current(); ok {
		log.Printf("relais: locked while %s runs; its session closes when it ends", j.kind)
	}
}

// String names a kind of job in the log.
func (k jobKind) String() string {
	switch k {
	case jobExport:
		return "an export"
	case jobImport:
		return "an import"
	case jobBackup:
		return "a backup"
	}
	return "a file being read"
}

// finishing is the session let go whose job has not ended yet, if any.
func (u *UI) finishing() (*sessionJobs, bool) {
	old := u.lockJobs.old
	if old == nil || old.isClosed() {
		return nil, false
	}
	return old, true
}

// oldSessionClosed runs on the Fyne goroutine once the session let go has
// closed: the sign-in screen no longer waits.
func (u *UI) oldSessionClosed() { u.showFinishing() }

// finishingText is the sign-in screen's line about the job still running.
func finishingText(j *lockJob, waiting bool) string {
	percent := lang.L("{{.Percent}} %", map[string]any{"Percent": strconv.Itoa(int(math.Round(j.share() * 100)))})
	args := map[string]any{"Percent": percent}
	switch {
	case j.kind == jobBackup && waiting:
		return lang.L("A backup started before the lock is finishing. You will be signed in as soon as it ends.")
	case j.kind == jobBackup:
		return lang.L("A backup started before the lock is finishing…")
	case j.kind == jobImport && waiting:
		return lang.L("An import started before the lock is finishing ({{.Percent}}). You will be signed in as soon as it ends.", args)
	case j.kind == jobImport:
		return lang.L("An import started before the lock is finishing ({{.Percent}})…", args)
	case waiting:
		return lang.L("An export started before the lock is finishing ({{.Percent}}). You will be signed in as soon as it ends.", args)
	}
	return lang.L("An export started before the lock is finishing ({{.Percent}})…", args)
}

// tellAfterLock tells a colleague just signed in what their jobs did while
// Relais was locked; the session let go is forgotten.
func (u *UI) tellAfterLock(login string) {
	old := u.lockJobs.old
	if old == nil || !old.isClosed() {
		return
	}
	u.lockJobs.old = nil
	if t := old.toldTo(login); t != "" {
		u.lockJobs.told = t
		u.tell(lang.L("While Relais was locked"), t)
	}
}

// runningJob is the export or import of the session signed in, or of the
// one let go, if one runs.
func (u *UI) runningJob() (*lockJob, bool) {
	if u.si.jobs != nil {
		if j, ok := u.si.jobs.current(); ok {
			return j, true
		}
	}
	if old, ok := u.finishing(); ok {
		return old.current()
	}
	return nil, false
}

// askToClose is what the window's close button does: it closes at once,
// unless an export or an import runs; then it asks whether to stop it.
func (u *UI) askToClose() {
	j, ok := u.runningJob()
	if !ok {
		u.win.Close()
		return
	}
	text := lang.L("An export is running. If you close Relais now, it stops and its file is not kept.")
	switch j.kind {
	case jobImport:
		text = lang.L("An import of people is running. If you close Relais now, it stops: the people already imported stay, the others are not imported.")
	case jobBackup:
		text = lang.L("A backup is being written. If you close Relais now, it stops and its file is not kept.")
	}
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm(lang.L("Close Relais?"), lang.L("Stop and close"), lang.L("Wait for the end"), dialogText(text), func(stop bool) {
		if u.lockJobs.quit == d {
			u.lockJobs.quit = nil
		}
		if stop {
			u.win.Close()
		}
	}, u.win)
	u.lockJobs.quit = d
	d.Show()
}

// stopJobs stops the jobs of the session let go and waits, a while, for
// it to close: the window is closing, and the program ends after it.
func (u *UI) stopJobs() {
	u.lockJobs.quitting.Store(true)
	old, ok := u.finishing()
	if !ok {
		return
	}
	old.stopAll()
	select {
	case <-old.closed:
	case <-time.After(quitWait):
		log.Printf("relais: a stopped job did not end within %s; quitting without closing the store", quitWait)
	}
}
