package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/importcsv"
	"relais/people"
	"relais/problem"
	"relais/staff"
	"relais/store"
)

// Limits of what the preview lists: a person checks a sample and the
// problems; a file with thousands of bad lines is to be fixed in the
// spreadsheet, not read here line by line.
const (
	importTableRows = 100
	importListed    = 200
)

// peopleImport is « Import people (CSV)… »: a file read and checked, shown
// before anything is written, then written once confirmed.
type peopleImport struct {
	u       *UI
	session *staff.Session
	who     *actor.Actor
	db      *store.DB
	file    string // the file's name
	preview *importcsv.Preview

	dlg        *dialog.CustomDialog
	summary    *widget.Label
	details    *widget.Label
	table      *widget.Table
	tabs       *container.AppTabs
	problems   []string // each line's problems, in words
	duplicates []importDuplicate
	keep       []*widget.Check // « import all the same », one per duplicate listed
	confirm    *widget.Button
	cancel     *widget.Button
	// message is what happened last: a file refused, the import's result.
	message string
	written int
	done    bool // the import ran (whole, stopped or failed)
}

// importDuplicate is a line that may be someone already known.
type importDuplicate struct {
	row  int // index in preview.Rows
	text string
}

// showPeopleImport asks for a CSV file of people from another tool, then
// shows what would be imported. Tests stand in for the dialog with
// openHook.
func (u *UI) showPeopleImport() {
	imp := &peopleImport{u: u, session: u.session, who: u.si.Actor, db: u.session.DB}
	u.reportsScreens().imp = imp
	if err := imp.who.Check(actor.ImportPeople); err != nil {
		imp.tell(Message(err))
		return
	}
	got := func(r fyne.URIReadCloser, err error) {
		if err != nil {
			imp.tell(Message(err))
			return
		}
		if r != nil {
			imp.read(r)
		}
	}
	if hook := u.reportsScreens().openHook; hook != nil {
		got(hook())
		return
	}
	d := dialog.NewFileOpen(got, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".CSV", ".TXT"}))
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
}

// tell shows the outcome in a dialog, and keeps it for tests.
func (imp *peopleImport) tell(message string) {
	imp.message = message
	imp.u.tell(lang.L("Import people"), message)
}

// read reads and checks the file off the Fyne goroutine, with progress:
// checking each line against the people registered takes a while for a
// large file.
func (imp *peopleImport) read(r fyne.URIReadCloser) {
	u := imp.u
	imp.file = r.URI().Name()
	ppl, now := u.people, clock()
	runTask(u, lang.L("Reading {{.File}}", map[string]any{"File": imp.file}), jobPrepare,
		func(ctx context.Context, progress func(float64, string)) (*importcsv.Preview, error) {
			defer r.Close()
			b, err := io.ReadAll(io.LimitReader(r, importcsv.MaxBytes+1))
			if err != nil {
				return nil, err
			}
			lines, checked := max(1, bytes.Count(b, []byte{'\n'})), 0
			return importcsv.Read(bytes.NewReader(b), now, func(p people.Person) ([]people.Duplicate, error) {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				checked++
				progress(float64(checked)/float64(lines), lang.L("{{.Count}} lines checked", map[string]any{"Count": count(checked)}))
				return ppl.FindDuplicates(p)
			})
		}, nil, func(p *importcsv.Preview, err error) {
			if u.reportsScreens().imp != imp || u.session != imp.session {
				return
			}
			switch {
			case errors.Is(err, context.Canceled):
				imp.message = lang.L("Stopped: nothing was imported.")
			case err != nil:
				imp.tell(Message(err))
			default:
				imp.preview = p
				imp.showPreview()
			}
		})
}

