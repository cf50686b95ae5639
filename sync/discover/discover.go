// Package discover finds partner centres on the local network.
//
// Every Relais node broadcasts, on UDP port DefaultPort (IPv4, through
// Syncthing's lib/beacon), a signed announcement: its certificate, the
// addresses it accepts partners on, the time and a random instance id. The
// receiver derives the device id from the certificate, checks the signature
// and the time, and remembers the addresses for a few intervals. Stock
// Syncthing uses port 21027 with another format: the two never mix.
//
// How the app uses it: when a partner has no fixed address (a laptop, a PC
// whose DHCP address changes), the node asks discovery where it was last
// heard of. The wiring is
//
//	d, _ := discover.New(discover.Config{
//		Identity:  id,
//		Addresses: func() []string { return []string{"tcp://0.0.0.0:22100"} },
//		Allowed:   isPartner,
//		Logger:    log,
//	})
//	go d.Run(ctx)
//	node, _ := peer.NewNode(peer.Config{..., Lookup: d.Lookup})
//
// and Config.Found can wake a dial loop as soon as a partner shows up.
// Announcements prove who sent them, not that the sender is a partner, nor
// that the addresses are safe to trust: the TLS handshake still checks the
// partner's device id before any data flows.
package discover

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/syncthing/syncthing/lib/beacon"
	"github.com/syncthing/syncthing/lib/protocol"

	"relais/sync/peer"
)

const (
	// DefaultPort is Relais's discovery port, next to Syncthing's 21027
	// but not on it.
	DefaultPort = 21127
	// DefaultInterval is how often a node announces itself.
	DefaultInterval = 30 * time.Second
	// cacheIntervals is how many intervals an announcement stays valid:
	// one lost packet must not make a partner vanish.
	cacheIntervals = 3
	// maxDevices bounds what strangers can make us remember when every
	// device is allowed.
	maxDevices = 256
	// minResend is the least time between an announcement and the next one
	// when it is sent early, to greet a device heard for the first time.
	minResend = time.Second
	// warnEvery is how often one kind of refusal is logged as a warning; the
	// rest go to debug, so a flood of bad packets does not flood the log.
	warnEvery = time.Minute
)

// Config configures a Discoverer.
type Config struct {
	// Identity signs our announcements, and our own are ignored when they
	// come back.
	Identity peer.Identity
	// Port is the UDP port to announce and listen on; DefaultPort when zero.
	Port int
	// Addresses gives the addresses to announce, "tcp://host:port"; an
	// unspecified host ("tcp://0.0.0.0:22100") lets each receiver use the
	// address it heard us from. Called before each announcement; nothing
	// is sent while it returns none.
	Addresses func() []string
	// Interval between announcements; DefaultInterval when zero.
	Interval time.Duration
	// Allowed, when set, says which devices to listen to (the partners);
	// others are ignored. Nil listens to every device.
	Allowed func(protocol.DeviceID) bool
	// Found, when set, is called when a device is heard for the first time,
	// again after it was forgotten, or with new addresses. It runs on the
	// receiving goroutine, one call at a time: it must not block.
	Found func(Announcement)
	// Logger receives refusals and failures; nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Discoverer announces this node and remembers the announcements of others.
type Discoverer struct {
	cfg      Config
	log      *slog.Logger
	instance uint64
	running  atomic.Bool
	greet    chan struct{} // asks the sender for an early announcement

	mu    sync.Mutex
	heard map[protocol.DeviceID]heard

	lastWarn map[error]time.Time // receiving goroutine only
}

type heard struct {
	Announcement
	received time.Time // by our clock
}

// New checks cfg and makes a Discoverer; Run starts it.
func New(cfg Config) (*Discoverer, error) {
	if len(cfg.Identity.Certificate.Certificate) == 0 {
		return nil, errors.New("discover: no identity")
	}
	if protocol.NewDeviceID(cfg.Identity.Certificate.Certificate[0]) != cfg.Identity.Device {
		return nil, errors.New("discover: identity's device id does not match its certificate")
	}
	if cfg.Addresses == nil {
		return nil, errors.New("discover: no Addresses function")
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("discover: bad port %d", cfg.Port)
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Interval < 0 {
		return nil, fmt.Errorf("discover: negative interval %s", cfg.Interval)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("discover: instance id: %w", err)
	}
	return &Discoverer{
		cfg:      cfg,
		log:      cfg.Logger.With("device", cfg.Identity.Device.Short().String()),
		instance: binary.BigEndian.Uint64(b[:]),
		greet:    make(chan struct{}, 1),
		heard:    map[protocol.DeviceID]heard{},
		lastWarn: map[error]time.Time{},
	}, nil
}

// Run announces this node at once and then every Interval, and listens to
// others, until ctx is done; then it returns nil. It fails at once if the
// port is taken (another Relais on this PC). Call it once.
func (d *Discoverer) Run(ctx context.Context) error {
	if !d.running.CompareAndSwap(false, true) {
		return errors.New("discover: Run called twice")
	}
	// The beacon retries a port it cannot bind quietly, once a minute:
	// check it first so the caller gets a clear error.
	c, err := net.ListenUDP("udp4", &net.UDPAddr{Port: d.cfg.Port})
	if err != nil {
		return fmt.Errorf("discover: listen on UDP port %d: %w", d.cfg.Port, err)
	}
	c.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bc := beacon.NewBroadcast(d.cfg.Port)
	var wg sync.WaitGroup
	// The beacon stops when ctx is done; Recv then returns no sender, which
	// ends the receiving goroutine.
	wg.Go(func() { _ = bc.Serve(ctx) })
	wg.Go(func() {
		for {
			pkt, src := bc.Recv()
			if src == nil {
				return
			}
			d.receive(pkt, src)
		}
	})
	d.announce(ctx, bc)
	cancel()
	wg.Wait()
	return nil
}

// Lookup returns the addresses where dev was last heard of, or nil if it
// was not heard within the last three intervals. Its signature is that of
// peer.Config.Lookup.
func (d *Discoverer) Lookup(dev protocol.DeviceID) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	h, ok := d.heard[dev]
	if !ok || d.expired(h, d.cfg.Now()) {
		return nil
	}
	return slices.Clone(h.Addresses)
}

func (d *Discoverer) expired(h heard, now time.Time) bool {
	return now.Sub(h.received) > cacheIntervals*d.cfg.Interval
}

// announce sends our announcement now, then every interval and when a new
// device asks for a greeting, until ctx is done.
func (d *Discoverer) announce(ctx context.Context, bc beacon.Interface) {
	t := time.NewTicker(d.cfg.Interval)
	defer t.Stop()
	d.send(bc)
	last := time.Now()
	var greetLater <-chan time.Time // a greeting held back by minResend
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.forget()
			greetLater = nil // this announcement greets too
		case <-d.greet:
			if greetLater != nil {
				continue
			}
			if wait := minResend - time.Since(last); wait > 0 {
				greetLater = time.After(wait)
				continue
			}
		case <-greetLater:
			greetLater = nil
		}
		d.send(bc)
		last = time.Now()
	}
}

