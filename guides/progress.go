package guides

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/store"
)

// ProgressKind holds walkthroughs: how far a person went in a guide, kept
// with the person's consent scope so that a partner centre can take over.
const ProgressKind = "guide_progress"

// Autonomy is how autonomous the person was at a step: the scale the
// appointments' outcomes use.
type Autonomy = appointments.Autonomy

// The autonomy levels.
const (
	DoneFor   = appointments.DoneFor   // « fait pour » : the mediator did it for the person
	DoneWith  = appointments.DoneWith  // « fait avec » : together
	DoneAlone = appointments.DoneAlone // « fait seul » : the person did it
)

func validAutonomy(a Autonomy) bool { return a == DoneFor || a == DoneWith || a == DoneAlone }

// StepDone records one step done with the person.
type StepDone struct {
	Step     int       `json:"step"` // index in the guide's steps
	Autonomy Autonomy  `json:"autonomy"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`     // staff login
	Centre   string    `json:"centre"` // centre id
}

// Progress is a person's walkthrough of a guide.
type Progress struct {
	Person string `json:"person"`
	Guide  string `json:"guide"`
	// GuideVersion is the version of the guide at the last change.
	GuideVersion int `json:"guide_version"`
	// Steps are the steps marked, in order; a step done again (alone, this
	// time) is recorded again, so the way to autonomy shows.
	Steps   []StepDone `json:"steps,omitempty"`
	Current int        `json:"current"` // the step to do next, or being done
	Started time.Time  `json:"started"`
	Updated time.Time  `json:"updated"`
	// Finished is when every step had been done at least once.
	Finished time.Time `json:"finished,omitzero"`
}

// Done returns the last time step was marked, if it was.
func (p Progress) Done(step int) (StepDone, bool) {
	for i := len(p.Steps) - 1; i >= 0; i-- {
		if p.Steps[i].Step == step {
			return p.Steps[i], true
		}
	}
	return StepDone{}, false
}

// DoneCount returns how many different steps were done.
func (p Progress) DoneCount() int {
	seen := map[int]bool{}
	for _, s := range p.Steps {
		seen[s.Step] = true
	}
	return len(seen)
}

// maxStepsDone bounds a walkthrough's history; the oldest entries go first.
const maxStepsDone = 500

// progressID names a walkthrough record: the person's id, "_", the guide
// id. Store ids stop at 64 characters and a person's UUID takes 36, so a
// longer name keeps the start of the guide id and a hash of all of it.
func progressID(person, guide string) string {
	id := person + "_" + guide
	if len(id) <= 64 {
		return id
	}
	sum := sha256.Sum256([]byte(guide))
	keep := max(0, 64-len(person)-1-1-12)
	return person + "_" + guide[:min(keep, len(guide))] + "-" + hex.EncodeToString(sum[:6])
}

func checkPerson(person string) error {
	if person == "" || store.ValidName(ProgressKind, person+"_x") != nil || len(person) > 40 {
		return ErrNoPerson
	}
	return nil
}

// stepCount returns the number of steps of guide id and its version.
func (l *Library) stepCount(id string) (int, int, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	slot, ok := l.ix.slots[id]
	if !ok {
		return 0, 0, ErrUnknownGuide.With("id", id)
	}
	s := l.ix.docs[slot].sum
	return s.Steps, s.Version, nil
}

// Start begins (or resumes) the walkthrough of guide with person, stored
// with scope: the person's consent scope (people.Person.Scope).
func (l *Library) Start(person, guide string, scope store.Scope) (Progress, error) {
	return l.change(person, guide, &scope, func(*Progress, int) error { return nil })
}

// MarkStep records that step (from 0) was done with person, at the given
// autonomy, by a member of staff at a centre; the walkthrough moves on to
// the next step. It starts the walkthrough if needed.
func (l *Library) MarkStep(person, guide string, step int, autonomy Autonomy, by, centre string, scope store.Scope) (Progress, error) {
	if !validAutonomy(autonomy) {
		return Progress{}, ErrBadAutonomy
	}
	return l.change(person, guide, &scope, func(p *Progress, steps int) error {
		if step < 0 || step >= steps {
			return ErrStepOutOfRange.With("step", step+1, "steps", steps)
		}
		now := p.Updated
		p.Steps = append(p.Steps, StepDone{Step: step, Autonomy: autonomy, At: now, By: by, Centre: centre})
		if len(p.Steps) > maxStepsDone {
			p.Steps = slices.Clone(p.Steps[len(p.Steps)-maxStepsDone:])
		}
		p.Current = min(step+1, steps-1)
		if p.Finished.IsZero() && p.DoneCount() >= steps {
			p.Finished = now
		}
		return nil
	})
}

// GoTo moves a started walkthrough to step (from 0), to go back or skip.
func (l *Library) GoTo(person, guide string, step int) (Progress, error) {
	return l.change(person, guide, nil, func(p *Progress, steps int) error {
		if step < 0 || step >= steps {
			return ErrStepOutOfRange.With("step", step+1, "steps", steps)
		}
		p.Current = step
		return nil
	})
}

