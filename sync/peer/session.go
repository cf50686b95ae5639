package peer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/syncthing/syncthing/lib/protocol"

	"relais/store"
)

// Batching and bounds.
const (
	minPaddedSize = 1024 // lib/protocol pads a shorter block sent to a mailbox to this size

	indexBatch           = 1000                  // entries per Index / IndexUpdate
	applyBatch           = 500                   // records per ApplyRemote (one disk sync)
	applyBatchBytes      = 4 << 20               // and at most about this many bytes
	applyWait            = 20 * time.Millisecond // how long a batch waits for more records
	persistInterval      = time.Second           // how often the partner's sequence is saved during a transfer
	maxServing           = 16                    // incoming requests handled at once
	applyQueueLength     = 2 * applyBatch        // bodies fetched and not applied yet
	requestTimeout       = 10 * time.Second      // a body request unanswered this long drops the connection
	clusterConfigTimeout = 20 * time.Second      // a partner silent this long after connecting is dropped
)

// session is one connection to a partner, with its goroutines: a sender of
// our index, pullers that request bodies, an applier that writes them. The
// protocol's callbacks (the Model methods) run on its dispatcher goroutine,
// which also delivers the responses to our requests: they never block on
// the pullers, only queue work for them.
type session struct {
	n         *Node
	p         *partnerState
	dev       protocol.DeviceID
	tc        *tls.Conn
	conn      protocol.Connection
	preferred bool
	relayed   bool
	// password is the folder password of a mailbox partner, empty for a
	// centre: fixed for the session (a change closes it).
	password string
	log      *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ccOnce   sync.Once
	ccDone   chan struct{} // closed when the partner's ClusterConfig for our folder arrived
	seenOnce sync.Once
	ccSeen   chan struct{} // closed when any ClusterConfig arrived
	// ccSent is closed once our ClusterConfig is given to the connection:
	// for a mailbox, that is when the connection learns the folder
	// password, and nothing may be sent before it (it would go in clear).
	ccSent   chan struct{}
	sendFrom uint64 // our sequence the partner already has; set before ccDone closes

	// Dispatcher goroutine only.
	lastSeq int64

	stateMu   sync.Mutex
	state     peerState // the partner's index id and our watermark of it
	initial   peerState // state when the session began, for our ClusterConfig
	savedAt   time.Time
	savedSeq  int64
	savedID   uint64
	track     *tracker
	jobs      jobQueue
	applyCh   chan applyItem
	serving   chan struct{}
	closeOnce sync.Once
}

type fetchJob struct {
	rf remoteFile
}

type applyItem struct {
	rec store.Record
	seq int64
}

func newSession(n *Node, p *partnerState, partner Partner, tc *tls.Conn, how link, preferred bool) *session {
	s := &session{
		n: n, p: p, dev: partner.Device, tc: tc, preferred: preferred,
		relayed: how.relayed, password: partner.Password,
		log:     n.log.With("partner", p.Device.Short().String()),
		ccDone:  make(chan struct{}),
		ccSeen:  make(chan struct{}),
		ccSent:  make(chan struct{}),
		applyCh: make(chan applyItem, applyQueueLength),
		serving: make(chan struct{}, maxServing),
		track:   newTracker(0),
	}
	s.ctx, s.cancel = context.WithCancel(n.ctx)
	s.jobs.signal = make(chan struct{}, 1)
	info := connInfo{c: tc, how: how, at: time.Now(),
		id: fmt.Sprintf("%s-%d", p.Device.Short(), time.Now().UnixNano())}
	s.conn = protocol.NewConnection(p.Device, tc, tc, tc, s, info, protocol.CompressionMetadata, n.keyGen)
	return s
}

// prepare loads the partner's state and starts the session's goroutines,
// which wait for the connection; it runs before the session is published,
// so that Closed, whenever it comes, finds them all.
func (s *session) prepare() {
	st, err := loadPeerState(s.n.cfg.Replica, s.dev)
	if err != nil {
		s.log.Warn("reading partner state", "err", err)
	}
	s.state, s.initial = st, st
	s.savedSeq, s.savedID = st.Sequence, st.IndexID
	s.track.reset(st.Sequence)
	s.wg.Add(2 + s.n.cfg.Pullers)
	go s.sender()
	go s.applier()
	for range s.n.cfg.Pullers {
		go s.puller()
	}
}

// abandon undoes prepare for a session that was never published.
func (s *session) abandon() {
	s.cancel()
	s.wg.Wait()
	s.tc.Close()
}

