package appointments_test

import (
	"testing"
	"time"

	"relais/appointments"
	"relais/store"
)

// TestAgendaFollowsEveryWrite: the agenda reads who works and their names
// through a cache; any write must show at once, including one that does not
// go through the scheduler (a partner's, or another screen's).
func TestAgendaFollowsEveryWrite(t *testing.T) {
	f := newFixture(t)
	tuesday := time.Date(2026, time.November, 24, 12, 0, 0, 0, appointments.Paris)
	names := func() []string {
		ag, err := f.s.DayAgenda(f.centre, tuesday)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range ag.Columns {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names(); len(got) != 2 || got[0] != "Camille" || got[1] != "Yanis" {
		t.Fatalf("columns = %v, want [Camille Yanis]", got)
	}
	// A colleague joins: a new staff record and their hours.
	awa := store.NewID()
	must(f.db.Put("staff", awa, []byte(`{"name":"Awa"}`), store.ScopeNetwork))
	var week appointments.Week
	must0(t, week.Add(time.Tuesday, "9:00", "12:00"))
	must0(t, f.s.SetAvailability(awa, f.centre, week))
	if got := names(); len(got) != 3 || got[0] != "Awa" {
		t.Errorf("after a new availability, columns = %v", got)
	}
	// Yanis is renamed by a write that bypasses the scheduler.
	must(f.db.Put("staff", f.yanis, []byte(`{"name":"Yanis B."}`), store.ScopeNetwork))
	if got := names(); got[2] != "Yanis B." {
		t.Errorf("after a rename, columns = %v", got)
	}
}
