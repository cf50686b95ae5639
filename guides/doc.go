// Package guides holds the step-by-step guides that mediators follow with a
// person for an online procedure: the guide format and its parser (see
// FORMAT.md), the library of guides kept in the store and shared with the
// partner centres, its full-text search, and the walkthrough progress of
// each person, so that any centre can take over where another stopped.
//
// A guide travels as its Markdown source: what the store keeps is exactly
// what Format writes and Parse reads, so a guide saved in one centre reads
// the same in every other. Its images are content-addressed attachments.
package guides
