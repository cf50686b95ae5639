package stats_test

import (
	"crypto/rand"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"

	"relais/actor"
	"relais/appointments"
	"relais/radar"
	"relais/stats"
	"relais/store"
	"relais/store/storetest"
	"relais/workshops"
)

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, appointments.Paris)
}

// idAt returns a UUIDv7 made at t, as store.NewID would have made it then.
func idAt(t time.Time) string {
	var u uuid.UUID
	rand.Read(u[:])
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(u[:6], ms[2:])
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u.String()
}

func must0(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// network is two centres, Les Tilleuls and Bellevue, with March 2026's
// activity written straight into the store (appointments in the past
// cannot be booked), and a few records just outside March.
type network struct {
	db                 *store.DB
	tilleuls, bellevue string
	mediator           string
	newcomer, regular  string // a person whose file was opened in March, one from 2025
	march              stats.Period
}

func openDB(tb testing.TB) *store.DB { return storetest.Open(tb, appointments.Indexes()...) }

func put[T any](tb testing.TB, db *store.DB, kind, id string, v T) {
	tb.Helper()
	if _, err := store.NewCollection[T](db, kind).Put(id, v, store.ScopeNetwork); err != nil {
		tb.Fatal(err)
	}
}

func newNetwork(tb testing.TB) *network {
	n := &network{db: openDB(tb), tilleuls: store.NewID(), bellevue: store.NewID(), mediator: store.NewID(),
		newcomer: idAt(paris(2026, time.March, 3, 10, 0)), regular: idAt(paris(2025, time.June, 1, 10, 0)),
		march: stats.Month(paris(2026, time.March, 15, 12, 0))}
	put(tb, n.db, appointments.CentreKind, n.tilleuls, appointments.Centre{Name: "Centre social Les Tilleuls"})
	put(tb, n.db, appointments.CentreKind, n.bellevue, appointments.Centre{Name: "Maison de quartier Bellevue"})
	n.appointment(tb, n.tilleuls, n.newcomer, "caf-demande-rsa", paris(2026, time.March, 2, 9, 0), 60, appointments.Seen, appointments.DoneFor)
	n.appointment(tb, n.tilleuls, n.newcomer, "caf-demande-rsa", paris(2026, time.March, 9, 9, 0), 30, appointments.Seen, appointments.DoneWith)
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.March, 31, 23, 0), 45, appointments.Seen, appointments.DoneAlone)
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.March, 10, 14, 0), 30, appointments.Absent, "")
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.March, 11, 14, 0), 30, appointments.Excused, "")
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.March, 12, 14, 0), 30, appointments.Cancelled, "")
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.March, 13, 14, 0), 30, appointments.Arrived, "")
	// Just outside March, in Paris time: 28 February 23:30 and 1 April 00:10.
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.February, 28, 23, 30), 30, appointments.Seen, appointments.DoneFor)
	n.appointment(tb, n.tilleuls, n.regular, "ameli-creer-compte", paris(2026, time.April, 1, 0, 10), 30, appointments.Seen, appointments.DoneFor)
	n.appointment(tb, n.bellevue, n.newcomer, "impots-declaration-revenus", paris(2026, time.March, 20, 10, 0), 45, appointments.Seen, appointments.DoneWith)
	n.appointment(tb, n.bellevue, n.regular, "impots-declaration-revenus", paris(2026, time.March, 20, 11, 0), 45, appointments.Absent, "")

	put(tb, n.db, appointments.WalkInKind, store.NewID(), appointments.WalkIn{Centre: n.tilleuls, Person: n.regular,
		Procedure: "caf-declaration-trimestrielle", Arrived: paris(2026, time.March, 5, 10, 0).UTC(), Status: appointments.Taken, Mediator: n.mediator})
	put(tb, n.db, appointments.WalkInKind, store.NewID(), appointments.WalkIn{Centre: n.tilleuls, FirstName: "Jo",
		Arrived: paris(2026, time.March, 5, 11, 0).UTC(), Status: appointments.Left})

	_, err := workshops.Add(n.db, actor.System(""), workshops.Workshop{Centre: n.bellevue, Mediator: n.mediator, Title: "Créer son adresse e-mail",
		Start: paris(2026, time.March, 18, 14, 0), Minutes: 90, Participants: 8})
	must0(tb, err)
	_, err = workshops.Add(n.db, actor.System(""), workshops.Workshop{Centre: n.bellevue, Mediator: n.mediator, Title: "Déclarer ses revenus",
		Procedure: "impots-declaration-revenus", Start: paris(2026, time.April, 2, 14, 0), Minutes: 90, Participants: 5})
	must0(tb, err)

	put(tb, n.db, radar.CaseKind, store.NewID(), radar.Case{Person: n.regular, Centre: n.tilleuls, Status: radar.CaseClosed,
		Opened: paris(2026, time.March, 4, 9, 0), Closed: paris(2026, time.March, 25, 9, 0), Reason: radar.CameBack})
	put(tb, n.db, radar.CaseKind, store.NewID(), radar.Case{Person: n.newcomer, Centre: n.bellevue, Status: radar.CaseClosed,
		Opened: paris(2026, time.February, 4, 9, 0), Closed: paris(2026, time.March, 2, 9, 0), Reason: radar.Moved})
	put(tb, n.db, radar.CaseKind, store.NewID(), radar.Case{Person: n.newcomer, Status: radar.CaseOpen,
		Opened: paris(2026, time.March, 30, 9, 0)})
	return n
}

func (n *network) appointment(tb testing.TB, centre, person, procedure string, start time.Time, minutes int, st appointments.Status, au appointments.Autonomy) string {
	tb.Helper()
	a := appointments.Appointment{Person: person, Centre: centre, Mediator: n.mediator, Procedure: procedure,
		Start: start.UTC(), Minutes: minutes, Mode: appointments.OnSite, Status: st, Booked: start.AddDate(0, 0, -7).UTC()}
	if st == appointments.Arrived || st == appointments.Seen {
		a.Arrived = start.Add(-5 * time.Minute).UTC()
	}
	if st == appointments.Seen {
		a.Outcome = &appointments.Outcome{Autonomy: au}
	}
	id := store.NewID()
	put(tb, n.db, appointments.Kind, id, a)
	return id
}

var sys = actor.System("")
