package store_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"relais/store"
)

// The crash test kills a writing process at random moments and checks that
// the store it leaves keeps every write that was acknowledged, keeps a write
// that was in flight either whole or not at all, and is consistent.
//
// TestCrash re-executes the test binary as a child running TestCrashChild.
// The child writes records in a loop and reports on stdout, one whole line
// per write(2):
//
//	ready                                  the store is open
//	try put:kind/id:SHA del:kind/id ...    a call is about to start (its writes in order)
//	ack put kind/id SHA / ack del kind/id  the call returned nil (all its acks in one write)
//	reopen                                 the child closes and reopens the store cleanly
//
// The parent kills it with SIGKILL 20–400 ms after it is ready, then opens
// the store itself and compares it with the acknowledged history.

const (
	crashDirEnv    = "RELAIS_CRASH_DIR"
	crashSeedEnv   = "RELAIS_CRASH_SEED"
	crashModeEnv   = "RELAIS_CRASH_MODE"
	crashBackupEnv = "RELAIS_CRASH_BACKUP"
)

var crashKinds = []string{"note", "doc"}

type crashNote struct {
	Tag string `json:"t"`
}

// crashOptions declares an index, so that a torn write would also show as
// an index out of step with its record.
func crashOptions() store.Options {
	o := store.TestOptions()
	o.Indexes = []store.Index{store.IndexOn("note", "tag", 1, func(n crashNote) []string {
		if n.Tag == "" {
			return nil
		}
		return []string{n.Tag}
	})}
	return o
}

func crashOpen(dir string) (*store.Folder, *store.DB, error) {
	return crashOpenWith(dir, crashOptions())
}

func crashOpenWith(dir string, opts store.Options) (*store.Folder, *store.DB, error) {
	f, err := store.OpenFolder(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("open folder: %w", err)
	}
	master, err := f.Keyring().UnlockPassword(propLogin, propPassword)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("unlock: %w", err)
	}
	db, err := f.Open(master, opts)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	return f, db, nil
}

func crashSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

const crashLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// crashBody returns a JSON body of 10 B to 20 KB, of which most carry an index tag.
func crashBody(rng *rand.Rand) []byte {
	size := 10 + rng.IntN(20*1024-10+1)
	prefix := `{"p":"`
	if size >= 40 {
		prefix = fmt.Sprintf(`{"t":"tag%d","p":"`, rng.IntN(20))
	}
	n := size - len(prefix) - 2
	b := make([]byte, 0, size)
	b = append(b, prefix...)
	for range n {
		b = append(b, crashLetters[rng.IntN(len(crashLetters))])
	}
	return append(b, `"}`...)
}

// TestCrashChild is the child of TestCrash; it does nothing on its own.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("the child process of TestCrash")
	}
	switch os.Getenv(crashModeEnv) {
	case "rebuild":
		crashDuringRebuild(dir)
		t.Fatal("the rebuild finished without the crash")
	case "restore":
		if err := crashRestoreChild(dir, os.Getenv(crashBackupEnv)); err != nil {
			crashSay("fail " + strings.ReplaceAll(err.Error(), "\n", " "))
			t.Fatal(err)
		}
		return
	}
	seed, _ := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	if err := crashChild(dir, seed); err != nil {
		crashSay("fail " + strings.ReplaceAll(err.Error(), "\n", " "))
		t.Fatal(err)
	}
}

// say writes whole lines in one write(2), so a kill never cuts one.
func crashSay(lines ...string) {
	if _, err := os.Stdout.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		os.Exit(3) // the parent is gone
	}
}

type crashOp struct {
	del  bool
	name string // kind/id
	body []byte
}

