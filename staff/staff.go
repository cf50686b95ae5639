// Package staff holds the people who work in a centre: their accounts and
// roles, the first-run set-up of a data folder, and signing in.
package staff

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/appointments"
	"relais/problem"
	"relais/store"
)

// Kind is the record kind of a staff account.
const Kind = "staff"

// Role is what a member of staff may do (package actor holds the matrix).
type Role = actor.Role

// The roles of a centre.
const (
	Reception   = actor.Reception
	Mediator    = actor.Mediator
	Coordinator = actor.Coordinator
	Admin       = actor.Admin
)

// Account is a member of staff. Their password lives only in the folder's
// keyring, as a keyslot; the account record is shared with the network so a
// colleague's name shows on appointments everywhere.
type Account struct {
	Login    string `json:"login"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Centre   string `json:"centre"` // id of the centre record
	Disabled bool   `json:"disabled,omitempty"`
}

// Problems of staff accounts.
var (
	ErrNameMissing      = problem.Register("staff.name_missing")
	ErrNameTooLong      = problem.Register("staff.name_too_long")
	ErrBadLogin         = problem.Register("staff.bad_login")
	ErrPasswordMismatch = problem.Register("staff.password_mismatch")
	ErrAccountDisabled  = problem.Register("staff.account_disabled")
)

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// Indexes are the staff indexes the store keeps.
func Indexes() []store.Index {
	return []store.Index{
		store.IndexOn(Kind, "login", 1, func(a Account) []string { return []string{a.Login} }),
	}
}

// Accounts gives typed access to staff records.
func Accounts(db *store.DB) store.Collection[Account] {
	return store.NewCollection[Account](db, Kind)
}

// FirstRun is what the set-up screen asks for on a new computer.
type FirstRun struct {
	CentreName    string
	AdminName     string
	Login         string
	Password      string
	PasswordAgain string
}

// Validate checks the set-up form; the first problem found is returned.
func (f FirstRun) Validate() error {
	if _, err := (appointments.Centre{Name: f.CentreName}).Normalise(); err != nil {
		return err
	}
	if err := checkName(f.AdminName); err != nil {
		return err
	}
	if !loginPattern.MatchString(store.NormaliseLogin(f.Login)) {
		return ErrBadLogin
	}
	if err := store.CheckPassword(f.Password); err != nil {
		return err
	}
	if f.Password != f.PasswordAgain {
		return ErrPasswordMismatch
	}
	return nil
}

func checkName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return ErrNameMissing
	}
	if utf8.RuneCountInString(name) > appointments.MaxNameLength {
		return ErrNameTooLong.With("max", appointments.MaxNameLength)
	}
	return nil
}

// Desk is this computer's data folder as the front desk sees it: locked for
// this process, set up once, then signed into by each member of staff.
type Desk struct {
	folder   *store.Folder
	opts     store.Options
	attempts *attempts
	// Now is the clock of the wait after wrong passwords (tests set it).
	Now func() time.Time
}

// OpenDesk locks the data folder dir. opts.Indexes should hold every domain
// package's indexes (schema.Options); the staff ones are added when missing,
// since signing in needs them.
func OpenDesk(dir string, opts store.Options) (*Desk, error) {
	f, err := store.OpenFolder(dir)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for _, ix := range opts.Indexes {
		declared[ix.Kind+"/"+ix.Name] = true
	}
	opts.Indexes = append([]store.Index(nil), opts.Indexes...)
	for _, ix := range Indexes() {
		if !declared[ix.Kind+"/"+ix.Name] {
			opts.Indexes = append(opts.Indexes, ix)
		}
	}
	return &Desk{folder: f, opts: opts, attempts: loadAttempts(f.SignInAttemptsPath()), Now: time.Now}, nil
}

// NeedsSetUp reports whether the folder is new.
func (d *Desk) NeedsSetUp() bool { return d.folder.IsNew() }

// Dir returns the data folder's path.
func (d *Desk) Dir() string { return d.folder.Dir() }

// Folder returns the underlying data folder, for backup and restore.
func (d *Desk) Folder() *store.Folder { return d.folder }

// Options returns the store options the desk opens its store with.
func (d *Desk) Options() store.Options { return d.opts }

// Close releases the folder. Close any session first.
func (d *Desk) Close() error { return d.folder.Close() }

// Session is a member of staff signed in, with the store open.
type Session struct {
	DB       *store.DB
	Account  Account
	CentreID string
	Centre   appointments.Centre

	desk   *Desk
	master []byte
	who    *actor.Actor
}

// Close closes the store; the desk stays locked for the next sign-in.
func (s *Session) Close() error { return s.DB.Close() }

// SetUp creates the folder's store, the centre and its first admin, and
// returns the signed-in session with the recovery key to print.
func (d *Desk) SetUp(f FirstRun) (*Session, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	centre, _ := (appointments.Centre{Name: f.CentreName}).Normalise()
	login := store.NormaliseLogin(f.Login)
	db, code, err := d.folder.Initialise(login, f.Password, d.opts)
	if err != nil {
		return nil, "", err
	}
	master, err := d.folder.Keyring().UnlockPassword(login, f.Password)
	if err != nil {
		db.Close()
		return nil, "", err
	}
	s := &Session{DB: db, CentreID: store.NewID(), Centre: centre, desk: d, master: master}
	s.Account = Account{Login: login, Name: strings.TrimSpace(f.AdminName), Role: Admin, Centre: s.CentreID}
	s.who = actor.New(s.Account.Login, s.Account.Name, s.Account.Role, s.CentreID)
	err = db.Update(func(tx *store.Tx) error {
		if _, err := store.PutIn(tx, appointments.CentreKind, s.CentreID, centre, store.ScopeNetwork); err != nil {
			return err
		}
		_, err := store.PutIn(tx, Kind, store.NewID(), s.Account, store.ScopeNetwork)
		return err
	})
	if err != nil {
		db.Close()
		return nil, "", err
	}
	return s, code, nil
}

// SignIn unlocks the store with a member of staff's password.
func (d *Desk) SignIn(login, password string) (*Session, error) {
	if d.folder.IsNew() {
		return nil, store.ErrNotAFolder.With("dir", d.folder.Dir())
	}
	who := store.NormaliseLogin(login)
	if err := d.attempts.check(who, d.Now()); err != nil {
		return nil, err // the password is not even tried
	}
	master, err := d.folder.Keyring().UnlockPassword(login, password)
	if errors.Is(err, store.ErrWrongPassword) {
		d.attempts.failed(who, d.Now())
	}
	if err != nil {
		return nil, err
	}
	db, err := d.folder.Open(master, d.opts)
	if err != nil {
		return nil, err
	}
	s, err := session(db, who)
	if err != nil {
		db.Close()
		return nil, err
	}
	d.attempts.succeeded(who)
	s.desk, s.master = d, master
	return s, nil
}

func session(db *store.DB, login string) (*Session, error) {
	_, acc, err := Accounts(db).FindOne("login", login)
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ErrWrongPassword // a keyslot without an account: treat as unknown
	}
	if err != nil {
		return nil, err
	}
	if acc.Disabled {
		return nil, ErrAccountDisabled
	}
	s := &Session{DB: db, Account: acc, CentreID: acc.Centre}
	s.who = actor.New(acc.Login, acc.Name, acc.Role, acc.Centre)
	if s.Centre, _, err = appointments.Centres(db).Get(acc.Centre); err != nil {
		return nil, err
	}
	return s, nil
}

// Backup writes an encrypted backup of the whole store to w. The file opens
// with any staff password of today, or with the recovery key.
func (s *Session) Backup(w io.Writer) error {
	_, err := s.DB.Backup(w, s.desk.folder.Keyring(), s.master)
	return err
}

// Check verifies the store's records, change feed and indexes.
func (s *Session) Check() (store.Report, error) { return s.DB.Check() }

// Restore replaces the folder's data with a backup, opened with the login
// and password of an account that existed when it was made. No session may
// be open. The folder is unchanged if anything is wrong with the file.
func (d *Desk) Restore(r io.Reader, login, password string) error {
	_, err := d.folder.Restore(r, func(k *store.Keyring) ([]byte, error) {
		master, err := k.UnlockPassword(login, password)
		if err != nil {
			return nil, store.ErrBackupWrongKey
		}
		return master, nil
	}, d.opts)
	return err
}

// RestoreWithRecoveryKey is Restore with the backup's recovery key.
func (d *Desk) RestoreWithRecoveryKey(r io.Reader, code string) error {
	_, err := d.folder.Restore(r, func(k *store.Keyring) ([]byte, error) {
		master, err := k.UnlockRecovery(code)
		if err != nil {
			return nil, store.ErrBackupWrongKey
		}
		return master, nil
	}, d.opts)
	return err
}

// Problems of account management.
var (
	ErrNotAllowed  = actor.ErrNotAllowed
	ErrLoginTaken  = problem.Register("staff.login_taken")
	ErrUnknownRole = problem.Register("staff.unknown_role")
	ErrDisableSelf = problem.Register("staff.disable_self")
	// ErrUnknownLogin: no account has this login.
	ErrUnknownLogin = problem.Register("staff.unknown_login")
)

// Roles lists the roles, from the front desk to the administrator.
func Roles() []Role { return actor.Roles() }

// Actor is the signed-in member of staff as the domain services see them:
// one for the session, so that the audit log given to it (Recording)
// records the session's account changes too.
func (s *Session) Actor() *actor.Actor { return s.who }

// AddAccount creates a colleague's account at the session's centre, with
// their own password (a keyslot of the folder). Only an administrator may.
func (s *Session) AddAccount(name, login string, role Role, password string) (string, error) {
	if err := s.who.Check(actor.ManageAccounts); err != nil {
		return "", err
	}
	if err := checkName(name); err != nil {
		return "", err
	}
	login = store.NormaliseLogin(login)
	if !loginPattern.MatchString(login) {
		return "", ErrBadLogin
	}
	known := false
	for _, r := range Roles() {
		known = known || r == role
	}
	if !known {
		return "", ErrUnknownRole
	}
	if err := store.CheckPassword(password); err != nil {
		return "", err
	}
	if _, _, err := Accounts(s.DB).FindOne("login", login); err == nil {
		return "", ErrLoginTaken.With("login", login)
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	// The keyslot first: an account without a password is harmless (it
	// cannot sign in), a password without an account would be refused.
	if err := s.desk.folder.SetPassword(s.master, login, password, s.desk.opts); err != nil {
		return "", err
	}
	id := store.NewID()
	acc := Account{Login: login, Name: strings.TrimSpace(name), Role: role, Centre: s.CentreID}
	if err := s.putAccount(id, acc); err != nil {
		return "", err
	}
	return id, nil
}

// putAccount writes an account and notes it in the audit log.
func (s *Session) putAccount(id string, acc Account) error {
	return s.DB.Update(func(tx *store.Tx) error {
		if _, err := store.PutIn(tx, Kind, id, acc, store.ScopeNetwork); err != nil {
			return err
		}
		return s.who.Log(tx, actor.AccountChanged, "", Kind+"/"+id)
	})
}

// SetPasswordOf gives an existing account a new password (a new keyslot).
// Only an administrator may; the account must exist. Staff screens reset a
// password with the recovery key instead (ResetPassword): this is for the
// demo's accounts.
func (s *Session) SetPasswordOf(login, password string) error {
	if err := s.who.Check(actor.ManageAccounts); err != nil {
		return err
	}
	login = store.NormaliseLogin(login)
	if _, _, err := Accounts(s.DB).FindOne("login", login); err != nil {
		return err
	}
	return s.desk.folder.SetPassword(s.master, login, password, s.desk.opts)
}

// ResetPassword gives a colleague's account a new password, for an
// administrator who holds the centre's recovery key (printed at set-up):
// the key, not only the session, proves the reset is deliberate. A wrong key
// gives store.ErrWrongRecovery and changes nothing.
func (s *Session) ResetPassword(code, login, password string) error {
	if err := s.who.Check(actor.ManageAccounts); err != nil {
		return err
	}
	master, err := s.desk.folder.Keyring().UnlockRecovery(code)
	if err != nil {
		return err
	}
	if !bytes.Equal(master, s.master) {
		return store.ErrWrongRecovery
	}
	return s.desk.resetPassword(s.DB, master, s.who, login, password)
}

// ResetPassword gives an account a new password with the centre's recovery
// key, on the sign-in screen, when nobody can sign in (the only
// administrator forgot their password). The store is opened for the time
// of the change, which is noted in the audit log as Relais's.
func (d *Desk) ResetPassword(code, login, password string, audit func(db *store.DB) actor.Recorder) error {
	master, err := d.folder.Keyring().UnlockRecovery(code)
	if err != nil {
		return err
	}
	db, err := d.folder.Open(master, d.opts)
	if err != nil {
		return err
	}
	defer db.Close()
	who := actor.System("")
	if audit != nil {
		who.Recording(audit(db))
	}
	return d.resetPassword(db, master, who, login, password)
}

func (d *Desk) resetPassword(db *store.DB, master []byte, who *actor.Actor, login, password string) error {
	login = store.NormaliseLogin(login)
	if err := store.CheckPassword(password); err != nil {
		return err
	}
	id, _, err := Accounts(db).FindOne("login", login)
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnknownLogin.With("login", login)
	}
	if err != nil {
		return err
	}
	err = d.rewrap(db, master, login, password, func(tx *store.Tx) error {
		return who.Log(tx, actor.AccountChanged, "", Kind+"/"+id)
	})
	if err != nil {
		return err
	}
	// Forget the account's wrong passwords: the new one works at once.
	d.attempts.succeeded(login)
	return nil
}

// rewrap gives login the password inside the store transaction that notes
// the change in the journal (note): the keyring file is replaced (written
// beside, then renamed over) after the note is written and before it is
// committed. A crash leaves the old password working or the new one, never
// neither; one after the rename but before the commit leaves the new
// password without its journal entry. When the note or the commit fails,
// the keyring is put back, so the error means nothing changed; should that
// fail too, the new password is the one that works, and rewrap says so
// with nil.
func (d *Desk) rewrap(db *store.DB, master []byte, login, password string, note func(tx *store.Tx) error) error {
	var undo func() error
	err := db.Update(func(tx *store.Tx) error {
		if err := note(tx); err != nil {
			return err
		}
		if err := crashAt(stepNoted); err != nil {
			return err
		}
		u, err := d.folder.SetPasswordUndoably(master, login, password, d.opts)
		if err != nil {
			return err
		}
		undo = u
		return crashAt(stepRewrapped)
	})
	if err != nil && undo != nil && undo() != nil {
		return nil
	}
	return err
}

// Problems of changing one's own password. Each one changes nothing.
var (
	// ErrCurrentPasswordWrong: the password typed as the current one is not
	// it. It counts as a wrong password at sign-in (ErrWaitBeforeRetry).
	ErrCurrentPasswordWrong = problem.Register("staff.current_password_wrong")
	// ErrNewPasswordTooShort: the new password breaks store.CheckPassword's
	// rule; "min" is the shortest length it accepts.
	ErrNewPasswordTooShort = problem.Register("staff.new_password_too_short")
	// ErrNewPasswordSame: the new password is the current one.
	ErrNewPasswordSame = problem.Register("staff.new_password_same")
)

// The steps of rewrap (changing or resetting a password) a test may stop
// the process at, as a power cut would.
const (
	stepNoted     = "noted"     // the journal entry written, not committed
	stepRewrapped = "rewrapped" // the keyring holds the new password, the entry is not committed
)

// crashAt runs at each step of rewrap; only tests set it, to stop
// the process there or to fail the step with an error.
var crashAt = func(step string) error { return nil }

// ChangePassword gives the signed-in member of staff the password next in
// place of current, which they type again to prove it is them at the desk.
// Every role may, for their own account only, while it is enabled.
//
// A wrong current password gives ErrCurrentPasswordWrong and counts as a
// wrong password at sign-in: after a few, ErrWaitBeforeRetry, as on the
// sign-in screen, so the form guesses no faster. The new password follows
// the rule of every password (ErrNewPasswordTooShort) and differs from the
// current one (ErrNewPasswordSame). A refusal changes nothing.
//
// The change is noted PasswordChanged in the journal, and made as rewrap
// says: a crash leaves the old password working or the new one, never
// neither.
func (s *Session) ChangePassword(current, next string) error {
	login := s.Account.Login
	// Read the account again: it may have been disabled since signing in.
	id, acc, err := Accounts(s.DB).FindOne("login", login)
	if err != nil {
		return err
	}
	if acc.Disabled {
		return ErrAccountDisabled
	}
	if next == current {
		return ErrNewPasswordSame
	}
	if err := store.CheckPassword(next); err != nil {
		return ErrNewPasswordTooShort.With("min", store.MinPasswordLength).Because(err)
	}
	d := s.desk
	if err := d.attempts.check(login, d.Now()); err != nil {
		return err // the current password is not even tried
	}
	master, err := d.folder.Keyring().UnlockPassword(login, current)
	if err == nil && !bytes.Equal(master, s.master) {
		err = store.ErrWrongPassword // another folder's key: cannot happen, refuse all the same
	}
	if errors.Is(err, store.ErrWrongPassword) {
		d.attempts.failed(login, d.Now())
		return ErrCurrentPasswordWrong.Because(err)
	}
	if err != nil {
		return err
	}
	d.attempts.succeeded(login)
	return d.rewrap(s.DB, s.master, login, next, func(tx *store.Tx) error {
		return s.who.Log(tx, actor.PasswordChanged, "", Kind+"/"+id)
	})
}

// SetDisabled disables an account (it can no longer sign in, even with
// the right password; its history stays) or enables it again. Only an
// administrator may, and nobody disables themselves: so an administrator
// who can sign in always remains.
func (s *Session) SetDisabled(login string, disabled bool) error {
	if err := s.who.Check(actor.ManageAccounts); err != nil {
		return err
	}
	login = store.NormaliseLogin(login)
	if disabled && login == s.Account.Login {
		return ErrDisableSelf
	}
	accounts := Accounts(s.DB)
	id, acc, err := accounts.FindOne("login", login)
	if err != nil {
		return err
	}
	if acc.Disabled == disabled {
		return nil
	}
	acc.Disabled = disabled
	return s.putAccount(id, acc)
}
