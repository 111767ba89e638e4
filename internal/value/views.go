package value

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
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
	// Acquired by referral: customers somebody referred (customers.referred_by
	// set, by hand, by import or by a purchase carrying a referral code), their
	// share of all customers, and the share of historical value they brought.
	ReferredCustomers  int     `json:"referred_customers"`
	ReferralShare      float64 `json:"referral_share"`       // referred_customers ÷ customers
	ReferralValueShare float64 `json:"referral_value_share"` // referral_value ÷ historical_value; 0 when there is none
}

// Summary is the CLV page's headline: the distribution, totals and fits.
type Summary struct {
	ComputedAt   *time.Time `json:"computed_at"`
	Horizon      string     `json:"horizon"`
	Totals       Totals     `json:"totals"`
	Distribution []Bin      `json:"distribution"`
	Fits         []FitInfo  `json:"fits"`
}

// Fits returns the models of the last refit.
func (s *Service) Fits(ctx context.Context) ([]FitInfo, error) {
	rows, err := s.db.Reports().LatestCLVFits(ctx)
	if err != nil {
		return nil, err
	}
	out := []FitInfo{}
	for _, f := range rows {
		if f.Model == calibrationModel { // the holdout check: Calibration
			continue
		}
		fi := FitInfo{Model: f.Model, LogLikelihood: f.LogLikelihood, Customers: f.Customers, Converged: f.Converged, ComputedAt: f.ComputedAt}
		json.Unmarshal([]byte(f.Params), &fi.Params)
		json.Unmarshal([]byte(f.Detail), &fi.Detail)
		out = append(out, fi)
	}
	return out, nil
}

// Summary returns the distribution of CLV over customers, the totals and
// the fit diagnostics of the last refit. bins is the number of histogram
// bars (default 20); the last bar collects the top 1%. It is computed once
// per refit and bins (cache.go); the caller gets its own copy.
func (s *Service) Summary(ctx context.Context, bins int) (*Summary, error) {
	if bins <= 0 {
		bins = 20
	}
	if bins > 200 {
		return nil, fresco.Errorf(fresco.EINVALID, "bins must be at most 200")
	}
	out, err := cached(ctx, s.views, "summary?bins="+strconv.Itoa(bins), func(ctx context.Context) (*Summary, error) {
		return s.summary(ctx, bins)
	})
	if err != nil {
		return nil, err
	}
	return out.clone(), nil
}

