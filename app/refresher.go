package app

import (
	"time"

	"relais/staff"
)

// refresher keeps a shown view up to date: its refresh runs on the Fyne
// goroutine every interval, and at once when wake signals, until halt, or
// until alive says the view is no longer the one shown. The goroutine only
// hands work to the Fyne goroutine.
type refresher struct {
	stop    chan struct{} // closed when the refreshes must end
	stopped bool          // Fyne goroutine only
}

// startRefresh starts the refreshes; wake may be nil.
func (r *refresher) startRefresh(u *UI, every time.Duration, wake <-chan struct{}, alive func() bool, refresh func()) {
	r.stop = make(chan struct{})
	stop := r.stop
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			case <-wake:
			}
			u.do(func() {
				if !alive() {
					r.halt()
					return
				}
				refresh()
			})
		}
	}()
}

// halt ends the refreshes (on the Fyne goroutine).
func (r *refresher) halt() {
	if r.stop != nil && !r.stopped {
		r.stopped = true
		close(r.stop)
	}
}

// shows reports whether section is the one shown, in session: a view that
// loads in the background applies its result only then.
func (u *UI) shows(section string, session *staff.Session) bool {
	return !u.closed && u.session == session && u.home != nil && u.home.current == section
}
