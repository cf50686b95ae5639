package radar

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"relais/actor"
	"relais/privacy"
	"relais/store"
)

// CaseKind is the record kind of a radar case: staff following up someone
// who dropped off. It is stored with the person's consent scope.
const CaseKind = "radar_case"

// Limits of a case.
const (
	MaxActions       = 200  // actions kept in one case
	MaxOutcomeLength = 1000 // runes
)

// CaseStatus is where a case stands.
type CaseStatus string

// The statuses of a case.
const (
	CaseOpen      CaseStatus = "open"      // nobody reached yet
	CaseContacted CaseStatus = "contacted" // an attempt was answered
	CaseClosed    CaseStatus = "closed"
)

// CloseReason says why a case was closed.
type CloseReason string

// The reasons for closing a case.
const (
	CameBack          CloseReason = "revenu"         // the person came back (set by the radar itself)
	FollowedElsewhere CloseReason = "suivi_ailleurs" // followed by another structure
	Moved             CloseReason = "demenage"       // moved away
	Refused           CloseReason = "refuse"         // does not want to be followed
	LostTouch         CloseReason = "perdu_de_vue"   // every attempt failed
)

// CloseReasons lists the reasons a member of staff can choose.
func CloseReasons() []CloseReason {
	return []CloseReason{CameBack, FollowedElsewhere, Moved, Refused, LostTouch}
}

// ActionKind is how staff tried to reach the person.
type ActionKind string

// The kinds of action.
const (
	Call     ActionKind = "appel"
	SMS      ActionKind = "sms"
	Letter   ActionKind = "courrier"
	Visit    ActionKind = "visite"
	Referral ActionKind = "orientation" // referred to another structure: not a contact attempt
)

// ActionKinds lists the kinds of action.
func ActionKinds() []ActionKind { return []ActionKind{Call, SMS, Letter, Visit, Referral} }

// Action is one step taken to reach the person.
type Action struct {
	Kind     ActionKind `json:"kind"`
	At       time.Time  `json:"at"`
	By       string     `json:"by"`               // staff login
	Centre   string     `json:"centre,omitempty"` // centre id
	Answered bool       `json:"answered,omitempty"`
	Outcome  string     `json:"outcome,omitempty"`
	Next     time.Time  `json:"next,omitzero"` // when to try again, or the next step
}

// Case is the follow-up of a person who dropped off the radar.
type Case struct {
	ID     string `json:"-"`
	Person string `json:"person"`
	// Rules are the rules that held when the case was opened.
	Rules  []Rule    `json:"rules,omitempty"`
	Opened time.Time `json:"opened"`
	// OpenedBy is the staff login who opened it by hand; "" when the rules
	// put the person on the radar and staff acted on the entry.
	OpenedBy   string      `json:"opened_by,omitempty"`
	Status     CaseStatus  `json:"status"`
	Reason     CloseReason `json:"reason,omitempty"`
	Closed     time.Time   `json:"closed,omitzero"`
	ClosedBy   string      `json:"closed_by,omitempty"` // "" when the radar closed it (the person came back)
	AssignedTo string      `json:"assigned_to,omitempty"`
	Actions    []Action    `json:"actions,omitempty"` // by date
	Centre     string      `json:"centre,omitempty"`  // where it was opened
}

// IsOpen reports whether the case is not closed.
func (c Case) IsOpen() bool { return c.Status != CaseClosed }

func (k ActionKind) valid() bool { return slices.Contains(ActionKinds(), k) }

func (c CloseReason) valid() bool { return slices.Contains(CloseReasons(), c) }

// clean checks an action as the screens give it; a zero At is now.
func (a Action) clean(now time.Time) (Action, error) {
	if !a.Kind.valid() {
		return Action{}, ErrBadActionKind.With("kind", string(a.Kind))
	}
	if a.At.IsZero() {
		a.At = now
	}
	if a.At.After(now) {
		return Action{}, ErrActionInFuture
	}
	a.At = a.At.UTC()
	if !a.Next.IsZero() {
		if a.Next.Before(a.At) {
			return Action{}, ErrNextBeforeIt
		}
		a.Next = a.Next.UTC()
	}
	var err error
	if a.By, err = cleanName(a.By); err != nil {
		return Action{}, err
	}
	if a.By == "" {
		return Action{}, ErrByMissing
	}
	if a.Centre, err = cleanName(a.Centre); err != nil {
		return Action{}, err
	}
	a.Outcome = strings.TrimSpace(a.Outcome)
	if utf8.RuneCountInString(a.Outcome) > MaxOutcomeLength {
		return Action{}, ErrNoteTooLong.With("max", MaxOutcomeLength)
	}
	if err := privacy.CheckText(a.Outcome); err != nil {
		return Action{}, err // no NIR, IBAN, card number or password in a follow-up note
	}
	return a, nil
}

