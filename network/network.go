// Package network is this centre's place in the network of partner
// centres: its identity (a certificate made on first start, whose
// fingerprint is the device id partners type or scan), the partners it
// replicates with, and the sync node that runs while Relais is open.
//
// Everything here is kept in the encrypted store as local records that
// never leave this computer: the private key in particular, and the
// network's folder password (see SetFolderPassword).
//
// Beyond the local network, a centre may use two pieces of the network's
// own infrastructure, neither of which ever sees a record in clear: a
// relay server (Syncthing's strelaysrv) through which two centres behind
// NAT routers reach each other, over TLS from end to end; and encrypted
// mailboxes, stock Syncthing instances that keep the network's records
// encrypted with the folder password, so that a centre that was offline
// catches up from them alone.
package network

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/actor"
	"relais/problem"
	"relais/store"
	"relais/sync/discover"
	"relais/sync/peer"
)

// Kind is the kind of the local record holding the settings.
const Kind = "network"

const settingsID = "settings"

// FolderID is the BEP folder every Relais network replicates.
const FolderID = "relais"

// DefaultPort is where a centre accepts its partners.
const DefaultPort = 22100

// Problems.
var (
	ErrBadAddress     = problem.Register("network.bad_address")
	ErrSelf           = problem.Register("network.self")
	ErrAlreadyPartner = problem.Register("network.already_partner")
	ErrNotPartner     = problem.Register("network.not_partner")
	ErrNameTooLong    = problem.Register("network.name_too_long")
	// ErrBadRelay: the relay address is not "relay://host:port/?id=…".
	ErrBadRelay = problem.Register("network.bad_relay")
	// ErrNoFolderPassword: a mailbox needs the network's folder password first.
	ErrNoFolderPassword = problem.Register("network.no_folder_password")
	// ErrPasswordTooShort: the folder password has fewer than MinPasswordLength characters.
	ErrPasswordTooShort = problem.Register("network.password_too_short")
	// ErrPasswordInUse: the folder password cannot be removed while a mailbox needs it.
	ErrPasswordInUse = problem.Register("network.password_in_use")
	// ErrMailboxUnreachable: a mailbox needs an address, or a relay it joins.
	ErrMailboxUnreachable = problem.Register("network.mailbox_unreachable")
	// ErrMailboxPassword: the mailbox keeps the network's data under another folder password.
	ErrMailboxPassword = problem.Register("network.mailbox_password")
)

// MinPasswordLength is the shortest folder password accepted, in characters.
const MinPasswordLength = 12

// PartnerType says what a partner is.
type PartnerType string

// The types of partners.
const (
	// Centre is another Relais: it holds the network's records in clear
	// (in its encrypted store) and edits them.
	Centre PartnerType = ""
	// Mailbox is a stock Syncthing whose folder is "receiveencrypted": an
	// always-on « boîte aux lettres chiffrée » that holds only ciphertext.
	Mailbox PartnerType = "mailbox"
)

// Partner is a partner centre as staff entered it.
type Partner struct {
	Device  string      `json:"device"`            // Syncthing format, with check digits
	Address string      `json:"address,omitempty"` // "tcp://host:port", empty: it dials us, or the LAN tells where it is
	Name    string      `json:"name,omitempty"`    // what staff call it, « Centre social Les Tilleuls »
	Type    PartnerType `json:"type,omitempty"`
	Added   time.Time   `json:"added"`
	// LastSync is when everything it had announced was last applied here.
	LastSync time.Time `json:"last_sync,omitzero"`
}

// Settings is the record kept under Kind/settings, a local record of the
// encrypted store: none of it ever leaves this computer.
type Settings struct {
	Identity string    `json:"identity"` // PEM: certificate and private key
	Listen   string    `json:"listen"`   // "tcp://0.0.0.0:22100"
	Partners []Partner `json:"partners"`
	// Relay is the network's relay server, "relay://host:port/?id=…";
	// empty: none.
	Relay string `json:"relay,omitempty"`
	// FolderPassword is the network's secret that the mailboxes' data is
	// encrypted with: the same on every centre, typed by an administrator
	// of each, never logged nor shown again.
	FolderPassword string `json:"folder_password,omitempty"`
}

