package stock

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
)

// ErrNotLoopback is returned for an address that could reach another
// machine: only IP literals on 127.0.0.0/8 or ::1 are accepted, never a
// name (it would need DNS) nor "dynamic" (it would need discovery).
var ErrNotLoopback = errors.New("not a loopback address")

// checkHostPort accepts "127.0.0.1:22000" and "[::1]:22000".
func checkHostPort(hostport string) error {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil || !ap.Addr().IsLoopback() || ap.Port() == 0 {
		return fmt.Errorf("%q: %w", hostport, ErrNotLoopback)
	}
	return nil
}

// checkURL accepts the tcp://, quic:// and relay:// addresses of Syncthing
// when their host is a loopback IP.
func checkURL(addr string) error {
	u, err := url.Parse(addr)
	if err != nil {
		return fmt.Errorf("%q: %w", addr, ErrNotLoopback)
	}
	switch u.Scheme {
	case "tcp", "tcp4", "tcp6", "quic", "quic4", "quic6", "relay":
	default:
		return fmt.Errorf("%q: %w", addr, ErrNotLoopback)
	}
	if err := checkHostPort(u.Host); err != nil {
		return fmt.Errorf("%q: %w", addr, ErrNotLoopback)
	}
	return nil
}

// freePort returns a loopback port nobody listens on right now. Another
// process may take it before we use it: callers retry on a failed start.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
