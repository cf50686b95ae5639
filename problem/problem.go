// Package problem carries errors meant for the person using Relais.
//
// A Problem holds a translation key (found in assets/translations/*.json)
// and the values its message needs, so domain packages stay free of any UI
// code while the screens show the message in the user's language. Sentinel
// problems are compared with errors.Is; a problem made from a sentinel with
// extra details still matches it.
package problem

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is an error with a translation key for the person using Relais.
type Problem struct {
	// Key names the message in the translation files, e.g. "store.wrong_password".
	Key string
	// Args are the values the message template refers to, e.g. {{.Name}}.
	Args map[string]any
	// Err is the technical cause, for the logs; it is never shown as is.
	Err error
	// kind is the sentinel this problem was derived from, for errors.Is.
	kind *Problem
}

// New returns a sentinel problem with the given translation key.
func New(key string) *Problem { return &Problem{Key: key} }

// With returns a new problem of the same kind carrying message arguments,
// given as alternating names and values.
func (p *Problem) With(kv ...any) *Problem {
	q := &Problem{Key: p.Key, Args: map[string]any{}, Err: p.Err, kind: p.root()}
	for k, v := range p.Args {
		q.Args[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return q
}

// Because returns a new problem of the same kind that records its technical cause.
func (p *Problem) Because(err error) *Problem {
	q := p.With()
	q.Err = err
	return q
}

func (p *Problem) root() *Problem {
	if p.kind != nil {
		return p.kind
	}
	return p
}

// Error gives a technical text for logs: the key, the arguments and the cause.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Key)
	if len(p.Args) > 0 {
		keys := make([]string, 0, len(p.Args))
		for k := range p.Args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%v", k, p.Args[k])
		}
	}
	if p.Err != nil {
		b.WriteString(": ")
		b.WriteString(p.Err.Error())
	}
	return b.String()
}

// Unwrap returns the technical cause.
func (p *Problem) Unwrap() error { return p.Err }

// Is reports whether target is the sentinel this problem comes from.
func (p *Problem) Is(target error) bool {
	t, ok := target.(*Problem)
	return ok && t.root() == p.root()
}

// Find returns the first Problem in err's chain, if any.
func Find(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}

var registry []*Problem

// Register returns a new sentinel problem and records its key, so tests can
// check that every message a person may see is translated.
func Register(key string) *Problem {
	p := New(key)
	registry = append(registry, p)
	return p
}

// Registered returns the keys of every sentinel made with Register.
func Registered() []string {
	keys := make([]string, len(registry))
	for i, p := range registry {
		keys[i] = p.Key
	}
	return keys
}
