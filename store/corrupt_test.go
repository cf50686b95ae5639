package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"relais/store"
)

// TestDamagedFilesGiveAClearError flips bytes inside Badger's files and
// checks that opening or reading reports ErrDamaged (never a panic, never
// silently wrong data).
func TestDamagedFilesGiveAClearError(t *testing.T) {
	for _, target := range []string{".sst", "KEYREGISTRY"} {
		t.Run(target, func(t *testing.T) {
			f, db, _ := newStore(t)
			err := db.Update(func(tx *store.Tx) error {
				for i := 0; i < 3000; i++ {
					if _, err := tx.Put("person", fmt.Sprintf("p%04d", i), body(t, person{Name: strings.Repeat("x", 200)}), store.ScopeLocal); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			f.Close()
			damaged := 0
			filepath.Walk(filepath.Join(f.Dir(), "store"), func(path string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() || !strings.HasSuffix(path, target) || info.Size() < 64 {
					return err
				}
				b, _ := os.ReadFile(path)
				for i := len(b) / 3; i < len(b)/3+32; i++ {
					b[i] ^= 0xA5
				}
				os.WriteFile(path, b, 0o600)
				damaged++
				return nil
			})
			if damaged == 0 {
				t.Skipf("no %s file to damage", target)
			}
			f2, err := store.OpenFolder(f.Dir())
			if err != nil {
				t.Fatal(err)
			}
			defer f2.Close()
			master, _ := f2.Keyring().UnlockPassword("admin", "correct horse")
			db2, err := f2.Open(master, testOptions())
			if err != nil {
				if !errors.Is(err, store.ErrDamaged) {
					t.Errorf("Open = %v, want ErrDamaged", err)
				}
				return
			}
			defer db2.Close()
			rep, err := db2.Check()
			n, cerr := db2.Count("person")
			if err == nil && rep.OK() && cerr == nil && n == 3000 {
				t.Errorf("damage in %s went unnoticed", target)
			}
			for _, e := range []error{err, cerr} {
				if e != nil && !errors.Is(e, store.ErrDamaged) {
					t.Errorf("read error %v, want ErrDamaged", e)
				}
			}
		})
	}
}
