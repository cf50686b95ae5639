package problem_test

import (
	"errors"
	"fmt"
	"testing"

	"relais/problem"
)

var errSample = problem.New("sample.key")

func TestIsFollowsTheSentinel(t *testing.T) {
	cause := errors.New("disk on fire")
	derived := errSample.With("name", "Awa").Because(cause)
	wrapped := fmt.Errorf("saving: %w", derived)
	if !errors.Is(wrapped, errSample) {
		t.Error("a problem derived with With/Because no longer matches its sentinel")
	}
	if !errors.Is(wrapped, cause) {
		t.Error("the technical cause is lost")
	}
	if errors.Is(problem.New("sample.key"), errSample) {
		t.Error("two sentinels with the same key match each other")
	}
	p, ok := problem.Find(wrapped)
	if !ok || p.Key != "sample.key" || p.Args["name"] != "Awa" {
		t.Errorf("Find = %+v, %v", p, ok)
	}
	if len(errSample.Args) != 0 {
		t.Error("With modified the sentinel")
	}
	if got := derived.Error(); got != "sample.key name=Awa: disk on fire" {
		t.Errorf("Error() = %q", got)
	}
}

func TestRegistered(t *testing.T) {
	p := problem.Register("sample.registered")
	found := false
	for _, k := range problem.Registered() {
		found = found || k == p.Key
	}
	if !found {
		t.Error("Register did not record the key")
	}
}
