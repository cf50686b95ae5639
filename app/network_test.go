package app_test

import (
	"context"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"relais/actor"
	"relais/app"
	"relais/network"
	"relais/people"
	"relais/staff"
	"relais/sync/peer"
)

// partnerCentre is another centre, run without a window: its store, its
// people and its network node on loopback.
type partnerCentre struct {
	session *staff.Session
	people  *people.Service
	net     *network.Service
}

func newPartnerCentre(t *testing.T) *partnerCentre {
	t.Helper()
	desk := setUpDesk(t)
	s, err := desk.SignIn(login, password)
	if err != nil {
		t.Fatal(err)
	}
	ppl, err := people.NewService(s.DB, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := network.Open(s.DB, "Centre B", network.Options{Who: actor.System(""), Listen: "tcp://127.0.0.1:0",
		Tune: func(c *peer.Config) { c.RetryMin, c.RetryMax = 20*time.Millisecond, 200*time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := nw.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close(); s.Close() })
	return &partnerCentre{session: s, people: ppl, net: nw}
}

func openNetwork(t *testing.T, u *app.UI) app.NetworkView {
	t.Helper()
	u.OpenSection(app.SectionNetwork)
	v := u.NetworkView()
	if !v.Open {
		t.Fatal("the Network section does not open")
	}
	return v
}

func waitUI(t *testing.T, u *app.UI, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 15 s", what)
		}
		u.WaitIdle(t)
		time.Sleep(20 * time.Millisecond)
	}
}

// An administrator makes another centre a partner on the Network page: a
// typo in its id is caught, the right id connects, a person registered
// there with consent shows up in this centre's search, and removing the
// partner disconnects it.
func TestNetworkPageConnectsAPartner(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	v := openNetwork(t, u)
	if v.ID != u.NetworkDevice() || len(v.ID) != 63 {
		t.Errorf("shown id %q, want %q", v.ID, u.NetworkDevice())
	}
	if v.QR == nil || v.QR.Bounds().Dx() < 100 {
		t.Errorf("no QR code drawn: %v", v.QR)
	}
	if !v.Empty || len(v.Partners) != 0 {
		t.Errorf("a new centre shows partners: %+v", v.Partners)
	}
	if !strings.Contains(v.ReachAt, "127.0.0.1:") {
		t.Errorf("reach-at line %q does not give the loopback address the test listens on", v.ReachAt)
	}

	b := newPartnerCentre(t)
	// A typo: one character changed.
	typo := []byte(b.net.DeviceID())
	typo[9] ^= 1
	test.Type(v.Name, "Centre B")
	test.Type(v.Device, string(typo))
	test.Tap(v.Add)
	u.WaitIdle(t)
	v = u.NetworkView()
	if want := lang.L("problems.peer.bad_device_id"); v.Problem == "" || v.Problem == want {
		t.Errorf("a typo in the id gave %q", v.Problem)
	}
	if len(v.Partners) != 0 {
		t.Fatal("a partner was added with a wrong id")
	}
	v.Device.SetText(strings.ToLower(b.net.DeviceID()))
	v.Address.SetText(b.net.Status().Listening)
	test.Tap(v.Add)
	u.WaitIdle(t)
	v = u.NetworkView()
	if v.Problem != "" || len(v.Partners) != 1 || v.Empty {
		t.Fatalf("after adding: problem %q, partners %+v", v.Problem, v.Partners)
	}
	if v.Device.Text != "" || v.Name.Text != "" {
		t.Error("the form is not emptied after a partner is added")
	}
	if _, err := b.net.AddPartner(u.NetworkDevice(), "", "Centre A"); err != nil {
		t.Fatal(err)
	}
	waitUI(t, u, "the partner shown connected and synced", func() bool {
		p := u.NetworkView().Partners[0]
		return p.State == lang.L("connected") && p.Last != lang.L("Never synchronised yet")
	})

	// A person registered at B, who agreed to sharing, is found here.
	_, err := b.people.Register(people.Person{FirstName: "Awa", LastName: "Partagée", NoPhone: true,
		Consent: people.Consent{Given: true, By: "admin", Purpose: "Suivi des démarches"}})
	if err != nil {
		t.Fatal(err)
	}
	waitUI(t, u, "B's person found in A's search", func() bool { return u.PeopleFound("partagée") == 1 })

	p := u.NetworkView().Partners[0]
	if p.Remove == nil {
		t.Fatal("no Remove button for an administrator")
	}
	u.RemovePartnerConfirmed(b.net.DeviceID())
	u.WaitIdle(t)
	if v := u.NetworkView(); len(v.Partners) != 0 || !v.Empty {
		t.Errorf("after removing: %+v", v.Partners)
	}
}

