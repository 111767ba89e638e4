package clv

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestBadFilesNameTheLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, kind, in string
		line           int
		mention        string
	}{
		{"bad date", "tx", "customer_id,date,amount\n1,2024-01-01,1\n1,2024-13-01,2\n", 3, "date"},
		{"bad amount", "tx", "customer_id,date,amount\n1,2024-01-01,1\n2,2024-01-02,abc\n", 3, "amount"},
		{"missing field", "tx", "customer_id,date,amount\n1,2024-01-01\n", 2, "fields"},
		{"empty id", "tx", "customer_id,date,amount\n,2024-01-01,1\n", 2, "customer_id"},
		{"unterminated quote", "tx", "customer_id,date,amount\n\"1,2024-01-01,1\n", 2, "quoted"},
		{"missing column", "tx", "id,day,amount\n1,2024-01-01,1\n", 1, "customer_id"},
		{"empty file", "tx", "", 1, "header"},
		{"recency > T", "summary", "customer_id,frequency,recency,T\n1,1,2,3\n2,1,5,3\n", 3, "greater than T"},
		{"fractional frequency", "summary", "ID,x,t_x,T\n1,1.5,2,3\n", 2, "whole number"},
		{"not a number", "summary", "ID,frequency,recency,T\n1,1,2,3\n2,1,2,3\n3,one,2,3\n", 4, "not a number"},
		{"negative", "summary", "frequency,recency,T\n1,-2,3\n", 2, "negative"},
		{"summary missing T", "summary", "frequency,recency\n1,2\n", 1, "missing column T"},
		{"bgbb recency > periods", "discrete", "frequency,recency,periods,weights\n1,1,6,10\n2,7,6,1\n", 3, "recency"},
		{"bgbb bad weight", "discrete", "frequency,recency,periods,weights\n1,1,6,-1\n", 2, "weight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var err error
			switch c.kind {
			case "tx":
				_, err = ReadTransactionsCSV(strings.NewReader(c.in), Columns{}, Options{})
			case "summary":
				_, err = ReadSummaryCSV(strings.NewReader(c.in))
			case "discrete":
				_, err = ReadDiscreteCSV(strings.NewReader(c.in))
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v, want a LineError", err)
			}
			if le.Line != c.line || !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q, want line %d mentioning %q", err, c.line, c.mention)
			}
		})
	}
}

// Line numbers stay right across the parallel reader's block boundaries.
func TestBadLineNumberInBigFile(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("customer_id,date,amount\n")
	const bad = 400_000
	for i := 2; i < bad; i++ {
		b.WriteString("12345,2024-01-01,10.00\n")
	}
	b.WriteString("12345,2024-02-30,10.00\n")
	b.WriteString("12345,2024-01-01,10.00\n")
	_, err := ReadTransactionsCSV(&b, Columns{}, Options{})
	var le *LineError
	if !errors.As(err, &le) || le.Line != bad {
		t.Fatalf("error %v, want line %d", err, bad)
	}
}

func TestUnfittableData(t *testing.T) {
	t.Parallel()
	nobodyRepeats := []Summary{{CustomerID: "1", T: 10}, {CustomerID: "2", T: 5}}
	for _, name := range []string{"bgnbd", "mbgnbd", "paretonbd"} {
		if _, err := FitModel(name, nobodyRepeats); !errors.Is(err, ErrUnfittable) || !strings.Contains(err.Error(), "repeat purchase") {
			t.Errorf("%s: error %v, want ErrUnfittable about repeat purchases", name, err)
		}
	}
	if _, err := FitGammaGamma(nobodyRepeats); !errors.Is(err, ErrUnfittable) {
		t.Errorf("gamma-gamma: error %v, want ErrUnfittable", err)
	}
	if _, err := FitBGBB([]DiscreteSummary{{Periods: 6, Weight: 10}}); !errors.Is(err, ErrUnfittable) {
		t.Errorf("bgbb: error %v, want ErrUnfittable", err)
	}
	if _, err := FitBGNBD(nil); !errors.Is(err, ErrNoCustomers) {
		t.Errorf("empty: error %v, want ErrNoCustomers", err)
	}
}

func FuzzReadTransactionsCSV(f *testing.F) {
	f.Add("customer_id,date,amount\n1,2024-01-01,1.5\n1,2024-01-09,2\n")
	f.Add("customer_id,date,amount\n\"a,b\",20240101,1\n")
	f.Add("customer_id,date,amount\n1,2024-01-01\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ReadTransactionsCSV(strings.NewReader(in), Columns{}, Options{})
		if err != nil {
			return
		}
		for _, c := range s {
			if c.Frequency < 0 || c.Recency < 0 || c.Recency > c.T || !finiteAll(c.Recency, c.T, c.MonetaryValue) {
				t.Fatalf("bad summary %+v from %q", c, in)
			}
		}
	})
}

func FuzzReadSummaryCSV(f *testing.F) {
	f.Add("ID,frequency,recency,T\n1,2,30.43,38.86\n")
	f.Add("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ReadSummaryCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, c := range s {
			if err := checkSummary(&c); err != nil {
				t.Fatalf("reader accepted an invalid summary: %v", err)
			}
		}
	})
}
