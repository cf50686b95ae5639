package peer

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

// evilModel is the model of a peer driven directly by a test: it serves
// whatever bytes the test sets, whatever the index said.
type evilModel struct {
	serve  map[string][]byte
	closed chan struct{}
}

func (m *evilModel) Index(protocol.Connection, *protocol.Index) error             { return nil }
func (m *evilModel) IndexUpdate(protocol.Connection, *protocol.IndexUpdate) error { return nil }
func (m *evilModel) ClusterConfig(protocol.Connection, *protocol.ClusterConfig) error {
	return nil
}
func (m *evilModel) DownloadProgress(protocol.Connection, *protocol.DownloadProgress) error {
	return nil
}
func (m *evilModel) Closed(protocol.Connection, error) { close(m.closed) }
func (m *evilModel) Request(_ protocol.Connection, req *protocol.Request) (protocol.RequestResponse, error) {
	if b, ok := m.serve[req.Name]; ok {
		return response(b), nil
	}
	return nil, protocol.ErrNoSuchFile
}

// evilDial connects to target as id, with TLS and Hello done by hand, and
// returns a started BEP connection after sending its ClusterConfig.
func evilDial(t *testing.T, target *member, id Identity, serve map[string][]byte) (protocol.Connection, *evilModel) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(target.addr, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(c, &tls.Config{Certificates: []tls.Certificate{id.Certificate}, InsecureSkipVerify: true,
		MinVersion: tls.VersionTLS13, NextProtos: []string{alpnBEP}})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	if _, err := protocol.ExchangeHello(tc, protocol.Hello{DeviceName: "evil", ClientName: "evil", ClientVersion: "v0",
		NumConnections: 1, Timestamp: time.Now().UnixNano()}); err != nil {
		t.Fatal(err)
	}
	m := &evilModel{serve: serve, closed: make(chan struct{})}
	conn := protocol.NewConnection(target.id.Device, tc, tc, tc, m, connInfo{c: tc, how: link{outgoing: true, tlsClient: true}, at: time.Now(), id: "evil"},
		protocol.CompressionMetadata, protocol.NewKeyGenerator())
	conn.Start()
	conn.ClusterConfig(&protocol.ClusterConfig{Folders: []protocol.Folder{{ID: testFolder, Devices: []protocol.Device{
		{ID: id.Device}, {ID: target.id.Device},
	}}}}, nil)
	t.Cleanup(func() {
		conn.Close(errors.New("test over"))
		<-m.closed
	})
	return conn, m
}

func evilFile(t *testing.T, id, body string, seq int64) protocol.FileInfo {
	t.Helper()
	r := store.Record{Meta: store.Meta{Kind: "person", ID: id, Version: store.Vector{{ID: 42, Value: 1000}},
		Sequence: uint64(seq), Modified: time.Now(), ModifiedBy: 42, Scope: store.ScopeNetwork}, Body: []byte(body)}
	return recordToFileInfo(r)
}

