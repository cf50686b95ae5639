package radar

import (
	"encoding/json"
	"errors"

	"relais/problem"
	"relais/store"
)

// Record kind and id of the network's radar rules: one record, shared with
// the partner centres, so that every centre watches the same thresholds.
const (
	RulesKind = "radar_rules"
	RulesID   = "network"
)

// Bounds of the rules' values.
const (
	MaxDays     = 365 // a threshold of more than a year watches nobody
	MaxAttempts = 20
)

// Rule names one of the radar's rules.
type Rule string

// The rules that put someone on the radar.
const (
	NoShow      Rule = "no_show"     // a) missed an appointment and booked nothing since
	Inactive    Rule = "inactive"    // b) an open procedure where nothing moved
	DueSoon     Rule = "due_soon"    // c) a deadline near (or passed) with no appointment before it
	NoAnswer    Rule = "no_answer"   // d) several contact attempts without an answer
	Unreachable Rule = "unreachable" // e) an open procedure and no phone nor e-mail
)

// AllRules lists the rules in the order screens show them.
func AllRules() []Rule { return []Rule{NoShow, Inactive, DueSoon, NoAnswer, Unreachable} }

// Rules are the network's thresholds. The zero value is invalid: start
// from DefaultRules.
type Rules struct {
	// NoShowDays: a person who missed an appointment and has booked or come
	// to nothing NoShowDays days later is on the radar (rule a).
	NoShowDays int `json:"no_show_days"`
	// InactiveDays: an open follow-up that has not moved, and no
	// appointment, for that many days (rule b).
	InactiveDays int `json:"inactive_days"`
	// DueSoonDays: an open follow-up due within that many days (or
	// overdue) with no appointment booked before the due date (rule c).
	DueSoonDays int `json:"due_soon_days"`
	// Attempts: that many contact attempts in a row without an answer (rule d).
	Attempts int `json:"attempts"`
	// Unreachable: watch people with an open follow-up who have neither a
	// phone nor an e-mail address (rule e).
	Unreachable bool `json:"unreachable"`
}

// DefaultRules are the rules a new network starts with.
func DefaultRules() Rules {
	return Rules{NoShowDays: 7, InactiveDays: 21, DueSoonDays: 7, Attempts: 3, Unreachable: true}
}

// Validate returns the first impossible value: a number of days below 1
// or above MaxDays, attempts below 1 or above MaxAttempts.
func (r Rules) Validate() error {
	days := []struct {
		v   int
		err *problem.Problem
	}{{r.NoShowDays, ErrNoShowDays}, {r.InactiveDays, ErrInactiveDays}, {r.DueSoonDays, ErrDueSoonDays}}
	for _, d := range days {
		if d.v < 1 || d.v > MaxDays {
			return d.err.With("value", d.v, "min", 1, "max", MaxDays)
		}
	}
	if r.Attempts < 1 || r.Attempts > MaxAttempts {
		return ErrAttempts.With("value", r.Attempts, "min", 1, "max", MaxAttempts)
	}
	return nil
}

// loadRules reads the network's rules; DefaultRules when none were saved.
// Rules from a partner that do not validate are replaced by the defaults
// rather than trusted.
func loadRules(db *store.DB) (Rules, error) {
	r, err := db.Get(RulesKind, RulesID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultRules(), nil
	}
	if err != nil {
		return Rules{}, err
	}
	var rules Rules
	if json.Unmarshal(r.Body, &rules) != nil || rules.Validate() != nil {
		return DefaultRules(), nil
	}
	return rules, nil
}
