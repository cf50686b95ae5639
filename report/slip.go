// Package report renders what Relais hands out or exports: the appointment
// slip a person takes home (PDF) and calendars (ICS).
//
// It takes plain structs, not the records of the domain packages, so it
// stays independent of them: the caller copies what the slip needs.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"relais/problem"
)

// Modes of an appointment, as the appointments package records them.
const (
	ModeOnSite = "sur place"
	ModePhone  = "téléphone"
	ModeVideo  = "visio"
)

// Slip is what an appointment slip shows. Every field except Start may be
// empty; the slip then leaves the line out.
type Slip struct {
	CentreName    string
	CentreAddress string // may span several lines
	CentrePhone   string

	PersonName string
	Start      time.Time
	Duration   time.Duration
	Mode       string // ModeOnSite, ModePhone or ModeVideo; other text is shown as is
	Mediator   string // first name only: the slip leaves the centre

	Procedure    string // e.g. « Demande de RSA »
	Organisation string // e.g. « CAF »
	Documents    []string
	OfficialSite string
	Notes        string // a short word for the person, shown as « À savoir »
}

// ErrSlipWithoutDate is returned for a slip whose Start is not set.
var ErrSlipWithoutDate = problem.Register("report.slip_without_date")

// Limits that keep one slip on one page whatever was typed.
const (
	maxDocuments = 12
)

type slipWords struct {
	title, forWhom, when, duration, about, how, with, procedure, organisation,
	documents, moreDocuments, site, notes, cancel, cancelNoPhone, phone, question string
	modes map[string]string
}

var words = map[string]slipWords{
	"fr": {
		title:         "Votre rendez-vous",
		forWhom:       "Pour",
		when:          "Date",
		duration:      "Durée",
		about:         "environ %s",
		how:           "Comment",
		with:          "Avec",
		procedure:     "Démarche",
		organisation:  "Organisme",
		documents:     "Documents à apporter",
		moreDocuments: "et %d autres documents : demandez la liste au centre",
		site:          "Site officiel",
		notes:         "À savoir",
		cancel:        "En cas d'empêchement, prévenez le centre au %s.",
		cancelNoPhone: "En cas d'empêchement, prévenez le centre.",
		phone:         "Tél. %s",
		question:      "Une question ? N'hésitez pas à nous appeler ou à passer nous voir.",
		modes: map[string]string{
			ModeOnSite: "sur place, au centre",
			ModePhone:  "par téléphone : le centre vous appelle",
			ModeVideo:  "en visio (appel vidéo)",
		},
	},
	"en": {
		title:         "Your appointment",
		forWhom:       "For",
		when:          "Date",
		duration:      "Length",
		about:         "about %s",
		how:           "How",
		with:          "With",
		procedure:     "Procedure",
		organisation:  "Organisation",
		documents:     "Documents to bring",
		moreDocuments: "and %d more documents: ask the centre for the list",
		site:          "Official website",
		notes:         "Good to know",
		cancel:        "If you cannot come, please tell the centre on %s.",
		cancelNoPhone: "If you cannot come, please tell the centre.",
		phone:         "Tel. %s",
		question:      "Any question? Feel free to call us or drop by.",
		modes: map[string]string{
			ModeOnSite: "in person, at the centre",
			ModePhone:  "by phone: the centre calls you",
			ModeVideo:  "by video call",
		},
	},
}

// Page geometry in millimetres (A4 portrait) and colours.
const (
	margin    = 20.0
	pageW     = 210.0
	contentW  = pageW - 2*margin
	labelW    = 42.0
	boxSize   = 5.5
	lineGap   = 2.5
	bodySize  = 14.0
	labelSize = 13.0
)

var (
	accent    = [3]int{31, 78, 121}   // dark blue: headings, rules
	softFill  = [3]int{232, 240, 248} // pale blue: the date panel
	inkColour = [3]int{25, 25, 25}
	greyInk   = [3]int{85, 85, 85}
)