// addAction appends a to c's log, keeping it in date order.
func (c *Case) addAction(a Action) error {
	if len(c.Actions) >= MaxActions {
		return ErrTooManyActions.With("max", MaxActions)
	}
	i := len(c.Actions)
	for i > 0 && c.Actions[i-1].At.After(a.At) {
		i--
	}
	c.Actions = slices.Insert(slices.Clone(c.Actions), i, a)
	if a.Answered && c.Status == CaseOpen {
		c.Status = CaseContacted
	}
	return nil
}

// OpenCase opens a case for person by hand (by is the staff login, centre
// where it is opened, scope the person's consent scope). When the person
// already has an open case, that one is returned and nothing is written.
func (r *Radar) OpenCase(person, by, centre string, scope store.Scope) (Case, error) {
	if err := r.who.Check(actor.ActOnRadar); err != nil {
		return Case{}, err
	}
	var err error
	if by, err = cleanName(by); err != nil {
		return Case{}, err
	}
	if by == "" {
		return Case{}, ErrByMissing
	}
	if centre, err = cleanName(centre); err != nil {
		return Case{}, err
	}
	r.work.Lock()
	defer r.work.Unlock()
	var c Case
	err = r.db.Update(func(tx *store.Tx) error {
		var err error
		var opened bool
		if c, opened, err = r.openCaseIn(tx, person, by, centre, scope); err != nil || !opened {
			return err
		}
		return r.who.Log(tx, actor.RadarCaseChanged, person, CaseKind+"/"+c.ID)
	})
	if err != nil {
		return Case{}, err
	}
	r.refreshAfterWrite(person)
	return c, nil
}

// openCaseIn returns the person's open case, or writes a new one opened
// by by ("" when the rules put the person on the radar).
func (r *Radar) openCaseIn(tx *store.Tx, person, by, centre string, scope store.Scope) (Case, bool, error) {
	if strings.TrimSpace(person) == "" {
		return Case{}, false, ErrPersonMissing
	}
	if err := personExists(tx, person); err != nil {
		return Case{}, false, err
	}
	cases, err := casesOf(tx.Find, tx.Get, person)
	if err != nil {
		return Case{}, false, err
	}
	if c, ok := openCase(cases); ok {
		return c, false, nil
	}
	c := Case{ID: store.NewID(), Person: person, Opened: r.now().UTC(), OpenedBy: by, Status: CaseOpen, Centre: centre}
	if e, ok := r.EntryOf(person); ok {
		for _, h := range e.Rules {
			c.Rules = append(c.Rules, h.Rule)
		}
	}
	_, err = store.PutIn(tx, CaseKind, c.ID, c, scope)
	return c, true, err
}

// LogAction records an action on a case: a call, a text, a letter, a
// visit or a referral. An action dated in the future is refused; a zero
// At is now. An answered attempt marks the case contacted.
func (r *Radar) LogAction(caseID string, a Action) (Case, error) {
	if err := r.who.Check(actor.ActOnRadar); err != nil {
		return Case{}, err
	}
	a, err := a.clean(r.now())
	if err != nil {
		return Case{}, err
	}
	return r.changeCase(caseID, func(c *Case) error { return c.addAction(a) })
}

// LogActionFor records an action for a person on the radar, opening their
// case first when they have none (opened by the rules when a rule holds,
// by a.By otherwise), in one transaction. scope is the person's consent
// scope, for a new case.
func (r *Radar) LogActionFor(person string, a Action, scope store.Scope) (Case, error) {
	if err := r.who.Check(actor.ActOnRadar); err != nil {
		return Case{}, err
	}
	a, err := a.clean(r.now())
	if err != nil {
		return Case{}, err
	}
	by := a.By
	if e, ok := r.EntryOf(person); ok && len(e.Rules) > 0 {
		by = ""
	}
	r.work.Lock()
	defer r.work.Unlock()
	var c Case
	err = r.db.Update(func(tx *store.Tx) error {
		var err error
		if c, _, err = r.openCaseIn(tx, person, by, a.Centre, scope); err != nil {
			return err
		}
		if err := c.addAction(a); err != nil {
			return err
		}
		if _, err = store.PutIn(tx, CaseKind, c.ID, c, scopeOf(tx, c.ID, scope)); err != nil {
			return err
		}
		return r.who.Log(tx, actor.RadarCaseChanged, person, CaseKind+"/"+c.ID)
	})
	if err != nil {
		return Case{}, err
	}
	r.refreshAfterWrite(person)
	return c, nil
}

