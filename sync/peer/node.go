package peer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"
)

// ALPN protocol of BEP.
const alpnBEP = "bep/1.0"

// maxClockSkew is how far a partner's clock may be from ours before we warn.
const maxClockSkew = 2 * time.Minute

const handshakeTimeout = 10 * time.Second

// Partner is a centre this one replicates with.
type Partner struct {
	Device protocol.DeviceID
	// Address is "tcp://host:port"; empty when we only accept its connections
	// (or reach it through the relay).
	Address string
	// Password, when set, is the network's folder password and makes the
	// partner a mailbox: a stock Syncthing whose folder is
	// "receiveencrypted". It then receives names, index and bodies
	// encrypted with keys derived from the password (lib/protocol does it),
	// stores only ciphertext, and serves them back to the other centres,
	// which decrypt them. It never sees a record in clear.
	Password string
}

// Mailbox reports whether the partner only ever gets ciphertext.
func (p Partner) Mailbox() bool { return p.Password != "" }

// Config configures a Node.
type Config struct {
	Identity Identity
	Replica  Replica
	// FolderID is the BEP folder of the network, e.g. "relais-<network>".
	FolderID string
	Partners []Partner
	// Listen is the address to accept partners on, "tcp://127.0.0.1:22100";
	// empty to accept nothing. Listener, when set, is used instead.
	Listen   string
	Listener net.Listener
	// Name is the device name sent in the Hello.
	Name   string
	Logger *slog.Logger
	// RetryMin and RetryMax bound the backoff between dial attempts
	// (500 ms and 30 s when zero).
	RetryMin, RetryMax time.Duration
	// Pullers is how many requests for bodies are in flight per partner (32 when zero).
	Pullers int
	// WrapConn, when set, wraps every TCP connection before TLS (tests count bytes with it).
	WrapConn func(net.Conn) net.Conn
	// Lookup, when set, gives the addresses where a partner without a fixed
	// address was last heard of (LAN discovery); the node dials them in turn.
	Lookup func(protocol.DeviceID) []string
	// Relay, when set, is a Syncthing relay server ("relay://host:port/?id=…",
	// a strelaysrv run by the network): the node stays joined to it, so
	// partners reach it there, and dials through it a partner it cannot
	// reach directly. The relay only pipes TLS between the two centres.
	Relay string
}

// EventKind says what happened to a partner.
type EventKind int

// The events of a Node.
const (
	EventConnected    EventKind = iota + 1
	EventDisconnected           // Err says why
	EventSynced                 // everything the partner announced so far is applied
	EventRefused                // a connection was refused (unknown device, bad handshake); Err says why
	EventRelay                  // joined the relay (Err nil) or lost it (Err says why)
)

