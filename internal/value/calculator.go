package value

import (
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CalcInput is the calculator's question. Zero values mean the defaults;
// the Override fields, when set, replace what the data says.
type CalcInput struct {
	// From and To bound the period [From, To) (zero From: the first purchase;
	// zero To: now).
	From, To time.Time
	// LoyalTop is the share of the period's customers, in percent, counted
	// as loyal: the top LoyalTop% by purchases in the period (default 20)…
	LoyalTop float64
	// …among those who have been customers for at least LoyalMinTenureDays
	// at the end of the period (default 365).
	LoyalMinTenureDays int

	// Overrides for both customers.
	AcquisitionCost *float64 // per new customer, in currency units
	Margin          *float64 // gross margin, 0..1
	// Overrides for the average customer…
	PurchasesPerLifetime, ItemsPerPurchase, AveragePrice *float64
	// …and for the loyal one.
	LoyalPurchasesPerLifetime, LoyalItemsPerPurchase, LoyalAveragePrice *float64
}

// Economics is one column of the calculator: the texts' lifetime value
//
//	gross value     = purchases per lifetime × items per purchase × average price
//	gross profit    = gross value × margin
//	lifetime value  = gross profit − acquisition cost
//
// Money is in currency units. With margin 1 it is the texts' formula as
// written (transactions × items × price − acquisition cost).
type Economics struct {
	Customers            int     `json:"customers"`
	PurchasesPerLifetime float64 `json:"purchases_per_lifetime"`
	ItemsPerPurchase     float64 `json:"items_per_purchase"`
	AveragePrice         float64 `json:"average_price"`
	Margin               float64 `json:"margin"`
	GrossValue           float64 `json:"gross_value"`
	GrossProfit          float64 `json:"gross_profit"`
	AcquisitionCost      float64 `json:"acquisition_cost"`
	LifetimeValue        float64 `json:"lifetime_value"`
}

func (e *Economics) compute() {
	e.GrossValue = round2(e.PurchasesPerLifetime * e.ItemsPerPurchase * e.AveragePrice)
	e.GrossProfit = round2(e.GrossValue * e.Margin)
	e.LifetimeValue = round2(e.GrossProfit - e.AcquisitionCost)
}

// CalcInputs echoes what went into the calculation.
type CalcInputs struct {
	MarketingSpend     float64  `json:"marketing_spend"`
	NewCustomers       int      `json:"new_customers"`
	AcquisitionCost    float64  `json:"acquisition_cost"`
	Margin             float64  `json:"margin"`
	LoyalTop           float64  `json:"loyal_top"`
	LoyalMinTenureDays int      `json:"loyal_min_tenure_days"`
	Overridden         []string `json:"overridden"`
}

// CalcPeriod is the period the calculator looked at.
type CalcPeriod struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"` // exclusive
	Days int       `json:"days"`
}

// Calculation is the calculator's answer.
type Calculation struct {
	Average Economics  `json:"average"`
	Loyal   Economics  `json:"loyal"`
	Inputs  CalcInputs `json:"inputs"`
	Period  CalcPeriod `json:"period"`
	// LoyalMultiple is the loyal customer's lifetime value over the average
	// one's (0 when the average is not positive).
	LoyalMultiple float64           `json:"loyal_multiple"`
	Definitions   map[string]string `json:"definitions"`
}

func round2(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return math.Round(f*100) / 100
}

func round4(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return math.Round(f*10000) / 10000
}