// TestMaliciousPeer: a partner that sends garbage gets nothing applied and
// its connection dropped; the node carries on.
func TestMaliciousPeer(t *testing.T) {
	a := newMember(t, "A")
	evil, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	a.start(t, []Partner{{Device: evil.Device}}) // accepted, never dialed

	oversized := evilFile(t, "big", `{}`, 1)
	oversized.Size = store.MaxBodySize + 1
	oversized.RawBlockSize = int32(protocol.BlockSize(oversized.Size))
	oversized.Blocks = nil
	bs := int64(protocol.BlockSize(oversized.Size))
	for off := int64(0); off < oversized.Size; off += bs {
		sum := sha256.Sum256(nil)
		oversized.Blocks = append(oversized.Blocks, protocol.BlockInfo{Offset: off, Size: int(min(bs, oversized.Size-off)), Hash: sum[:]})
	}
	renamed := func(name string) protocol.FileInfo {
		f := evilFile(t, "x", `{"a":1}`, 1)
		f.Name = name
		return f
	}
	noVersion := evilFile(t, "nover", `{"a":1}`, 1)
	noVersion.Version = protocol.Vector{}

	cases := []struct {
		name   string
		folder string
		files  []protocol.FileInfo
		serve  map[string][]byte
		check  string // a record that must not exist afterwards
		ok     bool   // the control case: applied, connection kept
	}{
		{name: "valid control", files: []protocol.FileInfo{evilFile(t, "good", `{"a":1}`, 1)},
			serve: map[string][]byte{"person/good.json": []byte(`{"a":1}`)}, check: "good", ok: true},
		{name: "wrong hash", files: []protocol.FileInfo{evilFile(t, "hash", `{"a":1}`, 1)},
			serve: map[string][]byte{"person/hash.json": []byte(`{"a":2}`)}, check: "hash"},
		{name: "not json", files: []protocol.FileInfo{evilFile(t, "nojson", `not json`, 1)},
			serve: map[string][]byte{"person/nojson.json": []byte(`not json`)}, check: "nojson"},
		{name: "name without .json", files: []protocol.FileInfo{renamed("person/x.txt")}, check: "x"},
		{name: "nested name", files: []protocol.FileInfo{renamed("person/x/y.json")}, check: "x"},
		{name: "bad kind", files: []protocol.FileInfo{renamed("Person/x.json")}, check: "x"},
		{name: "oversized", files: []protocol.FileInfo{oversized}, check: "big"},
		{name: "no version", files: []protocol.FileInfo{noVersion}, check: "nover"},
		{name: "good then bad in one message", files: []protocol.FileInfo{evilFile(t, "first", `{"a":1}`, 1), renamed("person/x y.json")},
			serve: map[string][]byte{"person/first.json": []byte(`{"a":1}`)}, check: "first"},
		{name: "unknown folder", folder: "someone-else", files: []protocol.FileInfo{evilFile(t, "other", `{"a":1}`, 1)},
			serve: map[string][]byte{"person/other.json": []byte(`{"a":1}`)}, check: "other"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, m := evilDial(t, a, evil, c.serve)
			folder := testFolder
			if c.folder != "" {
				folder = c.folder
			}
			if err := conn.Index(context.Background(), &protocol.Index{Folder: folder, Files: c.files, LastSequence: 1}); err != nil {
				t.Fatal(err)
			}
			if c.ok {
				waitFor(t, 5*time.Second, "the valid record", func() bool {
					_, err := a.st.db.GetAny("person", c.check)
					return err == nil
				})
				select {
				case <-m.closed:
					t.Fatal("an honest index closed the connection")
				case <-time.After(100 * time.Millisecond):
				}
				return
			}
			select {
			case <-m.closed:
			case <-time.After(5 * time.Second):
				t.Fatal("the connection was not dropped")
			}
			if _, err := a.st.db.GetAny("person", c.check); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("person/%s was applied: %v", c.check, err)
			}
		})
	}
	// After all that, the node still serves a partner.
	waitFor(t, 5*time.Second, "the evil partner to be disconnected", func() bool {
		return !a.node.Partners()[0].Connected
	})
}

// TestUnknownDeviceRefused: a device that is not a partner is refused at
// the TLS handshake, whichever side dials.
func TestUnknownDeviceRefused(t *testing.T) {
	a, b := newMember(t, "A"), newMember(t, "B")
	stranger := newMember(t, "C")
	put(t, a.st.db, "person", "x", `{"name":"x"}`, store.ScopeNetwork)
	// A knows B, but B's address leads to the stranger; the stranger lists A.
	a.start(t, []Partner{{Device: b.id.Device, Address: stranger.addr}})
	stranger.start(t, []Partner{{Device: a.id.Device, Address: a.addr}})

	// A raw client with the stranger's certificate: the handshake fails
	// before any BEP message.
	c, err := net.Dial("tcp", strings.TrimPrefix(a.addr, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(c, &tls.Config{Certificates: []tls.Certificate{stranger.id.Certificate}, InsecureSkipVerify: true,
		MinVersion: tls.VersionTLS13, NextProtos: []string{alpnBEP}})
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	_ = tc.Handshake() // TLS 1.3: the server's verdict arrives with the first read
	_, err = protocol.ExchangeHello(tc, protocol.Hello{DeviceName: "C", Timestamp: time.Now().UnixNano()})
	tc.Close()
	if err == nil {
		t.Fatal("a stranger completed the Hello")
	}

	// A partner's certificate over TLS 1.2: refused too.
	c, err = net.Dial("tcp", strings.TrimPrefix(a.addr, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	old := tls.Client(c, &tls.Config{Certificates: []tls.Certificate{b.id.Certificate}, InsecureSkipVerify: true,
		MaxVersion: tls.VersionTLS12, NextProtos: []string{alpnBEP}})
	old.SetDeadline(time.Now().Add(5 * time.Second))
	if err := old.Handshake(); err == nil {
		t.Error("a TLS 1.2 handshake succeeded")
	}
	old.Close()

	refused := 0
	deadline := time.After(5 * time.Second)
	for refused < 3 {
		select {
		case ev := <-a.node.Events():
			switch ev.Kind {
			case EventRefused:
				refused++
			case EventConnected:
				t.Fatalf("connected to %v", ev.Device)
			}
		case <-deadline:
			t.Fatalf("%d refusals seen, want at least 3", refused)
		}
	}
	for _, m := range []*member{a, stranger} {
		for _, p := range m.node.Partners() {
			if p.Connected {
				t.Errorf("%s is connected to %v", m.name, p.Device)
			}
		}
	}
	if _, err := stranger.st.db.GetAny("person", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the stranger got a record: %v", err)
	}
}