// send broadcasts one announcement.
func (d *Discoverer) send(bc beacon.Interface) {
	addrs := d.cfg.Addresses()
	if len(addrs) == 0 {
		d.log.Debug("discovery: no address to announce")
		return
	}
	pkt, err := Encode(d.cfg.Identity, addrs, d.cfg.Now(), d.instance)
	if err != nil {
		d.log.Warn("discovery: cannot announce", "err", err)
		return
	}
	bc.Send(pkt) // returns early if the beacon stops
}

// receive handles one packet from the network.
func (d *Discoverer) receive(pkt []byte, src net.Addr) {
	var ip net.IP
	if u, ok := src.(*net.UDPAddr); ok {
		ip = u.IP
	}
	now := d.cfg.Now()
	ann, err := Decode(pkt, ip, now)
	switch {
	case err != nil:
		d.refuse(src, err, now)
		return
	case ann.Device == d.cfg.Identity.Device:
		return // our own broadcast, looped back
	case d.cfg.Allowed != nil && !d.cfg.Allowed(ann.Device):
		d.log.Debug("discovery: ignoring a device that is not a partner", "from", src.String(), "partner", ann.Device.String())
		return
	}
	changed, first, full := d.remember(ann, now)
	if full {
		d.refuse(src, errTooMany, now)
		return
	}
	if changed {
		d.log.Info("discovery: device heard", "from", src.String(), "partner", ann.Device.String(), "addresses", ann.Addresses)
		if d.cfg.Found != nil {
			d.cfg.Found(ann)
		}
	}
	if first {
		// Greet it now rather than at our next tick, so it finds us as
		// soon as we found it.
		select {
		case d.greet <- struct{}{}:
		default:
		}
	}
}

var errTooMany = errors.New("discover: too many devices heard")

// remember records ann. changed: it is new news (first time, back after
// being forgotten, or other addresses). An announcement no newer than the
// one we hold is a duplicate or a replay and changes nothing.
func (d *Discoverer) remember(ann Announcement, now time.Time) (changed, first, full bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old, ok := d.heard[ann.Device]
	if ok && !d.expired(old, now) {
		if !ann.At.After(old.At) {
			return false, false, false
		}
		d.heard[ann.Device] = heard{ann, now}
		return !slices.Equal(old.Addresses, ann.Addresses), false, false
	}
	if !ok && len(d.heard) >= maxDevices {
		d.forgetLocked(now)
		if len(d.heard) >= maxDevices {
			return false, false, true
		}
	}
	d.heard[ann.Device] = heard{ann, now}
	return true, true, false
}

// forget drops the devices not heard for a while.
func (d *Discoverer) forget() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.forgetLocked(d.cfg.Now())
}

func (d *Discoverer) forgetLocked(now time.Time) {
	for dev, h := range d.heard {
		if d.expired(h, now) {
			delete(d.heard, dev)
		}
	}
}

// refuse logs a refused packet: a warning the first time in warnEvery for
// each reason, debug otherwise. Packets that are not ours at all are only
// ever debug: something else may use the port.
func (d *Discoverer) refuse(src net.Addr, err error, now time.Time) {
	level := slog.LevelDebug
	if !errors.Is(err, ErrBadMagic) {
		reason := reasonOf(err)
		if last, ok := d.lastWarn[reason]; !ok || now.Sub(last) >= warnEvery {
			d.lastWarn[reason] = now
			level = slog.LevelWarn
		}
	}
	d.log.Log(context.Background(), level, "discovery: refused announcement", "from", src.String(), "err", err)
}

func reasonOf(err error) error {
	for _, r := range []error{ErrMalformed, ErrBadCertificate, ErrBadSignature, ErrClockSkew, ErrBadAddress, ErrNoAddress, errTooMany} {
		if errors.Is(err, r) {
			return r
		}
	}
	return nil
}
