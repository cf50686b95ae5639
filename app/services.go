package app

import (
	"time"

	"relais/staff"
	"relais/workspace"
)

// Options are what the command line can change in the app.
type Options struct {
	// Listen is where partner centres connect, "tcp://127.0.0.1:0" say;
	// empty: the centre's stored setting (all interfaces, port 22100).
	Listen string
	// Discovery announces the centre on the local network and finds its
	// partners there (off in tests: they never broadcast).
	Discovery bool
	// AutoLock, when set, is the time without activity before Relais
	// locks, instead of this PC's setting (a kiosk, the window tests).
	AutoLock time.Duration
}

// signedIn is a session with the domain services the screens use (see
// package workspace), and its long jobs, which may outlive a lock
// (lock_job.go); zero while locked.
type signedIn struct {
	*workspace.Workspace
	jobs *sessionJobs
}

// openServices builds the services of a session just opened and starts
// syncing with the partner centres; on failure it closes the session. It
// runs off the Fyne goroutine: the people index takes about a second for
// 100,000 people.
func (u *UI) openServices(s *staff.Session, err error) (signedIn, error) {
	w, err := workspace.Open(s, err, workspace.Options{Listen: u.opts.Listen, Discovery: u.opts.Discovery})
	if err != nil {
		return signedIn{}, err
	}
	return signedIn{Workspace: w, jobs: newSessionJobs(w.Session.Account.Login, w.Close)}, nil
}

// close stops the session's background work, then closes the store.
func (si signedIn) close() error {
	if si.Workspace == nil {
		return nil
	}
	return si.Workspace.Close()
}
