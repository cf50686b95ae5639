// Package workspace opens what a member of staff works with once signed in:
// the domain services of their centre, acting for them (their role checked
// on every operation, their actions written to the audit log), and the
// background work of the session: syncing with partner centres and keeping
// the in-memory indexes in step with what partners write.
//
// It has no display: the app builds its screens on it, and its tests (the
// role matrix among them) need no window.
package workspace

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/audit"
	"relais/guides"
	"relais/network"
	"relais/people"
	"relais/radar"
	"relais/rgpd"
	"relais/staff"
	"relais/store"
)

// Options are what the command line can change.
type Options struct {
	// Listen is where partner centres connect, "tcp://127.0.0.1:0" say;
	// empty: the centre's stored setting (all interfaces, port 22100).
	Listen string
	// Discovery announces the centre on the local network and finds its
	// partners there (off in tests: they never broadcast).
	Discovery bool
	// Offline starts no background writer: no sync node, no daily purge
	// (tests of the domain alone, which count what each operation writes).
	Offline bool
	// Logger receives the background work's warnings (stderr when nil).
	Logger *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Workspace is a signed-in session with its services.
type Workspace struct {
	Session   *staff.Session
	Actor     *actor.Actor
	People    *people.Service
	Scheduler *appointments.Scheduler
	Network   *network.Service
	Guides    *guides.Library
	Radar     *radar.Radar
	Audit     *audit.Log

	// stop ends the background work: the sync node, and the people index,
	// the guides and the radar following what partners write.
	stop      context.CancelFunc
	following sync.WaitGroup // the followers, waited for before the store closes
}

// Open builds the services of a session just opened (s, or err when the
// sign-in failed) and starts its background work. On failure it closes the
// session. It takes about a second on a large network (the people index and
// the radar read everyone): call it off the UI goroutine.
func Open(s *staff.Session, err error, opts Options) (*Workspace, error) {
	if err != nil {
		return nil, err
	}
	w, err := open(s, opts)
	if err != nil {
		s.Close()
		return nil, err
	}
	return w, nil
}

func open(s *staff.Session, opts Options) (*Workspace, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	who := s.Actor()
	w := &Workspace{Session: s, Actor: who, Audit: audit.Open(s.DB)}
	w.Audit.Now = opts.Now
	// From now on, what the services do for who goes to the audit log.
	who.Recording(w.Audit)
	if err := s.DB.Update(func(tx *store.Tx) error { return who.Log(tx, actor.SignedIn, "", "") }); err != nil {
		return nil, err
	}
	// The people index and the radar each read the whole network (on a
	// large one, about a second and half a second): side by side.
	type radarResult struct {
		rd  *radar.Radar
		err error
	}
	radarDone := make(chan radarResult, 1)
	go func() {
		rd, err := radar.New(s.DB, who, opts.Now)
		radarDone <- radarResult{rd, err}
	}()
	var err error
	w.People, err = people.NewService(s.DB, who)
	r := <-radarDone // always waited for: the store closes on failure
	if err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	w.Radar = r.rd
	w.People.Now = opts.Now
	w.People.Belongings = append(w.People.Belongings, appointments.ScopePersonIn, guides.ScopePersonIn, radar.ScopePersonIn)
	w.Scheduler = appointments.NewScheduler(s.DB, who, opts.Now)
	if w.Guides, err = guides.NewLibrary(s.DB, who); err != nil {
		return nil, err
	}
	w.Guides.Now = opts.Now
	loaded, err := w.Guides.LoadBundled(guides.Bundled())
	if err != nil {
		return nil, err
	}
	for _, p := range loaded.Problems {
		opts.Logger.Warn("a bundled guide was left out", "err", p)
	}
	w.Network, err = network.Open(s.DB, s.Centre.Name, network.Options{Listen: opts.Listen, Logger: opts.Logger, Discovery: opts.Discovery, Who: who})
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	if !opts.Offline {
		if err := w.Network.Start(ctx); err != nil {
			stop()
			return nil, err
		}
	}
	w.stop = stop
	for _, follow := range []func(context.Context){w.People.Follow, w.Guides.Follow, w.Radar.Follow} {
		w.following.Go(func() { follow(ctx) })
	}
	if !opts.Offline {
		// Retention on this copy: a purge now, then every day, and the
		// erasure of what a partner brings back of an erased person.
		purger := rgpd.NewPurger(s.DB, actor.System(s.CentreID).Recording(w.Audit))
		purger.Done = func(sum rgpd.Summary, err error) {
			if err != nil {
				opts.Logger.Warn("the retention purge failed; it runs again tomorrow", "err", err)
			}
		}
		w.following.Go(func() { purger.Run(ctx, opts.Now) })
	}
	return w, nil
}

// AuditOf is the audit log of db, for what is done before anyone signs in
// (a password reset with the recovery key).
func AuditOf(db *store.DB) actor.Recorder { return audit.Open(db) }

// Close stops the session's background work, then closes the store.
func (w *Workspace) Close() error {
	if w.stop != nil {
		w.stop()
	}
	if w.Network != nil {
		w.Network.Close()
	}
	// A follower reading the change feed when the store closes would fail
	// in the middle of its read: let them stop first.
	w.following.Wait()
	return w.Session.Close()
}
