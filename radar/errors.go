package radar

import "relais/problem"

// Problems of the radar. Each has a message in assets/translations/radar.*.json.
var (
	ErrNoShowDays   = problem.Register("radar.no_show_days")
	ErrInactiveDays = problem.Register("radar.inactive_days")
	ErrDueSoonDays  = problem.Register("radar.due_soon_days")
	ErrAttempts     = problem.Register("radar.attempts")

	ErrPersonMissing    = problem.Register("radar.person_missing")
	ErrUnknownPerson    = problem.Register("radar.unknown_person")
	ErrProcedureMissing = problem.Register("radar.procedure_missing")
	ErrUnknownProcedure = problem.Register("radar.unknown_procedure")
	ErrBadStatus        = problem.Register("radar.bad_status")
	ErrBadDue           = problem.Register("radar.bad_due")
	ErrTooManyMissing   = problem.Register("radar.too_many_missing")
	ErrDocumentTooLong  = problem.Register("radar.document_too_long")
	ErrNoteTooLong      = problem.Register("radar.note_too_long")
	ErrUnknownFollowUp  = problem.Register("radar.unknown_followup")

	ErrUnknownCase    = problem.Register("radar.unknown_case")
	ErrCaseClosed     = problem.Register("radar.case_closed")
	ErrBadActionKind  = problem.Register("radar.bad_action_kind")
	ErrActionInFuture = problem.Register("radar.action_in_future")
	ErrNextBeforeIt   = problem.Register("radar.next_before_action")
	ErrByMissing      = problem.Register("radar.by_missing")
	ErrTooManyActions = problem.Register("radar.too_many_actions")
	ErrReasonMissing  = problem.Register("radar.close_reason_missing")
	ErrBadReason      = problem.Register("radar.bad_close_reason")
	ErrNameTooLong    = problem.Register("radar.name_too_long")
)
