package report

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

// A screen draws the charts at its own width: the image has that width,
// never less than MinChartWidth, and a pie keeps the PDF's proportions.
func TestChartPNGWidth(t *testing.T) {
	for _, c := range MonthlyCharts(sampleReport()) {
		for _, tc := range []struct{ asked, want int }{{640, 640}, {MinChartWidth, MinChartWidth}, {100, MinChartWidth}} {
			b, err := c.PNGWidth(tc.asked)
			if err != nil {
				t.Fatalf("%s.PNGWidth(%d): %v", c.Name, tc.asked, err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s.PNGWidth(%d) is not a PNG: %v", c.Name, tc.asked, err)
			}
			if w := img.Bounds().Dx(); w != tc.want {
				t.Errorf("%s.PNGWidth(%d) is %d pixels wide, want %d", c.Name, tc.asked, w, tc.want)
			}
			if h, want := img.Bounds().Dy(), tc.want*chartHeight/chartWidth; c.Kind == Pie && h != want {
				t.Errorf("pie %s.PNGWidth(%d) is %d pixels high, want %d", c.Name, tc.asked, h, want)
			}
			if out := os.Getenv("RELAIS_MONTHLY_OUT"); out != "" && tc.asked == 640 {
				os.WriteFile(out+"-"+c.Name+"-640.png", b, 0o644)
			}
		}
	}
}

func BenchmarkChartPNGWidth(b *testing.B) {
	cs := MonthlyCharts(sampleReport())
	for b.Loop() {
		for _, c := range cs {
			if _, err := c.PNGWidth(640); err != nil {
				b.Fatal(err)
			}
		}
	}
}
