package app

import (
	"time"

	"relais/appointments"
	"relais/people"
	"relais/staff"
)

// signedIn is a session with the domain services the screens use. It is
// built off the Fyne goroutine: the people index takes about a second for
// 100,000 people.
type signedIn struct {
	session *staff.Session
	people  *people.Service
	sched   *appointments.Scheduler
}

// openServices builds the services of a session just opened; on failure it
// closes the session.
func openServices(s *staff.Session, err error) (signedIn, error) {
	if err != nil {
		return signedIn{}, err
	}
	ppl, err := people.NewService(s.DB)
	if err != nil {
		s.Close()
		return signedIn{}, err
	}
	return signedIn{session: s, people: ppl, sched: appointments.NewScheduler(s.DB, time.Now)}, nil
}
