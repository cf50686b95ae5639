package app

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"relais/guides"
)

// GuideEditorView is the guide editor, while it is shown.
type GuideEditorView struct {
	Open                             bool
	Heading                          string
	Text                             *widget.Entry
	Save, Cancel, AddImage, Reviewed *widget.Button
	Problem, Notice                  string // empty when hidden
	// PreviewProblem is the parse problem the preview shows, empty when
	// it shows the guide.
	PreviewProblem string
	PreviewTitle   string
	PreviewTexts   []string              // every text of the steps shown, in order
	Confirm        *dialog.ConfirmDialog // « leave without saving? », while open
}

// GuideEditorView reads the guide editor.
func (u *UI) GuideEditorView() GuideEditorView {
	s := u.panels().guides
	if s == nil || s.editing.editor == nil || !s.editing.editor.alive() {
		return GuideEditorView{}
	}
	e := s.editing.editor
	v := GuideEditorView{Open: true, Heading: e.heading.Text, Text: e.text, Save: e.save, Cancel: e.cancel,
		AddImage: e.addImage, Reviewed: e.reviewed, Confirm: e.confirm}
	if e.problem.Visible() {
		v.Problem = e.problem.Text
	}
	if e.notice.Visible() {
		v.Notice = e.notice.Text
	}
	if e.previewProblem.Visible() {
		v.PreviewProblem = e.previewProblem.Text
	}
	if e.previewBody.Visible() {
		v.PreviewTitle = e.previewTitle.Text
		v.PreviewTexts = texts(e.previewSteps)
	}
	return v
}

// GuideEditButtons returns the list's « Nouveau guide » and the viewer's
// « Modifier » and « Dupliquer », as last drawn.
func (u *UI) GuideEditButtons() (newGuide, edit, duplicate *widget.Button) {
	s := u.panels().guides
	if s == nil {
		return nil, nil, nil
	}
	return s.editing.newButton, s.editing.editButton, s.editing.duplicateButton
}

// DuplicateGuideDialog returns the title entry and the dialog « Dupliquer » opened last.
func (u *UI) DuplicateGuideDialog() (*widget.Entry, *dialog.FormDialog) {
	s := u.panels().guides
	if s == nil {
		return nil, nil
	}
	return s.editing.duplicateTitle, s.editing.duplicateDialog
}

// AddEditorImage adds a picture to the open editor as « Ajouter une
// image… » does once the file is read.
func (u *UI) AddEditorImage(name string, data []byte) {
	if s := u.panels().guides; s != nil && s.editing.editor != nil {
		s.editing.editor.addPicture(name, data)
	}
}

// GuideNotice returns the text of the last short notice of the Guides
// section (« Version 2 enregistrée »).
func (u *UI) GuideNotice() string {
	if s := u.panels().guides; s != nil && s.editing.notice != nil {
		return s.editing.notice.Text
	}
	return ""
}

// GuideLibrary returns the signed-in centre's library of guides.
func (u *UI) GuideLibrary() *guides.Library { return u.guides }

// Helpers of the editor, for table tests.
var (
	GuideSlug     = slug
	PictureName   = pictureName
	InsertPicture = insertPicture
	SetReviewed   = setReviewed
)
