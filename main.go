// Command relais is the Relais desktop application and its command line.
// It only wires things together: the screens live in app/, the rules in the
// domain packages.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/alecthomas/kong"
	"golang.org/x/term"

	ui "relais/app"
	"relais/assets"
	"relais/demo"
	"relais/schema"
	"relais/serve"
	"relais/staff"
	"relais/store"
)

// appID must match FyneApp.toml.
const appID = "fr.relais.app"

type cli struct {
	Data string `help:"Data folder of this centre." type:"path" default:"${data}" env:"RELAIS_DATA"`
	Lang string `help:"Language of the command line's messages (fr or en)." default:"fr" enum:"fr,en"`

	Open    openCmd    `cmd:"" default:"withargs" help:"Open the Relais window (default)."`
	Demo    demoCmd    `cmd:"" help:"Create a demo network in a new data folder (login admin, password relais-demo)."`
	Check   checkCmd   `cmd:"" help:"Verify the data folder's records and indexes."`
	Backup  backupCmd  `cmd:"" help:"Write an encrypted backup of the data folder."`
	Restore restoreCmd `cmd:"" help:"Replace the data folder's content with a backup."`
	Serve   serveCmd   `cmd:"" help:"Run a headless node (no window) that syncs with the network until SIGTERM; logs to stderr."`
}

func defaultDataDir() string {
	base, err := os.UserConfigDir()
	if err != nil {
		base = "."
	}
	return filepath.Join(base, "Relais")
}

func main() {
	var c cli
	ctx := kong.Parse(&c,
		kong.Name("relais"),
		kong.Description("Relais: appointments, guides and follow-up for digital help desks."),
		kong.Vars{"data": defaultDataDir()},
	)
	ui.SetLanguage(c.Lang)
	if err := ctx.Run(&c); err != nil {
		fmt.Fprintln(os.Stderr, ui.Message(err))
		os.Exit(1)
	}
}

type openCmd struct {
	Listen      string        `help:"Where partner centres connect, e.g. tcp://127.0.0.1:22100 (default: the centre's setting, all interfaces, port 22100)." env:"RELAIS_LISTEN"`
	NoDiscovery bool          `name:"no-lan-discovery" help:"Do not announce this centre on the local network, nor listen for partners' announcements." env:"RELAIS_NO_LAN_DISCOVERY"`
	AutoLock    time.Duration `name:"auto-lock" help:"Lock after this long without activity, whatever this PC's setting (e.g. 2m for a kiosk)." env:"RELAIS_AUTO_LOCK"`
}

func (o openCmd) Run(c *cli) error {
	a := fyneapp.NewWithID(appID)
	ui.SetLanguage(a.Preferences().StringWithFallback("language", "fr"))
	desk, err := staff.OpenDesk(c.Data, options())
	if err != nil {
		showFatal(a, ui.Message(err))
		return err
	}
	defer desk.Close()
	u := ui.NewWith(a, desk, ui.Options{Listen: o.Listen, Discovery: !o.NoDiscovery, AutoLock: o.AutoLock})
	u.WatchIdle()
	u.Window().ShowAndRun()
	return nil
}

// showFatal tells a person who started Relais from an icon why it cannot
// open, rather than failing silently.
func showFatal(a fyne.App, msg string) {
	w := a.NewWindow("Relais")
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w.SetContent(ui.FatalScreen(msg, a.Quit))
	w.Resize(fyne.NewSize(640, 300))
	w.CenterOnScreen()
	w.ShowAndRun()
}

type demoCmd struct {
	Size string `help:"demo: 3 centres, 8 mediators, 2,000 people; large: 50 centres, 100,000 people, 1,000,000 appointments." default:"demo" enum:"demo,large"`
	Seed uint64 `help:"Seed of the generator: the same seed gives the same network." default:"1"`
}

