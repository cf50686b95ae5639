package stock

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options tune Start.
type Options struct {
	// Name is the device name; the base name of home when empty.
	Name string
	// Log also receives Syncthing's output, which always goes to
	// syncthing.log in home.
	Log io.Writer
	// Env adds variables to Syncthing's environment, e.g. STTRACE=model.
	Env []string
	// MemoryLimit is the resident memory, in bytes, past which the
	// instance is killed, so that a runaway instance cannot take a shared
	// machine down (Linux only): DefaultMemoryLimit when zero, none when
	// negative.
	MemoryLimit int64
}

// DefaultMemoryLimit is the MemoryLimit of an instance when none is given.
const DefaultMemoryLimit = 4 << 30

// Instance is a running stock Syncthing, reachable only on loopback.
type Instance struct {
	// Home holds its keys, config.xml, database, and syncthing.log.
	Home string
	// GUIAddress is host:port of the REST API.
	GUIAddress string
	// Address is where partners reach it, e.g. tcp://127.0.0.1:40123.
	Address string
	// APIKey authenticates REST requests.
	APIKey string

	id     string
	proc   *process
	client *http.Client

	mu       sync.Mutex
	killedBy string // why the watchdog killed it, if it did

	stopOnce sync.Once
	stopErr  error
}

// Start runs `syncthing serve` from bin on home. The first time (no
// config.xml in home) it generates the keys and writes a loopback-only
// configuration before the first start: REST API and listener on
// 127.0.0.1 ports of their own, no discovery, relays, NAT traversal, usage
// or crash reports, upgrades nor default folder. A later Start on the same
// home keeps the configuration, its ports and its folders. Start returns
// once the REST API answers and the configuration it serves has been
// checked (see CheckLoopbackOnly); ctx bounds only the start.
func Start(ctx context.Context, bin, home string, opts Options) (*Instance, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("start syncthing in %s: %w", home, err)
	}
	home, err := filepath.Abs(home)
	if err != nil {
		return nil, err
	}
	_, err = os.Stat(filepath.Join(home, "config.xml"))
	fresh := errors.Is(err, os.ErrNotExist)
	if fresh {
		out, err := exec.CommandContext(ctx, bin, "generate", "--home="+home, "--no-default-folder", "--skip-port-probing").CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("syncthing generate in %s: %w\n%s", home, err, out)
		}
	}
	for attempt := 1; ; attempt++ {
		if fresh {
			if err := configureLoopback(home, opts.Name); err != nil {
				return nil, fmt.Errorf("configure syncthing in %s: %w", home, err)
			}
		}
		in, err := launch(bin, home, opts)
		if err != nil {
			return nil, err
		}
		err = in.waitReady(ctx)
		if err == nil {
			if err = in.CheckLoopbackOnly(ctx); err != nil {
				in.kill()
				return nil, fmt.Errorf("syncthing in %s: %w", home, err)
			}
			return in, nil
		}
		in.kill()
		// A port we picked may have been taken meanwhile: pick others.
		if !fresh || attempt == 3 || ctx.Err() != nil {
			return nil, fmt.Errorf("start syncthing in %s: %w\n%s", home, err, in.LogTail(4096))
		}
	}
}

// configureLoopback rewrites the generated config.xml of home with free
// loopback ports and the settings of loopbackConfig.
func configureLoopback(home, name string) error {
	gen, err := readHomeConfig(home)
	if err != nil {
		return err
	}
	if gen.DeviceID == "" || gen.Version == 0 {
		return fmt.Errorf("no device or version in the generated config.xml")
	}
	gui, err := freePort()
	if err != nil {
		return err
	}
	listen, err := freePort()
	if err != nil {
		return err
	}
	key := make([]byte, 16)
	rand.Read(key)
	if name == "" {
		name = filepath.Base(home)
	}
	return writeHomeConfig(home, homeConfig{
		Version: gen.Version, DeviceID: gen.DeviceID, Name: name,
		GUI: gui, APIKey: hex.EncodeToString(key), Listen: []string{"tcp://" + listen},
	})
}

