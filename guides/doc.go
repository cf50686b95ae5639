// Package guides will hold the step-by-step guides that mediators follow
// with a person for an online procedure: the guide format and its parser,
// the bundled library, and walkthrough progress (see the Guides issue).
// The folder exists from the start because the procedure catalogue and the
// screens already link to guides by id.
package guides
