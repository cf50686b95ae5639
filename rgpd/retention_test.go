package rgpd_test

import (
	"errors"
	"testing"
	"time"

	"relais/actor"
	"relais/rgpd"
	"relais/store"
)

func TestRetentionDefaultsToTwoYears(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	r := must(rgpd.RetentionOf(a.db, a.centre))
	if r.PersonMonths != 24 || r.DetailsMonths != 24 || !r.IsDefault() {
		t.Errorf("RetentionOf a centre that set none = %+v, want 24 and 24 months, default", r)
	}
}

func TestSetRetention(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	set := must(rgpd.SetRetention(a.as(actor.Admin), a.db, a.centre, rgpd.Retention{PersonMonths: 36, DetailsMonths: 12}, now))
	got := must(rgpd.RetentionOf(a.db, a.centre))
	if got != set || got.PersonMonths != 36 || got.DetailsMonths != 12 || got.By != "login-admin" || !got.Set.Equal(now) {
		t.Errorf("RetentionOf after SetRetention = %+v, want %+v", got, set)
	}
	if n := auditCount(t, a.db, actor.RetentionChanged); n != 1 {
		t.Errorf("%d retention changes in the audit log, want 1", n)
	}
}

// TestSetRetentionRefusesBadValues: 0, negative and absurd durations, a
// role that may not, another centre, an unknown one: a clear problem each
// time, and nothing written.
func TestSetRetentionRefusesBadValues(t *testing.T) {
	a, b := newCopy(t, "Les Tilleuls"), newCopy(t, "Maison des Familles")
	admin := a.as(actor.Admin)
	now := time.Now()
	seq := a.db.LastSequence()
	cases := []struct {
		name   string
		who    *actor.Actor
		centre string
		r      rgpd.Retention
		want   error
	}{
		{"0 months", admin, a.centre, rgpd.Retention{PersonMonths: 0, DetailsMonths: 24}, rgpd.ErrPersonMonths},
		{"0 months of details", admin, a.centre, rgpd.Retention{PersonMonths: 24, DetailsMonths: 0}, rgpd.ErrDetailsMonths},
		{"negative", admin, a.centre, rgpd.Retention{PersonMonths: -12, DetailsMonths: 24}, rgpd.ErrPersonMonths},
		{"too short", admin, a.centre, rgpd.Retention{PersonMonths: 5, DetailsMonths: 24}, rgpd.ErrPersonMonths},
		{"absurd", admin, a.centre, rgpd.Retention{PersonMonths: 24, DetailsMonths: 1200}, rgpd.ErrDetailsMonths},
		{"a coordinator", a.as(actor.Coordinator), a.centre, rgpd.Default(), actor.ErrNotAllowed},
		{"a mediator", a.as(actor.Mediator), a.centre, rgpd.Default(), actor.ErrNotAllowed},
		{"no one", nil, a.centre, rgpd.Default(), actor.ErrNotAllowed},
		{"another centre", admin, b.centre, rgpd.Default(), rgpd.ErrOtherCentre},
		{"an unknown centre", actor.New("x", "X", actor.Admin, "nowhere").Recording(nil), "nowhere", rgpd.Default(), rgpd.ErrUnknownCentre},
		{"a bad centre id", actor.New("x", "X", actor.Admin, "../x"), "../x", rgpd.Default(), rgpd.ErrUnknownCentre},
	}
	for _, c := range cases {
		if _, err := rgpd.SetRetention(c.who, a.db, c.centre, c.r, now); !errors.Is(err, c.want) {
			t.Errorf("%s: SetRetention = %v, want %v", c.name, err, c.want)
		}
	}
	if a.db.LastSequence() != seq {
		t.Error("a refused retention wrote something")
	}
	if r := must(rgpd.RetentionOf(a.db, a.centre)); !r.IsDefault() {
		t.Errorf("the retention became %+v", r)
	}
}

// TestDamagedRetentionGivesTheDefaults: a partner's record out of bounds
// is never enforced.
func TestDamagedRetentionGivesTheDefaults(t *testing.T) {
	a := newCopy(t, "Les Tilleuls")
	put(t, a.db, rgpd.RetentionKind, a.centre, rgpd.Retention{PersonMonths: 0, DetailsMonths: 0}, store.ScopeNetwork)
	if r := must(rgpd.RetentionOf(a.db, a.centre)); r.PersonMonths != 24 || r.DetailsMonths != 24 {
		t.Errorf("RetentionOf a damaged record = %+v, want the defaults", r)
	}
}
