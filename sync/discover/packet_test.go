package discover

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/sync/peer"
)

// t0 is the time of every packet in these tests, and the receiver's clock.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

var (
	identitiesOnce sync.Once
	identities     [2]peer.Identity
)

// testIdentities returns two identities made once for the package's tests
// (a key pair costs a few milliseconds).
func testIdentities(t testing.TB) (a, b peer.Identity) {
	identitiesOnce.Do(func() {
		for i := range identities {
			id, err := peer.NewIdentity()
			if err != nil {
				panic(err)
			}
			identities[i] = id
		}
	})
	return identities[0], identities[1]
}

func mustEncode(t testing.TB, id peer.Identity, addrs []string, at time.Time) []byte {
	t.Helper()
	pkt, err := Encode(id, addrs, at, 42)
	if err != nil {
		t.Fatalf("Encode(%v) = %v", addrs, err)
	}
	return pkt
}

// forge signs a packet with any certificate and key, bypassing Encode's checks.
func forge(t testing.TB, der []byte, key crypto.PrivateKey, addrs []string, at time.Time) []byte {
	t.Helper()
	pkt, err := encode(der, key.(crypto.Signer), addrs, at, 7)
	if err != nil {
		t.Fatalf("encode = %v", err)
	}
	return pkt
}

// ed25519Identity makes a self-signed Ed25519 certificate, a key type
// Relais does not make but accepts.
func ed25519Identity(t testing.TB) peer.Identity {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "syncthing"},
		NotBefore:    t0.Add(-time.Hour),
		NotAfter:     t0.Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return peer.Identity{
		Certificate: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv},
		Device:      protocol.NewDeviceID(der),
	}
}

// flip returns a copy of pkt with byte i changed.
func flip(pkt []byte, i int) []byte {
	out := slices.Clone(pkt)
	out[i] ^= 0x55
	return out
}

type decodeCase struct {
	name    string
	pkt     []byte
	src     net.IP
	now     time.Time
	want    []string // addresses, when err is nil
	wantErr error
}

