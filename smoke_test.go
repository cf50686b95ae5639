package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSmoke runs the real binary on a virtual X screen (Xvfb), drives it with
// xdotool and takes screenshots with ImageMagick's import: the unlock and
// home screens of a demo folder, the set-up and recovery-key screens of a
// new one. With RELAIS_SCREENSHOTS=1 the screenshots are copied to
// testdata/screenshots/ for people to look at.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("smoke test skipped in -short mode")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install xvfb xdotool imagemagick)", tool)
		}
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "relais")
	run(t, 10*time.Minute, nil, "go", "build", "-o", bin, ".")
	display := startXvfb(t)

	t.Run("unlock then home", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "demo")
		run(t, time.Minute, nil, bin, "demo", "--data", dir)
		s := launch(t, bin, display, dir)
		unlock := s.screenshot(t, "unlock")
		// Several logins can sign in here, so none is pre-filled and the
		// login field has the focus: type it, then Tab to the password.
		s.signIn(t, "admin", "not-the-password")
		wrong := s.waitForChange(t, "unlock-wrong", unlock)
		// The password field is cleared and keeps the focus.
		s.xdotool(t, "type", "--delay", "40", "relais-demo")
		s.xdotool(t, "key", "Return")
		home := s.waitForChange(t, "home", wrong)
		// « Réseau », sixth in the navigation list (window at 90,40 on the
		// 1280×800 screen, rows 39 pixels apart from 119).
		netw := s.clickAndWait(t, 150, 314, "network", home)
		// Its second tab, « Conflits ».
		conflicts := s.clickAndWait(t, 540, 120, "conflicts", netw)
		// « Rapports », seventh: this month's figures and charts; then
		// « Journal », eighth: who read or changed which file.
		reports := s.clickAndWait(t, 150, 353, "reports", conflicts)
		journal := s.clickAndWait(t, 150, 392, "journal", reports)
		// « Radar », fifth: the network's list for an administrator; then
		// the first person of the list and their case.
		radar := s.clickAndWait(t, 150, 275, "radar", journal)
		radarCase := s.clickAndWait(t, 400, 410, "radar-case", radar)
		// « Guides », fourth; then the first guide of the list.
		list := s.clickAndWait(t, 150, 236, "guides", radarCase)
		viewer := s.clickAndWait(t, 500, 300, "guide-viewer", list)
		// « Suivant », then « Montrer à la personne »: a second window.
		next := s.clickAndWait(t, 1000, 735, "guide-step2", viewer)
		s.clickAndWait(t, 1080, 127, "presentation", next)
	})

	// The auto-lock sees the mouse through the real driver: moving it keeps
	// Relais open; leaving it alone locks it.
	t.Run("auto-lock", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "demo")
		run(t, time.Minute, nil, bin, "demo", "--data", dir)
		s := launch(t, bin, display, dir, "RELAIS_AUTO_LOCK=10s")
		unlock := s.screenshot(t, "autolock-unlock")
		s.signIn(t, "admin", "relais-demo")
		home := s.waitForChange(t, "autolock-home", unlock)
		// 12 s of mouse moves, one a second, over the list and the empty
		// page: a lock of 10 s leaves room for a machine busy with other tests.
		for i := range 12 {
			s.xdotool(t, "mousemove", "--sync", strconv.Itoa(300+30*i), strconv.Itoa(500+(i%2)*100))
			time.Sleep(time.Second)
		}
		if strings.Contains(s.log.String(), "locked after") {
			t.Fatal("Relais locked while the mouse moved")
		}
		s.waitForChange(t, "autolock-locked", home)
		if !strings.Contains(s.log.String(), "locked after 10s without activity") {
			t.Errorf("the screen changed, but Relais did not say it locked: %s", s.log.String())
		}
	})

	t.Run("set-up then recovery key", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "new")
		s := launch(t, bin, display, dir)
		setUp := s.screenshot(t, "setup")
		// The centre name has the focus; Tab moves from field to field, and
		// Return in the last one creates the centre.
		for i, text := range []string{"Maison des Tilleuls", "Marie Dupont", "marie", "un the au jardin", "un the au jardin"} {
			if i > 0 {
				s.xdotool(t, "key", "Tab")
			}
			s.xdotool(t, "type", "--delay", "20", text)
		}
		s.xdotool(t, "key", "Return")
		s.waitForChange(t, "recovery", setUp)
	})
}

