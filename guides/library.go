package guides

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"sync"
	"time"

	"relais/actor"
	"relais/assets"
	"relais/privacy"
	"relais/store"
)

// Record kinds of the library.
const (
	// Kind holds the guides, by guide id: the current version.
	Kind = "guide"
	// VersionKind keeps every replaced version, as "<id>-v<N>", so that a
	// save never loses the previous text.
	VersionKind = "guide_version"
)

// record is a guide as the store keeps it: its source in the guide format,
// so that every centre reads it with the same parser, and what the
// library needs without parsing it.
type record struct {
	Source     string            `json:"source"`
	Version    int               `json:"version"`
	Procedures []string          `json:"procedures"`       // for the store index
	Images     map[string]string `json:"images,omitempty"` // file name → attachment id
	// Edited is set by a save in Relais, here or at a partner's: the
	// bundled library then never replaces the guide.
	Edited  bool      `json:"edited,omitempty"`
	SavedBy string    `json:"saved_by,omitempty"`
	SavedAt time.Time `json:"saved_at,omitzero"`
}

// Indexes are the store indexes of the library and of walkthroughs.
func Indexes() []store.Index {
	return []store.Index{
		store.IndexOn(Kind, "procedure", 1, func(r record) []string { return r.Procedures }),
		store.IndexOn(ProgressKind, "person", 1, func(p Progress) []string { return []string{p.Person} }),
		store.IndexOn(ProgressKind, "guide", 1, func(p Progress) []string { return []string{p.Guide} }),
	}
}

// bundledReplica is the replica id written into the version of a guide
// imported from the bundled library. Every centre imports the same file
// with the same version vector and time, so partners see equal versions
// instead of conflicting ones; a local save then dominates it as usual.
const bundledReplica = 0x52454c414953 // "RELAIS"

// Library is the centre's library of guides: the bundled ones, those
// written in Relais and those arriving from partner centres. It keeps an
// in-memory search index in step with its own writes (and, with Follow,
// with the partners'). It is safe for concurrent use.
type Library struct {
	db  *store.DB
	who *actor.Actor // whose role is checked and whose actions are logged
	// Now gives the time of saves and walkthrough steps.
	Now func() time.Time

	write sync.Mutex   // keeps index changes in the order of the store's
	mu    sync.RWMutex // guards ix
	ix    *index
	// loadedAt is the store's sequence when the index was read: Follow
	// catches up from there.
	loadedAt uint64
}

