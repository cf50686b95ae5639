package app

import (
	"io"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"relais/appointments"
	"relais/report"
)

// slipFor gathers what the slip of the booked appointment shows.
func (p *peopleSection) slipFor(b *bookingFlow) report.Slip {
	c := p.u.session.Centre
	e := b.booked
	mode := report.ModeOnSite
	switch e.Mode {
	case appointments.Phone:
		mode = report.ModePhone
	case appointments.Video:
		mode = report.ModeVideo
	}
	return report.Slip{
		CentreName:    c.Name,
		CentreAddress: c.Address,
		CentrePhone:   peoplePhone(c.Phone),
		PersonName:    b.person.FullName(),
		Start:         e.Start,
		Duration:      time.Duration(e.Minutes) * time.Minute,
		Mode:          mode,
		Mediator:      b.names.firstName(e.Mediator),
		Procedure:     b.procedure.Title,
		Organisation:  b.procedure.Organisation,
		Documents:     b.procedure.Documents,
		OfficialSite:  b.procedure.Site,
	}
}

// slipLanguage is the language of the person's slip: English for those
// who prefer it, French otherwise.
func slipLanguage(personLang string) string {
	if personLang == "en" {
		return "en"
	}
	return "fr"
}

// slipFileName is the name offered for the slip of name's appointment at
// start: « rdv-helene-dupont-2026-11-24.pdf ».
func slipFileName(name string, start time.Time, ext string) string {
	return "rdv-" + fileSlug(name) + "-" + start.In(appointments.Paris).Format(time.DateOnly) + ext
}

var dropMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fileSlug keeps the letters and digits of s, without accents, in lower
// case, words joined by dashes: safe in any file system.
func fileSlug(s string) string {
	s, _, _ = transform.String(dropMarks, s)
	var out strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && out.Len() > 0 {
				out.WriteByte('-')
			}
			out.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if out.Len() == 0 {
		return "personne"
	}
	return out.String()
}

// saveSlip writes the slip PDF where the person at the desk chooses.
func (p *peopleSection) saveSlip() {
	b := p.booking
	slip := p.slipFor(b)
	code := slipLanguage(b.person.Language)
	p.saveFile(slipFileName(b.person.FullName(), b.booked.Start, ".pdf"), ".pdf",
		func(w io.Writer) error { return report.SlipPDF(w, slip, code) },
		func(path string, err error) { p.showSaved(b, path, err) })
}

// saveICS writes the appointment as a calendar file.
func (p *peopleSection) saveICS() {
	b := p.booking
	slip := p.slipFor(b)
	code := slipLanguage(b.person.Language)
	ev := report.EventFromSlip(b.booked.ID, slip, code)
	p.saveFile(slipFileName(b.person.FullName(), b.booked.Start, ".ics"), ".ics",
		func(w io.Writer) error { return report.AppointmentICS(w, ev) },
		func(path string, err error) { p.showSaved(b, path, err) })
}

func (p *peopleSection) showSaved(b *bookingFlow, path string, err error) {
	if p.booking != b {
		return
	}
	b.saved.Show()
	if err != nil {
		b.saved.Importance = widget.DangerImportance
		b.saved.SetText(Message(err))
		return
	}
	b.saved.Importance = widget.SuccessImportance
	b.saved.SetText(lang.L("Saved in {{.Path}}. Open it to print it.", map[string]any{"Path": path}))
}

// saveFile asks where to save name, then writes it in the background with
// write and reports with done. Tests stand in for the dialog with saveHook.
func (p *peopleSection) saveFile(name, ext string, write func(io.Writer) error, done func(path string, err error)) {
	u := p.u
	got := func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			done("", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		background(u, func() (string, error) {
			err := write(w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return w.URI().Path(), err
		}, done)
	}
	if p.saveHook != nil {
		got(p.saveHook(name))
		return
	}
	d := dialog.NewFileSave(got, u.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
}
