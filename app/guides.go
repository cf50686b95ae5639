package app

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // guide pictures
	_ "image/png"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/guides"
	"relais/people"
	"relais/staff"
)

// guidesSection is the « Guides » section: the library with its search,
// or one guide open in the viewer.
type guidesSection struct {
	u       *UI
	session *staff.Session
	root    *fyne.Container // the list or the viewer
	search  *widget.Entry
	results *fyne.Container
	count   *widget.Label
	viewer  *guideViewer
	editing guideEditing // the editor (guide_editor.go)
}

// guideWith, when set before the Guides section opens, is the guide to
// open in it, with a person or not.
type guideRequest struct {
	guide  string
	person string // id, empty for none
}

func (u *UI) guidesPanel() fyne.CanvasObject {
	s := &guidesSection{u: u, session: u.session, root: container.NewStack()}
	u.panels().guides = s
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search the guides: procedure, organisation, words of a step"))
	s.search.OnChanged = func(string) { s.showResults() }
	s.results = container.NewVBox()
	s.count = small("")
	if req := u.panels().openGuide; req != nil {
		u.panels().openGuide = nil
		s.open(req.guide, req.person)
	} else {
		s.showList()
	}
	return s.root
}

// alive reports whether the section is still the one shown.
func (s *guidesSection) alive() bool {
	u := s.u
	return u.shows(sectionGuides, s.session) &&
		u.panels().guides == s
}

func (s *guidesSection) showList() {
	s.closeViewer()
	intro := paragraph(lang.L("Follow an online form step by step beside the person, and note how autonomous they were: done for, done with, or done alone."))
	top := container.NewVBox(heading(lang.L("Guides")), intro,
		container.NewBorder(nil, nil, nil, s.newGuideButton(), s.search), s.count)
	s.root.Objects = []fyne.CanvasObject{container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewVScroll(container.NewPadded(s.results)))}
	s.root.Refresh()
	s.showResults()
	s.u.win.Canvas().Focus(s.search)
}

// showResults lists the guides matching the search, or all of them.
func (s *guidesSection) showResults() {
	lib := s.u.guides
	now := time.Now()
	s.results.Objects = nil
	q := strings.TrimSpace(s.search.Text)
	if q == "" {
		list := lib.List()
		for _, g := range list {
			s.results.Add(s.guideRow(g, "", now))
		}
		s.count.SetText(lang.L("{{.N}} guides in the library", map[string]any{"N": strconv.Itoa(len(list))}))
	} else {
		hits := lib.Search(q, 50)
		byID := map[string]guides.Summary{}
		for _, g := range lib.List() {
			byID[g.ID] = g
		}
		for _, h := range hits {
			s.results.Add(s.guideRow(byID[h.ID], h.Snippet, now))
		}
		if len(hits) == 0 {
			s.count.SetText(lang.L("No guide matches « {{.Query}} ».", map[string]any{"Query": q}))
		} else {
			s.count.SetText(lang.L("{{.N}} guides found", map[string]any{"N": strconv.Itoa(len(hits))}))
		}
	}
	s.results.Refresh()
}

func (s *guidesSection) guideRow(g guides.Summary, snippet string, now time.Time) fyne.CanvasObject {
	open := widget.NewButtonWithIcon(g.Title, theme.DocumentIcon(), func() { s.open(g.ID, "") })
	open.Alignment = widget.ButtonAlignLeading
	facts := guideFacts(g.Organisation, g.Steps, g.Duration)
	lines := []fyne.CanvasObject{open, small(facts)}
	if g.NeedsReview(now) {
		review := small(lang.L("To review: last checked on {{.Date}}", map[string]any{"Date": longDate(g.Reviewed)}))
		review.Importance = widget.WarningImportance
		lines = append(lines, review)
	}
	if snippet != "" {
		snip := small("… " + snippet + " …")
		snip.TextStyle.Italic = true
		lines = append(lines, snip)
	}
	return container.NewVBox(append(lines, widget.NewSeparator())...)
}

// guideFacts is « CAF · 12 étapes · environ 30 min » (« 1 étape » for one).
func guideFacts(organisation string, steps, minutes int) string {
	n := lang.L("{{.N}} steps", map[string]any{"N": strconv.Itoa(steps)})
	if steps == 1 {
		n = lang.L("1 step")
	}
	return lang.L("{{.Organisation}} · {{.Steps}} · about {{.Minutes}} min", map[string]any{
		"Organisation": organisation, "Steps": n, "Minutes": strconv.Itoa(minutes)})
}

