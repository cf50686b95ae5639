package stock

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// homeConfig is what we need to know of an instance's config.xml.
type homeConfig struct {
	Version  int
	DeviceID string
	Name     string
	GUI      string // host:port of the REST API
	APIKey   string
	Listen   []string // BEP listen addresses
}

func readHomeConfig(home string) (homeConfig, error) {
	path := filepath.Join(home, "config.xml")
	b, err := os.ReadFile(path)
	if err != nil {
		return homeConfig{}, err
	}
	var x struct {
		Version int `xml:"version,attr"`
		Devices []struct {
			ID   string `xml:"id,attr"`
			Name string `xml:"name,attr"`
		} `xml:"device"`
		GUI struct {
			Address string `xml:"address"`
			APIKey  string `xml:"apikey"`
		} `xml:"gui"`
		Options struct {
			Listen []string `xml:"listenAddress"`
		} `xml:"options"`
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return homeConfig{}, fmt.Errorf("read %s: %w", path, err)
	}
	c := homeConfig{Version: x.Version, GUI: x.GUI.Address, APIKey: x.GUI.APIKey, Listen: x.Options.Listen}
	if len(x.Devices) > 0 {
		c.DeviceID, c.Name = x.Devices[0].ID, x.Devices[0].Name
	}
	return c, nil
}

// loopbackConfig is the config.xml of a fresh instance. An element left
// out takes Syncthing's default, and several defaults reach the internet
// (announce servers, relays, UPnP, STUN, usage and crash reports, the
// upgrade check): each of them is written out, off or empty. The device
// and folder sections stay empty: they are added through the REST API.
//
// setLowPriority is off so that an instance competes for the CPU on equal
// terms with the test process that measures it.
var loopbackConfig = template.Must(template.New("config.xml").Funcs(template.FuncMap{"x": xmlText}).Parse(
	`<configuration version="{{.Version}}">
    <device id="{{x .DeviceID}}" name="{{x .Name}}" compression="metadata" introducer="false">
        <address>dynamic</address>
    </device>
    <gui enabled="true" tls="false" debugging="false" sendBasicAuthPrompt="false">
        <address>{{x .GUI}}</address>
        <apikey>{{x .APIKey}}</apikey>
        <theme>default</theme>
    </gui>
    <options>
{{- range .Listen}}
        <listenAddress>{{x .}}</listenAddress>
{{- end}}
        <globalAnnounceServer></globalAnnounceServer>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <stunServer></stunServer>
        <stunKeepaliveStartS>0</stunKeepaliveStartS>
        <stunKeepaliveMinS>0</stunKeepaliveMinS>
        <announceLANAddresses>false</announceLANAddresses>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <urURL></urURL>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <releasesURL></releasesURL>
        <crashReportingEnabled>false</crashReportingEnabled>
        <crashReportingURL></crashReportingURL>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
`))

func xmlText(s string) (string, error) {
	var b bytes.Buffer
	err := xml.EscapeText(&b, []byte(s))
	return b.String(), err
}

func writeHomeConfig(home string, c homeConfig) error {
	var b bytes.Buffer
	if err := loopbackConfig.Execute(&b, c); err != nil {
		return err
	}
	path := filepath.Join(home, "config.xml")
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
