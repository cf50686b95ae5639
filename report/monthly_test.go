package report

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"relais/actor"
	"relais/appointments"
	"relais/demo"
	"relais/schema"
	"relais/stats"
	"relais/store"
)

// sampleReport is a March of a network of three centres, written by hand.
func sampleReport() stats.Report {
	f := func(seen, absent, walkins, workshops int) stats.Figures {
		return stats.Figures{
			Appointments: seen + absent + 2, Individual: seen + walkins, WalkIns: walkins, Workshops: workshops,
			Participants: 6 * workshops, Minutes: 40*seen + 90*workshops, People: seen - 1, NewPeople: seen / 3,
			Status: map[appointments.Status]int{appointments.Seen: seen, appointments.Absent: absent, appointments.Excused: 1, appointments.Cancelled: 1},
			Autonomy: map[appointments.Autonomy]int{appointments.DoneFor: seen / 2, appointments.DoneWith: seen / 3,
				appointments.DoneAlone: seen - seen/2 - seen/3},
			Modes: map[appointments.Mode]int{appointments.OnSite: seen},
			Procedures: []stats.Count{{Key: "caf-demande-rsa", N: seen / 2, Minutes: 60 * (seen / 2)},
				{Key: "impots-declaration-revenus", N: seen - seen/2, Minutes: 45 * (seen - seen/2)}},
			Organisations: []stats.Count{{Key: "CAF", N: seen / 2, Minutes: 60 * (seen / 2)},
				{Key: "impots.gouv", N: seen - seen/2, Minutes: 45 * (seen - seen/2)}},
			RadarEntered: absent, RadarLeft: absent / 2,
		}
	}
	centres := []stats.CentreFigures{
		{Centre: stats.Centre{ID: "a", Name: "Centre social Les Tilleuls"}, Figures: f(120, 14, 9, 2)},
		{Centre: stats.Centre{ID: "b", Name: "Espace France Services de Bréhéville"}, Figures: f(80, 11, 4, 1)},
		{Centre: stats.Centre{ID: "c", Name: "Médiathèque Aimé-Césaire"}, Figures: f(45, 3, 0, 0)},
	}
	total := f(245, 28, 13, 3)
	return stats.Report{Period: stats.Month(time.Date(2026, time.March, 10, 12, 0, 0, 0, appointments.Paris)),
		Name: "Réseau des centres sociaux de l'Aisne", Figures: total, Centres: centres,
		Made: time.Date(2026, time.April, 2, 9, 0, 0, 0, time.UTC)}
}

func monthlyBytes(t *testing.T, r stats.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := MonthlyPDF(context.Background(), &buf, r); err != nil {
		t.Fatalf("MonthlyPDF: %v", err)
	}
	if out := os.Getenv("RELAIS_MONTHLY_OUT"); out != "" {
		// For looking at it: RELAIS_MONTHLY_OUT=/tmp/monthly go test -run TestMonthly ./report/
		if err := os.WriteFile(out+"-"+cmp.Or(r.Centre, "reseau")+".pdf", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestMonthlyPDFText(t *testing.T) {
	text, pages := pdfText(t, monthlyBytes(t, sampleReport()))
	if pages < 2 || pages > 4 {
		t.Errorf("the network's monthly report has %d pages, want 2 to 4", pages)
	}
	for _, want := range []string{
		"Rapport d'activité", "Réseau des centres sociaux de l'Aisne – ensemble du réseau (3 centres)",
		"Période : mars 2026", "Établi le jeudi 2 avril 2026",
		"Accompagnements 261 (258 individuels, 3 collectifs)", "Taux d'absence sans prévenir 10,3 %",
		"Temps d'accompagnement 167 h 50",
		"Demande de RSA ou de prime d'activité", "Fait avec la personne", "Absents sans prévenir",
		"Espace France Services de Bréhéville", "Médiathèque Aimé-Césaire",
		"Comment les chiffres sont comptés", "aucune donnée personnelle",
		"page 1/",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the monthly report lacks %q; its text:\n%s", want, text)
		}
	}
}

func TestMonthlyPDFOfACentre(t *testing.T) {
	r := sampleReport()
	r.Centre, r.Name, r.Figures, r.Centres = "c", "Médiathèque Aimé-Césaire", r.Centres[2].Figures, nil
	text, pages := pdfText(t, monthlyBytes(t, r))
	if pages < 1 || pages > 3 {
		t.Errorf("a centre's monthly report has %d pages, want 1 to 3", pages)
	}
	for _, want := range []string{"Centre : Médiathèque Aimé-Césaire", "Accompagnements 45 (45 individuels, 0 collectifs)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the centre's report lacks %q; its text:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Par centre") {
		t.Errorf("a centre's report has a table by centre")
	}
}

func TestMonthlyPDFOfAnEmptyMonth(t *testing.T) {
	r := stats.Report{Period: stats.Month(time.Date(2026, time.August, 10, 12, 0, 0, 0, appointments.Paris)), Centre: "x",
		Name: "Centre fermé en août", Made: time.Date(2026, time.September, 1, 9, 0, 0, 0, time.UTC)}
	text, pages := pdfText(t, monthlyBytes(t, r))
	if pages != 1 || !strings.Contains(text, "Aucun accompagnement sur une démarche") || !strings.Contains(text, "août 2026") {
		t.Errorf("an empty month gives %d pages and:\n%s", pages, text)
	}
}

func TestMonthlyPDFCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if err := MonthlyPDF(ctx, &buf, sampleReport()); !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Errorf("MonthlyPDF(cancelled) = %v and %d bytes, want context.Canceled and none", err, buf.Len())
	}
}