// begin starts the protocol: our ClusterConfig says what we have (our
// epoch and last sequence) and what we already hold of the partner's.
func (s *session) begin() {
	// A partner that says nothing is stuck (stock Syncthing, reached again
	// while it still closes our previous connection, may never answer):
	// drop the connection, the dial loop makes a new one.
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(clusterConfigTimeout)
		defer t.Stop()
		select {
		case <-s.ccSeen:
		case <-s.ctx.Done():
		case <-t.C:
			s.drop(errors.New("the partner sent no cluster config"))
		}
	}()
	s.conn.Start()
	r, st := s.n.cfg.Replica, s.initial
	partner := protocol.Device{ID: s.dev, Compression: protocol.CompressionMetadata,
		IndexID: protocol.IndexID(st.IndexID), MaxSequence: st.Sequence}
	var passwords map[string]string
	if s.password != "" {
		// What a stock node needs to accept us on its receiveencrypted
		// folder: the token of the password in its own entry. Given the
		// password, lib/protocol encrypts what we send and decrypts what
		// it sends.
		partner.EncryptionPasswordToken = s.passwordToken()
		passwords = map[string]string{s.n.cfg.FolderID: s.password}
	}
	s.conn.ClusterConfig(&protocol.ClusterConfig{Folders: []protocol.Folder{{
		ID:    s.n.cfg.FolderID,
		Label: s.n.cfg.FolderID,
		Devices: []protocol.Device{
			{ID: s.n.cfg.Identity.Device, Name: s.n.cfg.Name, Compression: protocol.CompressionMetadata,
				IndexID: protocol.IndexID(r.Epoch()), MaxSequence: int64(r.LastSequence())},
			partner,
		},
	}}}, passwords)
	close(s.ccSent)
}

func (s *session) passwordToken() []byte {
	return protocol.PasswordToken(s.n.keyGen, s.n.cfg.FolderID, s.password)
}

// drop closes the connection because of err (from any goroutine but the dispatcher).
func (s *session) drop(err error) {
	s.log.Warn("dropping connection", "err", err)
	s.cancel()
	go s.conn.Close(err)
}

// --- protocol.Model: called on the dispatcher goroutine ---

func (s *session) ClusterConfig(_ protocol.Connection, cc *protocol.ClusterConfig) error {
	s.seenOnce.Do(func() { close(s.ccSeen) })
	var folder *protocol.Folder
	for i := range cc.Folders {
		if cc.Folders[i].ID == s.n.cfg.FolderID {
			folder = &cc.Folders[i]
		}
	}
	if folder == nil {
		s.log.Warn("partner does not share our folder", "folder", s.n.cfg.FolderID)
		return nil
	}
	r := s.n.cfg.Replica
	var from uint64
	for _, d := range folder.Devices {
		switch d.ID {
		case s.n.cfg.Identity.Device:
			// What the partner already has of ours: only the rest is sent,
			// unless it knew an older epoch of our store (restored backup).
			if uint64(d.IndexID) == r.Epoch() && d.MaxSequence > 0 && uint64(d.MaxSequence) <= r.LastSequence() {
				from = uint64(d.MaxSequence)
			}
		case s.dev:
			if s.password != "" && len(d.EncryptionPasswordToken) > 0 && !bytes.Equal(d.EncryptionPasswordToken, s.passwordToken()) {
				// The mailbox keeps the token of the first password it
				// was given: with another one, it refuses what we send
				// and we cannot read what it holds.
				return ErrMailboxPassword
			}
			s.stateMu.Lock()
			if uint64(d.IndexID) != s.state.IndexID {
				// A new index from the partner: forget what we had of the old one.
				s.state = peerState{IndexID: uint64(d.IndexID)}
				s.track.reset(0)
			}
			s.stateMu.Unlock()
		}
	}
	s.ccOnce.Do(func() {
		s.sendFrom = from
		close(s.ccDone)
	})
	s.persist(true)
	return nil
}

func (s *session) Index(_ protocol.Connection, idx *protocol.Index) error {
	return s.handleIndex(idx.Folder, idx.Files, idx.LastSequence)
}

func (s *session) IndexUpdate(_ protocol.Connection, idx *protocol.IndexUpdate) error {
	return s.handleIndex(idx.Folder, idx.Files, idx.LastSequence)
}

func (s *session) DownloadProgress(protocol.Connection, *protocol.DownloadProgress) error { return nil }

func (s *session) Closed(_ protocol.Connection, err error) {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
		s.persist(true)
		s.n.sessionEnded(s, err)
	})
}