func (k EventKind) String() string {
	switch k {
	case EventConnected:
		return "connected"
	case EventDisconnected:
		return "disconnected"
	case EventSynced:
		return "synced"
	case EventRefused:
		return "refused"
	case EventRelay:
		return "relay"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is something a screen may want to show. Device is zero for a
// refused connection whose device is not known.
type Event struct {
	Kind   EventKind
	Device protocol.DeviceID
	Err    error
	At     time.Time
}

// PartnerStatus is what the node knows about a partner now.
type PartnerStatus struct {
	Partner
	Connected bool
	LastSync  time.Time // zero until the first complete sync
	Pending   int       // records announced by the partner, not applied yet
	Received  int       // records received and applied since the connection began
	Relayed   bool      // the connection goes through the relay
	// Err is why the last connection ended or was refused (nil once
	// connected); ErrMailboxPassword when a mailbox holds another password.
	Err error
}

// Node replicates a store with its partners over BEP.
type Node struct {
	cfg    Config
	log    *slog.Logger
	keyGen *protocol.KeyGenerator
	tlsCfg *tls.Config
	events chan Event

	relayURL *url.URL // nil without a relay

	mu       sync.Mutex
	partners map[protocol.DeviceID]*partnerState
	relayErr error // why the node is not joined to its relay
	ln       net.Listener
	started  bool
	closed   bool
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

type partnerState struct {
	Partner
	sess     *session
	lastSync time.Time
	lastErr  error
	down     chan struct{} // signalled when a session with this partner ends
	// stop ends the partner's dial loop (the partner was removed or its
	// address changed); nil until the loop starts.
	stop context.CancelFunc
}

var (
	errNodeClosed = errors.New("node closed")
	errReplaced   = errors.New("replaced by another connection")
	errRemoved    = errors.New("partner removed")
	// errPasswordChanged ends a mailbox's connection when its password changes.
	errPasswordChanged = errors.New("folder password changed")
)

// ErrMailboxPassword is why a mailbox's connection is refused when the
// mailbox already keeps the network's data under another folder password:
// it would refuse ours, and we could not read its data.
var ErrMailboxPassword = errors.New("the mailbox holds another folder password")

// NewNode checks cfg and makes a node; Start runs it.
func NewNode(cfg Config) (*Node, error) {
	if cfg.Replica == nil {
		return nil, errors.New("peer: no replica")
	}
	if len(cfg.Identity.Certificate.Certificate) == 0 {
		return nil, errors.New("peer: no identity")
	}
	if cfg.FolderID == "" {
		return nil, errors.New("peer: no folder id")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 500 * time.Millisecond
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(30*time.Second, cfg.RetryMin)
	}
	if cfg.Pullers <= 0 {
		cfg.Pullers = 32
	}
	if cfg.Name == "" {
		cfg.Name = "relais"
	}
	var relay *url.URL
	if cfg.Relay != "" {
		var err error
		if relay, err = ParseRelay(cfg.Relay); err != nil {
			return nil, err
		}
	}
	n := &Node{
		cfg:      cfg,
		log:      cfg.Logger.With("device", cfg.Identity.Device.Short().String()),
		keyGen:   protocol.NewKeyGenerator(),
		events:   make(chan Event, 256),
		partners: map[protocol.DeviceID]*partnerState{},
		relayURL: relay,
	}
	for _, p := range cfg.Partners {
		if err := n.checkPartner(p); err != nil {
			return nil, err
		}
		n.partners[p.Device] = &partnerState{Partner: p, down: make(chan struct{}, 1)}
	}
	n.tlsCfg = &tls.Config{
		Certificates:       []tls.Certificate{cfg.Identity.Certificate},
		MinVersion:         tls.VersionTLS13,
		MaxVersion:         tls.VersionTLS13,
		NextProtos:         []string{alpnBEP},
		ClientAuth:         tls.RequireAnyClientCert,
		InsecureSkipVerify: true, // self-signed: the device id is checked instead
		VerifyConnection:   n.verifyConnection,
	}
	return n, nil
}

func (n *Node) checkPartner(p Partner) error {
	if p.Device == n.cfg.Identity.Device {
		return errors.New("peer: a node cannot be its own partner")
	}
	if p.Address != "" {
		if _, err := hostPort(p.Address); err != nil {
			return err
		}
	}
	return nil
}

// AddPartner accepts a new partner, or changes the address or password of
// a known one, while the node runs: it is dialed at once when it has an
// address (or a Lookup or a relay is set). A new password closes the
// connection, so the next one uses it.
func (n *Node) AddPartner(p Partner) error {
	if err := n.checkPartner(p); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return errNodeClosed
	}
	ps := n.partners[p.Device]
	if ps == nil {
		ps = &partnerState{Partner: p, down: make(chan struct{}, 1)}
		n.partners[p.Device] = ps
	} else if ps.Partner == p {
		return nil
	} else {
		if ps.Password != p.Password && ps.sess != nil {
			go ps.sess.conn.Close(errPasswordChanged)
		}
		ps.Partner = p
		if ps.stop != nil {
			ps.stop()
			ps.stop = nil
		}
	}
	if n.started {
		n.startDialing(ps)
	}
	return nil
}

// RemovePartner forgets a partner: its connection is closed and a new one
// is refused at the handshake. What it sent stays.
func (n *Node) RemovePartner(dev protocol.DeviceID) {
	n.mu.Lock()
	ps := n.partners[dev]
	delete(n.partners, dev)
	var sess *session
	if ps != nil {
		if ps.stop != nil {
			ps.stop()
		}
		sess = ps.sess
	}
	n.mu.Unlock()
	if sess != nil {
		sess.conn.Close(errRemoved)
	}
}

// startDialing starts the dial loop of a partner that has somewhere to be
// dialed. n.mu is held.
func (n *Node) startDialing(p *partnerState) {
	if p.Address == "" && n.cfg.Lookup == nil && n.relayURL == nil {
		return
	}
	ctx, cancel := context.WithCancel(n.ctx)
	p.stop = cancel
	n.wg.Add(1)
	go n.dialLoop(ctx, p)
}

// hostPort turns "tcp://host:port" into "host:port".
func hostPort(addr string) (string, error) {
	hp := strings.TrimPrefix(addr, "tcp://")
	if _, _, err := net.SplitHostPort(hp); err != nil {
		return "", fmt.Errorf("peer: address %q: %w", addr, err)
	}
	return hp, nil
}

// verifyConnection refuses, during the TLS handshake, any device that is not
// a configured partner.
func (n *Node) verifyConnection(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no certificate")
	}
	dev := protocol.NewDeviceID(cs.PeerCertificates[0].Raw)
	n.mu.Lock()
	_, ok := n.partners[dev]
	n.mu.Unlock()
	if !ok {
		return fmt.Errorf("device %v is not a partner", dev)
	}
	return nil
}

// Device returns this node's device id.
func (n *Node) Device() protocol.DeviceID { return n.cfg.Identity.Device }

// Addr returns the address the node listens on ("tcp://127.0.0.1:port"),
// empty before Start or when it does not listen.
func (n *Node) Addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ln == nil {
		return ""
	}
	return "tcp://" + n.ln.Addr().String()
}

