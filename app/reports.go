package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/png" // the charts' size, read from their PNG header
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/actor"
	"relais/appointments"
	"relais/export"
	"relais/report"
	"relais/staff"
	"relais/stats"
	"relais/store"
)

// reportChartWidth is how wide the screen draws the charts, in pixels: the
// PDF's 900 would not fit beside the navigation, and shrinking them would
// make their labels too small to read.
const reportChartWidth = 680

// reportsScreens holds the Rapports screens of a window and the tests'
// stand-ins for the file dialogs. Read and written on the Fyne goroutine.
type reportsScreens struct {
	view       *reportsView
	restricted *widget.Label // what other roles read instead
	imp        *peopleImport // the import shown last
	task       *task         // the long job running, nil when none

	// Set by tests: saveHook and openHook stand in for the file dialogs;
	// a job waits for gate, when set, before it starts; importProgress
	// hears each batch the import writes, and taskProgress each progress
	// of a job, on the job's goroutine.
	saveHook       func(name string) (fyne.URIWriteCloser, error)
	openHook       func() (fyne.URIReadCloser, error)
	gate           chan struct{}
	importProgress func(written, of int)
	taskProgress   func(done float64)
}

func (u *UI) reportsScreens() *reportsScreens { return &u.reportsState }

// reportsView is the « Rapports » section of a coordinator or an
// administrator: the figures of a month for the centre or the network, the
// charts, and the documents made from them.
type reportsView struct {
	u       *UI
	session *staff.Session
	who     *actor.Actor
	db      *store.DB

	period  stats.Period
	network bool // the whole network, not this centre
	loads   int  // each load's number: a late answer to an old one is dropped
	stop    context.CancelFunc
	report  *stats.Report // the figures shown; nil while none is

	month         *widget.Label
	prev, next    *widget.Button
	scope         *widget.RadioGroup
	title         *widget.Label
	status        *widget.Label
	problem       *widget.Label
	figures       *fyne.Container
	charts        *fyne.Container
	chartTitles   []string // the charts shown, « (empty) » marked
	result        *widget.Label
	monthly       *widget.Button
	appointments  *widget.Button
	accompanied   *widget.Button
	radarCSV      *widget.Button
	agenda        *widget.Button
	importPeople  *widget.Button
	scopeChoices  []string
	figureTexts   [][2]string // each key figure: its number and its words
	agendaChooser *agendaChooser
}

// reportsPanel is the Rapports section: the activity figures for
// coordinators and administrators, an explanation for the other roles.
func (u *UI) reportsPanel() fyne.CanvasObject {
	screens := u.reportsScreens()
	if old := screens.view; old != nil {
		old.halt()
	}
	screens.view, screens.restricted = nil, nil
	if !u.si.Actor.Can(actor.ReadReports) {
		return u.reportsRestricted()
	}
	v := &reportsView{u: u, session: u.session, who: u.si.Actor, db: u.session.DB, period: stats.Month(clock())}
	screens.view = v
	content := v.build()
	v.load()
	return content
}

// reportsRestricted is the section of reception and mediators.
func (u *UI) reportsRestricted() fyne.CanvasObject {
	why := paragraph(lang.L("Activity reports are for coordination and administration: the figures of the centre and of the network, the monthly report for the funders and the exports."))
	u.reportsScreens().restricted = why
	box := container.NewVBox(heading(lang.L("Reports")), why)
	if u.si.Actor.Can(actor.ImportPeople) {
		box.Add(widget.NewButtonWithIcon(lang.L("Import people (CSV)…"), theme.UploadIcon(), u.showPeopleImport))
	}
	return container.NewVScroll(container.NewPadded(container.NewPadded(box)))
}

// alive reports whether the view is still the one shown.
func (v *reportsView) alive() bool {
	return v.u.shows(sectionReports, v.session) && v.u.reportsScreens().view == v
}

// halt stops the figures being read for a view no longer shown.
func (v *reportsView) halt() {
	if v.stop != nil {
		v.stop()
		v.stop = nil
	}
}

