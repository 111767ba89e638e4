package store

import (
	"strings"
	"testing"
)

// The rollups computed beside the writer's work read the tables as they
// were before it, and the demo's work opens recovery cases: no rollup
// that reads recovery_cases may be among them, and every such rollup is
// rebuilt last.
func TestRollupUnitsLeaveTheCasesReadersLast(t *testing.T) {
	units, last, err := rollupUnits()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		for _, r := range u {
			if strings.Contains(r.sel, "recovery_cases") {
				t.Errorf("%s reads recovery_cases but is computed beside the work", r.table)
			}
		}
	}
	if len(last) == 0 {
		t.Fatal("nothing rebuilt last")
	}
	for _, r := range last {
		if !strings.Contains(r.sel, "recovery_cases") {
			t.Errorf("%s is rebuilt last but reads no recovery case", r.table)
		}
	}
}