// showPreview shows the file as read: the counts, its first lines, the
// problems by line and the possible duplicates, and the button that
// imports.
func (imp *peopleImport) showPreview() {
	u, p := imp.u, imp.preview
	imp.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	imp.summary.Wrapping = fyne.TextWrapWord
	imp.details = widget.NewLabel(imp.describe())
	imp.details.SizeName = theme.SizeNameCaptionText
	imp.details.Wrapping = fyne.TextWrapWord
	imp.problems, imp.duplicates = nil, nil
	for i, r := range p.Rows {
		switch {
		case len(r.Problems) > 0:
			imp.problems = append(imp.problems, lineProblems(r))
		case r.Duplicate():
			imp.duplicates = append(imp.duplicates, importDuplicate{row: i, text: duplicateText(r)})
		}
	}

	imp.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(imp.linesTitle(), theme.ListIcon(), imp.linesTable()),
		container.NewTabItemWithIcon(lang.L("Problems ({{.Count}})", map[string]any{"Count": count(len(imp.problems))}),
			theme.WarningIcon(), imp.problemList()),
		container.NewTabItemWithIcon(lang.L("Possible duplicates ({{.Count}})", map[string]any{"Count": count(len(imp.duplicates))}),
			theme.AccountIcon(), imp.duplicateList()),
	)
	note := paragraph(lang.L("Nothing is written before you confirm. Lines with a problem are left out: correct them in the spreadsheet and import the file again, already imported people are then flagged. Imported people stay at this centre until their agreement to sharing is recorded on their file."))
	imp.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		imp.dlg.Hide()
		imp.message = lang.L("Import cancelled: nothing was written.")
	})
	imp.confirm = widget.NewButtonWithIcon("", theme.ConfirmIcon(), imp.commit)
	imp.confirm.Importance = widget.HighImportance
	imp.updateCounts()

	content := container.NewBorder(
		container.NewVBox(imp.summary, imp.details),
		note, nil, nil, imp.tabs)
	imp.dlg = dialog.NewCustomWithoutButtons(lang.L("Import people from {{.File}}", map[string]any{"File": imp.file}), content, u.win)
	imp.dlg.SetButtons([]fyne.CanvasObject{imp.cancel, imp.confirm})
	imp.dlg.Resize(u.dialogSize()) // before Show, so that it is centred at its size
	imp.dlg.Show()
}

// describe says how the file was read: encoding, separator, columns.
func (imp *peopleImport) describe() string {
	p := imp.preview
	sep := map[rune]string{';': "« ; »", ',': "« , »", '\t': lang.X("reports.import.tab", "tab")}[p.Separator]
	var found []string
	for f, col := range p.Columns {
		if col != "" {
			found = append(found, importcsv.FieldNames[f]+" (« "+col+" »)")
		}
	}
	parts := []string{
		lang.L("Read as {{.Encoding}}, cells separated by {{.Separator}}.", map[string]any{"Encoding": p.Encoding, "Separator": sep}),
		lang.L("Columns used: {{.Columns}}.", map[string]any{"Columns": strings.Join(found, ", ")}),
	}
	if len(p.Ignored) > 0 {
		parts = append(parts, lang.L("Columns left aside: {{.Columns}}.", map[string]any{"Columns": "« " + strings.Join(p.Ignored, " », « ") + " »"}))
	}
	if p.NoPhone > 0 {
		parts = append(parts, lang.L("{{.Count}} lines have no phone: those people are registered with « no phone ».", map[string]any{"Count": count(p.NoPhone)}))
	}
	return strings.Join(parts, " ")
}

// updateCounts writes the counts and the confirm button's text, which
// change when a duplicate is kept.
func (imp *peopleImport) updateCounts() {
	c := imp.preview.Counts()
	imp.summary.SetText(lang.L("{{.Rows}} lines read: {{.Imported}} to import, {{.Problems}} with a problem, {{.Duplicates}} possible duplicates.",
		map[string]any{"Rows": count(c.Rows), "Imported": count(c.Imported), "Problems": count(c.WithProblems), "Duplicates": count(c.Duplicates)}))
	switch c.Imported {
	case 0:
		imp.confirm.SetText(lang.L("Nobody to import"))
		imp.confirm.Disable()
	case 1:
		imp.confirm.SetText(lang.L("Import 1 person"))
		imp.confirm.Enable()
	default:
		imp.confirm.SetText(lang.L("Import {{.Count}} people", map[string]any{"Count": count(c.Imported)}))
		imp.confirm.Enable()
	}
}

