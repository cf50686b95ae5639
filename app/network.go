package app

import (
	"image"
	"net"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"relais/actor"
	"relais/network"
	"relais/staff"
)

// networkRefresh is how often the partners' states are read again while
// the Network section is shown (also at once when one changes).
const networkRefresh = time.Second

// networkView is the « Réseau » section: this centre's id (text and QR code),
// its partners with their state, and the form that adds one.
type networkView struct {
	u         *UI
	session   *staff.Session
	refresher // every networkRefresh, and when a partner's state changes

	id       *widget.Label
	qr       *canvas.Image
	reachAt  *widget.Label
	partners *fyne.Container
	empty    *widget.Label
	name     *widget.Entry
	device   *widget.Entry
	address  *widget.Entry
	kind     *widget.RadioGroup // a centre, or an encrypted mailbox
	add      *widget.Button
	problem  *widget.Label
	rows     map[string]*partnerRow

	// The network's settings beyond the local network.
	relay         *widget.Entry
	saveRelay     *widget.Button
	relayState    *widget.Label
	password      *widget.Entry
	savePassword  *widget.Button
	passwordState *widget.Label
	settingsIssue *widget.Label
	shownList     string // the partners shown, to rebuild the rows only when it changes
}

// partnerRow is one partner in the list.
type partnerRow struct {
	state    *widget.Label
	issue    *widget.Label // what keeps it from syncing, when known
	last     *widget.Label
	pending  *widget.Label
	progress *widget.ProgressBar
	remove   *widget.Button
}

func (u *UI) networkPanel() fyne.CanvasObject {
	v := &networkView{u: u, session: u.session, rows: map[string]*partnerRow{}}
	u.panels().network = v
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Partner centres"), theme.ComputerIcon(),
			container.NewVScroll(container.NewPadded(v.content()))),
	)
	tabs.Append(u.conflictsTab())
	v.refresh()
	v.startRefresh(u, networkRefresh, u.network.Changed(), v.alive, v.refresh)
	return tabs
}

func (v *networkView) content() fyne.CanvasObject {
	u := v.u
	st := u.network.Status()
	v.id = widget.NewLabelWithStyle(st.Device, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.id.Selectable = true
	v.id.Wrapping = fyne.TextWrapWord
	copyID := widget.NewButtonWithIcon(lang.L("Copy the id"), theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(st.Device)
	})
	v.qr = canvas.NewImageFromImage(qrCode(st.Device))
	v.qr.FillMode = canvas.ImageFillContain
	v.qr.ScaleMode = canvas.ImageScalePixels
	v.qr.SetMinSize(fyne.NewSquareSize(168))
	v.reachAt = paragraph("")

	v.partners = container.NewVBox()
	v.empty = paragraph(lang.L("No partner centre yet. Add one below with the id shown on its own Network page."))
	v.empty.TextStyle.Italic = true

	v.name = widget.NewEntry()
	v.name.SetPlaceHolder(lang.L("Centre social Les Tilleuls"))
	v.device = widget.NewMultiLineEntry()
	v.device.Wrapping = fyne.TextWrapBreak
	v.device.SetMinRowsVisible(2)
	v.device.TextStyle.Monospace = true
	v.device.SetPlaceHolder("ABCDEFG-HIJKLMN-…")
	v.address = widget.NewEntry()
	v.address.SetPlaceHolder(lang.L("192.168.1.20, or empty if the partner reaches you"))
	v.problem = problemLabel()
	v.add = widget.NewButtonWithIcon(lang.L("Add the partner"), theme.ContentAddIcon(), v.addPartner)
	v.add.Importance = widget.HighImportance
	v.kind = widget.NewRadioGroup([]string{lang.L("Partner centre"), lang.L("Encrypted mailbox")}, nil)
	v.kind.Horizontal = true
	v.kind.Required = true
	v.kind.SetSelected(lang.L("Partner centre"))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("It is"), v.kind),
		widget.NewFormItem(lang.L("Name of the centre"), v.name),
		widget.NewFormItem(lang.L("Its id"), v.device),
		widget.NewFormItem(lang.L("Its address"), v.address),
	)
	admin := v.u.si.Actor.Can(actor.ManagePartners)
	if !admin {
		form.Hide()
		v.add.Hide()
	}
	settings := v.settingsCard(admin)

	this := container.NewBorder(nil, nil, nil, v.qr, container.NewVBox(
		subheading(lang.L("This centre")),
		paragraph(lang.L("Give this id to the partner centres: they type it, or scan the code, on their own Network page.")),
		v.id,
		container.NewHBox(copyID),
		v.reachAt,
	))
	objs := []fyne.CanvasObject{
		heading(lang.L("Network")),
		paragraph(lang.L("Relais shares appointments and files with the partner centres directly, computer to computer, encrypted, without any cloud. A person's file is shared only if they agreed to it.")),
		widget.NewCard("", "", this),
		settings,
		subheading(lang.L("Partner centres")),
		v.empty,
		v.partners,
	}
	if admin {
		objs = append(objs, widget.NewSeparator(), subheading(lang.L("Add a partner centre")), form, v.problem, container.NewHBox(v.add))
	} else {
		objs = append(objs, small(lang.L("Only an administrator adds or removes partner centres.")))
	}
	return container.NewVBox(objs...)
}

