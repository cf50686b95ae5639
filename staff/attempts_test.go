package staff_test

import (
	"errors"
	"testing"
	"time"

	"relais/problem"
	"relais/staff"
	"relais/store"
)

// Wrong passwords in a row make the next attempt wait longer and longer,
// even the right password, even after Relais restarts; the right password
// after the wait signs in and starts the count again. Another login is not
// slowed down.
func TestWrongPasswordsMakeTheNextAttemptWait(t *testing.T) {
	dir := t.TempDir()
	desk, err := staff.OpenDesk(dir, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	form := goodForm()
	s, _, err := desk.SetUp(form)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	desk.Now = func() time.Time { return now }

	for i := 1; i <= 3; i++ { // free attempts
		if _, err := desk.SignIn(form.Login, "wrong"); !errors.Is(err, store.ErrWrongPassword) {
			t.Fatalf("attempt %d = %v, want ErrWrongPassword", i, err)
		}
	}
	_, err = desk.SignIn(form.Login, "wrong") // the 4th: 5 s to wait after it
	if !errors.Is(err, store.ErrWrongPassword) {
		t.Fatalf("4th attempt = %v", err)
	}
	_, err = desk.SignIn(form.Login, form.Password)
	p, ok := problem.Find(err)
	if !errors.Is(err, staff.ErrWaitBeforeRetry) || !ok || p.Args["seconds"] != 5 {
		t.Fatalf("right password right after 4 failures = %v (%v), want a 5 s wait", err, p)
	}
	// Another login is not slowed down by these failures.
	if _, err := desk.SignIn("someone", "wrong"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("another login = %v", err)
	}

	// After a restart the wait is still there.
	desk.Close()
	if desk, err = staff.OpenDesk(dir, store.TestOptions()); err != nil {
		t.Fatal(err)
	}
	defer func() { desk.Close() }()
	desk.Now = func() time.Time { return now }
	if _, err := desk.SignIn(form.Login, form.Password); !errors.Is(err, staff.ErrWaitBeforeRetry) {
		t.Fatalf("after a restart = %v, want the wait", err)
	}
	now = now.Add(5 * time.Second)
	if _, err := desk.SignIn(form.Login, "wrong"); !errors.Is(err, store.ErrWrongPassword) { // 5th
		t.Fatal(err)
	}
	now = now.Add(9 * time.Second)
	if _, err := desk.SignIn(form.Login, form.Password); !errors.Is(err, staff.ErrWaitBeforeRetry) {
		t.Fatalf("9 s after the 5th failure = %v, want a wait (10 s)", err)
	}
	now = now.Add(time.Second)
	s, err = desk.SignIn(form.Login, form.Password)
	if err != nil {
		t.Fatalf("after the wait, the right password = %v", err)
	}
	s.Close()
	// The count starts again.
	for i := 1; i <= 3; i++ {
		if _, err := desk.SignIn(form.Login, "wrong"); !errors.Is(err, store.ErrWrongPassword) {
			t.Fatalf("after a success, attempt %d = %v", i, err)
		}
	}
	if s, err = desk.SignIn(form.Login, form.Password); err != nil {
		t.Fatalf("3 failures after a success should not make anyone wait: %v", err)
	}
	s.Close()
}
