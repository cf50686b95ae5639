package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// SectionGuides is the Guides section's id.
const SectionGuides = sectionGuides

// GuidesView is what the Guides section shows.
type GuidesView struct {
	Open    bool
	Search  *widget.Entry
	Titles  []string // the guides listed, in order
	Buttons []*widget.Button
	Count   string
	Viewer  *GuideViewerView // nil when no guide is open
}

// GuideViewerView is the guide open in the viewer.
type GuideViewerView struct {
	Guide, Counter, StepTitle, Done, Problem string
	Progress                                 float64
	Prev, Next, Present                      *widget.Button
	Autonomy                                 []*widget.Button // empty without a person
	Texts                                    []string         // every text the step shows
	Presented                                *PresentationView
}

// PresentationView is the presentation window.
type PresentationView struct {
	Window           fyne.Window
	Counter, Title   string
	Texts            []string
	TextSize, Normal float32
}

// GuidesView reads the Guides section.
func (u *UI) GuidesView() GuidesView {
	s := u.panels().guides
	if s == nil || !s.alive() {
		return GuidesView{}
	}
	v := GuidesView{Open: true, Search: s.search, Count: s.count.Text}
	for _, o := range s.results.Objects {
		if box, ok := o.(*fyne.Container); ok {
			if b, ok := box.Objects[0].(*widget.Button); ok {
				v.Titles = append(v.Titles, b.Text)
				v.Buttons = append(v.Buttons, b)
			}
		}
	}
	if gv := s.viewer; gv != nil {
		vv := &GuideViewerView{Guide: gv.guide.Title, Counter: gv.counter.Text, StepTitle: gv.stepTitle.Text,
			Done: gv.done.Text, Progress: gv.bar.Value, Prev: gv.prev, Next: gv.next, Autonomy: gv.autonomy}
		if gv.problem.Visible() {
			vv.Problem = gv.problem.Text
		}
		vv.Present = gv.presentButton
		vv.Texts = texts(gv.stepBox)
		if p := gv.present; p != nil {
			vv.Presented = &PresentationView{Window: p.win, Counter: p.counter.Text, Title: p.title.Text, Texts: texts(p.box),
				TextSize: largeTheme{fyne.CurrentApp().Settings().Theme()}.Size("text"),
				Normal:   fyne.CurrentApp().Settings().Theme().Size("text")}
		}
		v.Viewer = vv
	}
	return v
}

// texts collects the text of labels, rich texts and checks under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	switch w := o.(type) {
	case *widget.Label:
		out = append(out, w.Text)
	case *widget.RichText:
		out = append(out, w.String())
	case *widget.Check:
		out = append(out, w.Text)
	case *widget.Card:
		out = append(out, texts(w.Content)...)
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, texts(c)...)
		}
	}
	return out
}

// OpenGuide opens a guide as a button of an appointment or a file does.
func (u *UI) OpenGuide(id, person string) { u.openGuide(id, person) }

// AppointmentGuideButton is the appointment dialog's « Ouvrir le guide », if any.
func (u *UI) AppointmentGuideButton() *widget.Button {
	if d := u.panels().appt; d != nil {
		return d.guide
	}
	return nil
}

// FileGuides returns the text of the open file's « Guides suivis » rows and their Resume buttons.
func (u *UI) FileGuides() (rows []string, resume []*widget.Button) {
	p := u.currentPeople()
	if p == nil || p.file == nil {
		return nil, nil
	}
	for _, o := range p.file.guides.Objects {
		rows = append(rows, joinTexts(texts(o)))
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				if b, ok := x.(*widget.Button); ok {
					resume = append(resume, b)
				}
			}
		}
	}
	return rows, resume
}

func joinTexts(ts []string) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += " | "
		}
		s += t
	}
	return s
}
