package radar_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"relais/radar"
	"relais/store"
)

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFollowUps(t *testing.T) {
	f := newFixture(t)
	p := f.person("Jean-Pierre", true)
	fu, err := f.r.OpenFollowUp(radar.FollowUp{Person: p, Procedure: "mdph-demande", Centre: f.centre, By: "camille",
		Missing: []string{"  Certificat   médical ", "", "Certificat médical"}, Note: " Dossier commencé "}, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	if fu.ID == "" || fu.Status != radar.ToStart || !fu.Opened.Equal(start.UTC()) || !fu.Updated.Equal(start.UTC()) ||
		len(fu.Missing) != 1 || fu.Missing[0] != "Certificat médical" || fu.Note != "Dossier commencé" || !fu.Open() {
		t.Errorf("OpenFollowUp = %+v", fu)
	}
	f.now = day(2)
	other, err := f.r.OpenFollowUp(radar.FollowUp{Person: p, Procedure: "cheque-energie", Due: day(20)}, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	f.now = day(3)
	fu.Status, fu.Person, fu.Opened = radar.Filed, "someone-else", day(-100)
	up, err := f.r.UpdateFollowUp(fu, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	if up.Person != p || !up.Opened.Equal(start.UTC()) || !up.Updated.Equal(day(3).UTC()) || up.Status != radar.Filed {
		t.Errorf("UpdateFollowUp kept person %q opened %v, updated %v status %q", up.Person, up.Opened, up.Updated, up.Status)
	}
	done := other
	done.Status = radar.Done
	if _, err := f.r.UpdateFollowUp(done, store.ScopeLocal); err != nil {
		t.Fatal(err)
	}
	third, _ := f.r.OpenFollowUp(radar.FollowUp{Person: p, Procedure: "caf-aide-logement", Due: day(10)}, store.ScopeLocal)
	list, err := f.r.FollowUpsOf(p)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range list {
		ids = append(ids, x.ID)
	}
	if want := []string{third.ID, fu.ID, other.ID}; strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("FollowUpsOf order = %v, want open by due date (none last), then closed: %v", ids, want)
	}
	// The third is due within a week: the person is on the radar for it.
	e, ok := f.r.EntryOf(p)
	if !ok || !e.Has(radar.DueSoon) || strings.Join(e.Procedures, ",") != "caf-aide-logement,mdph-demande" ||
		strings.Join(e.Centres, ",") != f.centre || strings.Join(e.Mediators, ",") != "camille" {
		t.Errorf("entry = %+v, %v", e, ok)
	}
	f.sameAsRecompute(p)
}

func TestFollowUpRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	p := f.person("Samira", true)
	good := radar.FollowUp{Person: p, Procedure: "caf-demande-rsa"}
	for name, tc := range map[string]struct {
		change func(*radar.FollowUp)
		want   error
	}{
		"no person":          {func(x *radar.FollowUp) { x.Person = " " }, radar.ErrPersonMissing},
		"an unknown person":  {func(x *radar.FollowUp) { x.Person = "nobody" }, radar.ErrUnknownPerson},
		"a malformed person": {func(x *radar.FollowUp) { x.Person = "a/b" }, radar.ErrUnknownPerson},
		"no procedure":       {func(x *radar.FollowUp) { x.Procedure = "" }, radar.ErrProcedureMissing},
		"unknown procedure":  {func(x *radar.FollowUp) { x.Procedure = "caf-tout" }, radar.ErrUnknownProcedure},
		"unknown status":     {func(x *radar.FollowUp) { x.Status = "fini" }, radar.ErrBadStatus},
		"due in year 2206":   {func(x *radar.FollowUp) { x.Due = time.Date(2206, 1, 1, 0, 0, 0, 0, time.UTC) }, radar.ErrBadDue},
		"a note too long":    {func(x *radar.FollowUp) { x.Note = strings.Repeat("é", radar.MaxNoteLength+1) }, radar.ErrNoteTooLong},
		"too many documents": {func(x *radar.FollowUp) { x.Missing = manyDocuments(radar.MaxMissing + 1) }, radar.ErrTooManyMissing},
		"a document too long": {func(x *radar.FollowUp) { x.Missing = []string{strings.Repeat("x", radar.MaxDocumentLength+1)} },
			radar.ErrDocumentTooLong},
	} {
		t.Run(name, func(t *testing.T) {
			fu := good
			tc.change(&fu)
			mustNot(t, f.db, tc.want, func() error { _, err := f.r.OpenFollowUp(fu, store.ScopeLocal); return err })
		})
	}
	fu, err := f.r.OpenFollowUp(good, store.ScopeLocal)
	if err != nil {
		t.Fatal(err)
	}
	bad := fu
	bad.Status = "fini"
	mustNot(t, f.db, radar.ErrBadStatus, func() error { _, err := f.r.UpdateFollowUp(bad, store.ScopeLocal); return err })
	bad = fu
	bad.ID = "no-such-followup"
	mustNot(t, f.db, radar.ErrUnknownFollowUp, func() error { _, err := f.r.UpdateFollowUp(bad, store.ScopeLocal); return err })
	bad.ID = ""
	mustNot(t, f.db, radar.ErrUnknownFollowUp, func() error { _, err := f.r.UpdateFollowUp(bad, store.ScopeLocal); return err })
}

func manyDocuments(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "Pièce "+string(rune('A'+i%26))+strings.Repeat("I", i/26))
	}
	return out
}