// Options tune a Service; the zero value is what the app uses.
type Options struct {
	// Listen overrides the stored listening address (tests use 127.0.0.1:0).
	Listen string
	Logger *slog.Logger
	// Tune, when set, adjusts the node's configuration before it starts
	// (tests shorten the retry delays).
	Tune func(*peer.Config)
	// Discovery announces this centre on the local network and finds the
	// partners that have no fixed address (UDP broadcast on
	// DiscoveryPort, discover.DefaultPort when zero). Off in tests: they
	// never broadcast outside a network namespace.
	Discovery     bool
	DiscoveryPort int
	// Who changes the partners and the network's settings: only a role
	// that manages partners (an administrator) may; nil, nobody.
	Who *actor.Actor
}

// PartnerStatus is a partner and what the node knows of it now.
type PartnerStatus struct {
	Partner
	Connected bool
	Relayed   bool // through the relay server
	Pending   int  // records announced by the partner and not applied yet
	Received  int  // records applied since the connection began
	// Problem is what keeps it from syncing, when known: ErrMailboxPassword.
	Problem error
}

// Progress is how far a transfer in progress is, between 0 and 1; 1 when
// nothing is waiting.
func (p PartnerStatus) Progress() float64 {
	if p.Pending == 0 {
		return 1
	}
	return float64(p.Received) / float64(p.Received+p.Pending)
}

// Status is what the Network screen shows.
type Status struct {
	Device    string // this centre's id
	Listening string // the address partners reach us at, empty when not listening
	ListenErr error  // why we do not listen, when we do not
	// Relay is the relay server set, empty when none; RelayErr says why
	// this centre is not joined to it (nil when it is).
	Relay    string
	RelayErr error
	// FolderPassword tells whether the network's folder password is set
	// (never what it is).
	FolderPassword bool
	Partners       []PartnerStatus
}

// Service runs this centre's sync node and keeps its partners.
type Service struct {
	db   *store.DB
	name string
	opts Options
	log  *slog.Logger
	id   peer.Identity

	mu        sync.Mutex
	settings  Settings
	parent    context.Context // given to Start, for a restart
	node      *peer.Node
	listenErr error
	cancel    context.CancelFunc
	done      chan struct{}
	changed   chan struct{}
	savedAt   time.Time
}

// Open reads the network settings of db, making this centre's identity on
// first use. centre is the name partners see in our Hello.
func Open(db *store.DB, centre string, opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: db, name: centre, opts: opts, log: opts.Logger, changed: make(chan struct{}, 1)}
	r, err := db.Get(Kind, settingsID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		id, err := peer.NewIdentity()
		if err != nil {
			return nil, err
		}
		pem, err := id.MarshalPEM()
		if err != nil {
			return nil, err
		}
		s.id = id
		s.settings = Settings{Identity: string(pem), Listen: "tcp://0.0.0.0:" + strconv.Itoa(DefaultPort)}
		if err := s.save(); err != nil {
			return nil, err
		}
		return s, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal(r.Body, &s.settings); err != nil {
		return nil, err
	}
	if s.id, err = peer.ParseIdentity([]byte(s.settings.Identity)); err != nil {
		return nil, err
	}
	return s, nil
}

// peerPartner is what the node needs of a partner: a mailbox gets the
// folder password.
func (s *Service) peerPartner(p Partner) (peer.Partner, error) {
	dev, err := peer.ParseDeviceID(p.Device)
	if err != nil {
		return peer.Partner{}, err
	}
	pp := peer.Partner{Device: dev, Address: p.Address}
	if p.Type == Mailbox {
		pp.Password = s.settings.FolderPassword
	}
	return pp, nil
}

// save writes the settings (s.mu held, or before the service is shared).
func (s *Service) save() error { return s.saveLogged("") }

// saveLogged saves the settings and notes action (none when empty) in the
// audit log, in one transaction.
func (s *Service) saveLogged(action actor.Action) error {
	body, err := json.Marshal(s.settings)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *store.Tx) error {
		if _, err := tx.Put(Kind, settingsID, body, store.ScopeLocal); err != nil {
			return err
		}
		if action == "" {
			return nil
		}
		return s.opts.Who.Log(tx, action, "", Kind+"/"+settingsID)
	})
}

