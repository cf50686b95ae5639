// Package access answers a person's right of access (RGPD, article 15):
// everything this centre holds about them — their file, appointments,
// walk-ins, procedures followed, radar follow-up and guide walkthroughs,
// including what partner centres shared — gathered in one dossier, to give
// them as JSON (complete, machine-readable) and as PDF (readable).
package access

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// Part is one kind of record the dossier gathers, with the index that finds
// a person's records of that kind and what it is called.
type Part struct {
	Kind  string
	Title string // in French: the dossier is given to a person in France
}

// Parts are the kinds of records about a person, each found by its
// "person" index.
var Parts = []Part{
	{appointments.Kind, "Rendez-vous"},
	{appointments.WalkInKind, "Passages sans rendez-vous"},
	{radar.FollowUpKind, "Démarches suivies"},
	{radar.CaseKind, "Suivis du radar"},
	{guides.ProgressKind, "Guides suivis"},
}

// Record is one record of the dossier, as stored.
type Record struct {
	ID       string          `json:"id"`
	Modified time.Time       `json:"modified"`
	Body     json.RawMessage `json:"body"`
}

// Dossier is everything held about one person.
type Dossier struct {
	Person  string              `json:"person"`
	Made    time.Time           `json:"made"`
	File    json.RawMessage     `json:"file"`
	Records map[string][]Record `json:"records"` // by kind
}

// Collect gathers the dossier of person id from db, for who (a role that
// carries out the right of access), and notes it in the audit log.
func Collect(db *store.DB, who *actor.Actor, id string, now time.Time) (Dossier, error) {
	if err := who.Check(actor.ExportPerson); err != nil {
		return Dossier{}, err
	}
	var d Dossier
	err := db.Update(func(tx *store.Tx) error {
		r, err := tx.Get(people.Kind, id)
		if err == nil && r.Deleted {
			err = store.ErrNotFound.With("name", people.Kind+"/"+id)
		}
		if err != nil {
			return err
		}
		d = Dossier{Person: id, Made: now.UTC(), File: json.RawMessage(r.Body), Records: map[string][]Record{}}
		for _, p := range Parts {
			ids, err := tx.Find(p.Kind, "person", id)
			if err != nil {
				return err
			}
			for _, rid := range ids {
				rec, err := tx.Get(p.Kind, rid)
				if err != nil || rec.Deleted {
					continue
				}
				d.Records[p.Kind] = append(d.Records[p.Kind], Record{ID: rid, Modified: rec.Modified.UTC(), Body: json.RawMessage(rec.Body)})
			}
		}
		return who.Log(tx, actor.PersonExported, id, people.Kind+"/"+id)
	})
	if err != nil {
		return Dossier{}, err
	}
	return d, nil
}

// JSON is the dossier, indented.
func (d Dossier) JSON() ([]byte, error) { return json.MarshalIndent(d, "", "  ") }

// Field is one line of a record in words: a field name and its value.
type Field struct{ Name, Value string }

// Section is one part of the dossier for reading: a title and its records,
// each a list of fields.
type Section struct {
	Title   string
	Records [][]Field
}

// Sections lays the dossier out for reading: the file first, then each
// part that holds something, every field of every record (nested fields as
// « consent.given »), so that nothing held is left out of the PDF either.
func (d Dossier) Sections() []Section {
	out := []Section{{Title: "Fiche", Records: [][]Field{fields(d.File)}}}
	for _, p := range Parts {
		recs := d.Records[p.Kind]
		if len(recs) == 0 {
			continue
		}
		s := Section{Title: fmt.Sprintf("%s (%d)", p.Title, len(recs))}
		for _, r := range recs {
			s.Records = append(s.Records, fields(r.Body))
		}
		out = append(out, s)
	}
	return out
}

// fields flattens a JSON object into sorted « name: value » lines.
func fields(body json.RawMessage) []Field {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []Field{{"contenu", string(body)}}
	}
	flat := map[string]string{}
	flatten("", v, flat)
	names := slices.Sorted(maps.Keys(flat))
	out := make([]Field, 0, len(names))
	for _, n := range names {
		out = append(out, Field{n, flat[n]})
	}
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			flatten(name, x[k], out)
		}
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				b, _ := json.Marshal(e)
				parts = append(parts, string(b))
				continue
			}
			parts = append(parts, fmt.Sprint(e))
		}
		out[prefix] = strings.Join(parts, " ; ")
	case nil:
		out[prefix] = ""
	default:
		out[prefix] = fmt.Sprint(x)
	}
}
