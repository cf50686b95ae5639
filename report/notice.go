package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"relais/problem"
)

// Notice is what the information notice (« Notice d'information »), handed
// to a person at registration, says about their data at one centre.
type Notice struct {
	CentreName    string
	CentreAddress string // may span several lines
	CentrePhone   string
	// Partners are the names of the partner centres a person's file is
	// shared with, if they agree.
	Partners []string
	// PersonMonths: a person with no activity for that long is erased;
	// DetailsMonths: appointment details older than that are anonymised.
	PersonMonths, DetailsMonths int
}

// ErrNoticeWithoutCentre: a notice must say who keeps the data.
var ErrNoticeWithoutCentre = problem.Register("report.notice_without_centre")

// CNIL's contact, as it gives it for complaints.
const (
	cnilSite    = "www.cnil.fr"
	cnilAddress = "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"
	cnilPhone   = "01 53 73 22 22"
)

// noticeSection is a heading, paragraphs and bullet points.
type noticeSection struct {
	heading string
	paras   []string
	bullets []string
	after   []string // paragraphs after the bullets
}

// MonthsInWords writes a retention for a person: « 2 ans (24 mois) »,
// « 18 mois (un an et demi) », « 6 mois »; "2 years (24 months)" in English.
func MonthsInWords(m int, lang string) string {
	years, rest := m/12, m%12
	if lang == "en" {
		months := plural(m, "month", "months")
		switch {
		case years == 0:
			return months
		case rest == 0:
			return plural(years, "year", "years") + " (" + months + ")"
		case rest == 6 && years == 1:
			return months + " (a year and a half)"
		case rest == 6:
			return months + " (" + strconv.Itoa(years) + " and a half years)"
		}
		return months
	}
	months := strconv.Itoa(m) + " mois"
	switch {
	case years == 0:
		return months
	case rest == 0:
		return plural(years, "an", "ans") + " (" + months + ")"
	case rest == 6 && years == 1:
		return months + " (un an et demi)"
	case rest == 6:
		return months + " (" + strconv.Itoa(years) + " ans et demi)"
	}
	return months
}

