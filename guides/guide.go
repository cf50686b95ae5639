package guides

import (
	"slices"
	"time"
)

// Guide is a step-by-step guide for an online procedure, as FORMAT.md
// describes it.
type Guide struct {
	ID           string
	Title        string
	Procedures   []string // codes of the procedures it accompanies (appointments.Catalogue)
	Organisation string
	Site         string // the official site, https://
	Version      int    // ≥ 1, one more at each save
	Reviewed     time.Time
	Author       string
	Duration     int    // estimated minutes
	Intro        string // Markdown, may be empty
	Steps        []Step
	// Images are the files the steps show, each once, in order of first use.
	// Parse fills it from the steps; Format ignores it.
	Images []string
}

// Step is one step of a guide: a « ## » section.
type Step struct {
	Title string
	// Body is the Markdown source of the instructions, without the
	// subsections below, the images and the tables, for the viewer to render.
	Body string
	// Prepare are the « À avoir sous la main » items (inline Markdown).
	Prepare []string
	// Pitfalls are the « Attention » items (inline Markdown).
	Pitfalls []string
	Images   []Image
	// Fields are the rows of the step's two-column tables: the field on
	// the screen, what to enter (inline Markdown).
	Fields [][2]string
	// Line is where the step's heading is in the file Parse read.
	Line int
}

// Image is a picture shown in a step; File names an attachment of the guide.
type Image struct {
	Alt  string
	File string
}

// ReviewPeriod is how long a guide stays trusted after its last review:
// online forms change, so an older guide is flagged for review.
const ReviewPeriod = 6 // months

// NeedsReview reports whether the guide was last reviewed more than six
// months before now.
func (g Guide) NeedsReview(now time.Time) bool { return needsReview(g.Reviewed, now) }

func needsReview(reviewed, now time.Time) bool {
	return reviewed.AddDate(0, ReviewPeriod, 0).Before(now)
}

// Summary is what lists and search results show of a guide.
type Summary struct {
	ID           string
	Title        string
	Organisation string
	Procedures   []string
	Steps        int
	Version      int
	Reviewed     time.Time
	Duration     int
	// Edited is set once the guide has been saved in Relais (here or in a
	// partner centre): a newer bundled version no longer replaces it.
	Edited bool
}

// NeedsReview reports whether the guide was last reviewed more than six
// months before now.
func (s Summary) NeedsReview(now time.Time) bool { return needsReview(s.Reviewed, now) }

func summaryOf(g Guide, edited bool) Summary {
	return Summary{
		ID: g.ID, Title: g.Title, Organisation: g.Organisation, Procedures: slices.Clone(g.Procedures),
		Steps: len(g.Steps), Version: g.Version, Reviewed: g.Reviewed, Duration: g.Duration, Edited: edited,
	}
}
