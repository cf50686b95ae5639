package workshops_test

import (
	"errors"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/problem/problemtest"
	"relais/store"
	"relais/store/storetest"
	"relais/workshops"
)

func TestProblemsAreTranslated(t *testing.T) {
	problemtest.CheckTranslated(t, "../assets/translations", "workshops")
}

func TestAdd(t *testing.T) {
	db := storetest.Open(t, appointments.Indexes()...)
	centre := store.NewID()
	if _, err := appointments.Centres(db).Put(centre, appointments.Centre{Name: "Les Tilleuls"}, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, time.March, 18, 13, 0, 0, 0, time.UTC)
	ok := workshops.Workshop{Centre: centre, Mediator: "m", Title: "  Créer son   adresse e-mail ", Start: start, Minutes: 90, Participants: 8}
	bad := []struct {
		name string
		edit func(*workshops.Workshop)
		want error
	}{
		{"no title", func(w *workshops.Workshop) { w.Title = " " }, workshops.ErrTitleMissing},
		{"no one", func(w *workshops.Workshop) { w.Participants = 0 }, workshops.ErrBadParticipants},
		{"too many", func(w *workshops.Workshop) { w.Participants = 201 }, workshops.ErrBadParticipants},
		{"too short", func(w *workshops.Workshop) { w.Minutes = 2 }, workshops.ErrBadDuration},
		{"no date", func(w *workshops.Workshop) { w.Start = time.Time{} }, workshops.ErrBadStart},
		{"no mediator", func(w *workshops.Workshop) { w.Mediator = "" }, workshops.ErrMediatorMissing},
		{"unknown procedure", func(w *workshops.Workshop) { w.Procedure = "nope" }, workshops.ErrUnknownProcedure},
		{"unknown centre", func(w *workshops.Workshop) { w.Centre = store.NewID() }, workshops.ErrUnknownCentre},
	}
	for _, tc := range bad {
		w := ok
		tc.edit(&w)
		if _, err := workshops.Add(db, actor.System(""), w); !errors.Is(err, tc.want) {
			t.Errorf("Add(%s) = %v, want %v", tc.name, err, tc.want)
		}
	}
	// The front desk does not record accompaniments.
	if _, err := workshops.Add(db, actor.New("accueil", "Nadia", actor.Reception, centre), ok); !errors.Is(err, actor.ErrNotAllowed) {
		t.Errorf("Add by the front desk = %v, want %v", err, actor.ErrNotAllowed)
	}
	if n, _ := db.Count(workshops.Kind); n != 0 {
		t.Fatalf("refused workshops wrote %d records", n)
	}
	id, err := workshops.Add(db, actor.System(""), ok)
	if err != nil {
		t.Fatal(err)
	}
	var got []workshops.Entry
	workshops.Between(db, centre, start.Add(-time.Hour), start.Add(time.Hour), func(e workshops.Entry) error { got = append(got, e); return nil })
	if len(got) != 1 || got[0].ID != id || got[0].Title != "Créer son adresse e-mail" {
		t.Errorf("Between = %+v", got)
	}
	got = nil
	workshops.Between(db, "", start.Add(time.Minute), start.Add(time.Hour), func(e workshops.Entry) error { got = append(got, e); return nil })
	if len(got) != 0 {
		t.Errorf("Between(after its start) = %+v, want none", got)
	}
}
