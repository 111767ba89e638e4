package cli

// fresco clv calc: the texts' lifetime-value calculator (internal/value)
// over a Fresco database.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/fresco-cx/fresco/internal/value"
)

// optFloat is a float flag that remembers whether it was given.
type optFloat struct{ v *float64 }

func (o *optFloat) String() string {
	if o == nil || o.v == nil {
		return ""
	}
	return strconv.FormatFloat(*o.v, 'f', -1, 64)
}

func (o *optFloat) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	o.v = &f
	return nil
}

func runCLVCalc(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("clv calc", env)
	db := dbFlag(fs, env)
	from := fs.String("from", "", "start of the period, YYYY-MM-DD (default: the first purchase)")
	to := fs.String("to", "", "end of the period, YYYY-MM-DD, inclusive (default: today)")
	loyalTop := fs.Float64("loyal-top", 20, "the loyal customer: the top `PERCENT` of the period's customers by purchases…")
	tenure := fs.Int("loyal-min-tenure", 365, "…among those who first bought at least this many `days` before the end")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	var acq, margin, ppl, ipp, price, lppl, lipp, lprice optFloat
	fs.Var(&acq, "acquisition-cost", "override: acquisition cost per new customer (default: marketing spend ÷ new customers)")
	fs.Var(&margin, "margin", "override: gross margin 0..1 (1 gives the texts' revenue formula)")
	fs.Var(&ppl, "purchases-per-lifetime", "override for the average customer")
	fs.Var(&ipp, "items-per-purchase", "override for the average customer")
	fs.Var(&price, "average-price", "override for the average customer")
	fs.Var(&lppl, "loyal-purchases-per-lifetime", "override for the loyal customer")
	fs.Var(&lipp, "loyal-items-per-purchase", "override for the loyal customer")
	fs.Var(&lprice, "loyal-average-price", "override for the loyal customer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("clv calc takes no arguments, got %q", fs.Arg(0))
	}
	in := value.CalcInput{LoyalTop: *loyalTop, LoyalMinTenureDays: *tenure,
		AcquisitionCost: acq.v, Margin: margin.v, PurchasesPerLifetime: ppl.v, ItemsPerPurchase: ipp.v, AveragePrice: price.v,
		LoyalPurchasesPerLifetime: lppl.v, LoyalItemsPerPurchase: lipp.v, LoyalAveragePrice: lprice.v}
	var err error
	if in.From, err = parseDay(*from, false); err != nil {
		return usageError("--from: %v", err)
	}
	if in.To, err = parseDay(*to, true); err != nil {
		return usageError("--to: %v", err)
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	c, err := value.New(database, value.Options{}).Calculator(ctx, in)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	printCalculation(env, c)
	return nil
}

// parseDay reads YYYY-MM-DD; an inclusive end becomes the next midnight.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date such as 2024-05-01", s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

func printCalculation(env Env, c *value.Calculation) {
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(env.Stdout, "Period %s – %s (%d days): marketing spend %.2f, %d new customers\n\n",
		c.Period.From.Format(time.DateOnly), c.Period.To.Add(-time.Nanosecond).Format(time.DateOnly), c.Period.Days,
		c.Inputs.MarketingSpend, c.Inputs.NewCustomers)
	fmt.Fprintln(w, "\tAverage customer\tLoyal customer\t")
	row := func(name, format string, a, l float64) {
		fmt.Fprintf(w, "%s\t"+format+"\t"+format+"\t\n", name, a, l)
	}
	fmt.Fprintf(w, "Customers\t%d\t%d\t\n", c.Average.Customers, c.Loyal.Customers)
	row("Purchases per lifetime", "%.2f", c.Average.PurchasesPerLifetime, c.Loyal.PurchasesPerLifetime)
	row("× Items per purchase", "%.2f", c.Average.ItemsPerPurchase, c.Loyal.ItemsPerPurchase)
	row("× Average price", "%.2f", c.Average.AveragePrice, c.Loyal.AveragePrice)
	row("= Gross value", "%.2f", c.Average.GrossValue, c.Loyal.GrossValue)
	row("× Margin", "%.4f", c.Average.Margin, c.Loyal.Margin)
	row("= Gross profit", "%.2f", c.Average.GrossProfit, c.Loyal.GrossProfit)
	row("− Acquisition cost", "%.2f", c.Average.AcquisitionCost, c.Loyal.AcquisitionCost)
	row("= Lifetime value", "%.2f", c.Average.LifetimeValue, c.Loyal.LifetimeValue)
	w.Flush()
	fmt.Fprintf(env.Stdout, "\nLoyal: the top %g%% of the period's customers by purchases, with at least %d days' tenure.\n",
		c.Inputs.LoyalTop, c.Inputs.LoyalMinTenureDays)
	if c.LoyalMultiple > 0 {
		fmt.Fprintf(env.Stdout, "A loyal customer is worth %.1f average customers.\n", c.LoyalMultiple)
	}
	if len(c.Inputs.Overridden) > 0 {
		fmt.Fprintf(env.Stdout, "Overridden: %v\n", c.Inputs.Overridden)
	}
}

var _ flag.Value = (*optFloat)(nil)
