package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCLVCalc runs `fresco clv calc` on a small generated business, as a
// table and as JSON, with overrides.
func TestCLVCalc(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			url := eng.URL(t)
			db := storetest.Open(t, url)
			if _, err := demo.Generate(context.Background(), db, demo.Options{Customers: 200, Seed: 5, End: time.Now()}); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runClv(t, "calc", "--db", url)
			if code != 0 || !strings.Contains(out, "Lifetime value") || !strings.Contains(out, "Loyal customer") {
				t.Fatalf("clv calc = %d\n%s\n%s", code, out, errOut)
			}
			code, out, errOut = runClv(t, "calc", "--db", url, "--json", "--margin", "1", "--acquisition-cost", "25",
				"--purchases-per-lifetime", "10", "--items-per-purchase", "2", "--average-price", "5", "--loyal-top", "10")
			if code != 0 {
				t.Fatalf("clv calc --json = %d\n%s", code, errOut)
			}
			var c struct {
				Average struct {
					LifetimeValue float64 `json:"lifetime_value"`
				} `json:"average"`
				Loyal  struct{ Customers int } `json:"loyal"`
				Inputs struct {
					LoyalTop float64 `json:"loyal_top"`
				} `json:"inputs"`
			}
			if err := json.Unmarshal([]byte(out), &c); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if c.Average.LifetimeValue != 10*2*5-25 || c.Inputs.LoyalTop != 10 || c.Loyal.Customers == 0 {
				t.Errorf("calculation %+v", c)
			}
			if code, _, _ := runClv(t, "calc", "--db", url, "--margin", "lots"); code != 2 {
				t.Errorf("a bad override exits %d, want 2", code)
			}
		})
	}
}
