package clv

import (
	"bufio"
	"iter"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cdnowCalibrationEnd is where the published CDNOW summary's calibration ends.
var cdnowCalibrationEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

// readCDNOW reads the raw CDNOW sample log (whitespace-separated, no header:
// master_id sample_id YYYYMMDD cds dollars), keyed by sample id.
func readCDNOW(t testing.TB) []Transaction {
	t.Helper()
	f, err := os.Open("testdata/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var txns []Transaction
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		id, _ := strconv.Atoi(fields[1])
		at, err := time.Parse("20060102", fields[2])
		if err != nil {
			t.Fatal(err)
		}
		amount, _ := strconv.ParseFloat(fields[4], 64)
		txns = append(txns, Transaction{CustomerID: strconv.Itoa(id), At: at, Amount: amount})
	}
	return txns
}

func cdnowFromLog(t testing.TB) []Summary {
	t.Helper()
	s, err := Summarise(slices.Values(readCDNOW(t)), Options{Unit: Week, CalibrationEnd: cdnowCalibrationEnd})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readSummaries(t testing.TB, name string) []Summary {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ReadSummaryCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readDonations(t testing.TB) []DiscreteSummary {
	t.Helper()
	f, err := os.Open("testdata/donations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ReadDiscreteCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// within reports whether got is within rel (relative) of want.
func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// closeTo reports whether got matches a published value printed with the
// given number of decimals. The sources round (lifetimes prints 24.658619,
// the README 24.65), so one unit in the last printed place is allowed.
func closeTo(got, want float64, decimals int) bool {
	return math.Abs(got-want) <= math.Pow(10, -float64(decimals))*(1+1e-9)
}

func values[T any](s []T) iter.Seq[T] { return slices.Values(s) }