// DeviceID is this centre's id, as partners type it.
func (s *Service) DeviceID() string { return s.id.DeviceID() }

// Changed receives a signal whenever a partner's state changes (connected,
// synced, added, removed). Signals are coalesced.
func (s *Service) Changed() <-chan struct{} { return s.changed }

func (s *Service) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Start runs the sync node until Close. When the listening port is taken,
// the node still dials its partners, and Status says why it cannot be
// reached.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.node != nil {
		return errors.New("network: already started")
	}
	listen := s.settings.Listen
	if s.opts.Listen != "" {
		listen = s.opts.Listen
	}
	cfg := peer.Config{
		Identity: s.id, Replica: peer.StoreReplica{DB: s.db}, FolderID: FolderID,
		Name: s.name, Logger: s.log, Relay: s.settings.Relay,
	}
	for _, p := range s.settings.Partners {
		pp, err := s.peerPartner(p)
		if err != nil {
			s.log.Warn("a stored partner has a bad device id", "device", p.Device)
			continue
		}
		cfg.Partners = append(cfg.Partners, pp)
	}
	if s.opts.Tune != nil {
		s.opts.Tune(&cfg)
	}
	var d *discover.Discoverer
	if s.opts.Discovery {
		var err error
		if d, err = s.discoverer(listen); err != nil {
			return err
		}
		cfg.Lookup = d.Lookup
	}
	var listenErr error
	if cfg.Listener == nil && listen != "" {
		ln, err := net.Listen("tcp", strings.TrimPrefix(listen, "tcp://"))
		if err != nil {
			listenErr = err
			s.log.Warn("cannot accept partners", "listen", listen, "err", err)
		} else {
			cfg.Listener = ln
		}
	}
	node, err := peer.NewNode(cfg)
	if err != nil {
		if cfg.Listener != nil {
			cfg.Listener.Close()
		}
		return err
	}
	s.parent = ctx
	s.listenErr = listenErr
	ctx, s.cancel = context.WithCancel(ctx)
	if err := node.Start(ctx); err != nil {
		return err
	}
	if d != nil {
		go func() {
			if err := d.Run(ctx); err != nil {
				s.log.Warn("local network discovery stopped", "err", err)
			}
		}()
	}
	s.node = node
	s.done = make(chan struct{})
	go s.follow(ctx, node)
	return nil
}

// discoverer announces the port we listen on, and listens for partners.
func (s *Service) discoverer(listen string) (*discover.Discoverer, error) {
	_, port, err := net.SplitHostPort(strings.TrimPrefix(listen, "tcp://"))
	if err != nil {
		return nil, err
	}
	return discover.New(discover.Config{
		Identity: s.id,
		Port:     s.opts.DiscoveryPort,
		Addresses: func() []string {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.listenErr != nil {
				return nil // nobody can reach us
			}
			return []string{"tcp://0.0.0.0:" + port}
		},
		Allowed: func(dev protocol.DeviceID) bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.find(dev.String()) >= 0
		},
		Logger: s.log,
	})
}

// follow records the partners' last syncs from the node's events.
func (s *Service) follow(ctx context.Context, node *peer.Node) {
	defer close(s.done)
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-node.Events():
			if ev.Kind == peer.EventSynced {
				s.synced(ev.Device, ev.At)
			}
			s.signal()
		}
	}
}

func (s *Service) synced(dev protocol.DeviceID, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(dev.String())
	if i < 0 {
		return
	}
	s.settings.Partners[i].LastSync = at.UTC()
	// Saved at most once a minute: the time of the last sync is worth
	// little next to a disk write per batch.
	if time.Since(s.savedAt) > time.Minute {
		s.savedAt = time.Now()
		if err := s.save(); err != nil {
			s.log.Warn("saving the network settings", "err", err)
		}
	}
}

func (s *Service) find(device string) int {
	return slices.IndexFunc(s.settings.Partners, func(p Partner) bool { return p.Device == device })
}

