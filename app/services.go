package app

import (
	"context"
	"log/slog"
	"os"
	"time"

	"relais/appointments"
	"relais/guides"
	"relais/network"
	"relais/people"
	"relais/radar"
	"relais/staff"
)

// Options are what the command line can change in the app.
type Options struct {
	// Listen is where partner centres connect, "tcp://127.0.0.1:0" say;
	// empty: the centre's stored setting (all interfaces, port 22100).
	Listen string
	// Discovery announces the centre on the local network and finds its
	// partners there (off in tests: they never broadcast).
	Discovery bool
}

// signedIn is a session with the domain services the screens use. It is
// built off the Fyne goroutine: the people index takes about a second for
// 100,000 people.
type signedIn struct {
	session *staff.Session
	people  *people.Service
	sched   *appointments.Scheduler
	network *network.Service
	guides  *guides.Library
	radar   *radar.Radar
	// stop ends the background work of the session: the sync node, and
	// the people index, the guides and the radar following what partners
	// write.
	stop context.CancelFunc
}

// openServices builds the services of a session just opened and starts
// syncing with the partner centres; on failure it closes the session.
func (u *UI) openServices(s *staff.Session, err error) (signedIn, error) {
	if err != nil {
		return signedIn{}, err
	}
	si, err := u.startServices(s)
	if err != nil {
		s.Close()
		return signedIn{}, err
	}
	return si, nil
}

func (u *UI) startServices(s *staff.Session) (signedIn, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The people index and the radar each read the whole network (on a
	// large one, about a second and half a second): side by side.
	type radarResult struct {
		rd  *radar.Radar
		err error
	}
	radarDone := make(chan radarResult, 1)
	go func() {
		rd, err := radar.New(s.DB, time.Now)
		radarDone <- radarResult{rd, err}
	}()
	ppl, err := people.NewService(s.DB)
	r := <-radarDone // always waited for: the store closes on failure
	if err != nil {
		return signedIn{}, err
	}
	if r.err != nil {
		return signedIn{}, r.err
	}
	lib, err := guides.NewLibrary(s.DB)
	if err != nil {
		return signedIn{}, err
	}
	loaded, err := lib.LoadBundled(guides.Bundled())
	if err != nil {
		return signedIn{}, err
	}
	for _, p := range loaded.Problems {
		logger.Warn("a bundled guide was left out", "err", p)
	}
	ppl.Belongings = append(ppl.Belongings, appointments.ScopePersonIn, guides.ScopePersonIn, radar.ScopePersonIn)
	nw, err := network.Open(s.DB, s.Centre.Name, network.Options{Listen: u.opts.Listen, Logger: logger, Discovery: u.opts.Discovery})
	if err != nil {
		return signedIn{}, err
	}
	ctx, stop := context.WithCancel(context.Background())
	if err := nw.Start(ctx); err != nil {
		stop()
		return signedIn{}, err
	}
	go ppl.Follow(ctx)
	go lib.Follow(ctx)
	go r.rd.Follow(ctx)
	return signedIn{session: s, people: ppl, sched: appointments.NewScheduler(s.DB, time.Now), network: nw,
		guides: lib, radar: r.rd, stop: stop}, nil
}

// close stops the session's background work, then closes the store.
func (si signedIn) close() error {
	if si.stop != nil {
		si.stop()
	}
	if si.network != nil {
		si.network.Close()
	}
	return si.session.Close()
}
