package ui

import "testing"

// TestWholeNumberHasNoNegativeZero: a likely range that ends just below
// zero reads "0", not "-0", and whole numbers round half away from zero.
func TestWholeNumberHasNoNegativeZero(t *testing.T) {
	for x, want := range map[float64]string{-0.4: "0", -0.5: "-1", 0.4: "0", -22.6: "-23", 14.5: "15", 0: "0"} {
		if got := wholeNumber(x); got != want {
			t.Errorf("wholeNumber(%v) = %q, want %q", x, got, want)
		}
	}
}
