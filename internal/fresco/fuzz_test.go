package fresco

import (
	"strings"
	"testing"
)

// FuzzParseMoney: any text either is refused or reads as an amount that
// formats back to itself, within the documented size.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.50", "-3", "1,234.56", "12,50", ".5", "999999999999999.99", "1e3", "\x00", "٣", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		if m > 99999999999999999 || m < -99999999999999999 {
			t.Fatalf("ParseMoney(%q) = %d cents, beyond 15 digits", s, m)
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %s, which reads back as %d (%v)", s, m, back, err)
		}
		if strings.ContainsAny(s, "eExX") {
			t.Fatalf("ParseMoney(%q) accepted an exponent or hex form", s)
		}
	})
}