// settingsCard holds the network's settings beyond the local network: the
// relay server and the folder password of the encrypted mailboxes. Only an
// administrator changes them; the others see whether they are set.
func (v *networkView) settingsCard(admin bool) fyne.CanvasObject {
	st := v.u.network.Status()
	v.relayState = paragraph("")
	v.passwordState = paragraph("")
	v.settingsIssue = problemLabel()
	v.relay = widget.NewEntry()
	v.relay.SetText(st.Relay)
	v.relay.SetPlaceHolder("relay://relais.mon-reseau.fr:22067/?id=…")
	v.saveRelay = widget.NewButtonWithIcon(lang.L("Save the relay"), theme.DocumentSaveIcon(), v.setRelay)
	v.password = widget.NewPasswordEntry()
	v.password.SetPlaceHolder(lang.L("The same in every centre of the network"))
	v.savePassword = widget.NewButtonWithIcon(lang.L("Save the password"), theme.DocumentSaveIcon(), v.setPassword)
	intro := paragraph(lang.L("For centres on other networks or behind a box (NAT): the network's relay connects them, and an encrypted mailbox keeps what they send for those that were closed. Neither can read a file."))
	box := container.NewVBox(subheading(lang.L("Network settings")), intro)
	if admin {
		box.Add(widget.NewForm(
			widget.NewFormItem(lang.L("Relay server"), container.NewBorder(nil, nil, nil, v.saveRelay, v.relay)),
			widget.NewFormItem(lang.L("Folder password"), container.NewBorder(nil, nil, nil, v.savePassword, v.password)),
		))
	}
	box.Add(v.relayState)
	box.Add(v.passwordState)
	box.Add(v.settingsIssue)
	return widget.NewCard("", "", box)
}

// showSettings shows whether the relay is joined and the password set.
func (v *networkView) showSettings(st network.Status) {
	switch {
	case st.Relay == "":
		v.relayState.SetText(lang.L("Relay: none. Partners on other networks need an address they can reach."))
		v.relayState.Importance = widget.MediumImportance
	case st.RelayErr != nil:
		v.relayState.SetText(lang.L("Relay: not reached yet. Relais keeps trying; check the address with the network's coordinator if it lasts."))
		v.relayState.Importance = widget.WarningImportance
	default:
		v.relayState.SetText(lang.L("Relay: joined. Partners on other networks reach this centre through it."))
		v.relayState.Importance = widget.SuccessImportance
	}
	v.relayState.Refresh()
	if st.FolderPassword {
		v.passwordState.SetText(lang.L("Folder password: saved (it is never shown again)."))
	} else {
		v.passwordState.SetText(lang.L("Folder password: not typed yet. An encrypted mailbox needs it."))
	}
}

