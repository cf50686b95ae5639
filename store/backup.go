package store

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// A backup file is:
//
//	"RELAIS-BACKUP\n"
//	uint32 length, then a JSON header: format, creation time, schema version,
//	    counts, the keyring (wrapped keys only) and a random salt
//	frames: uint32 length (top bit set on the last frame), then the frame
//	    sealed with AES-256-GCM under HKDF(master key, salt); the nonce is the
//	    frame's number and the associated data binds the header and the
//	    last-frame flag, so a frame cannot be altered, reordered or cut off.
//
// The frames carry every key and value of a consistent snapshot.
const (
	backupMagic   = "RELAIS-BACKUP\n"
	backupFormat  = 1
	frameSize     = 256 << 10
	lastFrameFlag = 1 << 31
	maxHeaderSize = 1 << 20
	maxFrameSize  = 64 << 20 // a frame holds whole entries, so may pass frameSize by one record
)

// BackupInfo describes a backup file.
type BackupInfo struct {
	Format     int       `json:"format"`
	Created    time.Time `json:"created"`
	Schema     uint64    `json:"schema"`
	Records    int       `json:"records"`
	Tombstones int       `json:"tombstones"`
	Keyring    *Keyring  `json:"keyring"`
	Salt       []byte    `json:"salt"`
}

func backupCipher(master, salt []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, master, salt, "relais backup v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func frameNonce(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 4, 12), n)
}

func frameAAD(headerHash []byte, last bool) []byte {
	aad := append([]byte(nil), headerHash...)
	if last {
		return append(aad, 1)
	}
	return append(aad, 0)
}

// Backup writes an encrypted copy of the whole store to w. k is the
// folder's keyring, stored in the file so that a password or the recovery
// key opens the backup on another computer.
func (db *DB) Backup(w io.Writer, k *Keyring, master []byte) (BackupInfo, error) {
	if k == nil || !k.holds(master) {
		return BackupInfo{}, ErrWrongPassword
	}
	info := BackupInfo{Format: backupFormat, Created: time.Now().UTC(), Keyring: k, Salt: make([]byte, 16)}
	if _, err := rand.Read(info.Salt); err != nil {
		return info, err
	}
	aead, err := backupCipher(master, info.Salt)
	if err != nil {
		return info, err
	}
	err = db.view(func(txn *badger.Txn) error {
		var err error
		if info.Schema, err = getUint64(txn, keySchema); err != nil {
			return err
		}
		// Counting first keeps the header honest; it reads the same snapshot.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixRecord, PrefetchValues: true})
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func(v []byte) error {
				if len(v) > 1 && v[1]&flagDeleted != 0 {
					info.Tombstones++
				} else {
					info.Records++
				}
				return nil
			}); err != nil {
				it.Close()
				return err
			}
		}
		it.Close()

		header, err := json.Marshal(info)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(w)
		bw.WriteString(backupMagic)
		binary.Write(bw, binary.BigEndian, uint32(len(header)))
		bw.Write(header)
		hash := sha256.Sum256(append([]byte(backupMagic), header...))
		fw := &frameWriter{w: bw, aead: aead, hash: hash[:]}

		all := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true})
		defer all.Close()
		for all.Rewind(); all.Valid(); all.Next() {
			item := all.Item()
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			fw.buf = binary.AppendUvarint(fw.buf, uint64(len(item.Key())))
			fw.buf = append(fw.buf, item.Key()...)
			fw.buf = binary.AppendUvarint(fw.buf, uint64(len(v)))
			fw.buf = append(fw.buf, v...)
			if len(fw.buf) >= frameSize {
				if err := fw.flush(false); err != nil {
					return err
				}
			}
		}
		if err := fw.flush(true); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return info, ErrWriteFailed.Because(err)
	}
	return info, nil
}

type frameWriter struct {
	w    io.Writer
	aead cipher.AEAD
	hash []byte
	n    uint64
	buf  []byte
}

func (f *frameWriter) flush(last bool) error {
	sealed := f.aead.Seal(nil, frameNonce(f.n), f.buf, frameAAD(f.hash, last))
	f.n++
	f.buf = f.buf[:0]
	length := uint32(len(sealed))
	if last {
		length |= lastFrameFlag
	}
	if err := binary.Write(f.w, binary.BigEndian, length); err != nil {
		return err
	}
	_, err := f.w.Write(sealed)
	return err
}

// ReadBackupInfo reads a backup file's header, without any key.
func ReadBackupInfo(r io.Reader) (BackupInfo, []byte, error) {
	var info BackupInfo
	magic := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != backupMagic {
		return info, nil, ErrBackupForeign
	}
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil || n > maxHeaderSize {
		return info, nil, ErrBackupDamaged
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return info, nil, ErrBackupDamaged
	}
	if err := json.Unmarshal(header, &info); err != nil || info.Keyring == nil || len(info.Salt) == 0 {
		return info, nil, ErrBackupDamaged
	}
	if info.Format > backupFormat {
		return info, nil, ErrBackupTooNew
	}
	hash := sha256.Sum256(append([]byte(backupMagic), header...))
	return info, hash[:], nil
}

