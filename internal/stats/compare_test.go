package stats

import (
	"math"
	"testing"
)

func TestCompareProportions(t *testing.T) {
	t.Parallel()
	prop := func(count, n int) Proportion {
		p, err := ProportionInterval(count, n, 0)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Worked by hand: 60/100 → 75/100. p′ₐ = 61/102 = 0.598039, p′ᵦ = 76/102
	// = 0.745098; SE = √(0.598039·0.401961/102 + 0.745098·0.254902/102)
	// = √(0.0023568 + 0.0018620) = 0.064953; z = 0.147059/0.064953 = 2.2641.
	c, err := CompareProportions(prop(60, 100), prop(75, 100), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Comparable || !c.Significant || math.Abs(c.Z-2.2641) > 0.001 || math.Abs(c.Difference-15) > 1e-9 {
		t.Errorf("60→75 of 100: %+v", c)
	}
	// The same shares on 20 answers each are not significant.
	if c, _ := CompareProportions(prop(12, 20), prop(15, 20), 0); !c.Comparable || c.Significant {
		t.Errorf("12→15 of 20 flagged: %+v", c)
	}
	if c, _ := CompareProportions(prop(0, 0), prop(5, 10), 0); c.Comparable || c.Significant {
		t.Errorf("no data compared: %+v", c)
	}
}

func TestCompareMeans(t *testing.T) {
	t.Parallel()
	// Worked by hand: means 4.0 (sd 1.0, n 50) and 4.5 (sd 1.0, n 50):
	// SE = √(1/50 + 1/50) = 0.2, z = 0.5/0.2 = 2.5.
	a := Mean{N: 50, Mean: 4.0, SD: 1.0}
	b := Mean{N: 50, Mean: 4.5, SD: 1.0}
	c, err := CompareMeans(a, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Comparable || !c.Significant || math.Abs(c.Z-2.5) > 1e-9 {
		t.Errorf("4.0→4.5 at n 50: %+v", c)
	}
	small := Mean{N: 8, Mean: 4.5, SD: 1.0}
	if c, _ := CompareMeans(Mean{N: 8, Mean: 4.0, SD: 1.0}, small, 0); c.Significant {
		t.Errorf("n 8 flagged: %+v", c)
	}
	if c, _ := CompareMeans(Mean{N: 1, Mean: 1}, small, 0); c.Comparable {
		t.Errorf("one answer compared: %+v", c)
	}
	if _, err := CompareMeans(a, b, 1.5); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}
