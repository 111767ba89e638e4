package value

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// FitInfo is one fitted model of the last refit.
type FitInfo struct {
	Model         string             `json:"model"`
	Params        map[string]float64 `json:"params"`
	LogLikelihood float64            `json:"log_likelihood"`
	Customers     int                `json:"customers"`
	Converged     bool               `json:"converged"`
	Detail        map[string]any     `json:"detail"`
	ComputedAt    time.Time          `json:"computed_at"`
}

// Bin is one bar of a histogram: values in [From, To).
type Bin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// Totals sums the last refit.
type Totals struct {
	Customers         int     `json:"customers"`
	TotalCLV          float64 `json:"total_clv"`
	MeanCLV           float64 `json:"mean_clv"`
	MedianCLV         float64 `json:"median_clv"`
	HistoricalValue   float64 `json:"historical_value"`
	HistoricalProfit  float64 `json:"historical_profit"`
	ExpectedPurchases float64 `json:"expected_purchases"`
	MeanPAlive        float64 `json:"mean_p_alive"`
	LikelyActive      int     `json:"likely_active"` // P(alive) ≥ 0.5
	Mercenaries       int     `json:"mercenaries"`
	Apostles          int     `json:"apostles"`
	RelatedSalesValue float64 `json:"related_sales_value"`
	ReferralValue     float64 `json:"referral_value"` // direct referrals' value only, so nobody counts twice
}

// Summary is the CLV page's headline: the distribution, totals and fits.
type Summary struct {
	ComputedAt   *time.Time `json:"computed_at"`
	Horizon      string     `json:"horizon"`
	Totals       Totals     `json:"totals"`
	Distribution []Bin      `json:"distribution"`
	Fits         []FitInfo  `json:"fits"`
}

func (s *Service) all(ctx context.Context) ([]*store.CustomerValue, error) {
	return s.db.ListCustomerValues(ctx, store.CustomerValueFilter{Sort: "customer_id"})
}

// Fits returns the models of the last refit.
func (s *Service) Fits(ctx context.Context) ([]FitInfo, error) {
	rows, err := s.db.LatestCLVFits(ctx)
	if err != nil {
		return nil, err
	}
	out := []FitInfo{}
	for _, f := range rows {
		fi := FitInfo{Model: f.Model, LogLikelihood: f.LogLikelihood, Customers: f.Customers, Converged: f.Converged, ComputedAt: f.ComputedAt}
		json.Unmarshal([]byte(f.Params), &fi.Params)
		json.Unmarshal([]byte(f.Detail), &fi.Detail)
		out = append(out, fi)
	}
	return out, nil
}

// Summary returns the distribution of CLV over customers, the totals and
// the fit diagnostics of the last refit. bins is the number of histogram
// bars (default 20); the last bar collects the top 1%.
func (s *Service) Summary(ctx context.Context, bins int) (*Summary, error) {
	if bins <= 0 {
		bins = 20
	}
	if bins > 200 {
		return nil, fresco.Errorf(fresco.EINVALID, "bins must be at most 200")
	}
	rows, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	fits, err := s.Fits(ctx)
	if err != nil {
		return nil, err
	}
	out := &Summary{Horizon: s.HorizonText(), Fits: fits, Distribution: []Bin{}}
	if len(rows) == 0 {
		return out, nil
	}
	at := rows[0].ComputedAt
	out.ComputedAt = &at
	t := &out.Totals
	clvs := make([]float64, len(rows))
	var pAlive float64
	for i, v := range rows {
		clvs[i] = v.CLV / 100
		t.TotalCLV += v.CLV / 100
		t.HistoricalValue += v.HistoricalValue.Float()
		t.HistoricalProfit += v.HistoricalProfit.Float()
		t.RelatedSalesValue += v.RelatedSalesValue.Float()
		t.ExpectedPurchases += v.ExpectedPurchases
		pAlive += v.PAlive
		if v.PAlive >= 0.5 {
			t.LikelyActive++
		}
		if v.Mercenary {
			t.Mercenaries++
		}
		if v.Apostle {
			t.Apostles++
		}
	}
	// Referral value: each referred customer's value once (their direct referrer's).
	byID := map[int64]*store.CustomerValue{}
	for _, v := range rows {
		byID[v.CustomerID] = v
	}
	links, err := s.db.ReferralLinks(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.ReferredBy != 0 {
			if v := byID[l.CustomerID]; v != nil {
				t.ReferralValue += v.HistoricalValue.Float()
			}
		}
	}
	n := float64(len(rows))
	t.Customers = len(rows)
	t.MeanCLV = t.TotalCLV / n
	t.MeanPAlive = round4(pAlive / n)
	sort.Float64s(clvs)
	t.MedianCLV = round2(quantile(clvs, 0.5))
	t.TotalCLV, t.MeanCLV = round2(t.TotalCLV), round2(t.MeanCLV)
	t.HistoricalValue, t.HistoricalProfit = round2(t.HistoricalValue), round2(t.HistoricalProfit)
	t.RelatedSalesValue, t.ReferralValue = round2(t.RelatedSalesValue), round2(t.ReferralValue)
	t.ExpectedPurchases = round2(t.ExpectedPurchases)
	out.Distribution = histogram(clvs, bins)
	return out, nil
}