// noticeText is the notice's words, in French unless lang is "en".
func noticeText(n Notice, lang string) (title, intro string, sections []noticeSection, received string) {
	keep, details := MonthsInWords(n.PersonMonths, lang), MonthsInWords(n.DetailsMonths, lang)
	partners := strings.Join(n.Partners, ", ")
	if lang == "en" {
		shared := "This centre shares nothing with other centres."
		if partners != "" {
			shared = "The partner centres of our network — " + partners + " — only if you agree. They see your file, your appointments and your procedures in progress, so that you can be helped there too. Without your agreement, nothing leaves this centre."
		}
		return "Information notice — your data",
			n.CentreName + " uses Relais to organise its digital help desk. This notice tells you, in plain words, what we keep about you, why, for how long, who sees it, and what you can do about it.",
			[]noticeSection{
				{heading: "What we keep about you", bullets: []string{
					"your first name, your last name if you give it, a way to reach you (phone or e-mail) and, if you wish, your year of birth and the language you prefer;",
					"your appointments: the date, the procedure, what was done and how much you did yourself;",
					"the procedures in progress and the documents still missing;",
					"the steps of the guides followed with you;",
					"if you stop coming while a procedure is unfinished, our attempts to get back in touch.",
				}},
				{heading: "Why", bullets: []string{
					"to give you appointments and remind you of them;",
					"to take up where you left off, with any mediator;",
					"to contact you again if an important procedure is left unfinished;",
					"to count our activity for our funders, without your name.",
				}},
				{heading: "What we never keep", paras: []string{"Your passwords, your login details, your bank details or card numbers, your social security number. Mediators never write them down: you type them yourself."}},
				{heading: "For how long", paras: []string{
					"If you do not come back for " + keep + ", everything about you is erased automatically.",
					"The details of your appointments are made anonymous after " + details + ": only their number is kept, without your name.",
				}},
				{heading: "Who sees it", bullets: []string{
					"The team of this centre, each for what they need: reception does not read the notes of your appointments.",
					shared,
				}, after: []string{"Your data stays on the centre's computers, encrypted. It is never sold nor sent to an online service."}},
				{heading: "Your rights", paras: []string{"At any time, without giving a reason, and without any effect on the help you get, you can:"}, bullets: []string{
					"see what we keep about you and get a copy;",
					"have it corrected;",
					"take it away, as a file;",
					"have it erased: here and at the partner centres;",
					"withdraw your agreement to sharing, or object to what we keep.",
				}},
				{heading: "Whom to ask", paras: []string{
					"Ask at the front desk, or contact " + n.CentreName + contactLine(n, lang) + ".",
					"If you think your rights are not respected, you can complain to the CNIL: " + cnilSite + ", " + cnilAddress + ", phone " + cnilPhone + ".",
				}},
			},
			"I received this notice.     Date:                          Signature:"
	}
	shared := "Ce centre ne partage vos informations avec aucun autre centre."
	if partners != "" {
		shared = "Les centres partenaires de notre réseau — " + partners + " — seulement si vous l'acceptez. Ils voient votre fiche, vos rendez-vous et vos démarches en cours, pour pouvoir vous aider aussi. Sans votre accord, rien ne quitte ce centre."
	}
	return "Notice d'information — vos données",
		n.CentreName + " utilise Relais pour organiser son accueil numérique. Cette notice vous dit simplement ce que nous gardons sur vous, pourquoi, combien de temps, qui le voit, et ce que vous pouvez faire.",
		[]noticeSection{
			{heading: "Ce que nous gardons sur vous", bullets: []string{
				"votre prénom, votre nom si vous le donnez, un moyen de vous joindre (téléphone ou e-mail) et, si vous le souhaitez, votre année de naissance et la langue que vous préférez ;",
				"vos rendez-vous : la date, la démarche, ce qui a été fait et ce que vous avez fait vous-même ;",
				"les démarches en cours et les papiers qui manquent encore ;",
				"les étapes des guides suivies avec vous ;",
				"si vous ne venez plus alors qu'une démarche n'est pas finie, nos essais pour reprendre contact.",
			}},
			{heading: "Pourquoi", bullets: []string{
				"pour vous donner des rendez-vous et vous les rappeler ;",
				"pour reprendre là où vous en étiez, avec n'importe quel médiateur ;",
				"pour vous recontacter si une démarche importante reste en suspens ;",
				"pour compter notre activité auprès de nos financeurs, sans votre nom.",
			}},
			{heading: "Ce que nous ne gardons jamais", paras: []string{"Vos mots de passe, vos identifiants de connexion, vos coordonnées bancaires ou numéros de carte, votre numéro de sécurité sociale. Les médiateurs ne les notent jamais : c'est vous qui les tapez."}},
			{heading: "Combien de temps", paras: []string{
				"Si vous ne revenez pas pendant " + keep + ", tout ce qui vous concerne est effacé automatiquement.",
				"Le détail de vos rendez-vous est rendu anonyme au bout de " + details + " : on garde seulement leur nombre, sans votre nom.",
			}},
			{heading: "Qui le voit", bullets: []string{
				"L'équipe de ce centre, chacun pour ce dont il a besoin : l'accueil ne lit pas les notes de vos rendez-vous.",
				shared,
			}, after: []string{"Vos informations restent sur les ordinateurs du centre, chiffrées. Elles ne sont ni vendues ni envoyées à un service en ligne."}},
			{heading: "Vos droits", paras: []string{"À tout moment, sans avoir à vous justifier, et sans aucune conséquence sur l'aide que vous recevez, vous pouvez :"}, bullets: []string{
				"voir ce que nous gardons sur vous et en recevoir une copie ;",
				"le faire corriger ;",
				"l'emporter, dans un fichier ;",
				"le faire effacer : ici et chez les centres partenaires ;",
				"retirer votre accord au partage, ou vous opposer à ce que nous gardions vos informations.",
			}},
			{heading: "À qui vous adresser", paras: []string{
				"Demandez à l'accueil, ou contactez " + n.CentreName + contactLine(n, lang) + ".",
				"Si vous pensez que vos droits ne sont pas respectés, vous pouvez vous plaindre auprès de la CNIL : " + cnilSite + ", " + cnilAddress + ", tél. " + cnilPhone + ".",
			}},
		},
		"J'ai reçu cette notice.     Date :                          Signature :"
}

