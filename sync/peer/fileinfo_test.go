package peer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

func sampleRecord(body string) store.Record {
	return store.Record{Meta: store.Meta{Kind: "person", ID: "0b9c-x_1", Version: store.Vector{{ID: 3, Value: 1700000000}, {ID: 9, Value: 2}},
		Sequence: 12, Modified: time.Unix(1700000000, 123456789), ModifiedBy: 9, Scope: store.ScopeNetwork, Shared: true},
		Body: []byte(body)}
}

func TestRecordFileInfoRoundTrip(t *testing.T) {
	big := `{"x":"` + strings.Repeat("a", 300<<10) + `"}`
	for _, body := range []string{`{}`, `{"name":"Zoé"}`, big} {
		r := sampleRecord(body)
		f := recordToFileInfo(r)
		if f.Name != "person/0b9c-x_1.json" || f.Size != int64(len(body)) || f.Sequence != 12 {
			t.Fatalf("FileInfo %v", f)
		}
		if want := (len(body) + protocol.BlockSize(f.Size) - 1) / protocol.BlockSize(f.Size); len(f.Blocks) != want {
			t.Errorf("%d blocks for %d bytes, want %d", len(f.Blocks), len(body), want)
		}
		rf, err := fileInfoToRemote(f)
		if err != nil {
			t.Fatal(err)
		}
		m := rf.Meta
		if m.Kind != r.Kind || m.ID != r.ID || m.Version.Compare(r.Version) != store.Equal || !m.Modified.Equal(r.Modified) ||
			m.ModifiedBy != r.ModifiedBy || m.Deleted || rf.Size != int64(len(body)) || rf.seq != 12 {
			t.Errorf("round trip: %+v from %+v", m, r.Meta)
		}
		var got []byte
		for _, b := range rf.Blocks {
			chunk := []byte(body)[b.Offset : b.Offset+int64(b.Size)]
			if sum := sha256.Sum256(chunk); !bytes.Equal(sum[:], b.Hash) {
				t.Errorf("block at %d: wrong hash", b.Offset)
			}
			got = append(got, chunk...)
		}
		if string(got) != body {
			t.Error("blocks do not tile the body")
		}
	}
	// A tombstone has no blocks; an empty body still has one.
	tomb := sampleRecord("")
	tomb.Deleted, tomb.Body = true, nil
	if f := recordToFileInfo(tomb); len(f.Blocks) != 0 || !f.Deleted {
		t.Errorf("tombstone: %v", f)
	} else if rf, err := fileInfoToRemote(f); err != nil || !rf.Meta.Deleted {
		t.Errorf("tombstone back: %+v, %v", rf, err)
	}
	if b := blocksOf(nil); len(b) != 1 || b[0].Size != 0 {
		t.Errorf("empty body: %v", b)
	}
}

// badFileInfos are entries a partner must not get applied; they also seed
// the fuzz test.
func badFileInfos() map[string]protocol.FileInfo {
	good := func() protocol.FileInfo { return recordToFileInfo(sampleRecord(`{"a":1}`)) }
	cases := map[string]protocol.FileInfo{}
	add := func(name string, mutate func(*protocol.FileInfo)) {
		f := good()
		mutate(&f)
		cases[name] = f
	}
	add("no suffix", func(f *protocol.FileInfo) { f.Name = "person/x" })
	add("txt", func(f *protocol.FileInfo) { f.Name = "person/x.txt" })
	add("no kind", func(f *protocol.FileInfo) { f.Name = "x.json" })
	add("nested", func(f *protocol.FileInfo) { f.Name = "person/a/b.json" })
	add("upper kind", func(f *protocol.FileInfo) { f.Name = "Person/x.json" })
	add("dot id", func(f *protocol.FileInfo) { f.Name = "person/.json" })
	add("dotdot", func(f *protocol.FileInfo) { f.Name = "../person/x.json" })
	add("symlink", func(f *protocol.FileInfo) { f.Type = protocol.FileInfoTypeSymlink })
	add("oversized", func(f *protocol.FileInfo) { f.Size = store.MaxBodySize + 1 })
	add("negative size", func(f *protocol.FileInfo) { f.Size = -1 })
	add("size and blocks disagree", func(f *protocol.FileInfo) { f.Size = 3 })
	add("no blocks", func(f *protocol.FileInfo) { f.Blocks = nil })
	add("short hash", func(f *protocol.FileInfo) { f.Blocks[0].Hash = f.Blocks[0].Hash[:5] })
	add("block offset", func(f *protocol.FileInfo) { f.Blocks[0].Offset = 1 })
	add("empty version", func(f *protocol.FileInfo) { f.Version = protocol.Vector{} })
	add("zero counter", func(f *protocol.FileInfo) { f.Version.Counters[0].Value = 0 })
	add("zero id", func(f *protocol.FileInfo) { f.Version.Counters[0].ID = 0 })
	add("unsorted version", func(f *protocol.FileInfo) {
		f.Version.Counters[0], f.Version.Counters[1] = f.Version.Counters[1], f.Version.Counters[0]
	})
	add("absurd counter", func(f *protocol.FileInfo) { f.Version.Counters[0].Value = 1 << 62 })
	add("zero sequence", func(f *protocol.FileInfo) { f.Sequence = 0 })
	add("bad nanoseconds", func(f *protocol.FileInfo) { f.ModifiedNs = 2e9 })
	add("deleted with blocks", func(f *protocol.FileInfo) { f.Deleted = true })
	return cases
}