func crashChild(dir string, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	f, db, err := crashOpen(dir)
	if err != nil {
		return err
	}
	// The records that exist, live or not, and which of them are live.
	var names []string
	live := map[string]bool{}
	for _, kind := range crashKinds {
		if err := db.Scan(kind, "", func(r store.Record) error {
			live[r.Name()] = true
			return nil
		}); err != nil {
			return err
		}
	}
	if err := db.Changes(0, func(r store.Record) error {
		names = append(names, r.Name())
		return nil
	}); err != nil {
		return err
	}
	sort.Strings(names)
	liveNames := func() []string {
		var out []string
		for _, n := range names {
			if live[n] {
				out = append(out, n)
			}
		}
		return out
	}
	pickPut := func() string {
		if len(names) > 0 && rng.IntN(10) < 3 {
			return names[rng.IntN(len(names))] // a new version, or a put over a tombstone
		}
		n := crashKinds[rng.IntN(len(crashKinds))] + "/" + store.NewID()
		names = append(names, n)
		return n
	}
	crashSay("ready")
	deadline := time.Now().Add(3 * time.Minute) // the parent kills us long before
	for time.Now().Before(deadline) {
		var ops []crashOp
		switch r := rng.IntN(100); {
		case r < 3:
			crashSay("reopen")
			if err := db.Close(); err != nil {
				return fmt.Errorf("close: %w", err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("close folder: %w", err)
			}
			if f, db, err = crashOpen(dir); err != nil {
				return err
			}
			continue
		case r < 18:
			if l := liveNames(); len(l) > 0 {
				ops = append(ops, crashOp{del: true, name: l[rng.IntN(len(l))]})
			}
		case r < 35:
			txLive := map[string]bool{}
			for n, v := range live {
				txLive[n] = v
			}
			for range 2 + rng.IntN(5) {
				var l []string
				for n, v := range txLive {
					if v {
						l = append(l, n)
					}
				}
				sort.Strings(l)
				if len(l) > 0 && rng.IntN(4) == 0 {
					op := crashOp{del: true, name: l[rng.IntN(len(l))]}
					txLive[op.name] = false
					ops = append(ops, op)
				} else {
					op := crashOp{name: pickPut(), body: crashBody(rng)}
					txLive[op.name] = true
					ops = append(ops, op)
				}
			}
		}
		if len(ops) == 0 {
			ops = append(ops, crashOp{name: pickPut(), body: crashBody(rng)})
		}
		try := []string{"try"}
		var acks []string
		for _, op := range ops {
			if op.del {
				try = append(try, "del:"+op.name)
				acks = append(acks, "ack del "+op.name)
			} else {
				sum := crashSum(op.body)
				try = append(try, "put:"+op.name+":"+sum)
				acks = append(acks, "ack put "+op.name+" "+sum)
			}
		}
		crashSay(strings.Join(try, " "))
		if len(ops) == 1 {
			op := ops[0]
			kind, id, _ := strings.Cut(op.name, "/")
			if op.del {
				_, err = db.Delete(kind, id)
			} else {
				_, err = db.Put(kind, id, op.body, store.Scope(rng.IntN(2)))
			}
		} else {
			err = db.Update(func(tx *store.Tx) error {
				for _, op := range ops {
					kind, id, _ := strings.Cut(op.name, "/")
					var err error
					if op.del {
						_, err = tx.Delete(kind, id)
					} else {
						_, err = tx.Put(kind, id, op.body, store.Scope(rng.IntN(2)))
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(try, " "), err)
		}
		for _, op := range ops {
			live[op.name] = !op.del
		}
		crashSay(acks...)
	}
	return nil
}

// crashState is what the parent knows of one record.
type crashState struct {
	present bool // the record exists, live or tombstone
	deleted bool
	sum     string // SHA-256 of the body of a live record
}

func (s crashState) String() string {
	switch {
	case !s.present:
		return "absent"
	case s.deleted:
		return "tombstone"
	}
	return "live " + s.sum[:12]
}

func crashParseTry(line string) ([]crashOp, []string, error) {
	var ops []crashOp
	var sums []string
	for _, f := range strings.Fields(line)[1:] {
		parts := strings.Split(f, ":")
		switch {
		case parts[0] == "del" && len(parts) == 2:
			ops = append(ops, crashOp{del: true, name: parts[1]})
			sums = append(sums, "")
		case parts[0] == "put" && len(parts) == 3:
			ops = append(ops, crashOp{name: parts[1]})
			sums = append(sums, parts[2])
		default:
			return nil, nil, fmt.Errorf("bad try line %q", line)
		}
	}
	return ops, sums, nil
}

func crashApply(m map[string]crashState, ops []crashOp, sums []string) {
	for i, op := range ops {
		if op.del {
			m[op.name] = crashState{present: true, deleted: true}
		} else {
			m[op.name] = crashState{present: true, sum: sums[i]}
		}
	}
}

func crashClone(m map[string]crashState) map[string]crashState {
	c := make(map[string]crashState, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

type crashSnap struct {
	seq     uint64
	version store.Vector
}

type crashInFlight struct {
	ops    []crashOp
	sums   []string
	before map[string]crashState
}

// crashParent is what TestCrash knows across rounds.
type crashParent struct {
	t       *testing.T
	dir     string
	rng     *rand.Rand
	model   map[string]crashState // acknowledged state of every record
	snaps   map[string]crashSnap  // sequence and version seen at the last verification
	lastSeq uint64

	// of the current round
	round   int
	touched map[string]bool // written, or in flight, in this round
	pending *crashInFlight  // the call in flight when the child died

	acked, landed, lost, reopens int
}

func TestCrash(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 8
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashSeedEnv); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set %s to repeat the parent's choices)", seed, crashSeedEnv)
	p := &crashParent{t: t, dir: t.TempDir(), rng: rand.New(rand.NewPCG(seed, 1)),
		model: map[string]crashState{}, snaps: map[string]crashSnap{}}

	f, err := store.OpenFolder(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise(propLogin, propPassword, crashOptions())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.Close()

	start := time.Now()
	for p.round = range rounds {
		p.touched = map[string]bool{}
		p.runChild()
		p.verify()
		if t.Failed() {
			return
		}
	}
	t.Logf("%d rounds, %d acknowledged writes, in-flight calls found whole %d times and absent %d times, "+
		"%d clean reopens in children, %d records, %.0f ms per round",
		rounds, p.acked, p.landed, p.lost, p.reopens, len(p.model), float64(time.Since(start).Milliseconds())/float64(rounds))
}

// runChild runs one child until it is killed and applies to the model what
// it acknowledged; the call in flight, if any, is left in p.pending.
func (p *crashParent) runChild() {
	t, round := p.t, p.round
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+p.dir, crashSeedEnv+"="+strconv.FormatUint(p.rng.Uint64(), 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return // no partial line can come: each is written whole
			}
			lines <- strings.TrimSuffix(l, "\n")
		}
	}()
	var exitedAlone bool
	defer func() {
		cmd.Process.Kill()
		for range lines {
		}
		cmd.Wait()
		if exitedAlone {
			t.Fatalf("round %d: the child exited on its own: %v\nstderr:\n%s", round, cmd.ProcessState, stderr.String())
		}
		if t.Failed() {
			t.Logf("round %d: child stderr:\n%s", round, stderr.String())
		}
	}()

	var pending []crashOp
	var pendingSums []string
	var before map[string]crashState
	handle := func(l string) {
		switch {
		case l == "ready":
		case l == "reopen":
			p.reopens++
		case strings.HasPrefix(l, "try "):
			if pending != nil {
				t.Fatalf("round %d: %q while the previous call is unacknowledged", round, l)
			}
			ops, sums, err := crashParseTry(l)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			pending, pendingSums, before = ops, sums, crashClone(p.model)
			for _, op := range ops {
				p.touched[op.name] = true
			}
		case strings.HasPrefix(l, "fail "):
			t.Fatalf("round %d: child: %s", round, l)
		default:
			t.Fatalf("round %d: child said %q", round, l)
		}
	}
	// The ack lines of one call arrive together (one write) but are read
	// one by one: the call counts as acknowledged when all have come.
	acks := 0
	handleLine := func(l string) {
		if !strings.HasPrefix(l, "ack ") {
			if acks != 0 {
				t.Fatalf("round %d: %q after %d of %d acknowledgements", round, l, acks, len(pending))
			}
			handle(l)
			return
		}
		f := strings.Fields(l)
		if pending == nil || acks >= len(pending) || len(f) < 3 || f[2] != pending[acks].name || (f[1] == "del") != pending[acks].del ||
			(!pending[acks].del && (len(f) != 4 || f[3] != pendingSums[acks])) {
			t.Fatalf("round %d: %q does not match the call in flight", round, l)
		}
		acks++
		if acks == len(pending) {
			crashApply(p.model, pending, pendingSums)
			p.acked += len(pending)
			pending, acks = nil, 0
		}
	}

	// Kill 20–400 ms after the store is open; one round in five counts from
	// the start instead, so that some kills land while the child opens the store.
	var timer <-chan time.Time
	if round%5 == 4 {
		timer = time.After(time.Duration(p.rng.IntN(400)) * time.Millisecond)
	}
	watchdog := time.After(2 * time.Minute)
loop:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				exitedAlone = true
				return
			}
			handleLine(l)
			if l == "ready" && timer == nil {
				timer = time.After(time.Duration(20+p.rng.IntN(381)) * time.Millisecond)
			}
		case <-timer:
			break loop
		case <-watchdog:
			t.Fatalf("round %d: the child was not ready after 2 minutes", round)
		}
	}
	cmd.Process.Kill()
	for l := range lines { // what the child wrote before it died
		handleLine(l)
	}
	if acks != 0 {
		t.Fatalf("round %d: the acknowledgements of one call were cut (%d of %d)", round, acks, len(pending))
	}
	if pending != nil {
		p.pending = &crashInFlight{ops: pending, sums: pendingSums, before: before}
	}
}

func crashObserve(t *testing.T, db *store.DB, name string) (crashState, store.Record) {
	t.Helper()
	kind, id, _ := strings.Cut(name, "/")
	r, err := db.GetAny(kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return crashState{}, r
	}
	if err != nil {
		t.Fatalf("GetAny %s: %v", name, err)
	}
	if r.Deleted {
		return crashState{present: true, deleted: true}, r
	}
	return crashState{present: true, sum: crashSum(r.Body)}, r
}

// verify opens the store after a kill and compares it with the model.
func (p *crashParent) verify() {
	t, round := p.t, p.round
	t.Helper()
	f, db, err := crashOpen(p.dir)
	if err != nil {
		t.Fatalf("round %d: the store does not open after the kill: %v", round, err)
	}
	defer f.Close()
	defer db.Close()

	// The call in flight at the kill landed whole or not at all.
	if in := p.pending; in != nil {
		p.pending = nil
		after := crashClone(in.before)
		crashApply(after, in.ops, in.sums)
		isOld, isNew := true, true
		var seen []string
		for _, op := range in.ops {
			got, _ := crashObserve(t, db, op.name)
			isOld = isOld && got == in.before[op.name]
			isNew = isNew && got == after[op.name]
			seen = append(seen, fmt.Sprintf("%s: %v (before %v, after %v)", op.name, got, in.before[op.name], after[op.name]))
		}
		switch {
		case isNew:
			crashApply(p.model, in.ops, in.sums)
			p.landed++
		case isOld:
			p.lost++
		default:
			t.Fatalf("round %d: the call in flight landed in part:\n%s", round, strings.Join(seen, "\n"))
		}
	}

	// Every record is as last acknowledged; one the child did not write
	// keeps its sequence and version.
	for name, want := range p.model {
		got, r := crashObserve(t, db, name)
		if got != want {
			t.Errorf("round %d: %s is %v, acknowledged %v", round, name, got, want)
			continue
		}
		if s, ok := p.snaps[name]; ok && !p.touched[name] && (s.seq != r.Sequence || !reflect.DeepEqual(s.version, r.Version)) {
			t.Errorf("round %d: %s changed without a write: sequence %d→%d, version %v→%v", round, name, s.seq, r.Sequence, s.version, r.Version)
		}
	}
	// And nothing else: the change feed lists exactly the model's records, once each, in order.
	seen := map[string]bool{}
	var prev uint64
	err = db.Changes(0, func(r store.Record) error {
		if seen[r.Name()] {
			t.Errorf("round %d: the change feed lists %s twice", round, r.Name())
		}
		seen[r.Name()] = true
		if r.Sequence <= prev {
			t.Errorf("round %d: change feed out of order: %d after %d", round, r.Sequence, prev)
		}
		prev = r.Sequence
		if _, ok := p.model[r.Name()]; !ok {
			t.Errorf("round %d: %s exists but was never written", round, r.Name())
		}
		p.snaps[r.Name()] = crashSnap{seq: r.Sequence, version: r.Version}
		return nil
	})
	if err != nil {
		t.Fatalf("round %d: Changes: %v", round, err)
	}
	if len(seen) != len(p.model) {
		t.Errorf("round %d: the change feed lists %d records, the model %d", round, len(seen), len(p.model))
	}
	live := 0
	for _, kind := range crashKinds {
		if err := db.Scan(kind, "", func(r store.Record) error {
			live++
			if s := p.model[r.Name()]; !s.present || s.deleted {
				t.Errorf("round %d: Scan gives %s, which is %v", round, r.Name(), s)
			}
			return nil
		}); err != nil {
			t.Fatalf("round %d: Scan: %v", round, err)
		}
	}
	rep, err := db.Check()
	if err != nil {
		t.Fatalf("round %d: Check: %v", round, err)
	}
	if !rep.OK() {
		t.Errorf("round %d: Check: %q", round, rep.Problems)
	}
	if rep.Records != live || rep.Records+rep.Tombstones != len(p.model) {
		t.Errorf("round %d: Check counts %d records and %d tombstones, Scan %d live, model %d",
			round, rep.Records, rep.Tombstones, live, len(p.model))
	}
	seq := db.LastSequence()
	if seq < p.lastSeq || seq != prev {
		t.Errorf("round %d: LastSequence %d, was %d before, change feed ends at %d", round, seq, p.lastSeq, prev)
	}
	p.lastSeq = seq
}

// TestOpenAfterCrashLeftEmptyFiles: a kill while Badger creates its next
// memtable or value-log file (on every open, and at each rotation) leaves a
// zero-length file. Such a file holds nothing, so the store must open as if
// it were not there; Badger refuses it ("Create a new file") on the first
// open only.
func TestOpenAfterCrashLeftEmptyFiles(t *testing.T) {
	for _, name := range []string{"00009.mem", "000009.vlog"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			f, err := store.OpenFolder(dir)
			if err != nil {
				t.Fatal(err)
			}
			db, _, err := f.Initialise(propLogin, propPassword, crashOptions())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Put("note", "a", []byte(`{"t":"x"}`), store.ScopeNetwork); err != nil {
				t.Fatal(err)
			}
			db.Close()
			f.Close()
			if err := os.WriteFile(filepath.Join(dir, "store", name), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			f, db, err = crashOpen(dir)
			if err != nil {
				t.Fatalf("the store does not open after a crash left an empty %s: %v", name, err)
			}
			defer f.Close()
			defer db.Close()
			if r, err := db.Get("note", "a"); err != nil || string(r.Body) != `{"t":"x"}` {
				t.Fatalf("after reopening: %q, %v", r.Body, err)
			}
			if rep, err := db.Check(); err != nil || !rep.OK() {
				t.Fatalf("Check: %v %q", err, rep.Problems)
			}
		})
	}
}

