package audit

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDecodeEntry: entries come from partners. Decoding any bytes under
// any id never panics, and what decodes belongs where it was found.
func FuzzDecodeEntry(f *testing.F) {
	chain := ChainOf(0x0123456789abcdef)
	first := Entry{Chain: chain, Seq: 1, At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Login: "marie",
		Name: "Marie Dupont", Role: "coordinateur", Centre: "c", Action: "person.read", Person: "p", Record: "person/p"}
	b1, _ := json.Marshal(first)
	second := first
	second.Seq, second.Prev = 2, hashOf(b1)
	b2, _ := json.Marshal(second)
	for _, seed := range []struct{ id, body string }{
		{EntryID(chain, 1), string(b1)},
		{EntryID(chain, 2), string(b2)},
		{EntryID(chain, 2), string(b1)},
		{EntryID(chain, 1), `{"seq":"two"}`},
		{"hello", `{}`},
		{chain + "-000000000000", `{"chain":"` + chain + `","seq":0}`},
		{EntryID(chain, 3), `{"chain":"` + chain + `","seq":3,"prev":"zz"}`},
		{EntryID(chain, 1), `null`},
	} {
		f.Add(seed.id, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		e, err := decodeEntry(id, body)
		if err != nil {
			return
		}
		c, seq, ok := splitID(id)
		if !ok || e.ID != id || e.Chain != c || e.Seq != seq || (seq == 1) != (e.Prev == "") {
			t.Fatalf("decodeEntry(%q) = %+v, which does not belong there", id, e)
		}
		again, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeEntry(id, again); err != nil {
			t.Fatalf("an entry that decoded does not decode once re-encoded: %v", err)
		}
	})
}