// handleIndex validates every entry first: one bad entry refuses the whole
// message, and the connection is dropped (an honest peer never sends it).
func (s *session) handleIndex(folder string, files []protocol.FileInfo, last int64) error {
	if folder != s.n.cfg.FolderID {
		return fmt.Errorf("%w: index for folder %q, which we do not share", errGarbage, folder)
	}
	select {
	case <-s.ccDone:
	default:
		return fmt.Errorf("%w: index before cluster config", errGarbage)
	}
	remote := make([]remoteFile, len(files))
	skip := make([]bool, len(files))
	prev := s.lastSeq
	for i, f := range files {
		rf, err := fileInfoToRemote(f)
		switch {
		case errors.Is(err, errSkip):
			skip[i] = true
		case err != nil:
			s.log.Warn("refusing index", "err", err)
			return err
		}
		if f.Sequence <= prev {
			return fmt.Errorf("%w: sequence %d after %d", errGarbage, f.Sequence, prev)
		}
		prev = f.Sequence
		remote[i] = rf
	}
	r := s.n.cfg.Replica
	for i, rf := range remote {
		seq := files[i].Sequence
		s.lastSeq = seq
		if skip[i] {
			s.track.add(seq, true)
			continue
		}
		want, err := r.Wants(rf.Meta)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if !want {
			s.track.add(seq, true)
			continue
		}
		s.track.add(seq, false)
		if rf.Meta.Deleted { // a tombstone needs no body
			select {
			case s.applyCh <- applyItem{rec: store.Record{Meta: rf.Meta}, seq: seq}:
			case <-s.ctx.Done():
				return s.ctx.Err()
			}
			continue
		}
		s.jobs.push(fetchJob{rf: rf})
	}
	if last > s.lastSeq {
		s.track.add(last, true)
		s.lastSeq = last
	}
	if s.track.pendingCount() == 0 {
		s.synced()
	}
	return nil
}

func (s *session) synced() {
	s.n.setLastSync(s.p, time.Now())
	s.n.emit(EventSynced, s.dev, nil)
}

// Request serves a body to the partner: only a record we announce now, and
// only the block whose hash the partner names.
func (s *session) Request(_ protocol.Connection, req *protocol.Request) (protocol.RequestResponse, error) {
	if req.Folder != s.n.cfg.FolderID {
		return nil, protocol.ErrNoSuchFile
	}
	kind, id, err := parseFileName(req.Name)
	if err != nil {
		return nil, protocol.ErrInvalid
	}
	select {
	case s.serving <- struct{}{}:
		defer func() { <-s.serving }()
	case <-s.ctx.Done():
		return nil, protocol.ErrGeneric
	}
	rec, err := s.n.cfg.Replica.GetAny(kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, protocol.ErrNoSuchFile
	}
	if err != nil {
		return nil, protocol.ErrGeneric
	}
	a, ok := rec.Announced()
	if !ok || a.Deleted {
		return nil, protocol.ErrNoSuchFile
	}
	for _, b := range blocksOf(a.Body) {
		// A mailbox asks for short blocks padded to minPaddedSize (the
		// protocol pads our answer with random bytes before encrypting it).
		size := b.Size == req.Size || s.password != "" && b.Size < minPaddedSize && req.Size == minPaddedSize
		if b.Offset == req.Offset && size && bytes.Equal(b.Hash, req.Hash) {
			return response(bytes.Clone(a.Body[b.Offset : b.Offset+int64(b.Size)])), nil
		}
	}
	return nil, protocol.ErrNoSuchFile // changed since it was announced
}

type response []byte

func (r response) Data() []byte { return r }
func (response) Close()         {}
func (response) Wait()          {}

// --- sender ---

