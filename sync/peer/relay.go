package peer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"
)

const (
	// relayTimeout bounds each exchange with the relay server.
	relayTimeout = 10 * time.Second
	// relaySilence: strelaysrv pings a joined client every minute; this
	// long without a word, the connection is taken for dead.
	relaySilence = 2 * time.Minute
)

// errRelayNotYet is the relay's state until the node has joined it once.
var errRelayNotYet = errors.New("not joined to the relay yet")

// ParseRelay checks a relay server's address: "relay://host:port/?id=…",
// where id is the relay's own device id, so that nobody can stand in for
// it. The other parameters strelaysrv prints (pingInterval,
// networkTimeout, statusAddr…) are kept; token, when present, is sent
// when joining a private relay.
func ParseRelay(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("peer: relay %q: %w", s, err)
	}
	if u.Scheme != "relay" {
		return nil, fmt.Errorf("peer: relay %q: the address starts with relay://", s)
	}
	if _, err := hostPort(u.Host); err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("peer: relay %q: no host:port", s)
	}
	id, err := protocol.DeviceIDFromString(u.Query().Get("id"))
	if err != nil || id == protocol.EmptyDeviceID {
		return nil, fmt.Errorf("peer: relay %q: no valid id=", s)
	}
	return u, nil
}

// RelayStatus says whether the node is joined to its relay: nil when it
// is (or no relay is set), otherwise why not.
func (n *Node) RelayStatus() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.relayErr
}

func (n *Node) setRelayErr(err error) {
	n.mu.Lock()
	changed := (n.relayErr == nil) != (err == nil)
	n.relayErr = err
	n.mu.Unlock()
	if changed {
		if err == nil {
			n.log.Info("joined the relay", "relay", n.relayURL.Host)
		} else {
			n.log.Warn("not joined to the relay", "relay", n.relayURL.Host, "err", err)
		}
		n.emit(EventRelay, protocol.EmptyDeviceID, err)
	}
}

// relayLoop keeps the node joined to its relay, so partners can reach it
// there, and answers their invitations, until the node stops.
func (n *Node) relayLoop() {
	defer n.wg.Done()
	backoff := n.cfg.RetryMin
	for n.ctx.Err() == nil {
		start := time.Now()
		err := n.joinRelay()
		if n.ctx.Err() != nil {
			return
		}
		n.setRelayErr(err)
		if time.Since(start) > time.Minute {
			backoff = n.cfg.RetryMin // it was up for a while: a blip
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(backoff*2, n.cfg.RetryMax)
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
			return
		}
	}
}

// relayConn opens a TLS connection to the relay and checks it is the one
// the address names.
func (n *Node) relayConn(ctx context.Context) (*tls.Conn, error) {
	d := net.Dialer{Timeout: relayTimeout}
	raw, err := d.DialContext(ctx, "tcp", n.relayURL.Host)
	if err != nil {
		return nil, err
	}
	c := tls.Client(raw, &tls.Config{
		Certificates:       []tls.Certificate{n.cfg.Identity.Certificate},
		NextProtos:         []string{relayALPN},
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // self-signed: the id is checked below
		ServerName:         n.relayURL.Hostname(),
	})
	_ = c.SetDeadline(time.Now().Add(relayTimeout))
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	if err := c.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	cs := c.ConnectionState()
	want, _ := protocol.DeviceIDFromString(n.relayURL.Query().Get("id"))
	if cs.NegotiatedProtocol != relayALPN || len(cs.PeerCertificates) != 1 || protocol.NewDeviceID(cs.PeerCertificates[0].Raw) != want {
		c.Close()
		return nil, errors.New("this server is not the relay the address names")
	}
	return c, nil
}

