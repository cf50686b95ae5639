package store

import "relais/problem"

// Problems the store reports. Each has a message in the translation files.
var (
	ErrNotFound       = problem.Register("store.not_found")
	ErrBadName        = problem.Register("store.bad_name")
	ErrInvalidBody    = problem.Register("store.invalid_body")
	ErrClosed         = problem.Register("store.closed")
	ErrAlreadyOpen    = problem.Register("store.already_open")
	ErrNotAFolder     = problem.Register("store.not_a_folder")
	ErrForeignFolder  = problem.Register("store.foreign_folder")
	ErrAlreadySetUp   = problem.Register("store.already_set_up")
	ErrDamaged        = problem.Register("store.damaged")
	ErrWrongPassword  = problem.Register("store.wrong_password")
	ErrWrongRecovery  = problem.Register("store.wrong_recovery_key")
	ErrWeakPassword   = problem.Register("store.weak_password")
	ErrDiskFull       = problem.Register("store.disk_full")
	ErrTooNew         = problem.Register("store.too_new")
	ErrBackupDamaged  = problem.Register("store.backup_damaged")
	ErrBackupForeign  = problem.Register("store.backup_not_relais")
	ErrBackupTooNew   = problem.Register("store.backup_too_new")
	ErrBackupWrongKey = problem.Register("store.backup_wrong_password")
	ErrWriteFailed    = problem.Register("store.write_failed")
	ErrTooLarge       = problem.Register("store.too_large")
)
