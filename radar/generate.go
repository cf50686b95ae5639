package radar

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"relais/appointments"
	"relais/store"
)

// Sample says how many follow-ups and cases GenerateFollowUps writes.
type Sample struct {
	Seed uint64
	// Persons and Centres are the ids to draw from.
	Persons, Centres []string
	// Staff are the logins written as By, AssignedTo.
	Staff []string
	// Share is the part of the persons with a follow-up (0.1 when zero).
	Share float64
	// Now splits the past from the future.
	Now time.Time
}

// Generated counts what GenerateFollowUps wrote.
type Generated struct {
	FollowUps, Open, Cases int
}

// GenerateFollowUps writes believable follow-ups for a share of the
// persons, deterministically from the seed: 60 % still open (some waiting
// for documents, some due within two months or overdue), the rest done or
// abandoned; and, for one person in twenty of them, a case with a few
// contact attempts, a third of them closed. It is for the demo and the
// large data set; the records are local.
func GenerateFollowUps(db *store.DB, s Sample) (Generated, error) {
	if s.Share == 0 {
		s.Share = 0.1
	}
	if len(s.Staff) == 0 {
		s.Staff = []string{"camille", "karima.b", "julien", "sophie.l", "moussa"}
	}
	var g Generated
	if len(s.Persons) == 0 || len(s.Centres) == 0 {
		return g, nil
	}
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x5261646172)) // "Radar"
	newID := func(at time.Time) string {
		var b [16]byte
		binary.BigEndian.PutUint64(b[8:], rng.Uint64())
		binary.BigEndian.PutUint64(b[:8], uint64(at.UnixMilli())<<16|uint64(rng.Uint32()&0x0fff))
		b[6] = 0x70 | b[6]&0x0f
		b[8] = 0x80 | b[8]&0x3f
		return uuid.UUID(b).String()
	}
	procs := appointments.Catalogue()
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	type rec struct {
		kind, id string
		v        any
	}
	var batch []rec
	flush := func() error {
		err := db.Update(func(tx *store.Tx) error {
			for _, r := range batch {
				if _, err := store.PutIn(tx, r.kind, r.id, r.v, store.ScopeLocal); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	now := s.Now.UTC()
	for _, person := range s.Persons {
		if rng.Float64() >= s.Share {
			continue
		}
		opened := now.Add(-time.Duration(rng.IntN(120*24)) * time.Hour)
		f := FollowUp{
			Person: person, Procedure: procs[rng.IntN(len(procs))].Code, Centre: pick(s.Centres),
			Opened: opened, Updated: opened.Add(time.Duration(rng.Int64N(int64(now.Sub(opened)) + 1))), By: pick(s.Staff),
		}
		switch x := rng.IntN(100); {
		case x < 10:
			f.Status = ToStart
		case x < 35:
			f.Status = InProgress
		case x < 50:
			f.Status = AwaitingDocuments
			f.Missing = []string{"Justificatif de domicile", "Avis d'imposition"}[:1+rng.IntN(2)]
		case x < 60:
			f.Status = Filed
		case x < 90:
			f.Status = Done
		default:
			f.Status = Abandoned
		}
		if rng.IntN(100) < 40 {
			f.Due = now.Add(time.Duration(rng.IntN(70*24)-10*24) * time.Hour)
		}
		batch = append(batch, rec{FollowUpKind, newID(opened), f})
		g.FollowUps++
		if f.Open() {
			g.Open++
		}
		if rng.IntN(20) == 0 {
			c := Case{Person: person, Opened: f.Updated, Status: CaseOpen, Centre: f.Centre, AssignedTo: pick(s.Staff)}
			at := c.Opened
			for range 1 + rng.IntN(4) {
				at = at.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
				if at.After(now) {
					break
				}
				_ = c.addAction(Action{Kind: []ActionKind{Call, Call, SMS, Letter, Visit}[rng.IntN(5)], At: at, By: c.AssignedTo,
					Centre: c.Centre, Answered: rng.IntN(3) == 0})
			}
			if rng.IntN(3) == 0 {
				c.Status, c.Reason, c.Closed, c.ClosedBy = CaseClosed, []CloseReason{FollowedElsewhere, Moved, Refused, LostTouch}[rng.IntN(4)], at, c.AssignedTo
			}
			batch = append(batch, rec{CaseKind, newID(c.Opened), c})
			g.Cases++
		}
		if len(batch) >= 500 {
			if err := flush(); err != nil {
				return g, err
			}
		}
	}
	return g, flush()
}
