// Package schema lists what the store holds for every domain package — the
// secondary indexes and, later, the migrations — so that the application,
// the demo and the tests all open the store the same way.
package schema

import (
	"relais/appointments"
	"relais/audit"
	"relais/guides"
	"relais/people"
	"relais/radar"
	"relais/rgpd"
	"relais/staff"
	"relais/store"
)

// Indexes returns every domain package's indexes.
func Indexes() []store.Index {
	var all []store.Index
	all = append(all, staff.Indexes()...)
	all = append(all, people.Indexes()...)
	all = append(all, appointments.Indexes()...)
	all = append(all, guides.Indexes()...)
	all = append(all, radar.Indexes()...)
	all = append(all, audit.Indexes()...)
	all = append(all, rgpd.Indexes()...)
	return all
}

// Options returns base with every domain index declared.
func Options(base store.Options) store.Options {
	base.Indexes = append(append([]store.Index(nil), base.Indexes...), Indexes()...)
	return base
}
