// Package demo fills a data folder with a believable network, so that a
// newcomer can try Relais without typing anything first, and makes the large
// data set the benchmarks run on. Everything is deterministic from a seed.
package demo

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"

	"relais/appointments"
	"relais/network"
	"relais/people"
	"relais/radar"
	"relais/staff"
	"relais/store"
	"relais/sync/peer"
)

// The demo folder's credentials, printed by `relais demo` and in the README.
// Mediators of the first centre sign in with their login and the same password.
const (
	CentreName = "Centre social Les Tilleuls (démo)"
	AdminName  = "Camille Martin"
	Login      = "admin"
	Password   = "relais-demo"
	// The front desk's and the coordinator's accounts, to try the roles.
	ReceptionLogin   = "accueil"
	CoordinatorLogin = "coordination"
)

// Size is how big a generated network is.
type Size struct {
	Name         string
	Centres      int
	Mediators    int
	People       int
	Past, Future time.Duration // appointments from now-Past to now+Future
	Appointments int           // at most; 0 for as many as the agendas hold
}

// The two sizes: the demo that `make run` opens, and the large set the
// benchmarks are measured on.
var (
	Small = Size{Name: "demo", Centres: 3, Mediators: 8, People: 2000, Past: 91 * 24 * time.Hour, Future: 91 * 24 * time.Hour}
	Large = Size{Name: "large", Centres: 50, Mediators: 1000, People: 100_000, Past: 165 * 24 * time.Hour, Future: 60 * 24 * time.Hour, Appointments: 1_000_000}
)

// Created tells what Create wrote.
type Created struct {
	People, Mediators, Appointments int
	FollowUps                       int      // procedures followed (radar)
	MediatorLogins                  []string // the ones that can sign in
}

// Create sets up dir as a demo network of the given size. A folder that is
// already set up is left as it is and ok is false. progress, when not nil,
// hears about each stage.
func Create(dir string, opts store.Options, size Size, seed uint64, progress func(string)) (c Created, ok bool, err error) {
	say := func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
	desk, err := staff.OpenDesk(dir, opts)
	if err != nil {
		return c, false, err
	}
	defer desk.Close()
	if !desk.NeedsSetUp() {
		return c, false, nil
	}
	s, _, err := desk.SetUp(staff.FirstRun{
		CentreName: CentreName, AdminName: AdminName,
		Login: Login, Password: Password, PasswordAgain: Password,
	})
	if err != nil {
		return c, false, err
	}
	defer s.Close()
	now := time.Now()

	say("%d personnes…", size.People)
	persons := people.Generate(int64(seed), size.People)
	ids := make([]string, len(persons))
	err = inBatches(s.DB, len(persons), func(tx *store.Tx, i int) error {
		p, err := people.PutIn(tx, persons[i], now)
		ids[i] = p.ID
		return err
	})
	if err != nil {
		return c, false, err
	}
	c.People = len(persons)

	say("centres, horaires et rendez-vous…")
	nextReport := 100_000
	g, err := appointments.GenerateSchedule(s.DB, appointments.Plan{
		Seed: seed, Centres: size.Centres, Mediators: size.Mediators, Existing: []string{s.CentreID},
		Persons: ids, From: now.Add(-size.Past), To: now.Add(size.Future), Now: now, Limit: size.Appointments,
		Progress: func(n int) {
			if n >= nextReport {
				say("%d rendez-vous…", n)
				nextReport += 100_000
			}
		},
	})
	if err != nil {
		return c, false, err
	}
	c.Appointments = g.Appointments

	say("comptes des médiateurs…")
	names := people.Generate(int64(seed)+1, size.Mediators)
	taken := map[string]bool{Login: true}
	type account struct {
		id  string
		acc staff.Account
	}
	var accounts []account
	n := 0
	for _, centre := range g.Centres {
		for _, id := range g.Mediators[centre] {
			p := names[n%len(names)]
			n++
			acc := staff.Account{Login: uniqueLogin(p.FirstName, p.LastName, taken), Name: p.FullName(), Role: staff.Mediator, Centre: centre}
			accounts = append(accounts, account{id, acc})
		}
	}
	err = inBatches(s.DB, len(accounts), func(tx *store.Tx, i int) error {
		_, err := store.PutIn(tx, staff.Kind, accounts[i].id, accounts[i].acc, store.ScopeNetwork)
		return err
	})
	if err != nil {
		return c, false, err
	}
	c.Mediators = len(accounts)
	// The mediators of the first centre can sign in too: one keyslot each.
	for _, a := range accounts {
		if a.acc.Centre == s.CentreID {
			if err := s.SetPasswordOf(a.acc.Login, Password); err != nil {
				return c, false, err
			}
			c.MediatorLogins = append(c.MediatorLogins, a.acc.Login)
		}
	}
	// One account per other role, to see what each one may do.
	for _, a := range []struct {
		name, login string
		role        staff.Role
	}{{"Nadia Benali", ReceptionLogin, staff.Reception}, {"Yves Morel", CoordinatorLogin, staff.Coordinator}} {
		if _, err := s.AddAccount(a.name, a.login, a.role, Password); err != nil {
			return c, false, err
		}
	}
	say("démarches suivies et radar…")
	logins := append([]string{Login}, c.MediatorLogins...)
	fu, err := radar.GenerateFollowUps(s.DB, radar.Sample{Seed: seed, Persons: ids, Centres: g.Centres, Staff: logins, Now: now})
	if err != nil {
		return c, false, err
	}
	c.FollowUps = fu.FollowUps
	say("centres partenaires…")
	if err := addDemoPartners(s, g.Centres); err != nil {
		return c, false, err
	}
	return c, true, nil
}

