// Package demo fills a data folder with a believable centre, so that a
// newcomer can try Relais without typing anything first.
package demo

import (
	"relais/staff"
	"relais/store"
)

// The demo folder's credentials, printed by `relais demo` and in the README.
const (
	CentreName = "Centre social Les Tilleuls (démo)"
	AdminName  = "Camille Martin"
	Login      = "admin"
	Password   = "relais-demo"
)

// Create sets up dir as a demo folder. A folder that is already set up is
// left as it is and created is false.
func Create(dir string, opts store.Options) (created bool, err error) {
	desk, err := staff.OpenDesk(dir, opts)
	if err != nil {
		return false, err
	}
	defer desk.Close()
	if !desk.NeedsSetUp() {
		return false, nil
	}
	s, _, err := desk.SetUp(staff.FirstRun{
		CentreName: CentreName, AdminName: AdminName,
		Login: Login, Password: Password, PasswordAgain: Password,
	})
	if err != nil {
		return false, err
	}
	return true, s.Close()
}
