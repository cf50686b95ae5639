package discover

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/sync/peer"
)

// These tests feed packets to the Discoverer's receiving side directly:
// nothing is sent on any network. The test with real broadcasts is in
// netns_test.go and runs inside network namespaces it makes.

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// logBuffer collects log lines; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type fixture struct {
	d     *Discoverer
	clock *clock
	log   *logBuffer
	found []Announcement
}

func newFixture(t *testing.T, self peer.Identity, allowed func(protocol.DeviceID) bool) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{now: t0}, log: &logBuffer{}}
	d, err := New(Config{
		Identity:  self,
		Addresses: func() []string { return []string{"tcp://0.0.0.0:22100"} },
		Interval:  10 * time.Second,
		Allowed:   allowed,
		Found:     func(a Announcement) { f.found = append(f.found, a) },
		Logger:    f.log.Logger(),
		Now:       f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	return f
}

var srcA = &net.UDPAddr{IP: net.IPv4(10, 77, 1, 1), Port: 40000}

func TestReceive(t *testing.T) {
	a, b := testIdentities(t)
	f := newFixture(t, b, nil)
	greeted := func() bool {
		select {
		case <-f.d.greet:
			return true
		default:
			return false
		}
	}

	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0), srcA)
	want := []string{"tcp://10.77.1.1:22100"}
	if got := f.d.Lookup(a.Device); !slices.Equal(got, want) {
		t.Fatalf("Lookup(a) = %q, want %q", got, want)
	}
	if len(f.found) != 1 || f.found[0].Device != a.Device {
		t.Fatalf("Found calls = %v, want one for a", f.found)
	}
	if !greeted() {
		t.Error("a device heard for the first time was not greeted")
	}

	// The same packet again (a duplicate, or a replay) changes nothing.
	f.clock.Add(time.Second)
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0), &net.UDPAddr{IP: net.IPv4(10, 66, 6, 6), Port: 1})
	if got := f.d.Lookup(a.Device); !slices.Equal(got, want) {
		t.Errorf("Lookup(a) after a replay from elsewhere = %q, want %q", got, want)
	}
	// A newer announcement with the same addresses is not news.
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0.Add(time.Second)), srcA)
	if len(f.found) != 1 {
		t.Errorf("Found called %d times, want once", len(f.found))
	}
	if greeted() {
		t.Error("a known device was greeted again")
	}
	// A newer one with other addresses is.
	f.clock.Add(time.Second)
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22200"}, t0.Add(2*time.Second)), srcA)
	want = []string{"tcp://10.77.1.1:22200"}
	if got := f.d.Lookup(a.Device); !slices.Equal(got, want) || len(f.found) != 2 {
		t.Errorf("Lookup(a) after a move = %q (%d Found calls), want %q (2)", got, len(f.found), want)
	}
	// An older one does not bring the old address back.
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0.Add(time.Second/2)), srcA)
	if got := f.d.Lookup(a.Device); !slices.Equal(got, want) {
		t.Errorf("Lookup(a) after an older announcement = %q, want %q", got, want)
	}

	// Three intervals without news: forgotten.
	f.clock.Add(31 * time.Second)
	if got := f.d.Lookup(a.Device); got != nil {
		t.Errorf("Lookup(a) after 31 s of silence = %q, want nil", got)
	}
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22200"}, t0.Add(33*time.Second)), srcA)
	if len(f.found) != 3 || !greeted() {
		t.Errorf("a device back after silence: %d Found calls, want 3, and a greeting", len(f.found))
	}
	f.d.forget()
	if f.d.Lookup(a.Device) == nil {
		t.Error("forget dropped a device just heard")
	}
}