func launch(bin, home string, opts Options) (*Instance, error) {
	c, err := readHomeConfig(home)
	if err != nil {
		return nil, err
	}
	// Refuse to start anything that would listen beyond loopback, even
	// on a home configured by someone else.
	if err := checkHostPort(c.GUI); err != nil {
		return nil, fmt.Errorf("syncthing in %s: REST API: %w", home, err)
	}
	if len(c.Listen) != 1 {
		return nil, fmt.Errorf("syncthing in %s: want one listen address, have %q", home, c.Listen)
	}
	if err := checkURL(c.Listen[0]); err != nil {
		return nil, fmt.Errorf("syncthing in %s: listen address: %w", home, err)
	}
	logFile, err := os.OpenFile(filepath.Join(home, "syncthing.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	in := &Instance{
		Home: home, GUIAddress: c.GUI, Address: c.Listen[0], APIKey: c.APIKey,
		// No proxy: the REST API is on loopback and must be reached there.
		client: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{Proxy: nil}},
	}
	var out io.Writer = logFile
	if opts.Log != nil {
		out = io.MultiWriter(logFile, opts.Log)
	}
	cmd := exec.Command(bin, "serve", "--home="+home,
		"--no-browser", "--no-restart", "--no-upgrade", "--no-default-folder")
	cmd.Env = env(opts.Env)
	cmd.Stdout, cmd.Stderr = out, out
	in.proc, err = startProcess(cmd, func() { logFile.Close() })
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start syncthing in %s: %w", home, err)
	}
	limit := opts.MemoryLimit
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	if limit > 0 {
		go in.watchMemory(limit)
	}
	return in, nil
}

// env is our environment without Syncthing's own variables (a developer's
// STHOMEDIR or STTRACE must not leak in) nor proxies (Syncthing dials its
// partners through ALL_PROXY), plus the ones that keep an instance to
// itself, plus extra.
func env(extra []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "ST") && !strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			out = append(out, kv)
		}
	}
	// STMONITORED runs Syncthing itself rather than a monitor process
	// that would start it as a child: the process we start, stop, watch
	// and kill is then the one that syncs.
	out = append(out, "STNODEFAULTFOLDER=1", "STNOUPGRADE=1", "STNORESTART=1", "STMONITORED=yes")
	return append(out, extra...)
}

// watchMemory kills the instance if its resident memory passes limit; it
// returns when the instance has exited.
func (in *Instance) watchMemory(limit int64) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-in.proc.exited:
			return
		case <-tick.C:
		}
		rss, _, ok := memory(in.proc.cmd.Process.Pid)
		if !ok {
			continue // exiting, or not Linux
		}
		if rss > limit {
			in.mu.Lock()
			in.killedBy = fmt.Sprintf("resident memory %d MiB, over the limit of %d MiB", rss>>20, limit>>20)
			in.mu.Unlock()
			in.proc.cmd.Process.Kill()
			return
		}
	}
}

// exitError says how the process ended.
func (in *Instance) exitError() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.killedBy != "" {
		return fmt.Errorf("killed: %s", in.killedBy)
	}
	return in.proc.err
}

// Memory returns the instance's resident memory now and its peak, in
// bytes; ok is false once it has exited, or where the system does not
// tell (only Linux does).
func (in *Instance) Memory() (rss, peak int64, ok bool) {
	return memory(in.proc.cmd.Process.Pid)
}

// ID is the instance's device id.
func (in *Instance) ID() string { return in.id }

// Exited is closed when the process has ended.
func (in *Instance) Exited() <-chan struct{} { return in.proc.exited }

