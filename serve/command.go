package serve

import "relais/store"

// Command is the node's command line, the same in `relais serve` and in
// relais-noeud (the node built without any graphics library, for a server).
type Command struct {
	Login        string   `help:"The node's own account." default:"noeud"`
	PasswordFile string   `help:"File whose first line is the node's password (mode 600)." type:"path" env:"RELAIS_PASSWORD_FILE" required:""`
	Setup        bool     `help:"Create the node's data folder if it is new (prints its recovery key once)."`
	Centre       string   `help:"Name of the node, with --setup." default:"Nœud du réseau"`
	Listen       string   `help:"Where partners connect, e.g. tcp://0.0.0.0:22100 (default: the stored setting)." env:"RELAIS_LISTEN"`
	Relay        string   `help:"The network's relay server, relay://host:port/?id=… (kept in the settings)." env:"RELAIS_RELAY"`
	Partner      []string `help:"A partner to add if missing: DEVICE-ID or DEVICE-ID@ADDRESS (repeatable)."`
	NoDiscovery  bool     `name:"no-lan-discovery" help:"Do not announce the node on the local network." env:"RELAIS_NO_LAN_DISCOVERY"`
}

// Options are the node's options for this command line, run by program
// (how messages name it, e.g. "relais serve") on the data folder.
func (c Command) Options(program, data string, st store.Options) Options {
	return Options{
		Program: program, Data: data, Login: c.Login, PasswordFile: c.PasswordFile, SetUp: c.Setup, Centre: c.Centre,
		Listen: c.Listen, Relay: c.Relay, Partners: c.Partner, Discovery: !c.NoDiscovery, Store: st,
	}
}