func (v *networkView) setRelay() {
	u := v.u
	nw, addr := u.network, v.relay.Text
	v.saveRelay.Disable()
	background(u, func() (struct{}, error) { return struct{}{}, nw.SetRelay(addr) }, func(_ struct{}, err error) {
		v.saveRelay.Enable()
		if !v.alive() {
			return
		}
		setProblem(v.settingsIssue, Message(err))
		if err == nil {
			v.relay.SetText(nw.Status().Relay)
		}
		v.refresh()
	})
}

func (v *networkView) setPassword() {
	u := v.u
	nw, pw := u.network, v.password.Text
	v.savePassword.Disable()
	background(u, func() (struct{}, error) { return struct{}{}, nw.SetFolderPassword(pw) }, func(_ struct{}, err error) {
		v.savePassword.Enable()
		if !v.alive() {
			return
		}
		setProblem(v.settingsIssue, Message(err))
		if err == nil {
			v.password.SetText("") // never shown again
		}
		v.refresh()
	})
}

// qrCode draws text as a QR code, 4 pixels a module.
func qrCode(text string) image.Image {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		fyne.LogError("QR code", err)
		return image.NewGray(image.Rect(0, 0, 1, 1))
	}
	side := code.Bounds().Dx() * 4
	scaled, err := barcode.Scale(code, side, side)
	if err != nil {
		return code
	}
	return scaled
}

// alive reports whether the view is still the one shown.
func (v *networkView) alive() bool {
	u := v.u
	return u.shows(sectionNetwork, v.session) &&
		u.panels().network == v
}

// refresh shows the partners' current states.
func (v *networkView) refresh() {
	st := v.u.network.Status()
	v.showSettings(st)
	if st.ListenErr != nil {
		v.reachAt.Importance = widget.WarningImportance
		v.reachAt.SetText(lang.L("Partners cannot reach this computer (the port is taken by another program): it still reaches the partners whose address it knows."))
	} else {
		v.reachAt.Importance = widget.MediumImportance
		v.reachAt.SetText(lang.L("Partners reach this computer at: {{.Addresses}}", map[string]any{"Addresses": strings.Join(reachableAt(st.Listening), ", ")}))
	}
	var ids []string
	for _, p := range st.Partners {
		ids = append(ids, p.Device)
	}
	if list := strings.Join(ids, ","); list != v.shownList {
		v.shownList = list
		v.rows = map[string]*partnerRow{}
		v.partners.Objects = nil
		for _, p := range st.Partners {
			v.partners.Add(v.newRow(p))
		}
		v.partners.Refresh()
	}
	v.empty.Hidden = len(st.Partners) > 0
	v.empty.Refresh()
	for _, p := range st.Partners {
		v.rows[p.Device].show(p)
	}
}

// reachableAt lists the addresses of this computer at the listening port:
// its non-loopback IPv4 addresses when it listens on all of them.
func reachableAt(listening string) []string {
	hp := strings.TrimPrefix(listening, "tcp://")
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return []string{listening}
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
		return []string{hp}
	}
	var out []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			out = append(out, net.JoinHostPort(n.IP.String(), port))
		}
	}
	if len(out) == 0 {
		return []string{hp}
	}
	return out
}

func (v *networkView) newRow(p network.PartnerStatus) fyne.CanvasObject {
	r := &partnerRow{
		state:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		issue:    problemLabel(),
		last:     widget.NewLabel(""),
		pending:  widget.NewLabel(""),
		progress: widget.NewProgressBar(),
	}
	v.rows[p.Device] = r
	name := p.Name
	kind := lang.L("Partner centre")
	if p.Type == network.Mailbox {
		kind = lang.L("Encrypted mailbox")
	}
	if name == "" {
		name = kind
	}
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	id := small(p.Device)
	id.TextStyle.Monospace = true
	where := small(lang.L("Address: {{.Address}}", map[string]any{"Address": strings.TrimPrefix(p.Address, "tcp://")}))
	if p.Address == "" {
		where.SetText(lang.L("No address: it reaches this centre, or is found on the local network."))
	}
	right := container.NewVBox()
	if v.u.si.Actor.Can(actor.ManagePartners) {
		device, label := p.Device, name
		r.remove = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() { v.confirmRemove(device, label) })
		r.remove.Importance = widget.DangerImportance
		right.Add(r.remove)
	}
	head := container.NewHBox(title, r.state)
	if p.Type == network.Mailbox {
		badge := widget.NewLabelWithStyle(kind, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		head = container.NewHBox(widget.NewIcon(theme.MailComposeIcon()), title, badge, r.state)
	}
	return widget.NewCard("", "", container.NewBorder(nil, nil, nil, right, container.NewVBox(
		head,
		id, where, r.issue,
		container.NewHBox(r.last, r.pending),
		r.progress,
	)))
}

