package discover

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/sync/peer"
)

// The real broadcast test. Nothing here may broadcast on the machine's own
// interfaces: the test makes three network namespaces, joined by two veth
// pairs, and runs the test binary again inside each, where a helper starts a
// Discoverer. The helper checks that it is in the namespace it was given
// before it sends anything.
//
//	a (announcer)             b (listener)              c (forger)
//	10.77.1.1/24 ── veth ── 10.77.1.2/24
//	                          10.77.2.2/24 ── veth ── 10.77.2.1/24
//
// b allows only a. It must hear a, with a's unspecified address filled in
// with a's source address, and refuse c, which is not a partner and also
// sends packets carrying a's certificate under its own signature. a must
// hear b.

const (
	envRole  = "RELAIS_DISCOVER_ROLE"
	envNetns = "RELAIS_DISCOVER_NETNS"
	envDir   = "RELAIS_DISCOVER_DIR"

	helperInterval = 200 * time.Millisecond
	readyLine      = "helper ready: "
	helperDeadline = 10 * time.Second
)

var roles = []string{"announcer", "listener", "forger"}

func TestDiscoverInNamespaces(t *testing.T) {
	if os.Getenv(envRole) != "" {
		t.Skip("inside a helper")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to make network namespaces (ip netns); broadcasting outside one is not allowed")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (iproute2) to make network namespaces")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}

	// Identities, written where the helpers read them.
	dir := t.TempDir()
	ids := map[string]peer.Identity{}
	for _, role := range roles {
		id, err := peer.NewIdentity()
		if err != nil {
			t.Fatal(err)
		}
		pem, err := id.MarshalPEM()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, role+".pem"), pem, 0o600); err != nil {
			t.Fatal(err)
		}
		ids[role] = id
	}

	ns := map[string]string{}
	for _, role := range roles {
		ns[role] = fmt.Sprintf("relais-disc-%d-%s", os.Getpid(), role[:1])
	}
	ip := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
		}
		return nil
	}
	// Deleting a namespace deletes the veth ends inside it.
	for _, role := range roles {
		name := ns[role]
		if err := ip("netns", "add", name); err != nil {
			t.Skipf("cannot make network namespaces here: %v", err)
		}
		t.Cleanup(func() {
			if err := ip("netns", "del", name); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
	}
	// The veth ends are made directly inside the namespaces: none ever
	// exists in the machine's own.
	links := []struct{ ns, dev, addr string }{
		{ns["announcer"], "rda", "10.77.1.1/24"},
		{ns["listener"], "rdb1", "10.77.1.2/24"},
		{ns["forger"], "rdc", "10.77.2.1/24"},
		{ns["listener"], "rdb2", "10.77.2.2/24"},
	}
	for i := 0; i < len(links); i += 2 {
		l, r := links[i], links[i+1]
		if err := ip("link", "add", l.dev, "netns", l.ns, "type", "veth", "peer", "name", r.dev, "netns", r.ns); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range links {
		for _, args := range [][]string{
			{"-n", l.ns, "addr", "add", l.addr, "dev", l.dev},
			{"-n", l.ns, "link", "set", l.dev, "up"},
			{"-n", l.ns, "link", "set", "lo", "up"},
		} {
			if err := ip(args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The beacon sends only on interfaces that are running: wait for the
	// carrier rather than lose the first announcements.
	for _, l := range links {
		waitCarrier(t, l.ns, l.dev)
	}

	ctx, cancel := context.WithTimeout(context.Background(), helperDeadline+5*time.Second)
	defer cancel()
	type helper struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *logBuffer
		done  chan struct{} // closed when the process has ended; err is then set
		err   error
	}
	helpers := map[string]*helper{}
	// On any failure below, the helpers still running are killed (each by
	// its own process) before the namespaces go.
	t.Cleanup(func() {
		for _, h := range helpers {
			h.stdin.Close()
			select {
			case <-h.done:
			case <-time.After(3 * time.Second):
				_ = h.cmd.Process.Kill()
				<-h.done
			}
		}
	})
	for _, role := range []string{"listener", "announcer", "forger"} {
		// ip netns exec runs the command in place of itself: the process
		// is the helper.
		cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns[role], exe, "-test.run=^TestHelperDiscover$", "-test.v")
		cmd.Env = append(os.Environ(), envRole+"="+role, envNetns+"="+ns[role], envDir+"="+dir)
		h := &helper{cmd: cmd, out: &logBuffer{}, done: make(chan struct{})}
		cmd.Stdout, cmd.Stderr = h.out, h.out
		if h.stdin, err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			h.err = cmd.Wait()
			close(h.done)
		}()
		helpers[role] = h
	}

	// The listener and the announcer each say when they heard (and
	// refused) what they should; then all are told to stop: their stdin
	// closes, they stop their Discoverer and make their last checks.
	for _, role := range []string{"listener", "announcer"} {
		for h := helpers[role]; !strings.Contains(h.out.String(), readyLine+role); {
			select {
			case <-h.done:
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
				continue
			}
			t.Errorf("%s ended or timed out before it was ready", role)
			break
		}
	}
	for _, h := range helpers {
		h.stdin.Close()
	}
	for _, role := range roles {
		h := helpers[role]
		<-h.done
		if h.err != nil {
			t.Errorf("%s: %v\n%s", role, h.err, h.out)
		}
	}
	if testing.Verbose() {
		for _, role := range roles {
			t.Logf("%s:\n%s", role, helpers[role].out)
		}
	}
}

func waitCarrier(t *testing.T, ns, dev string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		out, err := exec.Command("ip", "-n", ns, "-o", "link", "show", "dev", dev).CombinedOutput()
		if err == nil && bytes.Contains(out, []byte("LOWER_UP")) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s in %s has no carrier: %s", dev, ns, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHelperDiscover is one side of TestDiscoverInNamespaces; it does
// nothing when run otherwise.
func TestHelperDiscover(t *testing.T) {
	role := os.Getenv(envRole)
	if role == "" {
		t.Skip("run by TestDiscoverInNamespaces inside a network namespace")
	}
	if err := checkNamespace(os.Getenv(envNetns)); err != nil {
		t.Fatalf("refusing to broadcast: %v", err)
	}
	ids := map[string]peer.Identity{}
	for _, r := range roles {
		b, err := os.ReadFile(filepath.Join(os.Getenv(envDir), r+".pem"))
		if err != nil {
			t.Fatal(err)
		}
		if ids[r], err = peer.ParseIdentity(b); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), helperDeadline)
	defer cancel()
	switch role {
	case "announcer":
		helpAnnounce(ctx, t, ids)
	case "listener":
		helpListen(ctx, t, ids)
	case "forger":
		helpForge(ctx, t, ids)
	default:
		t.Fatalf("unknown role %q", role)
	}
}

// checkNamespace makes sure this process is inside the named network
// namespace, not the machine's own.
func checkNamespace(name string) error {
	if name == "" {
		return errors.New("no namespace given")
	}
	self, err := os.Stat("/proc/self/ns/net")
	if err != nil {
		return err
	}
	want, err := os.Stat(filepath.Join("/run/netns", name))
	if err != nil {
		return err
	}
	if !os.SameFile(self, want) {
		return fmt.Errorf("not inside network namespace %s", name)
	}
	return nil
}

// ready tells the parent test that this helper saw what it should.
func ready(role string) { fmt.Println(readyLine + role) }

// waitStop waits for the parent to close our stdin.
func waitStop(ctx context.Context, t *testing.T, stop <-chan struct{}) {
	t.Helper()
	select {
	case <-stop:
	case <-ctx.Done():
		t.Fatal("not told to stop in time")
	}
}

// stdinClosed is closed when the parent closes our stdin (or dies).
func stdinClosed() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
		close(done)
	}()
	return done
}

