package staff

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"sync"
	"time"

	"relais/problem"
)

// ErrWaitBeforeRetry refuses a sign-in attempt too soon after repeated
// wrong passwords for the same login; "seconds" says how long to wait.
var ErrWaitBeforeRetry = problem.Register("staff.wait_before_retry")

// freeAttempts is how many wrong passwords in a row cost nothing; each
// one after that doubles the wait, from firstWait up to maxWait.
const (
	freeAttempts = 3
	firstWait    = 5 * time.Second
	maxWait      = 5 * time.Minute
)

// waitAfter returns how long the next attempt must wait after failures
// wrong passwords in a row.
func waitAfter(failures int) time.Duration {
	if failures <= freeAttempts {
		return 0
	}
	exp := failures - freeAttempts - 1
	if exp >= 10 {
		return maxWait
	}
	return min(maxWait, firstWait*time.Duration(math.Pow(2, float64(exp))))
}

type attempt struct {
	Failures int       `json:"failures"`
	Until    time.Time `json:"until,omitzero"` // no attempt before
}

// attempts counts the wrong passwords of each login.
type attempts struct {
	path string
	mu   sync.Mutex
	m    map[string]attempt
}

// loadAttempts reads the counts kept at path across restarts, so that
// closing and opening Relais does not reset the wait. The file holds logins
// and counts only, which are no secret (the keyring names the logins too).
func loadAttempts(path string) *attempts {
	a := &attempts{path: path, m: map[string]attempt{}}
	if b, err := os.ReadFile(a.path); err == nil {
		_ = json.Unmarshal(b, &a.m) // a damaged file only forgets the counts
		if a.m == nil {
			a.m = map[string]attempt{}
		}
	}
	return a
}

// check returns ErrWaitBeforeRetry when login must still wait at now.
func (a *attempts) check(login string, now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if wait := a.m[login].Until.Sub(now); wait > 0 {
		return ErrWaitBeforeRetry.With("seconds", int(math.Ceil(wait.Seconds())))
	}
	return nil
}

// failed counts a wrong password for login.
func (a *attempts) failed(login string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	at := a.m[login]
	at.Failures++
	at.Until = time.Time{}
	if w := waitAfter(at.Failures); w > 0 {
		at.Until = now.Add(w)
	}
	a.m[login] = at
	a.save()
}

// succeeded forgets login's failures.
func (a *attempts) succeeded(login string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.m[login]; ok {
		delete(a.m, login)
		a.save()
	}
}

// save writes the counts (a.mu held); a failure to write only means the
// counts start again at the next start.
func (a *attempts) save() {
	b, err := json.Marshal(a.m)
	if err != nil {
		return
	}
	tmp := a.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return
	}
	if err := os.Rename(tmp, a.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		os.Remove(tmp)
	}
}
