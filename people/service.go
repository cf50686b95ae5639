package people

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"relais/actor"
	"relais/store"
)

// Indexes are the store indexes of persons: the normalised phone and the
// duplicate keys (folded name words, with the birth year and without: see
// dupKeys).
func Indexes() []store.Index {
	return []store.Index{
		store.IndexOn(Kind, "phone", 1, func(p Person) []string {
			if p.Phone == "" {
				return nil
			}
			return []string{p.Phone}
		}),
		store.IndexOn(Kind, "dupkey", 2, dupKeys),
	}
}

// Merged is the record a merge leaves under the merged-away person's id,
// so that records pointing at that id (appointments) can be re-pointed.
type Merged struct {
	Into string    `json:"into"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
}

// Duplicate is an existing person who may be the one being registered.
type Duplicate struct {
	Person Person
	// SameName: the same name words, and the same birth year or one
	// unknown on either side (YearUnknown).
	SameName, YearUnknown bool
	SamePhone             bool
}

// MaxNameDuplicates bounds the people found by name alone: a common name
// without a birth year may match many, and the desk needs a short list.
const MaxNameDuplicates = 10

// Registration is the outcome of Register: either the person as written,
// or, when someone alike exists, the candidates and nothing written.
type Registration struct {
	Person     Person // with its new ID; zero when Duplicates is not empty
	Duplicates []Duplicate
}

// Service is the people register of a centre: it validates and writes
// persons and keeps an in-memory search index in step with its own writes.
// It is safe for concurrent use.
type Service struct {
	db  *store.DB
	who *actor.Actor // whose role is checked and whose actions are logged
	// Now gives the time for consent dates, merges and birth year checks.
	Now func() time.Time
	// Belongings move the records that belong to a person (their
	// appointments, say) to the person's scope when their consent changes,
	// in the same transaction: withdrawing it withdraws them from partners.
	// Set once, before use (appointments.ScopePersonIn).
	Belongings []func(tx *store.Tx, person string, scope store.Scope) error

	write sync.Mutex   // keeps the index changes in the order of the store's
	mu    sync.RWMutex // guards ix
	ix    *index
	// loadedAt is the store's sequence when the index was read: Follow
	// catches up from there.
	loadedAt uint64
}

// NewService reads every person of db into the search index, for who (the
// member of staff signed in, whose role is checked on every operation). db
// must have been opened with Indexes among its options.
func NewService(db *store.DB, who *actor.Actor) (*Service, error) {
	if err := who.Check(actor.ReadPeople); err != nil {
		return nil, err
	}
	s := &Service{db: db, who: who, Now: time.Now, ix: newIndex(), loadedAt: db.LastSequence()}
	err := store.NewCollection[Person](db, Kind).All(func(id string, p Person) error {
		p.ID = id
		s.ix.put(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Len returns the number of persons in the register.
func (s *Service) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix.len()
}

// errHasDuplicates aborts a registration transaction; never returned.
var errHasDuplicates = errors.New("duplicates found")

// Register writes a new person unless someone with the same name and birth
// year, or the same phone, exists: then it writes nothing and returns them,
// so the screen can ask « Est-ce la même personne ? ».
func (s *Service) Register(p Person) (Registration, error) { return s.register(p, false) }

// RegisterAnyway writes a new person even when duplicates exist, once the
// member of staff has said they are someone else.
func (s *Service) RegisterAnyway(p Person) (Registration, error) { return s.register(p, true) }

func (s *Service) register(p Person, anyway bool) (Registration, error) {
	if err := s.who.Check(actor.RegisterPeople); err != nil {
		return Registration{}, err
	}
	p, err := p.Normalise(s.Now())
	if err != nil {
		return Registration{}, err
	}
	p.ID = store.NewID()
	s.write.Lock()
	defer s.write.Unlock()
	var dups []Duplicate
	err = s.db.Update(func(tx *store.Tx) error {
		if !anyway {
			var err error
			dups, err = duplicates(tx.Find, func(id string) (Person, error) { return getIn(tx, id) }, p)
			if err != nil {
				return err
			}
			if len(dups) > 0 {
				return errHasDuplicates
			}
		}
		if _, err := store.PutIn(tx, Kind, p.ID, p, p.Scope()); err != nil {
			return err
		}
		return s.who.Log(tx, actor.PersonRegistered, p.ID, Kind+"/"+p.ID)
	})
	if errors.Is(err, errHasDuplicates) {
		return Registration{Duplicates: dups}, nil
	}
	if err != nil {
		return Registration{}, err
	}
	s.indexPut(p)
	return Registration{Person: p}, nil
}

// FindDuplicates returns the persons who may be p: same name words and
// birth year, or same phone. p itself (by ID) is left out.
func (s *Service) FindDuplicates(p Person) ([]Duplicate, error) {
	p, err := p.Normalise(s.Now())
	if err != nil {
		return nil, err
	}
	return duplicates(s.db.Find, s.Get, p)
}

func duplicates(find func(kind, index, value string) ([]string, error), get func(string) (Person, error), p Person) ([]Duplicate, error) {
	var out []Duplicate
	add := func(index, value string, limit int, mark func(*Duplicate)) error {
		if value == "" {
			return nil
		}
		ids, err := find(Kind, index, value)
		if err != nil {
			return err
		}
		found := 0
		for _, id := range ids {
			if found == limit {
				break
			}
			if id == p.ID {
				continue
			}
			i := slices.IndexFunc(out, func(d Duplicate) bool { return d.Person.ID == id })
			if i < 0 {
				q, err := get(id)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				out = append(out, Duplicate{Person: q})
				i = len(out) - 1
			}
			found++
			mark(&out[i])
		}
		return nil
	}
	byName := func(d *Duplicate) {
		d.SameName = true
		d.YearUnknown = p.BirthYear == 0 || d.Person.BirthYear == 0
	}
	for _, q := range dupQueries(p) {
		if err := add("dupkey", q, MaxNameDuplicates, byName); err != nil {
			return nil, err
		}
	}
	if err := add("phone", p.Phone, -1, func(d *Duplicate) { d.SamePhone = true }); err != nil {
		return nil, err
	}
	return out, nil
}

func getIn(tx *store.Tx, id string) (Person, error) {
	p, _, err := store.GetIn[Person](tx, Kind, id)
	p.ID = id
	return p, err
}

// Get returns the person id, or store.ErrNotFound (also for a person merged
// away: see ResolveMerged).
func (s *Service) Get(id string) (Person, error) {
	p, _, err := store.NewCollection[Person](s.db, Kind).Get(id)
	if err != nil {
		return Person{}, err
	}
	p.ID = id
	return p, nil
}

// Open returns the person id for their file to be shown, and notes in the
// audit log that the member of staff read it.
func (s *Service) Open(id string) (Person, error) {
	var p Person
	err := s.db.Update(func(tx *store.Tx) error {
		var err error
		if p, err = getIn(tx, id); err != nil {
			return err
		}
		return s.who.Log(tx, actor.PersonRead, id, Kind+"/"+id)
	})
	return p, err
}

// Update writes a new version of an existing person (p.ID). A person who
// gives consent is shared with the network from now on; one who withdraws
// it is kept to this centre.
func (s *Service) Update(p Person) (Person, error) {
	if err := s.who.Check(actor.RegisterPeople); err != nil {
		return Person{}, err
	}
	id := p.ID
	p, err := p.Normalise(s.Now())
	if err != nil {
		return Person{}, err
	}
	p.ID = id
	s.write.Lock()
	defer s.write.Unlock()
	err = s.db.Update(func(tx *store.Tx) error {
		_, before, err := store.GetIn[Person](tx, Kind, id)
		if err != nil {
			return err
		}
		if _, err := store.PutIn(tx, Kind, id, p, p.Scope()); err != nil {
			return err
		}
		if err := s.who.Log(tx, actor.PersonChanged, id, Kind+"/"+id); err != nil {
			return err
		}
		if before.Scope == p.Scope() {
			return nil
		}
		for _, fn := range s.Belongings {
			if err := fn(tx, id, p.Scope()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	s.indexPut(p)
	return p, nil
}

// Merge makes one person of two: keep gets every field it lacks from
// remove, remove becomes a tombstone, and a Merged record under remove's id
// points at keep. All of it is one transaction, with also (other packages
// moving what referred to remove, e.g. appointments.ReassignPersonIn).
func (s *Service) Merge(keepID, removeID string, also ...func(tx *store.Tx) error) (Person, error) {
	if err := s.who.Check(actor.MergePeople); err != nil {
		return Person{}, err
	}
	if keepID == removeID {
		return Person{}, ErrMergeSame
	}
	s.write.Lock()
	defer s.write.Unlock()
	var kept Person
	err := s.db.Update(func(tx *store.Tx) error {
		keep, err := getIn(tx, keepID)
		if err != nil {
			return err
		}
		remove, gone, err := store.GetIn[Person](tx, Kind, removeID)
		if err != nil {
			return err
		}
		kept = fillFrom(keep, remove)
		if _, err := store.PutIn(tx, Kind, keepID, kept, kept.Scope()); err != nil {
			return err
		}
		if _, err := tx.Delete(Kind, removeID); err != nil {
			return err
		}
		scope := kept.Scope()
		if gone.Scope == store.ScopeNetwork {
			scope = store.ScopeNetwork // partners hold references to the removed id
		}
		m := Merged{Into: keepID, At: s.Now().UTC(), By: s.who.Login}
		if _, err = store.PutIn(tx, MergeKind, removeID, m, scope); err != nil {
			return err
		}
		for _, fn := range also {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return s.who.Log(tx, actor.PersonMerged, keepID, Kind+"/"+removeID)
	})
	if err != nil {
		return Person{}, err
	}
	s.mu.Lock()
	s.ix.remove(removeID)
	s.ix.put(kept)
	s.mu.Unlock()
	return kept, nil
}

// fillFrom returns keep with the fields it lacks taken from other.
func fillFrom(keep, other Person) Person {
	if keep.LastName == "" {
		keep.LastName = other.LastName
	}
	if keep.Phone == "" && other.Phone != "" {
		keep.Phone, keep.NoPhone = other.Phone, false
	}
	if keep.Email == "" {
		keep.Email = other.Email
	}
	if keep.BirthYear == 0 {
		keep.BirthYear = other.BirthYear
	}
	if keep.Language == "" || (keep.Language == DefaultLang && other.Language != "") {
		// French is the default, not a choice: the other record may know better.
		keep.Language = other.Language
	}
	if !keep.Consent.Given && other.Consent.Given {
		keep.Consent = other.Consent
	}
	return keep
}

// maxMergeChain bounds ResolveMerged against a cycle made by two centres
// merging the same pair in opposite directions.
const maxMergeChain = 32

// ResolveMerged follows merge records from id to the person it became; an
// id that was never merged away is returned as is.
func (s *Service) ResolveMerged(id string) string {
	for range maxMergeChain {
		m, _, err := store.NewCollection[Merged](s.db, MergeKind).Get(id)
		if err != nil || m.Into == "" {
			return id
		}
		id = m.Into
	}
	return id
}

// Refresh re-reads one person from the store into the search index, for
// writes that did not go through the service (a partner's, by sync).
func (s *Service) Refresh(id string) error {
	p, err := s.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		s.indexRemove(id)
		return nil
	}
	if err != nil {
		return err
	}
	s.indexPut(p)
	return nil
}

// Follow keeps the search index in step with the writes that do not go
// through the service (a partner's, applied by sync) until ctx ends or the
// store closes.
func (s *Service) Follow(ctx context.Context) {
	_ = s.db.Follow(ctx, s.loadedAt, func(r store.Record) error {
		if r.Kind != Kind {
			return nil
		}
		s.write.Lock() // not between a write and its index change
		defer s.write.Unlock()
		return s.Refresh(r.ID)
	}, nil)
}

// Search finds persons by name words (any order, accents, case and one
// typo per word forgiven, the start of a word counts) or by phone digits;
// at most limit hits, best first.
func (s *Service) Search(query string, limit int) []Hit {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix.search(query, limit)
}

func (s *Service) indexPut(p Person) {
	s.mu.Lock()
	s.ix.put(p)
	s.mu.Unlock()
}

func (s *Service) indexRemove(id string) {
	s.mu.Lock()
	s.ix.remove(id)
	s.mu.Unlock()
}

// PutIn validates p and writes it inside tx with the scope its consent
// allows, under p.ID or a new id. It is for bulk loads (demo, import)
// made before a Service is built; the returned person has its ID.
func PutIn(tx *store.Tx, p Person, now time.Time) (Person, error) {
	id := p.ID
	if id == "" {
		id = store.NewID()
	}
	p, err := p.Normalise(now)
	if err != nil {
		return Person{}, err
	}
	p.ID = id
	_, err = store.PutIn(tx, Kind, id, p, p.Scope())
	return p, err
}
