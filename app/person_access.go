package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"relais/access"
	"relais/appointments"
	"relais/report"
)

// chooseDossierFolder answers the person's right of access: everything
// Relais holds about them, written as a PDF to hand over and a JSON file,
// in a folder staff choose (a USB key, the documents folder).
func (p *peopleSection) chooseDossierFolder() {
	f := p.file
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		if dir != nil {
			p.writeDossier(f, dir.Path())
		}
	}, p.u.win)
	d.Show()
	d.Resize(p.u.dialogSize())
}

// dossierBase is the name of the files, « donnees-awa-diallo-2026-11-21 ».
func dossierBase(name string, t time.Time) string {
	return "donnees-" + slug(name) + "-" + t.In(appointments.Paris).Format(time.DateOnly)
}

// writeDossier writes the open file's dossier into dir, off the Fyne
// goroutine, then says where.
func (p *peopleSection) writeDossier(f *personFile, dir string) {
	u := p.u
	db, who, person, now := u.session.DB, u.si.Actor, f.person, time.Now()
	title := lang.L("Data held about {{.Name}}", map[string]any{"Name": person.FullName()})
	subtitle := lang.L("By {{.Centre}}, on {{.Date}}. Everything Relais holds about this person, including what partner centres shared.",
		map[string]any{"Centre": u.session.Centre.Name, "Date": longDate(now)})
	background(u, func() (string, error) {
		d, err := access.Collect(db, who, person.ID, now)
		if err != nil {
			return "", err
		}
		js, err := d.JSON()
		if err != nil {
			return "", err
		}
		var pdf bytes.Buffer
		if err := report.DossierPDF(&pdf, title, subtitle, d.Sections()); err != nil {
			return "", err
		}
		base := filepath.Join(dir, dossierBase(person.FullName(), now))
		if err := os.WriteFile(base+".pdf", pdf.Bytes(), 0o600); err != nil {
			return "", err
		}
		if err := os.WriteFile(base+".json", js, 0o600); err != nil {
			return "", err
		}
		return base, nil
	}, func(base string, err error) {
		if p.file != f {
			return
		}
		if err != nil {
			setProblem(f.problem, Message(err))
			return
		}
		setProblem(f.problem, "")
		dialog.ShowInformation(lang.L("Data written"),
			lang.L("Give the person {{.PDF}}. {{.JSON}} holds the same data for a computer.",
				map[string]any{"PDF": filepath.Base(base) + ".pdf", "JSON": filepath.Base(base) + ".json"})+"\n"+fmt.Sprint(filepath.Dir(base)), u.win)
	})
}
