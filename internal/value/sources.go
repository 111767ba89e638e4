package value

// What each acquisition source costs and returns: marketing spend mapped to
// the sources customers name ("How did you hear about us?"), the customers
// each source brought in a period, what they cost (CAC), what they are
// expected to be worth (mean predicted CLV) and how many months of their
// gross profit repay what they cost.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Interval is a figure with its 95% interval; Low and High are nil when
// there is no interval (too few customers, or an unbounded end).
type Interval struct {
	Value     float64
	Low, High *float64
}

// SourceFigures are what one source cost and returned in a period (or a
// month of it). Money is in cents; CLV and monthly gross profit are means
// over the new customers the last refit valued.
type SourceFigures struct {
	Source       string
	NewCustomers int
	Spend        fresco.Money
	// CAC is Spend ÷ NewCustomers, nil when there are none.
	CAC *fresco.Money
	// CLV is the mean predicted lifetime value (cents) of the new customers
	// the last refit valued (CLVN of them), nil when none was.
	CLV  *Interval
	CLVN int
	// MonthlyGrossProfit is the mean observed gross profit a month (cents)
	// of the same customers: each one's historical profit ÷ the months from
	// their first purchase to the refit (at least one).
	MonthlyGrossProfit *Interval
	// CLVToCAC is CLV ÷ CAC (its interval CLV's ÷ CAC), nil without both or
	// when CAC is 0.
	CLVToCAC *Interval
	// PaybackMonths is CAC ÷ MonthlyGrossProfit: the months of their gross
	// profit that repay what they cost; nil without CAC or when they make
	// no gross profit. Its interval is CAC ÷ the profit's interval (High nil
	// when the profit's low end is not above 0).
	PaybackMonths *Interval
}

// LosesMoney reports whether the source's customers are expected to be
// worth less than they cost: CLV below CAC, or spend that brought nobody.
func (f SourceFigures) LosesMoney() bool {
	if f.Spend > 0 && f.NewCustomers == 0 {
		return true
	}
	return f.CLVToCAC != nil && f.CLVToCAC.Value < 1
}

// SourceMonth is one calendar month (UTC) of the period.
type SourceMonth struct {
	Month   time.Time
	Sources []SourceFigures // the report's sources, in its order
}

// SourceEconomics is the report: every source with customers first seen or
// spend in the period, most new customers first.
type SourceEconomics struct {
	From, To time.Time // dates, both inclusive
	Sources  []SourceFigures
	Months   []SourceMonth
	// Mapped is the owner's channel → source mapping in force (lower-cased
	// channels); other channels pay for the source of their own name.
	Mapped map[string]string
}

// Losing returns the sources that lose money, in words, worst first.
func (r *SourceEconomics) Losing(money func(fresco.Money) string) []string {
	var lose []SourceFigures
	for _, f := range r.Sources {
		if f.LosesMoney() {
			lose = append(lose, f)
		}
	}
	slices.SortStableFunc(lose, func(a, b SourceFigures) int { return int(b.Spend - a.Spend) })
	out := make([]string, len(lose))
	for i, f := range lose {
		if f.NewCustomers == 0 {
			out[i] = fmt.Sprintf("%s: %s spent, no new customer.", f.Source, money(f.Spend))
			continue
		}
		out[i] = fmt.Sprintf("%s: each new customer cost %s and is expected to bring %s (%.2f× what they cost): %s of spend for %d customer%s.",
			f.Source, money(*f.CAC), money(fresco.Money(math.Round(f.CLV.Value))), f.CLVToCAC.Value, money(f.Spend), f.NewCustomers, plural(f.NewCustomers))
	}
	return out
}