// Close stops the node and saves the partners' last syncs.
func (s *Service) Close() error {
	s.mu.Lock()
	node, cancel, done := s.node, s.cancel, s.done
	s.node = nil
	s.mu.Unlock()
	if node == nil {
		return nil
	}
	cancel()
	node.Close()
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.save()
}

// ParseAddress reads a partner's address as staff type it: "tcp://host:port",
// "host:port", or a bare host or IP address (then on DefaultPort). Empty
// stays empty: the partner will dial us, or the LAN will tell where it is.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(strings.ToLower(s), "tcp://")
	if !ok && strings.Contains(s, "://") {
		return "", ErrBadAddress.With("address", s)
	}
	if !ok {
		rest = s
	}
	host, port, err := net.SplitHostPort(rest)
	if err != nil {
		// A bare host, or an IPv6 address without brackets.
		host, port = strings.Trim(rest, "[]"), strconv.Itoa(DefaultPort)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", ErrBadAddress.With("address", s)
	}
	if host == "" || strings.ContainsAny(host, " /\\@?#") || (net.ParseIP(host) == nil && !validHostName(host)) {
		return "", ErrBadAddress.With("address", s)
	}
	return "tcp://" + net.JoinHostPort(host, port), nil
}

func validHostName(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// AddPartner adds a partner centre by its id (as typed or scanned: the check
// digits catch typing mistakes) and optional address, and starts syncing
// with it at once.
func (s *Service) AddPartner(device, address, name string) (Partner, error) {
	return s.addPartner(device, address, name, Centre)
}

// AddMailbox adds an encrypted mailbox (« boîte aux lettres chiffrée »): a
// stock Syncthing run by the network, whose folder "relais" is of type
// "receiveencrypted" and shared with this centre. It receives this
// centre's records encrypted with the network's folder password, which
// must be set first, and keeps them for the centres that were offline.
// It needs an address, unless a relay is set (it may join the relay too).
func (s *Service) AddMailbox(device, address, name string) (Partner, error) {
	return s.addPartner(device, address, name, Mailbox)
}

func (s *Service) addPartner(device, address, name string, typ PartnerType) (Partner, error) {
	if err := s.opts.Who.Check(actor.ManagePartners); err != nil {
		return Partner{}, err
	}
	dev, err := peer.ParseDeviceID(device)
	if err != nil {
		return Partner{}, err
	}
	if address, err = ParseAddress(address); err != nil {
		return Partner{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > 100 {
		return Partner{}, ErrNameTooLong
	}
	if dev == s.id.Device {
		return Partner{}, ErrSelf
	}
	p := Partner{Device: dev.String(), Address: address, Name: name, Type: typ, Added: time.Now().UTC()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.find(p.Device); i >= 0 {
		return Partner{}, ErrAlreadyPartner.With("name", s.settings.Partners[i].label())
	}
	if typ == Mailbox {
		if s.settings.FolderPassword == "" {
			return Partner{}, ErrNoFolderPassword
		}
		if address == "" && s.settings.Relay == "" {
			return Partner{}, ErrMailboxUnreachable
		}
	}
	s.settings.Partners = append(s.settings.Partners, p)
	if err := s.saveLogged(actor.PartnerAdded); err != nil {
		s.settings.Partners = s.settings.Partners[:len(s.settings.Partners)-1]
		return Partner{}, err
	}
	if s.node != nil {
		pp, _ := s.peerPartner(p)
		if err := s.node.AddPartner(pp); err != nil {
			s.log.Warn("node refused a partner", "err", err)
		}
	}
	s.signal()
	return p, nil
}

// ParseRelay reads the relay server's address as an administrator pastes
// it from the network's instructions: "relay://host:port/?id=…" (the id
// of the relay, which strelaysrv prints when it starts). Empty stays empty.
func ParseRelay(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", nil
	}
	u, err := peer.ParseRelay(addr)
	if err != nil {
		return "", ErrBadRelay.With("address", addr)
	}
	return u.String(), nil
}

// SetRelay sets the network's relay server (empty: none) and, when the
// node runs, restarts it to join the new one.
func (s *Service) SetRelay(addr string) error {
	if err := s.opts.Who.Check(actor.ManagePartners); err != nil {
		return err
	}
	addr, err := ParseRelay(addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if addr == s.settings.Relay {
		s.mu.Unlock()
		return nil
	}
	if addr == "" {
		for _, p := range s.settings.Partners {
			if p.Type == Mailbox && p.Address == "" {
				s.mu.Unlock()
				return ErrMailboxUnreachable
			}
		}
	}
	old := s.settings.Relay
	s.settings.Relay = addr
	if err := s.saveLogged(actor.NetworkChanged); err != nil {
		s.settings.Relay = old
		s.mu.Unlock()
		return err
	}
	running, parent := s.node != nil, s.parent
	s.mu.Unlock()
	s.signal()
	if running {
		if err := s.Close(); err != nil {
			return err
		}
		return s.Start(parent)
	}
	return nil
}

// SetFolderPassword sets the network's folder password, the secret every
// centre of the network types the same, which encrypts what the mailboxes
// keep. It is kept in this centre's encrypted store, never logged, never
// shown again. Empty removes it, unless a mailbox needs it. The mailboxes'
// connections start again with the new one.
func (s *Service) SetFolderPassword(password string) error {
	if err := s.opts.Who.Check(actor.ManagePartners); err != nil {
		return err
	}
	if password != "" && utf8.RuneCountInString(password) < MinPasswordLength {
		return ErrPasswordTooShort.With("min", MinPasswordLength)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if password == s.settings.FolderPassword {
		return nil
	}
	if password == "" && slices.ContainsFunc(s.settings.Partners, func(p Partner) bool { return p.Type == Mailbox }) {
		return ErrPasswordInUse
	}
	old := s.settings.FolderPassword
	s.settings.FolderPassword = password
	if err := s.saveLogged(actor.NetworkChanged); err != nil {
		s.settings.FolderPassword = old
		return err
	}
	if s.node != nil {
		for _, p := range s.settings.Partners {
			if p.Type != Mailbox {
				continue
			}
			if pp, err := s.peerPartner(p); err == nil {
				if err := s.node.AddPartner(pp); err != nil {
					s.log.Warn("node refused a partner", "err", err)
				}
			}
		}
	}
	s.signal()
	return nil
}

// label is how a partner is named in messages: its name, or the start of its id.
func (p Partner) label() string {
	if p.Name != "" {
		return p.Name
	}
	short, _, _ := strings.Cut(p.Device, "-")
	return short
}

// RemovePartner stops syncing with a partner: it is disconnected at once and
// refused from now on. What it sent stays here.
func (s *Service) RemovePartner(device string) error {
	if err := s.opts.Who.Check(actor.ManagePartners); err != nil {
		return err
	}
	dev, err := peer.ParseDeviceID(device)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(dev.String())
	if i < 0 {
		return ErrNotPartner
	}
	kept := slices.Delete(slices.Clone(s.settings.Partners), i, i+1)
	old := s.settings.Partners
	s.settings.Partners = kept
	if err := s.saveLogged(actor.PartnerRemoved); err != nil {
		s.settings.Partners = old
		return err
	}
	if s.node != nil {
		s.node.RemovePartner(dev)
	}
	s.signal()
	return nil
}

// Status returns this centre's id and every partner's state, in the order
// they were added.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Device: s.id.DeviceID(), ListenErr: s.listenErr, Relay: s.settings.Relay,
		FolderPassword: s.settings.FolderPassword != ""}
	live := map[string]peer.PartnerStatus{}
	if s.node != nil {
		st.Listening = s.node.Addr()
		st.RelayErr = s.node.RelayStatus()
		for _, p := range s.node.Partners() {
			live[p.Device.String()] = p
		}
	}
	for _, p := range s.settings.Partners {
		ps := PartnerStatus{Partner: p}
		if l, ok := live[p.Device]; ok {
			ps.Connected, ps.Relayed, ps.Pending, ps.Received = l.Connected, l.Relayed, l.Pending, l.Received
			if errors.Is(l.Err, peer.ErrMailboxPassword) {
				ps.Problem = ErrMailboxPassword
			}
			if l.LastSync.After(ps.LastSync) {
				ps.LastSync = l.LastSync
			}
		}
		st.Partners = append(st.Partners, ps)
	}
	return st
}
