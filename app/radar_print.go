package app

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"relais/appointments"
	"relais/people"
	"relais/radar"
	"relais/store"
)

// radarPrintList is the printed follow-up list: the people to contact,
// in sections (« À appeler », « Par e-mail », « Courrier ou visite »),
// every text already in the language of the screens.
type radarPrintList struct {
	Title    string
	Subtitle string // the centre, the day, the filters
	Headers  radarPrintHeaders
	Sections []radarPrintSection
	Nobody   string // shown in an empty section
	Footer   string
}

// radarPrintHeaders are the columns' titles.
type radarPrintHeaders struct {
	Name, Contact, Centre, Reason string
}

// radarPrintSection is one part of the list.
type radarPrintSection struct {
	Title   string
	Contact bool // the section shows the phone or e-mail column
	Rows    []radarPrintRow
}

// radarPrintRow is one person to contact.
type radarPrintRow struct {
	Name, Contact, Centre, Reason string
}

// Geometry of the list, in millimetres: A4 landscape, so that the reasons
// have room.
const (
	printMargin = 14.0
	printPageW  = 297.0
	printPageH  = 210.0
	printBox    = 9.0 // the column where staff tick who was reached
	printLine   = 4.6
)

// radarListPDF writes the list as an A4 PDF. Text uses the PDF core
// fonts, as the appointment slip does: characters outside Windows-1252
// lose their accents, or become « ? » (see pdfText).
func radarListPDF(w io.Writer, l radarPrintList) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(pdfText(s)) }
	pdf.SetMargins(printMargin, printMargin, printMargin)
	pdf.SetAutoPageBreak(false, printMargin) // rows are kept whole by hand
	pdf.SetTitle(l.Title, true)
	pdf.SetCreator("Relais", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 4, tr(l.Footer)+fmt.Sprintf("  %d/{nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	content := printPageW - 2*printMargin
	pdf.SetFont("Helvetica", "B", 17)
	pdf.SetTextColor(31, 78, 121)
	pdf.MultiCell(content, 8, tr(l.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.SetTextColor(85, 85, 85)
	pdf.MultiCell(content, 5, tr(l.Subtitle), "", "L", false)
	pdf.Ln(3)

	bottom := printPageH - printMargin - 6 // room for the footer
	for _, s := range l.Sections {
		widths := []float64{printBox, 62, 0, 58, 0}
		if s.Contact {
			widths[2] = 48
		}
		widths[4] = content - widths[0] - widths[1] - widths[2] - widths[3]
		header := []string{"", l.Headers.Name, l.Headers.Contact, l.Headers.Centre, l.Headers.Reason}
		lines := func(style string, cells []string) ([][]string, float64) {
			pdf.SetFont("Helvetica", style, 9.5)
			out := make([][]string, len(cells))
			n := 1
			for i, c := range cells {
				if widths[i] == 0 || c == "" {
					continue
				}
				for _, b := range pdf.SplitLines([]byte(tr(c)), widths[i]) {
					out[i] = append(out[i], string(b))
				}
				n = max(n, len(out[i]))
			}
			return out, float64(n)*printLine + 2
		}
		row := func(style string, cells []string, fill bool, box bool) {
			text, h := lines(style, cells)
			if pdf.GetY()+h > bottom {
				pdf.AddPage()
			}
			x, y := printMargin, pdf.GetY()
			for i, w := range widths {
				if w == 0 {
					continue
				}
				pdf.SetDrawColor(170, 170, 170)
				if fill {
					pdf.SetFillColor(232, 240, 248)
					pdf.Rect(x, y, w, h, "FD")
				} else {
					pdf.Rect(x, y, w, h, "D")
				}
				if i == 0 && box {
					pdf.SetDrawColor(60, 60, 60)
					pdf.Rect(x+2.5, y+1.6, 4, 4, "D")
				}
				pdf.SetXY(x, y+1)
				pdf.SetTextColor(25, 25, 25)
				pdf.MultiCell(w, printLine, strings.Join(text[i], "\n"), "", "L", false)
				x += w
			}
			pdf.SetXY(printMargin, y+h)
		}

		if pdf.GetY()+30 > bottom {
			pdf.AddPage()
		}
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.SetTextColor(31, 78, 121)
		pdf.MultiCell(content, 7, tr(fmt.Sprintf("%s (%d)", s.Title, len(s.Rows))), "", "L", false)
		pdf.Ln(1)
		if len(s.Rows) == 0 {
			pdf.SetFont("Helvetica", "I", 10)
			pdf.SetTextColor(85, 85, 85)
			pdf.MultiCell(content, 5, tr(l.Nobody), "", "L", false)
			continue
		}
		row("B", header, true, false)
		for _, r := range s.Rows {
			if pdf.GetY()+printLine+2 > bottom {
				pdf.AddPage()
				row("B", header, true, false)
			}
			row("", []string{"", r.Name, r.Contact, r.Centre, r.Reason}, false, true)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("lay out the radar's list: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write the radar's list: %w", err)
	}
	return nil
}

// pdfText prepares text for the core fonts, which know Windows-1252 only:
// French thin spaces become non-breaking ones, other characters lose
// their accents when that is enough, and anything else becomes « ? », so
// a name in another script never breaks the list.
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case r == '\u202f' || r == '\u2009' || r == '\u2007':
			b.WriteRune('\u00a0')
		case inWindows1252(r):
			b.WriteRune(r)
		case pdfLetters[r] != "":
			b.WriteString(pdfLetters[r])
		default:
			folded, _, _ := transform.String(dropMarks, string(r))
			if folded != "" && !strings.ContainsFunc(folded, func(r rune) bool { return !inWindows1252(r) }) {
				b.WriteString(folded)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// pdfLetters are Latin letters Unicode does not split into a letter and
// an accent, so that dropping the marks cannot simplify them.
var pdfLetters = map[rune]string{
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i", 'Ŀ': "L", 'ŀ': "l", 'Ŧ': "T", 'ŧ': "t",
}

func inWindows1252(r rune) bool {
	if r < 0x80 {
		return true
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok
}

// radarPrintJob is what printing the list needs, taken on the Fyne
// goroutine; build reads the rest off it.
type radarPrintJob struct {
	people  *people.Service
	sched   *appointments.Scheduler
	dir     radarDirectory
	entries []radar.Entry
	reasons []string // the rules in words, one per entry
	list    radarPrintList
	now     time.Time
}

// printJob takes the entries shown, with the filters, for the list.
func (v *radarView) printJob() radarPrintJob {
	now := clock()
	j := radarPrintJob{people: v.u.people, sched: v.u.sched, dir: v.dir, entries: v.entries, now: now}
	for _, e := range v.entries {
		j.reasons = append(j.reasons, strings.Join(hitsWords(e, v.rules, now), " · "))
	}
	subtitle := []string{v.session.Centre.Name, longDate(now.In(appointments.Paris))}
	for _, s := range []*widget.Select{v.centre, v.rule, v.procedure, v.mediator, v.age} {
		if s.SelectedIndex() > 0 {
			subtitle = append(subtitle, s.Selected)
		}
	}
	j.list = radarPrintList{
		Title:    lang.L("People to contact"),
		Subtitle: strings.Join(subtitle, " · "),
		Headers: radarPrintHeaders{Name: lang.L("Name"), Contact: lang.L("Phone or e-mail"),
			Centre: lang.L("Last centre"), Reason: lang.L("Why")},
		Sections: []radarPrintSection{
			{Title: lang.L("To call"), Contact: true},
			{Title: lang.L("By e-mail"), Contact: true},
			{Title: lang.L("Letter or visit"), Contact: false},
		},
		Nobody: lang.L("Nobody."),
		Footer: lang.L("Relais · the radar's list: personal data, to shred once used"),
	}
	return j
}

// build reads the persons and their last centre, and sorts them into the
// sections: a phone, else an e-mail, else neither. It runs off the Fyne
// goroutine.
func (j radarPrintJob) build() (radarPrintList, error) {
	l := j.list
	l.Sections = append([]radarPrintSection(nil), l.Sections...)
	for i, e := range j.entries {
		p, err := j.people.Get(e.Person)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased meanwhile
		}
		if err != nil {
			return l, err
		}
		centre, err := j.lastCentre(e)
		if err != nil {
			return l, err
		}
		r := radarPrintRow{Name: p.FullName(), Centre: centre, Reason: j.reasons[i]}
		switch {
		case p.Phone != "":
			r.Contact = peoplePhone(p.Phone)
			l.Sections[0].Rows = append(l.Sections[0].Rows, r)
		case p.Email != "":
			r.Contact = p.Email
			l.Sections[1].Rows = append(l.Sections[1].Rows, r)
		default:
			l.Sections[2].Rows = append(l.Sections[2].Rows, r)
		}
	}
	if len(l.Sections[1].Rows) == 0 {
		l.Sections = append(l.Sections[:1], l.Sections[2]) // nobody to write to: no section for it
	}
	return l, nil
}

// lastCentre is where the person was last seen or expected: the centre
// of their latest appointment until now, else of their case, else the
// first of the entry's.
func (j radarPrintJob) lastCentre(e radar.Entry) (string, error) {
	appts, err := j.sched.PersonAppointments(e.Person)
	if err != nil {
		return "", err
	}
	for i := len(appts) - 1; i >= 0; i-- {
		if !appts[i].Start.After(j.now) {
			return j.dir.centre(appts[i].Centre), nil
		}
	}
	if e.Case != nil && e.Case.Centre != "" {
		return j.dir.centre(e.Case.Centre), nil
	}
	if len(e.Centres) > 0 {
		return j.dir.centre(e.Centres[0]), nil
	}
	return "—", nil
}

// radarListFileName is the name offered for the list: « radar-2026-11-21.pdf ».
func radarListFileName(now time.Time) string {
	return "radar-" + now.In(appointments.Paris).Format(time.DateOnly) + ".pdf"
}

// printList asks where to save the list of the people shown, then writes
// it in the background. Tests stand in for the dialog with saveHook.
func (v *radarView) printList() {
	u := v.u
	job := v.printJob()
	v.printed.Hide()
	got := func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showPrinted("", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		background(u, func() (string, error) {
			l, err := job.build()
			if err == nil {
				err = radarListPDF(w, l)
			}
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return w.URI().Path(), err
		}, v.showPrinted)
	}
	name := radarListFileName(job.now)
	if v.saveHook != nil {
		got(v.saveHook(name))
		return
	}
	d := dialog.NewFileSave(got, u.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
}

func (v *radarView) showPrinted(path string, err error) {
	if !v.alive() {
		return
	}
	v.printed.Show()
	if err != nil {
		v.printed.Importance = widget.DangerImportance
		v.printed.SetText(Message(err))
		return
	}
	v.printed.Importance = widget.SuccessImportance
	v.printed.SetText(lang.L("Saved in {{.Path}}. Open it to print it.", map[string]any{"Path": path}))
}
