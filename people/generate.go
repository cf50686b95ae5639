package people

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Name pools for Generate, in the proportions met at French help desks:
// mostly French names, and the names of families from North and West
// Africa, Portugal, Turkey and Vietnam, among others.
var (
	firstNamesFrench = []string{
		"Marie", "Jean", "Hélène", "Françoise", "Michel", "Monique", "Pierre", "Nathalie", "Philippe", "Isabelle",
		"Jean-Pierre", "Marie-Claude", "Sylvie", "Christophe", "Céline", "Stéphane", "Sébastien", "Aurélie", "Jérôme", "Émilie",
		"Gérard", "Josiane", "René", "Thérèse", "Noël", "Chloé", "Léa", "Théo", "Maël", "Zoé",
		"Anne-Sophie", "Jean-François", "Danièle", "Bernard", "Colette", "Ginette", "André", "Raymonde", "Agnès", "Lucie",
		"Hugo", "Inès", "Manon", "Kévin", "Jessica", "Dylan", "Océane", "Loïc", "Gaëlle", "Benoît",
	}
	firstNamesOther = []string{
		"Mohamed", "Fatima", "Karim", "Nadia", "Rachid", "Samira", "Youssef", "Khadija", "Mehdi", "Leïla",
		"Aïcha", "Mamadou", "Fatoumata", "Moussa", "Aminata", "Ousmane", "Mariam", "Ibrahima", "Awa", "Seydou",
		"João", "Maria", "José", "Conceição", "António", "Fernanda", "Manuel", "Graça",
		"Mehmet", "Ayşe", "Mustafa", "Fatma", "Hüseyin", "Emine", "Özlem", "Yusuf",
		"Thi Lan", "Van Minh", "Thu Hà", "Quang", "Linh", "Huong",
		"Abdelkader", "Saïd", "Zineb", "Hakim", "Yasmina", "Djamel", "Kenza", "Ali",
	}
	lastNamesFrench = []string{
		"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
		"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
		"Dupont", "Lefebvre", "Girard", "Bonnet", "Rousseau", "Mercier", "Blanc", "Guérin", "Muller", "Faure",
		"André", "Chevalier", "François", "Gauthier", "Perrin", "Lemaire", "Lemoine", "Barbier", "Brun", "Rey",
		"Le Gall", "Le Goff", "Saint-Martin", "Delacroix", "Ménard", "Bénard", "Hébert", "Lécuyer", "Crépin", "Châtelain",
	}
	lastNamesOther = []string{
		"Benali", "Bensaïd", "El Amrani", "Haddad", "Belkacem", "Boumediene", "Cherif", "Mansouri", "Benmoussa", "Ait Ahmed",
		"Traoré", "Diallo", "Koné", "Coulibaly", "Diop", "N'Diaye", "Camara", "Sow", "Keïta", "Cissé",
		"Da Silva", "Pereira", "Ferreira", "Dos Santos", "Gonçalves", "Rodrigues", "Fernandes", "Lopes",
		"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın",
		"Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Võ",
		"Kaci", "Hamidi", "Meziane", "Boukhari",
	}
	languagesOther = []string{"ar", "ar", "pt", "tr", "vi", "en", "wo", "bm", "es", "ru", "uk", "ps"}
	emailDomains   = []string{"gmail.com", "orange.fr", "hotmail.fr", "laposte.net", "free.fr", "yahoo.fr", "sfr.fr", "outlook.fr"}
	consentBy      = []string{"camille", "karima.b", "julien", "sophie.l", "moussa"}
)

// ConsentPurpose is the purpose recorded with a consent given at the desk.
const ConsentPurpose = "Suivi des démarches avec les centres partenaires du réseau"

// Generate returns n believable, valid persons, the same for the same seed:
// French and other first and last names with accents and hyphens, about 15%
// without a phone, 40% with an e-mail, birth years 1935 to 2006, and about
// half of them sharing with partner centres. Their IDs are deterministic too.
func Generate(seed int64, n int) []Person {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5265_6c61_6973)) // "Relais"
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	out := make([]Person, 0, n)
	for range n {
		var p Person
		other := rng.IntN(100) < 35
		if other {
			p.FirstName, p.LastName = pick(firstNamesOther), pick(lastNamesOther)
			p.Language = DefaultLang
			if rng.IntN(100) < 40 {
				p.Language = pick(languagesOther)
			}
		} else {
			p.FirstName, p.LastName = pick(firstNamesFrench), pick(lastNamesFrench)
			p.Language = DefaultLang
		}
		switch r := rng.IntN(100); {
		case r < 4: // a first name alone, the rest unknown
			p.LastName = ""
		case r < 8: // a compound last name
			p.LastName += "-" + pick(lastNamesFrench)
		}
		if rng.IntN(100) < 15 {
			p.NoPhone = true
		} else if rng.IntN(100) < 80 {
			p.Phone = fmt.Sprintf("+33%d%08d", 6+rng.IntN(2), rng.IntN(100_000_000))
		} else {
			p.Phone = fmt.Sprintf("+33%d%08d", 1+rng.IntN(5), rng.IntN(100_000_000))
		}
		if rng.IntN(100) < 40 {
			local := strings.Join(strings.Fields(fold(p.FirstName)), "")
			if last := strings.Join(strings.Fields(fold(p.LastName)), ""); last != "" {
				local += "." + last
			}
			if rng.IntN(2) == 0 {
				local += fmt.Sprint(rng.IntN(100))
			}
			p.Email = local + "@" + pick(emailDomains)
		}
		if rng.IntN(100) < 90 {
			p.BirthYear = 1935 + rng.IntN(2006-1935+1)
		}
		if rng.IntN(100) < 55 {
			p.Consent = Consent{
				Given:   true,
				Date:    time.Date(2023, time.January, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(3*365*24)) * time.Hour),
				By:      pick(consentBy),
				Purpose: ConsentPurpose,
			}
		}
		p.ID = fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xfff,
			0x8000|rng.Uint32()&0x3fff, rng.Uint64()&0xffff_ffff_ffff)
		out = append(out, p)
	}
	return out
}
