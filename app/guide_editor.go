package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"maps"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"relais/actor"
	"relais/appointments"
	"relais/guides"
	"relais/problem"
	"relais/staff"
)

// previewDelay is how long the text must rest before the preview parses
// it again: long enough not to parse at every key, short enough to feel live.
const previewDelay = 300 * time.Millisecond

// guideEditing is the Guides section's part that belongs to the editor:
// the guide being edited and the buttons that open the editor.
type guideEditing struct {
	editor *guideEditor
	// The buttons and dialogs last made, for the tests.
	newButton, editButton, duplicateButton *widget.Button
	duplicateTitle                         *widget.Entry
	duplicateDialog                        *dialog.FormDialog
	notice                                 *widget.Label
}

// guideEditor edits a guide's source, in the guide format, beside a live
// preview. Nothing is written before « Enregistrer », and a refused save
// keeps the text as typed.
type guideEditor struct {
	s *guidesSection
	editorStart
	// gen counts the changes of the text: a preview of an older text
	// arriving late is dropped.
	gen    int
	saving bool
	// accepted is the last text within the size of a guide.
	accepted string

	content        fyne.CanvasObject
	heading        *widget.Label
	text           *widget.Entry
	notice         *widget.Label // the draft taken back
	problem        *widget.Label // why the save was refused
	save           *widget.Button
	cancel         *widget.Button
	addImage       *widget.Button
	reviewed       *widget.Button
	previewProblem *widget.Label
	previewBody    *fyne.Container
	previewTitle   *widget.Label
	previewFacts   *widget.Label
	previewReview  *widget.Label
	previewSteps   *fyne.Container
	previewScroll  *container.Scroll
	confirm        *dialog.ConfirmDialog // « leave without saving? », while open
}

// editorStart is what the editor opens with; an unsaved draft keeps it.
type editorStart struct {
	id         string // the guide edited; empty for a new one
	title      string // its title when opened
	base       int    // the version opened, 0 for a new guide
	original   string // the text when opened
	text       string
	templateID string // a new guide's id in the template: replaced by one made from the title if kept
	// images are the pictures added in the editor, not stored yet, by file name.
	images map[string][]byte
	// stored are the pictures the guide already had.
	stored map[string][]byte
	// decoded are the pictures the preview shows, stored or added.
	decoded map[string]image.Image
}

// drafts keeps, per window, the text of an editor left without saving
// (another section opened, the Guides section shown again): opening the
// same guide again takes it back, so nothing typed is lost.
var (
	draftsMu sync.Mutex
	drafts   = map[*UI]*guideDraft{}
)

type guideDraft struct {
	session *staff.Session
	editorStart
}

func (u *UI) keepDraft(e *guideEditor) {
	draftsMu.Lock()
	defer draftsMu.Unlock()
	st := e.editorStart
	st.text = e.text.Text
	if st.text == st.original {
		if d := drafts[u]; d != nil && d.id == st.id {
			delete(drafts, u) // changed back as it was
		}
		return
	}
	drafts[u] = &guideDraft{session: u.session, editorStart: st}
}

// takeDraft returns the unsaved draft of guide id ("" for a new guide), if any.
func (u *UI) takeDraft(id string) (editorStart, bool) {
	draftsMu.Lock()
	defer draftsMu.Unlock()
	d := drafts[u]
	if d == nil || d.session != u.session || d.id != id {
		return editorStart{}, false
	}
	return d.editorStart, true
}

func (u *UI) dropDraft() {
	draftsMu.Lock()
	defer draftsMu.Unlock()
	delete(drafts, u)
}

// newGuideButton is the list's « Nouveau guide ».
func (s *guidesSection) newGuideButton() *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("New guide"), theme.ContentAddIcon(), s.newGuide)
	s.editing.newButton = b
	if !s.u.si.Actor.Can(actor.EditGuides) {
		b.Hide() // the front desk reads guides; mediators write them
	}
	return b
}