func TestMonthlyCharts(t *testing.T) {
	cs := MonthlyCharts(sampleReport())
	if len(cs) != 4 {
		t.Fatalf("MonthlyCharts(network) gave %d charts, want 4", len(cs))
	}
	for _, c := range cs {
		b, err := c.PNG()
		if err != nil {
			t.Fatalf("chart %s: %v", c.Name, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("chart %s is not a PNG: %v", c.Name, err)
		}
		if w := img.Bounds().Dx(); w != chartWidth {
			t.Errorf("chart %s is %d pixels wide, want %d", c.Name, w, chartWidth)
		}
		if out := os.Getenv("RELAIS_MONTHLY_OUT"); out != "" {
			os.WriteFile(out+"-"+c.Name+".png", b, 0o644)
		}
	}
	if cs[3].Labels[0] != "Centre social Les Tilleuls" {
		t.Errorf("the busiest centre comes first: got %q", cs[3].Labels)
	}
	empty := Chart{Name: "vide", Labels: []string{"a"}, Values: []float64{0}}
	if _, err := empty.PNG(); err == nil || !empty.Empty() {
		t.Errorf("an empty chart draws, or is not Empty")
	}
}

func TestFrenchNumbers(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{number(0), "0"}, {number(999), "999"}, {number(1234567), "1\u00a0234\u00a0567"}, {number(-4500), "-4\u00a0500"},
		{percent(0.1034), "10,3\u00a0%"}, {hours(45), "45 min"}, {hours(135), "2 h 15"}, {hours(60 * 1500), "1\u00a0500 h 00"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// BenchmarkLargeMonthlyReport produces last month's report of the whole
// network of the large set (50 centres, 1,000,000 appointments): figures,
// charts and PDF. Skipped unless RELAIS_LARGE_DIR is set.
func BenchmarkLargeMonthlyReport(b *testing.B) {
	dir := os.Getenv(demo.LargeDirEnv)
	if dir == "" {
		b.Skipf("set %s to a folder made by `relais demo --size large`", demo.LargeDirEnv)
	}
	desk, s, err := demo.SignIn(dir, schema.Options(store.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); desk.Close() })
	p := stats.Month(time.Now()).Previous()
	var size int
	b.ResetTimer()
	for range b.N {
		r, err := stats.Compute(context.Background(), s.DB, p, stats.Options{Network: "Réseau", Who: actor.System("")})
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := MonthlyPDF(context.Background(), &buf, r); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	b.ReportMetric(float64(size)/1024, "KiB/pdf")
}

// BenchmarkMonthlyPDF draws the charts and writes the PDF of a network of three centres.
func BenchmarkMonthlyPDF(b *testing.B) {
	r := sampleReport()
	for range b.N {
		if err := MonthlyPDF(context.Background(), &bytes.Buffer{}, r); err != nil {
			b.Fatal(err)
		}
	}
}