// Calculator compares an average and a loyal customer over a period, from
// the database: purchases per customer, items per purchase, average price
// per item and margin from the period's purchases by identified customers;
// acquisition cost = marketing spend in the period ÷ customers whose first
// purchase falls in it.
func (s *Service) Calculator(ctx context.Context, in CalcInput) (*Calculation, error) {
	if in.LoyalTop <= 0 {
		in.LoyalTop = 20
	}
	if in.LoyalTop > 100 {
		return nil, fresco.Errorf(fresco.EINVALID, "loyal_top must be a percentage between 0 and 100")
	}
	if in.LoyalMinTenureDays <= 0 {
		in.LoyalMinTenureDays = 365
	}
	var data *calcData
	var err error
	if in.From.IsZero() && in.To.IsZero() {
		// The default period, every purchase up to now, is the last
		// refit's (computed once per refit, cached per loyal parameters).
		view := "calculator?top=" + strconv.FormatFloat(in.LoyalTop, 'g', -1, 64) + "&tenure=" + strconv.Itoa(in.LoyalMinTenureDays)
		data, err = cached(ctx, s.views, view, func(ctx context.Context) (*calcData, error) { return s.refitCalcData(ctx, in) })
		if err != nil {
			return nil, err
		}
	}
	if data == nil { // another period, or no usable refit
		to := in.To
		if to.IsZero() {
			to = s.opts.Now().UTC()
		}
		if !in.From.IsZero() && !in.From.Before(to) {
			return nil, fresco.Errorf(fresco.EINVALID, "from must be before to")
		}
		if data, err = s.liveCalcData(ctx, in, to); err != nil {
			return nil, err
		}
	}
	from, to := data.from, data.to
	spendTo := to.Add(-time.Nanosecond)
	spend, err := s.db.MarketingSpendTotal(ctx, in.From, spendTo)
	if err != nil {
		return nil, err
	}
	newCustomers := data.newCustomers

	out := &Calculation{
		Period: CalcPeriod{From: from, To: to, Days: int(math.Ceil(to.Sub(from).Hours() / 24))},
		Inputs: CalcInputs{MarketingSpend: spend.Float(), NewCustomers: newCustomers, LoyalTop: in.LoyalTop,
			LoyalMinTenureDays: in.LoyalMinTenureDays, Overridden: []string{}},
		Definitions: map[string]string{
			"average":          "every customer with a purchase in the period",
			"loyal":            "the top loyal_top% of the period's customers by purchases in the period, among those who first bought at least loyal_min_tenure_days before its end",
			"purchase":         "a purchase with a positive total; refunds reduce revenue but are not purchases",
			"acquisition_cost": "marketing spend in the period ÷ customers whose first purchase falls in it",
			"lifetime_value":   "purchases_per_lifetime × items_per_purchase × average_price × margin − acquisition_cost",
			"as_of":            "without from and to: every purchase up to the last refit; with them, the purchases of the period as they are now",
		},
	}
	if newCustomers > 0 {
		out.Inputs.AcquisitionCost = round2(spend.Float() / float64(newCustomers))
	}
	out.Average = economicsOf(data.average)
	out.Inputs.Margin = out.Average.Margin
	out.Loyal = economicsOf(data.loyal)

	set := func(name string, v *float64, dst ...*float64) {
		if v == nil {
			return
		}
		for _, d := range dst {
			*d = *v
		}
		out.Inputs.Overridden = append(out.Inputs.Overridden, name)
	}
	for _, e := range []*Economics{&out.Average, &out.Loyal} {
		e.AcquisitionCost = out.Inputs.AcquisitionCost
	}
	set("acquisition_cost", in.AcquisitionCost, &out.Average.AcquisitionCost, &out.Loyal.AcquisitionCost, &out.Inputs.AcquisitionCost)
	set("margin", in.Margin, &out.Average.Margin, &out.Loyal.Margin, &out.Inputs.Margin)
	set("purchases_per_lifetime", in.PurchasesPerLifetime, &out.Average.PurchasesPerLifetime)
	set("items_per_purchase", in.ItemsPerPurchase, &out.Average.ItemsPerPurchase)
	set("average_price", in.AveragePrice, &out.Average.AveragePrice)
	set("loyal_purchases_per_lifetime", in.LoyalPurchasesPerLifetime, &out.Loyal.PurchasesPerLifetime)
	set("loyal_items_per_purchase", in.LoyalItemsPerPurchase, &out.Loyal.ItemsPerPurchase)
	set("loyal_average_price", in.LoyalAveragePrice, &out.Loyal.AveragePrice)
	out.Average.compute()
	out.Loyal.compute()
	if out.Average.LifetimeValue > 0 {
		out.LoyalMultiple = round2(out.Loyal.LifetimeValue / out.Average.LifetimeValue)
	}
	return out, nil
}

// calcData is what the calculator reads from the database: the period
// (from, to), its customers' sums, the loyal customers' sums and the new
// customers.
type calcData struct {
	from, to       time.Time
	average, loyal store.PurchaseSums
	newCustomers   int
}