// decodeCases are the table of TestDecode and the seeds of FuzzDecode.
func decodeCases(t testing.TB) []decodeCase {
	a, b := testIdentities(t)
	src := net.IPv4(10, 77, 1, 1)
	valid := mustEncode(t, a, []string{"tcp://192.0.2.7:22100"}, t0)
	// The certificate starts at byte 8 (magic, payload length, certificate
	// length); the payload ends where the signature's length begins.
	payloadEnd := 6 + int(valid[4])<<8 + int(valid[5])
	certLen := int(valid[6])<<8 + int(valid[7])
	timeAt := 8 + certLen
	addrAt := timeAt + 8 + 8 + 1 + 1

	tooMany := make([]string, MaxAddresses+1)
	for i := range tooMany {
		tooMany[i] = "tcp://192.0.2.1:22100"
	}
	oversized := append(slices.Clone(valid), make([]byte, MaxPacketSize+1-len(valid))...)

	return []decodeCase{
		{name: "valid", pkt: valid, src: src, now: t0, want: []string{"tcp://192.0.2.7:22100"}},
		{name: "valid without source", pkt: valid, now: t0, want: []string{"tcp://192.0.2.7:22100"}},
		{name: "unspecified host filled with the source",
			pkt: mustEncode(t, a, []string{"tcp://0.0.0.0:22100", "tcp://:22101", "tcp://[::]:22102"}, t0),
			src: src, now: t0,
			want: []string{"tcp://10.77.1.1:22100", "tcp://10.77.1.1:22101", "tcp://10.77.1.1:22102"}},
		{name: "filled address equal to an announced one counts once",
			pkt: mustEncode(t, a, []string{"tcp://10.77.1.1:22100", "tcp://0.0.0.0:22100"}, t0),
			src: src, now: t0, want: []string{"tcp://10.77.1.1:22100"}},
		{name: "IPv6 source", pkt: mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0),
			src: net.ParseIP("fd00::7"), now: t0, want: []string{"tcp://[fd00::7]:22100"}},
		{name: "names kept as announced", pkt: mustEncode(t, a, []string{"tcp://pc-accueil.local:22100"}, t0),
			src: src, now: t0, want: []string{"tcp://pc-accueil.local:22100"}},
		{name: "unspecified host without source dropped",
			pkt: mustEncode(t, a, []string{"tcp://0.0.0.0:22100", "tcp://192.0.2.7:22100"}, t0),
			now: t0, want: []string{"tcp://192.0.2.7:22100"}},
		{name: "only unspecified hosts without source", pkt: mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0),
			now: t0, wantErr: ErrNoAddress},
		{name: "Ed25519 certificate", pkt: mustEncode(t, ed25519Identity(t), []string{"tcp://0.0.0.0:22100"}, t0),
			src: src, now: t0, want: []string{"tcp://10.77.1.1:22100"}},
		{name: "clock 4 minutes behind the sender", pkt: valid, src: src, now: t0.Add(-4 * time.Minute),
			want: []string{"tcp://192.0.2.7:22100"}},

		{name: "empty", pkt: nil, now: t0, wantErr: ErrBadMagic},
		{name: "wrong magic", pkt: append([]byte("RLS2"), valid[4:]...), src: src, now: t0, wantErr: ErrBadMagic},
		{name: "syncthing announcement", pkt: []byte{0x2e, 0xa7, 0xd9, 0x0b, 0x0a, 0x20}, src: src, now: t0, wantErr: ErrBadMagic},
		{name: "magic alone", pkt: valid[:4], src: src, now: t0, wantErr: ErrMalformed},
		{name: "truncated payload", pkt: valid[:payloadEnd-3], src: src, now: t0, wantErr: ErrMalformed},
		{name: "truncated signature", pkt: valid[:len(valid)-1], src: src, now: t0, wantErr: ErrMalformed},
		{name: "byte after the signature", pkt: append(slices.Clone(valid), 0), src: src, now: t0, wantErr: ErrMalformed},
		{name: "oversized", pkt: oversized, src: src, now: t0, wantErr: ErrMalformed},
		{name: "payload length past the end", pkt: flip(valid, 4), src: src, now: t0, wantErr: ErrMalformed},
		{name: "too many addresses", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey, tooMany, t0),
			src: src, now: t0, wantErr: ErrMalformed},

		{name: "tampered address", pkt: flip(valid, addrAt+2), src: src, now: t0, wantErr: ErrBadSignature},
		{name: "tampered time", pkt: flip(valid, timeAt+7), src: src, now: t0, wantErr: ErrBadSignature},
		{name: "tampered signature", pkt: flip(valid, len(valid)-3), src: src, now: t0, wantErr: ErrBadSignature},
		{name: "certificate of another device", pkt: forge(t, b.Certificate.Certificate[0], a.Certificate.PrivateKey,
			[]string{"tcp://192.0.2.66:22100"}, t0), src: src, now: t0, wantErr: ErrBadSignature},
		// The certificate's own signature is not checked when parsing: the
		// packet's signature is what catches the change.
		{name: "tampered certificate", pkt: flip(valid, 8+certLen-2), src: src, now: t0, wantErr: ErrBadSignature},
		{name: "certificate not DER", pkt: flip(valid, 8), src: src, now: t0, wantErr: ErrBadCertificate},
		{name: "not a certificate", pkt: forge(t, []byte("not a certificate"), a.Certificate.PrivateKey,
			[]string{"tcp://192.0.2.7:22100"}, t0), src: src, now: t0, wantErr: ErrBadCertificate},

		{name: "sender 6 minutes ahead", pkt: valid, src: src, now: t0.Add(-6 * time.Minute), wantErr: ErrClockSkew},
		{name: "sender 6 minutes behind", pkt: valid, src: src, now: t0.Add(6 * time.Minute), wantErr: ErrClockSkew},

		{name: "not tcp", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey,
			[]string{"http://192.0.2.7:22100"}, t0), src: src, now: t0, wantErr: ErrBadAddress},
		{name: "no port", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey,
			[]string{"tcp://192.0.2.7"}, t0), src: src, now: t0, wantErr: ErrBadAddress},
		{name: "port zero", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey,
			[]string{"tcp://192.0.2.7:0"}, t0), src: src, now: t0, wantErr: ErrBadAddress},
		{name: "path", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey,
			[]string{"tcp://192.0.2.7:22100/x"}, t0), src: src, now: t0, wantErr: ErrBadAddress},
		{name: "no address", pkt: forge(t, a.Certificate.Certificate[0], a.Certificate.PrivateKey,
			nil, t0), src: src, now: t0, wantErr: ErrNoAddress},
	}
}

