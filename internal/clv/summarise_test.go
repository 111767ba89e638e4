package clv

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The summary built from the raw log reproduces the published
// cdnow_customers_summary_with_transactions.csv for all 2,357 customers.
func TestSummariseReproducesCDNOWSummary(t *testing.T) {
	t.Parallel()
	got := cdnowFromLog(t)
	want := readSummaries(t, "cdnow_customers_summary_with_transactions.csv")
	if len(got) != len(want) {
		t.Fatalf("%d customers, want %d", len(got), len(want))
	}
	byID := map[string]Summary{}
	for _, s := range got {
		byID[s.CustomerID] = s
	}
	for _, w := range want {
		g, ok := byID[w.CustomerID]
		if !ok {
			t.Fatalf("customer %s missing", w.CustomerID)
		}
		if g.Frequency != w.Frequency || !closeTo(g.Recency, w.Recency, 2) || !closeTo(g.T, w.T, 2) || !closeTo(g.MonetaryValue, w.MonetaryValue, 2) {
			t.Errorf("customer %s: got %+v, published %+v", w.CustomerID, g, w)
		}
	}
}

// Row order must not matter: shuffled input gives the same summaries (in a
// different order), through the row log (iterator) and through the
// second-pass recount (seekable reader).
func TestSummariseIgnoresRowOrder(t *testing.T) {
	t.Parallel()
	txns := readCDNOW(t)
	want := sortedByID(cdnowFromLog(t))
	shuffled := slices.Clone(txns)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	opts := Options{CalibrationEnd: cdnowCalibrationEnd}
	fromIter, err := Summarise(values(shuffled), opts)
	if err != nil {
		t.Fatal(err)
	}
	csvText := transactionsCSV(shuffled)
	fromSeeker, err := ReadTransactionsCSV(strings.NewReader(csvText), Columns{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	fromStream, err := ReadTransactionsCSV(bytes.NewBufferString(csvText), Columns{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]Summary{"iterator": fromIter, "seekable CSV": fromSeeker, "stream CSV": fromStream} {
		got = sortedByID(got)
		if len(got) != len(want) {
			t.Fatalf("%s: %d customers, want %d", name, len(got), len(want))
		}
		for i := range want {
			if !sameSummary(got[i], want[i]) {
				t.Errorf("%s: got %+v, want %+v", name, got[i], want[i])
				break
			}
		}
	}
}

func sameSummary(a, b Summary) bool {
	return a.CustomerID == b.CustomerID && a.Frequency == b.Frequency && a.Recency == b.Recency && a.T == b.T &&
		math.Abs(a.MonetaryValue-b.MonetaryValue) < 1e-9
}

func sortedByID(s []Summary) []Summary {
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b Summary) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	return s
}

func transactionsCSV(txns []Transaction) string {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, t := range txns {
		fmt.Fprintf(&b, "%s,%s,%v\n", t.CustomerID, t.At.Format(time.DateOnly), t.Amount)
	}
	return b.String()
}

func TestSummariseRules(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	tx := func(id string, d int, amount float64) Transaction {
		return Transaction{CustomerID: id, At: day(d), Amount: amount}
	}
	cases := []struct {
		name string
		txns []Transaction
		opts Options
		want []Summary
	}{
		{"same day counts once, amounts add up",
			[]Transaction{tx("a", 0, 10), tx("a", 0, 5), tx("a", 7, 3), tx("a", 7, 4), tx("a", 14, 1)},
			Options{Unit: Day},
			[]Summary{{"a", 2, 14, 14, 4}}},
		{"weeks as the unit",
			[]Transaction{tx("a", 0, 1), tx("a", 7, 1), tx("b", 14, 1)},
			Options{Unit: Week},
			[]Summary{{"a", 1, 1, 2, 1}, {"b", 0, 0, 0, 0}}},
		{"week periods merge purchases in one calendar week",
			// 2024-01-01 is a Monday: days 0..6 are one week.
			[]Transaction{tx("a", 0, 1), tx("a", 6, 2), tx("a", 7, 4)},
			Options{Unit: Week, Period: Week},
			[]Summary{{"a", 1, 1, 1, 4}}},
		{"calibration end drops later purchases and customers",
			[]Transaction{tx("a", 0, 1), tx("a", 3, 1), tx("a", 20, 1), tx("b", 21, 1)},
			Options{Unit: Day, CalibrationEnd: day(10)},
			[]Summary{{"a", 1, 3, 10, 1}}},
		{"string ids and first-appearance order",
			[]Transaction{tx("zeta", 0, 1), tx("00042", 1, 1), tx("42", 2, 1), tx("zeta", 2, 2)},
			Options{Unit: Day},
			[]Summary{{"zeta", 1, 2, 2, 2}, {"00042", 0, 0, 1, 0}, {"42", 0, 0, 0, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := Summarise(values(c.txns), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			csvGot, err := ReadTransactionsCSV(strings.NewReader(transactionsCSV(c.txns)), Columns{}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			for name, g := range map[string][]Summary{"Summarise": got, "ReadTransactionsCSV": csvGot} {
				if len(g) != len(c.want) {
					t.Fatalf("%s: got %+v, want %+v", name, g, c.want)
				}
				for i := range g {
					if !sameSummary(g[i], c.want[i]) {
						t.Errorf("%s: got %+v, want %+v", name, g[i], c.want[i])
					}
				}
			}
		})
	}
}

func TestReadTransactionsCSVColumnsAndFormats(t *testing.T) {
	t.Parallel()
	in := "when,value,who\n2024/01/01,10,\"a \"\"b\"\"\"\n20240108 09:00,2.5,\"a \"\"b\"\"\"\n\n2024-01-15,-1e1,c\n"
	got, err := ReadTransactionsCSV(strings.NewReader(in), Columns{Customer: "who", Date: "when", Amount: "value"}, Options{Unit: Week})
	if err != nil {
		t.Fatal(err)
	}
	want := []Summary{{`a "b"`, 1, 1, 2, 2.5}, {"c", 0, 0, 0, 0}}
	if len(got) != 2 || !sameSummary(got[0], want[0]) || !sameSummary(got[1], want[1]) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