// Restore replaces the folder's store with the backup read from r. unlock
// gets the backup's keyring and returns its master key (from a password or
// the recovery key). Nothing in the folder changes unless the whole backup
// decrypts, loads and passes Check; a crash during the final swap is
// finished or rolled back the next time the folder opens. The restored
// store gets a new replica id and epoch, so partners resend what it lacks.
func (f *Folder) Restore(r io.Reader, unlock func(*Keyring) ([]byte, error), opts Options) (BackupInfo, error) {
	if f.db != nil && !f.db.isClosed() {
		return BackupInfo{}, ErrAlreadyOpen
	}
	opts = opts.withDefaults()
	info, hash, err := ReadBackupInfo(r)
	if err != nil {
		return info, err
	}
	master, err := unlock(info.Keyring)
	if err != nil {
		return info, err
	}
	if !info.Keyring.holds(master) {
		return info, ErrBackupDamaged
	}
	aead, err := backupCipher(master, info.Salt)
	if err != nil {
		return info, err
	}
	tmp := filepath.Join(f.dir, restoringDir)
	if err := os.RemoveAll(tmp); err != nil {
		return info, ErrWriteFailed.Because(err)
	}
	fail := func(err error) (BackupInfo, error) {
		os.RemoveAll(tmp)
		return info, err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return fail(ErrWriteFailed.Because(err))
	}
	if err := writeKeyring(tmp, info.Keyring); err != nil {
		return fail(ErrWriteFailed.Because(err))
	}
	if err := loadFrames(tmp, master, r, aead, hash); err != nil {
		return fail(err)
	}
	db, err := openDB(tmp, master, opts)
	if err != nil {
		if errors.Is(err, ErrTooNew) {
			return fail(ErrBackupTooNew)
		}
		return fail(ErrBackupDamaged.Because(err))
	}
	rep, err := db.Check()
	if err == nil && !rep.OK() {
		err = fmt.Errorf("restored store fails its check: %v", rep.Problems)
	}
	if err == nil {
		err = db.renew()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(ErrBackupDamaged.Because(err))
	}
	if err := writeFileAtomic(filepath.Join(tmp, completeMark), nil); err != nil {
		return fail(ErrWriteFailed.Because(err))
	}
	cur, prev := f.storePath(), filepath.Join(f.dir, previousDir)
	if _, err := os.Stat(cur); err == nil {
		if err := os.Rename(cur, prev); err != nil {
			return fail(ErrWriteFailed.Because(err))
		}
	}
	if err := os.Rename(tmp, cur); err != nil {
		os.Rename(prev, cur)
		return fail(ErrWriteFailed.Because(err))
	}
	syncDir(f.dir)
	os.Remove(filepath.Join(cur, completeMark))
	os.RemoveAll(prev)
	f.keyring = info.Keyring
	return info, nil
}

func loadFrames(dir string, master []byte, r io.Reader, aead cipher.AEAD, hash []byte) error {
	bo := badgerOptions(dir, master)
	bdb, err := badger.Open(bo)
	if err != nil {
		return openError(err)
	}
	defer bdb.Close()
	wb := bdb.NewWriteBatch()
	defer wb.Cancel()
	for n := uint64(0); ; n++ {
		var length uint32
		if err := binary.Read(r, binary.BigEndian, &length); err != nil {
			return ErrBackupDamaged.Because(fmt.Errorf("frame %d: %w", n, err))
		}
		last := length&lastFrameFlag != 0
		length &^= lastFrameFlag
		if length > maxFrameSize {
			return ErrBackupDamaged.Because(fmt.Errorf("frame %d too large", n))
		}
		sealed := make([]byte, length)
		if _, err := io.ReadFull(r, sealed); err != nil {
			return ErrBackupDamaged.Because(fmt.Errorf("frame %d: %w", n, err))
		}
		plain, err := aead.Open(nil, frameNonce(n), sealed, frameAAD(hash, last))
		if err != nil {
			return ErrBackupDamaged.Because(fmt.Errorf("frame %d: %w", n, err))
		}
		for len(plain) > 0 {
			var k, v []byte
			if k, plain, err = readChunk(plain); err == nil {
				v, plain, err = readChunk(plain)
			}
			if err != nil {
				return ErrBackupDamaged.Because(fmt.Errorf("frame %d: %w", n, err))
			}
			if err := wb.Set(k, v); err != nil {
				return writeError(err)
			}
		}
		if last {
			return writeError(wb.Flush())
		}
	}
}

func readChunk(b []byte) (chunk, rest []byte, err error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, nil, errors.New("malformed entry")
	}
	return b[w : w+int(n)], b[w+int(n):], nil
}

// renew gives a restored store a new replica id and epoch.
func (db *DB) renew() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	replica, epoch := randomID(), randomID()
	err := db.bdb.Update(func(txn *badger.Txn) error {
		if err := putUint64(txn, keyReplica, replica); err != nil {
			return err
		}
		return putUint64(txn, keyEpoch, epoch)
	})
	if err != nil {
		return writeError(err)
	}
	db.replica, db.epoch = replica, epoch
	return nil
}

func (db *DB) isClosed() bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.closed
}