func (in *Instance) waitReady(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var st systemStatus
		err := in.Do(ctx, http.MethodGet, "/rest/system/status", nil, &st)
		if err == nil {
			in.id = st.MyID
			l, ok := st.Listeners[in.Address]
			if ok && l.Error != nil {
				return fmt.Errorf("listener %s: %s", in.Address, *l.Error)
			}
			if ok {
				return nil
			}
		}
		select {
		case <-in.proc.exited:
			return fmt.Errorf("syncthing exited: %v", in.exitError())
		case <-ctx.Done():
			return fmt.Errorf("syncthing not ready: %w (last: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

type systemStatus struct {
	MyID             string `json:"myID"`
	DiscoveryEnabled bool   `json:"discoveryEnabled"`
	Listeners        map[string]struct {
		Error *string `json:"error"`
	} `json:"connectionServiceStatus"`
}

// CheckLoopbackOnly reads the configuration the instance runs with and
// its status, and returns an error wrapping ErrNotLoopback if anything
// could reach beyond this machine: a listener, the REST API or a partner
// not on a loopback IP, or discovery, relays, NAT traversal, STUN, usage
// or crash reporting, upgrades switched on.
func (in *Instance) CheckLoopbackOnly(ctx context.Context) error {
	var cfg struct {
		Devices []struct {
			DeviceID  string   `json:"deviceID"`
			Addresses []string `json:"addresses"`
		} `json:"devices"`
		GUI struct {
			Address string `json:"address"`
		} `json:"gui"`
		Options struct {
			ListenAddresses       []string `json:"listenAddresses"`
			GlobalAnnounceServers []string `json:"globalAnnounceServers"`
			GlobalAnnounceEnabled bool     `json:"globalAnnounceEnabled"`
			LocalAnnounceEnabled  bool     `json:"localAnnounceEnabled"`
			RelaysEnabled         bool     `json:"relaysEnabled"`
			NATEnabled            bool     `json:"natEnabled"`
			StunServers           []string `json:"stunServers"`
			AnnounceLANAddresses  bool     `json:"announceLANAddresses"`
			StartBrowser          bool     `json:"startBrowser"`
			URAccepted            int      `json:"urAccepted"`
			AutoUpgradeIntervalH  int      `json:"autoUpgradeIntervalH"`
			CrashReportingEnabled bool     `json:"crashReportingEnabled"`
		} `json:"options"`
	}
	if err := in.Do(ctx, http.MethodGet, "/rest/config", nil, &cfg); err != nil {
		return err
	}
	var bad []string
	o := cfg.Options
	for what, on := range map[string]bool{
		"global discovery": o.GlobalAnnounceEnabled, "local discovery": o.LocalAnnounceEnabled,
		"relays": o.RelaysEnabled, "NAT traversal": o.NATEnabled, "LAN address announcements": o.AnnounceLANAddresses,
		"browser": o.StartBrowser, "usage reporting not declined": o.URAccepted >= 0, "automatic upgrades": o.AutoUpgradeIntervalH != 0,
		"crash reporting": o.CrashReportingEnabled,
	} {
		if on {
			bad = append(bad, what+" on")
		}
	}
	for _, s := range append(o.GlobalAnnounceServers, o.StunServers...) {
		if strings.TrimSpace(s) != "" {
			bad = append(bad, "server "+s)
		}
	}
	if err := checkHostPort(cfg.GUI.Address); err != nil {
		bad = append(bad, "REST API "+err.Error())
	}
	if len(o.ListenAddresses) == 0 {
		bad = append(bad, "no listen address")
	}
	for _, a := range o.ListenAddresses {
		if err := checkURL(a); err != nil {
			bad = append(bad, "listen "+err.Error())
		}
	}
	for _, d := range cfg.Devices {
		if d.DeviceID == in.id {
			continue // never dialled
		}
		for _, a := range d.Addresses {
			if err := checkURL(a); err != nil {
				bad = append(bad, "device "+d.DeviceID+" "+err.Error())
			}
		}
	}
	var st systemStatus
	if err := in.Do(ctx, http.MethodGet, "/rest/system/status", nil, &st); err != nil {
		return err
	}
	if st.DiscoveryEnabled {
		bad = append(bad, "discovery running")
	}
	for a := range st.Listeners {
		if err := checkURL(a); err != nil {
			bad = append(bad, "listener "+err.Error())
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("%w: %s", ErrNotLoopback, strings.Join(bad, "; "))
	}
	return nil
}

// Do sends a REST request: body, when not nil, as JSON; the answer decoded
// into out when not nil. path includes the query, e.g. "/rest/db/status?folder=x".
func (in *Instance) Do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+in.GUIAddress+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", in.APIKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := in.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

// AddDevice lets the instance connect to device id at address, which must
// be a loopback tcp:// or relay:// address (never "dynamic": that would
// ask discovery servers).
func (in *Instance) AddDevice(ctx context.Context, id, address string) error {
	if err := checkURL(address); err != nil {
		return fmt.Errorf("add device %s: %w", id, err)
	}
	dev := map[string]any{"deviceID": id, "addresses": []string{address}}
	return in.Do(ctx, http.MethodPost, "/rest/config/devices", dev, nil)
}

// FolderType is the type of a folder, as Syncthing names it.
type FolderType string

// The folder types of Syncthing.
const (
	SendReceive      FolderType = "sendreceive"
	SendOnly         FolderType = "sendonly"
	ReceiveOnly      FolderType = "receiveonly"
	ReceiveEncrypted FolderType = "receiveencrypted"
)

// FolderDevice is a device a folder is shared with; with an
// EncryptionPassword, that device gets only ciphertext (it runs the folder
// as receiveencrypted).
type FolderDevice struct {
	DeviceID           string `json:"deviceID"`
	EncryptionPassword string `json:"encryptionPassword,omitempty"`
}

// Share is the folder devices for ids, without encryption.
func Share(ids ...string) []FolderDevice {
	out := make([]FolderDevice, len(ids))
	for i, id := range ids {
		out[i] = FolderDevice{DeviceID: id}
	}
	return out
}

// Folder is a folder to add. Fields left out take the instance's defaults.
type Folder struct {
	ID    string
	Label string // the ID when empty
	Path  string
	Type  FolderType // SendReceive when empty
	// Devices it is shared with, besides the instance itself; each must
	// have been added with AddDevice.
	Devices []FolderDevice
	// Settings are further fields of Syncthing's folder configuration by
	// their JSON names, e.g. "fsWatcherEnabled": false.
	Settings map[string]any
}

// AddFolder adds f and returns once Syncthing has taken the new
// configuration (the folder's first scan starts then).
func (in *Instance) AddFolder(ctx context.Context, f Folder) error {
	cfg := map[string]any{}
	for k, v := range f.Settings {
		cfg[k] = v
	}
	if f.Label == "" {
		f.Label = f.ID
	}
	if f.Type == "" {
		f.Type = SendReceive
	}
	path, err := filepath.Abs(f.Path)
	if err != nil {
		return err
	}
	cfg["id"], cfg["label"], cfg["path"], cfg["type"] = f.ID, f.Label, path, f.Type
	cfg["devices"] = append(Share(in.id), f.Devices...)
	if err := in.Do(ctx, http.MethodPost, "/rest/config/folders", cfg, nil); err != nil {
		return fmt.Errorf("add folder %s: %w", f.ID, err)
	}
	return nil
}

// ShareFolder shares an existing folder with more devices.
func (in *Instance) ShareFolder(ctx context.Context, folder string, devices ...FolderDevice) error {
	p := "/rest/config/folders/" + url.PathEscape(folder)
	var cur struct {
		Devices []FolderDevice `json:"devices"`
	}
	if err := in.Do(ctx, http.MethodGet, p, nil, &cur); err != nil {
		return fmt.Errorf("share folder %s: %w", folder, err)
	}
	all := append(cur.Devices, devices...)
	if err := in.Do(ctx, http.MethodPatch, p, map[string]any{"devices": all}, nil); err != nil {
		return fmt.Errorf("share folder %s: %w", folder, err)
	}
	return nil
}

// FolderStatus is part of what /rest/db/status tells of a folder.
type FolderStatus struct {
	State        string    `json:"state"` // idle, scanning, syncing, error…
	StateChanged time.Time `json:"stateChanged"`
	Error        string    `json:"error"`
	Errors       int       `json:"errors"`
	GlobalFiles  int       `json:"globalFiles"`
	GlobalBytes  int64     `json:"globalBytes"`
	LocalFiles   int       `json:"localFiles"`
	LocalBytes   int64     `json:"localBytes"`
	NeedFiles    int       `json:"needFiles"`
	NeedDeletes  int       `json:"needDeletes"`
	NeedBytes    int64     `json:"needBytes"`
	InSyncFiles  int       `json:"inSyncFiles"`
	Sequence     int64     `json:"sequence"`
}

// FolderStatus returns the folder's status.
func (in *Instance) FolderStatus(ctx context.Context, folder string) (FolderStatus, error) {
	var st FolderStatus
	err := in.Do(ctx, http.MethodGet, "/rest/db/status?folder="+url.QueryEscape(folder), nil, &st)
	return st, err
}

// WaitFolder polls the folder's status every interval until done
// returns true, and returns that status; on ctx's end it returns the last
// status seen and the error.
func (in *Instance) WaitFolder(ctx context.Context, folder string, interval time.Duration, done func(FolderStatus) bool) (FolderStatus, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last FolderStatus
	for {
		st, err := in.FolderStatus(ctx, folder)
		if err == nil {
			last = st
			if done(st) {
				return st, nil
			}
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("folder %s: %w (last status %+v, last error %v)", folder, ctx.Err(), last, err)
		case <-in.proc.exited:
			return last, fmt.Errorf("folder %s: syncthing exited: %v", folder, in.exitError())
		case <-tick.C:
		}
	}
}

// Completion is what /rest/db/completion tells of a device's copy of a folder.
type Completion struct {
	Completion  float64 `json:"completion"` // percent
	GlobalBytes int64   `json:"globalBytes"`
	GlobalItems int     `json:"globalItems"`
	NeedBytes   int64   `json:"needBytes"`
	NeedItems   int     `json:"needItems"`
	NeedDeletes int     `json:"needDeletes"`
	RemoteState string  `json:"remoteState"`
	Sequence    int64   `json:"sequence"`
}

// Completion returns how complete device's copy of folder is, as far as
// the instance knows; device "" is the instance itself.
func (in *Instance) Completion(ctx context.Context, folder, device string) (Completion, error) {
	var c Completion
	q := url.Values{"folder": {folder}}
	if device != "" {
		q.Set("device", device)
	}
	err := in.Do(ctx, http.MethodGet, "/rest/db/completion?"+q.Encode(), nil, &c)
	return c, err
}

// Scan rescans the folder and returns when the scan is over.
func (in *Instance) Scan(ctx context.Context, folder string) error {
	return in.Do(ctx, http.MethodPost, "/rest/db/scan?folder="+url.QueryEscape(folder), nil, nil)
}

// Connected tells whether the instance has a connection to device.
func (in *Instance) Connected(ctx context.Context, device string) (bool, error) {
	var c struct {
		Connections map[string]struct {
			Connected bool `json:"connected"`
		} `json:"connections"`
	}
	if err := in.Do(ctx, http.MethodGet, "/rest/system/connections", nil, &c); err != nil {
		return false, err
	}
	return c.Connections[device].Connected, nil
}

// Traffic is what an instance has sent and received over all its
// connections since it started. Syncthing counts BEP messages above TLS,
// after compression.
type Traffic struct {
	InBytes  int64 `json:"inBytesTotal"`
	OutBytes int64 `json:"outBytesTotal"`
}

// Traffic returns the instance's totals.
func (in *Instance) Traffic(ctx context.Context) (Traffic, error) {
	var c struct {
		Total Traffic `json:"total"`
	}
	err := in.Do(ctx, http.MethodGet, "/rest/system/connections", nil, &c)
	return c.Total, err
}

// Version returns the version Syncthing reports, e.g. "v1.30.0".
func (in *Instance) Version(ctx context.Context) (string, error) {
	var v struct {
		Version string `json:"version"`
	}
	err := in.Do(ctx, http.MethodGet, "/rest/system/version", nil, &v)
	return v.Version, err
}

// Stop asks Syncthing to shut down, kills it if it has not exited after
// 30 seconds, and waits for it. It returns an error if Syncthing had to be
// killed or exited with an error. Stop may be called more than once.
func (in *Instance) Stop() error {
	in.stopOnce.Do(func() {
		select {
		case <-in.proc.exited:
		default:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := in.Do(ctx, http.MethodPost, "/rest/system/shutdown", nil, nil)
			cancel()
			select {
			case <-in.proc.exited:
			case <-time.After(30 * time.Second):
				in.kill()
				in.stopErr = fmt.Errorf("syncthing in %s did not stop within 30 s (shutdown request: %v); killed", in.Home, err)
				return
			}
		}
		if err := in.exitError(); err != nil {
			in.stopErr = fmt.Errorf("syncthing in %s: %w\n%s", in.Home, err, in.LogTail(2048))
		}
	})
	return in.stopErr
}

func (in *Instance) kill() { in.proc.kill() }

// LogTail returns about the last n bytes of syncthing.log.
func (in *Instance) LogTail(n int64) string {
	return tail(filepath.Join(in.Home, "syncthing.log"), n)
}

func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		f.Seek(-n, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