// joinRelay joins the relay and answers it until the connection ends.
func (n *Node) joinRelay() error {
	c, err := n.relayConn(n.ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(n.ctx, func() { c.Close() })
	defer stop()
	if err := writeRelayMsg(c, relayMsg{Type: relayJoinRelayRequest, Token: n.relayURL.Query().Get("token")}); err != nil {
		return err
	}
	m, err := readRelayMsg(c)
	if err != nil {
		return err
	}
	if err := relayAnswer(m); err != nil {
		return err
	}
	n.setRelayErr(nil)
	for {
		_ = c.SetDeadline(time.Now().Add(relaySilence))
		m, err := readRelayMsg(c)
		if err != nil {
			return err
		}
		switch m.Type {
		case relayPing:
			if err := writeRelayMsg(c, relayMsg{Type: relayPong}); err != nil {
				return err
			}
		case relaySessionInvitation:
			n.acceptInvitation(m, c.RemoteAddr())
		case relayFull:
			return errors.New("the relay is full")
		default:
			return fmt.Errorf("%w: unexpected message %d", errRelayProtocol, m.Type)
		}
	}
}

// relayAnswer turns the relay's Response into an error, nil for success.
func relayAnswer(m relayMsg) error {
	switch {
	case m.Type == relayFull:
		return errors.New("the relay is full")
	case m.Type != relayResponse:
		return fmt.Errorf("%w: unexpected message %d", errRelayProtocol, m.Type)
	case m.Code != 0:
		return fmt.Errorf("relay: %s (code %d)", m.Message, m.Code)
	}
	return nil
}

// sessionAddr is where to join a session: the invitation's address, or
// the relay's own when it leaves it out.
func sessionAddr(inv relayMsg, relay net.Addr) string {
	ip := net.IP(inv.Address)
	if len(ip) == 0 || ip.IsUnspecified() {
		if ta, ok := relay.(*net.TCPAddr); ok {
			ip = ta.IP
		}
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(int(inv.Port)))
}

// joinSession opens the relayed session an invitation offers.
func (n *Node) joinSession(ctx context.Context, inv relayMsg, relay net.Addr) (net.Conn, error) {
	d := net.Dialer{Timeout: relayTimeout}
	c, err := d.DialContext(ctx, "tcp", sessionAddr(inv, relay))
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(relayTimeout))
	if err := writeRelayMsg(c, relayMsg{Type: relayJoinSessionRequest, Key: inv.Key}); err != nil {
		c.Close()
		return nil, err
	}
	m, err := readRelayMsg(c)
	if err == nil {
		err = relayAnswer(m)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("relay session: %w", err)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// acceptInvitation joins a session a partner opened to us. An invitation
// from a device that is not a partner is not even joined.
func (n *Node) acceptInvitation(inv relayMsg, relay net.Addr) {
	from, err := protocol.DeviceIDFromBytes(inv.From)
	if err != nil {
		return
	}
	n.mu.Lock()
	_, ok := n.partners[from]
	n.mu.Unlock()
	if !ok {
		n.log.Info("relay invitation from a device that is not a partner", "device", from.Short().String())
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		c, err := n.joinSession(n.ctx, inv, relay)
		if err != nil {
			n.log.Info("joining a relayed session", "partner", from.Short().String(), "err", err)
			return
		}
		if err := n.serve(c, link{tlsClient: !inv.ServerSocket, relayed: true}, from); err != nil {
			n.log.Info("relayed connection refused", "partner", from.Short().String(), "err", err)
		}
	}()
}

// dialRelay reaches a partner through the relay; the partner must be
// joined to it too.
func (n *Node) dialRelay(ctx context.Context, dev protocol.DeviceID) error {
	c, err := n.relayConn(ctx)
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	err = writeRelayMsg(c, relayMsg{Type: relayConnectRequest, From: dev[:]})
	var m relayMsg
	if err == nil {
		m, err = readRelayMsg(c)
	}
	stop()
	relay := c.RemoteAddr()
	c.Close()
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	if m.Type != relaySessionInvitation {
		if err := relayAnswer(m); err != nil {
			return err // code 1, "not found": the partner is not joined
		}
		return fmt.Errorf("%w: no invitation", errRelayProtocol)
	}
	sc, err := n.joinSession(ctx, m, relay)
	if err != nil {
		return err
	}
	return n.serve(sc, link{outgoing: true, tlsClient: !m.ServerSocket, relayed: true}, dev)
}
