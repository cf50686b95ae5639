// Package peer replicates records between partner centres over Syncthing's
// Block Exchange Protocol. It keeps syncthing's lib/ behind its own types:
// nothing outside this package imports it.
package peer

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/syncthing/syncthing/lib/protocol"
	"github.com/syncthing/syncthing/lib/tlsutil"

	"relais/problem"
	"relais/store"
)

// certificateLifetimeDays: a centre's identity lasts as long as Syncthing's own.
const certificateLifetimeDays = 20 * 365

// Problems of identities.
var ErrBadDeviceID = problem.Register("peer.bad_device_id")

// Identity is this centre's TLS certificate and the device id derived from it.
type Identity struct {
	Certificate tls.Certificate
	Device      protocol.DeviceID
}

// NewIdentity makes a new certificate. Its common name is "syncthing", which
// stock Syncthing peers require.
func NewIdentity() (Identity, error) {
	cert, err := tlsutil.NewCertificateInMemory("syncthing", certificateLifetimeDays)
	if err != nil {
		return Identity{}, fmt.Errorf("new certificate: %w", err)
	}
	return Identity{Certificate: cert, Device: protocol.NewDeviceID(cert.Certificate[0])}, nil
}

// DeviceID returns the device id in Syncthing's format, with check digits.
func (id Identity) DeviceID() string { return id.Device.String() }

// MarshalPEM returns the certificate and its private key as PEM, to be kept
// in the encrypted store (never in a file in clear).
func (id Identity) MarshalPEM() ([]byte, error) {
	key, err := x509.MarshalPKCS8PrivateKey(id.Certificate.PrivateKey)
	if err != nil {
		return nil, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Certificate[0]})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})...), nil
}

// ParseIdentity is the inverse of MarshalPEM.
func ParseIdentity(b []byte) (Identity, error) {
	var certPEM, keyPEM []byte
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		enc := pem.EncodeToMemory(block)
		switch block.Type {
		case "CERTIFICATE":
			certPEM = enc
		case "PRIVATE KEY":
			keyPEM = enc
		}
	}
	if certPEM == nil || keyPEM == nil {
		return Identity{}, errors.New("identity: certificate or key missing")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: %w", err)
	}
	return Identity{Certificate: cert, Device: protocol.NewDeviceID(cert.Certificate[0])}, nil
}

// ParseDeviceID reads a partner's device id as typed by a person: any case,
// with or without dashes or spaces; the check digits catch typos.
func ParseDeviceID(s string) (protocol.DeviceID, error) {
	id, err := protocol.DeviceIDFromString(strings.TrimSpace(s))
	if err != nil {
		return id, ErrBadDeviceID.Because(err)
	}
	if id == protocol.EmptyDeviceID {
		return id, ErrBadDeviceID
	}
	return id, nil
}

// toWire converts a store vector to BEP's; fromWire is its inverse. The
// store's replica id is the counter id on the wire.
func toWire(v store.Vector) protocol.Vector {
	out := protocol.Vector{Counters: make([]protocol.Counter, len(v))}
	for i, c := range v {
		out.Counters[i] = protocol.Counter{ID: protocol.ShortID(c.ID), Value: c.Value}
	}
	return out
}

func fromWire(v protocol.Vector) store.Vector {
	out := make(store.Vector, len(v.Counters))
	for i, c := range v.Counters {
		out[i] = store.Counter{ID: uint64(c.ID), Value: c.Value}
	}
	return out
}
