package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// « Ses données… » writes everything held about the person as a PDF to
// hand over and a JSON file, named after them.
func TestPersonDataForTheRightOfAccess(t *testing.T) {
	u := newUI(t, fresh(t), setUpDesk(t))
	signIn(t, u, password)
	ppl, _, _, _ := u.Services()
	person := register(t, ppl)
	u.OpenPerson(person.ID)
	u.WaitIdle(t)
	dir := t.TempDir()
	u.WriteDossier(dir)
	u.WaitIdle(t)
	files, _ := filepath.Glob(filepath.Join(dir, "donnees-*"))
	if len(files) != 2 {
		t.Fatalf("files written: %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".json") && !strings.Contains(string(b), person.LastName) {
			t.Errorf("%s does not hold the person's file", f)
		}
		if strings.HasSuffix(f, ".pdf") {
			if !strings.HasPrefix(string(b), "%PDF") {
				t.Errorf("%s is not a PDF", f)
			}
			if _, err := exec.LookPath("pdftotext"); err == nil {
				out, err := exec.Command("pdftotext", f, "-").Output()
				if err != nil || !strings.Contains(string(out), person.FullName()) {
					t.Errorf("the PDF's text does not name %s: %v\n%s", person.FullName(), err, out)
				}
			}
		}
	}
}
