package store

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

func envelopeSeeds() []Record {
	return []Record{
		{Meta: Meta{Kind: "person", ID: "a", Sequence: 1, Modified: time.Unix(0, 1), ModifiedBy: 7, Version: Vector{{7, 1}}}, Body: []byte(`{"name":"Awa"}`)},
		{Meta: Meta{Kind: "person", ID: "b", Sequence: 1 << 40, Modified: time.Unix(1795255266, 5), ModifiedBy: ^uint64(0), Deleted: true, Scope: ScopeNetwork, Shared: true, Version: Vector{{1, 2}, {^uint64(0), 1795255266}}}},
		{Meta: Meta{Kind: "k", ID: "c", Scope: ScopeNetwork, Shared: true}, Body: []byte(`[]`)},
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, r := range envelopeSeeds() {
		got, err := decodeEnvelope(r.Kind, r.ID, encodeEnvelope(r))
		if err != nil {
			t.Fatalf("decode(encode(%v)) = %v", r.Name(), err)
		}
		if !got.Modified.Equal(r.Modified) {
			t.Errorf("%s: modified %v, want %v", r.Name(), got.Modified, r.Modified)
		}
		got.Modified = r.Modified
		if !reflect.DeepEqual(got, r) {
			t.Errorf("decode(encode(%+v)) = %+v", r, got)
		}
	}
}

// FuzzDecodeEnvelope feeds damaged values, as a corrupt disk would: the
// decoder must never panic, and whatever it accepts must encode back to the
// same bytes.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, r := range envelopeSeeds() {
		f.Add(encodeEnvelope(r))
	}
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 0, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeEnvelope("person", "x", b)
		if err != nil {
			return
		}
		if again := encodeEnvelope(r); !bytes.Equal(again, b) {
			// varints have several encodings; only the canonical one round-trips
			r2, err := decodeEnvelope("person", "x", again)
			if err != nil || !reflect.DeepEqual(r2.Version, r.Version) || r2.Sequence != r.Sequence || !bytes.Equal(r2.Body, r.Body) {
				t.Fatalf("accepted %x, re-encoded to %x which decodes to %+v, %v", b, again, r2, err)
			}
		}
	})
}

// FuzzReadBackupInfo feeds arbitrary files to the backup reader.
func FuzzReadBackupInfo(f *testing.F) {
	f.Add([]byte(backupMagic + "\x00\x00\x00\x02{}"))
	f.Add([]byte(backupMagic + "\x00\x00\x00\x30{\"format\":1,\"keyring\":{\"format\":\"x\"},\"salt\":\"AA==\"}"))
	f.Add([]byte("RELAIS"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, hash, err := ReadBackupInfo(bytes.NewReader(b))
		if err == nil && (info.Keyring == nil || len(hash) != 32) {
			t.Fatalf("accepted a header without keyring or hash: %+v", info)
		}
	})
}

func FuzzParseRecoveryKey(f *testing.F) {
	code, _, _ := newRecoveryKey()
	f.Add(code)
	f.Add("abcd efgh 0000 1111 8888 2222 3333 4444")
	f.Fuzz(func(t *testing.T, s string) {
		if secret, ok := parseRecoveryKey(s); ok && len(secret) != 20 {
			t.Fatalf("parseRecoveryKey(%q) gave %d bytes", s, len(secret))
		}
	})
}

func TestVectorRules(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Unix(1000, 0) }
	var v Vector
	v = v.Update(5)
	if v.Counter(5) != 1000 {
		t.Errorf("first update = %v, want counter 1000 (unix seconds)", v)
	}
	v = v.Update(5)
	if v.Counter(5) != 1001 {
		t.Errorf("second update in the same second = %v, want 1001", v)
	}
	w := v.Update(3)
	if w[0].ID != 3 || w[1].ID != 5 {
		t.Errorf("Update keeps ids sorted: %v", w)
	}
	if v.Counter(3) != 0 {
		t.Error("Update modified its receiver")
	}
	a := Vector{{1, 5}, {2, 1}}
	b := Vector{{1, 4}, {2, 2}}
	cases := []struct {
		x, y Vector
		want Ordering
	}{
		{a, a, Equal},
		{a, Vector{{1, 4}, {2, 1}}, Greater},
		{Vector{{1, 4}}, a, Lesser},
		{a, b, ConcurrentGreater},
		{b, a, ConcurrentLesser},
		{nil, Vector{{9, 0}}, Equal},
		{a, nil, Greater},
	}
	for _, c := range cases {
		if got := c.x.Compare(c.y); got != c.want {
			t.Errorf("%v.Compare(%v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if m := a.Merge(b); m.Compare(a) != Greater || m.Compare(b) != Greater || !reflect.DeepEqual(m, Vector{{1, 5}, {2, 2}}) {
		t.Errorf("Merge = %v", a.Merge(b))
	}
	if got := (Vector{{2, 1}, {1, 0}, {2, 3}}).normalise(); !reflect.DeepEqual(got, Vector{{2, 3}}) {
		t.Errorf("normalise = %v", got)
	}
}