// Events returns the node's events. They are dropped when nobody reads.
func (n *Node) Events() <-chan Event { return n.events }

func (n *Node) emit(kind EventKind, dev protocol.DeviceID, err error) {
	select {
	case n.events <- Event{Kind: kind, Device: dev, Err: err, At: time.Now()}:
	default:
	}
}

// Partners returns the status of every partner, by device id.
func (n *Node) Partners() []PartnerStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]PartnerStatus, 0, len(n.partners))
	for _, p := range n.partners {
		st := PartnerStatus{Partner: p.Partner, LastSync: p.lastSync, Err: p.lastErr}
		if p.sess != nil {
			st.Connected, st.Relayed, st.Err = true, p.sess.relayed, nil
			st.Pending, st.Received = p.sess.track.counts()
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b PartnerStatus) int { return a.Device.Compare(b.Device) })
	return out
}

// Start listens and dials partners until ctx ends or Close is called.
func (n *Node) Start(ctx context.Context) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started || n.closed {
		return errors.New("peer: node already started")
	}
	n.started = true
	n.ctx, n.cancel = context.WithCancel(ctx)
	n.ln = n.cfg.Listener
	if n.ln == nil && n.cfg.Listen != "" {
		hp, err := hostPort(n.cfg.Listen)
		if err != nil {
			return err
		}
		if n.ln, err = net.Listen("tcp", hp); err != nil {
			return fmt.Errorf("peer: listen: %w", err)
		}
	}
	n.wg.Add(1)
	go n.shutdownWhenDone()
	if n.ln != nil {
		n.wg.Add(1)
		go n.acceptLoop(n.ln)
	}
	if n.relayURL != nil {
		n.relayErr = errRelayNotYet
		n.wg.Add(1)
		go n.relayLoop()
	}
	for _, p := range n.partners {
		n.startDialing(p)
	}
	return nil
}

// Close disconnects every partner and waits for every goroutine of the node.
// Cancelling the context given to Start does the same, without the wait.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.cancel != nil {
		n.cancel()
	}
	n.closed = true
	n.mu.Unlock()
	n.wg.Wait()
	return nil
}

// shutdownWhenDone stops the node when its context ends: no more
// connections, every session closed.
func (n *Node) shutdownWhenDone() {
	defer n.wg.Done()
	<-n.ctx.Done()
	n.mu.Lock()
	n.closed = true
	var sessions []*session
	for _, p := range n.partners {
		if p.sess != nil {
			sessions = append(sessions, p.sess)
		}
	}
	n.mu.Unlock()
	if n.ln != nil {
		n.ln.Close()
	}
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() { defer wg.Done(); s.conn.Close(errNodeClosed) }()
	}
	wg.Wait()
}