func (imp *peopleImport) linesTitle() string {
	if n := len(imp.preview.Rows); n > importTableRows {
		return lang.L("The first {{.Count}} lines", map[string]any{"Count": importTableRows})
	}
	return lang.X("reports.import.lines", "Lines")
}

// importColumns are the table's columns and their widths.
var importColumns = []struct {
	title func() string
	width float32
}{
	{func() string { return lang.X("reports.import.line", "Line") }, 56},
	{func() string { return lang.X("reports.import.first_name", "First name") }, 115},
	{func() string { return lang.X("reports.import.last_name", "Last name") }, 115},
	{func() string { return lang.X("reports.import.phone", "Phone") }, 125},
	{func() string { return lang.X("reports.import.email", "E-mail") }, 170},
	{func() string { return lang.X("reports.import.born", "Born in") }, 90},
	{func() string { return lang.X("reports.import.language", "Language") }, 76},
	{func() string { return lang.X("reports.import.outcome", "Outcome") }, 260},
}

// cells returns the text of a row of the table.
func (imp *peopleImport) cells(i int) []string {
	r := imp.preview.Rows[i]
	p := r.Person
	phone, born := p.Phone, ""
	if len(r.Problems) == 0 {
		phone = peoplePhone(phone)
	}
	if p.BirthYear != 0 {
		born = strconv.Itoa(p.BirthYear)
	}
	return []string{strconv.Itoa(r.Line), p.FirstName, p.LastName, phone, p.Email, born, p.Language, rowOutcome(r)}
}

// rowOutcome says what the import does with a row.
func rowOutcome(r importcsv.Row) string {
	switch {
	case len(r.Problems) > 0:
		return lang.L("Left out: a problem")
	case r.Duplicate() && r.Keep:
		return lang.L("Imported all the same")
	case r.SameAs != 0:
		return lang.L("Left out: same as line {{.Line}}", map[string]any{"Line": r.SameAs})
	case len(r.Existing) > 0:
		return lang.L("Left out: already registered?")
	}
	return lang.L("To import")
}

