package staff_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"relais/appointments"
	"relais/staff"
	"relais/store"
)

func goodForm() staff.FirstRun {
	return staff.FirstRun{CentreName: " Centre  social des Tilleuls ", AdminName: "Camille Martin", Login: "Camille", Password: "un mot de passe", PasswordAgain: "un mot de passe"}
}

func TestFirstRunValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(*staff.FirstRun)
		want   error
	}{
		{"no centre name", func(f *staff.FirstRun) { f.CentreName = "  " }, appointments.ErrCentreNameMissing},
		{"centre name of 10,000 characters", func(f *staff.FirstRun) { f.CentreName = strings.Repeat("é", 10000) }, appointments.ErrCentreNameTooLong},
		{"no admin name", func(f *staff.FirstRun) { f.AdminName = "" }, staff.ErrNameMissing},
		{"login with a space", func(f *staff.FirstRun) { f.Login = "camille martin" }, staff.ErrBadLogin},
		{"login with an accent", func(f *staff.FirstRun) { f.Login = "hélène" }, staff.ErrBadLogin},
		{"one-letter login", func(f *staff.FirstRun) { f.Login = "c" }, staff.ErrBadLogin},
		{"short password", func(f *staff.FirstRun) { f.Password, f.PasswordAgain = "1234567", "1234567" }, store.ErrWeakPassword},
		{"passwords differ", func(f *staff.FirstRun) { f.PasswordAgain = "un mot de passE" }, staff.ErrPasswordMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := goodForm()
			c.change(&f)
			if err := f.Validate(); !errors.Is(err, c.want) {
				t.Errorf("Validate() = %v, want %v", err, c.want)
			}
			// A refused form writes nothing.
			desk, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer desk.Close()
			if _, _, err := desk.SetUp(f); !errors.Is(err, c.want) {
				t.Errorf("SetUp() = %v, want %v", err, c.want)
			}
			if !desk.NeedsSetUp() {
				t.Error("a refused set-up left the folder set up")
			}
		})
	}
	if err := goodForm().Validate(); err != nil {
		t.Errorf("good form refused: %v", err)
	}
}

