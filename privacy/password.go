package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// folded is a text as the password guard reads it: one byte per rune, in
// lower case and without accents, so « MDP », « Mot de passe » and
// « mot de passé » compare alike.
type folded struct {
	b []byte
	// off[i] is the offset in the text of the rune b[i] comes from, with
	// off[len(b)] the text's length; nil when the text is ASCII and b[i]
	// comes from text[i].
	off []int32
}

// lower maps each ASCII byte to its lower case.
var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if isUpper(byte(i)) {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// Bytes of a folded text that are not ASCII: another letter or digit
// (« ł », « ٣ »), or another sign.
const (
	otherLetter = 0x01
	otherSign   = 0x02
)

func fold(text string) folded {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		b := make([]byte, len(text))
		for i := range len(text) {
			b[i] = lower[text[i]]
		}
		return folded{b: b}
	}
	b := make([]byte, 0, len(text))
	off := make([]int32, 0, len(text)+1)
	for i := 0; i < len(text); {
		off = append(off, int32(i))
		if c := text[i]; c < utf8.RuneSelf {
			b = append(b, lower[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		b = append(b, foldRune(r))
		i += size
	}
	off = append(off, int32(len(text)))
	return folded{b: b, off: off}
}

// foldRune maps a rune to one byte: the ASCII letter of a French accented
// letter, a space for every kind of space, a quote for typographic quotes.
func foldRune(r rune) byte {
	if r < utf8.RuneSelf {
		c := byte(r)
		if isUpper(c) {
			c += 'a' - 'A'
		}
		return c
	}
	switch unicode.ToLower(r) {
	case 'à', 'â', 'ä', 'á', 'ã':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'î', 'ï', 'í', 'ì':
		return 'i'
	case 'ô', 'ö', 'ó', 'ò', 'õ', 'œ':
		return 'o'
	case 'ù', 'û', 'ü', 'ú':
		return 'u'
	case 'ç':
		return 'c'
	case 'ÿ':
		return 'y'
	case 'ñ':
		return 'n'
	case '’', '‘':
		return '\''
	case '«', '»', '“', '”':
		return '"'
	}
	switch {
	case unicode.IsSpace(r):
		return ' '
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return otherLetter
	}
	return otherSign
}

func (f folded) raw(i int) int {
	if f.off == nil {
		return i
	}
	return int(f.off[i])
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || isDigit(c) || c == otherLetter
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isLineEnd(c byte) bool { return c == '\n' || c == '\r' }

// Keywords that announce a password or a secret code, folded; a space
// stands for spaces or dashes (« mot-de-passe »). The pin ones may be
// followed by digits alone, even without a colon (« code PIN 1234 »).
var (
	passwordKeywords = []string{"mot de passe", "mots de passe", "mot de pass", "mdp", "mdps",
		"password", "passwords", "passwd", "pwd"}
	pinKeywords = []string{"code secret", "codes secrets", "code pin", "codes pin", "code confidentiel"}
)

// passwords finds the values written after a password keyword.
func (s *scanner) passwords() {
	// Cheap test first: most notes hold none of the keywords' first
	// letters at a word start followed by what they need.
	f := fold(s.text)
	b := f.b
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != 'm' && c != 'p' && c != 'c' || i > 0 && isWordByte(b[i-1]) {
			continue
		}
		if e, ok := matchAny(b, i, passwordKeywords); ok {
			s.passwordAfter(f, i, e, false)
		} else if e, ok := matchAny(b, i, pinKeywords); ok {
			s.passwordAfter(f, i, e, true)
		}
	}
}

func matchAny(b []byte, i int, keywords []string) (int, bool) {
	for _, kw := range keywords {
		if kw[0] != b[i] {
			continue
		}
		if e, ok := match(b, i, kw); ok {
			return e, true
		}
	}
	return 0, false
}

// match reports whether the keyword kw is at b[i:], as whole words, and
// where it ends.
func match(b []byte, i int, kw string) (int, bool) {
	j := i
	for k := 0; k < len(kw); k++ {
		if kw[k] == ' ' {
			if j >= len(b) || b[j] != ' ' && b[j] != '-' {
				return 0, false
			}
			for j < len(b) && (b[j] == ' ' || b[j] == '-') {
				j++
			}
			continue
		}
		if j >= len(b) || b[j] != kw[k] {
			return 0, false
		}
		j++
	}
	if j < len(b) && isWordByte(b[j]) {
		return 0, false
	}
	return j, true
}

func skipBlank(b []byte, i int) int {
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	return i
}

// separator reports whether b[i:] starts with what sets a value after a
// label, « : », « = », « -> », « => » or a lone dash, and where it ends.
func separator(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case ':':
		if i+1 < len(b) && b[i+1] == '=' {
			return i + 2, true
		}
		return i + 1, true
	case '=', '-':
		if i+1 < len(b) && b[i+1] == '>' {
			return i + 2, true
		}
		if b[i] == '-' && (i+1 < len(b) && !isBlank(b[i+1])) {
			return 0, false
		}
		return i + 1, true
	}
	return 0, false
}

// tokenEnd returns the end of the token at i: up to a blank, a line end, or
// a colon or equals sign.
func tokenEnd(b []byte, i int) int {
	for i < len(b) && !isBlank(b[i]) && !isLineEnd(b[i]) && b[i] != ':' && b[i] != '=' {
		i++
	}
	return i
}

func endsClause(c byte) bool { return strings.IndexByte(".,;!?", c) >= 0 }

// passwordAfter looks at what follows the keyword b[start:end] and records
// the value if it is one.
func (s *scanner) passwordAfter(f folded, start, end int, pin bool) {
	b := f.b
	p := skipBlank(b, end)
	strong := false
	// The separator comes right away, or after up to three words naming
	// the account (« mdp ameli : », « mot de passe de la CAF = »).
	for q, n := p, 0; ; n++ {
		if r, ok := separator(b, q); ok {
			strong, p = true, r
			break
		}
		if n == 3 {
			break
		}
		t := tokenEnd(b, q)
		if t == q || endsClause(b[t-1]) {
			break
		}
		q = skipBlank(b, t)
	}
	if !strong && p == end {
		return // « mdp, » « mdp) »: nothing set after the keyword
	}
	// The value, without the quotes or brackets around it.
	v := p
	for v < len(b) && (isBlank(b[v]) && strong || strings.IndexByte("\"'([", b[v]) >= 0) {
		v++
	}
	ve := v
	for ve < len(b) && !isBlank(b[ve]) && !isLineEnd(b[ve]) {
		ve++
	}
	after := ve
	clause := false
	for ve > v && strings.IndexByte("\"')].,;:!?", b[ve-1]) >= 0 {
		clause = clause || strings.IndexByte(")].,;!?", b[ve-1]) >= 0
		ve--
	}
	if ve == v {
		return
	}
	rs, re := f.raw(v), f.raw(ve)
	value := s.text[rs:re]
	if !strong && !looksLikeSecret(value, pin) ||
		strong && !looksLikeValue(value, b[v:ve], clause || endOfClause(b, after)) {
		return
	}
	excerpt := strings.TrimRight(s.text[f.raw(start):rs], " \t\"'«“([\u00a0\u202f")
	if utf8.RuneCountInString(excerpt) > 40 {
		excerpt = s.text[f.raw(start):f.raw(end)]
	}
	s.found = append(s.found, Finding{Kind: Password, Start: rs, End: re, Excerpt: excerpt + " " + ellipsis})
}

// endOfClause reports whether nothing else of the sentence follows i: the
// end of the text or line, a punctuation mark, or another label
// (« mdp : azerty identifiant : … »).
func endOfClause(b []byte, i int) bool {
	i = skipBlank(b, i)
	if i == len(b) || isLineEnd(b[i]) || strings.IndexByte(",;.)/|", b[i]) >= 0 {
		return true
	}
	_, ok := separator(b, skipBlank(b, tokenEnd(b, i)))
	return ok
}

// shape counts the kinds of runes of a value. Apostrophes and dashes
// (« c'est », « peut-être ») count as nothing.
type shape struct {
	letters, digits, signs, upperAfterFirst, lower int
	secretSign                                     bool // one of @#$%&*_+=!?
	numericSign                                    bool // / : . , h: dates, times, amounts
}

func shapeOf(v string) shape {
	var sh shape
	first := true
	for _, r := range v {
		switch {
		case r == '\'' || r == '’' || r == '-':
		case unicode.IsLetter(r):
			sh.letters++
			if unicode.IsUpper(r) && !first {
				sh.upperAfterFirst++
			}
			if unicode.IsLower(r) {
				sh.lower++
			}
		case unicode.IsDigit(r):
			sh.digits++
		default:
			sh.signs++
			sh.secretSign = sh.secretSign || strings.ContainsRune("@#$%&*_+=!?", r)
			sh.numericSign = sh.numericSign || strings.ContainsRune("/:.,", r)
		}
		first = false
	}
	return sh
}

// looksLikeSecret reports whether a token after a keyword and a mere space
// is a password: it mixes letters with digits or signs (« Soleil2024 »),
// or, after a PIN keyword, it is four to eight digits.
func looksLikeSecret(v string, pin bool) bool {
	if isDateTimeOrdinal(v) || isAddress(v) {
		return false
	}
	sh := shapeOf(v)
	if pin && sh.letters == 0 && sh.signs == 0 && sh.digits >= 4 && sh.digits <= 8 {
		return true
	}
	return utf8.RuneCountInString(v) >= 4 && sh.letters > 0 && (sh.digits > 0 || sh.secretSign)
}

// looksLikeValue reports whether the token after « : » or « = » is a
// password rather than the start of a sentence. low is the token folded;
// last says it ends the clause.
func looksLikeValue(v string, low []byte, last bool) bool {
	if isDateTimeOrdinal(v) || isAddress(v) {
		return false
	}
	sh := shapeOf(v)
	switch {
	case sh.letters == 0 && sh.digits == 0:
		return false // « *** », « ? »
	case sh.letters == 0:
		// A PIN, or digits with signs that are not a date, a time or
		// an amount.
		return sh.signs == 0 && sh.digits >= 4 || sh.signs > 0 && !sh.numericSign
	case sh.digits > 0 || sh.signs > 0:
		return true
	case commonWords[string(low)] || isParticiple(v):
		return false
	}
	return sh.upperAfterFirst > 0 && sh.lower > 0 || last
}

// isParticiple reports whether v ends like a French past participle
// (« renvoyé », « notées »), which tells what was done, not a value.
func isParticiple(v string) bool {
	for _, end := range []string{"é", "ée", "és", "ées", "É", "ÉE", "ÉS", "ÉES"} {
		if strings.HasSuffix(v, end) {
			return true
		}
	}
	return false
}

// isDateTimeOrdinal reports whether v is a date (12/03, 12.03.2024), a
// time (14h, 14h30, 9:15) or an ordinal (1er, 2e, 3ème, 2nd).
func isDateTimeOrdinal(v string) bool {
	i := 0
	for i < len(v) && isDigit(v[i]) {
		i++
	}
	if i == 0 || i > 4 {
		return false
	}
	rest := strings.ToLower(v[i:])
	switch rest {
	case "h", "e", "er", "ere", "re", "eme", "ème", "nd", "nde", "min":
		return true
	}
	if rest == "" || strings.IndexByte("/.:h-", rest[0]) < 0 {
		return false
	}
	// Digits separated by / . : h or -.
	for j := 0; j < len(rest); j++ {
		if !isDigit(rest[j]) && strings.IndexByte("/.:h-", rest[j]) < 0 {
			return false
		}
	}
	return true
}

// isAddress reports whether v is a web address, as a reset link.
func isAddress(v string) bool {
	low := strings.ToLower(v)
	return strings.HasPrefix(low, "http:") || strings.HasPrefix(low, "https:") || strings.HasPrefix(low, "www.")
}

// commonWords are words, folded, that follow « mot de passe : » in a note
// without being the password: small French words, what was done, where it
// is written, and the services people have an account with.
var commonWords = func() map[string]bool {
	const list = `a à ai as au aux avec avant apres aucun aucune aussi bien c'est ca ce ces cet cette chez
		ci comme dans de des deja du elle elles en encore est et etait eu fait faite faits faites fini
		il ils j'ai je l'a la le les leur leurs lui ma mais me meme mes moi mon ne ni non nous on ou
		oui par pas peu plus pour pres qu qu'il que qui rien sa sans se ses si son sont sur ta te tes
		toi ton tous tout toujours tu un une vers vos votre vous y
		ok okay na nc nr idem pareil habituel habituelle inconnu inconnue connu connue personnel
		personnelle provisoire temporaire nouveau nouvel nouvelle ancien ancienne vide manquant absent
		voir vu note notes cf ras
		oublie oubliee oublies perdu perdue perdus change changee modifie modifiee bloque bloquee
		debloque expire expiree reinitialise reinitialisee renvoye renvoyee envoye envoyee recu recue
		genere regenere cree valide invalide incorrect incorrecte faux fausse errone erronee refait
		demande demandee redemande
		changer modifier reinitialiser reinitialisation renouveler envoyer renvoyer recevoir demander
		redemander rappeler refaire creer retrouver recuperer debloquer saisir noter attendre
		attente cours
		sms mail email e-mail courriel courrier lettre telephone tel portable papier carnet cahier
		agenda fiche dossier lien code compte identifiant login
		lundi mardi mercredi jeudi vendredi samedi dimanche demain hier aujourd'hui
		ameli caf cpam msa ants impots urssaf carsat franceconnect france travail pole emploi
		laposte poste gmail hotmail outlook yahoo orange sfr free bouygues edf engie banque
		forgot forgotten lost reset changed sent unknown none same see new old`
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		b := make([]byte, 0, len(w))
		for _, r := range w {
			b = append(b, foldRune(r))
		}
		m[string(b)] = true
	}
	return m
}()