// NewLibrary reads every guide of db into the search index. db must have
// been opened with Indexes among its options. A guide that does not parse
// (damaged, or sent by a newer partner) is left out of the index. who is
// the member of staff signed in: every role reads guides; editing them and
// walking a person through them are checked against who's role.
func NewLibrary(db *store.DB, who *actor.Actor) (*Library, error) {
	l := &Library{db: db, who: who, Now: time.Now, ix: newIndex(), loadedAt: db.LastSequence()}
	err := db.Scan(Kind, "", func(r store.Record) error {
		l.indexRecord(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func decodeRecord(r store.Record) (record, error) {
	var rec record
	if err := json.Unmarshal(r.Body, &rec); err != nil {
		return rec, store.ErrDamaged.Because(fmt.Errorf("%s: %w", r.Name(), err))
	}
	return rec, nil
}

// parseRecord reads a stored guide.
func parseRecord(id string, rec record) (Guide, error) {
	return Parse(id+".md", []byte(rec.Source))
}

// indexRecord puts a stored guide in the search index; l.mu must not be held.
func (l *Library) indexRecord(r store.Record) {
	rec, err := decodeRecord(r)
	if err != nil {
		return
	}
	g, err := parseRecord(r.ID, rec)
	if err != nil || g.ID != r.ID {
		return
	}
	l.mu.Lock()
	l.ix.put(g, rec.Edited, r.Sequence)
	l.mu.Unlock()
}

func encodeRecord(rec record) ([]byte, error) { return encodeJSON(rec) }

// encodeJSON is json.Marshal without HTML escapes: a guide may hold many
// « < » and « & », each six bytes once escaped, and records are bounded.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// getRecord reads guide id inside tx; a missing one gives ErrUnknownGuide.
func getRecord(tx *store.Tx, id string) (record, store.Record, error) {
	r, err := tx.Get(Kind, id)
	if err == nil && r.Deleted {
		err = store.ErrNotFound.With("name", Kind+"/"+id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return record{}, r, ErrUnknownGuide.With("id", id).Because(err)
	}
	if err != nil {
		return record{}, r, err
	}
	rec, err := decodeRecord(r)
	return rec, r, err
}

// Get returns the current version of guide id, or ErrUnknownGuide.
func (l *Library) Get(id string) (Guide, error) {
	if !idPattern.MatchString(id) {
		return Guide{}, ErrUnknownGuide.With("id", id)
	}
	r, err := l.db.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return Guide{}, ErrUnknownGuide.With("id", id).Because(err)
	}
	if err != nil {
		return Guide{}, err
	}
	rec, err := decodeRecord(r)
	if err != nil {
		return Guide{}, err
	}
	return parseRecord(id, rec)
}

// GetVersion returns version n of guide id: the current one or one it
// replaced. A version never stored here (a bundled update that skipped
// it) gives ErrUnknownGuide.
func (l *Library) GetVersion(id string, n int) (Guide, error) {
	g, err := l.Get(id)
	if err != nil || g.Version == n {
		return g, err
	}
	rec, _, err := store.NewCollection[record](l.db, VersionKind).Get(versionID(id, n))
	if errors.Is(err, store.ErrNotFound) {
		return Guide{}, ErrUnknownGuide.With("id", id+" v"+strconv.Itoa(n)).Because(err)
	}
	if err != nil {
		return Guide{}, err
	}
	return parseRecord(id, rec)
}

func versionID(id string, n int) string { return id + "-v" + strconv.Itoa(n) }

// List returns every guide, by title.
func (l *Library) List() []Summary {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.summaries(func(Summary) bool { return true })
}

// ForProcedure returns the guides that accompany the procedure code, by title.
func (l *Library) ForProcedure(code string) []Summary {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.summaries(func(s Summary) bool { return slices.Contains(s.Procedures, code) })
}

// Search finds guides by words of their title, organisation, procedures
// and steps: accents and case do not matter, every word must be found,
// the last one as the start of a word (the person is typing it). At most
// limit hits, best first: title matches, then the guides whose one step
// holds the most words.
func (l *Library) Search(query string, limit int) []Hit {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.search(query, limit)
}

// Save writes g as the new version of its guide, with the images it
// needs that are new (by file name; those already stored for the guide may
// be left out). g.Version must be the version the editor started from
// (0 for a new guide): a guide changed meanwhile gives ErrChangedMeanwhile
// rather than overwriting someone's work. The replaced version is kept as
// a guide_version record. by is the staff login. It returns the guide as
// stored, with its new version.
func (l *Library) Save(g Guide, images map[string][]byte, by string) (Guide, error) {
	return l.save(g, images, nil, by)
}

// Duplicate copies guide id as a new guide newID titled newTitle (a centre
// adapting a guide to its own practice), sharing its images.
func (l *Library) Duplicate(id, newID, newTitle, by string) (Guide, error) {
	g, err := l.Get(id)
	if err != nil {
		return Guide{}, err
	}
	var imgs map[string]string
	err = l.db.Update(func(tx *store.Tx) error {
		rec, _, err := getRecord(tx, id)
		imgs = rec.Images
		return err
	})
	if err != nil {
		return Guide{}, err
	}
	g.ID, g.Title, g.Version = newID, newTitle, 0
	return l.save(g, nil, imgs, by)
}

func (l *Library) save(g Guide, images map[string][]byte, inherited map[string]string, by string) (Guide, error) {
	if err := l.who.Check(actor.EditGuides); err != nil {
		return Guide{}, err
	}
	// A guide is shared with the network: never a NIR, an IBAN, a card
	// number or a password in it, even as an example.
	if err := privacy.CheckText(string(Format(g))); err != nil {
		return Guide{}, err
	}
	checked := map[string]string{} // file → attachment id, of the new images
	for file, data := range images {
		id, err := checkImage(file, data)
		if err != nil {
			return Guide{}, err
		}
		checked[file] = id
	}
	l.write.Lock()
	defer l.write.Unlock()
	var (
		saved Guide
		seq   uint64
	)
	err := l.db.Update(func(tx *store.Tx) error {
		old, oldRec, err := getRecord(tx, g.ID)
		exists := err == nil
		if err != nil && !errors.Is(err, ErrUnknownGuide) {
			return err
		}
		switch {
		case exists && g.Version == 0:
			return ErrGuideExists.With("id", g.ID)
		case exists && g.Version != old.Version:
			return ErrChangedMeanwhile.With("id", g.ID, "version", old.Version)
		case !exists && g.Version != 0:
			return ErrChangedMeanwhile.With("id", g.ID, "version", 0) // deleted meanwhile
		}
		g.Version++
		if !exists {
			g.Version = 1
		}
		src := Format(g)
		saved, err = Parse(g.ID+".md", src)
		if err != nil {
			return err
		}
		rec := record{
			Source: string(src), Version: saved.Version, Procedures: saved.Procedures,
			Edited: true, SavedBy: by, SavedAt: l.Now().UTC(),
		}
		if rec.Images, err = l.attachImages(tx, saved, images, checked, old.Images, inherited); err != nil {
			return err
		}
		if exists {
			if err := keepVersion(tx, g.ID, old, oldRec); err != nil {
				return err
			}
		}
		body, err := encodeRecord(rec)
		if err != nil {
			return err
		}
		m, err := tx.Put(Kind, g.ID, body, store.ScopeNetwork)
		if err != nil {
			return err
		}
		seq = m.Sequence
		return l.who.Log(tx, actor.GuideSaved, "", Kind+"/"+g.ID)
	})
	if err != nil {
		return Guide{}, err
	}
	l.mu.Lock()
	l.ix.put(saved, true, seq)
	l.mu.Unlock()
	return saved, nil
}

// attachImages stores the new images a guide uses and returns the file →
// attachment map of all of them; an image neither given nor known gives
// ErrMissingImage.
func (l *Library) attachImages(tx *store.Tx, g Guide, images map[string][]byte, checked map[string]string, known ...map[string]string) (map[string]string, error) {
	if len(g.Images) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, file := range g.Images {
		if data, ok := images[file]; ok {
			if err := putAttachment(tx, checked[file], data); err != nil {
				return nil, err
			}
			out[file] = checked[file]
			continue
		}
		for _, k := range known {
			if id, ok := k[file]; ok {
				out[file] = id
				break
			}
		}
		if out[file] == "" {
			return nil, ErrMissingImage.With("guide", g.ID, "file", file)
		}
	}
	return out, nil
}

// keepVersion writes the replaced version of a guide under VersionKind,
// with the replaced record's own version vector and time: two centres
// keeping the same version write the same record, which the partners see
// as equal rather than as a conflict.
func keepVersion(tx *store.Tx, id string, old record, r store.Record) error {
	vid := versionID(id, old.Version)
	if existing, err := tx.Get(VersionKind, vid); err == nil && !existing.Deleted {
		return nil
	}
	_, err := tx.Apply(store.Record{Meta: store.Meta{
		Kind: VersionKind, ID: vid, Version: r.Version, Modified: r.Modified, ModifiedBy: r.ModifiedBy,
		Scope: store.ScopeNetwork,
	}, Body: r.Body})
	return err
}

// Loaded is what LoadBundled did.
type Loaded struct {
	Added   []string // ids of the guides imported for the first time
	Updated []string // ids of the guides replaced by a newer bundled version
	// Problems are the files left out, each naming the file and the line
	// (*ParseError), so the others still load.
	Problems []error
}

// LoadBundled imports the guides shipped with Relais: every *.md at the
// root of fsys, with the images beside it. A guide is imported when the
// library does not hold it, or replaced when the file has a newer version
// and nobody edited the stored one. A malformed file is reported in
// Problems and skipped; the error is for the store only.
func (l *Library) LoadBundled(fsys fs.FS) (Loaded, error) {
	var out Loaded
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return out, err
	}
	slices.Sort(names)
	seen := map[string]string{} // guide id → file
	for _, name := range names {
		g, images, err := readBundled(fsys, name)
		if err == nil && seen[g.ID] != "" {
			err = &ParseError{File: name, Line: 2, Step: -1, Problem: ErrGuideExists.With("id", g.ID)}
		}
		if err != nil {
			out.Problems = append(out.Problems, err)
			continue
		}
		seen[g.ID] = name
		added, updated, err := l.importBundled(g, images)
		if err != nil {
			return out, err
		}
		if added {
			out.Added = append(out.Added, g.ID)
		}
		if updated {
			out.Updated = append(out.Updated, g.ID)
		}
	}
	return out, nil
}

// readBundled reads and checks one bundled guide and its images.
func readBundled(fsys fs.FS, name string) (Guide, map[string][]byte, error) {
	if info, err := fs.Stat(fsys, name); err == nil && info.Size() > MaxSize {
		return Guide{}, nil, parseError(name, 0, ErrTooLarge, "max", MaxSize>>10, "size", info.Size()>>10)
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Guide{}, nil, &ParseError{File: name, Step: -1, Problem: ErrUnreadable.With("file", name, "line", 0).Because(err)}
	}
	g, err := Parse(name, src)
	if err != nil {
		return Guide{}, nil, err
	}
	images := map[string][]byte{}
	for i, st := range g.Steps {
		for _, img := range st.Images {
			if images[img.File] != nil {
				continue
			}
			fail := func(p error) (Guide, map[string][]byte, error) {
				pe := &ParseError{File: name, Line: st.Line, Step: i}
				if !errors.As(p, &pe.Problem) {
					pe.Problem = ErrMissingImage.With("guide", g.ID, "file", img.File).Because(p)
				}
				return Guide{}, nil, pe
			}
			data, err := fs.ReadFile(fsys, path.Join(path.Dir(name), img.File))
			if err != nil {
				return fail(ErrMissingImage.With("guide", g.ID, "file", img.File).Because(err))
			}
			if _, err := checkImage(img.File, data); err != nil {
				return fail(err)
			}
			images[img.File] = data
		}
	}
	return g, images, nil
}

// importBundled writes a bundled guide unless the library holds the same
// or a newer version, or one edited in Relais.
func (l *Library) importBundled(g Guide, images map[string][]byte) (added, updated bool, err error) {
	l.write.Lock()
	defer l.write.Unlock()
	var seq uint64
	err = l.db.Update(func(tx *store.Tx) error {
		r, err := tx.Get(Kind, g.ID)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var old record
		if exists {
			if r.Deleted {
				return nil // removed on purpose: not brought back
			}
			if old, err = decodeRecord(r); err != nil {
				return err
			}
			if old.Edited || old.Version >= g.Version {
				return nil
			}
		}
		checked := map[string]string{}
		for file, data := range images {
			id, err := checkImage(file, data)
			if err != nil {
				return err
			}
			checked[file] = id
		}
		src := Format(g)
		rec := record{Source: string(src), Version: g.Version, Procedures: g.Procedures}
		if rec.Images, err = l.attachImages(tx, g, images, checked); err != nil {
			return err
		}
		if exists {
			if err := keepVersion(tx, g.ID, old, r); err != nil {
				return err
			}
		}
		body, err := encodeRecord(rec)
		if err != nil {
			return err
		}
		m, err := tx.Apply(store.Record{Meta: store.Meta{
			Kind: Kind, ID: g.ID, Version: store.Vector{{ID: bundledReplica, Value: uint64(g.Version)}},
			Modified: g.Reviewed, ModifiedBy: bundledReplica, Scope: store.ScopeNetwork,
		}, Body: body})
		seq = m.Sequence
		added, updated = !exists, exists
		return err
	})
	if err != nil || seq == 0 {
		return false, false, err
	}
	l.mu.Lock()
	l.ix.put(g, false, seq)
	l.mu.Unlock()
	return added, updated, nil
}

// Refresh re-reads guide id from the store into the search index, for
// writes that did not go through the library (a partner's, by sync).
func (l *Library) Refresh(id string) error {
	r, err := l.db.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		l.mu.Lock()
		l.ix.remove(id)
		l.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	l.mu.RLock()
	same := l.ix.sequence(id) == r.Sequence
	l.mu.RUnlock()
	if !same {
		l.mu.Lock()
		l.ix.remove(id) // a record that no longer parses leaves the index
		l.mu.Unlock()
		l.indexRecord(r)
	}
	return nil
}

// Follow keeps the search index in step with the guides that do not
// arrive through the library (a partner's, applied by sync) until ctx ends
// or the store closes.
func (l *Library) Follow(ctx context.Context) {
	_ = l.db.Follow(ctx, l.loadedAt, func(r store.Record) error {
		if r.Kind != Kind {
			return nil
		}
		l.write.Lock() // not between a write and its index change
		defer l.write.Unlock()
		return l.Refresh(r.ID)
	}, nil)
}

// Bundled returns the guides shipped with Relais (assets/guides), for LoadBundled.
func Bundled() fs.FS {
	sub, err := fs.Sub(assets.Guides, "guides")
	if err != nil {
		panic("assets/guides: " + err.Error()) // a fixed, valid path
	}
	return sub
}