func (v *reportsView) build() fyne.CanvasObject {
	v.month = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	v.month.SizeName = theme.SizeNameSubHeadingText
	v.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.setPeriod(v.period.Previous()) })
	v.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { v.setPeriod(v.period.Next()) })
	v.scopeChoices = []string{lang.L("This centre only"), lang.L("The whole network")}
	v.scope = widget.NewRadioGroup(v.scopeChoices, func(s string) {
		if network := s == v.scopeChoices[1]; network != v.network {
			v.network = network
			v.load()
		}
	})
	v.scope.Horizontal = true
	v.scope.Required = true
	v.scope.SetSelected(v.scopeChoices[0])

	v.title = paragraph("")
	v.status = paragraph("")
	v.status.Importance = widget.LowImportance
	v.problem = problemLabel()
	v.figures = container.NewGridWrap(fyne.NewSize(210, 104))
	v.charts = container.NewVBox()
	v.result = paragraph("")
	v.result.TextStyle.Bold = true
	v.result.Hide()

	v.monthly = widget.NewButtonWithIcon(lang.L("Monthly report (PDF)…"), theme.DocumentPrintIcon(), v.saveMonthly)
	v.monthly.Importance = widget.HighImportance
	v.appointments = widget.NewButtonWithIcon(lang.L("Export the appointments (CSV)…"), theme.DocumentSaveIcon(), func() {
		v.saveCSV("rendez-vous", export.Appointments)
	})
	v.accompanied = widget.NewButtonWithIcon(lang.L("Export the accompaniments (CSV)…"), theme.DocumentSaveIcon(), func() {
		v.saveCSV("accompagnements", export.Accompaniments)
	})
	v.radarCSV = widget.NewButtonWithIcon(lang.L("Export the radar (CSV)…"), theme.DocumentSaveIcon(), func() {
		v.saveCSV("radar", export.Radar)
	})
	v.agenda = widget.NewButtonWithIcon(lang.L("Agenda (.ics)…"), theme.CalendarIcon(), v.chooseAgenda)
	buttons := container.NewGridWrap(fyne.NewSize(330, v.monthly.MinSize().Height),
		v.monthly, v.appointments, v.accompanied, v.radarCSV, v.agenda)
	if v.who.Can(actor.ImportPeople) {
		v.importPeople = widget.NewButtonWithIcon(lang.L("Import people (CSV)…"), theme.UploadIcon(), v.u.showPeopleImport)
		buttons.Add(v.importPeople)
	}

	nav := container.NewHBox(v.prev, container.New(fixedWidth(190), v.month), v.next)
	top := container.NewVBox(
		container.NewBorder(nil, nil, heading(lang.L("Reports")), nil),
		container.NewHBox(nav, layout.NewSpacer(), container.NewCenter(v.scope)),
		v.title,
	)
	v.showPeriod()
	return container.NewVScroll(container.NewPadded(container.NewPadded(container.NewVBox(
		top,
		v.status,
		v.problem,
		v.figures,
		widget.NewSeparator(),
		subheading(lang.L("Documents for the month")),
		paragraph(lang.L("Each document covers the month and the centres chosen above. Exports name nobody: a person is a reference number.")),
		buttons,
		v.result,
		widget.NewSeparator(),
		subheading(lang.L("Charts of the month")),
		v.charts,
	))))
}

// scopeCentre is the centre the figures and exports cover, "" for the network.
func (v *reportsView) scopeCentre() string {
	if v.network {
		return ""
	}
	return v.session.CentreID
}

// scopeName names what the figures cover, for titles and file names.
func (v *reportsView) scopeName() string {
	if v.network {
		return lang.L("The whole network")
	}
	return v.session.Centre.Name
}

// monthLabel is « octobre 2026 » in the interface's language.
func monthLabel(p stats.Period) string {
	f := p.From.In(appointments.Paris)
	return monthName(f.Month()) + " " + strconv.Itoa(f.Year())
}

func (v *reportsView) setPeriod(p stats.Period) {
	v.period = p
	v.showPeriod()
	v.load()
}

func (v *reportsView) showPeriod() {
	v.month.SetText(monthLabel(v.period))
	v.title.SetText(lang.L("{{.Scope}}, {{.Month}}", map[string]any{"Scope": v.scopeName(), "Month": monthLabel(v.period)}))
}

// reportImage is a chart drawn for the screen; png is nil for an empty one.
type reportImage struct {
	title string
	png   []byte
	size  fyne.Size
}

// reportData is what a load reads off the Fyne goroutine.
type reportData struct {
	report stats.Report
	charts []reportImage
}