// Sources reports what each acquisition source cost and returned over the
// dates from..to, both inclusive. It reads the spend records overlapping
// the period and the period's new customers grouped in SQL
// (acquisitionCohorts: sums of days, per refit and from acquisition_daily), never the
// purchases.
func (s *Service) Sources(ctx context.Context, from, to time.Time) (*SourceEconomics, error) {
	from, to = day(from), day(to)
	var v fresco.Validation
	v.Check(!to.Before(from), "to", "must not be before from")
	if err := v.Err(); err != nil {
		return nil, err
	}
	db := s.db.Reports()
	mapped, err := db.ChannelSources(ctx)
	if err != nil {
		return nil, err
	}
	cohorts, err := s.acquisitionCohorts(ctx, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	spend, err := db.SpendOverlapping(ctx, from, to)
	if err != nil {
		return nil, err
	}
	r := &SourceEconomics{From: from, To: to, Mapped: mapped}
	var months []time.Time
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	// Sources by lower-cased name, spelt as the customers spell them.
	names := map[string]string{}
	var keys []string
	key := func(name string) string {
		k := strings.ToLower(strings.TrimSpace(name))
		if _, ok := names[k]; !ok {
			names[k] = strings.TrimSpace(name)
			keys = append(keys, k)
		}
		return k
	}
	type sums struct {
		cohort store.CohortSums
		spend  big.Rat
	}
	total := map[string]*sums{}
	monthly := map[string]map[time.Time]*sums{}
	at := func(k string, m time.Time) (*sums, *sums) {
		if total[k] == nil {
			total[k], monthly[k] = &sums{}, map[time.Time]*sums{}
		}
		if monthly[k][m] == nil {
			monthly[k][m] = &sums{}
		}
		return total[k], monthly[k][m]
	}
	for _, c := range cohorts {
		if strings.TrimSpace(c.Source) == "" {
			continue // no answer to "How did you hear about us?"
		}
		t, m := at(key(c.Source), c.Month)
		addCohort(&t.cohort, c)
		addCohort(&m.cohort, c)
	}
	for _, sp := range spend {
		if sp.AcquisitionPart() == 0 && sp.Amount > 0 {
			continue // retention spend pays for no source
		}
		src := sp.Channel
		if to, ok := mapped[strings.ToLower(strings.TrimSpace(sp.Channel))]; ok {
			src = to
		}
		k := key(src)
		for _, m := range months {
			// Only acquisition spend wins new customers (retention spend:
			// AcquisitionRetention).
			share := proRata(sp.AcquisitionPart(), sp, max(dayNum(from), dayNum(m)), min(dayNum(to), dayNum(m.AddDate(0, 1, -1))))
			if share == nil {
				continue
			}
			t, mo := at(k, m)
			t.spend.Add(&t.spend, share)
			mo.spend.Add(&mo.spend, share)
		}
	}
	for _, k := range keys {
		t := total[k]
		r.Sources = append(r.Sources, figures(names[k], t.cohort, &t.spend))
	}
	slices.SortStableFunc(r.Sources, func(a, b SourceFigures) int {
		if a.NewCustomers != b.NewCustomers {
			return b.NewCustomers - a.NewCustomers
		}
		return strings.Compare(a.Source, b.Source)
	})
	for _, m := range months {
		sm := SourceMonth{Month: m}
		for _, f := range r.Sources {
			k := strings.ToLower(f.Source)
			mo := monthly[k][m]
			if mo == nil {
				mo = &sums{}
			}
			sm.Sources = append(sm.Sources, figures(f.Source, mo.cohort, &mo.spend))
		}
		r.Months = append(r.Months, sm)
	}
	return r, nil
}

// proRata is the part of amount (cents, spent over sp's days) that falls
// on the days first..last (dayNum), both inclusive, exactly; nil when they
// share no day.
func proRata(amount fresco.Money, sp *fresco.MarketingSpend, first, last int64) *big.Rat {
	days := dayNum(sp.PeriodEnd) - dayNum(sp.PeriodStart) + 1
	a, b := max(dayNum(sp.PeriodStart), first), min(dayNum(sp.PeriodEnd), last)
	if days <= 0 || b < a {
		return nil
	}
	return new(big.Rat).SetFrac(big.NewInt(int64(amount)*(b-a+1)), big.NewInt(days))
}

func addCohort(dst *store.CohortSums, c store.CohortSums) {
	dst.New += c.New
	dst.Valued += c.Valued
	dst.CLV += c.CLV
	dst.CLVSq += c.CLVSq
	dst.GP += c.GP
	dst.GPSq += c.GPSq
}

// figures works out one source's figures from its sums and exact spend.
func figures(source string, c store.CohortSums, spend *big.Rat) SourceFigures {
	f := SourceFigures{Source: source, NewCustomers: c.New, Spend: roundMoney(spend), CLVN: c.Valued}
	if c.New > 0 {
		cac := roundMoney(new(big.Rat).Quo(spend, new(big.Rat).SetInt64(int64(c.New))))
		f.CAC = &cac
	}
	if c.Valued > 0 {
		f.CLV = interval(stats.MeanOfSums(c.Valued, c.CLV, c.CLVSq, 0)) // cents, as customer_value.clv
		f.MonthlyGrossProfit = interval(stats.MeanOfSums(c.Valued, c.GP, c.GPSq, 0))
	}
	if f.CAC == nil {
		return f
	}
	cac := float64(*f.CAC)
	if f.CLV != nil && cac > 0 {
		f.CLVToCAC = scaled(f.CLV, func(x float64) float64 { return x / cac })
	}
	if gp := f.MonthlyGrossProfit; gp != nil && gp.Value > 0 {
		p := &Interval{Value: cac / gp.Value}
		if gp.High != nil && *gp.High > 0 {
			p.Low = ptr(cac / *gp.High)
		}
		if gp.Low != nil && *gp.Low > 0 {
			p.High = ptr(cac / *gp.Low)
		}
		f.PaybackMonths = p
	}
	return f
}

func interval(m stats.Mean) *Interval {
	in := &Interval{Value: m.Mean}
	if m.N >= 2 {
		in.Low, in.High = ptr(m.CILow), ptr(m.CIHigh)
	}
	return in
}

func scaled(in *Interval, f func(float64) float64) *Interval {
	out := &Interval{Value: f(in.Value)}
	if in.Low != nil {
		out.Low = ptr(f(*in.Low))
	}
	if in.High != nil {
		out.High = ptr(f(*in.High))
	}
	return out
}

func ptr(x float64) *float64 { return &x }

// roundMoney rounds an exact amount of cents to the cent, halves away from
// zero.
func roundMoney(r *big.Rat) fresco.Money {
	// FloatString rounds the last digit half away from zero.
	n, _ := strconv.ParseInt(r.FloatString(0), 10, 64)
	return fresco.Money(n)
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// plural is the "s" a count other than one takes in English.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
