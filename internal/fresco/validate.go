package fresco

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Validation of domain records. Each Validate reports every bad field at once,
// named as in the JSON API, so the API, the importer and the CLI say the same.

const maxText = 1000 // longest free-text field we accept, in characters

func checkEmail(v *Validation, field, s string, required bool) {
	if s == "" {
		if required {
			v.Add(field, "is required")
		}
		return
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		v.Add(field, "%q is not an e-mail address", s)
	}
}

func checkID(v *Validation, field string, id *int64) {
	if id != nil && *id <= 0 {
		v.Add(field, "must be a positive id")
	}
}

// MaxTags bounds a customer's tags: labels for people to read, not a store
// of their own.
const MaxTags = 100

// localeTag is the shape of a BCP 47 language tag: a language and optional
// subtags (script, region, variant).
var localeTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$`)

// Validate checks a customer before it is stored.
func (c *Customer) Validate() error {
	var v Validation
	v.Text("external_id", c.ExternalID, false, maxText)
	v.Text("name", c.Name, false, maxText)
	checkEmail(&v, "email", c.Email, false)
	v.Text("phone", c.Phone, false, maxText)
	v.Text("address", c.Address, false, maxText)
	v.Text("acquisition_source", c.AcquisitionSource, false, maxText)
	checkID(&v, "referred_by", c.ReferredBy)
	if c.ReferredBy != nil && c.ID != 0 && *c.ReferredBy == c.ID {
		v.Add("referred_by", "a customer cannot refer themselves")
	}
	if c.Name == "" && c.Email == "" && c.ExternalID == "" {
		v.Add("name", "a customer needs at least a name, an e-mail or an external_id")
	}
	if !c.FirstSeen.IsZero() {
		v.Past("first_seen", c.FirstSeen, time.Now(), 24*time.Hour)
	}
	v.Check(c.Locale == "" || localeTag.MatchString(c.Locale), "locale", "%q is not a language tag such as de or fr-FR", c.Locale)
	v.Check(len(c.Tags) <= MaxTags, "tags", "at most %d tags per customer", MaxTags)
	for i, tag := range c.Tags {
		if strings.TrimSpace(tag) == "" || !utf8.ValidString(tag) || strings.ContainsRune(tag, 0) || len(tag) > 64 {
			v.Add("tags", "tag %d must be 1 to 64 characters of text", i+1)
		}
	}
	return v.Err()
}

// Validate checks a product before it is stored.
func (p *Product) Validate() error {
	var v Validation
	v.Text("sku", p.SKU, true, maxText)
	v.Text("name", p.Name, false, maxText)
	v.Text("category", p.Category, false, maxText)
	v.Check(p.ListPrice >= 0, "list_price", "must not be negative")
	v.Check(p.UnitCost >= 0, "unit_cost", "must not be negative")
	return v.Err()
}

// Validate checks an employee before it is stored.
func (e *Employee) Validate() error {
	var v Validation
	checkEmail(&v, "email", e.Email, true)
	v.Text("name", e.Name, true, maxText)
	v.Text("job_title", e.JobTitle, false, 200)
	if _, err := ParseRole(string(e.Role)); err != nil {
		v.Add("role", "%s", err.Error())
	}
	checkID(&v, "location_id", e.LocationID)
	checkID(&v, "team_id", e.TeamID)
	if e.HiredAt != nil {
		v.Past("hired_at", *e.HiredAt, time.Now(), 366*24*time.Hour)
	}
	return v.Err()
}

// Validate checks a location before it is stored.
func (l *Location) Validate() error {
	var v Validation
	v.Text("name", l.Name, true, maxText)
	v.Text("address", l.Address, false, maxText)
	if l.Timezone == "" {
		l.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(l.Timezone); err != nil {
		v.Add("timezone", "%q is not an IANA time zone such as Europe/London", l.Timezone)
	}
	return v.Err()
}

// Validate checks a team before it is stored.
func (t *Team) Validate() error {
	var v Validation
	v.Text("name", t.Name, true, maxText)
	checkID(&v, "location_id", t.LocationID)
	checkID(&v, "manager_id", t.ManagerID)
	return v.Err()
}

// MaxPurchaseLines bounds one purchase, so a single request cannot hold the
// writer for long. Wholesale invoices run to a few thousand lines.
const MaxPurchaseLines = 10000

// Validate checks a purchase and its lines before it is stored. A line names
// its product by SKU or by product id.
func (p *Purchase) Validate() error {
	var v Validation
	v.Text("external_id", p.ExternalID, false, maxText)
	checkID(&v, "customer_id", p.CustomerID)
	checkID(&v, "location_id", p.LocationID)
	checkID(&v, "served_by", p.ServedBy)
	v.Text("channel", p.Channel, false, maxText)
	v.Text("promotion_code", p.PromotionCode, false, maxText)
	if p.ReferralCode != "" {
		CheckReferralCode(&v, "referral_code", p.ReferralCode)
		if p.CustomerID == nil {
			v.Add("referral_code", "needs the customer who gave it: an anonymous purchase cannot be referred")
		}
	}
	if p.PurchasedAt.IsZero() {
		v.Add("purchased_at", "is required (RFC 3339, e.g. 2024-05-01T14:30:00Z)")
	} else if p.PurchasedAt.Year() < 1900 || p.PurchasedAt.After(time.Now().AddDate(1, 0, 0)) {
		v.Add("purchased_at", "%s is not a plausible purchase time", p.PurchasedAt.Format(time.RFC3339))
	}
	switch {
	case len(p.Lines) == 0:
		v.Add("lines", "a purchase needs at least one line")
	case len(p.Lines) > MaxPurchaseLines:
		v.Add("lines", "at most %d lines per purchase", MaxPurchaseLines)
	}
	amountsOK := true
	for i, l := range p.Lines {
		// Checked under short names and merged under "lines[i]" only when
		// wrong: a batch holds tens of thousands of lines, nearly all fine.
		var line Validation
		if l.SKU == "" && l.ProductID <= 0 {
			line.Add("sku", "is required")
		}
		line.Text("sku", l.SKU, false, maxText)
		line.Text("description", l.Description, false, maxText)
		amountsOK = checkLineAmounts(&line, l) && amountsOK
		if err := line.Err(); err != nil {
			v.Merge("lines["+strconv.Itoa(i)+"]", err)
		}
	}
	if amountsOK && !totalWithinLimit(p.Lines) {
		v.Add("lines", "the purchase total is beyond the limit of ±%s", MaxPurchaseTotal)
	}
	return v.Err()
}

// totalWithinLimit reports whether the lines' total stays within
// ±MaxPurchaseTotal at every step of the sum, so neither the total nor any
// partial sum can overflow. The lines' own amounts are within their limits.
func totalWithinLimit(lines []PurchaseLine) bool {
	var t Money
	for _, l := range lines {
		t += l.Total()
		if t > MaxPurchaseTotal || t < -MaxPurchaseTotal {
			return false
		}
	}
	return true
}

// checkLineAmounts checks one line's quantity, price and discount, and
// reports whether they are small enough for the line total to be computed
// exactly.
func checkLineAmounts(v *Validation, l PurchaseLine) bool {
	before := len(v.fields)
	v.Check(l.Quantity != 0, "quantity", "must not be zero (negative for a refund)")
	v.Check(l.Quantity <= MaxQuantity && l.Quantity >= -MaxQuantity, "quantity",
		"must be between -%d and %d", MaxQuantity, MaxQuantity)
	v.Check(l.UnitPrice >= 0, "unit_price", "must not be negative (use a negative quantity for a refund)")
	v.Check(l.UnitPrice <= MaxUnitPrice, "unit_price", "must be at most %s", MaxUnitPrice)
	v.Check(l.Discount >= 0, "discount", "must not be negative")
	v.Check(l.Discount <= MaxPurchaseTotal, "discount", "must be at most %s", MaxPurchaseTotal)
	return len(v.fields) == before
}

// Validate checks a marketing-spend record.
func (m *MarketingSpend) Validate() error {
	var v Validation
	v.Text("channel", m.Channel, false, maxText)
	v.Check(!m.PeriodStart.IsZero(), "period_start", "is required (YYYY-MM-DD)")
	v.Check(!m.PeriodEnd.IsZero(), "period_end", "is required (YYYY-MM-DD)")
	v.Check(m.PeriodEnd.IsZero() || !m.PeriodEnd.Before(m.PeriodStart), "period_end", "must not be before period_start")
	v.Check(m.Amount >= 0, "amount", "must not be negative")
	v.Check(m.RetentionShare >= 0 && m.RetentionShare <= 1, "retention_share", "must be between 0 and 1")
	return v.Err()
}
