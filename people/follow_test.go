package people_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"relais/people"
	"relais/store"
)

// A person written to the store by someone else than the service (a
// partner's record applied by sync) is found by the search once Follow
// runs, and leaves it when a tombstone arrives.
func TestFollowSeesWritesFromElsewhere(t *testing.T) {
	s, db := newService(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Follow(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	body, _ := json.Marshal(people.Person{FirstName: "Zoé", LastName: "Partenaire", NoPhone: true, Language: "fr"})
	if _, err := db.Put(people.Kind, "from-partner", body, store.ScopeNetwork); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return len(s.Search("partenaire", 5)) == 1 })
	if _, err := db.Delete(people.Kind, "from-partner"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return len(s.Search("partenaire", 5)) == 0 })
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("not seen after 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
