package messages_test

import (
	"errors"
	"strings"
	"testing"

	"relais/internal/messages"
	"relais/problem"
	"relais/serve"
	"relais/store"
)

func TestOf(t *testing.T) {
	unknown := problem.New("messages_test.no_translation")
	cases := []struct {
		err        error
		code, want string
	}{
		{nil, "fr", ""},
		{store.ErrWrongPassword, "fr", "Identifiant ou mot de passe incorrect"},
		{serve.ErrNotSetUp.With("dir", "/srv/n", "program", "relais-noeud"), "fr",
			"Le dossier /srv/n n'est pas encore celui d'un nœud Relais. Pour le créer : relais-noeud --setup"},
		{serve.ErrNotSetUp.With("dir", "/srv/n", "program", "relais-noeud"), "en",
			"The folder /srv/n is not a Relais node's folder yet. To create it: relais-noeud --setup"},
		{serve.ErrPasswordFileOpen.With("file", "/etc/mdp").Because(errors.New("denied")), "xx",
			"Le fichier du mot de passe du nœud « /etc/mdp »"},
		{unknown, "fr", "Un problème est survenu. Réessayez"},
		{unknown, "en", "Something went wrong. Try again"},
		{errors.New("disk full"), "fr", "Un problème est survenu\u00a0: disk full"},
		{errors.New("disk full"), "en", "Something went wrong: disk full"},
	}
	for _, c := range cases {
		got := messages.Of(c.err, c.code)
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("Of(%v, %s) = %q, want it to start with %q", c.err, c.code, got, c.want)
		}
		if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
			t.Errorf("Of(%v, %s) = %q: a template is left", c.err, c.code, got)
		}
	}
}

// A message whose argument is missing leaves a blank, not a template.
func TestMissingArgument(t *testing.T) {
	got := messages.Of(serve.ErrNotSetUp.With("dir", "/srv/n"), "fr")
	if !strings.Contains(got, "Pour le créer :  --setup") {
		t.Errorf("got %q", got)
	}
}
