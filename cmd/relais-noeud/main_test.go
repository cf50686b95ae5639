package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The node built for a server: a static binary (no libGL, no libc), that
// says what is wrong in French or English, sets up its folder, runs and
// stops on SIGTERM.
func TestServerBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the node without cgo")
	}
	bin := filepath.Join(t.TempDir(), "relais-noeud")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	libs, _ := f.ImportedLibraries()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the node needs a dynamic loader (libraries %v)", libs)
		}
	}
	f.Close()

	home := t.TempDir()
	pw := filepath.Join(home, "mdp")
	if err := os.WriteFile(pw, []byte("le mot de passe du nœud\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	refused := func(t *testing.T, want string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, code, out)
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("%v said:\n%s\nwant %q", args, out, want)
		}
	}
	data := filepath.Join(home, "noeud")
	t.Run("refusals", func(t *testing.T) {
		missing := filepath.Join(home, "absent")
		refused(t, "Le fichier du mot de passe du nœud « "+missing+" » est introuvable", "--data", data, "--password-file", missing)
		refused(t, "The node's password file “"+missing+"” is missing", "--lang", "en", "--data", data, "--password-file", missing)
		refused(t, "Pour le créer : relais-noeud --setup", "--data", data, "--password-file", pw)
		if _, err := os.Stat(data); err == nil {
			t.Errorf("a refused start made the folder %s", data)
		}
	})
	t.Run("set up, run, stop", func(t *testing.T) {
		runNode(t, bin, env, "Clé de secours", "--data", data, "--password-file", pw, "--setup", "--centre", "Nœud test",
			"--listen", "tcp://127.0.0.1:0", "--no-lan-discovery")
		runNode(t, bin, env, "", "--data", data, "--password-file", pw, "--listen", "tcp://127.0.0.1:0", "--no-lan-discovery")
	})
}

// runNode starts the node, waits for « node started », stops it with
// SIGTERM and checks it stopped cleanly; stdout must hold wantOut.
func runNode(t *testing.T, bin string, env []string, wantOut string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	sc := bufio.NewScanner(stderr)
	started := false
	for !started && sc.Scan() {
		logs.WriteString(sc.Text() + "\n")
		started = strings.Contains(sc.Text(), `msg="node started"`)
	}
	if !started {
		cmd.Wait()
		t.Fatalf("the node did not start:\n%s", logs.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		logs.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `msg="node stopped"`) {
		t.Errorf("no « node stopped »:\n%s", logs.String())
	}
	if !strings.Contains(stdout.String(), wantOut) {
		t.Errorf("stdout %q, want %q", stdout.String(), wantOut)
	}
	if strings.Contains(logs.String()+stdout.String(), "le mot de passe du nœud") {
		t.Error("the password was printed")
	}
}
