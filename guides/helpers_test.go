package guides_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
	"time"

	"relais/actor"
	"relais/guides"
	"relais/store"
	"relais/store/storetest"
)

// today is the fixed clock of the tests.
var today = time.Date(2026, time.November, 21, 10, 0, 0, 0, time.UTC)

func openDB(t testing.TB) *store.DB { return storetest.Open(t, guides.Indexes()...) }

func newLibrary(t testing.TB) (*guides.Library, *store.DB) {
	t.Helper()
	db := openDB(t)
	l, err := guides.NewLibrary(db, actor.System(""))
	if err != nil {
		t.Fatal(err)
	}
	l.Now = func() time.Time { return today }
	return l, db
}

// pngImage returns a w×h PNG; noisy images do not compress, to make big files.
func pngImage(t testing.TB, w, h int, noisy bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: 255}
			if noisy {
				c = color.NRGBA{R: uint8(rng.Uint32()), G: uint8(rng.Uint32()), B: uint8(rng.Uint32()), A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixture returns the parsed valid.md.
func fixture(t testing.TB) guides.Guide {
	t.Helper()
	g, err := guides.Parse("valid.md", readFixture(t, "valid.md"))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