func (n *Node) acceptLoop(ln net.Listener) {
	defer n.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if n.ctx.Err() == nil {
				n.log.Warn("accept failed", "err", err)
			}
			return
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := n.serve(c, link{}, protocol.EmptyDeviceID); err != nil {
				n.log.Info("incoming connection refused", "remote", c.RemoteAddr().String(), "err", err)
			}
		}()
	}
}

func (n *Node) dialLoop(ctx context.Context, p *partnerState) {
	defer n.wg.Done()
	backoff := n.cfg.RetryMin
	for {
		if ctx.Err() != nil {
			return
		}
		n.mu.Lock()
		connected := p.sess != nil
		n.mu.Unlock()
		if connected {
			select {
			case <-p.down:
				continue
			case <-ctx.Done():
				return
			}
		}
		err := errors.New("no known address")
		for _, addr := range n.addressesOf(p) {
			if err = n.dial(ctx, addr, p.Device); err == nil {
				break
			}
		}
		if err != nil && n.relayURL != nil && ctx.Err() == nil {
			// Direct failed or there is no address: through the relay.
			err = n.dialRelay(ctx, p.Device)
		}
		if err == nil {
			backoff = n.cfg.RetryMin
			continue
		}
		n.log.Debug("dial failed", "partner", p.Device.Short().String(), "err", err)
		// Jitter, so two nodes that fail together do not retry together.
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(backoff*2, n.cfg.RetryMax)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-p.down:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// addressesOf returns the host:port addresses to dial a partner at: its
// fixed address, or else where discovery last heard of it.
func (n *Node) addressesOf(p *partnerState) []string {
	n.mu.Lock()
	fixed := p.Address
	n.mu.Unlock()
	addrs := []string{fixed}
	if fixed == "" {
		addrs = nil
		if n.cfg.Lookup != nil {
			addrs = n.cfg.Lookup(p.Device)
		}
	}
	var out []string
	for _, a := range addrs {
		if hp, err := hostPort(a); err == nil {
			out = append(out, hp)
		}
	}
	return out
}

func (n *Node) dial(ctx context.Context, addr string, dev protocol.DeviceID) error {
	d := net.Dialer{Timeout: handshakeTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return n.serve(c, link{outgoing: true, tlsClient: true}, dev)
}

// link says how a connection came: who dialed (the preferred connection
// of a pair depends on it), which end plays the TLS client (through a
// relay, the relay's invitation says), and whether it is relayed.
type link struct {
	outgoing  bool
	tlsClient bool
	relayed   bool
}

// serve runs the TLS handshake and the Hello on c, then hands it to a
// session. want is the device we dialed (zero for an incoming connection).
func (n *Node) serve(c net.Conn, how link, want protocol.DeviceID) error {
	if n.cfg.WrapConn != nil {
		c = n.cfg.WrapConn(c)
	}
	var tc *tls.Conn
	if how.tlsClient {
		tc = tls.Client(c, n.tlsCfg)
	} else {
		tc = tls.Server(c, n.tlsCfg)
	}
	// Make sure a stuck handshake ends with the node.
	stop := context.AfterFunc(n.ctx, func() { c.Close() })
	defer stop()
	_ = tc.SetDeadline(time.Now().Add(handshakeTimeout))
	if err := tc.HandshakeContext(n.ctx); err != nil {
		tc.Close()
		n.emit(EventRefused, protocol.EmptyDeviceID, err)
		return fmt.Errorf("tls: %w", err)
	}
	cs := tc.ConnectionState()
	dev := protocol.NewDeviceID(cs.PeerCertificates[0].Raw)
	switch {
	case cs.Version != tls.VersionTLS13:
		err := errors.New("not TLS 1.3")
		tc.Close()
		return err
	case cs.NegotiatedProtocol != alpnBEP:
		tc.Close()
		return fmt.Errorf("ALPN %q, want %q", cs.NegotiatedProtocol, alpnBEP)
	case want != protocol.EmptyDeviceID && dev != want:
		tc.Close()
		err := fmt.Errorf("dialed %v, reached %v", want, dev)
		n.emit(EventRefused, want, err)
		return err
	}
	hello, err := protocol.ExchangeHello(tc, protocol.Hello{
		DeviceName: n.cfg.Name, ClientName: "relais", ClientVersion: "v1",
		NumConnections: 1, Timestamp: time.Now().UnixNano(),
	})
	if err != nil {
		tc.Close()
		return fmt.Errorf("hello: %w", err)
	}
	if skew := time.Duration(time.Now().UnixNano() - hello.Timestamp); skew > maxClockSkew || skew < -maxClockSkew {
		n.log.Warn("partner clock differs from ours", "partner", dev.Short().String(), "skew", skew.Round(time.Second).String())
	}
	_ = tc.SetDeadline(time.Time{})
	return n.startSession(tc, dev, how, hello)
}

// preferred reports whether a connection dialed by dialer is the one kept
// when two connect the same pair: the one dialed by the lower device id.
// Both ends compute the same answer.
func (n *Node) preferred(dev protocol.DeviceID, outgoing bool) bool {
	us := n.cfg.Identity.Device
	dialer := dev
	if outgoing {
		dialer = us
	}
	lower := us
	if dev.Compare(us) < 0 {
		lower = dev
	}
	return dialer == lower
}

func (n *Node) startSession(tc *tls.Conn, dev protocol.DeviceID, how link, hello protocol.Hello) error {
	outgoing := how.outgoing
	n.mu.Lock()
	p := n.partners[dev]
	var partner Partner
	if p != nil {
		partner = p.Partner
	}
	n.mu.Unlock()
	if p == nil {
		tc.Close()
		return fmt.Errorf("device %v is not a partner", dev)
	}
	pref := n.preferred(dev, outgoing)
	s := newSession(n, p, partner, tc, how, pref)
	s.prepare()
	n.mu.Lock()
	old := p.sess
	if n.closed || old != nil && old.preferred && !pref {
		// Closing, or the other connection with this partner stays.
		n.mu.Unlock()
		s.abandon()
		if n.ctx.Err() != nil {
			return errNodeClosed
		}
		return nil
	}
	p.sess = s
	n.wg.Add(1) // done when the session ends
	n.mu.Unlock()
	if old != nil {
		go old.conn.Close(errReplaced)
	}
	n.log.Info("partner connected", "partner", dev.Short().String(), "name", hello.DeviceName, "outgoing", outgoing,
		"relayed", how.relayed, "mailbox", partner.Mailbox())
	n.emit(EventConnected, dev, nil)
	s.begin()
	return nil
}

// sessionEnded is called once per session, after all its goroutines ended.
func (n *Node) sessionEnded(s *session, err error) {
	n.mu.Lock()
	if s.p.sess == s {
		s.p.sess = nil
		s.p.lastErr = err
	}
	n.mu.Unlock()
	select {
	case s.p.down <- struct{}{}:
	default:
	}
	if errors.Is(err, errGarbage) {
		n.log.Warn("partner dropped for sending garbage", "partner", s.dev.Short().String(), "err", err)
	} else {
		n.log.Info("partner disconnected", "partner", s.dev.Short().String(), "err", err)
	}
	n.emit(EventDisconnected, s.dev, err)
	n.wg.Done()
}

func (n *Node) setLastSync(p *partnerState, t time.Time) {
	n.mu.Lock()
	p.lastSync = t
	n.mu.Unlock()
}

// connInfo is the protocol.ConnectionInfo of a TLS connection.
type connInfo struct {
	c   *tls.Conn
	how link
	at  time.Time
	id  string
}

func (ci connInfo) Type() string {
	kind := "tcp"
	if ci.how.relayed {
		kind = "relay"
	}
	if ci.how.outgoing {
		return kind + "-client"
	}
	return kind + "-server"
}
func (ci connInfo) Transport() string {
	if ci.how.relayed {
		return "relay"
	}
	return "tcp"
}
func (ci connInfo) IsLocal() bool            { return false }
func (ci connInfo) RemoteAddr() net.Addr     { return ci.c.RemoteAddr() }
func (ci connInfo) Priority() int            { return 0 }
func (ci connInfo) String() string           { return ci.Type() + " " + ci.c.RemoteAddr().String() }
func (ci connInfo) Crypto() string           { return "TLS1.3" }
func (ci connInfo) EstablishedAt() time.Time { return ci.at }
func (ci connInfo) ConnectionID() string     { return ci.id }

var _ io.Closer = (*tls.Conn)(nil)
