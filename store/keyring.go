package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// KDF holds the Argon2id parameters that turn a password into a key.
type KDF struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
}

// DefaultKDF costs about half a second and 64 MiB on an old two-core PC:
// slow enough to make guessing expensive, fast enough for a front desk.
var DefaultKDF = KDF{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

// MinPasswordLength is the shortest password a keyslot accepts.
const MinPasswordLength = 8

const keyringFile = "keys.json"
const keyringFormat = "relais-keyring/1"

// Keyring is the list of keyslots of a data folder: the master key wrapped
// once for each staff password and once for the recovery key. It holds
// nothing secret in clear: a wrapped key is useless without its password.
type Keyring struct {
	Format string `json:"format"`
	Folder string `json:"folder"` // random id of the data folder, bound into each slot
	Slots  []Slot `json:"slots"`
	// KeyCheck is HMAC-SHA256(master, folder): it lets the folder verify a
	// master key without any password, and reveals nothing of a random key.
	KeyCheck []byte `json:"key_check"`
}

func keyCheck(master []byte, folder string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("relais key check\x00" + folder))
	return m.Sum(nil)
}

func (k *Keyring) holds(master []byte) bool {
	return hmac.Equal(k.KeyCheck, keyCheck(master, k.Folder))
}

// Slot is the master key wrapped with AES-256-GCM under Argon2id(secret, salt).
type Slot struct {
	Kind    string `json:"kind"`            // "password" or "recovery"
	Login   string `json:"login,omitempty"` // for a password slot
	KDF     KDF    `json:"kdf"`
	Salt    []byte `json:"salt"`
	Nonce   []byte `json:"nonce"`
	Wrapped []byte `json:"wrapped"`
}

const (
	slotPassword = "password"
	slotRecovery = "recovery"
)

func (s Slot) aad(folder string) []byte {
	return []byte(keyringFormat + "\x00" + folder + "\x00" + s.Kind + "\x00" + s.Login)
}

func wrapKey(folder, kind, login string, secret, master []byte, kdf KDF) (Slot, error) {
	s := Slot{Kind: kind, Login: login, KDF: kdf, Salt: make([]byte, 16), Nonce: make([]byte, 12)}
	if _, err := rand.Read(s.Salt); err != nil {
		return s, err
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return s, err
	}
	gcm, err := slotCipher(secret, s)
	if err != nil {
		return s, err
	}
	s.Wrapped = gcm.Seal(nil, s.Nonce, master, s.aad(folder))
	return s, nil
}

func slotCipher(secret []byte, s Slot) (cipher.AEAD, error) {
	if s.KDF.Time == 0 || s.KDF.MemoryKiB == 0 || s.KDF.Threads == 0 || s.KDF.MemoryKiB > 4<<20 || s.KDF.Time > 100 {
		return nil, errors.New("keyslot has impossible key derivation parameters")
	}
	k := argon2.IDKey(secret, s.Salt, s.KDF.Time, s.KDF.MemoryKiB, s.KDF.Threads, 32)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (s Slot) unwrap(folder string, secret []byte) ([]byte, bool) {
	if len(s.Nonce) != 12 {
		return nil, false
	}
	gcm, err := slotCipher(secret, s)
	if err != nil {
		return nil, false
	}
	master, err := gcm.Open(nil, s.Nonce, s.Wrapped, s.aad(folder))
	if err != nil || len(master) != 32 {
		return nil, false
	}
	return master, true
}

// UnlockPassword returns the master key wrapped for login and password.
// A wrong password and an unknown login give the same ErrWrongPassword, so
// the message does not tell a stranger which logins exist.
func (k *Keyring) UnlockPassword(login, password string) ([]byte, error) {
	login = NormaliseLogin(login)
	for _, s := range k.Slots {
		if s.Kind == slotPassword && subtle.ConstantTimeCompare([]byte(s.Login), []byte(login)) == 1 {
			if master, ok := s.unwrap(k.Folder, []byte(password)); ok {
				return master, nil
			}
		}
	}
	return nil, ErrWrongPassword
}

// UnlockRecovery returns the master key from the recovery key printed at set-up.
func (k *Keyring) UnlockRecovery(code string) ([]byte, error) {
	secret, ok := parseRecoveryKey(code)
	if !ok {
		return nil, ErrWrongRecovery
	}
	for _, s := range k.Slots {
		if s.Kind == slotRecovery {
			if master, ok := s.unwrap(k.Folder, secret); ok {
				return master, nil
			}
		}
	}
	return nil, ErrWrongRecovery
}

// Logins lists the logins that have a password slot.
func (k *Keyring) Logins() []string {
	var out []string
	for _, s := range k.Slots {
		if s.Kind == slotPassword {
			out = append(out, s.Login)
		}
	}
	return out
}

// setPassword adds or replaces login's slot, wrapping master under password.
func (k *Keyring) setPassword(master []byte, login, password string, kdf KDF) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	login = NormaliseLogin(login)
	s, err := wrapKey(k.Folder, slotPassword, login, []byte(password), master, kdf)
	if err != nil {
		return err
	}
	k.removeLogin(login)
	k.Slots = append(k.Slots, s)
	return nil
}

func (k *Keyring) removeLogin(login string) {
	out := k.Slots[:0]
	for _, s := range k.Slots {
		if !(s.Kind == slotPassword && s.Login == login) {
			out = append(out, s)
		}
	}
	k.Slots = out
}

// CheckPassword refuses a password too short to protect personal data.
func CheckPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return ErrWeakPassword.With("min", MinPasswordLength)
	}
	return nil
}

// NormaliseLogin makes logins case- and space-insensitive.
func NormaliseLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryKey returns 160 random bits as eight groups of four characters.
func newRecoveryKey() (code string, secret []byte, err error) {
	secret = make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return "", nil, err
	}
	s := recoveryEncoding.EncodeToString(secret)
	groups := make([]string, 0, 8)
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:i+4])
	}
	return strings.Join(groups, "-"), secret, nil
}

// parseRecoveryKey accepts the code as typed: any case, spaces or dashes,
// and the digits people type for the letters they look like.
func parseRecoveryKey(code string) ([]byte, bool) {
	r := strings.NewReplacer("-", "", " ", "", "0", "O", "1", "I", "8", "B")
	s := r.Replace(strings.ToUpper(strings.TrimSpace(code)))
	secret, err := recoveryEncoding.DecodeString(s)
	if err != nil || len(secret) != 20 {
		return nil, false
	}
	return secret, true
}

func readKeyring(dir string) (*Keyring, error) {
	b, err := os.ReadFile(filepath.Join(dir, keyringFile))
	if err != nil {
		return nil, err
	}
	var k Keyring
	if err := json.Unmarshal(b, &k); err != nil || k.Format != keyringFormat || k.Folder == "" {
		return nil, ErrDamaged.Because(fmt.Errorf("keyring %s: not a Relais keyring", dir))
	}
	return &k, nil
}

// writeKeyring replaces the keyring atomically: a crash leaves the old or
// the new one, never half of either.
func writeKeyring(dir string, k *Keyring) error {
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, keyringFile), b)
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not supported on every platform; the rename is still atomic
	return nil
}