// load reads the figures of the period and scope shown, and draws their
// charts, off the Fyne goroutine; a load still running is stopped.
func (v *reportsView) load() {
	v.halt()
	v.loads++
	n := v.loads
	ctx, stop := context.WithCancel(context.Background())
	v.stop = stop
	v.showPeriod()
	v.status.SetText(lang.L("Counting the figures of {{.Month}}…", map[string]any{"Month": monthLabel(v.period)}))
	v.status.Show()
	db, p, opts := v.db, v.period, stats.Options{Centre: v.scopeCentre(), Who: v.who, Now: clock}
	background(v.u, func() (reportData, error) {
		r, err := stats.Compute(ctx, db, p, opts)
		if err != nil {
			return reportData{}, err
		}
		d := reportData{report: r}
		for _, c := range report.MonthlyCharts(r) {
			if err := ctx.Err(); err != nil {
				return reportData{}, err
			}
			img := reportImage{title: c.Title}
			if !c.Empty() {
				if img.png, err = c.PNGWidth(reportChartWidth); err != nil {
					return reportData{}, err
				}
				cfg, _, err := image.DecodeConfig(bytes.NewReader(img.png))
				if err != nil {
					return reportData{}, fmt.Errorf("chart %s: %w", c.Name, err)
				}
				img.size = fyne.NewSize(float32(cfg.Width), float32(cfg.Height))
			}
			d.charts = append(d.charts, img)
		}
		return d, nil
	}, func(d reportData, err error) {
		if n != v.loads || !v.alive() {
			return // an older load, or the section was left
		}
		stop()
		v.status.Hide()
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		setProblem(v.problem, "")
		v.show(d)
	})
}

