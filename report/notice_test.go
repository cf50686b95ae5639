package report

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func sampleNotice() Notice {
	return Notice{
		CentreName:    "Espace France Services de Bréhéville",
		CentreAddress: "12 rue de l'Église\n55150 Bréhéville",
		CentrePhone:   "03 29 00 00 00",
		Partners:      []string{"Centre social Les Tilleuls", "Maison des Familles de Verdun"},
		PersonMonths:  24,
		DetailsMonths: 18,
	}
}

func noticeBytes(t *testing.T, n Notice, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := NoticePDF(&buf, n, lang); err != nil {
		t.Fatalf("NoticePDF: %v", err)
	}
	if out := os.Getenv("RELAIS_NOTICE_OUT"); out != "" {
		// For looking at it: RELAIS_NOTICE_OUT=/tmp/notice go test -run TestNotice ./report/
		if err := os.WriteFile(out+"-"+lang+".pdf", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestNoticeText reads the notice back: one or two pages, accents intact,
// every part the RGPD asks for, the retention in words, the partners named.
func TestNoticeText(t *testing.T) {
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Notice d'information", "Espace France Services de Bréhéville",
			"Ce que nous gardons sur vous", "Pourquoi", "mots de passe", "coordonnées bancaires",
			"2 ans (24 mois)", "18 mois (un an et demi)", "Centre social Les Tilleuls", "Maison des Familles de Verdun",
			"seulement si vous l'acceptez", "recevoir une copie", "corriger", "l'emporter", "effacer", "retirer votre accord",
			"12 rue de l'Église, 55150 Bréhéville", "03 29 00 00 00", "CNIL", "www.cnil.fr", "Signature"}},
		{"en", []string{"Information notice", "What we keep about you", "passwords", "bank details",
			"2 years (24 months)", "18 months (a year and a half)", "Maison des Familles de Verdun",
			"only if you agree", "erased", "withdraw your agreement", "CNIL", "Signature"}},
	} {
		text, pages := pdfText(t, noticeBytes(t, sampleNotice(), c.lang))
		if pages < 1 || pages > 2 {
			t.Errorf("%s: %d pages, want one or two", c.lang, pages)
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, w := range c.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: the notice does not say %q:\n%s", c.lang, w, flat)
			}
		}
	}
}

// TestNoticeWithoutPartners says nothing is shared.
func TestNoticeWithoutPartners(t *testing.T) {
	n := sampleNotice()
	n.Partners = nil
	n.PersonMonths, n.DetailsMonths = 12, 6
	text, _ := pdfText(t, noticeBytes(t, n, "fr"))
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range []string{"aucun autre centre", "1 an (12 mois)", "au bout de 6 mois"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the notice does not say %q:\n%s", w, flat)
		}
	}
}

func TestNoticeWithoutCentreIsRefused(t *testing.T) {
	var buf bytes.Buffer
	n := sampleNotice()
	n.CentreName = "   "
	if err := NoticePDF(&buf, n, "fr"); !errors.Is(err, ErrNoticeWithoutCentre) {
		t.Fatalf("NoticePDF(no centre) = %v, want ErrNoticeWithoutCentre", err)
	}
	if buf.Len() != 0 {
		t.Errorf("NoticePDF(no centre) wrote %d bytes", buf.Len())
	}
}

func TestMonthsInWords(t *testing.T) {
	for _, c := range []struct {
		m      int
		fr, en string
	}{
		{6, "6 mois", "6 months"},
		{12, "1 an (12 mois)", "1 year (12 months)"},
		{18, "18 mois (un an et demi)", "18 months (a year and a half)"},
		{24, "2 ans (24 mois)", "2 years (24 months)"},
		{30, "30 mois (2 ans et demi)", "30 months (2 and a half years)"},
		{25, "25 mois", "25 months"},
		{120, "10 ans (120 mois)", "10 years (120 months)"},
	} {
		if got := MonthsInWords(c.m, "fr"); got != c.fr {
			t.Errorf("MonthsInWords(%d, fr) = %q, want %q", c.m, got, c.fr)
		}
		if got := MonthsInWords(c.m, "en"); got != c.en {
			t.Errorf("MonthsInWords(%d, en) = %q, want %q", c.m, got, c.en)
		}
	}
}