// editButtons are the viewer's « Modifier » and « Dupliquer » for g.
func (s *guidesSection) editButtons(g guides.Guide) (edit, duplicate *widget.Button) {
	edit = widget.NewButtonWithIcon(lang.X("guide_editor.edit", "Edit"), theme.DocumentCreateIcon(), func() { s.editGuide(g.ID) })
	duplicate = widget.NewButtonWithIcon(lang.X("guide_editor.duplicate", "Duplicate"), theme.ContentCopyIcon(), func() { s.askDuplicate(g) })
	s.editing.editButton, s.editing.duplicateButton = edit, duplicate
	if !s.u.si.Actor.Can(actor.EditGuides) {
		edit.Hide()
		duplicate.Hide()
	}
	return edit, duplicate
}

// newGuide opens the editor on a template: the centre as author, today as
// the review date, one example step.
func (s *guidesSection) newGuide() {
	u := s.u
	if d, ok := u.takeDraft(""); ok {
		s.showEditor(d, true)
		return
	}
	lib := u.guides
	texts := templateTexts{
		title: lang.L("New guide"), organisation: lang.L("Name of the organisation"),
		intro: lang.L("One or two sentences: what the procedure is for, and what the person will know how to do at the end."),
		step:  lang.L("Open the site"),
		body:  lang.L("Open the browser and type the address of the site in the bar at the top."),
		have:  lang.L("the person's phone (a code arrives by text message)"),
		watch: lang.L("Some fake sites charge a fee: the address must end in .gouv.fr."),
	}
	author := u.session.Centre.Name
	base := slug(texts.title)
	background(u, func() (editorStart, error) {
		g := newGuideTemplate(lib, texts, author, freeGuideID(lib, base))
		text := string(guides.Format(g))
		return editorStart{text: text, original: text, templateID: g.ID}, nil
	}, func(st editorStart, _ error) {
		if s.alive() {
			s.showEditor(st, false)
		}
	})
}

// templateTexts are the translated texts of a new guide's template.
type templateTexts struct {
	title, organisation, intro, step, body, have, watch string
}

// newGuideTemplate is a new guide that follows the format: it previews at
// once, and its procedure is the first of the catalogue without a guide.
func newGuideTemplate(lib *guides.Library, t templateTexts, author, id string) guides.Guide {
	catalogue := appointments.Catalogue()
	code := ""
	for _, p := range catalogue {
		if len(lib.ForProcedure(p.Code)) == 0 {
			code = p.Code
			break
		}
	}
	if code == "" && len(catalogue) > 0 {
		code = catalogue[0].Code
	}
	if strings.TrimSpace(author) == "" {
		author = "Relais"
	}
	return guides.Guide{
		ID: id, Title: t.title, Procedures: []string{code}, Organisation: t.organisation,
		Site: "https://www.service-public.fr", Version: 1, Reviewed: today(lib), Author: author, Duration: 20,
		Intro: t.intro,
		Steps: []guides.Step{{Title: t.step, Body: t.body, Prepare: []string{t.have}, Pitfalls: []string{t.watch}}},
	}
}

