package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const clvTestdata = "../clv/testdata/"

func runClv(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), append([]string{"clv"}, args...), Env{
		Getenv: func(string) string { return "" },
		Stdout: &out, Stderr: &errOut,
	})
	return code, out.String(), errOut.String()
}

// cdnowTransactions writes the raw CDNOW sample as a customer_id,date,amount CSV.
func cdnowTransactions(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(clvTestdata + "CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("cust,day,dollars\n")
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) == 5 {
			b.WriteString(strings.TrimLeft(f[1], "0") + "," + f[2] + "," + f[4] + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "cdnow.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClvFitJSON(t *testing.T) {
	t.Parallel()
	tx := cdnowTransactions(t)
	cases := []struct {
		name string
		args []string
		want map[string]float64
		ll   float64
		n    int
	}{
		{"bgnbd summary", []string{"--model", "bgnbd", "--input", clvTestdata + "cdnow_customers_summary.csv"},
			map[string]float64{"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}, -9582.43, 2357},
		{"paretonbd summary", []string{"--model", "paretonbd", "--input", clvTestdata + "cdnow_customers_summary.csv", "--format", "summary"},
			map[string]float64{"r": 0.5532, "alpha": 10.5763, "s": 0.6062, "beta": 11.6715}, -9594.98, 2357},
		{"mbgnbd from transactions", []string{"--model", "mbgnbd", "--input", tx, "--format", "transactions",
			"--customer-col", "cust", "--date-col", "day", "--amount-col", "dollars", "--time-unit", "week", "--calibration-end", "1997-09-30"},
			map[string]float64{"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, 0, 2357},
		{"gammagamma zbar", []string{"--model", "gammagamma", "--input", clvTestdata + "cdnow_customers_summary_with_transactions.csv"},
			map[string]float64{"p": 6.25, "q": 3.74, "gamma": 15.44}, 0, 946},
		{"bgbb donations", []string{"--model", "bgbb", "--input", clvTestdata + "donations.csv"},
			map[string]float64{"alpha": 1.2035, "beta": 0.7497, "gamma": 0.6568, "delta": 2.7839}, -33225.58, 11104},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runClv(t, append([]string{"fit", "--json"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got struct {
				Model         string             `json:"model"`
				Params        map[string]float64 `json:"params"`
				LogLikelihood float64            `json:"log_likelihood"`
				Customers     int                `json:"customers"`
				Iterations    int                `json:"iterations"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			for name, w := range c.want {
				if math.Abs(got.Params[name]-w) > 0.005*w {
					t.Errorf("%s = %v, want %v", name, got.Params[name], w)
				}
			}
			if c.ll != 0 && math.Abs(got.LogLikelihood-c.ll) > 0.01 {
				t.Errorf("log_likelihood %v, want %v", got.LogLikelihood, c.ll)
			}
			if got.Customers != c.n || got.Iterations == 0 {
				t.Errorf("customers %d (want %d), iterations %d", got.Customers, c.n, got.Iterations)
			}
		})
	}
}

func TestClvPredictWritesCSV(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "pred.csv")
	code, _, stderr := runClv(t, "predict", "--input", cdnowTransactions(t), "--customer-col", "cust", "--date-col", "day",
		"--amount-col", "dollars", "--calibration-end", "1997-09-30", "--horizon", "39", "--time-unit", "week",
		"--discount-rate", "0.002", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv" {
		t.Errorf("header %s", got)
	}
	if len(rows) != 2358 {
		t.Fatalf("%d rows, want 2357 customers + header", len(rows))
	}
	// Customer 1 is x=2, t_x=30.43, T=38.86: about 1.23 purchases in 39 weeks.
	if rows[1][0] != "1" || rows[1][1] != "2" || !strings.HasPrefix(rows[1][6], "1.2") {
		t.Errorf("customer 1: %v", rows[1])
	}
	if !strings.Contains(stderr, "bgnbd:") || !strings.Contains(stderr, "gammagamma:") {
		t.Errorf("stderr should report both fits: %s", stderr)
	}
}

func TestClvUsageAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noRepeats := write("norepeat.csv", "customer_id,frequency,recency,T\n1,0,0,10\n2,0,0,12\n")
	badLine := write("bad.csv", "customer_id,date,amount\n1,2024-01-01,5\n1,2024-01-32,5\n")
	cases := []struct {
		name    string
		args    []string
		code    int
		mention string
	}{
		{"no subcommand", nil, 2, "missing subcommand"},
		{"unknown subcommand", []string{"calcx"}, 2, "unknown subcommand"},
		{"unknown model", []string{"fit", "--model", "nope", "--input", noRepeats}, 2, "--model"},
		{"missing input", []string{"fit"}, 2, "--input"},
		{"bad time unit", []string{"fit", "--input", noRepeats, "--time-unit", "month"}, 2, "time unit"},
		{"bad calibration end", []string{"fit", "--input", noRepeats, "--calibration-end", "30/09/1997"}, 2, "calibration-end"},
		{"nobody repeats", []string{"fit", "--input", noRepeats}, 1, "repeat purchase"},
		{"bad line", []string{"fit", "--input", badLine}, 1, "line 3"},
		{"missing file", []string{"fit", "--input", filepath.Join(dir, "nope.csv")}, 1, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runClv(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.mention) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, c.code, c.mention)
			}
		})
	}
}

func TestClvGenerate(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runClv(t, "generate", "--customers", "50", "--seed", "3")
	if code != 0 || !strings.HasPrefix(stdout, "customer_id,date,amount\n") || !strings.Contains(stderr, "true parameters") {
		t.Errorf("exit %d, stdout %.60q, stderr %q", code, stdout, stderr)
	}
}

// "--input -" reads a pipe, which cannot be rewound after the format is
// detected from its header.
func TestClvPredictFromPipe(t *testing.T) {
	t.Parallel()
	tx, err := os.ReadFile(cdnowTransactions(t))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		pw.Write(tx)
		pw.Close()
	}()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"clv", "predict", "--input", "-", "--customer-col", "cust",
		"--date-col", "day", "--amount-col", "dollars", "--horizon", "39"}, Env{
		Getenv: func(string) string { return "" }, Stdin: pr, Stdout: &out, Stderr: &errOut,
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if n := strings.Count(out.String(), "\n"); n != 2358 {
		t.Errorf("%d lines, want 2357 customers + header", n)
	}
}
