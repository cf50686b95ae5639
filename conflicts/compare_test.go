package conflicts

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"relais/store"
)

var compareCases = []struct {
	name           string
	current, other string
	want           []Field
}{
	{"same", `{"a":"x"}`, `{"a":"x"}`, []Field{{Name: "a", Current: "x", Other: "x"}}},
	{"nested and missing", `{"a":{"b":1,"c":true}}`, `{"a":{"b":2}}`, []Field{
		{Name: "a.b", Current: "1", Other: "2", Differs: true},
		{Name: "a.c", Current: "true", Other: "", Differs: true},
	}},
	{"null is empty", `{"a":null,"b":""}`, `{"b":null}`, []Field{{Name: "a"}, {Name: "b"}}},
	{"arrays compact", `{"t":[1, {"x": "y"}]}`, `{"t":[]}`, []Field{{Name: "t", Current: `[1,{"x":"y"}]`, Other: `[]`, Differs: true}}},
	{"big numbers kept", `{"n":12345678901234567890}`, `{"n":1.5}`, []Field{{Name: "n", Current: "12345678901234567890", Other: "1.5", Differs: true}}},
	{"colliding names", `{"a.b":1,"a":{"b":2}}`, `{"a":{"b":1}}`, []Field{{Name: "a.b", Current: "1", Other: "1"}}},
	{"not an object", `"text"`, `{"a":1}`, []Field{
		{Name: "", Current: "text", Other: "", Differs: true},
		{Name: "a", Current: "", Other: "1", Differs: true},
	}},
	{"empty object", `{"o":{}}`, `{"o":{"k":"v"}}`, []Field{
		{Name: "o", Current: "", Other: "", Differs: false},
		{Name: "o.k", Current: "", Other: "v", Differs: true},
	}},
}

func TestCompare(t *testing.T) {
	for _, tc := range compareCases {
		t.Run(tc.name, func(t *testing.T) {
			got := compare(Side{Body: json.RawMessage(tc.current)}, Side{Body: json.RawMessage(tc.other)})
			want := slices.Clone(tc.want)
			// Differing first, then by name.
			slices.SortStableFunc(want, func(a, b Field) int {
				if a.Differs != b.Differs {
					if a.Differs {
						return -1
					}
					return 1
				}
				return strings.Compare(a.Name, b.Name)
			})
			if !slices.Equal(got, want) {
				t.Errorf("compare(%s, %s) = %+v, want %+v", tc.current, tc.other, got, want)
			}
		})
	}
}

func TestCompareWithADeletion(t *testing.T) {
	got := compare(Side{Body: json.RawMessage(`{"a":"x","b":"y"}`)}, Side{Deleted: true})
	want := []Field{{Name: "a", Current: "x", Differs: true}, {Name: "b", Current: "y", Differs: true}}
	if !slices.Equal(got, want) {
		t.Errorf("compare(record, deletion) = %+v, want %+v", got, want)
	}
	if got := compare(Side{Deleted: true}, Side{Deleted: true}); len(got) != 0 {
		t.Errorf("compare(deletion, deletion) = %+v, want nothing", got)
	}
}

// FuzzCompare feeds bodies as a partner could send them: comparing never
// panics, is deterministic, and a body compared with itself never differs.
func FuzzCompare(f *testing.F) {
	for _, tc := range compareCases {
		f.Add([]byte(tc.current), []byte(tc.other))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		x, y := Side{Body: a}, Side{Body: b}
		got := compare(x, y)
		if again := compare(x, y); !slices.Equal(got, again) {
			t.Fatalf("compare is not deterministic: %+v then %+v", got, again)
		}
		for _, fl := range compare(x, x) {
			if fl.Differs || fl.Current != fl.Other {
				t.Fatalf("a body differs from itself: %+v", fl)
			}
		}
		decode(store.Record{Body: a})
	})
}