// crashDuringRebuild opens the store with version 2 of the note/tag index,
// as a new release of the application would, and dies half way through the
// rebuild that this triggers.
func crashDuringRebuild(dir string) {
	calls := 0
	opts := store.TestOptions()
	opts.Indexes = []store.Index{{Kind: "note", Name: "tag", Version: 2, Values: func(body []byte) ([]string, error) {
		if calls++; calls == 10 {
			os.Exit(7) // the power goes off
		}
		return crashOptions().Indexes[0].Values(body)
	}}}
	f, db, err := crashOpenWith(dir, opts)
	if err == nil {
		db.Close()
		f.Close()
	}
}

// TestCrashDuringIndexRebuild: a crash while the store rebuilds an index
// whose version changed must leave an index that is whole whichever version
// opens the store next: the new one (the release is started again) or the
// old one (the release was rolled back).
func TestCrashDuringIndexRebuild(t *testing.T) {
	for _, next := range []int{2, 1} {
		t.Run(fmt.Sprintf("then version %d", next), func(t *testing.T) {
			dir := t.TempDir()
			f, err := store.OpenFolder(dir)
			if err != nil {
				t.Fatal(err)
			}
			db, _, err := f.Initialise(propLogin, propPassword, crashOptions())
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{}
			err = db.Update(func(tx *store.Tx) error {
				for i := range 50 {
					id, tag := fmt.Sprintf("n%02d", i), fmt.Sprintf("tag%d", i%5)
					want[tag] = append(want[tag], id)
					if _, err := tx.Put("note", id, []byte(`{"t":"`+tag+`"}`), store.ScopeLocal); err != nil {
						return err
					}
				}
				return nil
			})
			db.Close()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashModeEnv+"=rebuild")
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 7 {
				t.Fatalf("the child did not die in the rebuild (exit %d, %v):\n%s", code, err, out)
			}

			opts := crashOptions()
			opts.Indexes[0].Version = next
			f, db, err = crashOpenWith(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			defer db.Close()
			for tag, ids := range want {
				got, err := db.Find("note", "tag", tag)
				if err != nil || !reflect.DeepEqual(got, ids) {
					t.Errorf("Find(tag=%s) = %q, %v; want %q", tag, got, err, ids)
				}
			}
			if rep, err := db.Check(); err != nil || !rep.OK() {
				t.Errorf("Check: %v %q", err, rep.Problems)
			}
		})
	}
}

