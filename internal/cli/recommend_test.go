package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// handBuilt is a purchases file whose scores are worked out by hand.
// Training (before 2024-02-01): u1 A B; u2 A B; u3 A B; u4 C; u5 A C;
// u6 E — so by buyers A 4, B 3, C 2, E 1. Dropped: u4's cancelled D (an
// invoice starting with C), u4's refund of B, and a line without a
// customer; so D is never sold in training.
// Test: u1 buys E, u2 A again (not new: u2 is not scored), u3 C and D (D
// was not sold in training: only C counts), u4 A, u5 B (in March), u7 A
// (not in training: not scored).
// Popularity at k = 2: u1 is offered C, E (hit at rank 2: recall 1,
// NDCG 1/log2 3); u3 C, E; u4 A, B; u5 B, E (hits at rank 1). At k = 1:
// u1 misses. With --test-to 2024-02-29 u5 is not scored.
const handBuilt = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1,A,a,1,2024-01-02 10:00:00,1.00,101.0,UK
1,B,b,1,2024-01-02 10:00:00,1.00,101.0,UK
2,A,a,2,2024-01-03 10:00:00,1.00,102,UK
2,B,b,1,2024-01-03 10:00:00,1.00,102,UK
3,A,a,1,2024-01-04 10:00:00,1.00,103,UK
3,B,b,1,2024-01-04 10:00:00,1.00,103,UK
4,C,c,1,2024-01-05 10:00:00,1.00,104,UK
C5,D,d,1,2024-01-05 11:00:00,1.00,104,UK
6,B,b,-1,2024-01-05 12:00:00,1.00,104,UK
7,A,a,1,2024-01-06 10:00:00,1.00,,UK
8,A,a,1,2024-01-07 10:00:00,1.00,105,UK
8,C,c,1,2024-01-07 10:00:00,1.00,105,UK
9,E,e,1,2024-01-08 10:00:00,1.00,106,UK
10,E,e,1,2024-02-01 00:00:00,1.00,101,UK
11,A,a,1,2024-02-02 10:00:00,1.00,102,UK
12,C,c,1,2024-02-03 10:00:00,1.00,103,UK
12,D,d,1,2024-02-03 10:00:00,1.00,103,UK
13,A,a,1,2024-02-04 10:00:00,1.00,104,UK
14,B,b,1,2024-03-15 10:00:00,1.00,105,UK
15,A,a,1,2024-02-05 10:00:00,1.00,107,UK
`

func TestRecommendEvalKnownAnswers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "purchases.csv")
	if err := os.WriteFile(path, []byte(handBuilt), 0o600); err != nil {
		t.Fatal(err)
	}
	type result struct {
		Users, Items int
		Recall       float64 `json:"recall_at_k"`
		NDCG         float64 `json:"ndcg_at_k"`
		Popularity   struct {
			Recall float64 `json:"recall_at_k"`
			NDCG   float64 `json:"ndcg_at_k"`
		}
	}
	eval := func(args ...string) result {
		t.Helper()
		code, out, errOut := runCLI(t, nil, "", append([]string{"recommend", "eval", "--input", path, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, field := range []string{`"users":`, `"items":`, `"recall_at_k":`, `"ndcg_at_k":`, `"popularity":{"recall_at_k":`} {
			if !strings.Contains(out, field) {
				t.Errorf("output lacks %s: %s", field, out)
			}
		}
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %.10f, want %.10f", what, got, want)
		}
	}
	r := eval("--test-from", "2024-02-01", "--k", "2", "--model", "popularity")
	if r.Users != 4 || r.Items != 4 {
		t.Errorf("users %d items %d, want 4 and 4", r.Users, r.Items)
	}
	near("recall@2", r.Recall, 1)
	near("NDCG@2", r.NDCG, (1/math.Log2(3)+3)/4)
	near("popularity recall@2", r.Popularity.Recall, 1)
	r = eval("--test-from", "2024-02-01", "--k", "1", "--model", "popularity")
	near("recall@1", r.Recall, 0.75)
	near("NDCG@1", r.NDCG, 0.75)
	r = eval("--test-from", "2024-02-01", "--test-to", "2024-02-29", "--k", "1", "--model", "popularity")
	if r.Users != 3 {
		t.Errorf("users to February %d, want 3", r.Users)
	}
	near("recall@1 to February", r.Recall, 2.0/3)

	// EASE without the floor (four customers cannot pass k = 5): u4,
	// owning only C, is offered A (bought with C by u5) first; u5, owning
	// A and C, B (bought with A by three).
	r = eval("--test-from", "2024-02-01", "--k", "1", "--k-floor", "1", "--lambda", "1")
	if r.Users != 4 || r.Recall < 0.5 {
		t.Errorf("EASE: %+v", r)
	}
	// With the floor on, no pair of this file has 5 customers: nothing is
	// suggested, and the figures say so.
	r = eval("--test-from", "2024-02-01", "--k", "1")
	near("EASE recall with the floor", r.Recall, 0)

	for _, bad := range [][]string{
		{"--test-from", "2024-13-01"},
		{"--test-from", "2024-02-01", "--test-to", "2024-01-01"},
		{"--test-from", "2024-02-01", "--k", "0"},
		{"--test-from", "2024-02-01", "--model", "magic"},
		{},
	} {
		code, _, errOut := runCLI(t, nil, "", append([]string{"recommend", "eval", "--input", path}, bad...)...)
		if code != 2 || !strings.Contains(errOut, "--") && !strings.Contains(errOut, "test-to") {
			t.Errorf("%v: exit %d, %s", bad, code, errOut)
		}
	}
	noHeader := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(noHeader, []byte("a,b\n1,2\n"), 0o600)
	if code, _, errOut := runCLI(t, nil, "", "recommend", "eval", "--input", noHeader, "--test-from", "2024-02-01"); code != 1 || !strings.Contains(errOut, "line 1") {
		t.Errorf("a file without the columns: exit %d, %s", code, errOut)
	}
}
