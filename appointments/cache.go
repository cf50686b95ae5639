package appointments

import (
	"slices"
	"sync"
)

// readCache keeps what every agenda reads again and again — who works at a
// centre and their names — until the store's next write. Any write, here or
// from a partner, moves the store's sequence and so empties it: the cache
// can never show something the store no longer says.
type readCache struct {
	mu    sync.Mutex
	seq   uint64
	avail map[string][]Availability // by centre
	names map[string]string         // by staff record id
}

// at empties the cache unless it was filled at sequence seq; mu is held.
func (c *readCache) at(seq uint64) {
	if c.avail == nil || c.seq != seq {
		c.seq, c.avail, c.names = seq, map[string][]Availability{}, map[string]string{}
	}
}

func (s *Scheduler) cachedAvailabilities(centre string) ([]Availability, error) {
	seq := s.db.LastSequence() // read before the data: a write meanwhile leaves a stale entry unused
	s.cache.mu.Lock()
	s.cache.at(seq)
	v, ok := s.cache.avail[centre]
	s.cache.mu.Unlock()
	if ok {
		return slices.Clone(v), nil
	}
	v, err := s.availabilities(centre)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	if s.cache.seq == seq {
		s.cache.avail[centre] = v
	}
	s.cache.mu.Unlock()
	return slices.Clone(v), nil
}

func (s *Scheduler) cachedMediatorName(id string) string {
	seq := s.db.LastSequence()
	s.cache.mu.Lock()
	s.cache.at(seq)
	name, ok := s.cache.names[id]
	s.cache.mu.Unlock()
	if ok {
		return name
	}
	name = mediatorName(s.db.Get, id)
	s.cache.mu.Lock()
	if s.cache.seq == seq {
		s.cache.names[id] = name
	}
	s.cache.mu.Unlock()
	return name
}
