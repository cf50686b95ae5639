package store

import (
	"sort"
	"time"
)

// Counter is one replica's entry in a version vector.
type Counter struct {
	ID    uint64 // the replica's short id
	Value uint64
}

// Vector is a version vector, sorted by ID, following the rules of
// Syncthing's protocol.Vector so that it maps one to one onto BEP.
// Methods never modify their receiver: they return a new vector.
type Vector []Counter

// Ordering is the result of comparing two vectors.
type Ordering int

// The possible orderings of two vectors, as in Syncthing.
const (
	Equal Ordering = iota
	Greater
	Lesser
	ConcurrentLesser
	ConcurrentGreater
)

// Concurrent reports whether the ordering is one of the concurrent ones.
func (o Ordering) Concurrent() bool { return o == ConcurrentLesser || o == ConcurrentGreater }

// now is the clock used by Update; tests replace it.
var now = time.Now

// Update returns a copy of v with id's counter set to max(old+1, unix seconds).
func (v Vector) Update(id uint64) Vector {
	t := uint64(now().Unix())
	out := make(Vector, 0, len(v)+1)
	done := false
	for _, c := range v {
		if !done && c.ID == id {
			c.Value = max(c.Value+1, t)
			done = true
		} else if !done && c.ID > id {
			out = append(out, Counter{ID: id, Value: max(1, t)})
			done = true
		}
		out = append(out, c)
	}
	if !done {
		out = append(out, Counter{ID: id, Value: max(1, t)})
	}
	return out
}

// Merge returns the element-wise maximum of v and b.
func (v Vector) Merge(b Vector) Vector {
	out := make(Vector, 0, len(v)+len(b))
	i, j := 0, 0
	for i < len(v) || j < len(b) {
		switch {
		case j == len(b) || (i < len(v) && v[i].ID < b[j].ID):
			out = append(out, v[i])
			i++
		case i == len(v) || b[j].ID < v[i].ID:
			out = append(out, b[j])
			j++
		default:
			out = append(out, Counter{ID: v[i].ID, Value: max(v[i].Value, b[j].Value)})
			i++
			j++
		}
	}
	return out
}

// Counter returns the value of id's counter, 0 when absent.
func (v Vector) Counter(id uint64) uint64 {
	for _, c := range v {
		if c.ID == id {
			return c.Value
		}
	}
	return 0
}

// Compare orders v against b, a missing counter counting as zero. It follows
// Syncthing's protocol.Vector.Compare step by step, including which of the two
// concurrent orderings it reports, so that both sides of the wire agree.
func (v Vector) Compare(b Vector) Ordering {
	result := Equal
	i, j := 0, 0
	for i < len(v) || j < len(b) {
		var x, y uint64
		switch {
		case j == len(b) || (i < len(v) && v[i].ID < b[j].ID):
			x = v[i].Value
			i++
		case i == len(v) || b[j].ID < v[i].ID:
			y = b[j].Value
			j++
		default:
			x, y = v[i].Value, b[j].Value
			i++
			j++
		}
		if x > y {
			if result == Lesser {
				return ConcurrentLesser
			}
			result = Greater
		} else if x < y {
			if result == Greater {
				return ConcurrentGreater
			}
			result = Lesser
		}
	}
	return result
}

// normalise sorts a vector by id and drops zero counters; decoders use it so
// that a vector read from outside obeys the invariants.
func (v Vector) normalise() Vector {
	out := make(Vector, 0, len(v))
	for _, c := range v {
		if c.Value != 0 {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	// merge duplicates, keeping the highest value
	w := 0
	for _, c := range out {
		if w > 0 && out[w-1].ID == c.ID {
			out[w-1].Value = max(out[w-1].Value, c.Value)
			continue
		}
		out[w] = c
		w++
	}
	return out[:w]
}
