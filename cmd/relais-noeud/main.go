// Command relais-noeud is the headless node of a Relais network (package
// serve) as a program of its own: the same as `relais serve`, but built
// without Fyne, so it needs no graphics library and, built with
// CGO_ENABLED=0, no shared library at all. It is what runs on a server of
// the network that has no screen:
//
//	CGO_ENABLED=0 go build -o relais-noeud ./cmd/relais-noeud
//	relais-noeud --data /var/lib/relais --password-file /etc/relais/mdp
package main

import (
	"fmt"
	"os"

	"github.com/alecthomas/kong"

	"relais/internal/messages"
	"relais/schema"
	"relais/serve"
	"relais/store"
)

type cli struct {
	Data string `help:"Data folder of the node." type:"path" required:"" env:"RELAIS_DATA"`
	Lang string `help:"Language of the messages (fr or en)." default:"fr" enum:"fr,en"`
	serve.Command
}

func main() {
	var c cli
	kong.Parse(&c,
		kong.Name("relais-noeud"),
		kong.Description("Relais headless node: syncs with the network's centres until SIGTERM; logs to stderr."),
	)
	if err := serve.RunUntilSignal(c.Options("relais-noeud", c.Data, schema.Options(store.Options{}))); err != nil {
		fmt.Fprintln(os.Stderr, messages.Of(err, c.Lang))
		os.Exit(1)
	}
}
