package clv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Column aliases accepted in summary files, first match wins.
var (
	idAliases        = []string{"customer_id", "id", "customer"}
	frequencyAliases = []string{"frequency", "x"}
	recencyAliases   = []string{"recency", "t_x"}
	ageAliases       = []string{"T"}
	monetaryAliases  = []string{"monetary_value", "zbar", "monetary"}
	periodsAliases   = []string{"periods", "n"}
	weightAliases    = []string{"weights", "weight", "count"}
)

// ReadSummaryCSV reads per-customer summaries: a header with customer_id (or
// ID; optional, rows are numbered otherwise), frequency (or x), recency (or
// t_x), T and optionally monetary_value (or zbar).
func ReadSummaryCSV(r io.Reader) ([]Summary, error) {
	t, err := newTable(r, map[string][]string{
		"id": idAliases, "frequency": frequencyAliases, "recency": recencyAliases,
		"T": ageAliases, "monetary": monetaryAliases,
	}, "frequency", "recency", "T")
	if err != nil {
		return nil, err
	}
	var out []Summary
	for t.next() {
		s := Summary{
			CustomerID:    t.text("id", strconv.Itoa(len(out)+1)),
			Frequency:     t.count("frequency"),
			Recency:       t.nonNegative("recency"),
			T:             t.nonNegative("T"),
			MonetaryValue: t.number("monetary", 0),
		}
		if t.err == nil && s.Recency > s.T*(1+1e-9) {
			t.fail(fmt.Errorf("recency %v is greater than T %v", s.Recency, s.T))
		}
		if t.err == nil && s.Frequency == 0 && s.Recency != 0 {
			t.fail(fmt.Errorf("recency %v with frequency 0 (recency must be 0 when there is no repeat purchase)", s.Recency))
		}
		if t.err == nil && s.Frequency > 0 && s.T == 0 {
			t.fail(fmt.Errorf("frequency %d with T 0 (a customer with repeat purchases has been a customer for some time)", s.Frequency))
		}
		if t.err != nil {
			break
		}
		out = append(out, s)
	}
	return out, t.finish(len(out))
}

// DiscreteSummary is one line of discrete-time (BG/BB) data: Frequency
// purchases in Periods opportunities, the last in period Recency, shared by
// Weight customers.
type DiscreteSummary struct {
	Frequency, Recency, Periods int
	Weight                      float64
}

// ReadDiscreteCSV reads BG/BB data: frequency, recency, periods and an
// optional weights column (default 1 per row).
func ReadDiscreteCSV(r io.Reader) ([]DiscreteSummary, error) {
	t, err := newTable(r, map[string][]string{
		"frequency": frequencyAliases, "recency": recencyAliases,
		"periods": periodsAliases, "weight": weightAliases,
	}, "frequency", "recency", "periods")
	if err != nil {
		return nil, err
	}
	var out []DiscreteSummary
	for t.next() {
		s := DiscreteSummary{
			Frequency: t.count("frequency"),
			Recency:   t.count("recency"),
			Periods:   t.count("periods"),
			Weight:    t.number("weight", 1),
		}
		if t.err == nil {
			if err := s.check(); err != nil {
				t.fail(err)
			}
		}
		if t.err != nil {
			break
		}
		out = append(out, s)
	}
	return out, t.finish(len(out))
}

func (s DiscreteSummary) check() error {
	switch {
	case s.Frequency > s.Recency || s.Recency > s.Periods:
		return fmt.Errorf("need frequency <= recency <= periods, got %d, %d, %d", s.Frequency, s.Recency, s.Periods)
	case s.Frequency == 0 && s.Recency != 0:
		return fmt.Errorf("recency %d with frequency 0 (must be 0)", s.Recency)
	case s.Frequency > 0 && s.Recency == 0:
		return fmt.Errorf("frequency %d with recency 0", s.Frequency)
	case !(s.Weight >= 0) || math.IsInf(s.Weight, 0):
		return fmt.Errorf("weight %v must be a non-negative number", s.Weight)
	}
	return nil
}

// table reads a CSV with a header, locating columns by alias and turning bad
// cells into errors that name the line and column.
type table struct {
	r    *csv.Reader
	cols map[string]int
	name map[string]string
	rec  []string
	line int
	err  error
}

func newTable(r io.Reader, aliases map[string][]string, required ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &LineError{Line: 1, Err: errors.New("empty file: expected a header line")}
	}
	if err != nil {
		return nil, csvError(err)
	}
	t := &table{r: cr, cols: map[string]int{}, name: map[string]string{}}
	for key, names := range aliases {
		if i, n, ok := findColumn(header, names); ok {
			t.cols[key], t.name[key] = i, n
		}
	}
	for _, key := range required {
		if _, ok := t.cols[key]; !ok {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("missing column %s (accepted names: %s; header: %s)",
				key, strings.Join(aliases[key], ", "), strings.Join(header, ","))}
		}
	}
	return t, nil
}

func findColumn(header, names []string) (int, string, bool) {
	for _, want := range names {
		for i, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if h == want || (len(want) > 1 && strings.EqualFold(h, want)) {
				return i, h, true
			}
		}
	}
	return 0, "", false
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

func (t *table) next() bool {
	if t.err != nil {
		return false
	}
	rec, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		t.err = csvError(err)
		return false
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	for _, i := range t.cols {
		if i >= len(rec) {
			t.fail(fmt.Errorf("expected at least %d fields, found %d", i+1, len(rec)))
			return false
		}
	}
	return true
}

func (t *table) fail(err error) {
	if t.err == nil {
		t.err = &LineError{Line: t.line, Err: err}
	}
}

func (t *table) cell(key string) (string, bool) {
	i, ok := t.cols[key]
	if !ok {
		return "", false
	}
	return strings.TrimSpace(t.rec[i]), true
}

func (t *table) text(key, def string) string {
	v, ok := t.cell(key)
	if !ok {
		return def
	}
	if v == "" {
		t.fail(fmt.Errorf("empty %s", t.name[key]))
	}
	return v
}

func (t *table) number(key string, def float64) float64 {
	v, ok := t.cell(key)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		t.fail(fmt.Errorf("%s %q is not a number", t.name[key], v))
		return 0
	}
	return f
}

func (t *table) nonNegative(key string) float64 {
	f := t.number(key, 0)
	if f < 0 {
		t.fail(fmt.Errorf("%s %v is negative", t.name[key], f))
	}
	return f
}

// count reads a non-negative whole number; "2.0" is accepted since pandas
// writes counts as floats.
func (t *table) count(key string) int {
	f := t.nonNegative(key)
	if t.err == nil && (f != math.Trunc(f) || f > 1<<31) {
		t.fail(fmt.Errorf("%s %v is not a whole number", t.name[key], f))
	}
	return int(f)
}

func (t *table) finish(rows int) error {
	if t.err != nil {
		return t.err
	}
	if rows == 0 {
		return fmt.Errorf("%w (the file has a header but no rows)", ErrNoCustomers)
	}
	return nil
}