// show puts the figures and charts read on screen.
func (v *reportsView) show(d reportData) {
	r := d.report
	v.report = &r
	f := r.Figures
	v.figureTexts = [][2]string{
		{count(f.Accompaniments()), lang.L("accompaniments ({{.Individual}} individual, {{.Collective}} in workshops)",
			map[string]any{"Individual": count(f.Individual), "Collective": count(f.Workshops)})},
		{count(f.People), lang.L("people accompanied, {{.New}} of them new", map[string]any{"New": count(f.NewPeople)})},
		{duration(f.Minutes), lang.L("spent accompanying people")},
		{count(f.Appointments), lang.L("appointments in the month")},
		{share(f.NoShowRate()), lang.L("of the appointments missed without notice")},
		{count(f.WalkIns), lang.L("walk-ins taken by a mediator")},
		{count(f.RadarEntered), lang.L("people entered the radar (follow-up opened)")},
		{count(f.RadarLeft), lang.L("people left the radar (follow-up closed)")},
	}
	if f.Workshops > 0 {
		v.figureTexts = append(v.figureTexts, [2]string{count(f.Participants), lang.L("participants in {{.Count}} workshops",
			map[string]any{"Count": count(f.Workshops)})})
	}
	v.figures.RemoveAll()
	for _, t := range v.figureTexts {
		v.figures.Add(keyFigure(t[0], t[1]))
	}
	v.charts.RemoveAll()
	v.chartTitles = nil
	for i, c := range d.charts {
		if c.png == nil {
			v.chartTitles = append(v.chartTitles, c.title+" "+lang.L("(nothing to show)"))
			v.charts.Add(widget.NewLabelWithStyle(c.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			v.charts.Add(paragraph(lang.L("Nothing to show for this month.")))
			continue
		}
		v.chartTitles = append(v.chartTitles, c.title)
		img := canvas.NewImageFromReader(bytes.NewReader(c.png), "chart-"+strconv.Itoa(i)+".png")
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(c.size)
		v.charts.Add(container.NewHBox(img, layout.NewSpacer()))
	}
	v.figures.Refresh()
	v.charts.Refresh()
}

// keyFigure is a large number above its words.
func keyFigure(number, words string) fyne.CanvasObject {
	n := canvas.NewText(number, theme.Color(theme.ColorNamePrimary))
	n.TextSize = theme.TextSize() * 2.2
	n.TextStyle.Bold = true
	l := widget.NewLabel(words)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewPadded(container.NewBorder(container.New(layout.NewCustomPaddedLayout(0, 0, theme.InnerPadding()/2, 0), n), nil, nil, nil, l)))
}

// count writes 12345 as « 12 345 » in French, « 12,345 » in English.
func count(n int) string {
	if n < 0 {
		return "-" + groups(strconv.Itoa(-n))
	}
	return groups(strconv.Itoa(n))
}

// groups writes a string of digits in groups of three.
func groups(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	cut := len(digits) - 3
	return lang.X("reports.groups", "{{.High}},{{.Low}}", map[string]any{"High": groups(digits[:cut]), "Low": digits[cut:]})
}

// share writes 0.125 as « 12,5 % » in French.
func share(x float64) string {
	s := strconv.FormatFloat(x*100, 'f', 1, 64)
	return lang.L("{{.Percent}} %", map[string]any{"Percent": strings.Replace(s, ".", lang.X("reports.decimal", "."), 1)})
}

// duration writes 135 minutes as « 2 h 15 ».
func duration(minutes int) string {
	switch {
	case minutes < 60:
		return lang.L("{{.Minutes}} min", map[string]any{"Minutes": minutes})
	case minutes%60 == 0:
		return lang.L("{{.Hours}} h", map[string]any{"Hours": count(minutes / 60)})
	}
	return lang.L("{{.Hours}} h {{.Minutes}}", map[string]any{"Hours": count(minutes / 60), "Minutes": fmt.Sprintf("%02d", minutes%60)})
}

// fileMonth is the month in file names: « 2026-10 ».
func fileMonth(p stats.Period) string { return p.From.In(appointments.Paris).Format("2006-01") }

// fileScope is the scope in file names: the centre's name, or « reseau ».
func (v *reportsView) fileScope() string {
	if v.network {
		return "reseau"
	}
	return slug(v.session.Centre.Name)
}

// saveMonthly asks where to save the monthly report, then computes it and
// writes it, showing progress.
func (v *reportsView) saveMonthly() {
	db, p, opts := v.db, v.period, stats.Options{Centre: v.scopeCentre(), Who: v.who, Now: clock}
	name := "rapport-activite-" + fileMonth(p) + "-" + v.fileScope() + ".pdf"
	v.save(name, ".pdf", lang.L("Monthly report"), func(ctx context.Context, w io.Writer, progress func(float64, string)) (string, error) {
		progress(0, lang.L("Counting the figures…"))
		r, err := stats.Compute(ctx, db, p, opts)
		if err != nil {
			return "", err
		}
		progress(0.5, lang.L("Drawing the charts and writing the report…"))
		if err := report.MonthlyPDF(ctx, w, r); err != nil {
			return "", err
		}
		return "", nil
	}, func(path, _ string) string {
		return lang.L("Report saved: {{.Path}}", map[string]any{"Path": path})
	})
}

// csvExport is one of package export's CSV exports.
type csvExport func(ctx context.Context, w io.Writer, db *store.DB, s export.Scope, progress export.Progress) (int, error)

// saveCSV asks where to save an export, then writes it, showing progress.
func (v *reportsView) saveCSV(what string, write csvExport) {
	db, s := v.db, export.Scope{Period: v.period, Centre: v.scopeCentre(), Who: v.who}
	name := what + "-" + fileMonth(s.Period) + "-" + v.fileScope() + ".csv"
	v.save(name, ".csv", lang.X("reports.export.title", "Export"), func(ctx context.Context, w io.Writer, progress func(float64, string)) (string, error) {
		rows, err := write(ctx, w, db, s, func(rows int, done float64) {
			progress(done, lang.L("{{.Rows}} rows written", map[string]any{"Rows": count(rows)}))
		})
		return count(rows), err
	}, func(path, rows string) string {
		return lang.L("Export saved: {{.Path}} ({{.Rows}} rows)", map[string]any{"Path": path, "Rows": rows})
	})
}

// agendaChooser is the form of « Agenda (.ics)… »: a centre, and the whole
// centre or one of its mediators.
type agendaChooser struct {
	dlg      dialog.Dialog
	centre   *widget.Select
	mediator *widget.Select
	save     func()
}

// agendaPeople are the centres and the staff who take appointments.
type agendaPeople struct {
	centres  []stats.Centre
	accounts []agendaAccount
}

type agendaAccount struct {
	id, name, centre string
}

// chooseAgenda reads the centres and their mediators, then asks whose
// agenda to export.
func (v *reportsView) chooseAgenda() {
	db := v.db
	background(v.u, func() (agendaPeople, error) {
		var a agendaPeople
		var err error
		if a.centres, err = stats.Centres(db); err != nil {
			return a, err
		}
		err = staff.Accounts(db).All(func(id string, acc staff.Account) error {
			if !acc.Disabled && acc.Role != staff.Reception {
				a.accounts = append(a.accounts, agendaAccount{id, acc.Name, acc.Centre})
			}
			return nil
		})
		return a, err
	}, func(a agendaPeople, err error) {
		if !v.alive() {
			return
		}
		if err != nil {
			v.showResult("", err)
			return
		}
		v.showAgendaChooser(a)
	})
}

func (v *reportsView) showAgendaChooser(a agendaPeople) {
	ch := &agendaChooser{}
	v.agendaChooser = ch
	whole := lang.L("The whole centre")
	var mediatorIDs []string
	var centreNames []string
	for _, c := range a.centres {
		centreNames = append(centreNames, c.Name)
	}
	ch.mediator = widget.NewSelect(nil, nil)
	fill := func(i int) {
		mediatorIDs = []string{""}
		names := []string{whole}
		for _, acc := range a.accounts {
			if acc.centre == a.centres[i].ID {
				mediatorIDs = append(mediatorIDs, acc.id)
				names = append(names, acc.name)
			}
		}
		ch.mediator.SetOptions(names)
		ch.mediator.SetSelectedIndex(0)
	}
	ch.centre = widget.NewSelect(centreNames, func(string) { fill(ch.centre.SelectedIndex()) })
	for i, c := range a.centres {
		if c.ID == v.session.CentreID {
			ch.centre.SetSelectedIndex(i)
		}
	}
	if ch.centre.SelectedIndex() < 0 && len(a.centres) > 0 {
		ch.centre.SetSelectedIndex(0)
	}
	ch.save = func() {
		i, m := ch.centre.SelectedIndex(), ch.mediator.SelectedIndex()
		if i < 0 || m < 0 {
			return
		}
		v.saveAgenda(a.centres[i], mediatorIDs[m], ch.mediator.Selected)
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("reports.agenda.centre", "Centre"), ch.centre),
		{Text: lang.L("Whose agenda"), Widget: ch.mediator,
			HintText: lang.L("The appointments of the month: the procedure and the centre, never the person's name.")},
	}
	d := dialog.NewForm(lang.L("Agenda (.ics)"), lang.L("Choose the file…"), lang.L("Cancel"), items, func(ok bool) {
		v.agendaChooser = nil
		if ok {
			ch.save()
		}
	}, v.u.win)
	ch.dlg = d
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// saveAgenda asks where to save the agenda of c, or of one of its
// mediators, then writes it.
func (v *reportsView) saveAgenda(c stats.Centre, mediator, mediatorName string) {
	db, s := v.db, export.Scope{Period: v.period, Centre: c.ID, Who: v.who}
	who := c.Name
	if mediator != "" {
		who = mediatorName
	}
	name := "agenda-" + fileMonth(s.Period) + "-" + slug(who) + ".ics"
	v.save(name, ".ics", lang.L("Agenda (.ics)"), func(ctx context.Context, w io.Writer, progress func(float64, string)) (string, error) {
		n, err := export.Agenda(ctx, w, db, s, mediator, func(events int, done float64) {
			progress(done, lang.L("{{.Count}} appointments read", map[string]any{"Count": count(events)}))
		})
		return count(n), err
	}, func(path, n string) string {
		return lang.L("Agenda saved: {{.Path}} ({{.Count}} appointments)", map[string]any{"Path": path, "Count": n})
	})
}

// writeJob writes a document to w off the Fyne goroutine, reporting its
// progress; it returns a figure for the final message.
type writeJob func(ctx context.Context, w io.Writer, progress func(done float64, text string)) (string, error)

// save asks where to save a file named name, then runs write into it with
// a progress dialog and « Cancel ». A failed or cancelled job leaves no
// file behind; the panel then says what happened. Tests stand in for the
// dialog with saveHook.
func (v *reportsView) save(name, ext, title string, write writeJob, done func(path, figure string) string) {
	u := v.u
	got := func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showResult("", err)
			return
		}
		if w == nil {
			return // the dialog was cancelled
		}
		runTask(u, title, jobExport, func(ctx context.Context, progress func(float64, string)) (string, error) {
			figure, err := write(ctx, w, progress)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				// Half a file is worse than none: someone would send it.
				if derr := storage.Delete(w.URI()); derr != nil && !errors.Is(derr, storage.ErrNotExists) {
					fyne.LogError("remove an unfinished export", derr)
				}
				return "", err
			}
			return figure, nil
		}, func(figure string, err error) string {
			if err != nil {
				return lang.L("{{.Title}} ({{.File}}): {{.Outcome}}", map[string]any{"Title": title, "File": w.URI().Name(), "Outcome": resultText("", err)})
			}
			return done(w.URI().Path(), figure)
		}, func(figure string, err error) {
			if !v.alive() {
				return // the section was left: Relais locked meanwhile
			}
			if err != nil {
				v.showResult("", err)
				return
			}
			v.showResult(done(w.URI().Path(), figure), nil)
		})
	}
	if hook := u.reportsScreens().saveHook; hook != nil {
		got(hook(name))
		return
	}
	d := dialog.NewFileSave(got, u.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Show()
	d.Resize(u.dialogSize()) // only once shown: before, the dialog has no content
}

