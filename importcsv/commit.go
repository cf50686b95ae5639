package importcsv

import (
	"context"
	"time"

	"relais/actor"
	"relais/people"
	"relais/store"
)

// Batch is how many people Commit writes in one transaction.
const Batch = 500

// Progress hears how many people Commit wrote, out of how many.
type Progress func(written, of int)

// Commit writes, on behalf of who (allowed to import people), the people of the rows Imported reports, in file order, in
// transactions of Batch people. The people are written without consent to
// sharing (it was not given in Relais): they stay at this centre until
// someone records it on their file.
//
// A cancelled ctx stops Commit between two transactions: the people of the
// batches already written stay, whole (the first `written` rows imported,
// in file order), nothing of the next batch is written, and Commit returns
// how many were written with ctx's error. Importing the same file again
// then flags those as already registered.
func Commit(ctx context.Context, db *store.DB, who *actor.Actor, p *Preview, now time.Time, progress Progress) (written int, err error) {
	if err := who.Check(actor.ImportPeople); err != nil {
		return 0, err
	}
	var todo []people.Person
	for _, r := range p.Rows {
		if r.Imported() {
			todo = append(todo, r.Person)
		}
	}
	for start := 0; start < len(todo); start += Batch {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		batch := todo[start:min(start+Batch, len(todo))]
		err := db.Update(func(tx *store.Tx) error {
			for _, person := range batch {
				person.ID = ""
				q, err := people.PutIn(tx, person, now)
				if err != nil {
					return err
				}
				if err := who.Log(tx, actor.PersonRegistered, q.ID, people.Kind+"/"+q.ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return written, err
		}
		written += len(batch)
		if progress != nil {
			progress(written, len(todo))
		}
	}
	return written, nil
}
