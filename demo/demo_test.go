package demo_test

import (
	"testing"

	"relais/demo"
	"relais/staff"
	"relais/store"
)

func TestCreateIsIdempotentAndSignsIn(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []bool{true, false} {
		created, err := demo.Create(dir, store.TestOptions())
		if err != nil || created != want {
			t.Fatalf("Create #%d = %v, %v; want %v", i+1, created, err, want)
		}
	}
	desk, err := staff.OpenDesk(dir, store.TestOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	s, err := desk.SignIn(demo.Login, demo.Password)
	if err != nil {
		t.Fatalf("demo credentials do not sign in: %v", err)
	}
	defer s.Close()
	if s.Centre.Name != demo.CentreName || s.Account.Name != demo.AdminName {
		t.Errorf("demo session = %+v", s)
	}
}