// quantile of sorted xs, linear interpolation.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

// histogram bins sorted xs into bins bars of a "nice" width up to the 99th
// percentile; the last bar is open-ended and takes everything above.
func histogram(xs []float64, bins int) []Bin {
	lo := math.Min(0, xs[0])
	hi := quantile(xs, 0.99)
	if hi <= lo {
		hi = xs[len(xs)-1]
	}
	if hi <= lo {
		return []Bin{{From: lo, To: lo, Count: len(xs)}}
	}
	width := niceStep((hi - lo) / float64(bins-1))
	out := make([]Bin, bins)
	for i := range out {
		out[i] = Bin{From: round2(lo + float64(i)*width), To: round2(lo + float64(i+1)*width)}
	}
	out[bins-1].To = math.Max(out[bins-1].To, round2(xs[len(xs)-1]))
	for _, x := range xs {
		i := int((x - lo) / width)
		out[max(0, min(i, bins-1))].Count++
	}
	return out
}

// niceStep rounds a step up to 1, 2 or 5 × a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// ParetoPoint is one point of the Pareto curve: the top CustomerShare of
// customers (by the metric) make ValueShare of its total.
type ParetoPoint struct {
	CustomerShare float64 `json:"customer_share"`
	ValueShare    float64 `json:"value_share"`
}

// Pareto is the cumulative share curve of a value over customers.
type Pareto struct {
	Metric    string        `json:"metric"` // profit (default), revenue or clv
	Customers int           `json:"customers"`
	Total     float64       `json:"total"`
	Curve     []ParetoPoint `json:"curve"`
	// TopShare is the share of Metric made by the top TopPercent of customers.
	TopPercent float64 `json:"top_percent"`
	TopShare   float64 `json:"top_share"`
	Text       string  `json:"text"` // e.g. "The top 20% of customers make 79% of profit."
}

// Pareto sorts customers by metric (profit, revenue or clv), best first,
// and returns the cumulative share of the total at points evenly spaced
// shares of customers, and the share made by the top topPercent.
func (s *Service) Pareto(ctx context.Context, metric string, points int, topPercent float64) (*Pareto, error) {
	if metric == "" {
		metric = "profit"
	}
	if points <= 0 {
		points = 20
	}
	if topPercent <= 0 {
		topPercent = 20
	}
	if points > 1000 || topPercent > 100 {
		return nil, fresco.Errorf(fresco.EINVALID, "points must be at most 1000 and top at most 100")
	}
	var key func(v *store.CustomerValue) float64
	switch metric {
	case "profit":
		key = func(v *store.CustomerValue) float64 { return v.HistoricalProfit.Float() }
	case "revenue":
		key = func(v *store.CustomerValue) float64 { return v.HistoricalValue.Float() }
	case "clv":
		key = func(v *store.CustomerValue) float64 { return v.CLV / 100 }
	default:
		return nil, fresco.Errorf(fresco.EINVALID, "metric must be profit, revenue or clv")
	}
	rows, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	vals := make([]float64, len(rows))
	total := 0.0
	for i, v := range rows {
		vals[i] = key(v)
		total += vals[i]
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(vals)))
	cum := make([]float64, len(vals)+1)
	for i, v := range vals {
		cum[i+1] = cum[i] + v
	}
	share := func(frac float64) float64 {
		if total == 0 || len(vals) == 0 {
			return 0
		}
		k := int(math.Round(frac * float64(len(vals))))
		return round4(cum[k] / total)
	}
	out := &Pareto{Metric: metric, Customers: len(rows), Total: round2(total), TopPercent: topPercent,
		Curve: []ParetoPoint{{0, 0}}}
	for i := 1; i <= points; i++ {
		f := float64(i) / float64(points)
		out.Curve = append(out.Curve, ParetoPoint{CustomerShare: round4(f), ValueShare: share(f)})
	}
	out.TopShare = share(topPercent / 100)
	out.Text = "The top " + trimFloat(topPercent) + "% of customers make " + trimFloat(math.Round(out.TopShare*1000)/10) + "% of " + metric + "."
	return out, nil
}

func trimFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// SegmentRow is one line of the segment table.
type SegmentRow struct {
	Segment      string  `json:"segment"`
	Customers    int     `json:"customers"`
	Share        float64 `json:"share"` // of customers
	Revenue      float64 `json:"revenue"`
	Profit       float64 `json:"profit"`
	AvgCLV       float64 `json:"avg_clv"`
	TotalCLV     float64 `json:"total_clv"`
	AvgPAlive    float64 `json:"avg_p_alive"`
	AvgPurchases float64 `json:"avg_purchases"`
}

// SegmentTable is the RFM segments and the two flags.
type SegmentTable struct {
	Segments []SegmentRow `json:"segments"`
	// Flags has a row for "mercenary" and one for "apostle" (customers may
	// be in a segment and flagged).
	Flags []SegmentRow `json:"flags"`
}

// Segments summarises customers per RFM segment, in display order, and
// the mercenary and apostle flags.
func (s *Service) Segments(ctx context.Context) (*SegmentTable, error) {
	rows, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	acc := map[string]*SegmentRow{}
	add := func(name string, v *store.CustomerValue) {
		r := acc[name]
		if r == nil {
			r = &SegmentRow{Segment: name}
			acc[name] = r
		}
		r.Customers++
		r.Revenue += v.HistoricalValue.Float()
		r.Profit += v.HistoricalProfit.Float()
		r.TotalCLV += v.CLV / 100
		r.AvgPAlive += v.PAlive
		r.AvgPurchases += float64(v.Purchases)
	}
	for _, v := range rows {
		add(v.Segment, v)
		if v.Mercenary {
			add("mercenary", v)
		}
		if v.Apostle {
			add("apostle", v)
		}
	}
	finish := func(name string) SegmentRow {
		r := acc[name]
		if r == nil {
			return SegmentRow{Segment: name}
		}
		n := float64(r.Customers)
		r.Share = round4(n / float64(len(rows)))
		r.AvgCLV = round2(r.TotalCLV / n)
		r.TotalCLV, r.Revenue, r.Profit = round2(r.TotalCLV), round2(r.Revenue), round2(r.Profit)
		r.AvgPAlive, r.AvgPurchases = round4(r.AvgPAlive/n), round2(r.AvgPurchases/n)
		return *r
	}
	out := &SegmentTable{}
	for _, name := range Segments {
		out.Segments = append(out.Segments, finish(name))
	}
	out.Flags = []SegmentRow{finish("mercenary"), finish("apostle")}
	return out, nil
}

// CustomerValue is everything known about one customer's value, for the
// API: money in currency units.
type CustomerValue struct {
	CustomerID        int64     `json:"customer_id"`
	Name              string    `json:"name"`
	Frequency         int       `json:"frequency"`
	Recency           float64   `json:"recency_weeks"`
	T                 float64   `json:"t_weeks"`
	Monetary          float64   `json:"monetary"`
	Purchases         int       `json:"purchases"`
	FirstPurchase     time.Time `json:"first_purchase"`
	LastPurchase      time.Time `json:"last_purchase"`
	PAlive            float64   `json:"p_alive"`
	ExpectedPurchases float64   `json:"expected_purchases"`
	ExpectedSpend     float64   `json:"expected_spend"`
	CLV               float64   `json:"clv"`
	HistoricalValue   float64   `json:"historical_value"`
	HistoricalProfit  float64   `json:"historical_profit"`
	RelatedSalesValue float64   `json:"related_sales_value"`
	ReferralValue     float64   `json:"referral_value"`
	Referrals         int       `json:"referrals"`
	ReferralsTotal    int       `json:"referrals_total"`
	RFM               RFM       `json:"rfm"`
	Segment           string    `json:"segment"`
	Mercenary         bool      `json:"mercenary"`
	Apostle           bool      `json:"apostle"`
	ComputedAt        time.Time `json:"computed_at"`
}

// RFM is a customer's quintile scores, 1..5.
type RFM struct {
	R int `json:"r"`
	F int `json:"f"`
	M int `json:"m"`
}