// SlipPDF writes the appointment slip s as a one-page A4 PDF to w, in French
// unless lang is "en". Text uses the PDF core fonts, so it needs no font
// file; characters outside Windows-1252 are simplified (see toLatin1). A slip
// that would not fit is laid out again in smaller type, then clipped, so the
// person always gets a single sheet.
func SlipPDF(w io.Writer, s Slip, lang string) error {
	if s.Start.IsZero() {
		return ErrSlipWithoutDate
	}
	if lang != "en" {
		lang = "fr"
	}
	var pdf *fpdf.Fpdf
	for _, scale := range []float64{1, 0.9, 0.8} {
		pdf = layoutSlip(s, lang, scale, scale == 0.8)
		if pdf.Err() || pdf.PageCount() == 1 {
			break
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("lay out appointment slip: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write appointment slip: %w", err)
	}
	return nil
}

// layoutSlip draws the slip with every font size and gap multiplied by k.
// When last is set, text that runs past the bottom margin is cut rather than
// moved to a second page.
func layoutSlip(s Slip, lang string, k float64, last bool) *fpdf.Fpdf {
	wd := words[lang]
	pdf := fpdf.New("P", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(toLatin1(s)) }
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(!last, margin)
	pdf.SetTitle(wd.title+" – "+s.CentreName, true)
	pdf.SetCreator("Relais", true)
	pdf.SetLang(lang)
	pdf.AddPage()

	setColour := func(c [3]int) { pdf.SetTextColor(c[0], c[1], c[2]) }
	// text writes a paragraph of at most maxLines lines at x, width w, ending
	// the last kept line with « … » when the text is longer.
	text := func(x, w float64, style string, size float64, c [3]int, s string, maxLines int) {
		size *= k
		pdf.SetFont("Helvetica", style, size)
		setColour(c)
		var lines []string
		for _, l := range pdf.SplitLines([]byte(tr(strings.TrimSpace(s))), w) {
			lines = append(lines, string(l))
		}
		if len(lines) > maxLines {
			lines = lines[:maxLines]
			last := lines[maxLines-1]
			room := w - 2*pdf.GetCellMargin() // what MultiCell leaves for text
			for last != "" && pdf.GetStringWidth(last+"\x85") > room {
				last = last[:len(last)-1]
			}
			lines[maxLines-1] = strings.TrimRight(last, " ") + "\x85" // … in Windows-1252
		}
		pdf.SetX(x)
		pdf.MultiCell(w, size*0.45, strings.Join(lines, "\n"), "", "L", false)
	}
	para := func(style string, size float64, c [3]int, s string, maxLines int) {
		text(margin, contentW, style, size, c, s, maxLines)
	}
	gap := func(mm float64) { pdf.Ln(mm * k) }
	rule := func(width float64) {
		pdf.SetDrawColor(accent[0], accent[1], accent[2])
		pdf.SetLineWidth(width)
		y := pdf.GetY()
		pdf.Line(margin, y, pageW-margin, y)
		pdf.SetLineWidth(0.2)
	}

	// The centre, so the person knows where to go and whom to call.
	para("B", 20, accent, s.CentreName, 2)
	gap(1)
	if a := strings.TrimSpace(s.CentreAddress); a != "" {
		para("", 13, inkColour, a, 3)
	}
	if p := strings.TrimSpace(s.CentrePhone); p != "" {
		para("", 13, inkColour, fmt.Sprintf(wd.phone, clip(p, 40)), 1)
	}
	gap(3)
	rule(0.8)
	gap(7)

	para("B", 24, inkColour, wd.title, 1)
	gap(4)

	// The date stands out in a tinted panel: it is what people look for.
	pdf.SetFont("Helvetica", "B", 18*k)
	lineH := 18 * k * 0.45
	n := len(pdf.SplitLines([]byte(tr(LongDate(s.Start, lang))), contentW-12))
	panelH := float64(n)*lineH + 8*k
	y := pdf.GetY()
	pdf.SetFillColor(softFill[0], softFill[1], softFill[2])
	pdf.SetDrawColor(accent[0], accent[1], accent[2])
	pdf.SetLineWidth(0.5)
	pdf.RoundedRect(margin, y, contentW, panelH, 3, "1234", "FD")
	pdf.SetLineWidth(0.2)
	pdf.SetY(y + 4*k)
	text(margin+6, contentW-12, "B", 18, accent, LongDate(s.Start, lang), 2)
	pdf.SetY(y + panelH + 6*k)

	row := func(label, value string, maxLines int) {
		if strings.TrimSpace(value) == "" {
			return
		}
		y := pdf.GetY()
		pdf.SetY(y + 0.3*k) // centre the smaller label on the value's first line
		text(margin, labelW, "B", labelSize, greyInk, label, 1)
		pdf.SetY(y)
		text(margin+labelW, contentW-labelW, "", bodySize, inkColour, value, maxLines)
		gap(lineGap)
	}
	row(wd.forWhom, s.PersonName, 1)
	if s.Duration > 0 {
		row(wd.duration, fmt.Sprintf(wd.about, LongDuration(s.Duration, lang)), 1)
	}
	mode := strings.TrimSpace(s.Mode)
	if m, ok := wd.modes[strings.ToLower(mode)]; ok {
		mode = m
	}
	row(wd.how, mode, 1)
	row(wd.with, s.Mediator, 1)
	row(wd.procedure, s.Procedure, 2)
	row(wd.organisation, s.Organisation, 1)

	// Documents: a checklist with real boxes to tick at home.
	var docs []string
	for _, d := range s.Documents {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	if len(docs) > 0 {
		gap(4)
		para("B", 16, accent, wd.documents, 1)
		gap(1)
		rule(0.3)
		gap(4)
		more := 0
		if len(docs) > maxDocuments {
			docs, more = docs[:maxDocuments-1], len(docs)-(maxDocuments-1)
		}
		pdf.SetDrawColor(inkColour[0], inkColour[1], inkColour[2])
		box := boxSize * k
		for _, d := range docs {
			y := pdf.GetY()
			pdf.SetLineWidth(0.4)
			pdf.Rect(margin+1, y+(bodySize*k*0.45-box)/2, box, box, "D")
			pdf.SetLineWidth(0.2)
			pdf.SetY(y)
			text(margin+box+5, contentW-box-5, "", bodySize, inkColour, d, 2)
			gap(2.5)
		}
		if more > 0 {
			text(margin+box+5, contentW-box-5, "I", labelSize, greyInk, fmt.Sprintf(wd.moreDocuments, more), 1)
		}
	}

	if strings.TrimSpace(s.OfficialSite) != "" || strings.TrimSpace(s.Notes) != "" {
		gap(3)
		row(wd.site, s.OfficialSite, 1)
		row(wd.notes, s.Notes, 3)
	}

	// Closing lines, set apart so they read as one message.
	cancel := wd.cancelNoPhone
	if p := strings.TrimSpace(s.CentrePhone); p != "" {
		cancel = fmt.Sprintf(wd.cancel, clip(p, 40))
	}
	gap(5)
	rule(0.3)
	gap(4)
	para("B", bodySize, inkColour, cancel, 2)
	gap(1.5)
	para("", labelSize, greyInk, wd.question, 2)
	return pdf
}
