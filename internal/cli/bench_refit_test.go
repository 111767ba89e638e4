package cli

import (
	"encoding/json"
	"testing"

	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// fresco bench refit values every customer of a small demo business and
// reports the refit's phases and the process's CPU time.
func TestBenchRefit(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			env := map[string]string{"FRESCO_SECRET_KEY": secret.NewKey()}
			if code, _, errOut := runCLI(t, env, "", "demo", "--db", url, "--customers", "150", "--serve=false"); code != 0 {
				t.Fatalf("demo: exit %d: %s", code, errOut)
			}
			code, out, errOut := runCLI(t, env, "", "bench", "refit", "--db", url, "--json")
			if code != 0 {
				t.Fatalf("bench refit: exit %d: %s", code, errOut)
			}
			var res refitResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("output: %v\n%s", err, out)
			}
			if res.Refit == nil || res.Refit.Customers < 100 || res.Refit.FitError != "" || res.Engine != eng.Name || res.CPUSecs <= 0 || res.PeakRSSMB <= 0 {
				t.Errorf("bench refit = %s", out)
			}
		})
	}
}