func TestReceiveIgnores(t *testing.T) {
	a, b := testIdentities(t)
	f := newFixture(t, b, func(dev protocol.DeviceID) bool { return dev != a.Device })
	for _, c := range []struct {
		name string
		pkt  []byte
	}{
		{"own announcement", mustEncode(t, b, []string{"tcp://0.0.0.0:22100"}, t0)},
		{"not a partner", mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0)},
		{"forged", forge(t, b.Certificate.Certificate[0], a.Certificate.PrivateKey, []string{"tcp://0.0.0.0:22100"}, t0)},
		{"garbage", []byte("RLS1 garbage")},
		{"skewed", mustEncode(t, b, []string{"tcp://0.0.0.0:22100"}, t0.Add(time.Hour))},
	} {
		f.d.receive(c.pkt, srcA)
		if got := f.d.Lookup(a.Device); got != nil {
			t.Errorf("%s: Lookup(a) = %q, want nil", c.name, got)
		}
		if got := f.d.Lookup(b.Device); got != nil {
			t.Errorf("%s: Lookup(self) = %q, want nil", c.name, got)
		}
	}
	if len(f.found) != 0 {
		t.Errorf("Found called with %v, want no call", f.found)
	}
	log := f.log.String()
	for _, want := range []string{"level=DEBUG msg=\"discovery: ignoring a device that is not a partner\"",
		"level=WARN msg=\"discovery: refused announcement\"", "bad signature", "malformed", "clock"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// A flood of bad packets gives one warning a minute per reason.
func TestRefusalsRateLimited(t *testing.T) {
	a, b := testIdentities(t)
	f := newFixture(t, b, nil)
	forged := forge(t, b.Certificate.Certificate[0], a.Certificate.PrivateKey, []string{"tcp://0.0.0.0:22100"}, t0)
	for range 100 {
		f.d.receive(forged, srcA)
		f.d.receive([]byte("RLS1"), srcA)
		f.d.receive([]byte("not ours"), srcA)
	}
	f.clock.Add(warnEvery)
	f.d.receive(forged, srcA)
	log := f.log.String()
	if n := strings.Count(log, "level=WARN"); n != 3 {
		t.Errorf("%d warnings, want 3 (bad signature twice, malformed once):\n%s", n, log)
	}
	if n := strings.Count(log, "level=DEBUG"); n != 298 {
		t.Errorf("%d debug lines, want 298", n)
	}
}

func TestReceiveBoundsDevices(t *testing.T) {
	a, b := testIdentities(t)
	f := newFixture(t, b, nil)
	for i := range maxDevices {
		f.d.heard[protocol.DeviceID{byte(i), 1}] = heard{received: t0}
	}
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0), srcA)
	if got := f.d.Lookup(a.Device); got != nil {
		t.Errorf("Lookup(a) with %d devices remembered = %q, want nil", maxDevices, got)
	}
	// Once the others are stale there is room again.
	f.clock.Add(time.Minute)
	f.d.receive(mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0.Add(time.Minute)), srcA)
	if got := f.d.Lookup(a.Device); got == nil {
		t.Error("Lookup(a) = nil after the stale devices were dropped")
	}
	if n := len(f.d.heard); n != 1 {
		t.Errorf("%d devices remembered, want 1", n)
	}
}

func TestNewRefuses(t *testing.T) {
	a, b := testIdentities(t)
	addrs := func() []string { return nil }
	wrongDevice := a
	wrongDevice.Device = b.Device
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"no identity", Config{Addresses: addrs}},
		{"device id of another certificate", Config{Identity: wrongDevice, Addresses: addrs}},
		{"no addresses", Config{Identity: a}},
		{"bad port", Config{Identity: a, Addresses: addrs, Port: 70000}},
		{"negative interval", Config{Identity: a, Addresses: addrs, Interval: -time.Second}},
	} {
		if _, err := New(c.cfg); err == nil {
			t.Errorf("New(%s) = nil error", c.name)
		}
	}
	d, err := New(Config{Identity: a, Addresses: addrs})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.Port != DefaultPort || d.cfg.Interval != DefaultInterval {
		t.Errorf("New defaults = port %d, interval %s, want %d, %s", d.cfg.Port, d.cfg.Interval, DefaultPort, DefaultInterval)
	}
}

// Run refuses a second call without touching the network: the first call's
// running flag is set by hand here.
func TestRunTwice(t *testing.T) {
	a, _ := testIdentities(t)
	d, err := New(Config{Identity: a, Addresses: func() []string { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	d.running.Store(true)
	if err := d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("second Run = %v, want an error", err)
	}
}
