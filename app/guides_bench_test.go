package app_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"relais/guides"
)

// BenchmarkOpenGuide measures opening a 15-step guide with a picture in
// every step, from the tap to the first step drawn (the canvas rendered),
// as the issue asks. Reported: p50 and p99 in milliseconds.
func BenchmarkOpenGuide(b *testing.B) {
	u := newUI(b, fresh(b), setUpDesk(b))
	signIn(b, u, password)
	lib := u.GuideLibrary()
	images := map[string][]byte{}
	var md strings.Builder
	md.WriteString("---\nid: bench-guide\ntitle: Guide de mesure\nprocedures: [caf-declaration-trimestrielle]\norganisation: CAF\nsite: https://www.caf.fr\nversion: 1\nreviewed: 2026-11-02\nauthor: Bibliothèque Relais\nduration: 30\n---\n\n")
	for i := range 15 {
		name := fmt.Sprintf("ecran-%02d.png", i)
		images[name] = benchPNG(b, 800, 500, uint8(i*16))
		fmt.Fprintf(&md, "## Étape %d\nCliquez sur « Continuer » puis vérifiez les informations affichées à l'écran.\n\n### À avoir sous la main\n- la carte Vitale\n- le dernier avis d'imposition\n\n### Attention\n- Ne fermez pas la page avant la fin.\n\n![Écran %d](%s)\n\n| Champ | Ce qu'il faut saisir |\n|---|---|\n| Nom | le nom de naissance |\n| Adresse | l'adresse actuelle |\n\n", i+1, i+1, name)
	}
	g, err := guides.Parse("bench-guide.md", []byte(md.String()))
	if err != nil {
		b.Fatal(err)
	}
	g.Version = 0
	if _, err := lib.Save(g, images, "admin"); err != nil {
		b.Fatal(err)
	}
	var times, ready []time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		u.OpenGuide("bench-guide", "")
		u.WaitIdle(b)
		if v := u.GuidesView().Viewer; v == nil || !strings.HasPrefix(v.Counter, "Étape 1 sur 15") {
			b.Fatalf("viewer = %+v", v)
		}
		ready = append(ready, time.Since(start))
		// Draws the first step, with the test driver's software renderer
		// (slower than the real window's OpenGL).
		u.Window().Canvas().Capture()
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	ms := func(ds []time.Duration, q float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(ready, 0.5), "built-p50-ms")
	b.ReportMetric(ms(times, 0.5), "drawn-p50-ms")
	b.ReportMetric(ms(times, 0.99), "drawn-p99-ms")
}

func benchPNG(b *testing.B, w, h int, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{shade, uint8(x), uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
