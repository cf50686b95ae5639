package peer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"relais/internal/stock"
	"relais/store"
)

// startRelay runs a private strelaysrv on loopback.
func startRelay(t *testing.T, bin string) *stock.Relay {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := stock.StartRelay(ctx, bin, filepath.Join(t.TempDir(), "relay"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// TestRelayOnly: two centres that accept no connection and know no address
// of each other, only the network's relay, sync through it; what the relay
// pipes is TLS from end to end (no record crosses it in clear).
func TestRelayOnly(t *testing.T) {
	_, rbin := stockBinaries(t)
	relay := startRelay(t, rbin)
	a, b := newMember(t, "A"), newMember(t, "B")
	// Every byte of the relayed sessions, as the relay pipes them.
	seen := &safeBuffer{mu: make(chan struct{}, 1)}
	for _, m := range []*member{a, b} {
		m.ln.Close() // reachable through the relay only
		m.ln = nil
		m.cfg = func(c *Config) {
			c.Relay = relay.URI
			c.WrapConn = func(c net.Conn) net.Conn { return tapConn{c, seen} }
		}
	}
	for i := range 20 {
		put(t, a.st.db, "person", fmt.Sprintf("p%02d", i), fmt.Sprintf(`{"name":"Relayed-Secret %d"}`, i), store.ScopeNetwork)
	}
	put(t, b.st.db, "person", "fromB", `{"name":"Relayed-Secret from B"}`, store.ScopeNetwork)
	ms := []*member{a, b}
	for i, m := range ms {
		m.startNoListen(t, []Partner{{Device: ms[1-i].id.Device}})
	}
	state := waitConverged(t, ms, time.Minute)
	if len(state) != 21 {
		t.Errorf("%d records after the sync, want 21", len(state))
	}
	for _, m := range ms {
		if m.node.Addr() != "" {
			t.Errorf("%s listens at %s", m.name, m.node.Addr())
		}
		if err := m.node.RelayStatus(); err != nil {
			t.Errorf("%s: relay status %v", m.name, err)
		}
		ps := m.node.Partners()
		if !ps[0].Connected || !ps[0].Relayed {
			t.Errorf("%s: partner %+v, want connected through the relay", m.name, ps[0])
		}
	}
	if seen.Len() < 1000 {
		t.Fatalf("the relay piped only %d bytes", seen.Len())
	}
	if i := bytes.Index(seen.Bytes(), []byte("Relayed-Secret")); i >= 0 {
		t.Errorf("a record crossed the relay in clear at byte %d", i)
	}
}

// startNoListen is start for a member that listens nowhere.
func (m *member) startNoListen(t *testing.T, partners []Partner) {
	t.Helper()
	cfg := Config{
		Identity: m.id, Replica: StoreReplica{m.st.db}, FolderID: testFolder,
		Partners: partners, Name: m.name, Logger: testLogger(m.name),
		RetryMin: 20 * time.Millisecond, RetryMax: 300 * time.Millisecond,
	}
	m.cfg(&cfg)
	n, err := NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.node = n
	t.Cleanup(m.stop)
}

// TestRelayRefusesStrangers: a device that is not a partner gets no
// session through the relay, and a relay address with another id is not
// joined.
func TestRelayRefusesStrangers(t *testing.T) {
	_, rbin := stockBinaries(t)
	relay := startRelay(t, rbin)
	a, stranger := newMember(t, "A"), newMember(t, "stranger")
	for _, m := range []*member{a, stranger} {
		m.ln.Close()
		m.ln = nil
		m.cfg = func(c *Config) { c.Relay = relay.URI }
	}
	a.startNoListen(t, nil)
	stranger.startNoListen(t, []Partner{{Device: a.id.Device}})
	waitFor(t, 10*time.Second, "both to join the relay", func() bool {
		return a.node.RelayStatus() == nil && stranger.node.RelayStatus() == nil
	})
	time.Sleep(500 * time.Millisecond)
	if ps := stranger.node.Partners(); ps[0].Connected {
		t.Error("a stranger connected through the relay")
	}

	// The same relay address with another id: someone standing in for it.
	other, _ := NewIdentity()
	bad := strings.Replace(relay.URI, relayID(t, relay.URI), other.DeviceID(), 1)
	c := newMember(t, "C")
	c.ln.Close()
	c.ln = nil
	c.cfg = func(cfg *Config) { cfg.Relay = bad }
	c.startNoListen(t, nil)
	time.Sleep(500 * time.Millisecond)
	if err := c.node.RelayStatus(); err == nil || errors.Is(err, errRelayNotYet) {
		t.Errorf("relay with the wrong id: status %v, want a refusal", err)
	}
}

func relayID(t *testing.T, uri string) string {
	u, err := ParseRelay(uri)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("id")
}

func TestParseRelay(t *testing.T) {
	id, _ := NewIdentity()
	typo := []byte(id.DeviceID())
	typo[3] = map[bool]byte{true: 'B', false: 'C'}[typo[3] != 'B']
	good := []string{
		"relay://127.0.0.1:22067/?id=" + id.DeviceID(),
		" relay://relais.mon-reseau.fr:443/?id=" + id.DeviceID() + "&pingInterval=1m0s&networkTimeout=2m0s ",
		"relay://[::1]:22067/?id=" + strings.ToLower(id.DeviceID()),
	}
	for _, s := range good {
		if _, err := ParseRelay(s); err != nil {
			t.Errorf("ParseRelay(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "relay://127.0.0.1:22067/", "tcp://127.0.0.1:22067/?id=" + id.DeviceID(),
		"relay://127.0.0.1/?id=" + id.DeviceID(), "relay://:22067/?id=" + id.DeviceID(),
		"relay://127.0.0.1:22067/?id=ABCD", "relay://127.0.0.1:22067/?id=" + string(typo), "%zz"} {
		if _, err := ParseRelay(s); err == nil {
			t.Errorf("ParseRelay(%q) accepted", s)
		}
	}
}

// relayMessages is one of each message, as strelaysrv sends or reads them.
func relayMessages() []relayMsg {
	return []relayMsg{
		{Type: relayPing}, {Type: relayPong}, {Type: relayFull},
		{Type: relayJoinRelayRequest, Token: "abc"},
		{Type: relayJoinSessionRequest, Key: bytes.Repeat([]byte{7}, 32)},
		{Type: relayResponse, Code: 1, Message: "not found"},
		{Type: relayConnectRequest, From: bytes.Repeat([]byte{1}, 32)},
		{Type: relaySessionInvitation, From: bytes.Repeat([]byte{2}, 32), Key: bytes.Repeat([]byte{3}, 32),
			Address: []byte{127, 0, 0, 1}, Port: 22067, ServerSocket: true},
	}
}

func TestRelayWireRoundTrip(t *testing.T) {
	for _, m := range relayMessages() {
		b, err := m.marshal()
		if err != nil {
			t.Fatal(err)
		}
		if len(b)%4 != 0 {
			t.Errorf("type %d: %d bytes, not whole XDR words", m.Type, len(b))
		}
		got, err := readRelayMsg(bytes.NewReader(b))
		if err != nil || !reflect.DeepEqual(normal(got), normal(m)) {
			t.Errorf("type %d: round trip = %+v, %v; want %+v", m.Type, got, err, m)
		}
	}
	// The exact bytes of a Response{1, "not found"}, as lib/relay/protocol writes them.
	want := []byte{0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 4, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 9,
		'n', 'o', 't', ' ', 'f', 'o', 'u', 'n', 'd', 0, 0, 0}
	if b, _ := (relayMsg{Type: relayResponse, Code: 1, Message: "not found"}).marshal(); !bytes.Equal(b, want) {
		t.Errorf("Response on the wire = % x, want % x", b, want)
	}
	for name, b := range map[string][]byte{
		"bad magic":   {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"too long":    {0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 0, 0, 0, 8, 0},
		"negative":    {0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff},
		"unknown":     {0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 99, 0, 0, 0, 0},
		"short field": {0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 40},
		"truncated":   {0x9e, 0x79, 0xbc, 0x40, 0, 0, 0, 3, 0, 0, 0, 8, 0, 0, 0, 1},
	} {
		if m, err := readRelayMsg(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: read %+v", name, m)
		}
	}
}

// normal makes empty and nil byte slices compare equal.
func normal(m relayMsg) relayMsg {
	for _, p := range []*[]byte{&m.From, &m.Key, &m.Address} {
		if len(*p) == 0 {
			*p = nil
		}
	}
	return m
}

// FuzzRelayMessage: whatever a relay (or someone posing as one) sends is
// read without panic, and what is read writes back to the same message.
func FuzzRelayMessage(f *testing.F) {
	for _, m := range relayMessages() {
		b, _ := m.marshal()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := readRelayMsg(bytes.NewReader(b))
		if err != nil {
			return
		}
		out, err := m.marshal()
		if err != nil {
			t.Fatalf("read %+v, cannot write it back: %v", m, err)
		}
		again, err := readRelayMsg(bytes.NewReader(out))
		if err != nil || !reflect.DeepEqual(normal(again), normal(m)) {
			t.Fatalf("%+v wrote back as %+v (%v)", m, again, err)
		}
	})
}

// safeBuffer collects bytes from several goroutines.
type safeBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
	n   atomic.Int64
}

func (b *safeBuffer) Write(p []byte) {
	b.mu <- struct{}{}
	b.buf.Write(p)
	b.n.Add(int64(len(p)))
	<-b.mu
}

func (b *safeBuffer) Len() int { return int(b.n.Load()) }

func (b *safeBuffer) Bytes() []byte {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return bytes.Clone(b.buf.Bytes())
}

// tapConn copies what crosses a connection, both ways, into seen.
type tapConn struct {
	net.Conn
	seen *safeBuffer
}

func (c tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.seen.Write(p[:n])
	return n, err
}

func (c tapConn) Write(p []byte) (int, error) {
	c.seen.Write(p)
	return c.Conn.Write(p)
}
