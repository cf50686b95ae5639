package audit_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"pgregory.net/rapid"

	"relais/actor"
	"relais/audit"
	"relais/store"
	"relais/store/storetest"
)

const (
	folderLogin    = "admin"
	folderPassword = "correct horse battery staple"
)

// pc is a computer's data folder with its store open.
type pc struct {
	f      *store.Folder
	db     *store.DB
	log    *audit.Log
	master []byte
}

func options() store.Options {
	o := store.TestOptions()
	o.Indexes = audit.Indexes()
	return o
}

func newPC(t *testing.T) *pc {
	t.Helper()
	f, err := store.OpenFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := f.Initialise(folderLogin, folderPassword, options())
	if err != nil {
		t.Fatal(err)
	}
	p := &pc{f: f, db: db}
	p.master, err = f.Keyring().UnlockPassword(folderLogin, folderPassword)
	if err != nil {
		t.Fatal(err)
	}
	p.log = audit.Open(db)
	t.Cleanup(func() { p.db.Close(); p.f.Close() })
	return p
}

func (p *pc) backup(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := p.db.Backup(&b, p.f.Keyring(), p.master); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// restore closes the store, restores the backup into the folder and opens it.
func (p *pc) restore(t *testing.T, backup []byte) {
	t.Helper()
	p.db.Close()
	unlock := func(k *store.Keyring) ([]byte, error) { return k.UnlockPassword(folderLogin, folderPassword) }
	if _, err := p.f.Restore(bytes.NewReader(backup), unlock, options()); err != nil {
		t.Fatal(err)
	}
	var err error
	if p.master, err = p.f.Keyring().UnlockPassword(folderLogin, folderPassword); err != nil {
		t.Fatal(err)
	}
	db, err := p.f.Open(p.master, options())
	if err != nil {
		t.Fatal(err)
	}
	p.db, p.log = db, audit.Open(db)
}

// A backup restored, on a new PC or on the same one, writes a new chain:
// never a second entry 4 of the chain partners already hold.
func TestRestoredBackupStartsANewChain(t *testing.T) {
	for _, samePC := range []bool{false, true} {
		name := map[bool]string{false: "on a new PC", true: "on the same PC"}[samePC]
		t.Run(name, func(t *testing.T) {
			a := newPC(t)
			partner, _ := newLog(t)
			appendN(t, a.db, a.log, 3)
			saved := a.backup(t)
			oldChain := audit.ChainOf(a.db.Replica())
			appendN(t, a.db, a.log, 2) // entries 4 and 5, which the partner gets
			storetest.Exchange(t, a.db, partner)

			restored := a
			if !samePC {
				restored = newPC(t)
			}
			restored.restore(t, saved)
			newChain := audit.ChainOf(restored.db.Replica())
			if newChain == oldChain {
				t.Fatal("the restored store writes the old chain")
			}
			appendN(t, restored.db, restored.log, 2)
			storetest.Exchange(t, restored.db, partner)
			storetest.Exchange(t, partner, restored.db)
			for where, db := range map[string]*store.DB{"restored": restored.db, "partner": partner} {
				rep := check(t, db)
				wantBreaks(t, rep)
				if rep.Entries != 7 || len(rep.Chains) != 2 {
					t.Errorf("%s: report = %+v, want 7 entries in 2 chains", where, rep)
				}
			}
			// The old chain's head came back with the backup: entry 3
			// still matches it, and 4 and 5 came back from the partner.
			for _, c := range check(t, restored.db).Chains {
				if c.ID == oldChain && (c.Head != 3 || c.Last != 5) {
					t.Errorf("old chain = %+v, want its head at 3 and entries up to 5", c)
				}
				if c.ID == newChain && (c.Head != 2 || c.Last != 2) {
					t.Errorf("new chain = %+v, want 2 entries", c)
				}
			}
		})
	}
}

// Any interleaving of appends on three replicas, exchanged in any order
// (relayed through each other too), always checks clean, and once everyone
// has everything, every replica holds every entry.
func TestPropertyInterleavedAppendsCheckClean(t *testing.T) {
	if testing.Short() {
		t.Skip("property test: about 10 s")
	}
	rapid.Check(t, func(rt *rapid.T) {
		var dbs []*store.DB
		var logs []*audit.Log
		for range 3 {
			db, done := openTemp(rt)
			defer done()
			l := audit.Open(db)
			l.Now = clock()
			dbs, logs = append(dbs, db), append(logs, l)
		}
		who := []*actor.Actor{marie, karim, actor.System("centre-jaures")}
		appended := 0
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for range steps {
			i := rapid.IntRange(0, 2).Draw(rt, "replica")
			if rapid.Bool().Draw(rt, "append") {
				n := rapid.IntRange(1, 3).Draw(rt, "n")
				err := dbs[i].Update(func(tx *store.Tx) error {
					for range n {
						if err := logs[i].Record(tx, who[i], actor.Event{Action: actor.PersonRead, Person: awa}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					rt.Fatal(err)
				}
				appended += n
			} else {
				j := rapid.IntRange(0, 2).Draw(rt, "to")
				if i != j {
					storetest.Exchange(t, dbs[i], dbs[j])
				}
			}
			for k, db := range dbs {
				if rep := check(t, db); !rep.OK() {
					rt.Fatalf("replica %d: breaks %v", k, rep.Breaks)
				}
			}
		}
		for range 2 { // everyone gets everything
			for i := range dbs {
				for j := range dbs {
					if i != j {
						storetest.Exchange(t, dbs[i], dbs[j])
					}
				}
			}
		}
		for k, db := range dbs {
			rep := check(t, db)
			if !rep.OK() || rep.Entries != appended {
				rt.Fatalf("replica %d: %d entries of %d, breaks %v", k, rep.Entries, appended, rep.Breaks)
			}
		}
	})
}

// openTemp opens a store in a new folder that is removed when the store
// closes; for property tests, whose stores last one run, not the test.
func openTemp(rt *rapid.T) (*store.DB, func()) {
	dir, err := os.MkdirTemp("", "audit-prop-")
	if err != nil {
		rt.Fatal(err)
	}
	f, err := store.OpenFolder(dir)
	if err != nil {
		rt.Fatal(err)
	}
	db, _, err := f.Initialise(folderLogin, folderPassword, options())
	if err != nil {
		rt.Fatal(err)
	}
	return db, func() { db.Close(); f.Close(); os.RemoveAll(dir) }
}

// Two replicas append, purge their own chain as time goes by (months at a
// time), and exchange records in any order: each checks clean at every
// step, and once they have exchanged everything, each holds of the other's
// chain only tombstones before its start.
func TestPropertyPurgedChainsCheckCleanEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("property test: a few seconds")
	}
	purged := 0 // entries purged over all runs: the property is not vacuous
	defer func() {
		if purged == 0 {
			t.Error("no run purged anything")
		}
	}()
	rapid.Check(t, func(rt *rapid.T) {
		now := time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)
		var dbs [2]*store.DB
		var logs [2]*audit.Log
		for i := range dbs {
			db, done := openTemp(rt)
			defer done()
			dbs[i], logs[i] = db, audit.Open(db)
			logs[i].Now = func() time.Time { return now }
		}
		checkAll := func(when string) {
			for k, db := range dbs {
				rep, err := audit.CheckAt(db, now)
				if err != nil || !rep.OK() {
					rt.Fatalf("%s, replica %d: breaks %v (%v)", when, k, rep.Breaks, err)
				}
			}
		}
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for range steps {
			i := rapid.IntRange(0, 1).Draw(rt, "replica")
			switch rapid.IntRange(0, 3).Draw(rt, "do") {
			case 0:
				n := rapid.IntRange(1, 4).Draw(rt, "n")
				err := dbs[i].Update(func(tx *store.Tx) error {
					for range n {
						now = now.Add(time.Minute)
						if err := logs[i].Record(tx, marie, actor.Event{Action: actor.PersonRead, Person: awa}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					rt.Fatal(err)
				}
			case 1:
				now = now.Add(time.Duration(rapid.IntRange(1, 200).Draw(rt, "days")) * 24 * time.Hour)
			case 2:
				s, err := audit.Purge(context.Background(), dbs[i], now)
				if err != nil {
					rt.Fatal(err)
				}
				purged += s.Deleted
			case 3:
				storetest.Exchange(t, dbs[i], dbs[1-i])
			}
			checkAll("during")
		}
		storetest.Exchange(t, dbs[0], dbs[1])
		storetest.Exchange(t, dbs[1], dbs[0])
		checkAll("after the exchange")
		for i, db := range dbs {
			other := dbs[1-i]
			chain := audit.ChainOf(other.Replica())
			rep, _ := audit.CheckAt(other, now)
			var first uint64
			for _, c := range rep.Chains {
				if c.ID == chain {
					first = c.First
				}
			}
			for seq := uint64(1); seq < first; seq++ {
				if r, err := db.GetAny(audit.Kind, audit.EntryID(chain, seq)); err != nil || !r.Deleted {
					rt.Fatalf("replica %d holds entry %d of a chain purged up to %d: %+v (%v)", i, seq, first, r.Meta, err)
				}
			}
		}
	})
}
