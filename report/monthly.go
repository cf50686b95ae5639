package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"relais/appointments"
	"relais/stats"
)

// MonthlyPDF writes the activity report of r, ready to send to a funder:
// the key figures, the accompaniments by organisation and by procedure,
// the autonomy of the people, for the network one line per centre, the
// charts, and how each figure is counted. It is in French: funders read it
// in French whatever the interface's language. It stops with ctx's error
// when ctx is cancelled, before writing anything to w.
func MonthlyPDF(ctx context.Context, w io.Writer, r stats.Report) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(toLatin1(s)) }
	title := "Rapport d'activité – " + r.Period.Label()
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.SetTitle(title+" – "+r.Name, true)
	pdf.SetCreator("Relais", true)
	pdf.SetLang("fr")
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(r.Name+" – "+title+" – page "+strconv.Itoa(pdf.PageNo())+"/{nb}"), "", 0, "C", false, 0, "")
	})
	width := 210 - 2*margin

	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, tr("Rapport d'activité"), "", "L", false)
	pdf.SetFont("Helvetica", "B", 13)
	scope := "Centre : " + r.Name
	if r.Centre == "" {
		scope = fmt.Sprintf("%s – ensemble du réseau (%d centres)", r.Name, len(r.Centres))
	}
	pdf.MultiCell(0, 7, tr(scope), "", "L", false)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 6, tr("Période : "+r.Period.Label()+". Établi le "+LongDate(r.Made, "fr")+" par Relais."), "", "L", false)
	pdf.Ln(4)

	f := r.Figures
	heading := func(s string) {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.MultiCell(0, 7, tr(s), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
	}
	heading("Chiffres clés")
	keys := [][2]string{
		{"Accompagnements", fmt.Sprintf("%s (%s individuels, %s collectifs)", number(f.Accompaniments()), number(f.Individual), number(f.Workshops))},
		{"dont accueils sans rendez-vous", number(f.WalkIns)},
		{"Participants aux ateliers collectifs", number(f.Participants)},
		{"Personnes accompagnées individuellement", number(f.People)},
		{"dont nouvelles personnes", number(f.NewPeople)},
		{"Temps d'accompagnement", hours(f.Minutes)},
		{"Rendez-vous prévus dans la période", number(f.Appointments)},
		{"Taux d'absence sans prévenir", percent(f.NoShowRate())},
		{"Personnes entrées dans le radar (suivi ouvert)", number(f.RadarEntered)},
		{"Personnes sorties du radar (suivi clos)", number(f.RadarLeft)},
	}
	for i, k := range keys {
		fill := i%2 == 0
		pdf.SetFillColor(240, 244, 248)
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(width*0.62, 6.5, tr(k[0]), "", 0, "L", fill, 0, "")
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(width*0.38, 6.5, tr(k[1]), "", 1, "R", fill, 0, "")
	}

	table := func(cols []string, widths []float64, aligns string, rows [][]string) {
		if pdf.GetY() > 297-margin-30 { // keep a heading with its first rows
			pdf.AddPage()
		}
		pdf.SetFont("Helvetica", "B", 9)
		pdf.SetFillColor(220, 230, 240)
		for i, c := range cols {
			pdf.CellFormat(widths[i]*width, 6, tr(c), "B", 0, aligns[i:i+1], true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 9)
		for _, row := range rows {
			if pdf.GetY() > 297-margin-10 {
				pdf.AddPage()
			}
			for i, c := range row {
				pdf.CellFormat(widths[i]*width, 5.5, tr(clip(c, int(widths[i]*110))), "", 0, aligns[i:i+1], false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	share := func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return percent(float64(n) / float64(of))
	}

	heading("Accompagnements par organisme")
	if len(f.Organisations) == 0 {
		pdf.MultiCell(0, 5, tr("Aucun accompagnement sur une démarche dans la période."), "", "L", false)
	} else {
		var rows [][]string
		for _, c := range f.Organisations {
			rows = append(rows, []string{c.Key, number(c.N), share(c.N, f.Accompaniments()), hours(c.Minutes)})
		}
		table([]string{"Organisme", "Accompagnements", "Part", "Temps"}, []float64{0.46, 0.2, 0.14, 0.2}, "LRRR", rows)
	}

	if len(f.Procedures) > 0 {
		heading("Accompagnements par démarche")
		var rows [][]string
		for _, c := range f.Procedures {
			name, org := c.Key, ""
			if p, err := appointments.FindProcedure(c.Key); err == nil {
				name, org = p.Title, p.Organisation
			}
			rows = append(rows, []string{name, org, number(c.N), hours(c.Minutes)})
		}
		table([]string{"Démarche", "Organisme", "Nombre", "Temps"}, []float64{0.56, 0.16, 0.12, 0.16}, "LLRR", rows)
	}

	if seen := f.Status[appointments.Seen]; seen > 0 {
		heading("Autonomie des personnes (rendez-vous vus)")
		var auto [][]string
		for _, w := range autonomyWords {
			if n := f.Autonomy[w.a]; n > 0 || w.a != "" {
				auto = append(auto, []string{w.word, number(n), share(n, seen)})
			}
		}
		table([]string{"Niveau d'autonomie", "Rendez-vous", "Part"}, []float64{0.6, 0.2, 0.2}, "LRR", auto)
	}

	heading("Rendez-vous de la période")
	if f.Appointments == 0 {
		pdf.MultiCell(0, 5, tr("Aucun rendez-vous dans la période."), "", "L", false)
	} else {
		var st [][]string
		for _, w := range statusWords {
			st = append(st, []string{w.word, number(f.Status[w.s]), share(f.Status[w.s], f.Appointments)})
		}
		table([]string{"Suite donnée", "Rendez-vous", "Part"}, []float64{0.6, 0.2, 0.2}, "LRR", st)
	}

	if r.Centre == "" && len(r.Centres) > 0 {
		heading("Par centre")
		var rows [][]string
		for i, c := range r.Centres {
			if i%50 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			rows = append(rows, []string{c.Name, number(c.Accompaniments()), number(c.People), hours(c.Minutes), percent(c.NoShowRate())})
		}
		table([]string{"Centre", "Accomp.", "Personnes", "Temps", "Absences"}, []float64{0.48, 0.13, 0.13, 0.13, 0.13}, "LRRRR", rows)
	}

	for _, c := range MonthlyCharts(r) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.Empty() {
			continue
		}
		png, err := c.PNG()
		if err != nil {
			return err
		}
		info := pdf.RegisterImageOptionsReader(c.Name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		if info == nil {
			return fmt.Errorf("monthly report: chart %s: %w", c.Name, pdf.Error())
		}
		h := width * info.Height() / info.Width()
		if pdf.GetY()+h > 297-margin-8 {
			pdf.AddPage()
		}
		pdf.ImageOptions(c.Name, margin, pdf.GetY()+2, width, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		pdf.SetY(pdf.GetY() + h + 4)
	}

	heading("Comment les chiffres sont comptés")
	pdf.SetFont("Helvetica", "", 8.5)
	for _, s := range definitions {
		pdf.MultiCell(0, 4.2, tr("• "+s), "", "L", false)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// definitions say how each figure is counted, for the funder reading it.
var definitions = []string{
	"Accompagnement individuel : un rendez-vous dont le compte rendu est enregistré (« vu »), ou une personne venue sans rendez-vous et reçue par un médiateur.",
	"Accompagnement collectif : un atelier animé pour plusieurs personnes ; ses participants sont comptés à part, sans être nommés.",
	"Temps d'accompagnement : la durée prévue des rendez-vous vus et des ateliers ; pour un accueil sans rendez-vous, la durée habituelle de la démarche.",
	"Taux d'absence : rendez-vous manqués sans prévenir, sur les rendez-vous dont l'heure est venue (vus, arrivés ou absents) ; les rendez-vous excusés ou annulés n'y entrent pas.",
	"Nouvelles personnes : personnes accompagnées dans la période dont la fiche a été créée dans la période. Une personne reçue deux fois ou dans deux centres est comptée une fois.",
	"Radar : un suivi est ouvert quand une personne a décroché (rendez-vous manqués, démarche sans nouvelles) ; il est clos quand elle revient ou que le suivi s'arrête.",
	"Ce rapport ne contient aucune donnée personnelle : uniquement des nombres.",
}

// number writes 12345 as « 12 345 », the French way.
func number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent writes 0.125 as « 12,5 % ».
func percent(x float64) string {
	return strings.Replace(strconv.FormatFloat(x*100, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
}

// hours writes 135 minutes as « 2 h 15 ».
func hours(minutes int) string {
	if minutes < 60 {
		return strconv.Itoa(minutes) + " min"
	}
	return fmt.Sprintf("%s h %02d", number(minutes/60), minutes%60)
}
