package app_test

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/app"
	"relais/audit"
	"relais/staff"
	"relais/store"
)

const (
	receptionName     = "Awa Diallo"
	receptionLogin    = "awa"
	receptionPassword = "le thé à la menthe"
)

// drawnIn lists o and everything drawn inside it: containers' objects and
// widgets' renderers, as a person sees them (the test reaches the dialog
// the way a click does, through what is on screen).
func drawnIn(o fyne.CanvasObject) []fyne.CanvasObject {
	out := []fyne.CanvasObject{o}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			out = append(out, drawnIn(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = append(out, drawnIn(c)...)
		}
	}
	return out
}

// buttonIn returns the visible button of o that reads text, or nil.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	for _, c := range drawnIn(o) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

// passwordDialog is the « Changer mon mot de passe » dialog as shown.
type passwordDialog struct {
	current, next, again *widget.Entry
	save                 *widget.Button
	problem              *widget.Label
}

// openPasswordChange opens Settings and taps « Changer mon mot de passe… ».
func openPasswordChange(t *testing.T, u *app.UI) passwordDialog {
	t.Helper()
	u.OpenSection(app.SectionSettings)
	b := buttonIn(u.Window().Content(), lang.L("Change my password…"))
	if b == nil {
		t.Fatalf("Settings has no « %s » for %s", lang.L("Change my password…"), u.Session().Account.Role)
	}
	test.Tap(b)
	top := u.Window().Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog opens")
	}
	var d passwordDialog
	for _, o := range drawnIn(top) {
		switch x := o.(type) {
		case *widget.Form:
			for _, it := range x.Items {
				e, _ := it.Widget.(*widget.Entry)
				switch it.Text {
				case lang.L("Current password"):
					d.current = e
				case lang.L("New password"):
					d.next = e
				case lang.L("New password again"):
					d.again = e
				}
			}
		case *widget.Label:
			if x.Importance == widget.DangerImportance {
				d.problem = x
			}
		case *widget.Button:
			if x.Text == lang.L("Save the new password") {
				d.save = x
			}
		}
	}
	if d.current == nil || d.next == nil || d.again == nil || d.save == nil || d.problem == nil {
		t.Fatalf("the dialog lacks a field, its button or its problem line: %+v", d)
	}
	for _, e := range []*widget.Entry{d.current, d.next, d.again} {
		if !e.Password {
			t.Error("a password shows in clear")
		}
	}
	return d
}

// try fills the dialog, taps its button and returns the problem shown.
func (d passwordDialog) try(t *testing.T, u *app.UI, current, next, again string) string {
	t.Helper()
	for _, f := range []struct {
		e    *widget.Entry
		text string
	}{{d.current, current}, {d.next, next}, {d.again, again}} {
		f.e.SetText("")
		test.Type(f.e, f.text)
	}
	test.Tap(d.save)
	u.WaitIdle(t)
	if !d.problem.Visible() {
		return ""
	}
	return d.problem.Text
}

