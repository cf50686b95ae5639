package stats_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/problem/problemtest"
	"relais/stats"
)

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "stats")
}

func org(t *testing.T, code string) string {
	p, err := appointments.FindProcedure(code)
	if err != nil {
		t.Fatal(err)
	}
	return p.Organisation
}

func TestComputeCentre(t *testing.T) {
	n := newNetwork(t)
	r, err := stats.Compute(context.Background(), n.db, n.march, stats.Options{Centre: n.tilleuls, Who: sys})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Figures
	if r.Name != "Centre social Les Tilleuls" || r.Centres != nil {
		t.Errorf("Compute(Tilleuls) name %q, %d centre lines, want the centre's name and none", r.Name, len(r.Centres))
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"appointments", f.Appointments, 7},
		{"seen", f.Status[appointments.Seen], 3},
		{"absent", f.Status[appointments.Absent], 1},
		{"excused", f.Status[appointments.Excused], 1},
		{"cancelled", f.Status[appointments.Cancelled], 1},
		{"arrived", f.Status[appointments.Arrived], 1},
		{"individual", f.Individual, 4},
		{"walk-ins", f.WalkIns, 1},
		{"workshops", f.Workshops, 0},
		{"minutes", f.Minutes, 60 + 30 + 45 + 30},
		{"done for", f.Autonomy[appointments.DoneFor], 1},
		{"done with", f.Autonomy[appointments.DoneWith], 1},
		{"done alone", f.Autonomy[appointments.DoneAlone], 1},
		{"on site", f.Modes[appointments.OnSite], 3},
		{"people", f.People, 2},
		{"new people", f.NewPeople, 1},
		{"radar entered", f.RadarEntered, 1},
		{"radar left", f.RadarLeft, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Compute(Tilleuls, March) %s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := f.NoShowRate(); math.Abs(got-0.2) > 1e-9 {
		t.Errorf("NoShowRate = %v, want 0.2 (1 absent out of 3 seen, 1 arrived, 1 absent)", got)
	}
	wantProcs := []stats.Count{{Key: "caf-demande-rsa", N: 2, Minutes: 90}, {Key: "ameli-creer-compte", N: 1, Minutes: 45},
		{Key: "caf-declaration-trimestrielle", N: 1, Minutes: 30}}
	if !slices.Equal(f.Procedures, wantProcs) {
		t.Errorf("Procedures = %v, want %v", f.Procedures, wantProcs)
	}
	wantOrgs := []stats.Count{{Key: org(t, "caf-demande-rsa"), N: 3, Minutes: 120}, {Key: org(t, "ameli-creer-compte"), N: 1, Minutes: 45}}
	if !slices.Equal(f.Organisations, wantOrgs) {
		t.Errorf("Organisations = %v, want %v", f.Organisations, wantOrgs)
	}
}

func TestComputeNetwork(t *testing.T) {
	n := newNetwork(t)
	r, err := stats.Compute(context.Background(), n.db, n.march, stats.Options{Network: "Réseau du Nord", Who: sys})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Figures
	checks := []struct {
		name      string
		got, want int
	}{
		{"appointments", f.Appointments, 9},
		{"individual", f.Individual, 5},
		{"workshops", f.Workshops, 1},
		{"participants", f.Participants, 8},
		{"accompaniments", f.Accompaniments(), 6},
		{"minutes", f.Minutes, 165 + 45 + 90},
		{"people (once each across centres)", f.People, 2},
		{"new people", f.NewPeople, 1},
		{"radar entered (one case without a centre)", f.RadarEntered, 2},
		{"radar left", f.RadarLeft, 2},
		{"centre lines", len(r.Centres), 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Compute(network, March) %s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if r.Name != "Réseau du Nord" {
		t.Errorf("Name = %q, want the network's", r.Name)
	}
	if got := f.NoShowRate(); math.Abs(got-2.0/7) > 1e-9 {
		t.Errorf("NoShowRate = %v, want 2/7", got)
	}
	if len(r.Centres) == 2 {
		b := r.Centres[1]
		if b.Name != "Maison de quartier Bellevue" || b.Workshops != 1 || b.Individual != 1 || b.RadarLeft != 1 || b.Minutes != 135 {
			t.Errorf("Bellevue's line = %+v", b)
		}
	}
}

func TestComputeRefusesBadInput(t *testing.T) {
	n := newNetwork(t)
	ctx := context.Background()
	backwards := stats.Period{From: n.march.To, To: n.march.From}
	if _, err := stats.Compute(ctx, n.db, backwards, stats.Options{Who: sys}); !errors.Is(err, stats.ErrBadPeriod) {
		t.Errorf("Compute(backwards period) = %v, want ErrBadPeriod", err)
	}
	if _, err := stats.Compute(ctx, n.db, stats.Period{}, stats.Options{Who: sys}); !errors.Is(err, stats.ErrBadPeriod) {
		t.Errorf("Compute(zero period) = %v, want ErrBadPeriod", err)
	}
	if _, err := stats.Compute(ctx, n.db, n.march, stats.Options{Centre: "no-such-centre", Who: sys}); !errors.Is(err, stats.ErrUnknownCentre) {
		t.Errorf("Compute(unknown centre) = %v, want ErrUnknownCentre", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := stats.Compute(cancelled, n.db, n.march, stats.Options{Who: sys}); !errors.Is(err, context.Canceled) {
		t.Errorf("Compute(cancelled) = %v, want context.Canceled", err)
	}
}

// TestItemsMatchDayAgenda pins the reading of the agenda index to what
// the appointments package itself reads from it.
func TestItemsMatchDayAgenda(t *testing.T) {
	n := newNetwork(t)
	s := appointments.NewScheduler(n.db, actor.System(""), nil)
	var got []appointments.AgendaItem
	err := stats.Items(context.Background(), n.db, []string{n.tilleuls, n.bellevue}, n.march, func(it stats.Item) error {
		got = append(got, it.AgendaItem)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []appointments.AgendaItem
	for _, c := range []string{n.tilleuls, n.bellevue} {
		for d := n.march.From; d.Before(n.march.To); d = d.AddDate(0, 0, 1) {
			ag, err := s.DayAgenda(c, d.Add(12*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			for _, col := range ag.Columns {
				want = append(want, col.Appointments...)
			}
		}
	}
	if len(got) != 9 || !slices.Equal(got, want) {
		t.Errorf("Items = %d items %v,\nDayAgenda = %d items %v", len(got), got, len(want), want)
	}
}

func TestPeriod(t *testing.T) {
	m := stats.Month(paris(2026, time.March, 31, 23, 30))
	if !m.From.Equal(paris(2026, time.March, 1, 0, 0)) || !m.To.Equal(paris(2026, time.April, 1, 0, 0)) {
		t.Errorf("Month(31 March 23:30) = %v", m)
	}
	if got := m.Label(); got != "mars 2026" {
		t.Errorf("Label = %q, want « mars 2026 »", got)
	}
	if got := m.Previous().Label(); got != "février 2026" {
		t.Errorf("Previous = %q", got)
	}
	if got := m.Next().Next().Next().Next().Next().Next().Next().Next().Next().Next().Label(); got != "janvier 2027" {
		t.Errorf("ten months later = %q", got)
	}
	half := stats.Period{From: m.From, To: paris(2026, time.March, 16, 0, 0)}
	if got := half.Label(); got != "du 01/03/2026 au 15/03/2026" {
		t.Errorf("Label(half month) = %q", got)
	}
	if !stats.Opened(idAt(paris(2026, time.March, 3, 10, 0))).Equal(paris(2026, time.March, 3, 10, 0)) || !stats.Opened("not-a-uuid").IsZero() {
		t.Errorf("Opened does not read the time of a UUIDv7")
	}
}

func TestComputeNeedsTheRight(t *testing.T) {
	n := newNetwork(t)
	mediator := actor.New("camille", "Camille", actor.Mediator, n.tilleuls)
	for _, who := range []*actor.Actor{mediator, nil} {
		if _, err := stats.Compute(context.Background(), n.db, n.march, stats.Options{Who: who}); !errors.Is(err, actor.ErrNotAllowed) {
			t.Errorf("Compute(%v) = %v, want ErrNotAllowed", who, err)
		}
	}
}
