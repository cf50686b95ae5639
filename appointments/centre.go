// Package appointments holds centres, their opening hours, mediators'
// availability, appointments and the walk-in queue.
package appointments

import (
	"strings"
	"unicode/utf8"

	"relais/problem"
	"relais/store"
)

// CentreKind is the record kind of a centre.
const CentreKind = "centre"

// Centre is a help desk of the network. Centres are shared with partners:
// they hold no personal data.
type Centre struct {
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// MaxNameLength bounds names typed at the desk.
const MaxNameLength = 120

// Problems of centres.
var (
	ErrCentreNameMissing = problem.Register("appointments.centre_name_missing")
	ErrCentreNameTooLong = problem.Register("appointments.centre_name_too_long")
)

// Normalise trims the fields and checks them.
func (c Centre) Normalise() (Centre, error) {
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	c.Phone = strings.TrimSpace(c.Phone)
	c.Address = strings.TrimSpace(c.Address)
	if c.Name == "" {
		return c, ErrCentreNameMissing
	}
	if utf8.RuneCountInString(c.Name) > MaxNameLength {
		return c, ErrCentreNameTooLong.With("max", MaxNameLength)
	}
	return c, nil
}

// Centres gives typed access to centre records.
func Centres(db *store.DB) store.Collection[Centre] {
	return store.NewCollection[Centre](db, CentreKind)
}
