package app_test

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestMergeTwoFiles opens a file, finds the duplicate through the merge
// dialog's search and merges it: the appointments of both show on the kept
// file, and the other file is gone from the search.
func TestMergeTwoFiles(t *testing.T) {
	u := demoUI(t)
	ppl, sched, _, _ := u.Services()
	// Two people with appointments.
	var ids []string
	total := 0
	for _, h := range ppl.Search("a", 200) {
		list, _ := sched.PersonAppointments(h.Person.ID)
		if len(list) > 0 {
			ids = append(ids, h.Person.ID)
			total += len(list)
		}
		if len(ids) == 2 {
			break
		}
	}
	if len(ids) < 2 {
		t.Fatal("the demo has no two people with appointments")
	}
	keep, other := ids[0], ids[1]
	otherPerson, _ := ppl.Get(other)
	u.OpenPerson(keep)
	u.WaitIdle(t)
	m := u.MergeView()
	if m.Button == nil {
		t.Fatal("the file has no merge button")
	}
	test.Tap(m.Button)
	m = u.MergeView()
	if !m.Open {
		t.Fatal("the merge dialog did not open")
	}
	test.Type(m.Search, otherPerson.FullName())
	if m = u.MergeView(); len(m.Results) == 0 {
		t.Fatalf("searching %q found nothing to merge", otherPerson.FullName())
	}
	u.ConfirmMerge(other)
	u.WaitIdle(t)
	f := u.PersonFileView()
	if !f.Open || f.Person.ID != keep {
		t.Fatalf("after the merge the file shows %+v", f.Person)
	}
	if got := len(f.Upcoming) + len(f.Past); got != total {
		t.Errorf("the kept file shows %d appointments, want %d", got, total)
	}
	for _, h := range ppl.Search(otherPerson.FullName(), 50) {
		if h.Person.ID == other {
			t.Error("the merged-away file is still found")
		}
	}
}
