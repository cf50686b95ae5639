package peer

import (
	"errors"
	"strings"
	"testing"

	"github.com/syncthing/syncthing/lib/protocol"
	"pgregory.net/rapid"

	"relais/store"
)

func TestIdentityRoundTrip(t *testing.T) {
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	b, err := id.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseIdentity(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Device != id.Device {
		t.Errorf("device id changed: %v → %v", id.Device, back.Device)
	}
	if _, err := ParseIdentity(b[:len(b)/2]); err == nil {
		t.Error("ParseIdentity accepted half a PEM file")
	}
}

func TestParseDeviceID(t *testing.T) {
	id, _ := NewIdentity()
	s := id.DeviceID()
	if got, err := ParseDeviceID(strings.ToLower(strings.ReplaceAll(s, "-", " "))); err != nil || got != id.Device {
		t.Errorf("ParseDeviceID(lower, spaces) = %v, %v", got, err)
	}
	// One wrong character: the check digits catch it.
	typo := []byte(s)
	if typo[3] == 'A' {
		typo[3] = 'B'
	} else {
		typo[3] = 'A'
	}
	if _, err := ParseDeviceID(string(typo)); !errors.Is(err, ErrBadDeviceID) {
		t.Errorf("ParseDeviceID(%s) = %v, want ErrBadDeviceID", typo, err)
	}
	for _, empty := range []string{"", "  ", strings.Repeat("A", 56)} {
		if _, err := ParseDeviceID(empty); !errors.Is(err, ErrBadDeviceID) {
			t.Errorf("ParseDeviceID(%q) = %v, want ErrBadDeviceID", empty, err)
		}
	}
}

func genVector(t *rapid.T, label string) store.Vector {
	ids := rapid.SliceOfNDistinct(rapid.Uint64Range(1, 6), 0, 5, rapid.ID[uint64]).Draw(t, label+"-ids")
	v := store.Vector{}
	for _, id := range ids {
		v = append(v, store.Counter{ID: id, Value: rapid.Uint64Range(1, 4).Draw(t, label+"-value")})
	}
	return store.Vector(nil).Merge(v) // sorted
}

// TestVectorsMapOntoBEP checks that the store's vector rules are Syncthing's:
// the same comparison, merge and update on both sides of the wire.
func TestVectorsMapOntoBEP(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genVector(t, "a"), genVector(t, "b")
		wa, wb := toWire(a), toWire(b)
		if got, want := a.Compare(b), wa.Compare(wb); int(got) != int(want) {
			t.Fatalf("Compare(%v, %v) = %v, BEP says %v", a, b, got, want)
		}
		// BEP's Merge mutates its receiver: merge a copy.
		if got, want := toWire(a.Merge(b)), wa.Copy().Merge(wb); !got.Equal(want) {
			t.Fatalf("Merge(%v, %v) = %v, BEP says %v", a, b, got, want)
		}
		id := rapid.Uint64Range(1, 7).Draw(t, "id")
		// Update reads the clock, so compare shapes, not exact values: both
		// sides dominate the old vector and touch only id's counter.
		got, want := toWire(a.Update(id)), toWire(a).Update(protocol.ShortID(id))
		if got.Compare(wa) != protocol.Greater || want.Compare(wa) != protocol.Greater || len(got.Counters) != len(want.Counters) {
			t.Fatalf("Update(%v, %d) = %v, BEP says %v", a, id, got, want)
		}
		if back := fromWire(wa); len(a) > 0 && back.Compare(a) != store.Equal {
			t.Fatalf("fromWire(toWire(%v)) = %v", a, back)
		}
	})
}
