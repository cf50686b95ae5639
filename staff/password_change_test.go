package staff

// An internal test: the crash test stops the process inside ChangePassword
// through crashAt.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/audit"
	"relais/problem"
	"relais/store"
)

const (
	adminLogin    = "camille"
	adminPassword = "un mot de passe"
	awaLogin      = "awa"
	awaPassword   = "le thé à la menthe"
	awaNew        = "un café sans sucre"
)

// changeOptions are the store options of these tests: the journal's
// indexes, a cheap key derivation.
func changeOptions() store.Options {
	o := store.TestOptions()
	o.Indexes = audit.Indexes()
	return o
}

func openChangeDesk(t *testing.T, dir string) *Desk {
	t.Helper()
	d, err := OpenDesk(dir, changeOptions())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// deskWithAwa sets up a folder whose centre has an administrator and Awa
// at the front desk, and returns its path; no desk stays open on it.
func deskWithAwa(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	d := openChangeDesk(t, dir)
	defer d.Close()
	admin, _, err := d.SetUp(FirstRun{CentreName: "Centre social des Tilleuls", AdminName: "Camille Martin",
		Login: adminLogin, Password: adminPassword, PasswordAgain: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.AddAccount("Awa Diallo", awaLogin, Reception, awaPassword); err != nil {
		t.Fatal(err)
	}
	return dir
}

// signInRecording signs in and writes the session's actions to the journal,
// as the workspace does.
func signInRecording(t *testing.T, d *Desk, login, password string) *Session {
	t.Helper()
	s, err := d.SignIn(login, password)
	if err != nil {
		t.Fatalf("SignIn(%s) = %v", login, err)
	}
	s.Actor().Recording(audit.Open(s.DB))
	return s
}

// passwordChanges returns the journal's PasswordChanged entries.
func passwordChanges(t *testing.T, db *store.DB) []audit.Entry {
	t.Helper()
	j, err := audit.Open(db).Journal(actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	es, err := j.List(audit.Filter{Action: actor.PasswordChanged}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func keyring(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "store", "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// opens reports whether login and password sign in, closing the session.
func opens(t *testing.T, d *Desk, login, password string) bool {
	t.Helper()
	s, err := d.SignIn(login, password)
	if errors.Is(err, store.ErrWrongPassword) {
		return false
	}
	if err != nil {
		t.Fatalf("SignIn(%s) = %v", login, err)
	}
	s.Close()
	return true
}

// Awa, at the front desk, changes her own password: the session stays open,
// the journal notes the change (never a password), the new password opens
// and the old one no longer does.
func TestChangeOwnPassword(t *testing.T) {
	dir := deskWithAwa(t)
	d := openChangeDesk(t, dir)
	defer d.Close()
	s := signInRecording(t, d, awaLogin, awaPassword)
	if err := s.ChangePassword(awaPassword, awaNew); err != nil {
		t.Fatalf("ChangePassword = %v", err)
	}
	// The session stays open: it still reads and writes.
	if _, _, err := Accounts(s.DB).FindOne("login", adminLogin); err != nil {
		t.Errorf("after the change, the session reads: %v", err)
	}
	es := passwordChanges(t, s.DB)
	if len(es) != 1 || es[0].Login != awaLogin || es[0].Role != Reception || es[0].Person != "" ||
		!strings.HasPrefix(es[0].Record, Kind+"/") {
		t.Fatalf("the journal holds %+v, want one change by %s of her account", es, awaLogin)
	}
	id, _, _ := Accounts(s.DB).FindOne("login", awaLogin)
	if es[0].Record != Kind+"/"+id {
		t.Errorf("the entry names %s, want her account %s/%s", es[0].Record, Kind, id)
	}
	// No record of the store holds either password, nor the attempts file.
	err := s.DB.Changes(0, func(r store.Record) error {
		for _, pw := range []string{awaPassword, awaNew} {
			if bytes.Contains(r.Body, []byte(pw)) {
				t.Errorf("%s/%s holds the password %q", r.Kind, r.ID, pw)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(d.folder.SignInAttemptsPath()); err == nil &&
		(bytes.Contains(b, []byte(awaPassword)) || bytes.Contains(b, []byte(awaNew))) {
		t.Error("the attempts file holds a password")
	}
	s.Close()

	if opens(t, d, awaLogin, awaPassword) {
		t.Error("the old password still opens")
	}
	if !opens(t, d, awaLogin, awaNew) {
		t.Error("the new password does not open")
	}
	if !opens(t, d, adminLogin, adminPassword) {
		t.Error("a colleague's password no longer opens")
	}
	// After a restart too.
	d.Close()
	d = openChangeDesk(t, dir)
	if !opens(t, d, awaLogin, awaNew) || opens(t, d, awaLogin, awaPassword) {
		t.Error("after a restart, the new password does not open, or the old one does")
	}
}

// Each refusal says why and changes nothing: not the keyring, not the
// store, not the journal.
func TestChangeOwnPasswordRefusals(t *testing.T) {
	dir := deskWithAwa(t)
	d := openChangeDesk(t, dir)
	defer d.Close()
	s := signInRecording(t, d, awaLogin, awaPassword)
	defer func() { s.Close() }()
	for _, c := range []struct {
		name          string
		current, next string
		want          error
	}{
		{"wrong current password", "le thé à la menthE", awaNew, ErrCurrentPasswordWrong},
		{"empty current password", "", awaNew, ErrCurrentPasswordWrong},
		{"new password too short", awaPassword, "1234567", ErrNewPasswordTooShort},
		{"new password empty", awaPassword, "", ErrNewPasswordTooShort},
		{"new password is the current one", awaPassword, awaPassword, ErrNewPasswordSame},
	} {
		t.Run(c.name, func(t *testing.T) {
			keys, seq := keyring(t, dir), s.DB.LastSequence()
			err := s.ChangePassword(c.current, c.next)
			if !errors.Is(err, c.want) {
				t.Fatalf("ChangePassword = %v, want %v", err, c.want)
			}
			if !bytes.Equal(keyring(t, dir), keys) {
				t.Error("the keyring changed")
			}
			if got := s.DB.LastSequence(); got != seq {
				t.Errorf("the store changed: sequence %d, was %d", got, seq)
			}
		})
	}
	// The rule is store.CheckPassword's, and the message says its length.
	p, ok := problem.Find(s.ChangePassword(awaPassword, "court"))
	if !ok || p.Args["min"] != store.MinPasswordLength {
		t.Errorf("too short: %v, want min %d", p, store.MinPasswordLength)
	}
	if len(passwordChanges(t, s.DB)) != 0 {
		t.Error("a refusal was noted in the journal")
	}

	// An administrator disabled Awa on another computer of the centre; the
	// change arrives while she is signed in here: she cannot change her
	// password any more.
	id, acc, err := Accounts(s.DB).FindOne("login", awaLogin)
	if err != nil {
		t.Fatal(err)
	}
	acc.Disabled = true
	if _, err := Accounts(s.DB).Put(id, acc, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	keys, seq := keyring(t, dir), s.DB.LastSequence()
	if err := s.ChangePassword(awaPassword, awaNew); !errors.Is(err, ErrAccountDisabled) {
		t.Errorf("a disabled account: ChangePassword = %v, want ErrAccountDisabled", err)
	}
	if !bytes.Equal(keyring(t, dir), keys) || s.DB.LastSequence() != seq {
		t.Error("a disabled account changed something")
	}
	s.Close()
	// She cannot sign in either, and the password is still the old one.
	if _, err := d.SignIn(awaLogin, awaPassword); !errors.Is(err, ErrAccountDisabled) {
		t.Errorf("SignIn of the disabled account = %v", err)
	}
	if _, err := d.SignIn(awaLogin, awaNew); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("SignIn with the refused new password = %v", err)
	}
}

// A wrong current password counts as a wrong password at sign-in: the form
// is made to wait as long as the sign-in screen, and the wait grows.
func TestChangeOwnPasswordWaitsAfterWrongPasswords(t *testing.T) {
	dir := deskWithAwa(t)
	d := openChangeDesk(t, dir)
	defer d.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	s := signInRecording(t, d, awaLogin, awaPassword)
	defer func() { s.Close() }()

	wait := func() int {
		t.Helper()
		err := s.ChangePassword(awaPassword, awaNew) // the right one
		p, ok := problem.Find(err)
		if !errors.Is(err, ErrWaitBeforeRetry) || !ok {
			t.Fatalf("the right password after failures = %v, want a wait", err)
		}
		return p.Args["seconds"].(int)
	}
	for i := 1; i <= 4; i++ { // 3 free, then 5 s
		if err := s.ChangePassword("wrong password", awaNew); !errors.Is(err, ErrCurrentPasswordWrong) {
			t.Fatalf("wrong password %d = %v", i, err)
		}
	}
	if w := wait(); w != 5 {
		t.Errorf("after 4 wrong passwords, wait %d s, want 5", w)
	}
	// While it waits, not even a wrong password is tried (nor counted).
	if err := s.ChangePassword("wrong password", awaNew); !errors.Is(err, ErrWaitBeforeRetry) {
		t.Errorf("a wrong password during the wait = %v", err)
	}
	now = now.Add(5 * time.Second)
	if err := s.ChangePassword("wrong password", awaNew); !errors.Is(err, ErrCurrentPasswordWrong) {
		t.Fatalf("after the wait, a 5th wrong password = %v", err)
	}
	if w := wait(); w != 10 {
		t.Errorf("after 5 wrong passwords, wait %d s, want 10 (it grows)", w)
	}
	// The sign-in screen waits as long: it is one count.
	s.Close()
	if _, err := d.SignIn(awaLogin, awaPassword); !errors.Is(err, ErrWaitBeforeRetry) {
		t.Errorf("SignIn during the wait = %v", err)
	}
	now = now.Add(10 * time.Second)
	s = signInRecording(t, d, awaLogin, awaPassword)
	if err := s.ChangePassword(awaPassword, awaNew); err != nil {
		t.Fatalf("after the wait, the right password = %v", err)
	}
	if len(passwordChanges(t, s.DB)) != 1 {
		t.Error("the journal does not hold the one change")
	}
}

// A failure between the new keyslot and the journal's commit puts the
// current password back: nothing changed, as the error says.
func TestChangeOwnPasswordFailingLatePutsTheOldPasswordBack(t *testing.T) {
	dir := deskWithAwa(t)
	d := openChangeDesk(t, dir)
	defer d.Close()
	s := signInRecording(t, d, awaLogin, awaPassword)
	broken := errors.New("disk unplugged")
	crashAt = func(step string) error {
		if step == stepRewrapped {
			return broken
		}
		return nil
	}
	defer func() { crashAt = func(string) error { return nil } }()
	if err := s.ChangePassword(awaPassword, awaNew); !errors.Is(err, broken) {
		t.Fatalf("ChangePassword = %v, want the failure", err)
	}
	if len(passwordChanges(t, s.DB)) != 0 {
		t.Error("the journal notes a change that did not happen")
	}
	s.Close()
	if !opens(t, d, awaLogin, awaPassword) || opens(t, d, awaLogin, awaNew) {
		t.Error("the old password does not open, or the new one does")
	}
}

// A power cut in the middle of a change leaves one password that works:
// the old one before the keyring file is replaced, the new one after.
// The process really stops (os.Exit in a child process, the store not
// closed) at each step of ChangePassword.
func TestChangeOwnPasswordSurvivesACrash(t *testing.T) {
	if step := os.Getenv("RELAIS_CRASH_STEP"); step != "" {
		crashChild(t, step, os.Getenv("RELAIS_CRASH_DIR"))
		return
	}
	for _, c := range []struct {
		step  string
		works string // the password that opens after the crash
		gone  string
	}{
		{stepNoted, awaPassword, awaNew},
		{stepRewrapped, awaNew, awaPassword},
	} {
		t.Run(c.step, func(t *testing.T) {
			dir := deskWithAwa(t)
			cmd := exec.Command(os.Args[0], "-test.run=^TestChangeOwnPasswordSurvivesACrash$", "-test.count=1")
			cmd.Env = append(os.Environ(), "RELAIS_CRASH_STEP="+c.step, "RELAIS_CRASH_DIR="+dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != crashCode {
				t.Fatalf("the child did not stop at %s: %v\n%s", c.step, err, out)
			}
			d := openChangeDesk(t, dir)
			defer d.Close()
			if opens(t, d, awaLogin, c.gone) {
				t.Errorf("after a crash at %s, %q opens", c.step, c.gone)
			}
			s := signInRecording(t, d, awaLogin, c.works)
			defer s.Close()
			// The transaction was not committed: no entry, and the store is sound.
			if es := passwordChanges(t, s.DB); len(es) != 0 {
				t.Errorf("after a crash at %s, the journal holds %+v", c.step, es)
			}
			if rep, err := s.Check(); err != nil || !rep.OK() {
				t.Errorf("store check after the crash: %v %v", err, rep.Problems)
			}
			// And she can change it again.
			if err := s.ChangePassword(c.works, "encore un autre"); err != nil {
				t.Errorf("changing it again after the crash: %v", err)
			}
		})
	}
}

const crashCode = 73

// crashChild changes Awa's password in dir and stops the process at step.
func crashChild(t *testing.T, step, dir string) {
	d := openChangeDesk(t, dir)
	s := signInRecording(t, d, awaLogin, awaPassword)
	crashAt = func(at string) error {
		if at == step {
			os.Exit(crashCode)
		}
		return nil
	}
	err := s.ChangePassword(awaPassword, awaNew)
	t.Fatalf("ChangePassword went past %s: %v", step, err)
}
