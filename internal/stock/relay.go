package stock

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Relay is a running private strelaysrv on loopback: it joins no public
// pool, asks no NAT gateway and serves no status page.
type Relay struct {
	// URI is what devices are given to use it, e.g.
	// relay://127.0.0.1:40123/?id=…&pingInterval=…&networkTimeout=….
	URI string
	// Address is its host:port.
	Address string
	// Dir holds its keys and relay.log.
	Dir string

	proc *process
}

// StartRelay runs the strelaysrv at bin with its keys in dir (created the
// first time) and returns once it accepts connections; ctx bounds only the
// start.
func StartRelay(ctx context.Context, bin, dir string) (*Relay, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "relay.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	// -pools= keeps it out of the public pool it joins by default.
	cmd := exec.Command(bin, "-listen="+addr, "-keys="+dir, "-pools=", "-status-srv=", "-nat=false", "-protocol=tcp4")
	cmd.Env = env(nil)
	cmd.Stdout, cmd.Stderr = io.MultiWriter(logFile, pw), io.MultiWriter(logFile, pw)
	r := &Relay{Address: addr, Dir: dir}
	r.proc, err = startProcess(cmd, func() { pw.Close(); logFile.Close() })
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start strelaysrv: %w", err)
	}
	uri := make(chan string, 1)
	go func() {
		// Read to the end, or the relay would block writing its log.
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "URI: "); ok {
				select {
				case uri <- strings.TrimSpace(u):
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for r.URI == "" || !accepts(addr) {
		select {
		case u := <-uri:
			if err := checkURL(u); err != nil {
				r.proc.kill()
				return nil, fmt.Errorf("strelaysrv: %w", err)
			}
			r.URI = u
		case <-r.proc.exited:
			return nil, fmt.Errorf("strelaysrv exited: %v\n%s", r.proc.err, tail(logFile.Name(), 2048))
		case <-ctx.Done():
			r.proc.kill()
			return nil, fmt.Errorf("strelaysrv not ready: %w\n%s", ctx.Err(), tail(logFile.Name(), 2048))
		case <-tick.C:
		}
	}
	return r, nil
}

func accepts(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Stop ends the relay (SIGTERM, then SIGKILL after 10 seconds) and waits for it.
func (r *Relay) Stop() {
	r.proc.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.proc.exited:
	case <-time.After(10 * time.Second):
		r.proc.kill()
	}
}