// run runs a command to completion and fails the test if it fails.
func run(t *testing.T, timeout time.Duration, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = env
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// startXvfb starts a virtual screen on a free display, which Xvfb picks and
// reports through -displayfd, and stops it when the test ends.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { stop(cmd) })

	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			t.Fatalf("Xvfb reported no display:\n%s", log.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not start within 30 s:\n%s", log.String())
	}
	return ""
}

// stop kills a process started by the test and waits for it.
func stop(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// session is one run of the Relais window on the virtual screen.
type session struct {
	display string
	window  string
	shots   string
	log     *lockedBuffer
}

// lockedBuffer is relais's output, read by the test while relais writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// launch starts Relais on dir in French, with env added to its environment,
// and waits for its window.
func launch(t *testing.T, bin, display, dir string, env ...string) *session {
	t.Helper()
	home := t.TempDir()
	s := &session{display: display, shots: t.TempDir(), log: &lockedBuffer{}}
	cmd := exec.Command(bin, "--data", dir, "--listen", "tcp://127.0.0.1:0", "--no-lan-discovery") // loopback only, no broadcast
	// A home of its own keeps the preferences of this run out of the user's.
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=fr_FR.UTF-8", "LANGUAGE=", "LC_ALL=",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start relais: %v", err)
	}
	t.Cleanup(func() {
		stop(cmd)
		// Built with GOFLAGS=-race, the binary reports data races here.
		if strings.Contains(s.log.String(), "WARNING: DATA RACE") {
			t.Error("the race detector found a data race in relais")
		}
		if t.Failed() {
			t.Logf("relais output:\n%s", s.log.String())
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	search := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Relais$")
	search.Env = s.env()
	out, err := search.Output()
	if err != nil {
		t.Fatalf("no window named Relais appeared within a minute: %v", err)
	}
	s.window = strings.Fields(string(out))[0]
	// Without a window manager nobody gives the window the keyboard.
	s.xdotool(t, "windowfocus", "--sync", s.window)
	time.Sleep(1500 * time.Millisecond) // the first frames
	return s
}

func (s *session) env() []string { return append(os.Environ(), "DISPLAY="+s.display) }

// signIn types a login, Tab, a password and Return on the unlock screen,
// whose login field has the focus.
func (s *session) signIn(t *testing.T, login, password string) {
	t.Helper()
	s.xdotool(t, "type", "--delay", "40", login)
	s.xdotool(t, "key", "Tab")
	s.xdotool(t, "type", "--delay", "40", password)
	s.xdotool(t, "key", "Return")
}

func (s *session) xdotool(t *testing.T, args ...string) {
	t.Helper()
	run(t, 30*time.Second, s.env(), "xdotool", args...)
}

// screenshot captures the whole screen, checks it is a real picture, and
// keeps it in testdata/screenshots when RELAIS_SCREENSHOTS=1.
func (s *session) screenshot(t *testing.T, name string) image.Image {
	t.Helper()
	path := filepath.Join(s.shots, name+".png")
	run(t, 30*time.Second, s.env(), "import", "-window", "root", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot %s does not decode: %v", name, err)
	}
	if colours(img, 2) < 2 {
		t.Fatalf("screenshot %s is a single colour: nothing was drawn", name)
	}
	if os.Getenv("RELAIS_SCREENSHOTS") == "1" {
		dst := filepath.Join("testdata", "screenshots", name+".png")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// waitForChange takes screenshots until the screen is another one than
// before (a blinking cursor is not enough), for up to 20 s, and keeps the
// last one under name.
// clickAndWait clicks at x,y on the screen and waits for the window to
// change from before, as waitForChange.
func (s *session) clickAndWait(t *testing.T, x, y int, name string, before image.Image) image.Image {
	t.Helper()
	s.xdotool(t, "mousemove", "--sync", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	return s.waitForChange(t, name, before)
}

func (s *session) waitForChange(t *testing.T, name string, before image.Image) image.Image {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		time.Sleep(2 * time.Second)
		img := s.screenshot(t, name)
		if changed(img, before) > 0.02 {
			time.Sleep(500 * time.Millisecond) // let the new screen settle
			return s.screenshot(t, name)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen did not change within 20 s for %s", name)
		}
	}
}

// colours counts distinct colours in img, stopping at limit.
func colours(img image.Image, limit int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// changed returns the fraction of pixels that differ between a and b.
func changed(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	r := a.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}
