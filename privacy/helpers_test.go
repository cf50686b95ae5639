package privacy_test

import (
	"fmt"
	"math/big"
	"strings"
)

// The tests make their numbers valid themselves, with these helpers written
// apart from the code under test, rather than holding real ones.

// digitsOf returns s without its spaces, dots and dashes.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

// nirKey returns the key of a NIR's first 13 characters, which may be
// spaced: 97 - (number mod 97), 2A counted as 19 and 2B as 18.
func nirKey(base string) string {
	d := strings.ToUpper(digitsOf(base))
	d = d[:5] + strings.NewReplacer("2A", "19", "2B", "18").Replace(d[5:7]) + d[7:]
	n, ok := new(big.Int).SetString(d, 10)
	if !ok {
		panic("nirKey: not a number: " + base)
	}
	r := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%02d", 97-r)
}

// withKey returns a NIR's first 13 characters followed by a space and
// their key.
func withKey(base string) string { return base + " " + nirKey(base) }

// wrongKey returns a NIR with a key that is not its own.
func wrongKey(base string) string {
	k := nirKey(base)
	wrong := "12"
	if k == wrong {
		wrong = "13"
	}
	return base + " " + wrong
}

// ibanOf returns the IBAN of a country and a BBAN, in one block, with its
// check digits: 98 - (BBAN, country, 00 mod 97), letters read as 10-35.
func ibanOf(country, bban string) string {
	var num strings.Builder
	for _, r := range strings.ToUpper(bban + country + "00") {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprint(&num, int(r-'A')+10)
		} else {
			num.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(num.String(), 10)
	r := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", country, 98-r, bban)
}

// spaced writes s in groups of n characters, as printed on a RIB.
func spaced(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

// breakOne returns s with its last digit changed.
func breakOne(s string) string {
	i := strings.LastIndexAny(s, "0123456789")
	d := s[i] - '0'
	return s[:i] + string(rune('0'+(d+1)%10)) + s[i+1:]
}

// ribKey returns the key of a French RIB: 97 - ((89 bank + 15 branch +
// 3 account) mod 97), letters of the account read A/J=1, B/K/S=2…
func ribKey(bank, branch, account string) string {
	var acc strings.Builder
	for _, r := range strings.ToUpper(account) {
		switch {
		case r >= 'A' && r <= 'I':
			acc.WriteRune('1' + r - 'A')
		case r >= 'J' && r <= 'R':
			acc.WriteRune('1' + r - 'J')
		case r >= 'S' && r <= 'Z':
			acc.WriteRune('2' + r - 'S')
		default:
			acc.WriteRune(r)
		}
	}
	var b, g, a big.Int
	b.SetString(bank, 10)
	g.SetString(branch, 10)
	a.SetString(acc.String(), 10)
	sum := new(big.Int).Mul(&b, big.NewInt(89))
	sum.Add(sum, new(big.Int).Mul(&g, big.NewInt(15)))
	sum.Add(sum, new(big.Int).Mul(&a, big.NewInt(3)))
	return fmt.Sprintf("%02d", 97-new(big.Int).Mod(sum, big.NewInt(97)).Int64())
}

// rib returns a French RIB with its key, spaced as on paper.
func rib(bank, branch, account string) string {
	return bank + " " + branch + " " + account + " " + ribKey(bank, branch, account)
}

// luhn returns a number of the given length that starts with prefix, is
// filled from seed and ends with its Luhn check digit.
func luhn(prefix string, length, seed int) string {
	b := []byte(prefix)
	x := uint32(seed)*2654435761 + 12345
	for len(b) < length-1 {
		x = x*1103515245 + 12345
		b = append(b, byte('0'+(x>>16)%10))
	}
	sum := 0
	for i := len(b) - 1; i >= 0; i-- {
		d := int(b[i] - '0')
		if (len(b)-1-i)%2 == 0 { // doubled once the check digit is added
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(b) + string(rune('0'+(10-sum%10)%10))
}

// notLuhn returns a number like luhn's whose check digit is wrong.
func notLuhn(prefix string, length, seed int) string { return breakOne(luhn(prefix, length, seed)) }

// groups4 writes s in groups of four, as a card number.
func groups4(s string) string { return spaced(s, 4) }