// passwordShot writes the window to $RELAIS_SCREENSHOTS/name.png, when set.
func passwordShot(t *testing.T, u *app.UI, name string) {
	t.Helper()
	dir := os.Getenv("RELAIS_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, u.Window().Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// deskWithReception sets up a centre with its administrator and Awa at the
// front desk.
func deskWithReception(t *testing.T) *staff.Desk {
	t.Helper()
	desk := openDesk(t, t.TempDir())
	s, _, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddAccount(receptionName, receptionLogin, staff.Reception, receptionPassword); err != nil {
		t.Fatal(err)
	}
	return desk
}

// Awa, at the front desk, changes her own password from Settings: each
// mistake is refused with its own message and changes nothing; then the
// change is confirmed, she stays signed in, and at the next sign-in only
// the new password opens. The journal notes it.
func TestChangeMyPasswordAtTheFrontDesk(t *testing.T) {
	desk := deskWithReception(t)
	u := newUI(t, fresh(t), desk)
	u.Window().Resize(fyne.NewSize(1100, 720))
	signInWith(t, u, receptionLogin, receptionPassword)
	u.OpenSection(app.SectionSettings)
	passwordShot(t, u, "settings-my-account")
	d := openPasswordChange(t, u)
	passwordShot(t, u, "password-change-dialog")
	if u.Window().Canvas().Focused() != d.current {
		t.Error("the current password's field does not have the focus")
	}
	dlg := u.Window().Canvas().Overlays().Top()
	const newPassword = "une soupe au potiron"
	stillOld := func(what string) {
		t.Helper()
		if _, err := desk.Folder().Keyring().UnlockPassword(receptionLogin, receptionPassword); err != nil {
			t.Errorf("%s: the old password no longer opens", what)
		}
		if u.Window().Canvas().Overlays().Top() != dlg {
			t.Errorf("%s: the dialog closed", what)
		}
	}
	for _, c := range []struct {
		name                 string
		current, next, again string
		want                 error
	}{
		{"wrong current password", "le the a la menthe", newPassword, newPassword, staff.ErrCurrentPasswordWrong},
		{"new passwords differ", receptionPassword, newPassword, newPassword + "!", staff.ErrPasswordMismatch},
		{"new password too short", receptionPassword, "soupe", "soupe", staff.ErrNewPasswordTooShort.With("min", store.MinPasswordLength)},
		{"new password is the current one", receptionPassword, receptionPassword, receptionPassword, staff.ErrNewPasswordSame},
	} {
		got := d.try(t, u, c.current, c.next, c.again)
		if want := app.Message(c.want); got != want {
			t.Errorf("%s: problem %q, want %q", c.name, got, want)
		}
		if !strings.Contains(got, "Rien n'a été changé") {
			t.Errorf("%s: %q does not say nothing was changed", c.name, got)
		}
		stillOld(c.name)
		if c.want == staff.ErrCurrentPasswordWrong && d.current.Text != "" {
			t.Errorf("after a wrong current password, its field still holds %q", d.current.Text)
		}
		passwordShot(t, u, "password-change-"+strings.ReplaceAll(c.name, " ", "-"))
	}

	if p := d.try(t, u, receptionPassword, newPassword, newPassword); p != "" {
		t.Fatalf("the change is refused: %q", p)
	}
	info := u.Window().Canvas().Overlays().Top()
	if info == nil || info == dlg {
		t.Fatal("no confirmation replaces the dialog")
	}
	confirmed := false
	for _, o := range drawnIn(info) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "l'ancien ne fonctionne plus") {
			confirmed = true
		}
	}
	if !confirmed {
		t.Error("the confirmation does not say the old password no longer works")
	}
	passwordShot(t, u, "password-changed")
	if u.Screen() != app.ScreenHome || u.Session() == nil {
		t.Fatalf("the change signed Awa out: screen %s", u.Screen())
	}

	// Next sign-in: the old password is refused, the new one opens.
	test.Tap(u.SwitchUserButton())
	f := u.UnlockForm()
	f.Login.SetText(receptionLogin)
	signIn(t, u, receptionPassword)
	if u.Screen() != app.ScreenUnlock || f.Problem.Text != app.Message(store.ErrWrongPassword) {
		t.Errorf("the old password: screen %s, problem %q", u.Screen(), f.Problem.Text)
	}
	signInWith(t, u, receptionLogin, newPassword)

	// The administrator reads the change in the journal, under its name.
	test.Tap(u.SwitchUserButton())
	signInWith(t, u, login, password)
	j, err := audit.Open(u.Session().DB).Journal(u.Session().Actor())
	if err != nil {
		t.Fatal(err)
	}
	es, err := j.List(audit.Filter{Action: actor.PasswordChanged}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Login != receptionLogin {
		t.Errorf("the journal holds %+v, want Awa's change", es)
	}
	if v := openJournal(t, u); !slices.Contains(v.Action.Options, lang.L("Own password changed")) {
		t.Errorf("the journal's actions %q do not offer the change", v.Action.Options)
	}
}

// « Mon compte » and its button are in Settings for every role.
func TestChangeMyPasswordForEveryRole(t *testing.T) {
	desk := openDesk(t, t.TempDir())
	s, _, err := desk.SetUp(staff.FirstRun{CentreName: centreName, AdminName: adminName, Login: login, Password: password, PasswordAgain: password})
	if err != nil {
		t.Fatal(err)
	}
	logins := map[staff.Role]string{staff.Admin: login}
	for _, r := range []staff.Role{staff.Reception, staff.Mediator, staff.Coordinator} {
		logins[r] = "compte-" + string(r)
		if _, err := s.AddAccount("Compte "+string(r), logins[r], r, password); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	u := newUI(t, fresh(t), desk)
	for _, r := range staff.Roles() {
		signInWith(t, u, logins[r], password)
		d := openPasswordChange(t, u)
		if d.save.Disabled() {
			t.Errorf("%s: the button is disabled", r)
		}
		test.Tap(u.SwitchUserButton())
	}
}
