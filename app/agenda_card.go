package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/appointments"
)

// agendaCard is an appointment in the day view: time and name, procedure,
// status, with the status colour on its side. Tapping it opens the
// appointment.
type agendaCard struct {
	widget.BaseWidget
	item   appointments.AgendaItem
	person string
	text   string // « 14:30 · Awa Diallo · Déclaration de revenus »
	onTap  func()
	status *widget.Label
}

func newAgendaCard(it appointments.AgendaItem, person string, onTap func()) *agendaCard {
	c := &agendaCard{item: it, person: person, text: cardText(it, person), onTap: onTap}
	c.ExtendBaseWidget(c)
	return c
}

func (c *agendaCard) CreateRenderer() fyne.WidgetRenderer {
	it := c.item
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	strip := canvas.NewRectangle(statusColour(it.Status))
	strip.SetMinSize(fyne.NewSize(5, 0))
	strip.CornerRadius = 2

	who := widget.NewLabelWithStyle(clockText(it.Start)+" · "+c.person, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	who.Truncation = fyne.TextTruncateEllipsis
	what := widget.NewLabel(procedureTitle(it.Procedure))
	what.Truncation = fyne.TextTruncateEllipsis
	what.SizeName = theme.SizeNameCaptionText
	c.status = widget.NewLabel(statusName(it.Status))
	c.status.SizeName = theme.SizeNameCaptionText
	c.status.Truncation = fyne.TextTruncateEllipsis
	if it.Mode != appointments.OnSite && it.Mode != "" {
		c.status.SetText(statusName(it.Status) + " · " + modeName(it.Mode))
	}
	if it.Status == appointments.Cancelled || it.Status == appointments.Excused {
		who.Importance = widget.LowImportance
		what.Importance = widget.LowImportance
	}
	icon := widget.NewIcon(statusIcon(it.Status))
	lines := container.New(tightVBox{}, who, what, container.NewBorder(nil, nil, icon, nil, c.status))
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewBorder(nil, nil, strip, nil, lines)))
}

// Tapped opens the appointment.
func (c *agendaCard) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

// Cursor shows a hand over the card: it can be tapped.
func (c *agendaCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

var (
	_ fyne.Tappable      = (*agendaCard)(nil)
	_ desktop.Cursorable = (*agendaCard)(nil)
)

// tightVBox stacks objects overlapping their inner padding, so a card's
// three lines read as one block.
type tightVBox struct{}

func (tightVBox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.InnerPadding()
	s := fyne.NewSize(0, pad)
	for _, o := range objects {
		if o.Visible() {
			m := o.MinSize()
			s.Width = max(s.Width, m.Width)
			s.Height += m.Height - pad
		}
	}
	return s
}

func (tightVBox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.InnerPadding()
	var y float32
	for _, o := range objects {
		if o.Visible() {
			h := o.MinSize().Height
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, h))
			y += h - pad
		}
	}
}