func crashRestoreChild(dir, backup string) error {
	f, err := store.OpenFolder(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer r.Close()
	crashSay("start")
	_, err = f.Restore(r, func(k *store.Keyring) ([]byte, error) { return k.UnlockPassword(propLogin, propPassword) }, crashOptions())
	if err != nil {
		return err
	}
	crashSay("done")
	return nil
}

// crashContent returns every record of the store as name → state, and its epoch.
func crashContent(t *testing.T, db *store.DB) map[string]crashState {
	t.Helper()
	out := map[string]crashState{}
	err := db.Changes(0, func(r store.Record) error {
		if r.Deleted {
			out[r.Name()] = crashState{present: true, deleted: true}
		} else {
			out[r.Name()] = crashState{present: true, sum: crashSum(r.Body)}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCrashDuringRestore kills a process while it restores a backup over a
// store, at random moments, and checks that the folder then opens on either
// the whole old store or the whole restored one, consistent.
func TestCrashDuringRestore(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	dir := t.TempDir()
	backup := filepath.Join(t.TempDir(), "backup.relais")
	f, err := store.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise(propLogin, propPassword, crashOptions())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	for start := 0; start < 600; start += 100 { // about 6 MB, so a restore takes a while
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < start+100; i++ {
				b := crashBody(rng)
				if len(b) < 40 {
					b = []byte(`{"t":"small"}`)
				}
				if _, err := tx.Put("note", fmt.Sprintf("r%04d", i), b, store.ScopeNetwork); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	master, err := f.Keyring().UnlockPassword(propLogin, propPassword)
	if err != nil {
		t.Fatal(err)
	}
	bf, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(bf, f.Keyring(), master); err != nil {
		t.Fatal(err)
	}
	if err := bf.Close(); err != nil {
		t.Fatal(err)
	}
	backedUp := crashContent(t, db)
	// What the store holds beyond the backup: a new record, a change and a deletion.
	diverge := func(db *store.DB) {
		t.Helper()
		err := db.Update(func(tx *store.Tx) error {
			if _, err := tx.Put("doc", "after-backup", []byte(`{"x":1}`), store.ScopeLocal); err != nil {
				return err
			}
			if _, err := tx.Put("note", "r0001", []byte(`{"t":"changed"}`), store.ScopeLocal); err != nil {
				return err
			}
			_, err := tx.Delete("note", "r0002")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	diverge(db)
	current := crashContent(t, db)
	db.Close()
	f.Close()

	var restoreTime time.Duration
	restored, kept := 0, 0
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashModeEnv+"=restore", crashBackupEnv+"="+backup)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "start" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child said %q\n%s", round, lines.Text(), stderr.String())
		}
		started := time.Now()
		if round == 0 {
			// Let the first restore finish, to learn how long one takes.
			if !lines.Scan() || lines.Text() != "done" {
				cmd.Wait()
				t.Fatalf("round %d: restore failed: %q\n%s", round, lines.Text(), stderr.String())
			}
			restoreTime = time.Since(started)
			cmd.Wait()
		} else {
			time.Sleep(time.Duration(rng.Int64N(int64(restoreTime) * 6 / 5)))
			cmd.Process.Kill()
			for lines.Scan() {
				if strings.HasPrefix(lines.Text(), "fail") {
					t.Errorf("round %d: child: %s\n%s", round, lines.Text(), stderr.String())
				}
			}
			cmd.Wait()
		}

		f, db, err := crashOpen(dir)
		if err != nil {
			t.Fatalf("round %d: the folder does not open after a kill during restore: %v", round, err)
		}
		got := crashContent(t, db)
		switch {
		case reflect.DeepEqual(got, backedUp):
			restored++
		case reflect.DeepEqual(got, current):
			kept++
		default:
			t.Errorf("round %d: the store is neither the old one nor the backup: %d records (old %d, backup %d)",
				round, len(got), len(current), len(backedUp))
		}
		if rep, err := db.Check(); err != nil || !rep.OK() {
			t.Errorf("round %d: Check: %v %q", round, err, rep.Problems)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != "store" && e.Name() != "relais.lock" {
				t.Errorf("round %d: %s left in the folder", round, e.Name())
			}
		}
		if reflect.DeepEqual(got, backedUp) {
			diverge(db) // so that the next round can tell the two apart again
		}
		db.Close()
		f.Close()
		if t.Failed() {
			return
		}
	}
	t.Logf("%d rounds (a restore takes %v): the kill left the restored store %d times, the old one %d times",
		rounds, restoreTime.Round(time.Millisecond), restored, kept)
}