// sender announces our records: from what the partner already has, in
// batches, then whatever the store's watch reports.
func (s *session) sender() {
	defer s.wg.Done()
	for _, ready := range []chan struct{}{s.ccSent, s.ccDone} {
		select {
		case <-ready:
		case <-s.ctx.Done():
			return
		}
	}
	r := s.n.cfg.Replica
	changes, stop := r.Watch()
	defer stop()
	since := s.sendFrom
	prev := int64(since)
	first := true
	for {
		for {
			files, next, err := s.collect(since)
			if err != nil {
				s.drop(fmt.Errorf("reading changes: %w", err))
				return
			}
			if next == since {
				break
			}
			since = next
			if len(files) == 0 {
				continue
			}
			if first && prev == 0 {
				err = s.conn.Index(s.ctx, &protocol.Index{Folder: s.n.cfg.FolderID, Files: files, LastSequence: int64(next)})
			} else {
				err = s.conn.IndexUpdate(s.ctx, &protocol.IndexUpdate{Folder: s.n.cfg.FolderID, Files: files,
					LastSequence: int64(next), PrevSequence: prev})
			}
			if err != nil {
				return
			}
			first, prev = false, int64(next)
		}
		select {
		case _, ok := <-changes:
			if !ok {
				return
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// collect returns up to indexBatch announced records changed after since,
// and the sequence the scan reached.
func (s *session) collect(since uint64) ([]protocol.FileInfo, uint64, error) {
	var files []protocol.FileInfo
	next := since
	err := s.n.cfg.Replica.Changes(since, func(r store.Record) error {
		next = r.Sequence
		if a, ok := r.Announced(); ok {
			files = append(files, recordToFileInfo(a))
			if len(files) >= indexBatch {
				return store.Stop
			}
		}
		return nil
	})
	return files, next, err
}

// --- pullers ---

func (s *session) puller() {
	defer s.wg.Done()
	for {
		job, ok := s.jobs.pop(s.ctx)
		if !ok {
			return
		}
		body, err := s.fetch(job.rf)
		switch {
		case s.ctx.Err() != nil:
			return
		case errors.Is(err, errGarbage):
			s.drop(err)
			return
		case errors.Is(err, protocol.ErrNoSuchFile):
			// Changed since announced: its newer version comes in a later update.
			s.track.done(job.rf.Sequence())
			continue
		case err != nil:
			s.drop(err)
			return
		}
		rec := store.Record{Meta: job.rf.Meta, Body: body}
		select {
		case s.applyCh <- applyItem{rec: rec, seq: job.rf.Sequence()}:
		case <-s.ctx.Done():
			return
		}
	}
}

// fetch requests every block of a body and checks each against its SHA-256
// before anything is applied.
func (s *session) fetch(rf remoteFile) ([]byte, error) {
	body := make([]byte, 0, rf.Size)
	for i, b := range rf.Blocks {
		ctx, cancel := context.WithTimeout(s.ctx, requestTimeout)
		data, err := s.conn.Request(ctx, &protocol.Request{
			Folder: s.n.cfg.FolderID, Name: rf.Name, Offset: b.Offset, Size: b.Size,
			Hash: bytes.Clone(b.Hash), BlockNo: i,
		})
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && s.ctx.Err() == nil {
				// A stuck partner: reconnecting resumes from what was applied.
				return nil, fmt.Errorf("request for %s timed out", rf.Name)
			}
			return nil, err
		}
		if sum := sha256.Sum256(data); len(data) != b.Size || !bytes.Equal(sum[:], b.Hash) {
			return nil, fmt.Errorf("%w: %s block %d does not match its hash", errGarbage, rf.Name, i)
		}
		body = append(body, data...)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("%w: %s is not JSON", errGarbage, rf.Name)
	}
	return body, nil
}

// --- applier ---

// applier writes received records in batches: one transaction, so one disk
// sync, for up to applyBatch records or applyWait.
func (s *session) applier() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var batch []applyItem
		select {
		case it := <-s.applyCh:
			batch = append(batch, it)
		case <-s.ctx.Done():
			return
		}
		timer.Reset(applyWait)
		size := recordSize(batch[0].rec)
	gather:
		for len(batch) < applyBatch && size < applyBatchBytes {
			select {
			case it := <-s.applyCh:
				batch = append(batch, it)
				size += recordSize(it.rec)
				continue
			default:
			}
			if s.track.pendingCount() <= len(batch) {
				break // nothing more is on its way
			}
			select {
			case it := <-s.applyCh:
				batch = append(batch, it)
				size += recordSize(it.rec)
			case <-timer.C:
				break gather
			case <-s.ctx.Done():
				return
			}
		}
		timer.Stop()
		recs := make([]store.Record, len(batch))
		for i, it := range batch {
			recs[i] = it.rec
		}
		if err := s.apply(recs); err != nil {
			s.drop(fmt.Errorf("applying: %w", err))
			return
		}
		for _, it := range batch {
			s.track.done(it.seq)
		}
		idle := s.track.pendingCount() == 0
		s.persist(idle)
		if idle {
			s.synced()
		}
	}
}

// apply applies recs in one batch. A batch the store cannot take in one
// transaction (too big: records with long vectors) is split in halves; when
// a batch fails because of one record the store refuses (a body that fails
// validation), the others are applied and the refused one is logged and
// skipped.
func (s *session) apply(recs []store.Record) error {
	_, err := s.n.cfg.Replica.ApplyRemote(recs)
	switch {
	case err == nil:
		return nil
	case len(recs) > 1 && (refusedRecord(err) || errors.Is(err, store.ErrWriteFailed)):
		half := len(recs) / 2
		if err := s.apply(recs[:half]); err != nil {
			return err
		}
		return s.apply(recs[half:])
	case refusedRecord(err):
		s.log.Warn("refusing record from partner", "name", recs[0].Name(), "err", err)
		return nil
	}
	return err
}

// recordSize estimates what a record weighs in a store transaction.
func recordSize(r store.Record) int { return 64 + len(r.Body) + 20*len(r.Version) }

func refusedRecord(err error) bool {
	return errors.Is(err, store.ErrInvalidBody) || errors.Is(err, store.ErrBadName) || errors.Is(err, store.ErrTooLarge)
}

// persist saves the partner's index id and watermark: always when force,
// otherwise at most every persistInterval.
func (s *session) persist(force bool) {
	s.stateMu.Lock()
	st := s.state
	st.Sequence = s.track.watermarkValue()
	if st.Sequence == s.savedSeq && st.IndexID == s.savedID || !force && time.Since(s.savedAt) < persistInterval {
		s.stateMu.Unlock()
		return
	}
	s.savedSeq, s.savedID, s.savedAt = st.Sequence, st.IndexID, time.Now()
	err := savePeerState(s.n.cfg.Replica, s.dev, st)
	s.stateMu.Unlock()
	if err != nil {
		s.log.Warn("saving partner state", "err", err)
	}
}

// Sequence is the partner's sequence of the entry.
func (rf remoteFile) Sequence() int64 { return rf.seq }

// --- tracker ---

// tracker follows the partner's sequences we received and which of them are
// applied (or needed nothing): the watermark is the highest sequence below
// which everything is done, the one a reconnect resumes from.
type tracker struct {
	mu        sync.Mutex
	q         []trackEntry
	watermark int64
	pending   int
	applied   int // entries done since the session began
}

type trackEntry struct {
	seq  int64
	done bool
}

func newTracker(watermark int64) *tracker { return &tracker{watermark: watermark} }

func (t *tracker) reset(watermark int64) {
	t.mu.Lock()
	t.q, t.watermark, t.pending, t.applied = nil, watermark, 0, 0
	t.mu.Unlock()
}

func (t *tracker) add(seq int64, done bool) {
	t.mu.Lock()
	t.q = append(t.q, trackEntry{seq: seq, done: done})
	if !done {
		t.pending++
	}
	t.advance()
	t.mu.Unlock()
}

func (t *tracker) done(seq int64) {
	t.mu.Lock()
	i := sort.Search(len(t.q), func(i int) bool { return t.q[i].seq >= seq })
	if i < len(t.q) && t.q[i].seq == seq && !t.q[i].done {
		t.q[i].done = true
		t.pending--
		t.applied++
		t.advance()
	}
	t.mu.Unlock()
}

func (t *tracker) advance() {
	i := 0
	for i < len(t.q) && t.q[i].done {
		t.watermark = max(t.watermark, t.q[i].seq)
		i++
	}
	t.q = t.q[i:]
}

func (t *tracker) pendingCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending
}

// counts returns how many entries wait to be applied and how many were.
func (t *tracker) counts() (pending, applied int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending, t.applied
}

func (t *tracker) watermarkValue() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.watermark
}

// --- job queue ---

// jobQueue is unbounded on purpose: the dispatcher pushes to it and must
// never wait for the pullers, whose responses it delivers.
type jobQueue struct {
	mu     sync.Mutex
	jobs   []fetchJob
	signal chan struct{}
}

func (q *jobQueue) push(j fetchJob) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *jobQueue) pop(ctx context.Context) (fetchJob, bool) {
	for {
		q.mu.Lock()
		if len(q.jobs) > 0 {
			j := q.jobs[0]
			q.jobs[0] = fetchJob{}
			q.jobs = q.jobs[1:]
			more := len(q.jobs) > 0
			q.mu.Unlock()
			if more { // pass the word to another puller
				select {
				case q.signal <- struct{}{}:
				default:
				}
			}
			return j, true
		}
		q.mu.Unlock()
		select {
		case <-q.signal:
		case <-ctx.Done():
			return fetchJob{}, false
		}
	}
}
