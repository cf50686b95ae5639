// Package radar makes sure nobody silently drops out: it follows people's
// procedures over time (follow-ups), spots who dropped off the radar
// across the whole network by the network's rules, and keeps the cases in
// which staff log what they did to reach them.
//
// # The rules
//
// A person is on the radar when one of these holds (Rules sets the numbers):
//
//   - no_show: they missed an appointment (status absent) and nothing was
//     booked, attended or walked in at any centre after it, NoShowDays days
//     later. They stay on the radar until they book or come. Someone with an
//     appointment booked in the future is never on it for this rule.
//   - inactive: an open follow-up, and for InactiveDays days neither the
//     follow-up moved (Updated) nor did the person have an appointment or
//     a walk-in; an appointment booked in the future also keeps them off.
//     « No appointment in the meantime » is read from the latest of the
//     two, so that a follow-up forgotten after a last visit still shows.
//   - due_soon: an open follow-up due within DueSoonDays days with no
//     appointment booked between now and the due date, or already overdue.
//   - no_answer: Attempts contact attempts in a row without an answer in
//     the person's open case (referrals neither count nor break the run).
//   - unreachable: an open follow-up, no phone (none, or « no phone ») and no e-mail.
//
// Each Hit says since when the rule holds. The radar looks back WindowDays
// (180) days: older no-shows and visits are not read, which bounds the full
// recompute and is longer than any procedure's silence worth reporting.
// Only persons whose record is in the store are listed (an erased or merged
// file leaves the radar with its record); a person with an open case stays
// listed until it is closed, whatever the rules and the window say. Days
// are calendar days in Paris: « 7 days after » a no-show at 10:00 is 10:00
// a week later, summer time or not.
//
// # Entries are computed, cases are written when staff act
//
// Entries are never stored: every centre computes them from the records it
// has, so nothing is written while merely looking, and two centres never
// race to create the same record. A case record (kind radar_case, with the
// person's consent scope) is written only when staff act: OpenCase by
// hand, or LogActionFor on an entry, which opens the case (OpenedBy "",
// « by the rules », when a rule holds) and logs the action in one
// transaction. Weekly counts these case records, opened and closed.
//
// A case closes itself, reason « revenu », when the person comes back to
// any centre after it was opened: an appointment arrived or seen, or a
// walk-in. The centre whose replica recorded that visit writes the closing
// (Recompute, Refresh or Follow); partners receive it by sync. Letting every
// centre write it at once would make concurrent versions of the case, which
// the store keeps as a conflict for staff to settle. A partner's visit
// closes the case here too once PartnerGrace (a week) has passed, in case
// that centre does not run the radar.
//
// # Speed
//
// The radar keeps in memory only the persons who are on it, or may be
// later by the clock alone (a no-show not followed by anything, an open
// follow-up, an open case). Recompute never decodes an appointment. It
// reads the radar_when index, whose keys hold status, start and person in
// that order, so that the window's no-shows, its bookings and the visits of
// the last RecentDays are key ranges, each read in two halves on the two
// cores of a help desk's PC: the bookings strike most of those who missed
// an appointment, the recent visits most of the others. Without the older
// visits a history can only miss news, so the rules may list someone too
// many, never one too few: for those listed, the radar index, whose keys
// start with the person, gives their whole window (older visits, centres,
// mediators, procedures) in one short range each, which settles it. The
// persons' reach index says who is live and reachable. Refresh reads one
// person's records through the person indexes.
//
// Follow refreshes the persons a change touches (appointments, walk-ins,
// persons, follow-ups, cases, made here or by a partner), applies the
// partners' rules, and recomputes everything when an appointment or walk-in
// is deleted (a purge: the tombstone no longer names the person) or more
// than fullRecomputeAbove persons changed at once. Entries and EntryOf
// evaluate again in memory the persons whose answer the clock changed (a
// no-show reaching NoShowDays, say), so the list stays right between
// changes without reading the store.
package radar
