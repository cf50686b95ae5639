package report

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/go-analyze/charts"

	"relais/appointments"
	"relais/stats"
)

// ChartKind is how a chart draws its values.
type ChartKind int

// The kinds of chart.
const (
	Bars ChartKind = iota // horizontal bars, one per label: long French labels fit
	Pie                   // shares of a whole
)

// Chart is one chart of the activity figures: a title, labels and their
// values, drawn to PNG by PNG.
type Chart struct {
	Name   string // a short file name, "organisations"
	Title  string
	Kind   ChartKind
	Labels []string
	Values []float64
}

// Empty reports whether the chart has nothing to draw: callers then say so
// in words instead of showing an empty frame.
func (c Chart) Empty() bool {
	return !slices.ContainsFunc(c.Values, func(v float64) bool { return v > 0 })
}

// Chart sizes in pixels; the PDF scales them to its width.
const (
	chartWidth    = 900
	chartHeight   = 420
	barRowHeight  = 34
	maxChartBars  = 12
	minBarsHeight = 220
	// MinChartWidth is the narrowest chart PNGWidth draws: below it, long
	// labels leave no room for the bars.
	MinChartWidth = 480
)

// PNG draws the chart as a PNG image for the PDF. An empty chart is an
// error: check Empty first.
func (c Chart) PNG() ([]byte, error) { return c.PNGWidth(chartWidth) }

// PNGWidth draws the chart width pixels wide, with the same font sizes:
// a screen shows it at its own size rather than shrinking the PDF's, whose
// labels would become too small to read. Pies keep the PDF's proportions;
// bars keep one row height per label. width is at least MinChartWidth.
func (c Chart) PNGWidth(width int) ([]byte, error) {
	width = max(width, MinChartWidth)
	if c.Empty() || len(c.Labels) != len(c.Values) {
		return nil, fmt.Errorf("chart %s: nothing to draw", c.Name)
	}
	switch c.Kind {
	case Pie:
		opt := charts.NewPieChartOptionWithData(c.Values)
		opt.Title = charts.TitleOption{Text: c.Title, Offset: charts.OffsetLeft, FontStyle: charts.NewFontStyleWithSize(18)}
		opt.Padding = charts.Box{Top: 20, Right: 20, Bottom: 20, Left: 20}
		// The values go in the legend, not beside the slices: the labels of
		// small slices next to each other ran into each other and into
		// the title. The pie sits on the left, the legend on the right.
		opt.Radius = "38%"
		opt.Legend = charts.LegendOption{SeriesNames: pieLegend(c.Labels, c.Values), Vertical: charts.Ptr(true),
			Offset: charts.OffsetStr{Left: strconv.Itoa(width * 43 / 100), Top: "35%"}, FontStyle: charts.NewFontStyleWithSize(14)}
		for i := range opt.SeriesList {
			opt.SeriesList[i].Label.Show = charts.Ptr(false)
		}
		// The pie in the middle of the left part: the padding on the right
		// is the legend's room.
		opt.Padding.Right = width * 57 / 100
		p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: width * chartHeight / chartWidth})
		if err := p.PieChart(opt); err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.Name, err)
		}
		return p.Bytes()
	default:
		// The first label on top: the chart library draws the y axis upwards.
		labels, values := slices.Clone(c.Labels), slices.Clone(c.Values)
		slices.Reverse(labels)
		slices.Reverse(values)
		// A second, stacked series of zeros makes the value axis start at
		// zero: the library has no minimum for a horizontal chart's x axis,
		// and bars of 120 and 123 would otherwise look like 0 and 123.
		opt := charts.NewHorizontalBarChartOptionWithData([][]float64{values, make([]float64, len(values))})
		opt.StackSeries = charts.Ptr(true)
		opt.Title = charts.TitleOption{Text: c.Title, FontStyle: charts.NewFontStyleWithSize(18)}
		opt.Padding = charts.Box{Top: 20, Right: 50, Bottom: 20, Left: 20}
		opt.YAxis = charts.YAxisOption{Labels: labels, FontStyle: charts.NewFontStyleWithSize(13)}
		// Each bar says its value: the value axis would only repeat it,
		// and the library's last two axis labels ran into each other.
		opt.XAxis.Show = charts.Ptr(false)
		opt.ValueFormatter = func(v float64) string { return strconv.Itoa(int(v)) }
		opt.SeriesList[0].Label.Show = charts.Ptr(true)
		opt.SeriesList[0].Label.ValueFormatter = func(v float64) string { return strconv.Itoa(int(v)) }
		h := max(minBarsHeight, 80+barRowHeight*len(labels))
		p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: h})
		if err := p.HorizontalBarChart(opt); err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.Name, err)
		}
		return p.Bytes()
	}
}

