package app_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/audit"
	"relais/staff"
	"relais/store"
)

// clock is a test clock the auto-lock reads.
type clock struct{ now time.Time }

func (c *clock) at() time.Time           { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }
func (c *clock) set(u *app.UI) *clock    { u.SetClock(c.at); return c }
func newClock(u *app.UI) *clock {
	return (&clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}).set(u)
}
func signedInUI(t *testing.T) (*app.UI, *clock) {
	t.Helper()
	u := newUI(t, fresh(t), setUpDesk(t))
	c := newClock(u)
	signIn(t, u, password)
	if u.Screen() != app.ScreenHome {
		t.Fatalf("not signed in: %s", u.Screen())
	}
	u.CheckIdle() // the first look
	return u, c
}

// Five minutes without activity lock Relais; a mouse move or typing in a
// field starts the five minutes again.
func TestAutoLockAfterFiveIdleMinutes(t *testing.T) {
	u, c := signedInUI(t)
	c.advance(4 * time.Minute)
	u.CheckIdle()
	if u.Screen() != app.ScreenHome {
		t.Fatal("locked after 4 minutes")
	}
	u.MoveMouse()
	c.advance(4 * time.Minute)
	u.CheckIdle()
	if u.Screen() != app.ScreenHome {
		t.Fatal("locked 4 minutes after a mouse move")
	}
	// Typing in a field counts too.
	u.OpenSection(app.SectionPeople)
	search := u.PeopleView().Search
	u.Window().Canvas().Focus(search)
	u.CheckIdle()
	c.advance(4 * time.Minute)
	test.Type(search, "Aw")
	u.CheckIdle()
	c.advance(4*time.Minute + 59*time.Second)
	u.CheckIdle()
	if u.Screen() != app.ScreenHome {
		t.Fatal("locked less than 5 minutes after typing")
	}
	c.advance(2 * time.Second)
	u.CheckIdle()
	if u.Screen() != app.ScreenUnlock {
		t.Fatalf("still %s after 5 idle minutes", u.Screen())
	}
	if n := u.UnlockNotice(); !strings.Contains(n, "5 minutes") {
		t.Errorf("notice = %q", n)
	}
	if f := u.UnlockForm(); f.Login.Text != login {
		t.Errorf("login offered = %q, want %q", f.Login.Text, login)
	}
	signIn(t, u, password)
	if u.Screen() != app.ScreenHome {
		t.Fatal("cannot sign in again after the lock")
	}
}

// The minutes are a setting of the PC; nonsense in the preferences falls
// back to five.
func TestAutoLockSetting(t *testing.T) {
	u, c := signedInUI(t)
	u.OpenSection(app.SectionSettings)
	sel := u.AutoLockSelect()
	if want := "après 5 minutes"; sel.Selected != want {
		t.Errorf("default = %q, want %q", sel.Selected, want)
	}
	sel.SetSelectedIndex(0) // one minute
	u.CheckIdle()
	c.advance(61 * time.Second)
	u.CheckIdle()
	if u.Screen() != app.ScreenUnlock {
		t.Fatal("not locked after the chosen minute")
	}
	u.Preferences().SetInt("auto_lock_minutes", 0)
	signIn(t, u, password)
	u.CheckIdle()
	c.advance(4 * time.Minute)
	u.CheckIdle()
	if u.Screen() != app.ScreenHome {
		t.Fatal("0 minutes in the preferences locked at once")
	}
}

// « Changer d'utilisateur » locks and offers an empty login to a colleague.
func TestSwitchUser(t *testing.T) {
	u, _ := signedInUI(t)
	dialog.ShowInformation("Awa Diallo", "06 12 34 56 78", u.Window())
	test.Tap(u.SwitchUserButton())
	if u.Window().Canvas().Overlays().Top() != nil {
		t.Error("a dialog stays open over the sign-in screen")
	}
	if u.Screen() != app.ScreenUnlock {
		t.Fatalf("screen = %s", u.Screen())
	}
	if f := u.UnlockForm(); f.Login.Text != "" {
		t.Errorf("login = %q, want empty for a colleague", f.Login.Text)
	}
	if u.UnlockNotice() == "" {
		t.Error("no notice says Relais is locked")
	}
}

