package peer

import (
	"errors"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

// Partners are added and removed while the nodes run, as staff do on the
// Network screen: an added partner syncs, a removed one is cut off and
// refused, and nothing written afterwards reaches it.
func TestPartnersChangeAtRuntime(t *testing.T) {
	a, b := newMember(t, "A"), newMember(t, "B")
	put(t, a.st.db, "person", "p1", `{"name":"before"}`, store.ScopeNetwork)
	a.start(t, nil)
	b.start(t, nil)

	// A knows B's address; B only accepts A.
	if err := a.node.AddPartner(Partner{Device: b.id.Device, Address: b.addr}); err != nil {
		t.Fatal(err)
	}
	if err := b.node.AddPartner(Partner{Device: a.id.Device}); err != nil {
		t.Fatal(err)
	}
	waitConverged(t, []*member{a, b}, 10*time.Second)
	waitFor(t, 10*time.Second, "B sees A connected with a last sync", func() bool {
		ps := b.node.Partners()
		return len(ps) == 1 && ps[0].Connected && !ps[0].LastSync.IsZero()
	})

	b.node.RemovePartner(a.id.Device)
	if len(b.node.Partners()) != 0 {
		t.Fatalf("B still lists %d partners", len(b.node.Partners()))
	}
	waitFor(t, 10*time.Second, "A sees B disconnected", func() bool {
		ps := a.node.Partners()
		return len(ps) == 1 && !ps[0].Connected
	})
	put(t, a.st.db, "person", "p2", `{"name":"after the removal"}`, store.ScopeNetwork)
	time.Sleep(500 * time.Millisecond) // A keeps dialing; B must keep refusing
	if _, err := b.st.db.GetAny("person", "p2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a removed partner's record arrived: %v", err)
	}
	if ps := a.node.Partners(); ps[0].Connected {
		t.Fatal("A reconnected to B after B removed it")
	}

	// Added again, with an address this time on both sides: they catch up.
	if err := b.node.AddPartner(Partner{Device: a.id.Device, Address: a.addr}); err != nil {
		t.Fatal(err)
	}
	waitConverged(t, []*member{a, b}, 10*time.Second)

	if err := a.node.AddPartner(Partner{Device: a.id.Device}); err == nil {
		t.Error("a node accepted itself as a partner")
	}
	if err := a.node.AddPartner(Partner{Device: b.id.Device, Address: "tcp://nowhere"}); err == nil {
		t.Error("an address without a port was accepted")
	}
}

// A partner without a fixed address is dialed where the lookup (LAN
// discovery) says it is.
func TestPartnerFoundByLookup(t *testing.T) {
	a, b := newMember(t, "A"), newMember(t, "B")
	put(t, a.st.db, "person", "p1", `{"name":"found"}`, store.ScopeNetwork)
	a.cfg = func(c *Config) {
		c.Lookup = func(dev protocol.DeviceID) []string {
			if dev == b.id.Device {
				return []string{"tcp://127.0.0.1:1", b.addr} // the first one refuses
			}
			return nil
		}
	}
	a.start(t, []Partner{{Device: b.id.Device}})
	b.start(t, []Partner{{Device: a.id.Device}})
	waitConverged(t, []*member{a, b}, 10*time.Second)
}