// open shows guide id in the viewer; with a person (an id), the
// walkthrough resumes where they stopped, in any centre.
func (s *guidesSection) open(id, personID string) {
	u := s.u
	lib, ppl := u.guides, u.people
	type opened struct {
		guide    guides.Guide
		person   *people.Person
		progress guides.Progress
		images   map[string][]byte
	}
	background(u, func() (opened, error) {
		g, err := lib.Get(id)
		if err != nil {
			return opened{}, err
		}
		// The pictures are read here and decoded when their step shows:
		// the first step is drawn without waiting for the others.
		o := opened{guide: g, images: map[string][]byte{}}
		for _, file := range g.Images {
			if b, err := lib.Image(id, file); err == nil {
				o.images[file] = b
			} // otherwise the viewer says the picture is missing
		}
		if personID != "" {
			p, err := ppl.Get(personID)
			if err != nil {
				return opened{}, err
			}
			o.person = &p
			if o.progress, err = lib.Start(p.ID, id, p.Scope()); err != nil {
				return opened{}, err
			}
		}
		return o, nil
	}, func(o opened, err error) {
		if !s.alive() {
			return
		}
		if err != nil {
			s.showList()
			s.count.SetText(Message(err))
			return
		}
		s.closeViewer()
		v := newGuideViewer(s, o.guide, o.images, o.person, o.progress)
		s.viewer = v
		s.root.Objects = []fyne.CanvasObject{v.content}
		s.root.Refresh()
	})
}

func (s *guidesSection) closeViewer() {
	if s.viewer != nil {
		s.viewer.closePresentation()
		s.viewer = nil
	}
}

// guideViewer shows one step at a time, with the checklist of documents,
// the pitfalls set apart and the form's fields; with a person, the
// mediator marks each step done for, with, or by them.
type guideViewer struct {
	s        *guidesSection
	guide    guides.Guide
	raw      map[string][]byte      // the pictures' files
	images   map[string]image.Image // those decoded so far
	person   *people.Person
	progress guides.Progress
	step     int

	content   fyne.CanvasObject
	counter   *widget.Label
	bar       *widget.ProgressBar
	stepTitle *widget.Label
	stepBox   *fyne.Container
	done      *widget.Label
	prev      *widget.Button
	next      *widget.Button
	autonomy  []*widget.Button
	problem   *widget.Label
	present   *presentation
	// presentButton opens the presentation window.
	presentButton *widget.Button
}

func newGuideViewer(s *guidesSection, g guides.Guide, images map[string][]byte, person *people.Person, progress guides.Progress) *guideViewer {
	v := &guideViewer{s: s, guide: g, raw: images, images: map[string]image.Image{}, person: person, progress: progress}
	if person != nil {
		v.step = min(max(progress.Current, 0), len(g.Steps)-1)
	}
	back := widget.NewButtonWithIcon(lang.L("All the guides"), theme.NavigateBackIcon(), s.showList)
	present := widget.NewButtonWithIcon(lang.L("Show to the person"), theme.ViewFullScreenIcon(), v.openPresentation)
	v.presentButton = present
	title := heading(g.Title)
	facts := small(lang.L("{{.Organisation}} · {{.Site}} · version {{.Version}}, checked on {{.Date}}", map[string]any{
		"Organisation": g.Organisation, "Site": g.Site, "Version": strconv.Itoa(g.Version), "Date": longDate(g.Reviewed)}))
	edit, duplicate := s.editButtons(g)
	header := []fyne.CanvasObject{container.NewBorder(nil, nil, back, container.NewHBox(edit, duplicate, present)), title, facts}
	if g.NeedsReview(time.Now()) {
		warn := paragraph(lang.L("This guide was not checked for more than six months: the site may have changed."))
		warn.Importance = widget.WarningImportance
		header = append(header, warn)
	}
	if person != nil {
		who := widget.NewLabelWithStyle(lang.L("With {{.Name}}", map[string]any{"Name": person.FullName()}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		header = append(header, container.NewHBox(widget.NewIcon(theme.AccountIcon()), who))
	}
	v.counter = widget.NewLabel("")
	v.bar = widget.NewProgressBar()
	v.bar.TextFormatter = func() string { return "" }
	header = append(header, container.NewBorder(nil, nil, v.counter, nil, v.bar))

	v.stepTitle = subheading("")
	v.stepBox = container.NewVBox()
	v.done = widget.NewLabel("")
	v.problem = problemLabel()
	v.prev = widget.NewButtonWithIcon(lang.L("Previous"), theme.NavigateBackIcon(), func() { v.show(v.step - 1) })
	v.next = widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), func() { v.show(v.step + 1) })
	v.next.IconPlacement = widget.ButtonIconTrailingText
	v.next.Importance = widget.HighImportance
	nav := container.NewGridWithColumns(2, v.prev, v.next)
	bottom := []fyne.CanvasObject{widget.NewSeparator()}
	if person != nil {
		for _, a := range []guides.Autonomy{guides.DoneFor, guides.DoneWith, guides.DoneAlone} {
			level := a
			b := widget.NewButton(autonomyName(level), func() { v.mark(level) })
			v.autonomy = append(v.autonomy, b)
		}
		bottom = append(bottom, small(lang.L("When the step is done, say how:")),
			container.NewGridWithColumns(3, v.autonomy[0], v.autonomy[1], v.autonomy[2]), v.done)
	}
	bottom = append(bottom, v.problem, nav)

	body := container.NewVScroll(container.NewPadded(container.NewVBox(v.stepTitle, v.stepBox)))
	v.content = container.NewBorder(
		container.NewPadded(container.NewVBox(header...)),
		container.NewPadded(container.NewVBox(bottom...)),
		nil, nil, body)
	v.show(v.step)
	return v
}

