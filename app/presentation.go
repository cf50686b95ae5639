package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/guides"
)

// presentationScale is how much larger the presentation window's text is.
const presentationScale = 1.6

// presentation is a second window, in large text, that the person reads
// (on a second screen, or turned towards them) while the mediator drives
// the guide from the main window: it follows the viewer's step.
type presentation struct {
	win     fyne.Window
	counter *widget.Label
	title   *widget.Label
	box     *fyne.Container
	v       *guideViewer
	// large holds the window's content in the larger theme; it is refreshed
	// when the step changes so that the new widgets take that theme too.
	large *container.ThemeOverride
}

func (v *guideViewer) openPresentation() {
	if v.present != nil {
		v.present.win.RequestFocus()
		return
	}
	u := v.s.u
	p := &presentation{v: v, win: u.app.NewWindow(lang.L("Relais: {{.Title}}", map[string]any{"Title": v.guide.Title}))}
	p.counter = widget.NewLabel("")
	p.title = heading("")
	p.box = container.NewVBox()
	guideTitle := widget.NewLabelWithStyle(v.guide.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	guideTitle.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(
		container.NewPadded(container.NewVBox(guideTitle, p.counter, widget.NewSeparator())), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(p.title, p.box))))
	p.large = container.NewThemeOverride(content, largeTheme{fyne.CurrentApp().Settings().Theme()})
	p.win.SetContent(p.large)
	p.win.Resize(fyne.NewSize(900, 700))
	p.win.SetOnClosed(func() {
		if v.present == p {
			v.present = nil
		}
	})
	v.present = p
	p.show(v.guide.Steps[v.step], v.step, len(v.guide.Steps))
	p.win.Show()
}

func (v *guideViewer) closePresentation() {
	if p := v.present; p != nil {
		v.present = nil
		p.win.Close()
	}
}

func (p *presentation) show(st guides.Step, i, total int) {
	p.counter.SetText(lang.L("Step {{.N}} of {{.Total}}", map[string]any{"N": strconv.Itoa(i + 1), "Total": strconv.Itoa(total)}))
	p.title.SetText(st.Title)
	p.box.Objects = stepObjects(st, p.v.pictures(st), true)
	if p.large != nil {
		p.large.Refresh()
	} else {
		p.box.Refresh()
	}
}

// largeTheme is the app's theme with larger text and icons.
type largeTheme struct{ fyne.Theme }

func (t largeTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * presentationScale
	}
	return s
}