func TestFileInfoToRemoteRefuses(t *testing.T) {
	for name, f := range badFileInfos() {
		if rf, err := fileInfoToRemote(f); !errors.Is(err, errGarbage) {
			t.Errorf("%s: accepted as %+v (err %v)", name, rf.Meta, err)
		}
	}
	dir := recordToFileInfo(sampleRecord(`{}`))
	dir.Type, dir.Blocks = protocol.FileInfoTypeDirectory, nil
	if _, err := fileInfoToRemote(dir); !errors.Is(err, errSkip) {
		t.Errorf("directory: %v, want skipped", err)
	}
}

// FuzzFileInfoToRemote feeds arbitrary index entries: the decoder never
// panics, and whatever it accepts names a valid record within the limits.
func FuzzFileInfoToRemote(f *testing.F) {
	seed := func(fi protocol.FileInfo) {
		var vec []byte
		for _, c := range fi.Version.Counters {
			vec = append(vec, byte(c.ID), byte(c.Value>>32), byte(c.Value))
		}
		var hash []byte
		var bsize int32
		if len(fi.Blocks) > 0 {
			hash, bsize = fi.Blocks[0].Hash, int32(fi.Blocks[0].Size)
		}
		f.Add(fi.Name, fi.Size, fi.ModifiedS, fi.ModifiedNs, fi.Sequence, fi.Deleted, int32(fi.Type), vec, uint8(len(fi.Blocks)), bsize, hash)
	}
	seed(recordToFileInfo(sampleRecord(`{"a":1}`)))
	for _, fi := range badFileInfos() {
		seed(fi)
	}
	f.Fuzz(func(t *testing.T, name string, size, modS int64, modNs int32, seq int64, deleted bool, typ int32,
		vec []byte, nblocks uint8, bsize int32, hash []byte) {
		fi := protocol.FileInfo{Name: name, Size: size, ModifiedS: modS, ModifiedNs: modNs, Sequence: seq,
			Deleted: deleted, Type: protocol.FileInfoType(typ), ModifiedBy: 9}
		for i := 0; i+2 < len(vec); i += 3 {
			fi.Version.Counters = append(fi.Version.Counters, protocol.Counter{ID: protocol.ShortID(vec[i]), Value: uint64(vec[i+1])<<32 | uint64(vec[i+2])})
		}
		for i := range int(nblocks % 16) {
			fi.Blocks = append(fi.Blocks, protocol.BlockInfo{Offset: int64(i) * int64(bsize), Size: int(bsize), Hash: hash})
		}
		rf, err := fileInfoToRemote(fi)
		if err != nil {
			return
		}
		if e := store.ValidName(rf.Meta.Kind, rf.Meta.ID); e != nil || fileName(rf.Meta.Kind, rf.Meta.ID) != name {
			t.Fatalf("accepted name %q", name)
		}
		if len(rf.Meta.Version) == 0 || rf.seq <= 0 {
			t.Fatalf("accepted version %v, sequence %d", rf.Meta.Version, rf.seq)
		}
		if rf.Meta.Deleted {
			if len(rf.Blocks) != 0 {
				t.Fatal("tombstone with blocks")
			}
			return
		}
		if rf.Size < 0 || rf.Size > store.MaxBodySize || len(rf.Blocks) == 0 {
			t.Fatalf("accepted size %d with %d blocks", rf.Size, len(rf.Blocks))
		}
		var total int64
		for _, b := range rf.Blocks {
			if b.Offset != total || len(b.Hash) != sha256.Size {
				t.Fatalf("accepted blocks %v", rf.Blocks)
			}
			total += int64(b.Size)
		}
		if total != rf.Size {
			t.Fatalf("blocks cover %d of %d bytes", total, rf.Size)
		}
	})
}
