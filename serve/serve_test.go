package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"relais/actor"
	"relais/network"
	"relais/problem"
	"relais/problem/problemtest"
	"relais/serve"
	"relais/staff"
	"relais/store"
	"relais/sync/peer"
)

const nodePassword = "le mot de passe du nœud"

func writeFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return path
}

// The node never opens a window: nothing it is built from imports Fyne.
func TestNoFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "relais/serve").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("relais/sync/peer")) {
		t.Fatalf("go list -deps does not list the sync engine:\n%s", out)
	}
	for _, line := range strings.Fields(string(out)) {
		if strings.HasPrefix(line, "fyne.io/") || strings.Contains(line, "go-gl/") || line == "relais/app" {
			t.Errorf("the headless node is built with %s", line)
		}
	}
}

func TestReadPasswordFile(t *testing.T) {
	good := map[string]string{
		"secret\n":            "secret",
		"secret":              "secret",
		"secret\r\nignored\n": "secret",
		"  spaces kept  \n":   "  spaces kept  ",
	}
	for content, want := range good {
		if got, err := serve.ReadPasswordFile(writeFile(t, content, 0o600)); err != nil || got != want {
			t.Errorf("ReadPasswordFile(%q) = %q, %v; want %q", content, got, err, want)
		}
	}
	if got, err := serve.ReadPasswordFile(writeFile(t, "secret\n", 0o400)); err != nil || got != "secret" {
		t.Errorf("a read-only file: %q, %v", got, err)
	}
	for name, c := range map[string]struct {
		path string
		want error
	}{
		"readable by others": {writeFile(t, "secret\n", 0o644), serve.ErrPasswordFile},
		"readable by group":  {writeFile(t, "secret\n", 0o640), serve.ErrPasswordFile},
		"empty":              {writeFile(t, "", 0o600), serve.ErrPasswordFileOpen},
		"empty line":         {writeFile(t, "\nsecret\n", 0o600), serve.ErrPasswordFileOpen},
		"missing":            {filepath.Join(t.TempDir(), "nope"), serve.ErrPasswordFileOpen},
		"not given":          {"", serve.ErrPasswordFileOpen},
	} {
		got, err := serve.ReadPasswordFile(c.path)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %q, %v; want %v", name, got, err, c.want)
		}
		if _, ok := problem.Find(err); !ok {
			t.Errorf("%s: %v is not a problem people can read", name, err)
		}
	}
}

// Bad input stops the node before it touches the data folder.
func TestRunRefusals(t *testing.T) {
	pw := writeFile(t, nodePassword+"\n", 0o600)
	for name, c := range map[string]struct {
		o    serve.Options
		want error
	}{
		"folder not set up": {serve.Options{PasswordFile: pw}, serve.ErrNotSetUp},
		"open password":     {serve.Options{PasswordFile: writeFile(t, "x\n", 0o644), SetUp: true, Centre: "Nœud"}, serve.ErrPasswordFile},
		"bad partner":       {serve.Options{PasswordFile: pw, SetUp: true, Centre: "Nœud", Partners: []string{"@192.168.1.2"}}, serve.ErrBadPartner},
		"bad address":       {serve.Options{PasswordFile: pw, SetUp: true, Centre: "Nœud", Partners: []string{"ABC@http://x"}}, network.ErrBadAddress},
		"no centre name":    {serve.Options{PasswordFile: pw, SetUp: true}, nil},
	} {
		dir := t.TempDir()
		c.o.Data, c.o.Store, c.o.Out = dir, store.TestOptions(), &bytes.Buffer{}
		err := serve.Run(context.Background(), c.o)
		if err == nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if _, ok := problem.Find(err); !ok {
			t.Errorf("%s: %v is not a problem people can read", name, err)
		}
		desk, err := staff.OpenDesk(dir, store.TestOptions())
		if err != nil {
			t.Fatal(err)
		}
		if !desk.NeedsSetUp() {
			t.Errorf("%s: the folder was set up anyway", name)
		}
		desk.Close()
	}
}

// TestServeProcess runs `serve` in a child process, as a service manager
// would: it sets up its folder, syncs with a partner centre, logs to
// stderr, and on SIGTERM stops cleanly: exit status 0, store closed (it
// opens again with everything the partner sent).
func TestServeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	// The partner centre, in this process.
	dir := t.TempDir()
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise("admin", "correct horse battery staple", store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer db.Close()
	centre, err := network.Open(db, "Centre A", network.Options{Who: actor.System(""), Listen: "tcp://127.0.0.1:0",
		Tune: func(c *peer.Config) { c.RetryMin, c.RetryMax = 20*time.Millisecond, 200*time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := centre.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer centre.Close()
	if _, err := db.Put("person", "p1", []byte(`{"name":"Awa, sent to the node"}`), store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}

	nodeDir := t.TempDir()
	pw := writeFile(t, nodePassword+"\n", 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	cmd.Env = append(os.Environ(), "RELAIS_SERVE_HELPER=1", "RELAIS_SERVE_DATA="+nodeDir, "RELAIS_PASSWORD_FILE="+pw,
		"RELAIS_SERVE_PARTNER="+centre.DeviceID()+"@"+centre.Status().Listening)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdoutPath := filepath.Join(t.TempDir(), "stdout")
	stdout, err := os.Create(stdoutPath) // a file: the child writes it while we read
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout = stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	var logs bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	started := regexp.MustCompile(`msg="node started".* device=(\S+) listen=(\S+)`)
	var device, listen string
	timeout := time.After(time.Minute)
	for device == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the node ended before starting:\n%s", logs.String())
			}
			logs.WriteString(l + "\n")
			if m := started.FindStringSubmatch(l); m != nil {
				device, listen = m[1], m[2]
			}
		case <-timeout:
			t.Fatalf("the node did not start:\n%s", logs.String())
		}
	}
	if out, _ := os.ReadFile(stdoutPath); !strings.Contains(string(out), "Clé de secours") {
		t.Errorf("the recovery key was not given at set-up: %q", out)
	}
	if _, err := centre.AddPartner(device, listen, "Nœud"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if st := centre.Status(); len(st.Partners) == 1 && st.Partners[0].Connected && !st.Partners[0].LastSync.IsZero() {
			if n, _ := db.Count(staff.Kind); n == 1 { // the node's account
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sync with the node: %+v\n%s", centre.Status(), logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the node applies p1

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		logs.WriteString(l + "\n")
	}
	err = cmd.Wait()
	if err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `msg="node stopped"`) {
		t.Errorf("no « node stopped » in the log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), nodePassword) {
		t.Error("the password is in the log")
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))

	// The folder opens again: the lock was released, the record is there.
	desk, err := staff.OpenDesk(nodeDir, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	s, err := desk.SignIn(serve.DefaultLogin, nodePassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, err := s.DB.Get("person", "p1"); err != nil || !strings.Contains(string(r.Body), "sent to the node") {
		t.Errorf("the node's copy of p1: %s, %v", r.Body, err)
	}
}

// TestHelperServe is the child process of TestServeProcess.
func TestHelperServe(t *testing.T) {
	if os.Getenv("RELAIS_SERVE_HELPER") == "" {
		t.Skip("the child process of TestServeProcess")
	}
	err := serve.RunUntilSignal(serve.Options{
		Data: os.Getenv("RELAIS_SERVE_DATA"), PasswordFile: os.Getenv("RELAIS_PASSWORD_FILE"),
		SetUp: true, Centre: "Nœud du réseau", Listen: "tcp://127.0.0.1:0",
		Partners: []string{os.Getenv("RELAIS_SERVE_PARTNER")}, Store: store.TestOptions(),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "serve")
}
