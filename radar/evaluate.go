package radar

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"relais/appointments"
)

// Hit is one rule that puts a person on the radar.
type Hit struct {
	Rule Rule
	// Since is when the rule started to hold: the day NoShowDays after the
	// no-show, InactiveDays after the last news, DueSoonDays before the due
	// date, the unanswered attempt that reached Attempts, the opening of
	// the follow-up for an unreachable person.
	Since time.Time
	// Detail is a short description in French, for a tooltip or a log;
	// screens build their own sentence from the fields below.
	Detail string
	// Appointment is the missed appointment (no_show).
	Appointment string
	// FollowUp is the follow-up concerned (inactive, due_soon, unreachable):
	// the most urgent one when several are.
	FollowUp string
	// Procedure is the procedure concerned, a catalogue code.
	Procedure string
	// Due is the due date (due_soon).
	Due time.Time
	// Count is the number of unanswered attempts in a row (no_answer).
	Count int
}

// Entry is a person on the radar: the rules that hold, and their case if
// staff have acted. A person with an open case stays listed even when no
// rule holds any more, until the case is closed.
type Entry struct {
	Person string
	Rules  []Hit // in the order of AllRules
	// Urgency orders the list: the earliest due date when a due_soon rule
	// holds, otherwise the earliest Since (the case's opening when no rule holds).
	Urgency time.Time
	// Due is the earliest due date of a due_soon hit; zero when none.
	Due time.Time
	// Case is the person's open case, nil when staff have not acted yet.
	// It is shared: do not modify it.
	Case *Case
	// Centres are where the person was booked, came or missed an
	// appointment in the window, and the centres of their open follow-ups
	// and case (centre ids), sorted.
	Centres []string
	// Procedures are the procedures of the open follow-ups and of the
	// missed appointment (catalogue codes), sorted.
	Procedures []string
	// Mediators are the staff who dealt with the person: the mediators of
	// their appointments (staff ids), who last updated an open follow-up,
	// who the case is assigned to (as the screens gave them), sorted.
	Mediators []string
}

// Has reports whether rule holds for the entry.
func (e Entry) Has(rule Rule) bool {
	return slices.ContainsFunc(e.Rules, func(h Hit) bool { return h.Rule == rule })
}

// since returns the oldest Since of the hits, or the case's opening.
func (e Entry) since() time.Time {
	var t time.Time
	for _, h := range e.Rules {
		if t.IsZero() || h.Since.Before(t) {
			t = h.Since
		}
	}
	if t.IsZero() && e.Case != nil {
		t = e.Case.Opened
	}
	return t
}

// compareEntries orders by urgency: due dates first, by date, then the
// oldest on the radar first.
func compareEntries(a, b *Entry) int {
	ad, bd := !a.Due.IsZero(), !b.Due.IsZero()
	if ad != bd {
		if ad {
			return -1
		}
		return 1
	}
	return cmp.Or(a.Urgency.Compare(b.Urgency), cmp.Compare(a.Person, b.Person))
}

// personState is everything the rules read about one person.
type personState struct {
	id          string
	live        bool // the person's record is in the store
	unreachable bool
	hist        history
	followUps   []FollowUp // the open ones, oldest first
	kase        *Case      // the open case
	wake        time.Time  // when the clock alone may change the answer; zero for never
	// full is set when hist has the details of every appointment (centre,
	// mediator, procedure of a no-show), not only what the rules need.
	full bool
	slot int // the person's place during a recompute
}

// relevant reports whether the person is on the radar or may be later
// without any new record: otherwise the radar forgets them until a change.
func (p *personState) relevant() bool {
	return p.live && (!p.hist.resolved() || len(p.followUps) > 0 || p.kase != nil)
}

// leaves returns when something that happened at t has left the window;
// an hour late rather than early, whatever the hour changes.
func leaves(t time.Time) time.Time { return days(t, WindowDays).Add(time.Hour) }

// days adds n calendar days in Paris, so that « 7 days after » a no-show
// at 10:00 is 10:00 a week later, summer time or not.
func days(t time.Time, n int) time.Time { return t.In(appointments.Paris).AddDate(0, 0, n).UTC() }