// today is the library's date, in Paris: the centres' day.
func today(lib *guides.Library) time.Time {
	y, m, d := lib.Now().In(appointments.Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// editGuide opens the editor on the current version of guide id.
func (s *guidesSection) editGuide(id string) {
	u := s.u
	if d, ok := u.takeDraft(id); ok {
		s.showEditor(d, true)
		return
	}
	lib := u.guides
	s.openEditorOn(func() (guides.Guide, error) { return lib.Get(id) })
}

// openEditorOn opens the editor on the guide load gives, read off the Fyne
// goroutine; a problem shows in the viewer.
func (s *guidesSection) openEditorOn(load func() (guides.Guide, error)) {
	lib := s.u.guides
	background(s.u, func() (editorStart, error) {
		g, err := load()
		if err != nil {
			return editorStart{}, err
		}
		return startFrom(lib, g), nil
	}, func(st editorStart, err error) {
		if !s.alive() {
			return
		}
		if err != nil {
			s.tellViewer(Message(err))
			return
		}
		s.showEditor(st, false)
	})
}

// startFrom reads g's pictures for the preview; a missing one shows as
// missing there, as in the viewer.
func startFrom(lib *guides.Library, g guides.Guide) editorStart {
	text := string(guides.Format(g))
	st := editorStart{id: g.ID, title: g.Title, base: g.Version, original: text, text: text,
		stored: map[string][]byte{}, decoded: map[string]image.Image{}}
	for _, file := range g.Images {
		b, err := lib.Image(g.ID, file)
		if err != nil {
			continue
		}
		st.stored[file] = b
		if img, _, err := image.Decode(bytes.NewReader(b)); err == nil {
			st.decoded[file] = img
		}
	}
	return st
}

// tellViewer shows a problem in the open viewer, or in the list.
func (s *guidesSection) tellViewer(msg string) {
	if v := s.viewer; v != nil {
		setProblem(v.problem, msg)
		return
	}
	s.count.SetText(msg)
}

// askDuplicate asks for the title of a copy of g, then makes it and opens
// it in the editor.
func (s *guidesSection) askDuplicate(g guides.Guide) {
	u := s.u
	title := widget.NewEntry()
	suggested := lang.L("{{.Title}} ({{.Centre}})", map[string]any{"Title": g.Title, "Centre": u.session.Centre.Name})
	if len([]rune(suggested)) > guides.MaxTitle {
		suggested = g.Title
	}
	title.SetText(suggested)
	title.Validator = func(t string) error {
		if t = strings.TrimSpace(t); t == "" || len([]rune(t)) > guides.MaxTitle {
			return errors.New(lang.L("A title of 1 to {{.Max}} characters", map[string]any{"Max": strconv.Itoa(guides.MaxTitle)}))
		}
		return nil
	}
	items := []*widget.FormItem{{Text: lang.L("Title of the copy"), Widget: title,
		HintText: lang.L("The copy is a new guide of your centre; the original stays as it is.")}}
	d := dialog.NewForm(lang.L("Duplicate the guide"), lang.X("guide_editor.duplicate", "Duplicate"), lang.L("Cancel"), items, func(ok bool) {
		if ok {
			s.duplicate(g.ID, strings.TrimSpace(title.Text))
		}
	}, u.win)
	s.editing.duplicateTitle, s.editing.duplicateDialog = title, d
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(title)
}

// duplicate copies guide id as a new guide titled title, with an id made
// from the title, and opens the copy in the editor.
func (s *guidesSection) duplicate(id, title string) {
	u := s.u
	lib, by := u.guides, u.session.Account.Login
	base := slug(title)
	s.openEditorOn(func() (guides.Guide, error) { return lib.Duplicate(id, freeGuideID(lib, base), title, by) })
}

// slug makes a name for files and ids from a title: lower case,
// without accents, anything but letters and digits turned into dashes, 48
// characters at most.
func slug(title string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, _ := transform.String(t, title)
	s = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss").Replace(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) < 3 {
		out = strings.Trim("guide-"+out, "-")
	}
	return cutID(out, maxGuideID)
}

// maxGuideID is the longest guide id the format accepts.
const maxGuideID = 48

// cutID shortens id to n bytes (it is ASCII), without a dash at the end.
func cutID(id string, n int) string {
	if len(id) > n {
		id = id[:n]
	}
	return strings.TrimRight(id, "-")
}

// freeGuideID returns base, or base with a number after it, that no guide
// of the library uses.
func freeGuideID(lib *guides.Library, base string) string {
	free := func(id string) bool {
		_, err := lib.Get(id)
		return errors.Is(err, guides.ErrUnknownGuide)
	}
	if free(base) {
		return base
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		if id := cutID(base, maxGuideID-len(suffix)) + suffix; free(id) {
			return id
		}
	}
}

// showEditor replaces the list or the viewer with the editor.
func (s *guidesSection) showEditor(st editorStart, fromDraft bool) {
	u := s.u
	s.closeViewer()
	if st.images == nil {
		st.images = map[string][]byte{}
	}
	if st.stored == nil {
		st.stored = map[string][]byte{}
	}
	if st.decoded == nil {
		st.decoded = map[string]image.Image{}
	}
	e := &guideEditor{s: s, editorStart: st}
	s.editing.editor = e

	if st.id == "" {
		e.heading = heading(lang.L("New guide"))
	} else {
		e.heading = heading(lang.L("Edit « {{.Title}} »", map[string]any{"Title": st.title}))
	}
	e.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.NavigateBackIcon(), e.askLeave)
	e.addImage = widget.NewButtonWithIcon(lang.L("Add a picture…"), theme.FileImageIcon(), e.chooseImage)
	e.reviewed = widget.NewButtonWithIcon(lang.L("Mark as reviewed today"), theme.ConfirmIcon(), e.markReviewed)
	e.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), e.saveGuide)
	e.save.Importance = widget.HighImportance
	bar := container.NewBorder(nil, nil, e.cancel, container.NewHBox(e.addImage, e.reviewed, e.save))
	help := small(strings.Join([]string{
		lang.L("Header between two lines « --- »: id, title, procedures, organisation, site, version, reviewed, author, duration."),
		lang.L("One step per « ## Title »: the instructions, then « ### À avoir sous la main » and « ### Attention », each a list of « - » lines."),
		lang.L("A picture alone on its line: ![description](file.png). A two-column table « | Champ | Ce qu'il faut saisir | » describes a form."),
	}, "\n"))
	e.notice = paragraph(lang.L("Your unsaved text from earlier is back. « Cancel » drops it."))
	e.notice.Importance = widget.WarningImportance
	if !fromDraft {
		e.notice.Hide()
	}
	e.problem = problemLabel()
	top := container.NewVBox(bar, e.heading, help, e.notice, e.problem)

	e.text = widget.NewMultiLineEntry()
	e.text.TextStyle = fyne.TextStyle{Monospace: true}
	e.text.Wrapping = fyne.TextWrapWord
	e.text.SetText(st.text)
	e.text.OnChanged = e.changed
	source := container.NewBorder(widget.NewLabelWithStyle(lang.L("Text of the guide"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, e.text)

	e.previewProblem = problemLabel()
	e.previewTitle = subheading("")
	e.previewFacts = small("")
	e.previewReview = paragraph(lang.L("This guide was not checked for more than six months: the site may have changed."))
	e.previewReview.Importance = widget.WarningImportance
	e.previewSteps = container.NewVBox()
	e.previewBody = container.NewVBox(e.previewTitle, e.previewFacts, e.previewReview, e.previewSteps)
	e.previewScroll = container.NewVScroll(container.NewPadded(container.NewVBox(e.previewProblem, e.previewBody)))
	preview := container.NewBorder(widget.NewLabelWithStyle(lang.X("guide_editor.preview", "Preview"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, e.previewScroll)

	split := container.NewHSplit(container.NewPadded(source), container.NewPadded(preview))
	split.Offset = 0.5
	e.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
	s.root.Objects = []fyne.CanvasObject{e.content}
	s.root.Refresh()
	u.win.Canvas().Focus(e.text)
	e.changed(e.text.Text)
}

// tell shows why something was refused above the text, or hides it for "".
func (e *guideEditor) tell(msg string) {
	if msg == e.problem.Text && e.problem.Visible() == (msg != "") {
		return
	}
	setProblem(e.problem, msg)
	e.content.Refresh() // the top grows or shrinks: the panes move
}

// alive reports whether the editor is the one shown.
func (e *guideEditor) alive() bool {
	s := e.s
	return s.alive() && s.editing.editor == e && len(s.root.Objects) == 1 && s.root.Objects[0] == e.content
}

// changed keeps the draft and schedules a preview once typing pauses. A
// text over the size of a guide (a whole document pasted) is neither
// parsed nor kept: the entry would take minutes to lay it out, so the
// text goes back to what it was before, and the problem says why.
func (e *guideEditor) changed(text string) {
	u := e.s.u
	if len(text) > guides.MaxSize {
		e.text.SetText(e.accepted) // comes back here with the text before
		e.tell(tooLargeMessage(len(text)))
		return
	}
	e.accepted = text
	e.gen++
	u.keepDraft(e)
	gen := e.gen
	u.busy.Add(1) // tests wait for the preview
	time.AfterFunc(previewDelay, func() {
		u.do(func() {
			defer u.busy.Add(-1)
			if gen == e.gen && e.alive() {
				e.preview()
			}
		})
	})
}

// tooLargeMessage says that a text of size bytes is over the size of a guide.
func tooLargeMessage(size int) string {
	return lang.L("The text pasted is too large ({{.Size}} KB): a guide is at most {{.Max}} KB, so it was not added and your guide stays as it was. Did you paste a whole document? Paste only the steps, and add screenshots as pictures.",
		map[string]any{"Size": strconv.Itoa(size >> 10), "Max": strconv.Itoa(guides.MaxSize >> 10)})
}

// sourceName is the name a parse problem gives the text: « Votre texte,
// ligne 12 : … ».
func sourceName() string { return lang.X("guide_editor.your_text", "Your text") }

// preview parses the text off the Fyne goroutine and shows the guide, or
// the first problem with its line.
func (e *guideEditor) preview() {
	text, gen, name := e.text.Text, e.gen, sourceName()
	background(e.s.u, func() (guides.Guide, error) {
		return guides.Parse(name, []byte(text))
	}, func(g guides.Guide, err error) {
		if gen != e.gen || !e.alive() {
			return
		}
		if err != nil {
			e.showPreviewProblem(Message(err))
			return
		}
		e.showPreview(g)
	})
}

func (e *guideEditor) showPreviewProblem(msg string) {
	setProblem(e.previewProblem, msg)
	e.previewBody.Hide()
	e.previewScroll.Refresh()
}

// showPreview draws the guide as the viewer would, every step one below
// the other.
func (e *guideEditor) showPreview(g guides.Guide) {
	setProblem(e.previewProblem, "")
	e.previewTitle.SetText(g.Title)
	e.previewFacts.SetText(guideFacts(g.Organisation, len(g.Steps), g.Duration))
	if g.NeedsReview(e.s.u.guides.Now()) {
		e.previewReview.Show()
	} else {
		e.previewReview.Hide()
	}
	var objs []fyne.CanvasObject
	if strings.TrimSpace(g.Intro) != "" {
		objs = append(objs, markdownLine(g.Intro))
	}
	for i, st := range g.Steps {
		objs = append(objs, widget.NewSeparator(),
			small(lang.L("Step {{.N}} of {{.Total}}", map[string]any{"N": strconv.Itoa(i + 1), "Total": strconv.Itoa(len(g.Steps))})),
			subheading(st.Title))
		step := stepObjects(st, e.decoded, false)
		fitPreview(step)
		objs = append(objs, step...)
	}
	e.previewSteps.Objects = objs
	e.previewBody.Show()
	// The scroll lays its content out again: the new steps' heights
	// change the whole column's, not only their box's.
	e.previewScroll.Refresh()
}

// previewImageWidth is the widest a picture is drawn in the preview,
// which has half the width of the viewer.
const previewImageWidth = 360

// fitPreview makes a step's objects fit the preview's half width: the
// checklist's boxes, which do not wrap, become wrapped lines, and large
// pictures are drawn smaller.
func fitPreview(objs []fyne.CanvasObject) {
	for i, o := range objs {
		switch w := o.(type) {
		case *widget.Check:
			objs[i] = paragraph("• " + w.Text)
		case *canvas.Image:
			if m := w.MinSize(); m.Width > previewImageWidth {
				w.SetMinSize(fyne.NewSize(previewImageWidth, m.Height*previewImageWidth/m.Width))
			}
		case *widget.Card:
			if c, ok := w.Content.(*fyne.Container); ok {
				fitPreview(c.Objects)
			}
		case *fyne.Container:
			fitPreview(w.Objects)
		}
	}
}

// errIDChanged refuses a save whose header names another guide.
var errIDChanged = errors.New("the id in the header is not the guide's")

// saveGuide parses the text and, if it is a guide, saves it as a new
// version; a refused save shows why and keeps the text.
func (e *guideEditor) saveGuide() {
	if e.saving {
		return
	}
	u := e.s.u
	text := e.text.Text
	if len(text) > guides.MaxSize {
		e.tell(tooLargeMessage(len(text)))
		return
	}
	lib, by, name := u.guides, u.session.Account.Login, sourceName()
	id, base, templateID := e.id, e.base, e.templateID
	images := maps.Clone(e.images)
	e.saving = true
	e.save.Disable()
	e.tell("")
	background(u, func() (guides.Guide, error) {
		g, err := guides.Parse(name, []byte(text))
		if err != nil {
			return g, err
		}
		switch {
		case id != "" && g.ID != id:
			return g, errIDChanged
		case id == "" && g.ID == templateID:
			g.ID = freeGuideID(lib, slug(g.Title)) // the template's id was only a placeholder
		}
		g.Version = base
		used := map[string][]byte{}
		for _, file := range g.Images {
			if b, ok := images[file]; ok {
				used[file] = b
			}
		}
		return lib.Save(g, used, by)
	}, func(saved guides.Guide, err error) {
		e.saving = false
		e.save.Enable()
		if !e.alive() {
			return
		}
		if err != nil {
			e.tell(e.saveProblem(err))
			return
		}
		e.original = text
		u.dropDraft()
		s := e.s
		s.editing.editor = nil
		s.open(saved.ID, "")
		s.notify(lang.L("Version {{.N}} saved", map[string]any{"N": strconv.Itoa(saved.Version)}))
	})
}

// saveProblem says why a save was refused.
func (e *guideEditor) saveProblem(err error) string {
	switch {
	case errors.Is(err, errIDChanged):
		return lang.L("The id of a guide cannot change: put back « id: {{.ID}} » in the header, or use « Duplicate » to make a new guide from this one.",
			map[string]any{"ID": e.id})
	case errors.Is(err, guides.ErrChangedMeanwhile):
		version := ""
		if p, ok := problem.Find(err); ok {
			version = fmt.Sprint(p.Args["version"])
		}
		if version == "0" {
			return Message(err) // deleted meanwhile
		}
		return lang.L("Someone saved this guide meanwhile, maybe in a partner centre: it is now at version {{.Version}}. Your text is still here and nothing was written. Copy it (Ctrl+A, Ctrl+C), open the guide again to see their changes, then bring yours back.",
			map[string]any{"Version": version})
	}
	return Message(err)
}

// notify shows a short message at the top of the window for a few seconds.
func (s *guidesSection) notify(text string) {
	u := s.u
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.Importance = widget.SuccessImportance
	s.editing.notice = l
	pop := widget.NewPopUp(container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), l), u.win.Canvas())
	// At the top, in the middle of the header: nothing to tap there.
	size, want := u.win.Canvas().Size(), pop.MinSize()
	pop.ShowAtPosition(fyne.NewPos((size.Width-want.Width)/2, 2*theme.Padding()))
	time.AfterFunc(4*time.Second, func() { u.do(pop.Hide) })
}

// askLeave goes back to the viewer or the list, asking first when the
// text changed.
func (e *guideEditor) askLeave() {
	if e.text.Text == e.original {
		e.leave()
		return
	}
	e.confirm = dialog.NewConfirm(lang.L("Leave without saving?"),
		lang.L("The changes made to this guide since it was opened will be lost."), func(ok bool) {
			e.confirm = nil
			if ok {
				e.leave()
			}
		}, e.s.u.win)
	e.confirm.SetConfirmText(lang.L("Leave without saving"))
	e.confirm.SetDismissText(lang.L("Keep editing"))
	e.confirm.SetConfirmImportance(widget.DangerImportance)
	e.confirm.Show()
}

func (e *guideEditor) leave() {
	s := e.s
	s.u.dropDraft()
	s.editing.editor = nil
	if e.id != "" {
		s.open(e.id, "")
	} else {
		s.showList()
	}
}

// markReviewed sets the header's review date to today.
func (e *guideEditor) markReviewed() {
	day := today(e.s.u.guides).Format(time.DateOnly)
	text, ok := setReviewed(e.text.Text, day)
	if !ok {
		e.tell(lang.L("The text must start with its header between two lines « --- » to be marked as reviewed."))
		return
	}
	e.tell("")
	e.text.SetText(text)
}

// setReviewed sets « reviewed: » in the header of text to day, adding the
// line when the header has none; ok is false without a header.
func setReviewed(text, day string) (string, bool) {
	lines := strings.Split(text, "\n")
	if strings.TrimRight(strings.TrimPrefix(lines[0], "\ufeff"), " \t\r") != "---" {
		return text, false
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t\r")
		if l == "---" || l == "..." {
			lines = append(lines[:i], append([]string{"reviewed: " + day}, lines[i:]...)...)
			return strings.Join(lines, "\n"), true
		}
		if strings.HasPrefix(l, "reviewed:") {
			lines[i] = "reviewed: " + day
			return strings.Join(lines, "\n"), true
		}
	}
	return text, false
}

// chooseImage asks for a PNG or JPEG file and adds it to the guide.
func (e *guideEditor) chooseImage() {
	u := e.s.u
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			e.tell(Message(err))
			return
		}
		if r == nil {
			return
		}
		name := r.URI().Name()
		background(u, func() ([]byte, error) {
			defer r.Close()
			return io.ReadAll(io.LimitReader(r, guides.MaxImageSize+1))
		}, func(data []byte, err error) {
			if !e.alive() {
				return
			}
			if err != nil {
				e.tell(Message(err))
				return
			}
			e.addPicture(name, data)
		})
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Show()
	d.Resize(u.dialogSize())
}