// change applies fn to the walkthrough in one transaction. A nil scope
// means the walkthrough must exist, and keeps its scope.
func (l *Library) change(person, guide string, scope *store.Scope, fn func(p *Progress, steps int) error) (Progress, error) {
	if err := l.who.Check(actor.WalkThrough); err != nil {
		return Progress{}, err
	}
	if err := checkPerson(person); err != nil {
		return Progress{}, err
	}
	steps, version, err := l.stepCount(guide)
	if err != nil {
		return Progress{}, err
	}
	id := progressID(person, guide)
	var p Progress
	err = l.db.Update(func(tx *store.Tx) error {
		var m store.Meta
		var err error
		p, m, err = store.GetIn[Progress](tx, ProgressKind, id)
		switch {
		case errors.Is(err, store.ErrNotFound) && scope == nil:
			return ErrNotStarted.With("guide", guide).Because(err)
		case errors.Is(err, store.ErrNotFound):
			p = Progress{Person: person, Guide: guide, Started: l.Now().UTC()}
		case err != nil:
			return err
		}
		s := m.Scope
		if scope != nil {
			s = *scope
		}
		p.Updated = l.Now().UTC()
		p.GuideVersion = version
		if err := fn(&p, steps); err != nil {
			return err
		}
		if _, err = store.PutIn(tx, ProgressKind, id, p, s); err != nil {
			return err
		}
		return l.who.Log(tx, actor.WalkthroughSaved, person, ProgressKind+"/"+id)
	})
	if err != nil {
		return Progress{}, err
	}
	return p, nil
}

// ProgressOf returns person's walkthrough of guide, or ErrNotStarted.
func (l *Library) ProgressOf(person, guide string) (Progress, error) {
	if err := checkPerson(person); err != nil {
		return Progress{}, err
	}
	p, _, err := store.NewCollection[Progress](l.db, ProgressKind).Get(progressID(person, guide))
	if errors.Is(err, store.ErrNotFound) {
		return Progress{}, ErrNotStarted.With("guide", guide).Because(err)
	}
	return p, err
}

// ProgressFor returns every walkthrough of person, the latest first.
func (l *Library) ProgressFor(person string) ([]Progress, error) {
	ids, err := l.db.Find(ProgressKind, "person", person)
	if err != nil {
		return nil, err
	}
	c := store.NewCollection[Progress](l.db, ProgressKind)
	var out []Progress
	for _, id := range ids {
		p, _, err := c.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Progress) int { return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(a.Guide, b.Guide)) })
	return out, nil
}

// ScopePersonIn gives a person's walkthroughs the scope of the person
// (people.Service.Belongings): withdrawing consent withdraws them from the
// partners too.
func ScopePersonIn(tx *store.Tx, person string, scope store.Scope) error {
	return tx.SetScopeOf(ProgressKind, "person", person, scope)
}

// ReassignPersonIn moves from's walkthroughs to person to, when two files
// are merged (see people.Service.Merge); a guide both walked keeps both
// histories. It returns how many walkthroughs moved.
func ReassignPersonIn(tx *store.Tx, from, to string) (int, error) {
	if checkPerson(from) != nil || checkPerson(to) != nil {
		return 0, ErrNoPerson
	}
	ids, err := tx.Find(ProgressKind, "person", from)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		p, m, err := store.GetIn[Progress](tx, ProgressKind, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		p.Person = to
		target := progressID(to, p.Guide)
		scope := m.Scope
		if q, tm, err := store.GetIn[Progress](tx, ProgressKind, target); err == nil {
			p = mergeProgress(q, p)
			scope = tm.Scope
		} else if !errors.Is(err, store.ErrNotFound) {
			return n, err
		}
		if _, err := store.PutIn(tx, ProgressKind, target, p, scope); err != nil {
			return n, err
		}
		if _, err := tx.Delete(ProgressKind, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// mergeProgress joins two walkthroughs of the same guide by one person.
func mergeProgress(a, b Progress) Progress {
	out := a
	if b.Updated.After(a.Updated) {
		out = b
	}
	out.Steps = slices.Concat(a.Steps, b.Steps)
	slices.SortStableFunc(out.Steps, func(x, y StepDone) int { return x.At.Compare(y.At) })
	if len(out.Steps) > maxStepsDone {
		out.Steps = out.Steps[len(out.Steps)-maxStepsDone:]
	}
	out.Started = minTime(a.Started, b.Started)
	out.Finished = minTime(a.Finished, b.Finished)
	return out
}

// minTime returns the earlier of two times, a zero one counting as absent.
func minTime(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// DeletePersonIn erases a person's walkthroughs (the person's file is
// erased): they become tombstones everywhere they went.
func DeletePersonIn(tx *store.Tx, person string) error {
	ids, err := tx.Find(ProgressKind, "person", person)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.Delete(ProgressKind, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
