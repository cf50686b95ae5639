package discover

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/sync/peer"
)

// Limits of a packet. They are far above what a real announcement needs (a
// certificate of about 600 bytes, a handful of addresses) and keep what a
// stranger on the LAN can make us parse small.
const (
	// MaxPacketSize is the largest packet Decode reads and Encode writes.
	MaxPacketSize = 8 << 10
	// MaxAddresses is the most addresses one announcement may carry.
	MaxAddresses = 16
	// MaxAddressLen is the longest address, in bytes.
	MaxAddressLen = 255
	// MaxClockSkew is how far an announcement's time may be from the
	// receiver's clock: beyond it the packet is refused, so a recorded
	// announcement cannot be replayed for long.
	MaxClockSkew = 5 * time.Minute
)

// magic starts every packet; the digit is the format's version.
var magic = [4]byte{'R', 'L', 'S', '1'}

// Reasons Decode refuses a packet; compare with errors.Is.
var (
	ErrBadMagic       = errors.New("discover: not a Relais announcement")
	ErrMalformed      = errors.New("discover: malformed packet")
	ErrBadCertificate = errors.New("discover: bad certificate")
	ErrBadSignature   = errors.New("discover: bad signature")
	ErrClockSkew      = errors.New("discover: announcement time too far from our clock")
	ErrBadAddress     = errors.New("discover: bad address")
	ErrNoAddress      = errors.New("discover: no usable address")
)

// Announcement is what a device said about itself, checked.
type Announcement struct {
	// Device is derived from the certificate that signed the packet.
	Device protocol.DeviceID
	// Addresses are "tcp://host:port", with an unspecified host replaced by
	// the packet's source address.
	Addresses []string
	// At is when the sender made the announcement, by its clock.
	At time.Time
	// Instance is random for each run of the sender: a new value means the
	// device restarted.
	Instance uint64
}

// Encode makes a signed announcement packet of id's device at the given
// addresses. An address may leave its host unspecified ("tcp://0.0.0.0:22100"
// or "tcp://:22100"): the receiver fills in the address it heard us from.
func Encode(id peer.Identity, addrs []string, at time.Time, instance uint64) ([]byte, error) {
	if len(id.Certificate.Certificate) == 0 {
		return nil, errors.New("discover: identity has no certificate")
	}
	signer, ok := id.Certificate.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("discover: private key %T cannot sign", id.Certificate.PrivateKey)
	}
	der := id.Certificate.Certificate[0]
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("discover: own certificate: %w", err)
	}
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(signer.Public()) {
		return nil, errors.New("discover: private key does not match the certificate")
	}
	if len(addrs) == 0 {
		return nil, ErrNoAddress
	}
	if len(addrs) > MaxAddresses {
		return nil, fmt.Errorf("%w: %d addresses, at most %d", ErrBadAddress, len(addrs), MaxAddresses)
	}
	for _, a := range addrs {
		if len(a) > MaxAddressLen {
			return nil, fmt.Errorf("%w: %.40q… is longer than %d bytes", ErrBadAddress, a, MaxAddressLen)
		}
		if _, _, err := parseTCP(a); err != nil {
			return nil, err
		}
	}
	return encode(der, signer, addrs, at, instance)
}

// encode lays out and signs a packet without checking its inputs, so tests
// can forge what Encode refuses to make.
//
// Layout (big endian):
//
//	magic    4 bytes "RLS1"
//	length   uint16, of the payload
//	payload  cert (uint16 length + DER), time (int64 unix ns),
//	         instance (uint64), count (uint8), count × address (uint8 length + bytes)
//	sig      uint16 length + signature over magic, length and payload
func encode(der []byte, signer crypto.Signer, addrs []string, at time.Time, instance uint64) ([]byte, error) {
	if len(der) > MaxPacketSize || len(addrs) > 255 {
		return nil, fmt.Errorf("%w: too large", ErrMalformed)
	}
	var payload []byte
	payload = binary.BigEndian.AppendUint16(payload, uint16(len(der)))
	payload = append(payload, der...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(at.UnixNano()))
	payload = binary.BigEndian.AppendUint64(payload, instance)
	payload = append(payload, byte(len(addrs)))
	for _, a := range addrs {
		if len(a) > 255 {
			return nil, fmt.Errorf("%w: address too long", ErrMalformed)
		}
		payload = append(payload, byte(len(a)))
		payload = append(payload, a...)
	}
	if len(payload) > MaxPacketSize {
		return nil, fmt.Errorf("%w: too large", ErrMalformed)
	}
	pkt := append(magic[:len(magic):len(magic)], 0, 0)
	binary.BigEndian.PutUint16(pkt[len(magic):], uint16(len(payload)))
	pkt = append(pkt, payload...)

	_, hash, err := signatureAlgorithm(signer.Public())
	if err != nil {
		return nil, err
	}
	msg := pkt
	if hash != 0 {
		h := hash.New()
		h.Write(pkt)
		msg = h.Sum(nil)
	}
	sig, err := signer.Sign(rand.Reader, msg, hash)
	if err != nil {
		return nil, fmt.Errorf("discover: sign: %w", err)
	}
	pkt = binary.BigEndian.AppendUint16(pkt, uint16(len(sig)))
	pkt = append(pkt, sig...)
	if len(pkt) > MaxPacketSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(pkt), MaxPacketSize)
	}
	return pkt, nil
}

