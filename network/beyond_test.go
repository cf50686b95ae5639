package network_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/actor"
	"relais/internal/stock"
	"relais/network"
	"relais/problem"
	"relais/store"
	"relais/sync/peer"
)

const folderPassword = "le secret du réseau, 2026"

func TestParseRelay(t *testing.T) {
	id, _ := peer.NewIdentity()
	for in, want := range map[string]string{
		"": "",
		"  relay://relais.mon-reseau.fr:22067/?id=" + id.DeviceID() + "  ": "relay://relais.mon-reseau.fr:22067/?id=" + id.DeviceID(),
	} {
		if got, err := network.ParseRelay(in); err != nil || got != want {
			t.Errorf("ParseRelay(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"relais.mon-reseau.fr", "relay://relais.mon-reseau.fr:22067/", "tcp://1.2.3.4:22067/?id=" + id.DeviceID(),
		"relay://relais.mon-reseau.fr/?id=" + id.DeviceID(), "relay://relais:22067/?id=NOPE"} {
		if got, err := network.ParseRelay(in); !errors.Is(err, network.ErrBadRelay) {
			t.Errorf("ParseRelay(%q) = %q, %v; want ErrBadRelay", in, got, err)
		}
	}
}

// The settings of the network beyond the LAN: every bad input is refused
// with its problem and changes nothing; good ones are kept across a
// restart; the folder password is never shown nor logged.
func TestNetworkSettings(t *testing.T) {
	var logs lockedBuffer
	a := newCentre(t)
	a.net.Close()
	s, err := network.Open(a.db, "A", network.Options{Who: actor.System(""), Listen: "tcp://127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	a.net = s
	must(t, a.net.Start(context.Background()))
	mbox := newCentre(t).net.DeviceID() // any device id will do
	relayID, _ := peer.NewIdentity()
	relay := "relay://127.0.0.1:9/?id=" + relayID.DeviceID() // nothing listens there

	before := a.db.LastSequence()
	for _, c := range []struct {
		what string
		err  error
		want error
	}{
		{"mailbox without the folder password", second(a.net.AddMailbox(mbox, "127.0.0.1:22000", "Boîte")), network.ErrNoFolderPassword},
		{"short password", a.net.SetFolderPassword("court"), network.ErrPasswordTooShort},
		{"bad relay", a.net.SetRelay("relais.mon-reseau.fr"), network.ErrBadRelay},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.what, c.err, c.want)
		}
		if _, ok := problem.Find(c.err); !ok {
			t.Errorf("%s: %v is not a problem people can read", c.what, c.err)
		}
	}
	if a.db.LastSequence() != before {
		t.Error("a refused change wrote something")
	}

	must(t, a.net.SetFolderPassword(folderPassword))
	if _, err := a.net.AddMailbox(mbox, "", "Boîte"); !errors.Is(err, network.ErrMailboxUnreachable) {
		t.Errorf("a mailbox with no address and no relay: %v", err)
	}
	p, err := a.net.AddMailbox(mbox, "127.0.0.1:22000", "Boîte aux lettres du réseau")
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != network.Mailbox || p.Address != "tcp://127.0.0.1:22000" {
		t.Errorf("AddMailbox = %+v", p)
	}
	if _, err := a.net.AddPartner(mbox, "", "again"); !errors.Is(err, network.ErrAlreadyPartner) {
		t.Errorf("the mailbox added again as a centre: %v", err)
	}
	before = a.db.LastSequence()
	if err := a.net.SetFolderPassword(""); !errors.Is(err, network.ErrPasswordInUse) {
		t.Errorf("clearing the password a mailbox uses: %v", err)
	}
	if a.db.LastSequence() != before {
		t.Error("a refused change wrote something")
	}
	must(t, a.net.SetRelay(relay))
	waitFor(t, "the node to try the relay", func() bool { return a.net.Status().RelayErr != nil })
	st := a.net.Status()
	if st.Relay != relay || !st.FolderPassword || len(st.Partners) != 1 || st.Partners[0].Type != network.Mailbox {
		t.Errorf("status = %+v", st)
	}

	// Kept across a restart.
	a.net.Close()
	a.open(t)
	st = a.net.Status()
	if st.Relay != relay || !st.FolderPassword || len(st.Partners) != 1 || st.Partners[0].Type != network.Mailbox || st.Partners[0].Name != "Boîte aux lettres du réseau" {
		t.Errorf("after a restart: %+v", st)
	}
	// A new password is taken; removing the mailbox frees it.
	must(t, a.net.SetFolderPassword(folderPassword+" (bis)"))
	must(t, a.net.RemovePartner(mbox))
	must(t, a.net.SetFolderPassword(""))
	if a.net.Status().FolderPassword {
		t.Error("the password is still set")
	}
	must(t, a.net.SetRelay(""))
	if st := a.net.Status(); st.Relay != "" || st.RelayErr != nil {
		t.Errorf("relay after clearing: %q, %v", st.Relay, st.RelayErr)
	}
	if strings.Contains(logs.String(), "secret du r") {
		t.Error("the folder password is in the logs")
	}
}

func second[T any](_ T, err error) error { return err }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func stockBinary(t *testing.T, build func(context.Context, string) (string, error)) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs stock Syncthing")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin, err := build(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// Two centres that know no address of each other, only the network's
// relay (set while they run), sync through it and show it.
func TestCentresThroughRelay(t *testing.T) {
	bin := stockBinary(t, stock.BuildRelay)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	relay, err := stock.StartRelay(ctx, bin, filepath.Join(t.TempDir(), "relay"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		relay.Stop()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(relay.Dir, "relay.log"))
			t.Logf("relay log:\n%s", log)
		}
	})
	a, b := newCentre(t), newCentre(t)
	for _, c := range []*centre{a, b} {
		must(t, c.net.Start(context.Background()))
	}
	_, err = a.net.AddPartner(b.net.DeviceID(), "", "B")
	must(t, err)
	_, err = b.net.AddPartner(a.net.DeviceID(), "", "A")
	must(t, err)
	for _, c := range []*centre{a, b} {
		must(t, c.net.SetRelay(relay.URI))
	}
	if _, err := a.db.Put("person", "p1", []byte(`{"name":"Awa"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	// Two processes and four TLS handshakes on a machine running the other
	// packages' tests too: a minute, not the 10 s of in-process tests.
	waitForLong(t, time.Minute, "the record to reach B through the relay", func() bool { _, err := b.db.Get("person", "p1"); return err == nil })
	for _, c := range []*centre{a, b} {
		st := c.net.Status()
		if st.RelayErr != nil || !st.Partners[0].Connected || !st.Partners[0].Relayed {
			t.Errorf("status %+v, want connected through the joined relay", st)
		}
	}
}

// A centre with a mailbox partner sends it only ciphertext; another centre
// that only knows the mailbox gets the record; the mailbox shows synced.
func TestCentresThroughMailbox(t *testing.T) {
	bin := stockBinary(t, stock.Build)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mb, err := stock.Start(ctx, bin, filepath.Join(t.TempDir(), "mailbox"), stock.Options{Name: "mailbox"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Stop() })
	a, b := newCentre(t), newCentre(t)
	var share []stock.FolderDevice
	for _, c := range []*centre{a, b} {
		must(t, c.net.Start(context.Background()))
		must(t, mb.AddDevice(ctx, c.net.DeviceID(), c.net.Status().Listening))
		share = append(share, stock.FolderDevice{DeviceID: c.net.DeviceID()})
	}
	must(t, mb.AddFolder(ctx, stock.Folder{ID: network.FolderID, Path: filepath.Join(t.TempDir(), "box"),
		Type: stock.ReceiveEncrypted, Devices: share}))
	for _, c := range []*centre{a, b} {
		must(t, c.net.SetFolderPassword(folderPassword))
		_, err := c.net.AddMailbox(mb.ID(), mb.Address, "Boîte aux lettres")
		must(t, err)
	}
	if _, err := a.db.Put("person", "p1", []byte(`{"name":"Awa"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := b.db.Get("person", "p1"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the record never reached B through the mailbox: %+v", b.net.Status())
		}
		time.Sleep(50 * time.Millisecond)
	}
	waitFor(t, "A to show the mailbox synced", func() bool {
		p := a.net.Status().Partners[0]
		return p.Connected && !p.LastSync.IsZero() && p.Type == network.Mailbox && p.Problem == nil
	})
}