// economicsOf turns a group's sums into its column of the calculator
// (before the margin and acquisition cost are applied).
func economicsOf(g store.PurchaseSums) Economics {
	var e Economics
	e.Customers = g.Customers
	if g.Customers > 0 {
		e.PurchasesPerLifetime = round4(float64(g.Purchases) / float64(g.Customers))
	}
	if g.Purchases > 0 {
		e.ItemsPerPurchase = round4(float64(g.Items) / float64(g.Purchases))
	}
	if g.Items > 0 {
		e.AveragePrice = round2(g.Revenue.Float() / float64(g.Items))
	}
	if g.Revenue > 0 {
		e.Margin = round4(float64(g.Revenue-g.Cost) / float64(g.Revenue))
	}
	return e
}

// loyalCount is how many of the period's active customers the loyal
// customer is made of.
func loyalCount(active int, top float64) int { return int(math.Ceil(float64(active) * top / 100)) }

// refitCalcData answers the default period from the last refit: its
// customers are those with a purchase before it, their sums are rows of
// customer_value. nil when there is no refit, or one written before
// customer_value kept the units.
func (s *Service) refitCalcData(ctx context.Context, in CalcInput) (*calcData, error) {
	var out *calcData
	err := s.db.ReadCustomerValues(ctx, func(r *store.CustomerValueSnapshot) error {
		all, err := r.RefitPurchases(ctx)
		if err != nil || !all.Complete {
			return err
		}
		to := all.ComputedAt
		loyal, err := r.TopPurchasers(ctx, to.AddDate(0, 0, -in.LoyalMinTenureDays), loyalCount(all.All.Customers, in.LoyalTop))
		if err != nil {
			return err
		}
		out = &calcData{from: all.FirstPurchase, to: to, average: all.All, loyal: loyal, newCustomers: all.All.Customers}
		return nil
	})
	return out, err
}

// liveCalcData answers any period [in.From, to) from the purchases.
func (s *Service) liveCalcData(ctx context.Context, in CalcInput, to time.Time) (*calcData, error) {
	period, err := s.db.CustomerPeriods(ctx, in.From, to)
	if err != nil {
		return nil, err
	}
	lifetime, err := s.db.CustomerPeriods(ctx, time.Time{}, to)
	if err != nil {
		return nil, err
	}
	firstEver := make(map[int64]time.Time, len(lifetime))
	for _, c := range lifetime {
		firstEver[c.CustomerID] = c.First
	}
	from := in.From
	if from.IsZero() {
		for _, c := range lifetime {
			if !c.First.IsZero() && (from.IsZero() || c.First.Before(from)) {
				from = c.First
			}
		}
		if from.IsZero() {
			from = to
		}
	}
	newCustomers, err := s.db.NewCustomers(ctx, in.From, to)
	if err != nil {
		return nil, err
	}
	var active []int
	for i, c := range period {
		if c.Purchases > 0 {
			active = append(active, i)
		}
	}
	sum := func(idx []int) store.PurchaseSums {
		g := store.PurchaseSums{Customers: len(idx)}
		for _, i := range idx {
			c := period[i]
			g.Purchases += int64(c.Purchases)
			g.Items += c.Items
			g.Revenue += c.Revenue
			g.Cost += c.Cost
		}
		return g
	}
	// Loyal: tenure first, then the top share by purchases (revenue breaks ties).
	cut := to.AddDate(0, 0, -in.LoyalMinTenureDays)
	var eligible []int
	for _, i := range active {
		if f := firstEver[period[i].CustomerID]; !f.IsZero() && !f.After(cut) {
			eligible = append(eligible, i)
		}
	}
	sort.SliceStable(eligible, func(a, b int) bool {
		ca, cb := period[eligible[a]], period[eligible[b]]
		if ca.Purchases != cb.Purchases {
			return ca.Purchases > cb.Purchases
		}
		return ca.Revenue > cb.Revenue
	})
	want := loyalCount(len(active), in.LoyalTop)
	return &calcData{from: from, to: to, average: sum(active), loyal: sum(eligible[:min(want, len(eligible))]), newCustomers: newCustomers}, nil
}