// A mediator sees the centre's id and partners, but cannot change them.
func TestNetworkPageReadOnlyForNonAdmins(t *testing.T) {
	u := newUI(t, fresh(t), deskWithMediator(t))
	f := u.UnlockForm()
	f.Login.SetText(mediatorLogin)
	signIn(t, u, mediatorPassword)
	v := openNetwork(t, u)
	if v.ID == "" {
		t.Error("no id shown")
	}
	if v.Add.Visible() {
		t.Error("a mediator can add partners")
	}
}

// An administrator sets the network's relay and folder password, and adds
// an encrypted mailbox: a bad relay address or a short password is refused
// with a plain message and changes nothing; a mailbox without the password
// is refused; the password is never shown again once saved.
func TestNetworkPageSettingsAndMailbox(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	openNetwork(t, u)
	s := u.NetworkSettingsView()
	if s.Relay == nil || s.Password == nil || s.Kind == nil {
		t.Fatal("no settings form for an administrator")
	}
	if s.RelayState != lang.L("Relay: none. Partners on other networks need an address they can reach.") ||
		s.PasswordState != lang.L("Folder password: not typed yet. An encrypted mailbox needs it.") {
		t.Errorf("a new centre's settings: %q, %q", s.RelayState, s.PasswordState)
	}

	test.Type(s.Relay, "relais.mon-reseau.fr")
	test.Tap(s.SaveRelay)
	u.WaitIdle(t)
	if s = u.NetworkSettingsView(); s.Problem == "" || !strings.Contains(s.Problem, "relay://") {
		t.Errorf("a bad relay address gave %q", s.Problem)
	}
	if u.NetworkStatus().Relay != "" {
		t.Error("a bad relay address was saved")
	}

	// A mailbox before the password.
	mbox, _ := peer.NewIdentity()
	v := u.NetworkView()
	s.Kind.SetSelected(lang.L("Encrypted mailbox"))
	test.Type(v.Name, "Boîte aux lettres du réseau")
	test.Type(v.Device, mbox.DeviceID())
	test.Type(v.Address, "127.0.0.1:22000")
	test.Tap(v.Add)
	u.WaitIdle(t)
	if v = u.NetworkView(); v.Problem != lang.X("network.no_folder_password", "") || len(v.Partners) != 0 {
		t.Fatalf("a mailbox without the password: problem %q, partners %d", v.Problem, len(v.Partners))
	}

	test.Type(s.Password, "court")
	test.Tap(s.SavePassword)
	u.WaitIdle(t)
	if s = u.NetworkSettingsView(); !strings.Contains(s.Problem, "12") || u.NetworkStatus().FolderPassword {
		t.Errorf("a short password: problem %q, saved %v", s.Problem, u.NetworkStatus().FolderPassword)
	}
	s.Password.SetText("le secret du réseau, 2026")
	test.Tap(s.SavePassword)
	u.WaitIdle(t)
	s = u.NetworkSettingsView()
	if s.Problem != "" || s.Password.Text != "" || !u.NetworkStatus().FolderPassword ||
		s.PasswordState != lang.L("Folder password: saved (it is never shown again).") {
		t.Errorf("after saving the password: problem %q, entry %q, state %q", s.Problem, s.Password.Text, s.PasswordState)
	}

	test.Tap(v.Add)
	u.WaitIdle(t)
	v = u.NetworkView()
	if v.Problem != "" || len(v.Partners) != 1 {
		t.Fatalf("adding the mailbox: problem %q, partners %d", v.Problem, len(v.Partners))
	}
	if p := u.NetworkStatus().Partners[0]; p.Type != network.Mailbox || p.Name != "Boîte aux lettres du réseau" {
		t.Errorf("the mailbox is stored as %+v", p)
	}
	if s = u.NetworkSettingsView(); s.PartnerHeads[0] != lang.L("not connected") {
		t.Errorf("the mailbox row says %q", s.PartnerHeads[0])
	}
	if os.Getenv("RELAIS_SCREENSHOTS") != "" {
		w := u.Window()
		w.Resize(fyne.NewSize(1000, 1300))
		u.WaitIdle(t)
		w.Content().Refresh()
		u.WaitIdle(t)
		f, err := os.Create(os.Getenv("RELAIS_SCREENSHOTS") + "/network-settings.png")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
}
