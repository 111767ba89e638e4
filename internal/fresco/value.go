// Customer lifetime value as of the last refit, the model fits behind it and
// the referral links it credits (internal/value computes them; internal/store
// maps the rows).

package fresco

import "time"

// CustomerValue is a customer's lifetime value as of the last refit. Money
// is in cents; CLV and ExpectedSpend are model outputs and keep their
// fractions.
type CustomerValue struct {
	CustomerID         int64
	Name               string // from customers, on reads
	Frequency          int
	Recency, T         float64 // weeks
	Monetary           float64 // mean repeat-day spend, cents
	Purchases          int
	Items              int64 // units in the positive purchases
	FirstPurchase      time.Time
	LastPurchase       time.Time
	PAlive             float64
	ExpectedPurchases  float64
	ExpectedSpend      float64 // cents per purchase
	CLV                float64 // cents
	HistoricalValue    Money
	HistoricalProfit   Money
	RelatedSalesValue  Money
	ReferralValue      Money
	Referrals          int // customers referred directly
	ReferralsTotal     int // customers referred directly and down the chain
	R, F, M            int // RFM quintile scores, 1..5
	Segment            string
	Mercenary, Apostle bool
	ComputedAt         time.Time
}

// CLVFit is one fit of a lifetime-value model at a refit.
type CLVFit struct {
	ID            int64
	Model         string
	Params        string // JSON object name → value
	LogLikelihood float64
	Customers     int
	Converged     bool
	Detail        string // JSON: iterations, status, warnings, timings
	ComputedAt    time.Time
}

// ReferralLink is a referred customer and who referred them.
type ReferralLink struct {
	CustomerID int64
	ReferredBy int64
}
