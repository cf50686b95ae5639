package network_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/network"
	"relais/problem"
	"relais/problem/problemtest"
	"relais/store"
	"relais/sync/peer"
)

const login, password = "admin", "correct horse battery staple"

type centre struct {
	dir  string
	f    *store.Folder
	db   *store.DB
	net  *network.Service
	logs *lockedBuffer // the service's log, printed when the test fails
}

func newCentre(t *testing.T) *centre {
	t.Helper()
	c := &centre{dir: t.TempDir()}
	f, err := store.OpenFolder(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise(login, password, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	c.f, c.db = f, db
	t.Cleanup(c.close)
	c.logs = &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", c.dir, c.logs.String())
		}
	})
	c.open(t)
	return c
}

func (c *centre) open(t *testing.T) {
	t.Helper()
	s, err := network.Open(c.db, "Centre "+c.dir[len(c.dir)-3:], network.Options{Who: actor.System(""),
		Logger: slog.New(slog.NewTextHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Listen: "tcp://127.0.0.1:0",
		Tune:   func(cfg *peer.Config) { cfg.RetryMin, cfg.RetryMax = 20*time.Millisecond, 200*time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	c.net = s
}

func (c *centre) close() {
	if c.net != nil {
		c.net.Close()
		c.net = nil
	}
	if c.db != nil {
		c.db.Close()
		c.f.Close()
		c.db = nil
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	waitForLong(t, 10*time.Second, what, ok)
}

func waitForLong(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("%s: took %v", what, d.Round(time.Millisecond))
	}
}

func TestParseAddress(t *testing.T) {
	good := map[string]string{
		"":                         "",
		"192.168.1.20":             "tcp://192.168.1.20:22100",
		" 192.168.1.20:22000 ":     "tcp://192.168.1.20:22000",
		"tcp://192.168.1.20:22100": "tcp://192.168.1.20:22100",
		"TCP://pc-accueil.local":   "tcp://pc-accueil.local:22100",
		"pc-accueil":               "tcp://pc-accueil:22100",
		"[fe80::1]:22100":          "tcp://[fe80::1]:22100",
		"fe80::1":                  "tcp://[fe80::1]:22100",
	}
	for in, want := range good {
		got, err := network.ParseAddress(in)
		if err != nil || got != want {
			t.Errorf("ParseAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"http://192.168.1.20", "192.168.1.20:0", "192.168.1.20:99999", "192.168.1.20:port",
		"pc accueil", "a/b", "user@host", "tcp://", ":22100", "..", strings.Repeat("a", 300)} {
		if got, err := network.ParseAddress(in); !errors.Is(err, network.ErrBadAddress) {
			t.Errorf("ParseAddress(%q) = %q, %v; want ErrBadAddress", in, got, err)
		}
	}
}

// Two centres made partners on their Network pages sync, show each other
// connected with a last sync, and keep their identity and partners when
// Relais restarts.
func TestTwoCentresBecomePartners(t *testing.T) {
	a, b := newCentre(t), newCentre(t)
	if _, err := a.db.Put("person", "p1", []byte(`{"name":"Awa"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	must(t, a.net.Start(context.Background()))
	must(t, b.net.Start(context.Background()))
	addrB := b.net.Status().Listening
	if !strings.HasPrefix(addrB, "tcp://127.0.0.1:") {
		t.Fatalf("B listens at %q", addrB)
	}
	if _, err := a.net.AddPartner(strings.ToLower(b.net.DeviceID()), addrB, "  Centre   B "); err != nil {
		t.Fatal(err)
	}
	if _, err := b.net.AddPartner(a.net.DeviceID(), "", "Centre A"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the record reaches B", func() bool { _, err := b.db.Get("person", "p1"); return err == nil })
	waitFor(t, "A shows B connected and synced", func() bool {
		st := a.net.Status()
		return len(st.Partners) == 1 && st.Partners[0].Connected && !st.Partners[0].LastSync.IsZero()
	})
	waitFor(t, "B shows A synced", func() bool {
		st := b.net.Status()
		return len(st.Partners) == 1 && st.Partners[0].Connected && !st.Partners[0].LastSync.IsZero() && st.Partners[0].Progress() == 1
	})
	if p := a.net.Status().Partners[0]; p.Name != "Centre B" || p.Address != addrB || p.Device != b.net.DeviceID() {
		t.Errorf("A's partner = %+v", p)
	}

	// The settings, private key included, never leave the centre.
	r, err := a.db.GetAny(network.Kind, "settings")
	if err != nil {
		t.Fatal(err)
	}
	if _, shared := r.Announced(); shared {
		t.Error("the network settings would be sent to partners")
	}
	if _, err := b.db.GetAny(network.Kind, "settings"); err != nil {
		t.Fatal(err)
	}

	// Restart A: same id, same partner, last sync remembered.
	id := a.net.DeviceID()
	a.net.Close()
	a.open(t)
	if a.net.DeviceID() != id {
		t.Errorf("the id changed on restart: %s, was %s", a.net.DeviceID(), id)
	}
	st := a.net.Status()
	if len(st.Partners) != 1 || st.Partners[0].LastSync.IsZero() || st.Partners[0].Connected {
		t.Errorf("after restart, before start: %+v", st.Partners)
	}
	must(t, a.net.Start(context.Background()))
	if _, err := a.db.Put("person", "p2", []byte(`{"name":"after restart"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a record written after the restart reaches B", func() bool { _, err := b.db.Get("person", "p2"); return err == nil })

	// B removes A: disconnected, and A's next writes stay with A.
	must(t, b.net.RemovePartner(a.net.DeviceID()))
	if n := len(b.net.Status().Partners); n != 0 {
		t.Fatalf("B lists %d partners after removing A", n)
	}
	waitFor(t, "A sees B gone", func() bool { return !a.net.Status().Partners[0].Connected })
	if _, err := a.db.Put("person", "p3", []byte(`{"name":"not for B"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := b.db.GetAny("person", "p3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a removed partner's record arrived: %v", err)
	}
}

// Every bad input is refused with its problem, and changes nothing.
func TestAddPartnerRefusals(t *testing.T) {
	a, b := newCentre(t), newCentre(t)
	if _, err := a.net.AddPartner(b.net.DeviceID(), "", "B"); err != nil {
		t.Fatal(err)
	}
	typo := []rune(b.net.DeviceID())
	typo[3] = map[bool]rune{true: 'B', false: 'C'}[typo[3] != 'B']
	cases := []struct {
		device, address, name string
		want                  error
	}{
		{string(typo), "", "typo", peer.ErrBadDeviceID},
		{"", "", "empty", peer.ErrBadDeviceID},
		{"hello", "", "garbage", peer.ErrBadDeviceID},
		{a.net.DeviceID(), "", "self", network.ErrSelf},
		{b.net.DeviceID(), "", "again", network.ErrAlreadyPartner},
		{newCentre(t).net.DeviceID(), "http://x", "bad address", network.ErrBadAddress},
		{newCentre(t).net.DeviceID(), "", strings.Repeat("n", 101), network.ErrNameTooLong},
	}
	before := a.db.LastSequence()
	for _, c := range cases {
		_, err := a.net.AddPartner(c.device, c.address, c.name)
		if !errors.Is(err, c.want) {
			t.Errorf("AddPartner(%q, %q, %q) = %v, want %v", c.device, c.address, c.name, err, c.want)
		}
		if _, ok := problem.Find(err); !ok {
			t.Errorf("AddPartner(%q): %v is not a problem people can read", c.device, err)
		}
	}
	if err := a.net.RemovePartner(newCentre(t).net.DeviceID()); !errors.Is(err, network.ErrNotPartner) {
		t.Errorf("removing a stranger = %v", err)
	}
	if a.db.LastSequence() != before || len(a.net.Status().Partners) != 1 {
		t.Error("a refused change wrote something")
	}
}

// The translations hold exactly the problems this package registers.
func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "network")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