// pieLegend writes each label with its value and share: « Vus : 245 (89 %) »;
// a share that rounds to 0 but is not is « < 1 % ».
func pieLegend(labels []string, values []float64) []string {
	total := 0.0
	for _, v := range values {
		total += v
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		share := fmt.Sprintf("%.0f %%", 100*values[i]/total)
		if values[i] > 0 && 100*values[i]/total < 0.5 {
			share = "< 1 %"
		}
		out[i] = fmt.Sprintf("%s : %d (%s)", l, int(values[i]), share)
	}
	return out
}

// Autonomy levels and statuses in the words of the reports.
var (
	autonomyWords = []struct {
		a    appointments.Autonomy
		word string
	}{
		{appointments.DoneFor, "Fait pour la personne"},
		{appointments.DoneWith, "Fait avec la personne"},
		{appointments.DoneAlone, "Fait seul"},
		{"", "Non renseigné"},
	}
	statusWords = []struct {
		s    appointments.Status
		word string
	}{
		{appointments.Seen, "Vus"},
		{appointments.Absent, "Absents sans prévenir"},
		{appointments.Excused, "Excusés"},
		{appointments.Cancelled, "Annulés par le centre"},
		{appointments.Arrived, "Arrivés, sans compte rendu"},
		{appointments.Booked, "À venir"},
	}
)

// MonthlyCharts returns the charts of a report, in the order the monthly
// report shows them: by organisation, autonomy, appointments by status,
// and, for the network, by centre. Empty ones are kept: see Chart.Empty.
func MonthlyCharts(r stats.Report) []Chart {
	var out []Chart
	orgs := Chart{Name: "organisations", Title: "Accompagnements par organisme", Kind: Bars}
	for i, c := range r.Organisations {
		if i == maxChartBars-1 && len(r.Organisations) > maxChartBars {
			rest := 0
			for _, d := range r.Organisations[i:] {
				rest += d.N
			}
			orgs.Labels, orgs.Values = append(orgs.Labels, "Autres"), append(orgs.Values, float64(rest))
			break
		}
		orgs.Labels, orgs.Values = append(orgs.Labels, c.Key), append(orgs.Values, float64(c.N))
	}
	out = append(out, orgs)
	auto := Chart{Name: "autonomie", Title: "Autonomie des personnes (rendez-vous vus)", Kind: Pie}
	for _, w := range autonomyWords {
		if n := r.Autonomy[w.a]; n > 0 || w.a != "" {
			auto.Labels, auto.Values = append(auto.Labels, w.word), append(auto.Values, float64(n))
		}
	}
	out = append(out, auto)
	st := Chart{Name: "rendez-vous", Title: "Rendez-vous du mois", Kind: Pie}
	for _, w := range statusWords {
		if n := r.Status[w.s]; n > 0 {
			st.Labels, st.Values = append(st.Labels, w.word), append(st.Values, float64(n))
		}
	}
	out = append(out, st)
	if r.Centre == "" && len(r.Centres) > 1 {
		cs := slices.Clone(r.Centres)
		slices.SortStableFunc(cs, func(a, b stats.CentreFigures) int { return b.Accompaniments() - a.Accompaniments() })
		by := Chart{Name: "centres", Title: "Accompagnements par centre", Kind: Bars}
		if len(cs) > maxChartBars {
			by.Title = fmt.Sprintf("Les %d centres les plus actifs", maxChartBars)
			cs = cs[:maxChartBars]
		}
		for _, c := range cs {
			by.Labels, by.Values = append(by.Labels, clip(c.Name, 40)), append(by.Values, float64(c.Accompaniments()))
		}
		out = append(out, by)
	}
	return out
}
