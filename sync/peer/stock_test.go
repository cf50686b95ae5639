package peer

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"relais/internal/stock"
	"relais/store"
)

// TestCompareWithStockSyncthing logs the figures of the issue: the initial
// sync of N records between two Relais nodes on loopback, and the same N
// records as N small files between two stock Syncthing instances on
// loopback, in the same run, and the ratio of the two times. N is 2,000,
// or 100,000 with RELAIS_SYNC_LARGE=1. Only correctness is asserted.
//
// Stock Syncthing must hash the files before it can offer them, which
// Relais never does (its index is its store): that scan is timed apart,
// and the sync is timed from the moment A's scan is over and the devices
// are introduced to each other until B has every file, idle.
//
// Both folders are caseSensitiveFS (Linux file systems are): with the
// default, Syncthing v1.30.0 re-reads the whole directory for the case
// check of each file it serves or writes, once per second and per request
// in flight, and with 100,000 files in person/ the sending instance grew
// past 23 GB of memory in a few minutes before it was stopped.
func TestCompareWithStockSyncthing(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement; builds and runs Syncthing")
	}
	if raceEnabled {
		t.Skip("measurement: figures under the race detector mean nothing")
	}
	n := 2000
	if os.Getenv("RELAIS_SYNC_LARGE") != "" {
		n = 100000
	}
	timeout := 5*time.Minute + time.Duration(n)*20*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Built (or found in the cache) before anything is timed.
	bin, err := stock.Build(ctx, "")
	if err != nil {
		t.Fatal(err)
	}

	// Relais, as TestMeasure does it.
	a, b := newMember(t, "A"), newMember(t, "B")
	putMany(t, a.st.db, "person", n)
	ms := []*member{a, b}
	start := time.Now()
	fullMesh(t, ms, direct(ms))
	waitFor(t, timeout, "the initial sync", func() bool {
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
	relais := time.Since(start)
	wire := a.bytes.total()
	t.Logf("Relais: initial sync of %d records: %.2f s (%.0f records/s), %d bytes on the wire (%.0f bytes/record)",
		n, relais.Seconds(), float64(n)/relais.Seconds(), wire, float64(wire)/float64(n))
	// The files stock Syncthing syncs: the records as Relais names them
	// on the wire, with the bodies A holds.
	files := map[string][]byte{}
	err = a.st.db.Scan("person", "", func(r store.Record) error {
		files[filepath.FromSlash(r.Name()+".json")] = r.Body
		return nil
	})
	if err != nil || len(files) != n {
		t.Fatalf("%d records read back from A (%v), want %d", len(files), err, n)
	}
	a.stop()
	b.stop()

	// Stock Syncthing.
	sa, sb := startStock(t, bin, "A"), startStock(t, bin, "B")
	version, err := sa.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dirA, dirB := filepath.Join(t.TempDir(), "A"), filepath.Join(t.TempDir(), "B")
	if err := os.MkdirAll(filepath.Join(dirA, "person"), 0o755); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dirA, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write := time.Since(start)

	const poll = 50 * time.Millisecond
	settings := map[string]any{"caseSensitiveFS": true}
	start = time.Now()
	if err := sa.AddFolder(ctx, stock.Folder{ID: testFolder, Path: dirA, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	if _, err := sa.WaitFolder(ctx, testFolder, poll, func(s stock.FolderStatus) bool {
		return s.State == "idle" && s.LocalFiles == n && s.GlobalFiles == n
	}); err != nil {
		t.Fatalf("A's scan: %v\n%s", err, sa.LogTail(4096))
	}
	scan := time.Since(start)

	start = time.Now()
	for _, step := range []func() error{
		func() error { return sa.AddDevice(ctx, sb.ID(), sb.Address) },
		func() error { return sb.AddDevice(ctx, sa.ID(), sa.Address) },
		func() error {
			return sb.AddFolder(ctx, stock.Folder{ID: testFolder, Path: dirB, Devices: stock.Share(sa.ID()), Settings: settings})
		},
		func() error { return sa.ShareFolder(ctx, testFolder, stock.Share(sb.ID())...) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, timeout, "the stock instances to connect", func() bool {
		ok, err := sb.Connected(ctx, sa.ID())
		return err == nil && ok
	})
	connect := time.Since(start)
	st, err := sb.WaitFolder(ctx, testFolder, poll, func(s stock.FolderStatus) bool {
		return s.State == "idle" && s.GlobalFiles == n && s.LocalFiles == n && s.NeedFiles == 0
	})
	if err != nil {
		t.Fatalf("B's sync: %v\n%s", err, sb.LogTail(4096))
	}
	synced := time.Since(start)
	traffic, err := sa.Traffic(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stockWire := traffic.InBytes + traffic.OutBytes
	_, peakA, _ := sa.Memory()
	_, peakB, _ := sb.Memory()

	// Every file arrived, with A's bytes, and nothing else.
	got := 0
	err = filepath.WalkDir(dirB, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dirB, path)
		if filepath.Dir(rel) == ".stfolder" {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if want, ok := files[rel]; !ok || !bytes.Equal(body, want) {
			t.Errorf("B's %s = %q, want %q", rel, body, want)
		}
		got++
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("B has %d files (%v), want %d; status %+v", got, err, n, st)
	}

	total := scan + synced
	t.Logf("stock Syncthing %s: %d files written in %.2f s; A's scan %.2f s; after it, connected in %.2f s, synced in %.2f s (%.0f files/s); scan+sync %.2f s; %d bytes of BEP on the wire (above TLS, %.0f bytes/file); peak memory A %d MiB, B %d MiB",
		version, n, write.Seconds(), scan.Seconds(), connect.Seconds(), synced.Seconds(), float64(n)/synced.Seconds(), total.Seconds(), stockWire, float64(stockWire)/float64(n), peakA>>20, peakB>>20)
	t.Logf("N=%d: Relais %.2f s, stock %.2f s (scan+sync %.2f s); ratio stock/Relais %.1f (scan+sync %.1f)",
		n, relais.Seconds(), synced.Seconds(), total.Seconds(), synced.Seconds()/relais.Seconds(), total.Seconds()/relais.Seconds())
}

func startStock(t *testing.T, bin, name string) *stock.Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in, err := stock.Start(ctx, bin, filepath.Join(t.TempDir(), name), stock.Options{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := in.Stop(); err != nil {
			t.Error(err)
		}
	})
	return in
}
