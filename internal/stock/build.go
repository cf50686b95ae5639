// Package stock builds and runs unmodified Syncthing programs (syncthing,
// strelaysrv) at the version pinned in go.mod, on loopback only, so tests
// can measure Relais against them and use them as partners, mailboxes and
// relays.
//
// Every address an instance or a relay is given is checked to be on
// 127.0.0.0/8 or ::1: nothing started here ever talks to another machine.
package stock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the Go module the programs are built from.
const Module = "github.com/syncthing/syncthing"

// Build returns the path of a syncthing binary built from Module at the
// version our go.mod requires, building it into dir the first time (in the
// user's cache directory when dir is empty). Later calls, from any test
// binary, reuse it.
//
// The build runs inside the module's own directory of the module cache, so
// it uses Syncthing's own go.mod and go.sum, replace directives included,
// exactly as a release build does, and our go.mod need not list the
// dependencies of its commands.
func Build(ctx context.Context, dir string) (string, error) {
	return build(ctx, dir, "syncthing")
}

// BuildRelay is Build for Syncthing's relay server, strelaysrv.
func BuildRelay(ctx context.Context, dir string) (string, error) {
	return build(ctx, dir, "strelaysrv")
}

type module struct {
	Version string
	Dir     string
	Error   string
}

// pinnedModule asks the go command which version of Module the current
// module requires, downloading it if needed, and where its files are.
func pinnedModule(ctx context.Context, gobin string) (module, error) {
	cmd := exec.CommandContext(ctx, gobin, "mod", "download", "-json", Module)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var m module
	if jerr := json.Unmarshal(out, &m); jerr != nil || err != nil || m.Error != "" {
		return m, fmt.Errorf("go mod download %s: %v %s %s", Module, err, m.Error, strings.TrimSpace(stderr.String()))
	}
	if m.Dir == "" || m.Version == "" {
		return m, fmt.Errorf("go mod download %s: no directory or version in %s", Module, out)
	}
	return m, nil
}

func build(ctx context.Context, dir, program string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build %s: no go command: %w", program, err)
	}
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("build %s: %w", program, err)
		}
		dir = filepath.Join(cache, "relais-stock")
	}
	m, err := pinnedModule(ctx, gobin)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", program, err)
	}
	// The key names everything that changes the binary we get.
	name := fmt.Sprintf("%s-%s-%s-%s-%s", program, m.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	path := filepath.Join(dir, name)
	if runtime.GOOS == "windows" {
		path += ".exe"
	}
	if built(path) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build %s: %w", program, err)
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", program, err)
	}
	defer unlock()
	if built(path) { // by another test binary while we waited
		return path, nil
	}
	// Build beside the final name and rename, so two test binaries building
	// at once never see a half-written file.
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", program, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())

	ldflags := fmt.Sprintf("-X %[1]s/lib/build.Version=%[2]s -X %[1]s/lib/build.Tags=noassets", Module, m.Version)
	cmd := exec.CommandContext(ctx, gobin, "build", "-tags", "noassets", "-trimpath", "-ldflags", ldflags,
		"-o", tmp.Name(), "./cmd/"+program)
	cmd.Dir = m.Dir
	// The module cache is read-only: never let the go command try to
	// update Syncthing's go.mod or go.sum, nor pick up a workspace.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly -buildvcs=false", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s %s: %w\n%s", program, m.Version, err, out)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("build %s: %w", program, err)
	}
	return path, nil
}

func built(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Size() > 0
}
