package guides_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/guides"
	"relais/store"
)

// searchLibrary holds the fixture and a CAF guide.
func searchLibrary(t testing.TB) (*guides.Library, *store.DB) {
	l, db := newLibrary(t)
	g := fixture(t)
	g.Version = 0
	must[guides.Guide](t)(l.Save(g, map[string][]byte{"accueil.png": pngImage(t, 4, 4, false)}, "camille"))
	caf := must[guides.Guide](t)(guides.Parse("caf.md", []byte(header+`
Pour la déclaration trimestrielle de ressources.

## Se connecter
Ouvrez caf.fr et cliquez sur « Mon Compte ».

## Déclarer les ressources
Tapez les salaires du trimestre, mois par mois.

| Champ | Ce qu'il faut saisir |
|---|---|
| Salaires | le **net à payer** de chaque bulletin |

## Valider
Cliquez sur « Valider » et téléchargez le récapitulatif.
`)))
	caf.Version = 0
	must[guides.Guide](t)(l.Save(caf, nil, "camille"))
	return l, db
}

func TestSearch(t *testing.T) {
	l, _ := searchLibrary(t)
	cases := []struct {
		query string
		want  []string // "id step"
	}{
		{"declaration", []string{"caf-rsa -1"}},                             // the introduction, without its accent
		{"DÉCLARER", []string{"caf-rsa 1"}},                                 // case and accents
		{"décl", []string{"caf-rsa -1", "franceconnect-creer-compte 1"}},    // the start of a word, as typed (« déclare »)
		{"salai", []string{"caf-rsa 1"}},                                    // in a table
		{"net a payer", []string{"caf-rsa 1"}},                              // every word, in a table cell
		{"franceconnect", []string{"franceconnect-creer-compte -1"}},        // title first
		{"connect", []string{"franceconnect-creer-compte -1", "caf-rsa 0"}}, // in its title beats in a step
		{"se conn", []string{"franceconnect-creer-compte -1", "caf-rsa 0"}},
		{"cliquez valider", []string{"caf-rsa 2"}},
		{"telechargez recap", []string{"caf-rsa 2"}},
		{"faux sites", []string{"franceconnect-creer-compte 0"}}, // « Attention »
		{"telephone", []string{"franceconnect-creer-compte 0"}},  // « À avoir sous la main »
		{"rsa", []string{"caf-rsa -1"}},                          // the procedure's title in the catalogue
		{"caf valider inconnu", nil},                             // every word must match
		{"declar revenus", nil},                                  // only the last word may be a start
		{"", nil},
		{"  ' ;", nil},
	}
	for _, c := range cases {
		var got []string
		for _, h := range l.Search(c.query, 10) {
			got = append(got, h.ID+" "+itoa(h.Step))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Search(%q) = %q, want %q", c.query, got, c.want)
		}
	}
	hits := l.Search("recapitulatif", 10)
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "téléchargez le récapitulatif") || hits[0].Title != "Demander le RSA" {
		t.Errorf("Search(recapitulatif) = %+v: want a snippet with its accents", hits)
	}
	if hits := l.Search("c", 1); len(hits) != 1 {
		t.Errorf("Search(c, 1) gave %d hits, want the limit 1", len(hits))
	}
}

func itoa(i int) string {
	if i < 0 {
		return "-1"
	}
	return string(rune('0' + i))
}

func TestListAndForProcedure(t *testing.T) {
	l, _ := searchLibrary(t)
	list := l.List()
	if len(list) != 2 || list[0].ID != "caf-rsa" || list[1].ID != "franceconnect-creer-compte" || list[0].Steps != 3 || !list[0].Edited {
		t.Errorf("List = %+v", list)
	}
	if got := l.ForProcedure("caf-demande-rsa"); len(got) != 1 || got[0].ID != "caf-rsa" {
		t.Errorf("ForProcedure(caf-demande-rsa) = %+v", got)
	}
	if got := l.ForProcedure("mdph-demande"); len(got) != 0 {
		t.Errorf("ForProcedure(mdph-demande) = %+v", got)
	}
	reviewed := list[0].Reviewed // 2026-10-01
	if list[0].NeedsReview(reviewed.AddDate(0, 5, 0)) || !list[0].NeedsReview(reviewed.AddDate(0, 6, 1)) {
		t.Errorf("NeedsReview is wrong around six months after %v", reviewed)
	}
}

func TestDuplicate(t *testing.T) {
	l, _ := searchLibrary(t)
	d := must[guides.Guide](t)(l.Duplicate("franceconnect-creer-compte", "franceconnect-tilleuls", "FranceConnect aux Tilleuls", "camille"))
	if d.Version != 1 || d.Title != "FranceConnect aux Tilleuls" || len(d.Steps) != 3 {
		t.Errorf("Duplicate = %+v", d)
	}
	if _, err := l.Image("franceconnect-tilleuls", "accueil.png"); err != nil {
		t.Errorf("the copy lost its image: %v", err)
	}
	if hits := l.Search("tilleuls", 5); len(hits) != 1 || hits[0].ID != "franceconnect-tilleuls" {
		t.Errorf("Search(tilleuls) = %+v", hits)
	}
	if _, err := l.Duplicate("caf-rsa", "franceconnect-tilleuls", "x", "camille"); err == nil {
		t.Errorf("Duplicate onto an existing id succeeded")
	}
}

// TestFollow: a guide written by a partner centre (applied by sync) enters
// the search index, and so does its next version.
func TestFollow(t *testing.T) {
	local, db := newLibrary(t)
	partner, partnerDB := searchLibrary(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { local.Follow(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if _, err := db.ApplyRemote(records(t, partnerDB, 0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(local.Search("salaires", 5)) == 1 })

	g := must[guides.Guide](t)(partner.Get("caf-rsa"))
	g.Steps[0].Body = "Ouvrez caf.fr puis « Mon Espace »."
	seq := partnerDB.LastSequence()
	must[guides.Guide](t)(partner.Save(g, nil, "yanis"))
	if _, err := db.ApplyRemote(records(t, partnerDB, seq)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(local.Search("espace", 5)) == 1 })
	if got := must[guides.Guide](t)(local.GetVersion("caf-rsa", 1)); got.Version != 1 {
		t.Errorf("the previous version did not travel")
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}