// show draws step i.
func (v *guideViewer) show(i int) {
	g := v.guide
	if i < 0 || i >= len(g.Steps) {
		return
	}
	v.step = i
	st := g.Steps[i]
	v.counter.SetText(lang.L("Step {{.N}} of {{.Total}}", map[string]any{"N": strconv.Itoa(i + 1), "Total": strconv.Itoa(len(g.Steps))}))
	v.bar.SetValue(float64(i+1) / float64(len(g.Steps)))
	v.stepTitle.SetText(st.Title)
	v.stepBox.Objects = stepObjects(st, v.pictures(st), false)
	v.stepBox.Refresh()
	if i == 0 {
		v.prev.Disable()
	} else {
		v.prev.Enable()
	}
	if i == len(g.Steps)-1 {
		v.next.Disable()
	} else {
		v.next.Enable()
	}
	v.showDone()
	if v.present != nil {
		v.present.show(st, i, len(g.Steps))
	}
}

// pictures decodes the step's pictures, once each.
func (v *guideViewer) pictures(st guides.Step) map[string]image.Image {
	for _, im := range st.Images {
		if _, done := v.images[im.File]; done {
			continue
		}
		if b, ok := v.raw[im.File]; ok {
			if img, _, err := image.Decode(bytes.NewReader(b)); err == nil {
				v.images[im.File] = img
			}
		}
	}
	return v.images
}

// showDone says whether the step was done with the person, and how.
func (v *guideViewer) showDone() {
	if v.person == nil {
		return
	}
	if d, ok := v.progress.Done(v.step); ok {
		v.done.SetText(lang.L("Done on {{.Date}}: {{.How}}", map[string]any{"Date": shortDate(d.At) + " " + clockText(d.At), "How": autonomyName(d.Autonomy)}))
	} else {
		v.done.SetText(lang.L("Not done yet"))
	}
}

