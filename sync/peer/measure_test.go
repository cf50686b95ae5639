package peer

import (
	"bytes"
	"os"
	"slices"
	"testing"
	"time"

	"relais/store"
)

// TestMeasure logs the figures of the issue: the initial sync of N records
// between two nodes on loopback (time, bytes on the wire) and how long one
// edit takes to show on a connected partner. N is 20,000, or 100,000 with
// RELAIS_SYNC_LARGE=1.
func TestMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	n := 20000
	if os.Getenv("RELAIS_SYNC_LARGE") != "" {
		n = 100000
	}
	a, b := newMember(t, "A"), newMember(t, "B")
	putMany(t, a.st.db, "person", n)
	ms := []*member{a, b}

	start := time.Now()
	fullMesh(t, ms, direct(ms))
	waitFor(t, 10*time.Minute, "the initial sync", func() bool {
		if b.st.db.LastSequence() < uint64(n) {
			return false
		}
		p := b.node.Partners()[0]
		if !p.Connected || p.Pending != 0 || p.LastSync.IsZero() {
			return false
		}
		c, err := b.st.db.Count("person")
		return err == nil && c == n
	})
	elapsed := time.Since(start)
	wire := a.bytes.total()
	t.Logf("initial sync of %d records: %.2f s (%.0f records/s), %d bytes on the wire (%.0f bytes/record; A sent %d, received %d)",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), wire, float64(wire)/float64(n), a.bytes.written.Load(), a.bytes.read.Load())
	// Let B's announcements of what it received settle before timing edits.
	waitConverged(t, ms, time.Minute)

	changes, stop := b.st.db.Watch()
	defer stop()
	const edits = 200
	var lat []time.Duration
	for i := range edits {
		body := []byte(`{"name":"edit ` + time.Now().Format(time.RFC3339Nano) + `"}`)
		t0 := time.Now()
		m, err := a.st.db.Put("person", "r000001", body, store.ScopeNetwork)
		if err != nil {
			t.Fatal(err)
		}
		for {
			r, err := b.st.db.GetAny("person", "r000001")
			if err == nil && r.Version.Compare(m.Version) == store.Equal && bytes.Equal(r.Body, body) {
				break
			}
			select {
			case <-changes:
			case <-time.After(5 * time.Second):
				t.Fatalf("edit %d not seen after 5 s", i)
			}
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	t.Logf("one edit visible on the partner (%d edits): median %v, p99 %v, max %v",
		edits, lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
}
