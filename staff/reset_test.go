package staff_test

import (
	"errors"
	"testing"

	"relais/actor"
	"relais/staff"
	"relais/store"
)

// recorded counts the audit events a session writes.
type recorded struct{ events []actor.Event }

func (r *recorded) Record(_ *store.Tx, _ *actor.Actor, e actor.Event) error {
	r.events = append(r.events, e)
	return nil
}

func TestResetPasswordWithTheRecoveryKey(t *testing.T) {
	desk, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	admin, code, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	log := &recorded{}
	admin.Actor().Recording(log)
	if _, err := admin.AddAccount("Sam Leroy", "sam", staff.Mediator, "sam's first password"); err != nil {
		t.Fatal(err)
	}
	if len(log.events) != 1 || log.events[0].Action != actor.AccountChanged {
		t.Errorf("AddAccount logged %+v", log.events)
	}

	// Refusals change nothing: the old password still opens.
	for _, c := range []struct {
		name, code, login, password string
		want                        error
	}{
		{"wrong key", "AAAA-BBBB-CCCC-DDDD", "sam", "a new password", store.ErrWrongRecovery},
		{"unknown login", code, "nobody", "a new password", staff.ErrUnknownLogin},
		{"short password", code, "sam", "short", store.ErrWeakPassword},
	} {
		if err := admin.ResetPassword(c.code, c.login, c.password); !errors.Is(err, c.want) {
			t.Errorf("%s: ResetPassword = %v, want %v", c.name, err, c.want)
		}
	}
	if len(log.events) != 1 {
		t.Errorf("refused resets logged %+v", log.events[1:])
	}
	if err := admin.ResetPassword(code, "Sam", "sam's new password"); err != nil {
		t.Fatal(err)
	}
	if len(log.events) != 2 {
		t.Errorf("a reset logged %+v", log.events)
	}
	admin.Close()
	if _, err := desk.SignIn("sam", "sam's first password"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("the old password still opens: %v", err)
	}
	sam, err := desk.SignIn("sam", "sam's new password")
	if err != nil {
		t.Fatal(err)
	}
	// A mediator may not reset anyone's password, even with the key.
	if err := sam.ResetPassword(code, "camille", "camille's new one"); !errors.Is(err, actor.ErrNotAllowed) {
		t.Errorf("a mediator reset a password: %v", err)
	}
	sam.Close()

	// On the sign-in screen: the only administrator forgot their password.
	if err := desk.ResetPassword("WRONG", "camille", "camille's new one", nil); !errors.Is(err, store.ErrWrongRecovery) {
		t.Errorf("a wrong key reset a password: %v", err)
	}
	if err := desk.ResetPassword(code, "camille", "camille's new one", nil); err != nil {
		t.Fatal(err)
	}
	s, err := desk.SignIn("camille", "camille's new one")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// failingRecorder refuses every journal entry, as a full disk would.
type failingRecorder struct{}

func (failingRecorder) Record(*store.Tx, *actor.Actor, actor.Event) error {
	return store.ErrDiskFull
}

// A reset whose journal entry cannot be written changes nothing: the old
// password still opens, the new one does not.
func TestResetPasswordChangesNothingWhenTheJournalFails(t *testing.T) {
	dir := t.TempDir()
	desk, err := staff.OpenDesk(dir, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	admin, code, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AddAccount("Sam Leroy", "sam", staff.Mediator, "sam's first password"); err != nil {
		t.Fatal(err)
	}
	admin.Actor().Recording(failingRecorder{})
	if err := admin.ResetPassword(code, "sam", "sam's new password"); !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("ResetPassword with the journal failing = %v, want ErrDiskFull", err)
	}
	admin.Close()
	if _, err := desk.SignIn("sam", "sam's new password"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("the new password opens after a failed reset: %v", err)
	}
	sam, err := desk.SignIn("sam", "sam's first password")
	if err != nil {
		t.Fatalf("the old password no longer opens after a failed reset: %v", err)
	}
	sam.Close()
	if err := desk.ResetPassword(code, "sam", "sam's new password", func(*store.DB) actor.Recorder { return failingRecorder{} }); !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("Desk.ResetPassword with the journal failing = %v, want ErrDiskFull", err)
	}
	if _, err := desk.SignIn("sam", "sam's new password"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("the new password opens after a failed reset from the sign-in screen: %v", err)
	}
}
