package appointments

import (
	"encoding/json"
	"sync"

	"relais/assets"
	"relais/problem"
)

// Procedure is an online administrative procedure a person comes to do,
// from the catalogue shipped in assets/procedures.json.
type Procedure struct {
	Code         string   `json:"code"`
	Title        string   `json:"title"`
	Organisation string   `json:"organisation"`
	Minutes      int      `json:"minutes"` // usual length of the appointment
	Documents    []string `json:"documents"`
	Site         string   `json:"site"`  // the official public site
	Guide        string   `json:"guide"` // id of the step-by-step guide, when guides arrive
}

// ErrUnknownProcedure is returned for a code absent from the catalogue.
var ErrUnknownProcedure = problem.Register("appointments.unknown_procedure")

var loadCatalogue = sync.OnceValue(func() []Procedure {
	var ps []Procedure
	if err := json.Unmarshal(assets.Procedures, &ps); err != nil {
		// The file is embedded and checked by TestCatalogue: a broken one is a build mistake.
		panic("assets/procedures.json: " + err.Error())
	}
	return ps
})

// Catalogue returns the procedures, in the catalogue's order. Callers must not modify it.
func Catalogue() []Procedure { return loadCatalogue() }

// FindProcedure returns the procedure with code, or ErrUnknownProcedure.
func FindProcedure(code string) (Procedure, error) {
	for _, p := range Catalogue() {
		if p.Code == code {
			return p, nil
		}
	}
	return Procedure{}, ErrUnknownProcedure.With("code", code)
}
