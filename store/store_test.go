package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/store"
)

type person struct {
	Name string   `json:"name"`
	Tags []string `json:"tags,omitempty"`
}

func personIndexes() []store.Index {
	return []store.Index{
		store.IndexOn("person", "name", 1, func(p person) []string { return []string{strings.ToLower(p.Name)} }),
		store.IndexOn("person", "tags", 1, func(p person) []string { return p.Tags }),
	}
}

func testOptions() store.Options {
	o := store.TestOptions()
	o.Indexes = personIndexes()
	return o
}

// newStore sets up a folder in a temp dir and returns it open.
func newStore(t testing.TB) (*store.Folder, *store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, code, err := f.Initialise("Admin", "correct horse", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); f.Close() })
	return f, db, code
}

func reopen(t testing.TB, f *store.Folder, db *store.DB) (*store.Folder, *store.DB) {
	t.Helper()
	dir := f.Dir()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	master, err := f.Keyring().UnlockPassword("admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	db, err = f.Open(master, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); f.Close() })
	return f, db
}

func body(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPutGetDeleteAndFeed(t *testing.T) {
	_, db, _ := newStore(t)
	m1, err := db.Put("person", "a", body(t, person{Name: "Hélène"}), store.ScopeNetwork)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := db.Put("person", "a", body(t, person{Name: "Hélène Dupont"}), store.ScopeNetwork)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Version.Compare(m1.Version) != store.Greater {
		t.Errorf("second version %v does not dominate first %v", m2.Version, m1.Version)
	}
	if m2.Sequence <= m1.Sequence || m2.ModifiedBy != db.Replica() {
		t.Errorf("meta = %+v after %+v", m2, m1)
	}
	r, err := db.Get("person", "a")
	if err != nil || !strings.Contains(string(r.Body), "Dupont") || r.Scope != store.ScopeNetwork {
		t.Fatalf("Get = %+v, %v", r, err)
	}
	if _, err := db.Delete("person", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get("person", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after delete: %v, want ErrNotFound", err)
	}
	tomb, err := db.GetAny("person", "a")
	if err != nil || !tomb.Deleted || tomb.Body != nil || tomb.Scope != store.ScopeNetwork {
		t.Errorf("tombstone = %+v, %v", tomb, err)
	}
	if _, err := db.Delete("person", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	var names []string
	db.Changes(0, func(r store.Record) error {
		names = append(names, fmt.Sprintf("%s %v", r.Name(), r.Deleted))
		return nil
	})
	if len(names) != 1 || names[0] != "person/a true" {
		t.Errorf("feed = %v, want only the tombstone", names)
	}
	if ids, _ := db.Find("person", "name", "hélène dupont"); len(ids) != 0 {
		t.Errorf("index still finds deleted record: %v", ids)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	_, db, _ := newStore(t)
	before := db.LastSequence()
	cases := []struct {
		name     string
		kind, id string
		body     string
		want     error
	}{
		{"not json", "person", "a", "{nope", store.ErrInvalidBody},
		{"empty kind", "", "a", "{}", store.ErrBadName},
		{"slash in id", "person", "a/b", "{}", store.ErrBadName},
		{"upper kind", "Person", "a", "{}", store.ErrBadName},
		{"long id", "person", strings.Repeat("x", 65), "{}", store.ErrBadName},
		{"body the index cannot read", "person", "b", `{"name": 3}`, store.ErrInvalidBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := db.Put(c.kind, c.id, []byte(c.body), store.ScopeLocal); !errors.Is(err, c.want) {
				t.Errorf("Put(%q, %q, %q) = %v, want %v", c.kind, c.id, c.body, err, c.want)
			}
		})
	}
	if db.LastSequence() != before {
		t.Errorf("sequence moved from %d to %d", before, db.LastSequence())
	}
}

func TestUpdateIsAtomic(t *testing.T) {
	_, db, _ := newStore(t)
	boom := errors.New("boom")
	err := db.Update(func(tx *store.Tx) error {
		if _, err := tx.Put("person", "a", body(t, person{Name: "A"}), store.ScopeLocal); err != nil {
			return err
		}
		if r, err := tx.Get("person", "a"); err != nil || r.Deleted {
			t.Errorf("transaction does not see its own write: %v", err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if _, err := db.Get("person", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("aborted write is visible: %v", err)
	}
	if db.LastSequence() != 0 {
		t.Errorf("aborted write moved the sequence to %d", db.LastSequence())
	}
}

func TestTxFindSeesOwnWrites(t *testing.T) {
	_, db, _ := newStore(t)
	db.Put("person", "1", body(t, person{Name: "Ana", Tags: []string{"caf"}}), store.ScopeLocal)
	err := db.Update(func(tx *store.Tx) error {
		tx.Put("person", "2", body(t, person{Name: "Bo", Tags: []string{"caf"}}), store.ScopeLocal)
		tx.Delete("person", "1")
		ids, err := tx.Find("person", "tags", "caf")
		if fmt.Sprint(ids) != "[2]" {
			t.Errorf("tx.Find = %v, %v; want [2]", ids, err)
		}
		var got []string
		tx.FindRange("person", "name", "a", "z", func(v, id string) error { got = append(got, v); return nil })
		if fmt.Sprint(got) != "[bo]" {
			t.Errorf("tx.FindRange = %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIndexesFollowWrites(t *testing.T) {
	f, db, _ := newStore(t)
	put := func(id, name string, tags ...string) {
		if _, err := db.Put("person", id, body(t, person{Name: name, Tags: tags}), store.ScopeLocal); err != nil {
			t.Fatal(err)
		}
	}
	put("1", "Martin", "caf", "impots")
	put("2", "Martine", "caf")
	put("3", "Bernard")
	put("1", "Dupont", "ameli")
	ids, _ := db.Find("person", "tags", "caf")
	if fmt.Sprint(ids) != "[2]" {
		t.Errorf("Find(tags=caf) = %v, want [2]", ids)
	}
	var got []string
	db.FindPrefix("person", "name", "mar", func(v, id string) error { got = append(got, v+"="+id); return nil })
	if fmt.Sprint(got) != "[martine=2]" {
		t.Errorf("FindPrefix(mar) = %v", got)
	}
	got = nil
	db.FindRange("person", "name", "b", "e", func(v, id string) error { got = append(got, v+"="+id); return nil })
	if fmt.Sprint(got) != "[bernard=3 dupont=1]" {
		t.Errorf("FindRange(b, e) = %v", got)
	}
	_, db = reopen(t, f, db)
	if rep, err := db.Check(); err != nil || !rep.OK() || rep.Records != 3 || rep.IndexEntries != 5 {
		t.Errorf("Check = %+v, %v", rep, err)
	}
}

func TestNewIndexIsBuiltAndChangedIndexRebuilt(t *testing.T) {
	f, db, _ := newStore(t)
	db.Put("person", "1", body(t, person{Name: "Ana"}), store.ScopeLocal)
	db.Put("person", "2", body(t, person{Name: "Bo"}), store.ScopeLocal)
	dir := f.Dir()
	db.Close()
	f.Close()
	f, _ = store.OpenFolder(dir)
	defer f.Close()
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	opts := testOptions()
	opts.Indexes = append(opts.Indexes[:1:1], store.IndexOn("person", "initial", 1, func(p person) []string { return []string{p.Name[:1]} }))
	db, err := f.Open(master, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ids, _ := db.Find("person", "initial", "B"); fmt.Sprint(ids) != "[2]" {
		t.Errorf("new index Find(B) = %v", ids)
	}
	if rep, _ := db.Check(); !rep.OK() {
		t.Errorf("Check after index change: %v", rep.Problems)
	}
}

func TestMigrationsRunOnceAndTooNewIsRefused(t *testing.T) {
	f, db, _ := newStore(t)
	db.Put("person", "1", body(t, person{Name: "ana"}), store.ScopeLocal)
	dir := f.Dir()
	db.Close()
	f.Close()
	runs := 0
	opts := testOptions()
	opts.Migrations = []store.Migration{{Name: "capitalise", Fn: func(tx *store.Tx) error {
		runs++
		_, err := tx.Put("person", "1", []byte(`{"name":"Ana"}`), store.ScopeLocal)
		return err
	}}}
	for i := 0; i < 2; i++ {
		f, _ = store.OpenFolder(dir)
		master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
		db, err := f.Open(master, opts)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := db.SchemaVersion(); v != 1 {
			t.Errorf("schema version = %d, want 1", v)
		}
		db.Close()
		f.Close()
	}
	if runs != 1 {
		t.Errorf("migration ran %d times, want 1", runs)
	}
	f, _ = store.OpenFolder(dir)
	defer f.Close()
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	if _, err := f.Open(master, testOptions()); !errors.Is(err, store.ErrTooNew) {
		t.Errorf("opening a newer store with an older program: %v, want ErrTooNew", err)
	}
}

func TestFolderStates(t *testing.T) {
	t.Run("second process is refused", func(t *testing.T) {
		f, _, _ := newStore(t)
		if _, err := store.OpenFolder(f.Dir()); !errors.Is(err, store.ErrAlreadyOpen) {
			t.Errorf("second OpenFolder = %v, want ErrAlreadyOpen", err)
		}
	})
	t.Run("foreign folder", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "photos.jpg"), []byte("x"), 0o600)
		if _, err := store.OpenFolder(dir); !errors.Is(err, store.ErrForeignFolder) {
			t.Errorf("OpenFolder(foreign) = %v, want ErrForeignFolder", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("foreign folder was changed: %d entries", len(entries))
		}
	})
	t.Run("damaged keyring", func(t *testing.T) {
		f, db, _ := newStore(t)
		db.Close()
		f.Close()
		os.WriteFile(filepath.Join(f.Dir(), "store", "keys.json"), []byte("{garbage"), 0o600)
		if _, err := store.OpenFolder(f.Dir()); !errors.Is(err, store.ErrDamaged) {
			t.Errorf("OpenFolder(damaged) = %v, want ErrDamaged", err)
		}
	})
	t.Run("keyring of another folder", func(t *testing.T) {
		f1, db1, _ := newStore(t)
		f2, db2, _ := newStore(t)
		db1.Close()
		f1.Close()
		db2.Close()
		f2.Close()
		k, _ := os.ReadFile(filepath.Join(f2.Dir(), "store", "keys.json"))
		os.WriteFile(filepath.Join(f1.Dir(), "store", "keys.json"), k, 0o600)
		f, err := store.OpenFolder(f1.Dir())
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		master, err := f.Keyring().UnlockPassword("admin", "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Open(master, testOptions()); !errors.Is(err, store.ErrDamaged) {
			t.Errorf("Open with another folder's key = %v, want ErrDamaged", err)
		}
	})
	t.Run("set up twice", func(t *testing.T) {
		f, _, _ := newStore(t)
		if _, _, err := f.Initialise("x", "password123", testOptions()); !errors.Is(err, store.ErrAlreadySetUp) {
			t.Errorf("second Initialise = %v", err)
		}
	})
}

func TestPasswordsAndRecoveryKey(t *testing.T) {
	f, db, code := newStore(t)
	k := f.Keyring()
	for _, c := range []struct{ login, pw string }{{"admin", "wrong one"}, {"nobody", "correct horse"}, {"admin", ""}} {
		if _, err := k.UnlockPassword(c.login, c.pw); !errors.Is(err, store.ErrWrongPassword) {
			t.Errorf("UnlockPassword(%q, %q) = %v, want ErrWrongPassword", c.login, c.pw, err)
		}
	}
	master, err := k.UnlockPassword("  ADMIN ", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if m2, err := k.UnlockRecovery(typed); err != nil || !bytes.Equal(m2, master) {
		t.Errorf("UnlockRecovery(%q) = %v", typed, err)
	}
	if _, err := k.UnlockRecovery("AAAA-BBBB"); !errors.Is(err, store.ErrWrongRecovery) {
		t.Errorf("UnlockRecovery(short) = %v", err)
	}
	if err := f.SetPassword(master, "sam", "short", store.TestOptions()); !errors.Is(err, store.ErrWeakPassword) {
		t.Errorf("weak password accepted: %v", err)
	}
	if err := f.SetPassword(make([]byte, 32), "sam", "long enough", store.TestOptions()); err == nil {
		t.Error("SetPassword accepted a wrong master key")
	}
	if err := f.SetPassword(master, "sam", "long enough", store.TestOptions()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.Close()
	f2, err := store.OpenFolder(f.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if _, err := f2.Keyring().UnlockPassword("sam", "long enough"); err != nil {
		t.Errorf("new password not saved: %v", err)
	}
}

// TestNothingInClearOnDisk writes records with recognisable text and checks
// that no file of the data folder contains it, before and after Badger
// flushes its memtable to tables.
func TestNothingInClearOnDisk(t *testing.T) {
	f, db, code := newStore(t)
	secret := "Zéphyrine-Quincampoix-0612345678"
	for i := 0; i < 2000; i++ {
		db.Put("person", fmt.Sprintf("p%04d", i), body(t, person{Name: fmt.Sprintf("%s-%d", secret, i)}), store.ScopeLocal)
	}
	var backup bytes.Buffer
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	if _, err := db.Backup(&backup, f.Keyring(), master); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		needles := [][]byte{[]byte(secret), []byte("zéphyrine"), []byte(strings.ReplaceAll(code, "-", "")), master}
		filepath.WalkDir(f.Dir(), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range needles {
				if bytes.Contains(bytes.ToLower(b), bytes.ToLower(n)) {
					t.Errorf("%s: %s holds %q in clear", when, path, n)
				}
			}
			return nil
		})
		for _, n := range needles {
			if bytes.Contains(backup.Bytes(), n) {
				t.Errorf("backup holds %q in clear", n)
			}
		}
	}
	check("while open")
	db.Close()
	check("after close")
}

func TestBackupAndRestore(t *testing.T) {
	f, db, code := newStore(t)
	for i := 0; i < 300; i++ {
		db.Put("person", fmt.Sprintf("p%03d", i), body(t, person{Name: fmt.Sprintf("n%d", i), Tags: []string{"caf"}}), store.ScopeNetwork)
	}
	db.Delete("person", "p007")
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	var backup bytes.Buffer
	info, err := db.Backup(&backup, f.Keyring(), master)
	if err != nil || info.Records != 299 || info.Tombstones != 1 {
		t.Fatalf("Backup = %+v, %v", info, err)
	}
	oldReplica, oldEpoch := db.Replica(), db.Epoch()
	db.Put("person", "after", body(t, person{Name: "written after the backup"}), store.ScopeLocal)
	db.Close()

	// On a new computer: an empty folder, opened with the recovery key.
	dir2 := t.TempDir()
	f2, err := store.OpenFolder(dir2)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if _, err := f2.Restore(bytes.NewReader(backup.Bytes()), func(k *store.Keyring) ([]byte, error) { return k.UnlockRecovery(code) }, testOptions()); err != nil {
		t.Fatal(err)
	}
	m2, err := f2.Keyring().UnlockPassword("admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	db2, err := f2.Open(m2, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	n, _ := db2.Count("person")
	if n != 299 {
		t.Errorf("restored %d people, want 299", n)
	}
	if ids, _ := db2.Find("person", "tags", "caf"); len(ids) != 299 {
		t.Errorf("restored index finds %d", len(ids))
	}
	if _, err := db2.Get("person", "after"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("record written after the backup: %v", err)
	}
	if db2.Replica() == oldReplica || db2.Epoch() == oldEpoch {
		t.Error("restored store kept the replica id or epoch of the original")
	}
	if rep, _ := db2.Check(); !rep.OK() {
		t.Errorf("Check after restore: %v", rep.Problems)
	}
	if _, err := db2.Put("person", "new", body(t, person{Name: "x"}), store.ScopeLocal); err != nil {
		t.Errorf("write after restore: %v", err)
	}
}

func TestRestoreRefusesBadBackupsAndChangesNothing(t *testing.T) {
	f, db, _ := newStore(t)
	for i := 0; i < 50; i++ {
		db.Put("person", fmt.Sprintf("p%03d", i), body(t, person{Name: "n"}), store.ScopeLocal)
	}
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	var good bytes.Buffer
	if _, err := db.Backup(&good, f.Keyring(), master); err != nil {
		t.Fatal(err)
	}
	// The target: another folder with its own data that must survive every failed restore.
	tf, tdb, _ := newStore(t)
	tdb.Put("person", "keep", body(t, person{Name: "keep me"}), store.ScopeLocal)
	tdb.Close()
	byPassword := func(pw string) func(*store.Keyring) ([]byte, error) {
		return func(k *store.Keyring) ([]byte, error) { return k.UnlockPassword("admin", pw) }
	}
	flip := func(at int) []byte {
		b := bytes.Clone(good.Bytes())
		b[at] ^= 0x40
		return b
	}
	cases := []struct {
		name   string
		data   []byte
		unlock func(*store.Keyring) ([]byte, error)
		want   error
	}{
		{"wrong password", good.Bytes(), byPassword("not the one"), store.ErrWrongPassword},
		{"not a backup", []byte("PK\x03\x04 a zip file"), byPassword("correct horse"), store.ErrBackupForeign},
		{"empty file", nil, byPassword("correct horse"), store.ErrBackupForeign},
		{"cut in the middle", good.Bytes()[:good.Len()/2], byPassword("correct horse"), store.ErrBackupDamaged},
		{"last frame missing", good.Bytes()[:good.Len()-20], byPassword("correct horse"), store.ErrBackupDamaged},
		{"flipped byte in data", flip(good.Len() - 100), byPassword("correct horse"), store.ErrBackupDamaged},
		{"flipped byte in header", flip(30), byPassword("correct horse"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tf.Restore(bytes.NewReader(c.data), c.unlock, testOptions())
			if err == nil {
				t.Fatalf("Restore accepted a bad backup")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("Restore = %v, want %v", err, c.want)
			}
			master, err := tf.Keyring().UnlockPassword("admin", "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			db, err := tf.Open(master, testOptions())
			if err != nil {
				t.Fatalf("target folder no longer opens: %v", err)
			}
			defer db.Close()
			if _, err := db.Get("person", "keep"); err != nil {
				t.Errorf("target data lost: %v", err)
			}
			if n, _ := db.Count("person"); n != 1 {
				t.Errorf("target holds %d people, want 1", n)
			}
		})
	}
}

func TestDiskFullRefusesWrites(t *testing.T) {
	f, db, _ := newStore(t)
	db.Put("person", "a", body(t, person{Name: "before"}), store.ScopeLocal)
	dir := f.Dir()
	db.Close()
	f.Close()
	free := uint64(1 << 30)
	opts := testOptions()
	opts.FreeBytes = func(string) (uint64, error) { return free, nil }
	f, _ = store.OpenFolder(dir)
	defer f.Close()
	master, _ := f.Keyring().UnlockPassword("admin", "correct horse")
	db, err := f.Open(master, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	free = 10 << 20
	seq := db.LastSequence()
	if _, err := db.Put("person", "b", body(t, person{Name: "after"}), store.ScopeLocal); !errors.Is(err, store.ErrDiskFull) {
		t.Errorf("Put on a full disk = %v, want ErrDiskFull", err)
	}
	if db.LastSequence() != seq {
		t.Error("a refused write moved the sequence")
	}
	if _, err := db.Get("person", "a"); err != nil {
		t.Errorf("reads fail on a full disk: %v", err)
	}
	free = 1 << 30
	if _, err := db.Put("person", "b", body(t, person{Name: "after"}), store.ScopeLocal); err != nil {
		t.Errorf("Put once space is back = %v", err)
	}
}

func TestCollection(t *testing.T) {
	_, db, _ := newStore(t)
	people := store.NewCollection[person](db, "person")
	id := store.NewID()
	if _, err := people.Put(id, person{Name: "Awa", Tags: []string{"caf"}}, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	got, _, err := people.Get(id)
	if err != nil || got.Name != "Awa" {
		t.Errorf("Get = %+v, %v", got, err)
	}
	if gotID, p, err := people.FindOne("tags", "caf"); err != nil || gotID != id || p.Name != "Awa" {
		t.Errorf("FindOne = %q %+v %v", gotID, p, err)
	}
	if _, _, err := people.FindOne("tags", "none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FindOne(none) = %v", err)
	}
	if err := people.Delete(id); err != nil {
		t.Fatal(err)
	}
	n := 0
	people.All(func(string, person) error { n++; return nil })
	if n != 0 {
		t.Errorf("All after delete sees %d", n)
	}
}

func TestClosedStore(t *testing.T) {
	_, db, _ := newStore(t)
	db.Close()
	if _, err := db.Put("person", "a", []byte(`{}`), store.ScopeLocal); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
	if _, err := db.Get("person", "a"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}
}

// A search on an index the store was not opened with is a mistake that
// would find nothing, silently: it is an error.
func TestFindOnUndeclaredIndex(t *testing.T) {
	_, db, _ := newStore(t)
	if _, err := db.Put("person", "p1", []byte(`{"name":"Awa"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	none := func(_, _ string) error { return nil }
	if _, err := db.Find("person", "nowhere", "Awa"); !errors.Is(err, store.ErrUnknownIndex) {
		t.Errorf("Find = %v, want ErrUnknownIndex", err)
	}
	if err := db.FindPrefix("person", "nowhere", "A", none); !errors.Is(err, store.ErrUnknownIndex) {
		t.Errorf("FindPrefix = %v, want ErrUnknownIndex", err)
	}
	if err := db.FindRange("person", "nowhere", "A", "B", none); !errors.Is(err, store.ErrUnknownIndex) {
		t.Errorf("FindRange = %v, want ErrUnknownIndex", err)
	}
	err := db.Update(func(tx *store.Tx) error {
		_, err := tx.Find("person", "nowhere", "Awa")
		return err
	})
	if !errors.Is(err, store.ErrUnknownIndex) {
		t.Errorf("Tx.Find = %v, want ErrUnknownIndex", err)
	}
}

// Follow hands over every change after since, then each later write, and
// ends when its context ends or the store closes.
func TestFollowSeesLaterWrites(t *testing.T) {
	_, db, _ := newStore(t)
	if _, err := db.Put("person", "before", []byte(`{"name":"A"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	since := db.LastSequence()
	seen := make(chan string, 10)
	ends := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- db.Follow(ctx, since, func(r store.Record) error { seen <- r.ID; return nil },
			func() error { ends <- struct{}{}; return nil })
	}()
	<-ends // the changes so far: none after since
	if _, err := db.Put("person", "after", []byte(`{"name":"B"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-seen:
		if id != "after" {
			t.Errorf("Follow handed %q, want only the write after since", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a later write was not handed over")
	}
	cancel()
	if _, err := db.Put("person", "wake", []byte(`{"name":"C"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Follow = %v after its context ended", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Follow did not end with its context")
	}
}

// SetScopeOf moves the live records an index finds to a scope, and leaves
// tombstones and the others alone.
func TestSetScopeOf(t *testing.T) {
	_, db, _ := newStore(t)
	for id, tags := range map[string]string{"a": "awa", "b": "awa", "c": "jean", "d": "awa"} {
		if _, err := db.Put("person", id, []byte(`{"name":"`+id+`","tags":["`+tags+`"]}`), store.ScopeNetwork); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Delete("person", "d"); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error { return tx.SetScopeOf("person", "tags", "awa", store.ScopeLocal) }); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]store.Scope{"a": store.ScopeLocal, "b": store.ScopeLocal, "c": store.ScopeNetwork} {
		r, err := db.Get("person", id)
		if err != nil || r.Scope != want {
			t.Errorf("%s: scope %v, %v; want %v", id, r.Scope, err, want)
		}
	}
	if r, err := db.GetAny("person", "d"); err != nil || !r.Deleted {
		t.Errorf("the tombstone came back: %+v, %v", r, err)
	}
	if err := db.Update(func(tx *store.Tx) error { return tx.SetScopeOf("person", "nowhere", "awa", store.ScopeLocal) }); !errors.Is(err, store.ErrUnknownIndex) {
		t.Errorf("SetScopeOf on an undeclared index = %v", err)
	}
}
