package app

import (
	"image"

	"fyne.io/fyne/v2/widget"
)

// SectionNetwork is the Network section's id.
const SectionNetwork = sectionNetwork

// NetworkView is what the Network section shows.
type NetworkView struct {
	Open                  bool
	ID                    string
	QR                    image.Image
	ReachAt               string
	Name, Device, Address *widget.Entry
	Add                   *widget.Button
	Problem               string
	Empty                 bool
	Partners              []NetworkPartner
}

// NetworkPartner is one partner's row.
type NetworkPartner struct {
	State, Last, Pending string
	Progress             bool
	Remove               *widget.Button
}

// NetworkView reads the Network section, after bringing it up to date.
func (u *UI) NetworkView() NetworkView {
	v := u.panels().network
	if v == nil || !v.alive() {
		return NetworkView{}
	}
	v.refresh()
	nv := NetworkView{Open: true, ID: v.id.Text, QR: v.qr.Image, ReachAt: v.reachAt.Text,
		Name: v.name, Device: v.device, Address: v.address, Add: v.add, Empty: v.empty.Visible()}
	if v.problem.Visible() {
		nv.Problem = v.problem.Text
	}
	st := u.network.Status()
	for _, p := range st.Partners {
		r := v.rows[p.Device]
		nv.Partners = append(nv.Partners, NetworkPartner{State: r.state.Text, Last: r.last.Text, Pending: r.pending.Text,
			Progress: r.progress.Visible(), Remove: r.remove})
	}
	return nv
}

// RemovePartnerConfirmed removes a partner as the confirmation does.
func (u *UI) RemovePartnerConfirmed(device string) { u.panels().network.removePartner(device) }

// NetworkListening is where this centre's node listens.
func (u *UI) NetworkListening() string { return u.network.Status().Listening }

// NetworkDevice is this centre's device id.
func (u *UI) NetworkDevice() string { return u.network.DeviceID() }

// PeopleFound counts the people the search index finds for q.
func (u *UI) PeopleFound(q string) int { return len(u.people.Search(q, 10)) }
