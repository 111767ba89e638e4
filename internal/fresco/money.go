package fresco

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an exact amount in minor units (cents). Fresco never stores money
// as a float: sums of purchase lines must add up to the cent.
type Money int64

// ParseMoney reads a decimal amount such as "12.50", "-3", "0.5" or "1,234.56"
// with at most two decimal places.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.ReplaceAll(t, ",", "")
	if t == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	switch t[0] {
	case '-':
		neg, t = true, t[1:]
	case '+':
		t = t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && frac == "" || !digitsOnly(whole) || !digitsOnly(frac) || (hasDot && frac == "" && whole == "") {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimal places", s)
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	units, _ := strconv.ParseInt(whole+frac, 10, 64) // digits only, ≤ 17 of them: cannot fail
	if whole == "" {
		units, _ = strconv.ParseInt(frac, 10, 64)
	}
	if neg {
		units = -units
	}
	return Money(units), nil
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats m as a plain decimal with two places, e.g. "-12.50".
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Float returns m in major units, for analytics only (never for storage).
func (m Money) Float() float64 { return float64(m) / 100 }

// MarshalJSON writes money as a JSON string ("12.50") so that no client
// rounds it through a binary float.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(`"` + m.String() + `"`), nil }

// UnmarshalJSON accepts a string ("12.50") or a number (12.5).
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MulQty returns m × qty, the gross value of a purchase line.
func (m Money) MulQty(qty int64) Money { return Money(int64(m) * qty) }
