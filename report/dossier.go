package report

import (
	"io"
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	"relais/access"
)

// DossierPDF writes a person's dossier (right of access) as a PDF: a title,
// then each section with every field of every record, on as many pages as
// it takes.
func DossierPDF(w io.Writer, title, subtitle string, sections []access.Section) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(toLatin1(s)) }
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.SetTitle(title, true)
	pdf.SetCreator("Relais", true)
	pdf.SetLang("fr")
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(title)+"  –  "+tr("page")+" "+strconv.Itoa(pdf.PageNo())+"/{nb}", "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(title), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr(subtitle), "", "L", false)
	pdf.Ln(3)
	for _, s := range sections {
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 7, tr(s.Title), "", "L", false)
		for i, rec := range s.Records {
			if i > 0 {
				y := pdf.GetY() + 1
				pdf.Line(margin, y, 210-margin, y)
				pdf.Ln(2)
			}
			for _, f := range rec {
				pdf.SetFont("Helvetica", "B", 9)
				pdf.CellFormat(55, 5, tr(clip(f.Name, 40)), "", 0, "L", false, 0, "")
				pdf.SetFont("Helvetica", "", 9)
				pdf.MultiCell(0, 5, tr(f.Value), "", "L", false)
			}
		}
		pdf.Ln(3)
	}
	return pdf.Output(w)
}
