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
// with at most two decimal places. A comma only groups thousands: "12,50" and
// "1,2,3" are refused rather than guessed at, because in half the world's
// locales "12,50" means twelve and a half.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
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
	if strings.Contains(whole, ",") {
		if !thousandsGrouped(whole) {
			return 0, fmt.Errorf("%q is ambiguous: write decimals with a dot (12.50); a comma may only group thousands (1,234.50)", s)
		}
		whole = strings.ReplaceAll(whole, ",", "")
	}
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

// thousandsGrouped reports whether s is digits grouped in threes by commas,
// such as "1,234" or "12,345,678".
func thousandsGrouped(s string) bool {
	groups := strings.Split(s, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 || !digitsOnly(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !digitsOnly(g) {
			return false
		}
	}
	return true
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

// MulQty returns m × qty, the gross value of a purchase line. Callers keep
// both within MaxUnitPrice and MaxQuantity (Purchase.Validate checks), so the
// product cannot overflow.
func (m Money) MulQty(qty int64) Money { return Money(int64(m) * qty) }

// Limits on the amounts one purchase may carry. They are far above any real
// sale and keep every line, purchase and customer total — and the sums the
// analytics make of them — well inside int64 cents (±9.2 × 10^16 units).
const (
	MaxQuantity      = 1_000_000                  // units on one line, either sign
	MaxUnitPrice     = Money(10_000_000_000)      // 100,000,000.00 per unit
	MaxPurchaseTotal = Money(100_000_000_000_000) // 1,000,000,000,000.00 per purchase, either sign
)
