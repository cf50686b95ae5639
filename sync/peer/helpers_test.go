package peer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"relais/store"
)

// testStore is a store in a test's temporary directory that can be closed
// and opened again, as after a crash.
type testStore struct {
	dir string
	f   *store.Folder
	db  *store.DB
}

func newTestStore(t testing.TB) *testStore {
	t.Helper()
	s := &testStore{dir: t.TempDir()}
	f, err := store.OpenFolder(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise("Admin", "correct horse", store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	s.f, s.db = f, db
	t.Cleanup(s.close)
	return s
}

func (s *testStore) close() {
	if s.db != nil {
		s.db.Close()
		s.f.Close()
		s.db, s.f = nil, nil
	}
}

func (s *testStore) reopen(t testing.TB) {
	t.Helper()
	s.close()
	f, err := store.OpenFolder(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	master, err := f.Keyring().UnlockPassword("admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	db, err := f.Open(master, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	s.f, s.db = f, db
}

// testLogger logs to stderr when RELAIS_SYNC_LOG is set, otherwise nowhere.
func testLogger(name string) *slog.Logger {
	if os.Getenv("RELAIS_SYNC_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// member is one node of a test network: identity, store and listener stay
// across restarts of its Node.
type member struct {
	name   string
	id     Identity
	st     *testStore
	ln     net.Listener
	addr   string // where partners reach it directly
	lnAddr string // its listening address, kept across restarts
	node   *Node
	bytes  *byteCount
	cfg    func(*Config)
}

type byteCount struct{ read, written atomic.Int64 }

func (b *byteCount) total() int64 { return b.read.Load() + b.written.Load() }

type countingConn struct {
	net.Conn
	b *byteCount
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.b.read.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.b.written.Add(int64(n))
	return n, err
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func newMember(t testing.TB, name string) *member {
	t.Helper()
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	m := &member{name: name, id: id, st: newTestStore(t), bytes: &byteCount{}}
	m.ln = listen(t)
	m.addr = "tcp://" + m.ln.Addr().String()
	m.lnAddr = m.addr
	return m
}

const testFolder = "relais-test"

// start runs a Node for m with the given partners; the listener is reused
// (a fresh one on the same port after a restart).
func (m *member) start(t testing.TB, partners []Partner) {
	t.Helper()
	if m.ln == nil {
		addr := strings.TrimPrefix(m.listenAddr(), "tcp://")
		var err error
		for range 50 { // the old socket may linger a moment
			if m.ln, err = net.Listen("tcp", addr); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{
		Identity: m.id, Replica: StoreReplica{m.st.db}, FolderID: testFolder,
		Partners: partners, Listener: m.ln, Name: m.name, Logger: testLogger(m.name),
		RetryMin: 20 * time.Millisecond, RetryMax: 300 * time.Millisecond,
		WrapConn: func(c net.Conn) net.Conn { return countingConn{c, m.bytes} },
	}
	if m.cfg != nil {
		m.cfg(&cfg)
	}
	n, err := NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.node = n
	t.Cleanup(m.stop)
}

func (m *member) listenAddr() string { return m.lnAddr }

func (m *member) stop() {
	if m.node != nil {
		m.node.Close()
		m.node, m.ln = nil, nil
	}
}

// fullMesh starts every member with all the others as partners, reached
// at addrs[i][j] (member i dialing member j).
func fullMesh(t testing.TB, ms []*member, addrs func(i, j int) string) {
	t.Helper()
	for i, m := range ms {
		var ps []Partner
		for j, o := range ms {
			if i != j {
				ps = append(ps, Partner{Device: o.id.Device, Address: addrs(i, j)})
			}
		}
		m.start(t, ps)
	}
}

func direct(ms []*member) func(i, j int) string {
	return func(_, j int) string { return ms[j].addr }
}

// announcedState is what a replica shows the network, record by record.
func announcedState(t testing.TB, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.Changes(0, func(r store.Record) error {
		if a, ok := r.Announced(); ok {
			out[a.Name()] = fmt.Sprintf("deleted=%v body=%s version=%v", a.Deleted, a.Body, a.Version)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffStates(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q vs %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: missing vs %q", k, v))
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

// waitConverged waits until every member announces the same records.
func waitConverged(t testing.TB, ms []*member, timeout time.Duration) map[string]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		states := make([]map[string]string, len(ms))
		same := true
		for i, m := range ms {
			states[i] = announcedState(t, m.st.db)
			if i > 0 && !sameState(states[0], states[i]) {
				same = false
			}
		}
		if same {
			return states[0]
		}
		if time.Now().After(deadline) {
			for i := 1; i < len(ms); i++ {
				if d := diffStates(states[0], states[i]); d != "" {
					t.Errorf("%s vs %s:\n%s", ms[0].name, ms[i].name, d)
				}
			}
			for _, m := range ms {
				if m.node != nil {
					for _, p := range m.node.Partners() {
						t.Logf("%s: partner %v connected=%v pending=%d last sync %v", m.name, p.Device.Short(), p.Connected, p.Pending, p.LastSync.Format(time.StampMilli))
					}
				}
			}
			if f, err := os.CreateTemp("", "peer-stall-*.txt"); err == nil {
				pprof.Lookup("goroutine").WriteTo(f, 2)
				f.Close()
				t.Logf("goroutines dumped to %s", f.Name())
			}
			t.Fatalf("no convergence after %v", timeout)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func sameState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// faultProxy forwards 127.0.0.1 connections to target; while faulty it
// delays chunks at random and cuts connections after a random time.
type faultProxy struct {
	ln     net.Listener
	target string
	faulty atomic.Bool

	mu     sync.Mutex
	rng    *rand.Rand
	conns  map[net.Conn]*time.Timer
	closed bool
	wg     sync.WaitGroup
}

func newFaultProxy(t testing.TB, target string, seed uint64) *faultProxy {
	p := &faultProxy{ln: listen(t), target: strings.TrimPrefix(target, "tcp://"),
		rng: rand.New(rand.NewPCG(seed, 7)), conns: map[net.Conn]*time.Timer{}}
	p.faulty.Store(true)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) addr() string { return "tcp://" + p.ln.Addr().String() }

func (p *faultProxy) intN(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.IntN(n)
}

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		var cut *time.Timer
		if p.faulty.Load() {
			cut = time.AfterFunc(time.Duration(50+p.rng.IntN(700))*time.Millisecond, func() { c.Close(); up.Close() })
		}
		p.conns[c], p.conns[up] = cut, nil
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *faultProxy) pipe(from, to net.Conn) {
	defer p.wg.Done()
	defer func() {
		from.Close()
		to.Close()
		p.mu.Lock()
		delete(p.conns, from)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			if p.faulty.Load() && p.intN(4) == 0 {
				time.Sleep(time.Duration(p.intN(8)) * time.Millisecond)
			}
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

// heal stops the faults: no more delays, no more cuts.
func (p *faultProxy) heal() {
	p.faulty.Store(false)
	p.mu.Lock()
	for _, t := range p.conns {
		if t != nil {
			t.Stop()
		}
	}
	p.mu.Unlock()
}

func (p *faultProxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}