func (d demoCmd) Run(c *cli) error {
	size := demo.Small
	if d.Size == "large" {
		size = demo.Large
	}
	start := time.Now()
	created, ok, err := demo.Create(c.Data, options(), size, d.Seed, func(msg string) { fmt.Println(msg) })
	if err != nil {
		return err
	}
	if !ok {
		fmt.Printf("Le dossier %s est déjà configuré ; il est laissé tel quel.\n", c.Data)
	} else {
		fmt.Printf("Réseau de démonstration créé dans %s en %s : %d personnes, %d médiateurs, %d rendez-vous, %d démarches suivies.\n",
			c.Data, time.Since(start).Round(time.Second), created.People, created.Mediators, created.Appointments, created.FollowUps)
	}
	fmt.Printf("Identifiant : %s — mot de passe : %s\n", demo.Login, demo.Password)
	if len(created.MediatorLogins) > 0 {
		fmt.Printf("Médiateurs (même mot de passe) : %s\n", strings.Join(created.MediatorLogins, ", "))
	}
	fmt.Printf("Accueil : %s — coordination : %s (même mot de passe)\n", demo.ReceptionLogin, demo.CoordinatorLogin)
	return nil
}

// options are the store options of every command: all domain indexes.
func options() store.Options { return schema.Options(store.Options{}) }

type signIn struct {
	Login string `help:"Staff login." default:"admin"`
}

// session opens the data folder and signs in, reading the password from
// RELAIS_PASSWORD, the terminal, or one line of standard input.
func (s signIn) session(c *cli) (*staff.Desk, *staff.Session, error) {
	desk, err := staff.OpenDesk(c.Data, options())
	if err != nil {
		return nil, nil, err
	}
	pw, err := readPassword("Mot de passe de " + s.Login + " : ")
	if err != nil {
		desk.Close()
		return nil, nil, err
	}
	sess, err := desk.SignIn(s.Login, pw)
	if err != nil {
		desk.Close()
		return nil, nil, err
	}
	return desk, sess, nil
}

func readPassword(prompt string) (string, error) {
	if pw, ok := os.LookupEnv("RELAIS_PASSWORD"); ok {
		return pw, nil
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprint(os.Stderr, prompt)
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

type checkCmd struct{ signIn }

func (k checkCmd) Run(c *cli) error {
	desk, s, err := k.session(c)
	if err != nil {
		return err
	}
	defer desk.Close()
	defer s.Close()
	rep, err := s.Check()
	if err != nil {
		return err
	}
	fmt.Printf("%d fiches, %d suppressions, %d entrées d'index\n", rep.Records, rep.Tombstones, rep.IndexEntries)
	for _, p := range rep.Problems {
		fmt.Println("PROBLÈME :", p)
	}
	if !rep.OK() {
		return errors.New("check found problems")
	}
	fmt.Println("Données cohérentes.")
	return nil
}

type backupCmd struct {
	signIn
	Out string `help:"Backup file to write." type:"path" required:""`
}

func (b backupCmd) Run(c *cli) error {
	desk, s, err := b.session(c)
	if err != nil {
		return err
	}
	defer desk.Close()
	defer s.Close()
	tmp := b.Out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := s.Backup(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, b.Out); err != nil {
		return err
	}
	fmt.Printf("Sauvegarde écrite : %s\n", b.Out)
	return nil
}

type restoreCmd struct {
	signIn
	From string `help:"Backup file to restore." type:"existingfile" required:""`
}

func (r restoreCmd) Run(c *cli) error {
	desk, err := staff.OpenDesk(c.Data, options())
	if err != nil {
		return err
	}
	defer desk.Close()
	f, err := os.Open(r.From)
	if err != nil {
		return err
	}
	defer f.Close()
	pw, err := readPassword("Mot de passe de " + r.Login + " au moment de la sauvegarde : ")
	if err != nil {
		return err
	}
	if err := desk.Restore(bufio.NewReader(f), r.Login, pw); err != nil {
		return err
	}
	fmt.Printf("Sauvegarde restaurée dans %s\n", c.Data)
	return nil
}

// serveCmd runs the headless node of package serve: it never opens a window.
type serveCmd struct {
	serve.Command `embed:""`
}

func (s serveCmd) Run(c *cli) error {
	return serve.RunUntilSignal(s.Options("relais serve", c.Data, options()))
}