// showResult says how the last document went, under the buttons.
func (v *reportsView) showResult(text string, err error) {
	v.result.Show()
	switch {
	case errors.Is(err, context.Canceled):
		v.result.Importance = widget.WarningImportance
	case err != nil:
		v.result.Importance = widget.DangerImportance
	default:
		v.result.Importance = widget.SuccessImportance
	}
	v.result.SetText(resultText(text, err))
}

// resultText is text, or what stopped the document.
func resultText(text string, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return lang.L("Stopped: no file was kept.")
	case err != nil:
		return Message(err)
	}
	return text
}

// task is a long job run off the Fyne goroutine behind a dialog with a
// progress bar and « Cancel », which cancels the job's context.
type task struct {
	dlg    *dialog.CustomDialog
	bar    *widget.ProgressBar
	text   *widget.Label
	cancel *widget.Button
	stop   context.CancelFunc
	done   <-chan struct{} // closed once the job is stopped
	last   atomic.Int64    // when progress was last shown, unix nanoseconds
}

// progressEvery is the least time between two progress updates: more
// would flood the Fyne goroutine with work nobody sees.
const progressEvery = 100 * time.Millisecond

// runTask runs work behind a progress dialog, then apply on the Fyne
// goroutine once the dialog is gone. work's progress takes the share done
// (0 to 1) and a line of text; it may be called from any goroutine.
//
// The job is one of the session's (lock_job.go): a lock stops a jobPrepare,
// and lets an export or an import go on to its end; told then says, off
// the Fyne goroutine, what it did, for the log and for the colleague's next
// sign-in (apply still runs, but the section it would show in is gone).
func runTask[T any](u *UI, title string, kind jobKind, work func(ctx context.Context, progress func(float64, string)) (T, error),
	told func(T, error) string, apply func(T, error)) {
	ctx, stop := context.WithCancel(context.Background())
	t := &task{bar: widget.NewProgressBar(), text: widget.NewLabel(lang.X("reports.task.starting", "Starting…")), stop: stop, done: ctx.Done()}
	t.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		stop()
		t.cancel.Disable()
		t.text.SetText(lang.X("reports.task.stopping", "Stopping…"))
	})
	t.text.Wrapping = fyne.TextWrapWord
	t.dlg = dialog.NewCustomWithoutButtons(title, container.New(fixedWidth(420), container.NewVBox(t.bar, t.text)), u.win)
	t.dlg.SetButtons([]fyne.CanvasObject{t.cancel})
	t.dlg.Show()
	screens := u.reportsScreens()
	screens.task = t
	gate, hear := screens.gate, screens.taskProgress
	jobs := u.si.jobs
	var job *lockJob
	if jobs != nil {
		job = jobs.start(kind, stop)
	}
	progress := func(done float64, text string) {
		if job != nil {
			job.setDone(done)
		}
		if hear != nil {
			hear(done)
		}
		now := time.Now().UnixNano()
		if last := t.last.Load(); done < 1 && now-last < int64(progressEvery) || !t.last.CompareAndSwap(last, now) {
			return
		}
		if ctx.Err() != nil {
			return // stopped: nobody waits for more, the window may be closing
		}
		u.do(func() {
			if ctx.Err() == nil {
				t.bar.SetValue(min(max(done, 0), 1))
				t.text.SetText(text)
			}
			u.showFinishing() // the sign-in screen's line, after a lock
		})
	}
	u.busy.Add(1)
	go func() { // ends when work returns, whether the window still shows the session or not
		if gate != nil {
			<-gate
		}
		v, err := work(ctx, progress)
		closed := false
		if job != nil {
			// After a lock, the last job's end closes the session, before
			// anything is queued for the Fyne goroutine: closing the window
			// waits for it there.
			closed = jobs.end(job, func() string {
				if told == nil {
					return ""
				}
				return told(v, err)
			})
		}
		u.do(func() {
			defer u.busy.Add(-1)
			stop()
			t.dlg.Hide()
			if screens.task == t {
				screens.task = nil
			}
			apply(v, err)
			if closed {
				u.oldSessionClosed()
			}
		})
	}()
}
