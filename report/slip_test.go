package report

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func sampleSlip(t testing.TB) Slip {
	t.Helper()
	return Slip{
		CentreName:    "Espace France Services de Bréhéville",
		CentreAddress: "12 rue de l'Église, 55150 Bréhéville",
		CentrePhone:   "03 29 00 00 00",
		PersonName:    "Hélène Dupont",
		// 13:30 UTC is 14:30 in Paris in November.
		Start:        time.Date(2026, time.November, 24, 13, 30, 0, 0, time.UTC),
		Duration:     45 * time.Minute,
		Mode:         ModeOnSite,
		Mediator:     "Françoise",
		Procedure:    "Demande de prime d'activité",
		Organisation: "CAF",
		Documents: []string{
			"Pièce d'identité en cours de validité",
			"Avis d'impôt « revenus 2025 »",
			"Relevé d'identité bancaire (RIB) à votre nom",
			"Numéro d'allocataire, reçu par courrier ou à la première connexion sur le site de la caisse",
			"Cœur du dossier : vos trois dernières fiches de paie",
		},
		OfficialSite: "www.caf.fr",
		Notes:        "Pensez à vos lunettes si vous en portez ; c'est vous qui ferez la démarche, à votre rythme.",
	}
}

func slipBytes(t *testing.T, s Slip, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := SlipPDF(&buf, s, lang); err != nil {
		t.Fatalf("SlipPDF: %v", err)
	}
	if out := os.Getenv("RELAIS_SLIP_OUT"); out != "" {
		// For looking at the slip: RELAIS_SLIP_OUT=/tmp/slip go test -run TestSlipText ./report/
		if err := os.WriteFile(out+"-"+lang+".pdf", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestSlipPDFHeader(t *testing.T) {
	b := slipBytes(t, sampleSlip(t), "fr")
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("SlipPDF output starts with %q, want %%PDF-", b[:min(len(b), 8)])
	}
}

func TestSlipWithoutDateIsRefused(t *testing.T) {
	s := sampleSlip(t)
	s.Start = time.Time{}
	var buf bytes.Buffer
	if err := SlipPDF(&buf, s, "fr"); !errors.Is(err, ErrSlipWithoutDate) {
		t.Fatalf("SlipPDF(no start) = %v, want ErrSlipWithoutDate", err)
	}
	if buf.Len() != 0 {
		t.Errorf("SlipPDF(no start) wrote %d bytes, want none", buf.Len())
	}
}

// pdfText extracts the text of a PDF with poppler's pdftotext, and its page count
// with pdfinfo; the test is skipped where poppler-utils is missing.
func pdfText(t *testing.T, pdf []byte) (text string, pages int) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH (install poppler-utils)", tool)
		}
	}
	path := filepath.Join(t.TempDir(), "slip.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", info)
	}
	for _, c := range m[1] {
		pages = pages*10 + int(c-'0')
	}
	// pdftotext breaks lines where the slip wraps them: compare on single spaces.
	return strings.Join(strings.Fields(string(out)), " "), pages
}

func TestSlipText(t *testing.T) {
	tests := []struct {
		name string
		lang string
		want []string
	}{
		{"french", "fr", []string{
			"Espace France Services de Bréhéville",
			"12 rue de l'Église, 55150 Bréhéville",
			"Tél. 03 29 00 00 00",
			"Votre rendez-vous",
			"mardi 24 novembre 2026 à 14 h 30",
			"environ 45 minutes",
			"sur place, au centre",
			"Françoise",
			"Demande de prime d'activité",
			"Documents à apporter",
			"Pièce d'identité en cours de validité",
			"Avis d'impôt « revenus 2025 »",
			"Relevé d'identité bancaire (RIB) à votre nom",
			"Numéro d'allocataire, reçu par courrier ou à la première connexion sur le site de la caisse",
			"Cœur du dossier : vos trois dernières fiches de paie",
			"www.caf.fr",
			"c'est vous qui ferez la démarche, à votre rythme.",
			"En cas d'empêchement, prévenez le centre au 03 29 00 00 00.",
		}},
		{"english", "en", []string{
			"Your appointment",
			"Tuesday 24 November 2026 at 2:30 pm",
			"about 45 minutes",
			"in person, at the centre",
			"Documents to bring",
			"Pièce d'identité en cours de validité",
			"If you cannot come, please tell the centre on 03 29 00 00 00.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, pages := pdfText(t, slipBytes(t, sampleSlip(t), tc.lang))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("slip text lacks %q; got:\n%s", w, text)
				}
			}
			if pages != 1 {
				t.Errorf("slip has %d pages, want 1", pages)
			}
		})
	}
}

// TestSlipStaysOnOnePage feeds the slip what a hurried or careless entry
// produces: huge fields, many documents, other scripts, control characters.
func TestSlipStaysOnOnePage(t *testing.T) {
	s := sampleSlip(t)
	s.CentreName = strings.Repeat("Centre social très long ", 400)
	s.CentreAddress = strings.Repeat("Bâtiment B, escalier C\n", 50)
	s.PersonName = "Łukasz Gökçe 王芳 \x00\x1b[31m"
	s.Procedure = strings.Repeat("é", 10_000)
	s.Notes = strings.Repeat("Note ", 2_000)
	s.Documents = nil
	for range 40 {
		s.Documents = append(s.Documents, "Justificatif de domicile de moins de trois mois (facture d'électricité, de gaz ou d'eau)")
	}
	text, pages := pdfText(t, slipBytes(t, s, "fr"))
	if pages != 1 {
		t.Errorf("slip has %d pages, want 1", pages)
	}
	for _, w := range []string{"Lukasz Gökçe ??", "et 29 autres documents", "En cas d'empêchement"} {
		if !strings.Contains(text, w) {
			t.Errorf("slip text lacks %q; got:\n%s", w, text)
		}
	}
}

func TestSlipWithoutPhone(t *testing.T) {
	s := sampleSlip(t)
	s.CentrePhone = ""
	text, _ := pdfText(t, slipBytes(t, s, "fr"))
	if !strings.Contains(text, "En cas d'empêchement, prévenez le centre.") {
		t.Errorf("slip without a phone lacks the plain cancel line; got:\n%s", text)
	}
}
