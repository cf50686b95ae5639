package demo_test

import (
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/network"
	"relais/people"
	"relais/schema"
	"relais/staff"
	"relais/store"
)

func TestCreateMakesABelievableNetworkOnce(t *testing.T) {
	dir := t.TempDir()
	opts := schema.Options(store.TestOptions())
	size := demo.Small
	size.People = 300 // the full demo takes longer; the shape is the same
	c, ok, err := demo.Create(dir, opts, size, 1, nil)
	if err != nil || !ok {
		t.Fatalf("Create = %+v, %v, %v", c, ok, err)
	}
	if c.People != 300 || c.Mediators != 8 || c.Appointments < 1000 || len(c.MediatorLogins) != 3 || c.FollowUps == 0 {
		t.Errorf("created %+v", c)
	}
	if _, ok, err := demo.Create(dir, opts, size, 1, nil); ok || err != nil {
		t.Errorf("second Create = %v, %v; want the folder left alone", ok, err)
	}

	desk, err := staff.OpenDesk(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	s, err := desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		t.Fatalf("demo credentials do not sign in: %v", err)
	}
	if s.Centre.Name != demo.CentreName || s.Account.Role != staff.Admin {
		t.Errorf("admin session = %+v", s)
	}
	// Today's (or the next open day's) agenda of the admin's centre has appointments.
	sched := appointments.NewScheduler(s.DB, actor.System(""), time.Now)
	found := 0
	for d := 0; d < 7 && found == 0; d++ {
		ag, err := sched.DayAgenda(s.CentreID, time.Now().AddDate(0, 0, d))
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range ag.Columns {
			found += len(col.Appointments)
		}
	}
	if found == 0 {
		t.Error("no appointment in the coming week at the demo centre")
	}
	svc, err := people.NewService(s.DB, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	if svc.Len() != 300 {
		t.Errorf("people service holds %d", svc.Len())
	}
	// The other demo centres are listed as partners, by name, not connected.
	nw, err := network.Open(s.DB, s.Centre.Name, network.Options{Who: actor.System("")})
	if err != nil {
		t.Fatal(err)
	}
	if ps := nw.Status().Partners; len(ps) != 2 || ps[0].Name == "" || ps[0].Connected || ps[0].Address != "" {
		t.Errorf("demo partners = %+v, want the 2 other centres", ps)
	}
	if rep, err := s.Check(); err != nil || !rep.OK() {
		t.Errorf("Check = %v, %v", rep.Problems, err)
	}
	s.Close()
	m, err := desk.SignIn(c.MediatorLogins[0], demo.Password)
	if err != nil {
		t.Fatalf("mediator %s cannot sign in: %v", c.MediatorLogins[0], err)
	}
	defer m.Close()
	if m.Account.Role != staff.Mediator || m.CentreID != s.CentreID {
		t.Errorf("mediator session = %+v", m.Account)
	}
}
