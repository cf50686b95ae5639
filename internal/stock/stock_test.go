package stock

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"tcp://127.0.0.1:22000", true},
		{"tcp://127.3.4.5:22000", true},
		{"tcp://[::1]:22000", true},
		{"quic://127.0.0.1:22000", true},
		{"relay://127.0.0.1:22067/?id=ABC", true},
		{"dynamic", false},
		{"tcp://localhost:22000", false},
		{"tcp://0.0.0.0:22000", false},
		{"tcp://:22000", false},
		{"tcp://192.168.1.2:22000", false},
		{"tcp://127.0.0.1", false},
		{"tcp://127.0.0.1:0", false},
		{"http://127.0.0.1:8384", false},
		{"relay://relays.syncthing.net:443/", false},
	}
	for _, tt := range tests {
		err := checkURL(tt.addr)
		if (err == nil) != tt.ok {
			t.Errorf("checkURL(%q) = %v, want ok=%v", tt.addr, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrNotLoopback) {
			t.Errorf("checkURL(%q) = %v, want ErrNotLoopback", tt.addr, err)
		}
	}
}

// xmlOptions is the options section of a config.xml, as Syncthing reads it.
type xmlOptions struct {
	Listen            []string `xml:"listenAddress"`
	AnnounceServers   []string `xml:"globalAnnounceServer"`
	GlobalAnnounce    string   `xml:"globalAnnounceEnabled"`
	LocalAnnounce     string   `xml:"localAnnounceEnabled"`
	Relays            string   `xml:"relaysEnabled"`
	NAT               string   `xml:"natEnabled"`
	StunServers       []string `xml:"stunServer"`
	AnnounceLAN       string   `xml:"announceLANAddresses"`
	StartBrowser      string   `xml:"startBrowser"`
	URAccepted        string   `xml:"urAccepted"`
	AutoUpgrade       string   `xml:"autoUpgradeIntervalH"`
	CrashReporting    string   `xml:"crashReportingEnabled"`
	ReleasesURL       string   `xml:"releasesURL"`
	URURL             string   `xml:"urURL"`
	CrashReportingURL string   `xml:"crashReportingURL"`
}

func readOptions(t *testing.T, home string) (xmlOptions, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(home, "config.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		GUI struct {
			Address string `xml:"address"`
		} `xml:"gui"`
		Options xmlOptions `xml:"options"`
		Folders []struct {
			ID string `xml:"id,attr"`
		} `xml:"folder"`
	}
	if err := xml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Folders) != 0 {
		t.Errorf("config.xml has folders %v before any was added", c.Folders)
	}
	return c.Options, c.GUI.Address
}

// checkOptions fails unless every setting that reaches the internet is off.
func checkOptions(t *testing.T, o xmlOptions, gui string) {
	t.Helper()
	for name, got := range map[string]string{
		"globalAnnounceEnabled": o.GlobalAnnounce, "localAnnounceEnabled": o.LocalAnnounce,
		"relaysEnabled": o.Relays, "natEnabled": o.NAT, "announceLANAddresses": o.AnnounceLAN,
		"startBrowser": o.StartBrowser, "crashReportingEnabled": o.CrashReporting,
	} {
		if got != "false" {
			t.Errorf("%s = %q, want false", name, got)
		}
	}
	if o.URAccepted != "-1" || o.AutoUpgrade != "0" {
		t.Errorf("urAccepted, autoUpgradeIntervalH = %q, %q, want -1, 0", o.URAccepted, o.AutoUpgrade)
	}
	for _, s := range append(append(o.AnnounceServers, o.StunServers...), o.ReleasesURL, o.URURL, o.CrashReportingURL) {
		if s != "" {
			t.Errorf("server %q configured, want none", s)
		}
	}
	if len(o.Listen) != 1 || checkURL(o.Listen[0]) != nil || !strings.HasPrefix(o.Listen[0], "tcp://127.0.0.1:") {
		t.Errorf("listen addresses %q, want one tcp://127.0.0.1:port", o.Listen)
	}
	if checkHostPort(gui) != nil {
		t.Errorf("REST API on %q, want 127.0.0.1:port", gui)
	}
}

func TestLoopbackConfig(t *testing.T) {
	home := t.TempDir()
	want := homeConfig{Version: 37, DeviceID: "ID-1", Name: `a<b&"c"`, GUI: "127.0.0.1:1234", APIKey: "k", Listen: []string{"tcp://127.0.0.1:5678"}}
	if err := writeHomeConfig(home, want); err != nil {
		t.Fatal(err)
	}
	got, err := readHomeConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("readHomeConfig = %+v, want %+v", got, want)
	}
	o, gui := readOptions(t, home)
	checkOptions(t, o, gui)
}