func (r *partnerRow) show(p network.PartnerStatus) {
	setProblem(r.issue, Message(p.Problem))
	if p.Connected {
		r.state.SetText(lang.L("connected"))
		if p.Relayed {
			r.state.SetText(lang.L("connected through the relay"))
		}
		r.state.Importance = widget.SuccessImportance
	} else {
		r.state.SetText(lang.L("not connected"))
		r.state.Importance = widget.LowImportance
	}
	r.state.Refresh()
	if p.LastSync.IsZero() {
		r.last.SetText(lang.L("Never synchronised yet"))
	} else {
		r.last.SetText(lang.L("Last sync: {{.When}}", map[string]any{"When": sinceWords(p.LastSync, time.Now())}))
	}
	if p.Pending > 0 {
		r.pending.SetText(lang.L("{{.N}} waiting", map[string]any{"N": strconv.Itoa(p.Pending)}))
		r.progress.SetValue(p.Progress())
		r.progress.Show()
	} else {
		r.pending.SetText("")
		r.progress.Hide()
	}
}

// sinceWords says when t was, for people: « à l'instant », « il y a 5 min »,
// « aujourd'hui à 10:32 », or the date.
func sinceWords(t, now time.Time) string {
	t = t.Local()
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return lang.L("just now")
	case d < time.Hour:
		return lang.L("{{.N}} min ago", map[string]any{"N": strconv.Itoa(int(d.Minutes()))})
	case sameDay(t, now):
		return lang.L("today at {{.Time}}", map[string]any{"Time": t.Format("15:04")})
	}
	return lang.L("{{.Date}} at {{.Time}}", map[string]any{"Date": longDate(t), "Time": t.Format("15:04")})
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Local().Date()
	return ay == by && am == bm && ad == bd
}

func (v *networkView) addPartner() {
	u := v.u
	nw := u.network
	name, device, address := v.name.Text, v.device.Text, v.address.Text
	add := nw.AddPartner
	if v.kind.Selected == lang.L("Encrypted mailbox") {
		add = nw.AddMailbox
	}
	v.add.Disable()
	background(u, func() (network.Partner, error) { return add(device, address, name) },
		func(_ network.Partner, err error) {
			v.add.Enable()
			if !v.alive() {
				return
			}
			if err != nil {
				setProblem(v.problem, Message(err))
				return
			}
			setProblem(v.problem, "")
			v.name.SetText("")
			v.device.SetText("")
			v.address.SetText("")
			v.refresh()
		})
}

func (v *networkView) confirmRemove(device, name string) {
	u := v.u
	dialog.ShowConfirm(lang.L("Remove this partner?"),
		lang.L("{{.Name}} will no longer receive anything from this centre, and this centre nothing from it. What it already sent stays here.", map[string]any{"Name": name}),
		func(ok bool) {
			if ok {
				v.removePartner(device)
			}
		}, u.win)
}

func (v *networkView) removePartner(device string) {
	u := v.u
	nw := u.network
	background(u, func() (struct{}, error) { return struct{}{}, nw.RemovePartner(device) }, func(_ struct{}, err error) {
		if !v.alive() {
			return
		}
		if err != nil {
			setProblem(v.problem, Message(err))
			return
		}
		v.refresh()
	})
}

// conflictsTab is the « Conflits » tab of the Network section.
func (u *UI) conflictsTab() *container.TabItem {
	return container.NewTabItemWithIcon(lang.X("ui.conflicts.title", "Conflicts"), theme.WarningIcon(),
		container.NewVScroll(container.NewPadded(u.conflictsPanel())))
}