// helperRun is a Discoverer running in a helper.
type helperRun struct {
	d      *Discoverer
	log    *logBuffer
	cancel context.CancelFunc
	done   chan error
}

// startHelper runs a Discoverer with cfg, fast, until stop or ctx is done.
func startHelper(ctx context.Context, t *testing.T, cfg Config) *helperRun {
	t.Helper()
	r := &helperRun{log: &logBuffer{}, done: make(chan error, 1)}
	cfg.Port = DefaultPort
	cfg.Interval = helperInterval
	cfg.Logger = r.log.Logger()
	var err error
	if r.d, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	ctx, r.cancel = context.WithCancel(ctx)
	go func() { r.done <- r.d.Run(ctx) }()
	return r
}

// stop ends the Discoverer and checks that it ran until then and stopped
// cleanly.
func (r *helperRun) stop(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.done:
		t.Fatalf("Run ended early: %v; log:\n%s", err, r.log)
	default:
	}
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(3 * time.Second):
		t.Errorf("Run still running 3 s after cancel")
	}
}

func helpAnnounce(ctx context.Context, t *testing.T, ids map[string]peer.Identity) {
	r := startHelper(ctx, t, Config{
		Identity:  ids["announcer"],
		Addresses: func() []string { return []string{"tcp://0.0.0.0:22100", "tcp://a.relais.test:22100"} },
	})
	stop := stdinClosed()
	want := "tcp://10.77.1.2:22100"
	for !slices.Contains(r.d.Lookup(ids["listener"].Device), want) {
		if ctx.Err() != nil {
			t.Fatalf("announcer never heard the listener at %s; log:\n%s", want, r.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("announcer heard the listener at %q", r.d.Lookup(ids["listener"].Device))
	ready("announcer")
	waitStop(ctx, t, stop)
	r.stop(t)
}

func helpForge(ctx context.Context, t *testing.T, ids map[string]peer.Identity) {
	// c announces itself honestly (the listener does not know it)...
	r := startHelper(ctx, t, Config{
		Identity:  ids["forger"],
		Addresses: func() []string { return []string{"tcp://0.0.0.0:22100"} },
	})
	// ...and pretends to be the announcer, with its certificate under c's
	// signature, plus some garbage.
	conn, err := net.ListenUDP("udp4", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	bcast := &net.UDPAddr{IP: net.IPv4(10, 77, 2, 255), Port: DefaultPort}
	stop := stdinClosed()
	tick := time.NewTicker(helperInterval / 2)
	defer tick.Stop()
	for {
		forged := forge(t, ids["announcer"].Certificate.Certificate[0], ids["forger"].Certificate.PrivateKey,
			[]string{"tcp://0.0.0.0:22666"}, time.Now())
		for _, pkt := range [][]byte{forged, []byte("RLS1\xff\xff garbage"), nil} {
			if _, err := conn.WriteTo(pkt, bcast); err != nil {
				t.Logf("forger send: %v", err)
			}
		}
		select {
		case <-stop:
			r.stop(t)
			return
		case <-ctx.Done():
			t.Fatal("forger not stopped in time")
		case <-tick.C:
		}
	}
}

func helpListen(ctx context.Context, t *testing.T, ids map[string]peer.Identity) {
	a, c := ids["announcer"].Device, ids["forger"].Device
	var mu sync.Mutex
	var found []Announcement
	r := startHelper(ctx, t, Config{
		Identity:  ids["listener"],
		Addresses: func() []string { return []string{"tcp://0.0.0.0:22100"} },
		Allowed:   func(dev protocol.DeviceID) bool { return dev == a },
		Found: func(ann Announcement) {
			mu.Lock()
			defer mu.Unlock()
			found = append(found, ann)
		},
	})
	stop := stdinClosed()
	want := []string{"tcp://10.77.1.1:22100", "tcp://a.relais.test:22100"}
	heard := func() (missing []string) {
		if !slices.Equal(r.d.Lookup(a), want) {
			missing = append(missing, "the announcer")
		}
		s := r.log.String()
		if !strings.Contains(s, "not a partner") || !strings.Contains(s, c.String()) {
			missing = append(missing, "the forger's own announcement")
		}
		if !strings.Contains(s, "bad signature") {
			missing = append(missing, "the forged announcement")
		}
		if !strings.Contains(s, "malformed") {
			missing = append(missing, "garbage")
		}
		return missing
	}
	for missing := heard(); len(missing) > 0; missing = heard() {
		if ctx.Err() != nil {
			t.Fatalf("listener did not hear or refuse %s in %s; log:\n%s", strings.Join(missing, ", "), helperDeadline, r.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := r.d.Lookup(c); got != nil {
		t.Errorf("Lookup(forger) = %q, want nil", got)
	}

	// A second Discoverer on the same port fails at once, without sending.
	second, err := New(Config{Identity: ids["listener"], Addresses: func() []string { return []string{"tcp://0.0.0.0:1"} }})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := second.Run(short); err == nil || !strings.Contains(err.Error(), "listen on UDP port") {
		t.Errorf("second Run on a taken port = %v, want a listen error", err)
	}
	ready("listener")

	// Everyone kept announcing until told to stop: nothing changes what
	// we found.
	waitStop(ctx, t, stop)
	r.stop(t)
	mu.Lock()
	defer mu.Unlock()
	for _, ann := range found {
		if ann.Device != a || !slices.Equal(ann.Addresses, want) {
			t.Errorf("Found(%v at %q), want only the announcer at %q", ann.Device, ann.Addresses, want)
		}
	}
	t.Logf("listener found %d announcement(s) of the announcer at %q; log:\n%s", len(found), want, r.log)
}