// addDemoPartners lists a few other centres of the demo network on the
// Network page, each with an id of its own and no address: nothing is
// dialed, and they show as not connected.
func addDemoPartners(s *staff.Session, centres []string) error {
	nw, err := network.Open(s.DB, s.Centre.Name, network.Options{Who: s.Actor()})
	if err != nil {
		return err
	}
	added := 0
	for _, id := range centres {
		if id == s.CentreID || added == 4 {
			continue
		}
		centre, _, err := appointments.Centres(s.DB).Get(id)
		if err != nil {
			return err
		}
		ident, err := peer.NewIdentity()
		if err != nil {
			return err
		}
		if _, err := nw.AddPartner(ident.DeviceID(), "", centre.Name); err != nil {
			return err
		}
		added++
	}
	return nil
}

// inBatches calls write for 0..n-1, 500 to a transaction.
func inBatches(db *store.DB, n int, write func(tx *store.Tx, i int) error) error {
	const batch = 500
	for start := 0; start < n; start += batch {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				if err := write(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

var asciiFold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// uniqueLogin makes "prenom.nom" in plain lower-case ASCII, numbered when taken.
func uniqueLogin(first, last string, taken map[string]bool) string {
	clean := func(s string) string {
		s, _, _ = transform.String(asciiFold, strings.ToLower(s))
		var b strings.Builder
		for _, r := range s {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	base := clean(first)
	if l := clean(last); l != "" {
		base += "." + l
	}
	if len(base) < 2 {
		base = "mediateur"
	}
	if len(base) > 28 {
		base = base[:28]
	}
	login := base
	for i := 2; taken[login]; i++ {
		login = fmt.Sprintf("%s%d", base, i)
	}
	taken[login] = true
	return login
}

// LargeDirEnv names the environment variable that points the large-set
// benchmarks at a folder made by `relais demo --size large`.
const LargeDirEnv = "RELAIS_LARGE_DIR"

// SignIn opens a demo folder as its administrator, for benchmarks and tools.
// Close the session, then the desk.
func SignIn(dir string, opts store.Options) (*staff.Desk, *staff.Session, error) {
	desk, err := staff.OpenDesk(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	s, err := desk.SignIn(Login, Password)
	if err != nil {
		desk.Close()
		return nil, nil, err
	}
	return desk, s, nil
}