func (imp *peopleImport) linesTable() fyne.CanvasObject {
	rows := min(len(imp.preview.Rows), importTableRows)
	t := widget.NewTable(
		func() (int, int) { return rows, len(importColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := imp.preview.Rows[id.Row]
			l.Importance = widget.MediumImportance
			if id.Col == len(importColumns)-1 {
				switch {
				case len(r.Problems) > 0:
					l.Importance = widget.DangerImportance
				case r.Duplicate() && !r.Keep:
					l.Importance = widget.WarningImportance
				}
			}
			l.SetText(imp.cells(id.Row)[id.Col])
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(importColumns[id.Col].title())
		}
	}
	for i, c := range importColumns {
		t.SetColumnWidth(i, c.width)
	}
	imp.table = t
	return t
}

// lineProblems writes what is wrong with a line, « Ligne 4 · Téléphone : … ».
func lineProblems(r importcsv.Row) string {
	var out []string
	for _, lp := range r.Problems {
		msg := Message(lp.Err)
		if p, ok := problem.Find(lp.Err); ok && p.Args["line"] != nil {
			out = append(out, msg) // the message names the line itself
			continue
		}
		if lp.Column != "" {
			msg = lang.L("{{.Column}}: {{.Problem}}", map[string]any{"Column": lp.Column, "Problem": msg})
		}
		out = append(out, lang.L("Line {{.Line}}: {{.Problem}}", map[string]any{"Line": r.Line, "Problem": msg}))
	}
	return strings.Join(out, "\n")
}

// duplicateText says who a line may be.
func duplicateText(r importcsv.Row) string {
	name := strings.TrimSpace(r.Person.FirstName + " " + r.Person.LastName)
	if r.SameAs != 0 {
		return strings.TrimSuffix(Message(importcsv.ErrDuplicateLine.With("line", r.Line, "first", r.SameAs)), ".") + " (" + name + ")."
	}
	var who []string
	for _, d := range r.Existing {
		s := d.Person.FullName()
		if d.Person.BirthYear != 0 {
			s += ", " + lang.L("born in {{.Year}}", map[string]any{"Year": strconv.Itoa(d.Person.BirthYear)})
		}
		if d.SamePhone {
			s += ", " + lang.L("same phone")
		}
		who = append(who, s)
	}
	return lang.L("Line {{.Line}}: {{.Name}} may already be registered: {{.Who}}.",
		map[string]any{"Line": r.Line, "Name": name, "Who": strings.Join(who, " ; ")})
}

func (imp *peopleImport) problemList() fyne.CanvasObject {
	box := container.NewVBox()
	if len(imp.problems) == 0 {
		box.Add(paragraph(lang.L("No problem: every line can be read.")))
	}
	for i, s := range imp.problems {
		if i == importListed {
			box.Add(paragraph(lang.L("… and {{.Count}} more lines with a problem.", map[string]any{"Count": count(len(imp.problems) - i)})))
			break
		}
		l := paragraph(s)
		l.Importance = widget.DangerImportance
		box.Add(l)
	}
	return container.NewVScroll(box)
}

func (imp *peopleImport) duplicateList() fyne.CanvasObject {
	box := container.NewVBox()
	imp.keep = nil
	if len(imp.duplicates) == 0 {
		box.Add(paragraph(lang.L("Nobody in the file seems to be registered already, or twice in the file.")))
	} else {
		box.Add(paragraph(lang.L("These lines are left out. Tick « Import all the same » only after checking it is someone else.")))
	}
	for i, d := range imp.duplicates {
		if i == importListed {
			box.Add(paragraph(lang.L("… and {{.Count}} more possible duplicates, left out.", map[string]any{"Count": count(len(imp.duplicates) - i)})))
			break
		}
		row := d.row
		keep := widget.NewCheck(lang.L("Import all the same"), func(on bool) {
			imp.preview.Rows[row].Keep = on
			imp.updateCounts()
			if imp.table != nil {
				imp.table.Refresh()
			}
		})
		imp.keep = append(imp.keep, keep)
		box.Add(container.NewBorder(nil, nil, nil, keep, paragraph(d.text)))
	}
	return container.NewVScroll(box)
}

// commit writes the people of the lines kept, off the Fyne goroutine, with
// progress and « Cancel ». A lock lets it go on to its end.
func (imp *peopleImport) commit() {
	u := imp.u
	imp.dlg.Hide()
	db, who, p, now := imp.db, imp.who, imp.preview, clock()
	hook := u.reportsScreens().importProgress
	runTask(u, lang.L("Importing people"), jobImport, func(ctx context.Context, progress func(float64, string)) (int, error) {
		return importcsv.Commit(ctx, db, who, p, now, func(written, of int) {
			progress(float64(written)/float64(of), lang.L("{{.Written}} people of {{.Of}} written", map[string]any{"Written": count(written), "Of": count(of)}))
			if hook != nil {
				hook(written, of)
			}
		})
	}, importOutcome, func(written int, err error) {
		imp.done, imp.written = true, written
		if u.session != imp.session {
			return // Relais locked meanwhile
		}
		imp.tell(importOutcome(written, err))
	})
}

// importOutcome says how an import went.
func importOutcome(written int, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return lang.L("Import stopped: {{.Count}} people were imported, the first ones of the file. Importing the file again flags them as already registered.",
			map[string]any{"Count": count(written)})
	case err != nil && written > 0:
		return lang.L("The import stopped after {{.Count}} people: {{.Problem}}", map[string]any{"Count": count(written), "Problem": Message(err)})
	case err != nil:
		return Message(err)
	case written == 1:
		return lang.L("1 person imported. Find them with « People ».")
	}
	return lang.L("{{.Count}} people imported. Find them with « People ».", map[string]any{"Count": count(written)})
}
