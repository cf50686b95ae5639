// Package serve runs Relais as a headless node: the same sync engine as
// the desktop application, on an always-on machine of the network (a
// small server at the federation, a PC that never sleeps), so that
// centres open on different days still meet someone. It never opens a
// window and does not import Fyne (a test checks it): it logs to stderr
// and stops cleanly on SIGTERM.
//
// A node has its own data folder, encrypted like any centre's, and its
// own account, made at set-up. Nobody types its password: it is read from
// a file only the node's system user may read (--password-file, or
// RELAIS_PASSWORD_FILE). A dedicated account, rather than a colleague's,
// so that the file never holds a person's password and nobody's password
// change stops the node; and a file rather than an environment variable
// holding the password itself, because the environment of a process is
// visible to other processes and ends up in service managers' logs.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"relais/audit"
	"relais/network"
	"relais/problem"
	"relais/staff"
	"relais/store"
)

// DefaultLogin is the node's account when none is given.
const DefaultLogin = "noeud"

// Problems of the headless node.
var (
	ErrPasswordFile     = problem.Register("serve.password_file")
	ErrPasswordFileOpen = problem.Register("serve.password_file_open")
	ErrNotSetUp         = problem.Register("serve.not_set_up")
	ErrBadPartner       = problem.Register("serve.bad_partner")
)

// Options configure a node. Relay and Partners change the network
// settings kept in the store, once, as an administrator would on the
// Network page.
type Options struct {
	// Program is how messages name the command, "relais serve" when empty.
	Program      string
	Data         string // the data folder
	Login        string // the node's account; DefaultLogin when empty
	PasswordFile string // holds the account's password, on its first line
	// SetUp makes a new data folder for the node, with Centre as its name
	// and Login as its account; the recovery key is written to Out once.
	SetUp  bool
	Centre string
	Out    io.Writer
	// Listen is where partners reach the node, e.g. tcp://0.0.0.0:22100;
	// the stored setting when empty.
	Listen string
	// Relay, when set, is the network's relay server (relay://…).
	Relay string
	// Partners are added when missing: "DEVICE-ID" or "DEVICE-ID@ADDRESS".
	Partners []string
	// Discovery announces the node on the local network.
	Discovery bool
	Logger    *slog.Logger
	Store     store.Options
	// Started, when set, is called once the node runs (tests).
	Started func(*network.Service)
}

// ReadPasswordFile reads the node's password from the first line of path.
// The file must be readable by its owner only (mode 0600 or 0400): a
// password others can read protects nothing.
func ReadPasswordFile(path string) (string, error) {
	if path == "" {
		return "", ErrPasswordFileOpen.With("file", "")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", ErrPasswordFileOpen.With("file", path).Because(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return "", ErrPasswordFile.With("file", path, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", ErrPasswordFileOpen.With("file", path).Because(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pw := strings.TrimRight(line, "\r")
	if pw == "" {
		return "", ErrPasswordFileOpen.With("file", path)
	}
	return pw, nil
}

// RunUntilSignal is Run until SIGTERM or an interrupt (Ctrl-C).
func RunUntilSignal(o Options) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return Run(ctx, o)
}

// Run opens the node's data folder, signs in with its account, starts the
// sync engine and runs it until ctx ends; then it stops the engine, saves
// and closes the store, and returns nil.
func Run(ctx context.Context, o Options) error {
	if o.Login == "" {
		o.Login = DefaultLogin
	}
	if o.Program == "" {
		o.Program = "relais serve"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	log := o.Logger
	pw, err := ReadPasswordFile(o.PasswordFile)
	if err != nil {
		return err
	}
	partners, err := parsePartners(o.Partners)
	if err != nil {
		return err
	}
	if _, err := os.Stat(o.Data); errors.Is(err, fs.ErrNotExist) && !o.SetUp {
		return ErrNotSetUp.With("dir", o.Data, "program", o.Program) // and no folder made
	}
	desk, err := staff.OpenDesk(o.Data, o.Store)
	if err != nil {
		return err
	}
	defer desk.Close()
	var s *staff.Session
	switch {
	case desk.NeedsSetUp() && !o.SetUp:
		return ErrNotSetUp.With("dir", o.Data, "program", o.Program)
	case desk.NeedsSetUp():
		var code string
		s, code, err = desk.SetUp(staff.FirstRun{CentreName: o.Centre, AdminName: "Nœud " + o.Centre,
			Login: o.Login, Password: pw, PasswordAgain: pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "Dossier du nœud créé dans %s.\nClé de secours (à garder en lieu sûr, elle ne sera plus affichée) : %s\n", o.Data, code)
	default:
		if s, err = desk.SignIn(o.Login, pw); err != nil {
			return err
		}
	}
	defer s.Close()

	// The node's account set up its folder: it is the folder's
	// administrator, and what it changes goes to the audit log.
	who := s.Actor().Recording(audit.Open(s.DB))
	nw, err := network.Open(s.DB, s.Centre.Name, network.Options{Listen: o.Listen, Logger: log, Discovery: o.Discovery, Who: who})
	if err != nil {
		return err
	}
	if o.Relay != "" {
		if err := nw.SetRelay(o.Relay); err != nil {
			return err
		}
	}
	for _, p := range partners {
		if _, err := nw.AddPartner(p.device, p.address, ""); err != nil && !errors.Is(err, network.ErrAlreadyPartner) {
			return err
		}
	}
	if err := nw.Start(ctx); err != nil {
		return err
	}
	st := nw.Status()
	log.Info("node started", "centre", s.Centre.Name, "device", st.Device, "listen", st.Listening,
		"relay", st.Relay != "", "partners", len(st.Partners))
	if st.ListenErr != nil {
		log.Warn("partners cannot reach this node", "err", st.ListenErr)
	}
	if o.Started != nil {
		o.Started(nw)
	}
	<-ctx.Done()
	log.Info("stopping")
	if err := nw.Close(); err != nil {
		log.Warn("saving the network settings", "err", err)
	}
	log.Info("node stopped")
	return nil
}

type partnerArg struct{ device, address string }

// parsePartners reads "DEVICE-ID" or "DEVICE-ID@ADDRESS" arguments.
func parsePartners(args []string) ([]partnerArg, error) {
	var out []partnerArg
	for _, a := range args {
		dev, addr, _ := strings.Cut(a, "@")
		if strings.TrimSpace(dev) == "" {
			return nil, ErrBadPartner.With("partner", a)
		}
		if _, err := network.ParseAddress(addr); err != nil {
			return nil, err
		}
		out = append(out, partnerArg{device: dev, address: addr})
	}
	return out, nil
}