func buildSyncthing(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	bin, err := Build(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("syncthing binary %s ready in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

func startInstance(t *testing.T, bin, name string) *Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in, err := Start(ctx, bin, filepath.Join(t.TempDir(), name), Options{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := in.Stop(); err != nil {
			t.Error(err)
		}
	})
	return in
}

// TestTwoInstances: two stock instances, configured loopback-only before
// their first start, share a folder of 50 small files and end with the
// same files.
func TestTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Syncthing")
	}
	bin := buildSyncthing(t)
	a, b := startInstance(t, bin, "A"), startInstance(t, bin, "B")
	for _, in := range []*Instance{a, b} {
		o, gui := readOptions(t, in.Home)
		checkOptions(t, o, gui)
	}
	if a.ID() == "" || a.ID() == b.ID() {
		t.Fatalf("device ids %q and %q", a.ID(), b.ID())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const n = 50
	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	want := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("person/r%06d.json", i)
		want[name] = fmt.Sprintf(`{"name":"record %d"}`, i)
		if err := os.MkdirAll(filepath.Join(dirA, "person"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirA, name), []byte(want[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddFolder(ctx, Folder{ID: "f", Path: dirA}); err != nil {
		t.Fatal(err)
	}
	if err := a.Scan(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if err := a.AddDevice(ctx, b.ID(), b.Address); err != nil {
		t.Fatal(err)
	}
	if err := b.AddDevice(ctx, a.ID(), a.Address); err != nil {
		t.Fatal(err)
	}
	if err := b.AddFolder(ctx, Folder{ID: "f", Path: dirB, Devices: Share(a.ID())}); err != nil {
		t.Fatal(err)
	}
	if err := a.ShareFolder(ctx, "f", Share(b.ID())...); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*Instance{a, b} {
		if err := in.CheckLoopbackOnly(ctx); err != nil {
			t.Error(err)
		}
	}
	st, err := b.WaitFolder(ctx, "f", 50*time.Millisecond, func(s FolderStatus) bool {
		return s.State == "idle" && s.GlobalFiles == n && s.LocalFiles == n && s.NeedFiles == 0
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, b.LogTail(4096))
	}
	t.Logf("B: %+v", st)
	if ok, err := b.Connected(ctx, a.ID()); err != nil || !ok {
		t.Errorf("B connected to A = %v, %v", ok, err)
	}
	for name, body := range want {
		got, err := os.ReadFile(filepath.Join(dirB, name))
		if err != nil || string(got) != body {
			t.Errorf("B's %s = %q, %v, want %q", name, got, err, body)
		}
	}
	for _, in := range []*Instance{a, b} {
		if rss, peak, ok := in.Memory(); ok {
			t.Logf("%s: resident memory %d MiB, peak %d MiB", in.Home, rss>>20, peak>>20)
		}
	}
	// A learns of B's progress from B's index updates, which may come a
	// moment after B is idle: wait for them.
	var c Completion
	for {
		c, err = a.Completion(ctx, "f", b.ID())
		if err == nil && c.Completion == 100 && c.NeedItems == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("A's view of B: %+v, %v, want complete", c, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStartAgain: a second Start on the same home keeps the ports, the
// key and the folders of the first.
func TestStartAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Syncthing")
	}
	bin := buildSyncthing(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	home := filepath.Join(t.TempDir(), "A")
	a, err := Start(ctx, bin, home, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddFolder(ctx, Folder{ID: "f", Path: filepath.Join(t.TempDir(), "f"), Type: SendOnly}); err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	again, err := Start(ctx, bin, home, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	if again.ID() != a.ID() || again.Address != a.Address || again.GUIAddress != a.GUIAddress {
		t.Errorf("restarted as %s %s %s, want %s %s %s", again.ID(), again.Address, again.GUIAddress, a.ID(), a.Address, a.GUIAddress)
	}
	if _, err := again.FolderStatus(ctx, "f"); err != nil {
		t.Errorf("folder lost across the restart: %v", err)
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("STHOMEDIR", "/somewhere")
	t.Setenv("ALL_PROXY", "socks5://192.0.2.1:1080")
	t.Setenv("https_proxy", "http://192.0.2.1:3128")
	t.Setenv("RELAIS_KEEP", "1")
	got := strings.Join(env([]string{"STTRACE=model"}), "\n")
	for _, bad := range []string{"STHOMEDIR", "ALL_PROXY", "https_proxy"} {
		if strings.Contains(got, bad+"=") {
			t.Errorf("env() passes %s on", bad)
		}
	}
	for _, want := range []string{"RELAIS_KEEP=1", "STNODEFAULTFOLDER=1", "STNOUPGRADE=1", "STNORESTART=1", "STMONITORED=yes", "STTRACE=model"} {
		if !strings.Contains(got, want) {
			t.Errorf("env() lacks %s", want)
		}
	}
}

// TestMemoryLimit: an instance over its memory limit is killed, and says why.
func TestMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Syncthing")
	}
	if _, _, ok := memory(os.Getpid()); !ok {
		t.Skip("no memory figures on this system")
	}
	bin := buildSyncthing(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in, err := Start(ctx, bin, t.TempDir(), Options{MemoryLimit: 1 << 20})
	if err == nil {
		in.Stop()
		t.Fatal("Start with a 1 MiB memory limit succeeded")
	}
	if !strings.Contains(err.Error(), "over the limit of 1 MiB") {
		t.Errorf("Start = %v, want the memory limit named", err)
	}
}

func TestAddDeviceRefusesNonLoopback(t *testing.T) {
	in := &Instance{}
	for _, addr := range []string{"dynamic", "tcp://10.0.0.1:22000", "tcp://example.org:22000"} {
		if err := in.AddDevice(context.Background(), "X", addr); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("AddDevice(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
}

func TestRelay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs strelaysrv")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	bin, err := BuildRelay(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := StartRelay(ctx, bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if !strings.HasPrefix(r.URI, "relay://127.0.0.1:") || !strings.Contains(r.URI, "id=") {
		t.Errorf("relay URI %q, want relay://127.0.0.1:port/?id=…", r.URI)
	}
	log, _ := os.ReadFile(filepath.Join(r.Dir, "relay.log"))
	if strings.Contains(string(log), "Joining default relay pools") {
		t.Errorf("relay joined the public pools:\n%s", log)
	}
}