func TestDecode(t *testing.T) {
	a, _ := testIdentities(t)
	for _, c := range decodeCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(c.pkt, c.src, c.now)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("Decode = %v, %v, want %v", got, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode = %v", err)
			}
			if !slices.Equal(got.Addresses, c.want) {
				t.Errorf("Decode addresses = %q, want %q", got.Addresses, c.want)
			}
			if !got.At.Equal(t0) {
				t.Errorf("Decode at = %v, want %v", got.At, t0)
			}
			if c.name != "Ed25519 certificate" && (got.Device != a.Device || got.Instance != 42) {
				t.Errorf("Decode device, instance = %v, %d, want %v, 42", got.Device, got.Instance, a.Device)
			}
		})
	}
}

// Every cut of a valid packet is refused, none panics.
func TestDecodeEveryPrefix(t *testing.T) {
	a, _ := testIdentities(t)
	pkt := mustEncode(t, a, []string{"tcp://0.0.0.0:22100", "tcp://192.0.2.7:22100"}, t0)
	for n := range len(pkt) {
		_, err := Decode(pkt[:n], net.IPv4(10, 0, 0, 1), t0)
		want := ErrMalformed
		if n < len(magic) {
			want = ErrBadMagic
		}
		if !errors.Is(err, want) {
			t.Errorf("Decode(first %d of %d bytes) = %v, want %v", n, len(pkt), err, want)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	a, b := testIdentities(t)
	mixed := a
	mixed.Certificate.PrivateKey = b.Certificate.PrivateKey
	long := "tcp://" + string(make([]byte, MaxAddressLen)) + ":1"
	for _, c := range []struct {
		name  string
		id    peer.Identity
		addrs []string
	}{
		{"no identity", peer.Identity{}, []string{"tcp://192.0.2.7:22100"}},
		{"key of another certificate", mixed, []string{"tcp://192.0.2.7:22100"}},
		{"no address", a, nil},
		{"too many addresses", a, make([]string, MaxAddresses+1)},
		{"address too long", a, []string{long}},
		{"not tcp", a, []string{"quic://192.0.2.7:22100"}},
		{"no port", a, []string{"tcp://192.0.2.7"}},
	} {
		if pkt, err := Encode(c.id, c.addrs, t0, 1); err == nil {
			t.Errorf("Encode(%s) = %d bytes, want an error", c.name, len(pkt))
		}
	}
}

func TestEncodeSize(t *testing.T) {
	a, _ := testIdentities(t)
	addrs := make([]string, MaxAddresses)
	for i := range addrs {
		addrs[i] = "tcp://[fd00:1234:5678:9abc:def0:1234:5678:9abc]:22100"
	}
	pkt := mustEncode(t, a, addrs, t0)
	if len(pkt) > 2048 {
		t.Errorf("Encode(%d long addresses) = %d bytes, want at most 2048", len(addrs), len(pkt))
	}
	one := mustEncode(t, a, []string{"tcp://0.0.0.0:22100"}, t0)
	t.Logf("announcement with one address: %d bytes", len(one))
}

// refusals are the errors Decode may return; any other is a bug.
var refusals = []error{ErrBadMagic, ErrMalformed, ErrBadCertificate, ErrBadSignature, ErrClockSkew, ErrBadAddress, ErrNoAddress}

func FuzzDecode(f *testing.F) {
	for _, c := range decodeCases(f) {
		f.Add(c.pkt)
	}
	src := net.IPv4(10, 77, 1, 1)
	f.Fuzz(func(t *testing.T, pkt []byte) {
		ann, err := Decode(pkt, src, t0)
		if err != nil {
			if !slices.ContainsFunc(refusals, func(r error) bool { return errors.Is(err, r) }) {
				t.Fatalf("Decode = %v, not one of the refusals", err)
			}
			return
		}
		if n := len(ann.Addresses); n == 0 || n > MaxAddresses {
			t.Fatalf("Decode gave %d addresses", n)
		}
		for i, a := range ann.Addresses {
			host, _, err := parseTCP(a)
			if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
				t.Fatalf("Decode gave address %q (%v)", a, err)
			}
			if slices.Contains(ann.Addresses[:i], a) {
				t.Fatalf("Decode gave %q twice", a)
			}
		}
		if d := ann.At.Sub(t0); d > MaxClockSkew || d < -MaxClockSkew {
			t.Fatalf("Decode accepted a time %s away", d)
		}
		// A packet that decodes carries the certificate of its device.
		der := pkt[8 : 8+int(pkt[6])<<8+int(pkt[7])]
		if protocol.NewDeviceID(der) != ann.Device {
			t.Fatalf("Decode device %v is not that of the certificate", ann.Device)
		}
	})
}