// mark records the step done with the autonomy level, then goes on.
func (v *guideViewer) mark(level guides.Autonomy) {
	u := v.s.u
	lib, person, guide, step := u.guides, v.person, v.guide.ID, v.step
	by, centre := u.session.Account.Login, u.session.CentreID
	for _, b := range v.autonomy {
		b.Disable()
	}
	background(u, func() (guides.Progress, error) {
		return lib.MarkStep(person.ID, guide, step, level, by, centre, person.Scope())
	}, func(p guides.Progress, err error) {
		for _, b := range v.autonomy {
			b.Enable()
		}
		if !v.s.alive() || v.s.viewer != v {
			return
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		setProblem(v.problem, "")
		v.progress = p
		if v.step < len(v.guide.Steps)-1 {
			v.show(v.step + 1)
		} else {
			v.showDone()
		}
	})
}

// stepObjects draws a step's content: instructions, documents to have at
// hand, pitfalls set apart, pictures and the form's fields. large is for
// the presentation window.
func stepObjects(st guides.Step, images map[string]image.Image, large bool) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	line := markdownLine
	if large {
		line = largeMarkdownLine
	}
	if strings.TrimSpace(st.Body) != "" {
		out = append(out, line(st.Body))
	}
	if len(st.Prepare) > 0 {
		items := []fyne.CanvasObject{widget.NewLabelWithStyle(lang.L("To have at hand"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
		for _, p := range st.Prepare {
			if large {
				items = append(items, line("• "+p))
			} else {
				c := widget.NewCheck(plainText(p), nil)
				items = append(items, c)
			}
		}
		out = append(out, widget.NewCard("", "", container.NewVBox(items...)))
	}
	if len(st.Pitfalls) > 0 {
		head := container.NewHBox(widget.NewIcon(theme.WarningIcon()),
			widget.NewLabelWithStyle(lang.L("Watch out"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		items := []fyne.CanvasObject{head}
		for _, p := range st.Pitfalls {
			items = append(items, line("• "+p))
		}
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
		bg.FillColor = withAlpha(theme.Color(theme.ColorNameWarning), 0x30)
		bg.CornerRadius = theme.InputRadiusSize()
		out = append(out, container.NewStack(bg, container.NewPadded(container.NewVBox(items...))))
	}
	for _, im := range st.Images {
		if img, ok := images[im.File]; ok {
			pic := canvas.NewImageFromImage(img)
			pic.FillMode = canvas.ImageFillContain
			b := img.Bounds()
			w := min(float32(b.Dx()), 640)
			pic.SetMinSize(fyne.NewSize(w, w*float32(b.Dy())/float32(max(b.Dx(), 1))))
			out = append(out, pic)
		} else {
			miss := small(lang.L("Picture « {{.Name}} » missing", map[string]any{"Name": im.File}))
			miss.Importance = widget.WarningImportance
			out = append(out, miss)
		}
		if im.Alt != "" {
			out = append(out, small(im.Alt))
		}
	}
	if len(st.Fields) > 0 {
		cells := []fyne.CanvasObject{
			widget.NewLabelWithStyle(lang.L("Field on the screen"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabelWithStyle(lang.L("What to enter"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		}
		for _, f := range st.Fields {
			name := widget.NewLabel(plainText(f[0]))
			name.Wrapping = fyne.TextWrapWord
			cells = append(cells, name, line(f[1]))
		}
		out = append(out, widget.NewCard("", "", container.New(layout.NewFormLayout(), cells...)))
	}
	return out
}

func markdownLine(md string) *widget.RichText {
	r := widget.NewRichTextFromMarkdown(md)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// largeMarkdownLine is markdownLine in the presentation window's size:
// rich text sizes its words by their segments' style, not by the theme
// the window overrides.
func largeMarkdownLine(md string) *widget.RichText {
	r := markdownLine(flattenLists(md))
	enlarge(r.Segments)
	r.Refresh()
	return r
}

// flattenLists turns Markdown list items into paragraphs that start with
// their bullet or number: Fyne draws list items at the normal size whatever
// their segments say.
func flattenLists(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		switch {
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
			lines[i] = "\n• " + t[2:] + "\n"
		default:
			if n, rest, ok := strings.Cut(t, ". "); ok && n != "" && strings.Trim(n, "0123456789") == "" {
				lines[i] = "\n" + n + "\\. " + rest + "\n"
			}
		}
	}
	return strings.Join(lines, "\n")
}

func enlarge(segs []widget.RichTextSegment) {
	for _, seg := range segs {
		switch s := seg.(type) {
		case *widget.TextSegment:
			if s.Style.SizeName == "" || s.Style.SizeName == theme.SizeNameText {
				s.Style.SizeName = theme.SizeNameSubHeadingText
			}
		case *widget.ParagraphSegment:
			enlarge(s.Texts)
		case *widget.ListSegment:
			enlarge(s.Items)
		}
	}
}

// plainText drops the Markdown emphasis marks of a short line.
func plainText(md string) string {
	return strings.NewReplacer("**", "", "__", "", "`", "").Replace(md)
}

// openGuide opens a guide in the Guides section, for a person when one is
// given (from an appointment or their file).
func (u *UI) openGuide(id, person string) {
	if u.session == nil {
		return
	}
	if s := u.panels().guides; s != nil && s.alive() {
		s.open(id, person)
		return
	}
	u.panels().openGuide = &guideRequest{guide: id, person: person}
	u.goToSection(sectionGuides)
}

// guideForProcedure returns the guide of a procedure, if the library has one.
func (u *UI) guideForProcedure(code string) (guides.Summary, bool) {
	if u.guides == nil {
		return guides.Summary{}, false
	}
	list := u.guides.ForProcedure(code)
	if len(list) == 0 {
		return guides.Summary{}, false
	}
	return list[0], true
}

// withAlpha returns c with the given opacity.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
