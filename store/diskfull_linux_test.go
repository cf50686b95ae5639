package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"relais/store"
)

// TestRealFullDisk puts a store on a small tmpfs, fills the disk with
// another file, and checks that writes are refused with ErrDiskFull before
// Badger could fail half way, that nothing is lost, and that writing works
// again once space is freed. It needs root to mount; elsewhere it skips.
func TestRealFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=256m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })

	f, err := store.OpenFolder(filepath.Join(mnt, "relais"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, _, err := f.Initialise("admin", "correct horse", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Put("person", "before", body(t, person{Name: "avant"}), store.ScopeLocal); err != nil {
		t.Fatal(err)
	}

	// Fill the disk until less than the 100 MiB guard is left.
	ballast, err := os.Create(filepath.Join(mnt, "ballast"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		var st syscall.Statfs_t
		syscall.Statfs(mnt, &st)
		if st.Bavail*uint64(st.Bsize) < 60<<20 {
			break
		}
		if _, err := ballast.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	seq := db.LastSequence()
	if _, err := db.Put("person", "during", body(t, person{Name: "pendant"}), store.ScopeLocal); !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("Put on a full disk = %v, want ErrDiskFull", err)
	}
	if db.LastSequence() != seq {
		t.Error("a refused write moved the sequence")
	}
	if _, err := db.Get("person", "before"); err != nil {
		t.Errorf("earlier record unreadable on a full disk: %v", err)
	}

	ballast.Close()
	os.Remove(ballast.Name())
	if _, err := db.Put("person", "after", body(t, person{Name: "après"}), store.ScopeLocal); err != nil {
		t.Fatalf("Put once space is freed = %v", err)
	}
	if rep, err := db.Check(); err != nil || !rep.OK() || rep.Records != 2 {
		t.Errorf("Check = %+v, %v", rep, err)
	}
}
