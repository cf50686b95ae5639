package app

import (
	"fyne.io/fyne/v2/widget"

	"relais/network"
)

// NetworkSettings is the Network section's settings beyond the local
// network, and the kind chosen in the add-partner form.
type NetworkSettings struct {
	Relay, Password             *widget.Entry
	SaveRelay, SavePassword     *widget.Button
	RelayState, PasswordState   string
	Problem                     string
	Kind                        *widget.RadioGroup
	PartnerIssues, PartnerHeads []string
}

// NetworkSettingsView reads the settings card, after bringing it up to date.
func (u *UI) NetworkSettingsView() NetworkSettings {
	v := u.panels().network
	if v == nil || !v.alive() {
		return NetworkSettings{}
	}
	v.refresh()
	ns := NetworkSettings{Relay: v.relay, Password: v.password, SaveRelay: v.saveRelay, SavePassword: v.savePassword,
		RelayState: v.relayState.Text, PasswordState: v.passwordState.Text, Kind: v.kind}
	if v.settingsIssue.Visible() {
		ns.Problem = v.settingsIssue.Text
	}
	for _, p := range u.network.Status().Partners {
		r := v.rows[p.Device]
		issue := ""
		if r.issue.Visible() {
			issue = r.issue.Text
		}
		ns.PartnerIssues = append(ns.PartnerIssues, issue)
		ns.PartnerHeads = append(ns.PartnerHeads, r.state.Text)
	}
	return ns
}

// NetworkStatus is the network service's status.
func (u *UI) NetworkStatus() network.Status { return u.network.Status() }
