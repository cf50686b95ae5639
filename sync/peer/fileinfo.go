package peer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

// A record travels as a file named "kind/id.json".
const fileSuffix = ".json"

// Bounds on what a partner may send.
const (
	// A vector has a counter per replica that edited the record and one
	// per conflict settled on it (see store.ApplyRemote): generous, it
	// only bounds memory.
	maxVectorLen   = 1 << 14
	maxCounterTime = 1 << 40 // far beyond any clock; vector values are unix seconds or counters
)

// errGarbage marks a FileInfo that no honest peer sends: the connection is dropped.
var errGarbage = errors.New("malformed index entry")

func fileName(kind, id string) string { return kind + "/" + id + fileSuffix }

// parseFileName splits "kind/id.json" and checks it names a record.
func parseFileName(name string) (kind, id string, err error) {
	base, ok := strings.CutSuffix(name, fileSuffix)
	if !ok {
		return "", "", fmt.Errorf("%w: name %q is not kind/id.json", errGarbage, name)
	}
	kind, id, ok = strings.Cut(base, "/")
	if !ok {
		return "", "", fmt.Errorf("%w: name %q is not kind/id.json", errGarbage, name)
	}
	if err := store.ValidName(kind, id); err != nil {
		return "", "", fmt.Errorf("%w: name %q: %v", errGarbage, name, err)
	}
	return kind, id, nil
}

// blocksOf cuts body into protocol.BlockSize chunks hashed with SHA-256. An
// empty body still has one (empty) block.
func blocksOf(body []byte) []protocol.BlockInfo {
	size := protocol.BlockSize(int64(len(body)))
	var out []protocol.BlockInfo
	for off := 0; off < len(body) || off == 0; off += size {
		end := min(off+size, len(body))
		h := sha256.Sum256(body[off:end])
		out = append(out, protocol.BlockInfo{Hash: h[:], Offset: int64(off), Size: end - off})
		if end == len(body) {
			break
		}
	}
	return out
}

// recordToFileInfo turns an announced record into its index entry.
func recordToFileInfo(r store.Record) protocol.FileInfo {
	f := protocol.FileInfo{
		Name:        fileName(r.Kind, r.ID),
		Type:        protocol.FileInfoTypeFile,
		ModifiedBy:  protocol.ShortID(r.ModifiedBy),
		Version:     toWire(r.Version),
		Sequence:    int64(r.Sequence),
		Deleted:     r.Deleted,
		Permissions: 0o644,
	}
	if !r.Modified.IsZero() {
		f.ModifiedS, f.ModifiedNs = r.Modified.Unix(), int32(r.Modified.Nanosecond())
	}
	if !r.Deleted {
		f.Size = int64(len(r.Body))
		f.RawBlockSize = int32(protocol.BlockSize(f.Size))
		f.Blocks = blocksOf(r.Body)
	}
	return f
}

// remoteFile is a validated index entry from a partner: the record's
// metadata (no body yet) and the blocks its body is made of.
type remoteFile struct {
	Meta   store.Meta
	Size   int64
	Blocks []protocol.BlockInfo
	Name   string // on the wire
	seq    int64  // the partner's sequence
}

// errSkip marks an entry that is valid BEP but not a record (a directory a
// stock Syncthing peer indexes, an entry it marks invalid): it is ignored.
var errSkip = errors.New("not a record")

// fileInfoToRemote validates a partner's FileInfo and turns it into record
// metadata. It never trusts anything: every field is checked.
func fileInfoToRemote(f protocol.FileInfo) (remoteFile, error) {
	if f.Type == protocol.FileInfoTypeDirectory || f.IsInvalid() {
		return remoteFile{}, errSkip
	}
	if f.Type != protocol.FileInfoTypeFile {
		return remoteFile{}, fmt.Errorf("%w: %q has type %v", errGarbage, f.Name, f.Type)
	}
	kind, id, err := parseFileName(f.Name)
	if err != nil {
		return remoteFile{}, err
	}
	if f.Sequence <= 0 {
		return remoteFile{}, fmt.Errorf("%w: %q has sequence %d", errGarbage, f.Name, f.Sequence)
	}
	if f.ModifiedNs < 0 || f.ModifiedNs >= 1e9 || f.ModifiedS < 0 || f.ModifiedS > maxCounterTime {
		return remoteFile{}, fmt.Errorf("%w: %q has a bad modification time", errGarbage, f.Name)
	}
	v, err := checkVector(f.Version)
	if err != nil {
		return remoteFile{}, fmt.Errorf("%w: %q: %v", errGarbage, f.Name, err)
	}
	rf := remoteFile{Name: f.Name, seq: f.Sequence, Meta: store.Meta{
		Kind: kind, ID: id, Version: v, ModifiedBy: uint64(f.ModifiedBy),
		Deleted: f.Deleted, Scope: store.ScopeNetwork, Shared: true,
	}}
	if f.ModifiedS != 0 || f.ModifiedNs != 0 {
		rf.Meta.Modified = time.Unix(f.ModifiedS, int64(f.ModifiedNs))
	}
	if f.Deleted {
		if len(f.Blocks) != 0 {
			return remoteFile{}, fmt.Errorf("%w: deleted %q has blocks", errGarbage, f.Name)
		}
		return rf, nil
	}
	if f.Size < 0 || f.Size > store.MaxBodySize {
		return remoteFile{}, fmt.Errorf("%w: %q has size %d (max %d)", errGarbage, f.Name, f.Size, store.MaxBodySize)
	}
	// The blocks must tile the body exactly, each hashed with SHA-256.
	bs := int64(protocol.BlockSize(f.Size))
	want := max(1, (f.Size+bs-1)/bs)
	if int64(len(f.Blocks)) != want {
		return remoteFile{}, fmt.Errorf("%w: %q has %d blocks for %d bytes", errGarbage, f.Name, len(f.Blocks), f.Size)
	}
	blocks := make([]protocol.BlockInfo, len(f.Blocks))
	for i, b := range f.Blocks {
		off := int64(i) * bs
		if b.Offset != off || int64(b.Size) != min(bs, f.Size-off) || len(b.Hash) != sha256.Size {
			return remoteFile{}, fmt.Errorf("%w: %q has a malformed block %d", errGarbage, f.Name, i)
		}
		blocks[i] = protocol.BlockInfo{Offset: b.Offset, Size: b.Size, Hash: bytes.Clone(b.Hash)}
	}
	rf.Size, rf.Blocks = f.Size, blocks
	return rf, nil
}

// checkVector checks a partner's version vector and converts it: not empty,
// sorted, no zero id or value, nothing absurd.
func checkVector(v protocol.Vector) (store.Vector, error) {
	if len(v.Counters) == 0 {
		return nil, errors.New("empty version")
	}
	if len(v.Counters) > maxVectorLen {
		return nil, fmt.Errorf("version of %d counters", len(v.Counters))
	}
	for i, c := range v.Counters {
		if c.ID == 0 || c.Value == 0 || c.Value > maxCounterTime {
			return nil, fmt.Errorf("bad counter %v", c)
		}
		if i > 0 && v.Counters[i-1].ID >= c.ID {
			return nil, errors.New("version not sorted")
		}
	}
	return fromWire(v), nil
}