// evaluate applies the rules to p at now. It returns the entry (ok false
// when the person is not on the radar) and the next time at which the
// answer may change with the clock alone (zero for never).
func evaluate(p *personState, rules Rules, now time.Time) (Entry, bool, time.Time) {
	var wake time.Time
	later := func(t time.Time) {
		if t.After(now) && (wake.IsZero() || t.Before(wake)) {
			wake = t
		}
	}
	if !p.live {
		return Entry{}, false, time.Time{}
	}
	h := &p.hist
	e := Entry{Person: p.id, Case: p.kase}
	from := days(now, -WindowDays)

	// a) a no-show, and nothing booked or attended after it.
	if abs := h.absence; abs.kind != 0 && !h.resolved() && !abs.at.Before(from) {
		since := days(abs.at, rules.NoShowDays)
		later(leaves(abs.at))
		if _, future := h.bookedBetween(now, maxTime); !future && !now.Before(since) {
			e.Rules = append(e.Rules, Hit{Rule: NoShow, Since: since, Appointment: abs.id, Procedure: abs.procedure,
				Detail: fmt.Sprintf("Absent au rendez-vous du %s (%s), rien de réservé depuis", frDay(abs.at), procedureTitle(abs.procedure))})
		} else {
			later(since)
		}
	}

	// b) an open follow-up where nothing moved.
	var inactive *Hit
	lastActive := h.lastActive
	if lastActive.Before(from) {
		lastActive = time.Time{}
	}
	for _, f := range p.followUps {
		if lastActive.After(now) {
			later(lastActive) // an appointment to come: nothing to say before it
			break
		}
		news := f.Updated
		if lastActive.After(news) {
			news = lastActive
		}
		since := days(news, rules.InactiveDays)
		if now.Before(since) {
			later(since)
			continue
		}
		if inactive == nil || since.Before(inactive.Since) {
			inactive = &Hit{Rule: Inactive, Since: since, FollowUp: f.ID, Procedure: f.Procedure,
				Detail: fmt.Sprintf("Suivi « %s » sans nouvelles depuis le %s", procedureTitle(f.Procedure), frDay(news))}
		}
	}
	if inactive != nil {
		e.Rules = append(e.Rules, *inactive)
	}

	// c) a due date near or passed, and no appointment booked before it.
	var due *Hit
	for _, f := range p.followUps {
		if f.Due.IsZero() {
			continue
		}
		since := days(f.Due, -rules.DueSoonDays)
		if now.Before(since) {
			later(since)
			continue
		}
		overdue := now.After(f.Due)
		if !overdue {
			later(f.Due.Add(time.Second))
			if next, ok := h.bookedBetween(now, f.Due); ok {
				later(next.Add(time.Second))
				continue
			}
		}
		if due == nil || f.Due.Before(due.Due) {
			detail := fmt.Sprintf("Échéance le %s (%s), aucun rendez-vous avant", frDay(f.Due), procedureTitle(f.Procedure))
			if overdue {
				detail = fmt.Sprintf("Échéance dépassée depuis le %s (%s)", frDay(f.Due), procedureTitle(f.Procedure))
			}
			due = &Hit{Rule: DueSoon, Since: since, FollowUp: f.ID, Procedure: f.Procedure, Due: f.Due, Detail: detail}
		}
	}
	if due != nil {
		e.Rules = append(e.Rules, *due)
		e.Due = due.Due
	}

	// d) contact attempts in a row without an answer.
	if c := p.kase; c != nil {
		if n, since := unanswered(c.Actions, rules.Attempts); n >= rules.Attempts {
			e.Rules = append(e.Rules, Hit{Rule: NoAnswer, Since: since, Count: n,
				Detail: fmt.Sprintf("%d tentatives de contact sans réponse", n)})
		}
	}

	// e) an open follow-up and no way to reach the person.
	if rules.Unreachable && p.unreachable && len(p.followUps) > 0 {
		f := p.followUps[0]
		e.Rules = append(e.Rules, Hit{Rule: Unreachable, Since: f.Opened, FollowUp: f.ID, Procedure: f.Procedure,
			Detail: "Ni téléphone ni e-mail"})
	}

	if len(e.Rules) == 0 && e.Case == nil {
		return Entry{}, false, wake
	}
	e.Urgency = e.Due
	if e.Urgency.IsZero() {
		e.Urgency = e.since()
	}
	e.Centres, e.Procedures, e.Mediators = p.lists(from)
	for _, pl := range slices.Concat(h.centres, h.mediators) {
		later(leaves(pl.at)) // a centre or mediator met long ago leaves the entry
	}
	return e, true, wake
}

var maxTime = time.Unix(1<<62, 0)

// unanswered counts the contact attempts without an answer since the last
// answer (referrals neither count nor break the run) and returns when the
// count reached attempts.
func unanswered(actions []Action, attempts int) (int, time.Time) {
	n, start := 0, len(actions)
	for i := len(actions) - 1; i >= 0; i-- {
		a := actions[i]
		if a.Kind == Referral {
			continue
		}
		if a.Answered {
			break
		}
		n, start = n+1, i
	}
	var reached time.Time
	count := 0
	for _, a := range actions[start:] {
		if a.Kind == Referral || a.Answered {
			continue
		}
		if count++; count == attempts {
			reached = a.At
		}
	}
	return n, reached
}

// lists returns the entry's centres, procedures and mediators, those of
// the appointments since from.
func (p *personState) lists(from time.Time) (centres, procedures, mediators []string) {
	centres = ids(p.hist.centres, from)
	mediators = ids(p.hist.mediators, from)
	if a := p.hist.absence; a.kind != 0 && !a.at.Before(from) && !p.hist.resolved() && a.procedure != "" {
		procedures = append(procedures, p.hist.absence.procedure)
	}
	for _, f := range p.followUps {
		centres = append(centres, f.Centre)
		procedures = append(procedures, f.Procedure)
		mediators = append(mediators, f.By)
	}
	if c := p.kase; c != nil {
		centres = append(centres, c.Centre)
		mediators = append(mediators, c.AssignedTo)
	}
	return sortedSet(centres), sortedSet(procedures), sortedSet(mediators)
}

func sortedSet(s []string) []string {
	s = slices.DeleteFunc(s, func(x string) bool { return x == "" })
	slices.Sort(s)
	return slices.Compact(s)
}

// frDay writes a day the French way, « 02/12/2026 ».
func frDay(t time.Time) string { return t.In(appointments.Paris).Format("02/01/2006") }

// procedureTitle returns the catalogue's title of a procedure, or its code.
func procedureTitle(code string) string {
	if p, err := appointments.FindProcedure(code); err == nil {
		return p.Title
	}
	if code == "" {
		return "démarche non précisée"
	}
	return code
}