func fromStore(v *store.CustomerValue) CustomerValue {
	return CustomerValue{
		CustomerID: v.CustomerID, Name: v.Name, Frequency: v.Frequency, Recency: round4(v.Recency), T: round4(v.T),
		Monetary: round2(v.Monetary / 100), Purchases: v.Purchases, FirstPurchase: v.FirstPurchase, LastPurchase: v.LastPurchase,
		PAlive: round4(v.PAlive), ExpectedPurchases: round4(v.ExpectedPurchases), ExpectedSpend: round2(v.ExpectedSpend / 100),
		CLV: round2(v.CLV / 100), HistoricalValue: v.HistoricalValue.Float(), HistoricalProfit: v.HistoricalProfit.Float(),
		RelatedSalesValue: v.RelatedSalesValue.Float(), ReferralValue: v.ReferralValue.Float(),
		Referrals: v.Referrals, ReferralsTotal: v.ReferralsTotal, RFM: RFM{v.R, v.F, v.M}, Segment: v.Segment,
		Mercenary: v.Mercenary, Apostle: v.Apostle, ComputedAt: v.ComputedAt,
	}
}

// Category is a customer's spend in one product category.
type Category struct {
	Category    string    `json:"category"`
	Value       float64   `json:"value"`
	FirstBought time.Time `json:"first_bought"`
	Related     bool      `json:"related"` // first bought after the first purchase
}

// Referred is one customer in a referral chain.
type Referred struct {
	CustomerID int64   `json:"customer_id"`
	Name       string  `json:"name"`
	ReferredBy int64   `json:"referred_by"`
	Depth      int     `json:"depth"`
	Value      float64 `json:"value"`
}

// CustomerDetail is one customer's value with the categories behind the
// related-sales value and the chain behind the referral value.
type CustomerDetail struct {
	CustomerValue
	Horizon       string     `json:"horizon"`
	Categories    []Category `json:"categories"`
	ReferralChain []Referred `json:"referral_chain"`
}

// Customer returns one customer's value (ENOTFOUND before a refit, or for
// a customer without purchases).
func (s *Service) Customer(ctx context.Context, id int64) (*CustomerDetail, error) {
	v, err := s.db.CustomerValueOf(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &CustomerDetail{CustomerValue: fromStore(v), Horizon: s.HorizonText(), Categories: []Category{}, ReferralChain: []Referred{}}
	cats, err := s.db.CustomerCategories(ctx, id)
	if err != nil {
		return nil, err
	}
	firstDay := dayNum(v.FirstPurchase)
	for _, c := range cats {
		out.Categories = append(out.Categories, Category{Category: c.Category, Value: c.Value.Float(), FirstBought: c.FirstBought,
			Related: dayNum(c.FirstBought) > firstDay})
	}
	chain, err := s.db.ReferralChain(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, n := range chain {
		out.ReferralChain = append(out.ReferralChain, Referred{CustomerID: n.CustomerID, Name: n.Name, ReferredBy: n.ReferredBy,
			Depth: n.Depth, Value: n.Value.Float()})
	}
	return out, nil
}

// ListFilter selects customers for List.
type ListFilter struct {
	Segment string
	Flag    string // "", "mercenary" or "apostle"
	Sort    string // clv (default), historical_value, referral_value, p_alive, last_purchase, profit
	Limit   int    // default 100, at most 1000
}

// List returns customers' values, filtered and sorted.
func (s *Service) List(ctx context.Context, f ListFilter) ([]CustomerValue, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		return nil, fresco.Errorf(fresco.EINVALID, "limit must be at most 1000")
	}
	sf := store.CustomerValueFilter{Segment: f.Segment, Sort: f.Sort, Limit: f.Limit}
	switch f.Flag {
	case "":
	case "mercenary":
		sf.Mercenary = true
	case "apostle":
		sf.Apostle = true
	default:
		return nil, fresco.Errorf(fresco.EINVALID, "flag must be mercenary or apostle")
	}
	if f.Segment != "" && !validSegment(f.Segment) {
		return nil, fresco.Errorf(fresco.EINVALID, "unknown segment %q", f.Segment)
	}
	if !store.ValidCustomerValueSort(f.Sort) {
		return nil, fresco.Errorf(fresco.EINVALID, "unknown sort %q", f.Sort)
	}
	rows, err := s.db.ListCustomerValues(ctx, sf)
	if err != nil {
		return nil, err
	}
	out := make([]CustomerValue, 0, len(rows))
	for _, v := range rows {
		out = append(out, fromStore(v))
	}
	return out, nil
}

func validSegment(name string) bool {
	for _, s := range Segments {
		if s == name {
			return true
		}
	}
	return false
}

// Insight is the short form of a customer's value for the profile panel;
// nil when there is none (no refit yet, or no purchases).
func (s *Service) Insight(ctx context.Context, id int64) (*CustomerValue, error) {
	v, err := s.db.CustomerValueOf(ctx, id)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cv := fromStore(v)
	return &cv, nil
}