func TestSetUpThenSignIn(t *testing.T) {
	dir := t.TempDir()
	desk, err := staff.OpenDesk(dir, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	s, code, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.Split(code, "-")) != 8 {
		t.Errorf("recovery key %q is not 8 groups", code)
	}
	if s.Account.Role != staff.Admin || s.Account.Login != "camille" || s.Centre.Name != "Centre social des Tilleuls" {
		t.Errorf("session = %+v", s)
	}
	s.Close()
	if _, err := desk.SignIn("camille", "pas le bon"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := desk.SignIn("inconnu", "un mot de passe"); !errors.Is(err, store.ErrWrongPassword) {
		t.Errorf("unknown login: %v", err)
	}
	s, err = desk.SignIn("Camille", "un mot de passe")
	if err != nil {
		t.Fatal(err)
	}
	if s.Centre.Name != "Centre social des Tilleuls" {
		t.Errorf("centre after sign-in = %+v", s.Centre)
	}
	var backup bytes.Buffer
	if err := s.Backup(&backup); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Check(); err != nil || !rep.OK() || rep.Records != 2 {
		t.Errorf("Check = %+v, %v", rep, err)
	}
	if err := desk.Restore(bytes.NewReader(backup.Bytes()), "camille", "un mot de passe"); !errors.Is(err, store.ErrAlreadyOpen) {
		t.Errorf("Restore while signed in = %v, want ErrAlreadyOpen", err)
	}
	s.Close()
	desk.Close()

	// A second computer restores the backup, then signs in with the same password.
	desk2, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk2.Close()
	if err := desk2.Restore(bytes.NewReader(backup.Bytes()), "camille", "faux"); !errors.Is(err, store.ErrBackupWrongKey) {
		t.Errorf("Restore with wrong password = %v", err)
	}
	if !desk2.NeedsSetUp() {
		t.Error("a refused restore set the folder up")
	}
	if err := desk2.RestoreWithRecoveryKey(bytes.NewReader(backup.Bytes()), code); err != nil {
		t.Fatal(err)
	}
	s2, err := desk2.SignIn("camille", "un mot de passe")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Centre.Name != "Centre social des Tilleuls" {
		t.Errorf("restored centre = %+v", s2.Centre)
	}
}

func TestDisabledAccountCannotSignIn(t *testing.T) {
	desk, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	s, _, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	id, acc, err := staff.Accounts(s.DB).FindOne("login", "camille")
	if err != nil {
		t.Fatal(err)
	}
	acc.Disabled = true
	staff.Accounts(s.DB).Put(id, acc, store.ScopeNetwork)
	s.Close()
	if _, err := desk.SignIn("camille", "un mot de passe"); !errors.Is(err, staff.ErrAccountDisabled) {
		t.Errorf("SignIn(disabled) = %v", err)
	}
}

func TestAddAccount(t *testing.T) {
	desk, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	admin, _, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, login string
		role        staff.Role
		password    string
		want        error
	}{
		{"Sam", "camille", staff.Mediator, "long enough", staff.ErrLoginTaken},
		{"Sam", "s", staff.Mediator, "long enough", staff.ErrBadLogin},
		{"", "sam", staff.Mediator, "long enough", staff.ErrNameMissing},
		{"Sam", "sam", staff.Role("chef"), "long enough", staff.ErrUnknownRole},
		{"Sam", "sam", staff.Mediator, "court", store.ErrWeakPassword},
	}
	for _, c := range cases {
		if _, err := admin.AddAccount(c.name, c.login, c.role, c.password); !errors.Is(err, c.want) {
			t.Errorf("AddAccount(%q, %q, %q) = %v, want %v", c.name, c.login, c.role, err, c.want)
		}
	}
	if _, err := admin.AddAccount("Sam Diallo", "Sam.Diallo", staff.Mediator, "long enough"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	sam, err := desk.SignIn("sam.diallo", "long enough")
	if err != nil {
		t.Fatal(err)
	}
	defer sam.Close()
	if sam.Account.Role != staff.Mediator || sam.CentreID != admin.CentreID {
		t.Errorf("new account = %+v", sam.Account)
	}
	if _, err := sam.AddAccount("Eve", "eve", staff.Admin, "long enough"); !errors.Is(err, staff.ErrNotAllowed) {
		t.Errorf("a mediator created an account: %v", err)
	}
}

// An administrator disables a colleague, who can no longer sign in, then
// enables them again; nobody disables themselves or the last administrator,
// and only an administrator may.
func TestAdminDisablesAndEnablesAnAccount(t *testing.T) {
	desk, err := staff.OpenDesk(t.TempDir(), store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	s, _, err := desk.SetUp(goodForm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount("Yanis Benali", "yanis", staff.Mediator, "le vélo du lundi"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled("camille", true); !errors.Is(err, staff.ErrDisableSelf) {
		t.Errorf("disabling oneself = %v", err)
	}
	if err := s.SetDisabled("yanis", true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := desk.SignIn("yanis", "le vélo du lundi"); !errors.Is(err, staff.ErrAccountDisabled) {
		t.Errorf("a disabled colleague signs in: %v", err)
	}
	if s, err = desk.SignIn("camille", "un mot de passe"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled("yanis", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount("Nora Admin", "nora", staff.Admin, "une autre phrase"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	m, err := desk.SignIn("yanis", "le vélo du lundi")
	if err != nil {
		t.Fatalf("enabled again, yanis cannot sign in: %v", err)
	}
	if err := m.SetDisabled("camille", true); !errors.Is(err, staff.ErrNotAllowed) {
		t.Errorf("a mediator disabling an administrator = %v", err)
	}
	m.Close()
	// With two administrators, one may disable the other, but not the last one left.
	n, err := desk.SignIn("nora", "une autre phrase")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.SetDisabled("camille", true); err != nil {
		t.Errorf("disabling another administrator = %v", err)
	}
	n.Close()
	if s, err = desk.SignIn("yanis", "le vélo du lundi"); err != nil {
		t.Fatal(err)
	}
	s.Close()
}