// signatureAlgorithm says how a key of this type signs an announcement.
// Relais makes ECDSA P-384 keys (tlsutil); Ed25519 and RSA are accepted so an
// identity imported from elsewhere still works.
func signatureAlgorithm(pub crypto.PublicKey) (x509.SignatureAlgorithm, crypto.Hash, error) {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return x509.ECDSAWithSHA384, crypto.SHA384, nil
	case ed25519.PublicKey:
		return x509.PureEd25519, 0, nil
	case *rsa.PublicKey:
		return x509.SHA256WithRSA, crypto.SHA256, nil
	}
	return 0, 0, fmt.Errorf("%w: unsupported key type %T", ErrBadCertificate, pub)
}

// Decode checks a packet received from src at time now and returns what it
// announces. It refuses (with one of the Err values above) a packet that is
// not ours, malformed, not signed by the certificate it carries, or made
// more than MaxClockSkew away from now. Addresses with an unspecified host
// get src's address; without src they are dropped. Decode does not know who
// we are nor who our partners are: the Discoverer checks that.
func Decode(pkt []byte, src net.IP, now time.Time) (Announcement, error) {
	if len(pkt) < len(magic) || [4]byte(pkt[:4]) != magic {
		return Announcement{}, ErrBadMagic
	}
	if len(pkt) > MaxPacketSize {
		return Announcement{}, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(pkt), MaxPacketSize)
	}
	r := reader{b: pkt[len(magic):]}
	payload := reader{b: r.bytes(int(r.uint16()))}
	signed := pkt[:len(pkt)-len(r.b)]
	sig := r.bytes(int(r.uint16()))
	if r.err != nil {
		return Announcement{}, fmt.Errorf("%w: truncated", ErrMalformed)
	}
	if len(r.b) != 0 {
		return Announcement{}, fmt.Errorf("%w: %d bytes after the signature", ErrMalformed, len(r.b))
	}
	der := payload.bytes(int(payload.uint16()))
	at := time.Unix(0, int64(payload.uint64()))
	instance := payload.uint64()
	raw := make([]string, payload.uint8())
	if len(raw) > MaxAddresses {
		return Announcement{}, fmt.Errorf("%w: %d addresses, at most %d", ErrMalformed, len(raw), MaxAddresses)
	}
	for i := range raw {
		raw[i] = string(payload.bytes(int(payload.uint8())))
	}
	if payload.err != nil {
		return Announcement{}, fmt.Errorf("%w: truncated payload", ErrMalformed)
	}
	if len(payload.b) != 0 {
		return Announcement{}, fmt.Errorf("%w: %d bytes after the addresses", ErrMalformed, len(payload.b))
	}

	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Announcement{}, fmt.Errorf("%w: %w", ErrBadCertificate, err)
	}
	alg, _, err := signatureAlgorithm(cert.PublicKey)
	if err != nil {
		return Announcement{}, err
	}
	if err := cert.CheckSignature(alg, signed, sig); err != nil {
		return Announcement{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	dev := protocol.NewDeviceID(der)
	if skew := at.Sub(now); skew > MaxClockSkew || skew < -MaxClockSkew {
		return Announcement{}, fmt.Errorf("%w: device %s is %s off", ErrClockSkew, dev.Short(), skew.Round(time.Second))
	}

	ann := Announcement{Device: dev, At: at, Instance: instance}
	for _, a := range raw {
		addr, err := fill(a, src)
		if err != nil {
			return Announcement{}, fmt.Errorf("device %s: %w", dev.Short(), err)
		}
		if addr != "" && !slices.Contains(ann.Addresses, addr) {
			ann.Addresses = append(ann.Addresses, addr)
		}
	}
	if len(ann.Addresses) == 0 {
		return Announcement{}, fmt.Errorf("%w: device %s", ErrNoAddress, dev.Short())
	}
	return ann, nil
}

// fill checks an announced address and puts src in place of an unspecified
// host, as Syncthing's local discovery does: a device rarely knows which of
// its addresses the receiver can reach, the packet's source is one it can.
// It returns "" for an address to drop.
func fill(addr string, src net.IP) (string, error) {
	host, port, err := parseTCP(addr)
	if err != nil {
		return "", err
	}
	if host != "" {
		if ip, err := netip.ParseAddr(host); err != nil || !ip.IsUnspecified() {
			return addr, nil // a name or a specific address: as announced
		}
	}
	ip, ok := netip.AddrFromSlice(src)
	if !ok || ip.Unmap().IsUnspecified() {
		return "", nil
	}
	return "tcp://" + net.JoinHostPort(ip.Unmap().String(), port), nil
}

// parseTCP checks that addr is "tcp://host:port", the only kind the node
// dials, and returns host (maybe empty) and port.
func parseTCP(addr string) (host, port string, err error) {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "tcp" || u.User != nil || u.Opaque != "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("%w: %q is not tcp://host:port", ErrBadAddress, addr)
	}
	host, port, err = net.SplitHostPort(u.Host)
	if err != nil {
		return "", "", fmt.Errorf("%w: %q: %w", ErrBadAddress, addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", fmt.Errorf("%w: %q: bad port", ErrBadAddress, addr)
	}
	return host, port, nil
}

// reader takes fields off the front of a packet; after the first short read
// every read returns zero and err stays set.
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = ErrMalformed
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint8() uint8 {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) uint16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) uint64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}
