package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"
)

// Layout of a data folder:
//
//	DIR/relais.lock         held while a Relais process uses the folder
//	DIR/store/keys.json     the keyring (wrapped master key, no secret in clear)
//	DIR/store/*             Badger's files, encrypted with the master key
//	DIR/signin-attempts.json wrong passwords in a row, by login (staff)
//
// Keeping the keyring beside Badger's files lets a restore replace both with
// one rename.
const (
	lockName     = "relais.lock"
	storeDir     = "store"
	restoringDir = "store.restoring"
	previousDir  = "store.previous"
	completeMark = "RESTORE-COMPLETE"
	attemptsName = "signin-attempts.json"
)

// Folder is a Relais data folder, locked for this process until Close.
type Folder struct {
	dir     string
	lock    *os.File
	keyring *Keyring
	db      *DB // the last store opened, so Restore can refuse while it is open
}

// OpenFolder locks dir (creating it if needed) and reads its keyring.
// It returns ErrAlreadyOpen when another Relais process uses the folder,
// ErrForeignFolder when dir holds files that are not Relais's, and
// ErrDamaged when the keyring is unreadable.
func OpenFolder(dir string) (*Folder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, ErrWriteFailed.Because(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, ErrNotAFolder.Because(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case lockName, storeDir, restoringDir, previousDir, attemptsName, attemptsName + ".tmp":
		default:
			return nil, ErrForeignFolder.With("dir", dir)
		}
	}
	lf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, ErrWriteFailed.Because(err)
	}
	if err := lockFile(lf); err != nil {
		lf.Close()
		if errors.Is(err, ErrAlreadyOpen) {
			return nil, err
		}
		return nil, ErrWriteFailed.Because(err)
	}
	f := &Folder{dir: dir, lock: lf}
	if err := f.finishRestore(); err != nil {
		f.Close()
		return nil, err
	}
	k, err := readKeyring(f.storePath())
	switch {
	case err == nil:
		f.keyring = k
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(f.storePath()); serr == nil {
			f.Close()
			return nil, ErrDamaged.Because(fmt.Errorf("%s has data but no keyring", dir))
		}
	default:
		f.Close()
		return nil, err
	}
	return f, nil
}

// finishRestore completes or rolls back a restore that a crash interrupted.
func (f *Folder) finishRestore() error {
	cur, prev, next := f.storePath(), filepath.Join(f.dir, previousDir), filepath.Join(f.dir, restoringDir)
	if _, err := os.Stat(cur); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(next, completeMark)); err == nil {
			return os.Rename(next, cur)
		}
		if _, err := os.Stat(prev); err == nil {
			return os.Rename(prev, cur)
		}
	}
	_ = os.RemoveAll(next)
	_ = os.RemoveAll(prev)
	return nil
}

func (f *Folder) storePath() string { return filepath.Join(f.dir, storeDir) }

// SignInAttemptsPath is where staff keeps the count of wrong passwords:
// logins and numbers only, outside the store, which is locked until a
// password is right.
func (f *Folder) SignInAttemptsPath() string { return filepath.Join(f.dir, attemptsName) }

// Dir returns the folder's path.
func (f *Folder) Dir() string { return f.dir }

// IsNew reports whether the folder has not been set up yet.
func (f *Folder) IsNew() bool { return f.keyring == nil }

// Keyring returns the folder's keyring, nil for a new folder.
func (f *Folder) Keyring() *Keyring { return f.keyring }

// Initialise sets up a new folder: a random master key wrapped for the first
// login and for a recovery key, and an empty encrypted store. It returns the
// open store and the recovery key, which is never stored in clear.
func (f *Folder) Initialise(login, password string, opts Options) (*DB, string, error) {
	if !f.IsNew() {
		return nil, "", ErrAlreadySetUp
	}
	if err := CheckPassword(password); err != nil {
		return nil, "", err
	}
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, "", err
	}
	k := &Keyring{Format: keyringFormat, Folder: uuid.NewString()}
	k.KeyCheck = keyCheck(master, k.Folder)
	opts = opts.withDefaults()
	if err := k.setPassword(master, login, password, opts.KDF); err != nil {
		return nil, "", err
	}
	code, secret, err := newRecoveryKey()
	if err != nil {
		return nil, "", err
	}
	rs, err := wrapKey(k.Folder, slotRecovery, "", secret, master, opts.KDF)
	if err != nil {
		return nil, "", err
	}
	k.Slots = append(k.Slots, rs)
	if err := os.MkdirAll(f.storePath(), 0o700); err != nil {
		return nil, "", ErrWriteFailed.Because(err)
	}
	if err := writeKeyring(f.storePath(), k); err != nil {
		os.RemoveAll(f.storePath())
		return nil, "", ErrWriteFailed.Because(err)
	}
	db, err := openDB(f.storePath(), master, opts)
	if err != nil {
		os.RemoveAll(f.storePath())
		return nil, "", err
	}
	f.keyring, f.db = k, db
	return db, code, nil
}

// Open opens the folder's store with the master key from an Unlock call.
func (f *Folder) Open(master []byte, opts Options) (*DB, error) {
	if f.IsNew() {
		return nil, ErrNotAFolder.With("dir", f.dir)
	}
	db, err := openDB(f.storePath(), master, opts.withDefaults())
	if err == nil {
		f.db = db
	}
	return db, err
}

// SetPassword adds login's keyslot or replaces its password. The caller
// proves it holds the master key by passing it.
func (f *Folder) SetPassword(master []byte, login, password string, opts Options) error {
	if f.IsNew() {
		return ErrNotAFolder.With("dir", f.dir)
	}
	if !f.keyring.holds(master) {
		return ErrWrongPassword
	}
	k := *f.keyring
	k.Slots = append([]Slot(nil), f.keyring.Slots...)
	if err := k.setPassword(master, login, password, opts.withDefaults().KDF); err != nil {
		return err
	}
	if err := writeKeyring(f.storePath(), &k); err != nil {
		return ErrWriteFailed.Because(err)
	}
	f.keyring = &k
	return nil
}

// SetPasswordUndoably is SetPassword, and also returns how to put the
// keyring back as it was: for a caller whose next step fails, so that its
// error still means nothing changed.
func (f *Folder) SetPasswordUndoably(master []byte, login, password string, opts Options) (undo func() error, err error) {
	old := f.keyring
	if err := f.SetPassword(master, login, password, opts); err != nil {
		return nil, err
	}
	return func() error {
		if err := writeKeyring(f.storePath(), old); err != nil {
			return ErrWriteFailed.Because(err)
		}
		f.keyring = old
		return nil
	}, nil
}

// RemovePassword removes login's keyslot.
func (f *Folder) RemovePassword(login string) error {
	if f.IsNew() {
		return ErrNotAFolder.With("dir", f.dir)
	}
	k := *f.keyring
	k.Slots = append([]Slot(nil), f.keyring.Slots...)
	k.removeLogin(NormaliseLogin(login))
	if err := writeKeyring(f.storePath(), &k); err != nil {
		return ErrWriteFailed.Because(err)
	}
	f.keyring = &k
	return nil
}

// Close releases the folder's lock. Close the store first.
func (f *Folder) Close() error {
	if f.lock == nil {
		return nil
	}
	err := f.lock.Close()
	f.lock = nil
	return err
}
