package privacy

import "strings"

// scanner collects the findings of one text.
type scanner struct {
	text  string
	found []Finding
	gs    []group
	buf   [32]group
}

// group is a maximal block of ASCII letters and digits, by byte offsets.
type group struct {
	start, end int
	taken      bool // part of bank details already found
}

func (g group) len() int { return g.end - g.start }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool {
	c |= 0x20
	return 'a' <= c && c <= 'z'
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

func (s *scanner) add(k Kind, start, end int) {
	s.found = append(s.found, Finding{Kind: k, Start: start, End: end, Excerpt: masked(k, s.text[start:end])})
}

// numbers reads the text run by run: groups joined by short gaps.
func (s *scanner) numbers() {
	text := s.text
	i := 0
	for i < len(text) {
		if !isAlnum(text[i]) {
			i++
			continue
		}
		start := i
		for i < len(text) && isAlnum(text[i]) {
			i++
		}
		s.gs = append(s.gs, group{start: start, end: i})
		if j, ok := gapAt(text, i); ok && j < len(text) && isAlnum(text[j]) {
			i = j
			continue
		}
		s.run(s.gs)
		s.gs = s.gs[:0]
	}
}

// gapAt returns the end of the gap starting at i and whether it may join two
// groups of one number: one to three spaces (including no-break and thin
// spaces), dots or dashes, with at most one dot or dash, and never a dot
// with a space, which ends a sentence.
func gapAt(text string, i int) (int, bool) {
	n, spaces, marks, dots := 0, 0, 0, 0
	for i < len(text) && n <= 3 {
		switch c := text[i]; {
		case c == ' ' || c == '\t':
			spaces++
			i++
		case c == '-':
			marks++
			i++
		case c == '.':
			marks++
			dots++
			i++
		case c == 0xC2 && strings.HasPrefix(text[i:], "\u00a0"):
			spaces++
			i += 2
		case c == 0xE2 && (strings.HasPrefix(text[i:], "\u202f") || strings.HasPrefix(text[i:], "\u2009")):
			spaces++
			i += 3
		default:
			return i, n > 0 && marks <= 1 && !(dots > 0 && spaces > 0)
		}
		n++
	}
	return i, false // too long, or the end of the text
}

// run looks for bank details first, then for NIR and card numbers in each
// block of numeric groups that bank details do not cover.
func (s *scanner) run(gs []group) {
	s.bank(gs)
	for a := 0; a < len(gs); {
		if gs[a].taken || !s.numeric(gs[a]) {
			a++
			continue
		}
		b := a + 1
		for b < len(gs) && !gs[b].taken && s.numeric(gs[b]) {
			b++
		}
		// Digits after a « + » are an international phone number; after
		// « FR76 », a mistyped IBAN, not a card.
		if start := gs[a].start; (start == 0 || s.text[start-1] != '+') && (a == 0 || !s.ibanStart(gs[a-1])) {
			s.digits(gs[a:b])
		}
		a = b
	}
}

// ibanStart reports whether g is a country code and check digits.
func (s *scanner) ibanStart(g group) bool {
	t := s.text[g.start:g.end]
	return len(t) == 4 && isLetter(t[0]) && isLetter(t[1]) && isDigit(t[2]) && isDigit(t[3])
}

// numeric reports whether g holds only digits, or digits around a Corsican
// department (2A, 2B).
func (s *scanner) numeric(g group) bool {
	letters := 0
	for i := g.start; i < g.end; i++ {
		c := s.text[i]
		switch {
		case isDigit(c):
		case (c|0x20 == 'a' || c|0x20 == 'b') && i > g.start && s.text[i-1] == '2':
			letters++
		default:
			return false
		}
	}
	return letters <= 1
}

const maxNumber = 19 // the longest card number

// digits finds NIR and card numbers in sub, a block of numeric groups:
// from each group, the longest sequence of whole groups that holds one.
func (s *scanner) digits(sub []group) {
	for i := 0; i < len(sub); {
		if n := s.window(sub, i); n > 0 {
			i += n
		} else {
			i++
		}
	}
}

// window tries the sequences of groups starting at sub[i], longest first,
// records the first that holds a value and returns its number of groups.
func (s *scanner) window(sub []group, i int) int {
	var ends [maxNumber + 1]int // ends[n]: end of the sequence of n characters
	j, total := i, 0
	for j < len(sub) && total+sub[j].len() <= maxNumber {
		total += sub[j].len()
		j++
		ends[total] = j
	}
	var buf [maxNumber]byte
	for n := maxNumber; n >= 13; n-- {
		j := ends[n]
		if j == 0 || n == 14 { // no value has 14 characters (a SIRET does)
			continue
		}
		w := sub[i:j]
		chars := s.concat(buf[:0], w)
		alone := i == 0 && j == len(sub)
		var next *group
		if j < len(sub) {
			next = &sub[j]
		}
		if k := s.numberKind(w, chars, alone, next); k != 0 {
			s.add(k, w[0].start, w[len(w)-1].end)
			return j - i
		}
	}
	return 0
}

// numberKind tells whether chars, read from the groups w, is a NIR or a
// card number. alone says the groups make the whole numeric block; next is
// the group after them in the block, if any.
func (s *scanner) numberKind(w []group, chars []byte, alone bool, next *group) Kind {
	switch len(chars) {
	case 15:
		if (alone || shaped(w, nirKeyShapes)) && nirWithKey(chars) {
			return NIR
		}
	case 13:
		if shaped(w, nirShapes) && !(next != nil && next.len() == 2) &&
			nirWithoutKey(chars) && !s.taxContext(w[0].start) {
			return NIR
		}
	}
	if (alone || cardShaped(w)) && cardNumber(chars) {
		return Card
	}
	return 0
}

// Groupings of a NIR typed without its key and with it.
var (
	nirShapes    = [][]int{{13}, {1, 2, 2, 2, 3, 3}}
	nirKeyShapes = [][]int{{15}, {13, 2}, {1, 2, 2, 2, 3, 3, 2}}
)

func shaped(w []group, shapes [][]int) bool {
	for _, shape := range shapes {
		if len(shape) != len(w) {
			continue
		}
		ok := true
		for i, n := range shape {
			ok = ok && w[i].len() == n
		}
		if ok {
			return true
		}
	}
	return false
}

// cardShaped reports whether w is grouped as card numbers are printed: one
// block, fours (the last group shorter), or 4-6-5 / 4-6-4.
func cardShaped(w []group) bool {
	if len(w) == 1 {
		return true
	}
	if len(w) == 3 && w[0].len() == 4 && w[1].len() == 6 && (w[2].len() == 5 || w[2].len() == 4) {
		return true
	}
	if len(w) < 4 {
		return false
	}
	for _, g := range w[:len(w)-1] {
		if g.len() != 4 {
			return false
		}
	}
	return w[len(w)-1].len() <= 4
}

// taxContext reports whether the 40 bytes before start mention the tax
// office: a 13-digit number there is a numéro fiscal, not a NIR.
func (s *scanner) taxContext(start int) bool {
	var buf [40]byte
	before := s.text[max(0, start-len(buf)):start]
	low := buf[:len(before)]
	for i := range len(before) {
		c := before[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for _, word := range []string{"fiscal", "impot", "imp\u00f4t", "imp\xc3\x94t", "avis"} {
		if strings.Contains(string(low), word) {
			return true
		}
	}
	return false
}

// nirNumber checks the structure of the first 13 characters of a NIR and
// returns them as a number for the key, 2A read as 19 and 2B as 18.
func nirNumber(c []byte) (uint64, bool) {
	var d [13]byte
	for i := range 13 {
		d[i] = c[i]
	}
	switch d[6] | 0x20 {
	case 'a':
		d[5], d[6] = '1', '9'
	case 'b':
		d[5], d[6] = '1', '8'
	}
	var n uint64
	for _, ch := range d {
		if !isDigit(ch) {
			return 0, false
		}
		n = n*10 + uint64(ch-'0')
	}
	switch c[0] {
	case '1', '2', '3', '4', '7', '8':
	default:
		return 0, false
	}
	month := int(c[3]-'0')*10 + int(c[4]-'0')
	if !(month >= 1 && month <= 12 || month == 20 || month >= 30 && month <= 42 || month >= 50) {
		return 0, false
	}
	if string(c[5:7]) == "00" || string(c[7:10]) == "000" || string(c[10:13]) == "000" {
		return 0, false
	}
	return n, true
}

// nirWithKey reports whether c, 15 characters, is a NIR with a valid key.
func nirWithKey(c []byte) bool {
	n, ok := nirNumber(c)
	if !ok || !isDigit(c[13]) || !isDigit(c[14]) {
		return false
	}
	key := uint64(c[13]-'0')*10 + uint64(c[14]-'0')
	return key == 97-n%97
}

// nirWithoutKey reports whether c, 13 characters, is a well-formed NIR of a
// person registered for good (first digit 1 or 2): temporary numbers (3,
// 4, 7, 8) are only trusted with their key, as French product barcodes
// (EAN-13) start with 3.
func nirWithoutKey(c []byte) bool {
	_, ok := nirNumber(c)
	return ok && (c[0] == '1' || c[0] == '2')
}

// cardNumber reports whether c is a Luhn-valid number with a known issuer
// prefix and a length that issuer uses.
func cardNumber(c []byte) bool {
	n := len(c)
	if n < 15 || n > 19 {
		return false
	}
	for _, ch := range c {
		if !isDigit(ch) {
			return false
		}
	}
	p2 := int(c[0]-'0')*10 + int(c[1]-'0')
	p3 := p2*10 + int(c[2]-'0')
	p4 := p3*10 + int(c[3]-'0')
	var ok bool
	switch {
	case c[0] == '4': // Visa
		ok = n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		ok = n == 16
	case p2 == 34, p2 == 37: // American Express
		ok = n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65, // Discover,
		p4 >= 3528 && p4 <= 3589, p2 == 62, // JCB, UnionPay,
		p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38, p2 == 39: // Diners
		ok = n >= 16
	}
	return ok && luhn(c)
}

// luhn reports whether the digits c pass the Luhn check.
func luhn(c []byte) bool {
	sum := 0
	for i := range c {
		d := int(c[len(c)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// bank finds IBANs, then French RIBs, among the groups of a run, and marks
// their groups as taken.
func (s *scanner) bank(gs []group) {
	text := s.text
	for i := 0; i < len(gs); i++ {
		g := gs[i]
		if g.len() < 2 || !isLetter(text[g.start]) || !isLetter(text[g.start+1]) {
			continue
		}
		// An upper-case country code, or a lower-case one glued to its
		// check digits (« fr76… »): « de 12… » is a French word.
		if g.len() == 2 && !(isUpper(text[g.start]) && isUpper(text[g.start+1])) {
			continue
		}
		if g.len() == 2 && (i+1 == len(gs) || !isDigit(text[gs[i+1].start])) ||
			g.len() > 2 && !isDigit(text[g.start+2]) {
			continue
		}
		want := ibanLength(text[g.start], text[g.start+1])
		if want == 0 {
			continue
		}
		var buf [34]byte
		if j, ok := s.span(gs, i, want); ok && validIBAN(s.concat(buf[:0], gs[i:j])) {
			s.take(IBAN, gs[i:j])
			i = j - 1
		}
	}
	for i := 0; i < len(gs); i++ {
		if gs[i].taken || !isDigit(text[gs[i].start]) {
			continue
		}
		var buf [23]byte
		if j, ok := s.span(gs, i, 23); ok && validRIB(s.concat(buf[:0], gs[i:j])) {
			s.take(IBAN, gs[i:j])
			i = j - 1
		}
	}
}

// span returns the end j of the groups gs[i:j] that hold exactly n
// characters, none of them taken.
func (s *scanner) span(gs []group, i, n int) (int, bool) {
	total, j := 0, i
	for j < len(gs) && total < n && !gs[j].taken {
		total += gs[j].len()
		j++
	}
	return j, total == n
}

// concat appends the characters of the groups w to out.
func (s *scanner) concat(out []byte, w []group) []byte {
	for _, g := range w {
		out = append(out, s.text[g.start:g.end]...)
	}
	return out
}

func (s *scanner) take(k Kind, w []group) {
	for i := range w {
		w[i].taken = true
	}
	s.add(k, w[0].start, w[len(w)-1].end)
}

// validIBAN checks an IBAN's check digits (02-98) and its mod 97 (ISO
// 13616): the country code and check digits moved to the end, letters
// read as 10-35, the number mod 97 is 1.
func validIBAN(c []byte) bool {
	if !isDigit(c[2]) || !isDigit(c[3]) {
		return false
	}
	if check := string(c[2:4]); check == "00" || check == "01" || check == "99" {
		return false
	}
	r := 0
	for i := range c {
		ch := c[(i+4)%len(c)]
		switch {
		case isDigit(ch):
			r = (r*10 + int(ch-'0')) % 97
		case isLetter(ch):
			r = (r*100 + int(ch|0x20-'a') + 10) % 97
		default:
			return false
		}
	}
	return r == 1
}

// validRIB checks a French RIB of 23 characters: bank code (5 digits),
// branch code (5 digits), account (11 letters or digits), key (2 digits)
// equal to 97 - ((89 bank + 15 branch + 3 account) mod 97), the account's
// letters read as digits the banks' way (A and J as 1, B, K and S as 2…).
func validRIB(c []byte) bool {
	var bank, branch, account, key uint64
	for i, ch := range c {
		var d uint64
		switch {
		case isDigit(ch):
			d = uint64(ch - '0')
		case i >= 10 && i < 21 && isLetter(ch):
			d = uint64(ribLetters[ch|0x20-'a'] - '0')
		default:
			return false
		}
		switch {
		case i < 5:
			bank = bank*10 + d
		case i < 10:
			branch = branch*10 + d
		case i < 21:
			account = account*10 + d
		default:
			key = key*10 + d
		}
	}
	return key == 97-(89*bank+15*branch+3*account)%97
}

// ribLetters gives the digit of each letter a..z in a RIB account number.
const ribLetters = "12345678912345678923456789"

// ibanLength returns the length of the IBANs of a country, or 0 if the
// country has none we know of.
func ibanLength(a, b byte) int {
	a, b = a&^0x20, b&^0x20
	return int(ibanLengths[int(a-'A')*26+int(b-'A')])
}

var ibanLengths = func() (t [26 * 26]uint8) {
	// The SWIFT IBAN registry, plus the countries of Africa that use
	// IBANs outside it (BCEAO and BEAC zones, Maghreb, Madagascar…).
	const list = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 " +
		"CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 " +
		"GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 " +
		"JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 " +
		"MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 " +
		"RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 " +
		"TR26 UA29 VA22 VG24 XK20 YE30 " +
		"AO25 BF28 BJ28 CF27 CG27 CI28 CM27 CV25 DZ26 GA27 GQ27 GW25 KM27 MA28 " +
		"MG27 ML28 MZ25 NE28 SN28 TD27 TG28"
	for _, e := range strings.Fields(list) {
		n := int(e[2]-'0')*10 + int(e[3]-'0')
		t[int(e[0]-'A')*26+int(e[1]-'A')] = uint8(n)
	}
	return t
}()