// scopeOf returns the scope kind/id is stored with, or def for a new record.
func scopeOf(tx *store.Tx, id string, def store.Scope) store.Scope {
	if rec, err := tx.Get(CaseKind, id); err == nil && !rec.Deleted {
		return rec.Scope
	}
	return def
}

// Assign gives the case to a member of staff (a login; "" to nobody).
func (r *Radar) Assign(caseID, to string) (Case, error) {
	if err := r.who.Check(actor.ActOnRadar); err != nil {
		return Case{}, err
	}
	to, err := cleanName(to)
	if err != nil {
		return Case{}, err
	}
	return r.changeCase(caseID, func(c *Case) error {
		c.AssignedTo = to
		return nil
	})
}

// Close closes a case for reason, by a member of staff (login).
func (r *Radar) Close(caseID string, reason CloseReason, by string) (Case, error) {
	if err := r.who.Check(actor.ActOnRadar); err != nil {
		return Case{}, err
	}
	if reason == "" {
		return Case{}, ErrReasonMissing
	}
	if !reason.valid() {
		return Case{}, ErrBadReason.With("reason", string(reason))
	}
	by, err := cleanName(by)
	if err != nil {
		return Case{}, err
	}
	if by == "" {
		return Case{}, ErrByMissing
	}
	now := r.now().UTC()
	return r.changeCase(caseID, func(c *Case) error {
		c.Status, c.Reason, c.Closed, c.ClosedBy = CaseClosed, reason, now, by
		return nil
	})
}

// changeCase applies fn to an open case in one transaction.
func (r *Radar) changeCase(id string, fn func(c *Case) error) (Case, error) {
	r.work.Lock()
	defer r.work.Unlock()
	var c Case
	err := r.db.Update(func(tx *store.Tx) error {
		if store.ValidName(CaseKind, id) != nil {
			return ErrUnknownCase
		}
		var m store.Meta
		var err error
		c, m, err = store.GetIn[Case](tx, CaseKind, id)
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnknownCase
		}
		if err != nil {
			return err
		}
		c.ID = id
		if !c.IsOpen() {
			return ErrCaseClosed
		}
		if err := fn(&c); err != nil {
			return err
		}
		if _, err = store.PutIn(tx, CaseKind, id, c, m.Scope); err != nil {
			return err
		}
		return r.who.Log(tx, actor.RadarCaseChanged, c.Person, CaseKind+"/"+id)
	})
	if err != nil {
		return Case{}, err
	}
	r.refreshAfterWrite(c.Person)
	return c, nil
}

// CaseOf returns the person's open case; ok is false when they have none.
// A case's log says how the person was reached: roles that read notes
// (those who accompany people) read it; the front desk does not.
func (r *Radar) CaseOf(person string) (Case, bool, error) {
	if err := r.who.Check(actor.ReadNotes); err != nil {
		return Case{}, false, err
	}
	cases, err := casesOf(r.db.Find, r.db.Get, person)
	if err != nil {
		return Case{}, false, err
	}
	c, ok := openCase(cases)
	return c, ok, nil
}

// CasesOf returns every case of the person, the latest opened first.
func (r *Radar) CasesOf(person string) ([]Case, error) {
	if err := r.who.Check(actor.ReadNotes); err != nil {
		return nil, err
	}
	cases, err := casesOf(r.db.Find, r.db.Get, person)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cases, func(a, b Case) int { return cmp.Or(b.Opened.Compare(a.Opened), cmp.Compare(a.ID, b.ID)) })
	return cases, nil
}

func casesOf(find func(kind, index, value string) ([]string, error), get func(kind, id string) (store.Record, error), person string) ([]Case, error) {
	return recordsOf[Case](find, get, CaseKind, person, func(c *Case, id string) { c.ID = id })
}

// openCase picks the person's open case: the earliest opened when two
// centres opened one each while apart.
func openCase(cases []Case) (Case, bool) {
	var best Case
	found := false
	for _, c := range cases {
		if !c.IsOpen() {
			continue
		}
		if !found || c.Opened.Before(best.Opened) || (c.Opened.Equal(best.Opened) && c.ID < best.ID) {
			best, found = c, true
		}
	}
	return best, found
}