// contactLine is the centre's address and phone, after its name.
func contactLine(n Notice, lang string) string {
	var parts []string
	for _, line := range strings.Split(n.CentreAddress, "\n") {
		if l := strings.Join(strings.Fields(line), " "); l != "" {
			parts = append(parts, l)
		}
	}
	if p := strings.TrimSpace(n.CentrePhone); p != "" {
		if lang == "en" {
			parts = append(parts, "phone "+p)
		} else {
			parts = append(parts, "tél. "+p)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// NoticePDF writes the information notice n as an A4 PDF to w, in French
// unless lang is "en": one or two pages, to print and hand over at
// registration. It refuses a notice without a centre name.
func NoticePDF(w io.Writer, n Notice, lang string) error {
	n.CentreName = strings.Join(strings.Fields(n.CentreName), " ")
	if n.CentreName == "" {
		return ErrNoticeWithoutCentre
	}
	if lang != "en" {
		lang = "fr"
	}
	title, intro, sections, received := noticeText(n, lang)
	pdf := fpdf.New("P", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(toLatin1(s)) }
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.SetTitle(title+" – "+n.CentreName, true)
	pdf.SetCreator("Relais", true)
	pdf.SetLang(lang)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(greyInk[0], greyInk[1], greyInk[2])
		pdf.CellFormat(0, 5, tr(n.CentreName+"  –  ")+strconv.Itoa(pdf.PageNo())+"/{nb}", "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	ink := func(c [3]int) { pdf.SetTextColor(c[0], c[1], c[2]) }

	pdf.SetFont("Helvetica", "B", 18)
	ink(accent)
	pdf.MultiCell(0, 8, tr(title), "", "L", false)
	pdf.SetFont("Helvetica", "B", 12)
	ink(inkColour)
	pdf.MultiCell(0, 6, tr(n.CentreName), "", "L", false)
	pdf.SetDrawColor(accent[0], accent[1], accent[2])
	pdf.SetLineWidth(0.6)
	y := pdf.GetY() + 2
	pdf.Line(margin, y, pageW-margin, y)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 5.2, tr(intro), "", "L", false)

	para := func(s string) {
		pdf.SetFont("Helvetica", "", 11)
		ink(inkColour)
		pdf.MultiCell(0, 5.2, tr(s), "", "L", false)
		pdf.Ln(0.8)
	}
	for _, s := range sections {
		pdf.Ln(2.5)
		if pdf.GetY() > 297-margin-25 { // a heading never ends a page
			pdf.AddPage()
		}
		pdf.SetFont("Helvetica", "B", 12.5)
		ink(accent)
		pdf.MultiCell(0, 6.5, tr(s.heading), "", "L", false)
		for _, p := range s.paras {
			para(p)
		}
		for _, b := range s.bullets {
			pdf.SetFont("Helvetica", "", 11)
			ink(inkColour)
			pdf.SetX(margin + 2)
			pdf.CellFormat(5, 5.2, "\x95", "", 0, "L", false, 0, "") // • in Windows-1252
			pdf.MultiCell(contentW-7, 5.2, tr(b), "", "L", false)
			pdf.Ln(0.5)
		}
		for _, p := range s.after {
			para(p)
		}
	}
	pdf.Ln(6)
	if pdf.GetY() > 297-margin-20 {
		pdf.AddPage()
	}
	pdf.SetFont("Helvetica", "", 11)
	ink(inkColour)
	pdf.SetDrawColor(greyInk[0], greyInk[1], greyInk[2])
	pdf.SetLineWidth(0.3)
	pdf.CellFormat(0, 14, tr(received), "1", 1, "L", false, 0, "")
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("lay out the information notice: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write the information notice: %w", err)
	}
	return nil
}