// An administrator gives a colleague a new password with the recovery
// key; a wrong key or two different passwords change nothing.
func TestResetAColleaguePassword(t *testing.T) {
	desk := openDesk(t, t.TempDir())
	s, code, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount(mediatorName, mediatorLogin, staff.Mediator, mediatorPassword); err != nil {
		t.Fatal(err)
	}
	s.Close()
	u := newUI(t, fresh(t), desk)
	u.UnlockForm().Login.SetText(login) // two accounts: none is offered
	signIn(t, u, password)
	v := openTeam(t, u)
	if m := member(t, v, login); m.Reset != nil {
		t.Error("an administrator may reset their own password from the team list")
	}
	test.Tap(member(t, v, mediatorLogin).Reset)
	r := u.ResetView()
	if r.Login.Text != mediatorLogin || !r.Login.Disabled() {
		t.Errorf("login field = %q (disabled %v)", r.Login.Text, r.Login.Disabled())
	}
	try := func(key, pass, again string) string {
		r.Key.SetText(key)
		r.Pass.SetText(pass)
		r.Again.SetText(again)
		test.Tap(r.Save)
		u.WaitIdle(t)
		return r.Problem.Text
	}
	if p := try(code, "un nouveau mot", "un autre mot"); p != app.Message(staff.ErrPasswordMismatch) {
		t.Errorf("different passwords: %q", p)
	}
	if p := try("AAAA-BBBB", "un nouveau mot", "un nouveau mot"); p != app.Message(store.ErrWrongRecovery) {
		t.Errorf("wrong key: %q", p)
	}
	if p := try(" "+code+" ", "un nouveau mot", "un nouveau mot"); p != "" {
		t.Fatalf("right key refused: %q", p)
	}
	test.Tap(u.SwitchUserButton())
	f := u.UnlockForm()
	f.Login.SetText(mediatorLogin)
	signIn(t, u, "un nouveau mot")
	if u.Screen() != app.ScreenHome {
		t.Fatalf("the new password does not open: %s", f.Problem.Text)
	}
}

// On the sign-in screen, « Mot de passe oublié… » resets a password with
// the recovery key when nobody can sign in.
func TestForgottenPasswordOnTheSignInScreen(t *testing.T) {
	desk := openDesk(t, t.TempDir())
	s, code, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	u := newUI(t, fresh(t), desk)
	test.Tap(u.ForgottenButton())
	r := u.ResetView()
	if r.Login.Text != login || r.Login.Disabled() {
		t.Errorf("login field = %q (disabled %v)", r.Login.Text, r.Login.Disabled())
	}
	r.Key.SetText(code)
	r.Pass.SetText("mon nouveau secret")
	r.Again.SetText("mon nouveau secret")
	test.Tap(r.Save)
	u.WaitIdle(t)
	if r.Problem.Text != "" {
		t.Fatal(r.Problem.Text)
	}
	signIn(t, u, "mon nouveau secret")
	if u.Screen() != app.ScreenHome {
		t.Fatal("the new password does not open")
	}
}

// Reading a person's file goes to the journal once: from the People
// section, and from the radar's case panel (which shows the same file).
func TestReadingAFileIsInTheJournal(t *testing.T) {
	d := newRadarDesk(t)
	u := newUI(t, fresh(t), d.desk)
	signInWith(t, u, coordinatorLogin, coordinatorPassword)
	reads := func(person string) int {
		t.Helper()
		j, err := audit.Open(u.Session().DB).Journal(actor.System(""))
		if err != nil {
			t.Fatal(err)
		}
		es, err := j.List(audit.Filter{Person: person, Action: actor.PersonRead}, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Login != coordinatorLogin {
				t.Errorf("read by %q, want %q", e.Login, coordinatorLogin)
			}
		}
		return len(es)
	}
	u.OpenPerson(d.awa)
	u.WaitIdle(t)
	if n := reads(d.awa); n != 1 {
		t.Errorf("opening Awa's file: %d reads in the journal, want 1", n)
	}
	v := openRadar(t, u)
	i, _ := rowOf(t, v, d.awa)
	v.List.Select(i)
	u.WaitIdle(t)
	if n := reads(d.awa); n != 2 {
		t.Errorf("after her case panel: %d reads in the journal, want 2", n)
	}
	if n := reads(d.karim); n != 0 {
		t.Errorf("Karim's file was not opened, yet the journal has %d reads", n)
	}
}