// addPicture keeps the picture data under a file name made from name,
// and writes it into the text at the cursor's step (or at the end). Too
// large or unreadable, it is refused with the library's own message.
func (e *guideEditor) addPicture(name string, data []byte) {
	file := pictureName(name)
	if len(data) > guides.MaxImageSize {
		e.tell(Message(guides.ErrImageTooLarge.With("file", file, "max", guides.MaxImageSize>>10, "size", len(data)>>10)))
		return
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		e.tell(Message(guides.ErrNotAnImage.With("file", file)))
		return
	}
	file = e.freePictureName(file, data)
	e.tell("")
	e.images[file] = data
	e.decoded[file] = img
	line := "![" + lang.L("What the picture shows") + "](" + file + ")"
	e.text.SetText(insertPicture(e.text.Text, e.text.CursorTextOffset(), line))
}

// pictureName makes a file name the format accepts from a file's name:
// lower case, no accents, spaces and other signs turned into dashes.
func pictureName(name string) string {
	name = strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		ext = ".png"
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	stem, _, _ = transform.String(t, stem)
	var b strings.Builder
	for _, r := range stem {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-'):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	stem = strings.Trim(b.String(), "-_")
	if stem == "" {
		stem = "image"
	}
	if len(stem) > 80 {
		stem = strings.TrimRight(stem[:80], "-_")
	}
	return stem + ext
}

// freePictureName returns file, or file with a number, so that another
// picture of the guide keeps its name.
func (e *guideEditor) freePictureName(file string, data []byte) string {
	taken := func(f string) bool {
		if b, ok := e.images[f]; ok {
			return !bytes.Equal(b, data)
		}
		if b, ok := e.stored[f]; ok {
			return !bytes.Equal(b, data)
		}
		return false
	}
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	for n := 2; taken(file); n++ {
		file = stem + "-" + strconv.Itoa(n) + ext
	}
	return file
}

// insertPicture puts line, alone between blank lines, after the line of
// text holding offset (in runes): inside a step, since pictures belong to
// steps. An offset in the header or the introduction puts it at the end.
func insertPicture(text string, offset int, line string) string {
	at, n := len(text), 0 // offset in bytes
	for i := range text {
		if n >= offset {
			at = i
			break
		}
		n++
	}
	firstStep := -1
	for i, pos := 0, 0; pos < len(text); i++ {
		end := strings.IndexByte(text[pos:], '\n')
		l := text[pos:]
		if end >= 0 {
			l = text[pos : pos+end]
		}
		if strings.HasPrefix(l, "## ") {
			firstStep = pos
			break
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	if firstStep < 0 || at < firstStep {
		at = len(text)
	} else if end := strings.IndexByte(text[at:], '\n'); end >= 0 {
		at += end
	} else {
		at = len(text)
	}
	before, after := strings.TrimRight(text[:at], "\n"), strings.TrimLeft(text[at:], "\n")
	out := before + "\n\n" + line + "\n"
	if after != "" {
		out += "\n" + after
	}
	return out
}
