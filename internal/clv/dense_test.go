package clv

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The reader indexes canonical numeric ids densely and hashes the rest (ids
// with leading zeros, non-numeric ids, and sparse numeric ids once the dense
// index would waste memory). Every mix must give the same summaries.
func TestCustomerIDKinds(t *testing.T) {
	t.Parallel()
	txns := readCDNOW(t)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(txns), func(i, j int) { txns[i], txns[j] = txns[j], txns[i] })
	opts := Options{CalibrationEnd: cdnowCalibrationEnd}
	base, err := Summarise(slices.Values(txns), opts)
	if err != nil {
		t.Fatal(err)
	}
	remaps := map[string]func(n int) string{
		"sparse":        func(n int) string { return strconv.Itoa(n * 1_000_003) },
		"leading zeros": func(n int) string { return "000" + strconv.Itoa(n) },
		"mixed": func(n int) string {
			switch n % 3 {
			case 0:
				return "c" + strconv.Itoa(n)
			case 1:
				return "0" + strconv.Itoa(n)
			}
			return strconv.Itoa(n * 7)
		},
	}
	for name, remap := range remaps {
		mapped := slices.Clone(txns)
		idOf := map[string]string{}
		for i := range mapped {
			n, _ := strconv.Atoi(mapped[i].CustomerID)
			idOf[remap(n)] = mapped[i].CustomerID
			mapped[i].CustomerID = remap(n)
		}
		csvText := transactionsCSV(mapped)
		fromSeeker, err := ReadTransactionsCSV(strings.NewReader(csvText), Columns{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		fromStream, err := ReadTransactionsCSV(bytes.NewBufferString(csvText), Columns{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		fromIter, err := Summarise(slices.Values(mapped), opts)
		if err != nil {
			t.Fatal(err)
		}
		for kind, got := range map[string][]Summary{"seekable": fromSeeker, "stream": fromStream, "iterator": fromIter} {
			if len(got) != len(base) {
				t.Fatalf("%s/%s: %d customers, want %d", name, kind, len(got), len(base))
			}
			for i := range base {
				g := got[i]
				g.CustomerID = idOf[g.CustomerID]
				if !sameSummary(g, base[i]) { // same first-appearance order too
					t.Fatalf("%s/%s: customer %d: got %+v (id %s), want %+v", name, kind, i, g, got[i].CustomerID, base[i])
				}
			}
		}
	}
}

func TestLeadingZerosAreDistinctIDs(t *testing.T) {
	csvText := "customer_id,date,amount\n7,2024-01-01,1\n007,2024-01-02,2\n7,2024-01-03,3\n0,2024-01-03,1\n00,2024-01-04,1\n"
	s, err := ReadTransactionsCSV(strings.NewReader(csvText), Columns{}, Options{Unit: Day})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range s {
		ids = append(ids, c.CustomerID+":"+strconv.Itoa(c.Frequency))
	}
	if got, want := strings.Join(ids, ","), "7:1,007:0,0:0,00:0"; got != want {
		t.Errorf("customers %s, want %s", got, want)
	}
}

func TestIndexCommaOrQuote(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("ab,\"\x00\x80\xff-+01,\x2b\x2d\x2c\x22")
	for range 100000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(3) == 0 {
				b[i] = byte(rng.IntN(256))
			}
		}
		want := len(b)
		for i, c := range b {
			if c == ',' || c == '"' {
				want = i
				break
			}
		}
		if got := indexCommaOrQuote(b); got != want {
			t.Fatalf("indexCommaOrQuote(%q) = %d, want %d", b, got, want)
		}
	}
}
