package peer

import (
	"encoding/json"
	"errors"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

// Replica is what replication needs from the store.
type Replica interface {
	// Epoch identifies the store's sequence numbering; it is our IndexID.
	Epoch() uint64
	LastSequence() uint64
	Changes(since uint64, fn func(store.Record) error) error
	GetAny(kind, id string) (store.Record, error)
	Wants(m store.Meta) (bool, error)
	ApplyRemote(recs []store.Record) ([]store.Outcome, error)
	Watch() (changes <-chan uint64, stop func())
	// PeerState and SetPeerState keep replication's own small state about
	// a partner (nil when there is none yet). It must never be announced.
	PeerState(device protocol.DeviceID) ([]byte, error)
	SetPeerState(device protocol.DeviceID, state []byte) error
}

// PeerStateKind is the kind of the local records StoreReplica keeps the
// state of each partner in. They are ScopeLocal: never announced.
const PeerStateKind = "peerstate"

// StoreReplica adapts a store to Replica, keeping partner states as local
// records of kind PeerStateKind, one per device.
type StoreReplica struct{ *store.DB }

var _ Replica = StoreReplica{}

type peerStateBody struct {
	State []byte `json:"state"`
}

// PeerState returns the state saved for device, nil if none.
func (s StoreReplica) PeerState(device protocol.DeviceID) ([]byte, error) {
	r, err := s.DB.Get(PeerStateKind, device.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var b peerStateBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return nil, nil // a damaged state only costs a full resend
	}
	return b.State, nil
}

// SetPeerState saves the state of device.
func (s StoreReplica) SetPeerState(device protocol.DeviceID, state []byte) error {
	body, err := json.Marshal(peerStateBody{State: state})
	if err != nil {
		return err
	}
	_, err = s.DB.Put(PeerStateKind, device.String(), body, store.ScopeLocal)
	return err
}

// peerState is what a node remembers of a partner between connections: the
// partner's index id and the highest of its sequences that we applied with
// everything before it.
type peerState struct {
	IndexID  uint64 `json:"index_id"`
	Sequence int64  `json:"sequence"`
}

func loadPeerState(r Replica, device protocol.DeviceID) (peerState, error) {
	var st peerState
	b, err := r.PeerState(device)
	if err != nil || b == nil {
		return st, err
	}
	if json.Unmarshal(b, &st) != nil || st.Sequence < 0 {
		return peerState{}, nil
	}
	return st, nil
}

func savePeerState(r Replica, device protocol.DeviceID, st peerState) error {
	b, _ := json.Marshal(st)
	return r.SetPeerState(device, b)
}
