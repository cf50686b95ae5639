package peer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The relay protocol of Syncthing (strelaysrv), version 1: a header of
// three XDR words (magic, type, length), then the message, in XDR (every
// number a big-endian 32-bit word, every byte string a length word and the
// bytes padded to 4). Written here rather than imported: lib/relay/client
// brings lib/dialer, lib/osutil and lib/fs, and with them seven more
// modules (gopsutil, notify, purego, go-ole, wmi…) for a dozen messages.
const (
	relayMagic    = 0x9E79BC40
	relayALPN     = "bep-relay"
	relayMaxBody  = 1024 // what strelaysrv accepts
	relayMaxBytes = 32   // device ids, keys and addresses
)

// Relay message types, in the protocol's order.
const (
	relayPing int32 = iota
	relayPong
	relayJoinRelayRequest
	relayJoinSessionRequest
	relayResponse
	relayConnectRequest
	relaySessionInvitation
	relayFull
)

// relayMsg is one message: its type and the fields that type has.
type relayMsg struct {
	Type int32
	// JoinRelayRequest: Token. Response: Code, Message.
	Token   string
	Code    int32
	Message string
	// JoinSessionRequest: Key. ConnectRequest: ID (in From).
	// SessionInvitation: From, Key, Address, Port, ServerSocket.
	From         []byte
	Key          []byte
	Address      []byte
	Port         uint16
	ServerSocket bool
}

var errRelayProtocol = errors.New("relay protocol error")

type xdrWriter struct{ b []byte }

func (w *xdrWriter) word(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }

func (w *xdrWriter) bytes(p []byte) {
	w.word(uint32(len(p)))
	w.b = append(w.b, p...)
	for len(w.b)%4 != 0 {
		w.b = append(w.b, 0)
	}
}

type xdrReader struct {
	b   []byte
	err error
}

func (r *xdrReader) word() uint32 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 4 {
		r.err = fmt.Errorf("%w: message too short", errRelayProtocol)
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *xdrReader) bytes(max int) []byte {
	n := int64(r.word())
	if r.err != nil {
		return nil
	}
	padded := (n + 3) &^ 3
	if n > int64(max) || padded > int64(len(r.b)) {
		r.err = fmt.Errorf("%w: field of %d bytes", errRelayProtocol, n)
		return nil
	}
	out := append([]byte(nil), r.b[:n]...)
	r.b = r.b[padded:]
	return out
}

// marshal returns the message with its header.
func (m relayMsg) marshal() ([]byte, error) {
	var body xdrWriter
	switch m.Type {
	case relayPing, relayPong, relayFull:
	case relayJoinRelayRequest:
		body.bytes([]byte(m.Token))
	case relayJoinSessionRequest:
		body.bytes(m.Key)
	case relayResponse:
		body.word(uint32(m.Code))
		body.bytes([]byte(m.Message))
	case relayConnectRequest:
		body.bytes(m.From)
	case relaySessionInvitation:
		body.bytes(m.From)
		body.bytes(m.Key)
		body.bytes(m.Address)
		body.word(uint32(m.Port))
		b := uint32(0)
		if m.ServerSocket {
			b = 1
		}
		body.word(b)
	default:
		return nil, fmt.Errorf("%w: unknown message type %d", errRelayProtocol, m.Type)
	}
	if len(body.b) > relayMaxBody || len(m.From) > relayMaxBytes || len(m.Key) > relayMaxBytes || len(m.Address) > relayMaxBytes {
		return nil, fmt.Errorf("%w: message too long", errRelayProtocol)
	}
	var out xdrWriter
	out.word(relayMagic)
	out.word(uint32(m.Type))
	out.word(uint32(len(body.b)))
	return append(out.b, body.b...), nil
}

func writeRelayMsg(w io.Writer, m relayMsg) error {
	b, err := m.marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// readRelayMsg reads one message; it trusts nothing it reads.
func readRelayMsg(rd io.Reader) (relayMsg, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(rd, hdr[:]); err != nil {
		return relayMsg{}, err
	}
	if binary.BigEndian.Uint32(hdr[:]) != relayMagic {
		return relayMsg{}, fmt.Errorf("%w: bad magic", errRelayProtocol)
	}
	typ, n := int32(binary.BigEndian.Uint32(hdr[4:])), int32(binary.BigEndian.Uint32(hdr[8:]))
	if n < 0 || n > relayMaxBody {
		return relayMsg{}, fmt.Errorf("%w: bad length %d", errRelayProtocol, n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(rd, body); err != nil {
		return relayMsg{}, err
	}
	return parseRelayBody(typ, body)
}

func parseRelayBody(typ int32, body []byte) (relayMsg, error) {
	m := relayMsg{Type: typ}
	r := &xdrReader{b: body}
	switch typ {
	case relayPing, relayPong, relayFull:
	case relayJoinRelayRequest:
		if len(body) > 0 { // older clients send no token
			m.Token = string(r.bytes(relayMaxBody))
		}
	case relayJoinSessionRequest:
		m.Key = r.bytes(relayMaxBytes)
	case relayResponse:
		m.Code = int32(r.word())
		m.Message = string(r.bytes(relayMaxBody))
	case relayConnectRequest:
		m.From = r.bytes(relayMaxBytes)
	case relaySessionInvitation:
		m.From = r.bytes(relayMaxBytes)
		m.Key = r.bytes(relayMaxBytes)
		m.Address = r.bytes(relayMaxBytes)
		port := r.word()
		ss := r.word()
		if port > 0xffff {
			return relayMsg{}, fmt.Errorf("%w: port %d", errRelayProtocol, port)
		}
		m.Port, m.ServerSocket = uint16(port), ss != 0
	default:
		return relayMsg{}, fmt.Errorf("%w: unknown message type %d", errRelayProtocol, typ)
	}
	if r.err != nil {
		return relayMsg{}, r.err
	}
	return m, nil
}