// summary computes the summary. The database does the sums and counts;
// every statement reads the same refit.
func (s *Service) summary(ctx context.Context, bins int) (*Summary, error) {
	fits, err := s.Fits(ctx)
	if err != nil {
		return nil, err
	}
	out := &Summary{Horizon: s.HorizonText(), Fits: fits, Distribution: []Bin{}}
	err = s.db.Reports().ReadCustomerValues(ctx, func(r *store.CustomerValueSnapshot) error {
		t, err := r.Totals(ctx)
		if err != nil || t.Customers == 0 {
			return err
		}
		at := t.ComputedAt
		out.ComputedAt = &at
		out.Totals = totalsOf(t)
		median, err := clvQuantile(ctx, r, t.Customers, 0.5)
		if err != nil {
			return err
		}
		out.Totals.MedianCLV = round2(median)
		out.Distribution, err = clvHistogram(ctx, r, t, bins)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// totalsOf turns the database's sums (cents) into the summary's totals
// (currency units), all but the median.
func totalsOf(t *store.CustomerValueTotals) Totals {
	n := float64(t.Customers)
	totalCLV := t.CLV / 100
	return Totals{
		Customers:         t.Customers,
		TotalCLV:          round2(totalCLV),
		MeanCLV:           round2(totalCLV / n),
		HistoricalValue:   round2(t.HistoricalValue.Float()),
		HistoricalProfit:  round2(t.HistoricalProfit.Float()),
		ExpectedPurchases: round2(t.ExpectedPurchases),
		MeanPAlive:        round4(t.PAlive / n),
		LikelyActive:      t.LikelyActive,
		Mercenaries:       t.Mercenaries,
		Apostles:          t.Apostles,
		RelatedSalesValue: round2(t.RelatedSalesValue.Float()),
		// Referral value: each referred customer's value once (their
		// direct referrer's), so nobody counts twice.
		ReferralValue:      round2(t.ReferredValue.Float()),
		ReferredCustomers:  t.ReferredCustomers,
		ReferralShare:      round4(float64(t.ReferredCustomers) / n),
		ReferralValueShare: round4(share(t.ReferredValue.Float(), t.HistoricalValue.Float())),
	}
}

// share is part ÷ whole, 0 when whole is not positive.
func share(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return part / whole
}

// clvQuantile is the q-quantile of CLV (currency units) over the n
// customers, interpolating linearly between the two nearest ranks.
func clvQuantile(ctx context.Context, r *store.CustomerValueSnapshot, n int, q float64) (float64, error) {
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, n-1)
	clvs, err := r.SortedCLV(ctx, n, lo, hi+1)
	if err != nil {
		return 0, err
	}
	if len(clvs) != hi-lo+1 { // n is from the same snapshot: a bug, not a race
		return 0, fmt.Errorf("clv quantile: %d values at ranks %d..%d of %d", len(clvs), lo, hi, n)
	}
	below, above := clvs[0]/100, clvs[len(clvs)-1]/100
	return below + (above-below)*(pos-float64(lo)), nil
}

// clvHistogram bins CLV (currency units) into bins bars of a "nice" width
// up to the 99th percentile; the last bar is open-ended and takes
// everything above.
func clvHistogram(ctx context.Context, r *store.CustomerValueSnapshot, t *store.CustomerValueTotals, bins int) ([]Bin, error) {
	lowest, highest := t.MinCLV/100, t.MaxCLV/100
	lo := math.Min(0, lowest)
	hi, err := clvQuantile(ctx, r, t.Customers, 0.99)
	if err != nil {
		return nil, err
	}
	if hi <= lo {
		hi = highest
	}
	if hi <= lo {
		return []Bin{{From: lo, To: lo, Count: t.Customers}}, nil
	}
	width := niceStep((hi - lo) / float64(bins-1))
	counts, err := r.CLVHistogram(ctx, lo, width, bins)
	if err != nil {
		return nil, err
	}
	out := make([]Bin, bins)
	for i := range out {
		out[i] = Bin{From: round2(lo + float64(i)*width), To: round2(lo + float64(i+1)*width), Count: counts[i]}
	}
	out[bins-1].To = math.Max(out[bins-1].To, round2(highest))
	return out, nil
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
// shares of customers, and the share made by the top topPercent. It is
// computed once per refit and parameters (cache.go); the caller gets its
// own copy.
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
	if metric != "profit" && metric != "revenue" && metric != "clv" {
		return nil, fresco.Errorf(fresco.EINVALID, "metric must be profit, revenue or clv")
	}
	view := "pareto?metric=" + metric + "&points=" + strconv.Itoa(points) + "&top=" + strconv.FormatFloat(topPercent, 'g', -1, 64)
	out, err := cached(ctx, s.views, view, func(ctx context.Context) (*Pareto, error) {
		return s.pareto(ctx, metric, points, topPercent)
	})
	if err != nil {
		return nil, err
	}
	return out.clone(), nil
}

// pareto computes the Pareto curve of valid parameters. The database sums
// the top k customers for just the k the curve needs.
func (s *Service) pareto(ctx context.Context, metric string, points int, topPercent float64) (*Pareto, error) {
	fracs := make([]float64, 0, points+1)
	for i := 1; i <= points; i++ {
		fracs = append(fracs, float64(i)/float64(points))
	}
	fracs = append(fracs, topPercent/100)
	var n int
	var total float64 // cents
	var top map[int]float64
	err := s.db.Reports().ReadCustomerValues(ctx, func(r *store.CustomerValueSnapshot) error {
		var err error
		if n, total, err = r.MetricTotal(ctx, metric); err != nil || n == 0 {
			return err
		}
		top, err = r.TopSums(ctx, metric, topRanks(n, fracs))
		return err
	})
	if err != nil {
		return nil, err
	}
	share := func(frac float64) float64 {
		if total == 0 || n == 0 {
			return 0
		}
		return round4(top[topRank(n, frac)] / total) // the top 0 customers are not in top: 0, as they should be
	}
	out := &Pareto{Metric: metric, Customers: n, Total: round2(total / 100), TopPercent: topPercent,
		Curve: []ParetoPoint{{0, 0}}}
	for _, f := range fracs[:points] {
		out.Curve = append(out.Curve, ParetoPoint{CustomerShare: round4(f), ValueShare: share(f)})
	}
	out.TopShare = share(topPercent / 100)
	out.Text = "The top " + trimFloat(topPercent) + "% of customers make " + trimFloat(math.Round(out.TopShare*1000)/10) + "% of " + metric + "."
	return out, nil
}

// topRank is how many of n customers make the top share frac of them.
func topRank(n int, frac float64) int { return int(math.Round(frac * float64(n))) }

// topRanks lists the distinct positive topRank of each share.
func topRanks(n int, fracs []float64) []int {
	var ranks []int
	for _, f := range fracs {
		if k := topRank(n, f); k > 0 && !slices.Contains(ranks, k) {
			ranks = append(ranks, k)
		}
	}
	return ranks
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
// the mercenary and apostle flags. It is computed once per refit
// (cache.go); the caller gets its own copy.
func (s *Service) Segments(ctx context.Context) (*SegmentTable, error) {
	out, err := cached(ctx, s.views, "segments", s.segments)
	if err != nil {
		return nil, err
	}
	return out.clone(), nil
}

// segments computes the segment table from the database's sums per segment
// and per flag.
func (s *Service) segments(ctx context.Context) (*SegmentTable, error) {
	segments, flags, err := s.db.Reports().CustomerValueGroups(ctx)
	if err != nil {
		return nil, err
	}
	customers := 0 // every customer is in exactly one segment
	for _, g := range segments {
		customers += g.Customers
	}
	out := &SegmentTable{}
	for _, name := range Segments {
		out.Segments = append(out.Segments, segmentRow(name, segments[name], customers))
	}
	out.Flags = []SegmentRow{segmentRow("mercenary", flags["mercenary"], customers), segmentRow("apostle", flags["apostle"], customers)}
	return out, nil
}

// segmentRow is the line of a segment (or flag) with sums g out of all
// customers.
func segmentRow(name string, g store.CustomerValueSums, customers int) SegmentRow {
	if g.Customers == 0 {
		return SegmentRow{Segment: name}
	}
	n := float64(g.Customers)
	totalCLV := g.CLV / 100
	return SegmentRow{
		Segment: name, Customers: g.Customers, Share: round4(n / float64(customers)),
		Revenue: round2(g.HistoricalValue.Float()), Profit: round2(g.HistoricalProfit.Float()),
		AvgCLV: round2(totalCLV / n), TotalCLV: round2(totalCLV),
		AvgPAlive: round4(g.PAlive / n), AvgPurchases: round2(float64(g.Purchases) / n),
	}
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

func fromStore(v *fresco.CustomerValue) CustomerValue {
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

// ListFilter selects customers for List and ListPage.
type ListFilter struct {
	Segment string
	Flag    string // "", "mercenary" or "apostle"
	Sort    string // clv (default), historical_value, referral_value, p_alive, last_purchase, profit
	Limit   int    // default 100, at most 1000
	Cursor  string // ListPage: the next cursor of the previous page
}

// List returns the first Limit customers' values, filtered and sorted.
func (s *Service) List(ctx context.Context, f ListFilter) ([]CustomerValue, error) {
	f.Cursor = ""
	items, _, err := s.ListPage(ctx, f)
	return items, err
}

// ListPage returns a page of customers' values, filtered and sorted, and
// the cursor of the next page ("" on the last). The cursor belongs to the
// sort: paging by a value is a keyset on (value, customer id).
func (s *Service) ListPage(ctx context.Context, f ListFilter) ([]CustomerValue, string, error) {
	sf, err := storeFilter(f)
	if err != nil {
		return nil, "", err
	}
	rows, next, err := s.db.Reports().PageCustomerValues(ctx, sf)
	if err != nil {
		return nil, "", err
	}
	out := make([]CustomerValue, 0, len(rows))
	for _, v := range rows {
		out = append(out, fromStore(v))
	}
	return out, next, nil
}

// storeFilter checks f and turns it into the store's filter.
func storeFilter(f ListFilter) (store.CustomerValueFilter, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	sf := store.CustomerValueFilter{Segment: f.Segment, Sort: f.Sort, Limit: f.Limit, Cursor: f.Cursor}
	if f.Limit > 1000 {
		return sf, fresco.Errorf(fresco.EINVALID, "limit must be at most 1000")
	}
	switch f.Flag {
	case "":
	case "mercenary":
		sf.Mercenary = true
	case "apostle":
		sf.Apostle = true
	default:
		return sf, fresco.Errorf(fresco.EINVALID, "flag must be mercenary or apostle")
	}
	if f.Segment != "" && !validSegment(f.Segment) {
		return sf, fresco.Errorf(fresco.EINVALID, "unknown segment %q", f.Segment)
	}
	if !store.ValidCustomerValueSort(f.Sort) {
		return sf, fresco.Errorf(fresco.EINVALID, "unknown sort %q", f.Sort)
	}
	return sf, nil
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
