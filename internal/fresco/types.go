package fresco

import (
	"fmt"
	"math"
	"time"
)

// Role is what an employee may do. Roles are ordered: an owner may do all a
// manager may, a manager all an agent may; an analyst only reads.
type Role string

const (
	RoleOwner   Role = "owner"   // runs the business: manages users, tokens, settings
	RoleManager Role = "manager" // manages a team or location and its employees
	RoleAgent   Role = "agent"   // serves customers: creates and updates customer records, purchases, feedback, cases
	RoleAnalyst Role = "analyst" // reads everything, changes nothing
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOwner, RoleManager, RoleAgent, RoleAnalyst}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("role must be one of owner, manager, agent, analyst (got %q)", s)
}

// CanWrite reports whether the role may change customer-facing records.
func (r Role) CanWrite() bool { return r == RoleOwner || r == RoleManager || r == RoleAgent }

// CanManageEmployees reports whether the role may create and change employees,
// locations and teams.
func (r Role) CanManageEmployees() bool { return r == RoleOwner || r == RoleManager }

// CanManageUsers reports whether the role may manage logins, API tokens and settings.
func (r Role) CanManageUsers() bool { return r == RoleOwner }

// Location is a place where the business meets its customers: a hotel, a
// shop, a branch, or a virtual one such as "web".
type Location struct {
	ID        int64
	Name      string
	Timezone  string // IANA name, e.g. "Europe/London"; used by SLA clocks and reports
	Address   string
	CreatedAt time.Time
	Version   int64 // see Customer.Version
}

// Team groups employees under a manager at a location.
type Team struct {
	ID         int64
	Name       string
	LocationID *int64
	ManagerID  *int64
	CreatedAt  time.Time
	Version    int64 // see Customer.Version
}

// Employee is a member of staff. Employees are also the users of Fresco: one
// with a password hash can log in to the UI.
type Employee struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	JobTitle   string // e.g. "Guest services agent"; the role is what they may do in Fresco
	LocationID *int64
	TeamID     *int64
	Active     bool // may sign in; an exit deactivates, a rehire may reactivate
	HiredAt    *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64 // see Customer.Version
}

// Customer is one person or organisation the business serves.
type Customer struct {
	ID         int64
	ExternalID string // the id in the business's own systems; unique when set
	Name       string
	Email      string
	Phone      string
	Address    string
	// Consent flags: nobody is surveyed, marketed to or given personalised
	// suggestions without having agreed to it.
	ConsentSurveys         bool
	ConsentMarketing       bool
	ConsentPersonalisation bool
	// ConsentReferral: the customer agreed to be given a personal referral
	// link to pass on (internal/referral).
	ConsentReferral bool
	// AcquisitionSource is the answer to "How did you hear about us?".
	AcquisitionSource string
	ReferredBy        *int64 // the customer who referred this one
	FirstSeen         time.Time
	Tags              []string
	// Locale is the language the customer is written to in (a BCP 47 tag
	// such as "de" or "fr-FR"); "" means the business's default.
	Locale string
	// EmailUndeliverableAt is when mail to Email bounced for good; nothing
	// more is sent to it until the address changes.
	EmailUndeliverableAt *time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// Version counts the changes to the record: 1 when created, one more on
	// every update. Writers that must not lose a concurrent change update
	// only if the version is still the one they read.
	Version int64
}

// Product is something the business sells: goods or a service.
type Product struct {
	ID        int64
	SKU       string
	Name      string
	Category  string
	ListPrice Money
	UnitCost  Money
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64 // see Customer.Version
}

// Purchase is one transaction: an order, an invoice, a stay, a visit.
// Refunds and cancellations are purchases with negative lines.
type Purchase struct {
	ID            int64
	ExternalID    string
	CustomerID    *int64 // nil for an anonymous purchase
	PurchasedAt   time.Time
	LocationID    *int64
	Channel       string // e.g. "store", "web", "phone"
	ServedBy      *int64 // the employee who served the customer
	PromotionCode string
	// ReferralCode is the referral code the customer gave with the purchase
	// (normalised): saving the purchase records its owner as the one who
	// referred the customer, when nobody had. It is not kept on the purchase.
	ReferralCode string
	Lines        []PurchaseLine
	CreatedAt    time.Time
	Version      int64 // see Customer.Version
}

// PurchaseLine is product × quantity × unit price − discount.
type PurchaseLine struct {
	ProductID   int64
	SKU         string
	Description string
	Quantity    int64 // negative for a refund or cancellation
	UnitPrice   Money
	Discount    Money
}

// Total is the line's net value.
func (l PurchaseLine) Total() Money { return l.UnitPrice.MulQty(l.Quantity) - l.Discount }

// Total is the purchase's net value: the sum of its lines.
func (p *Purchase) Total() Money {
	var t Money
	for _, l := range p.Lines {
		t += l.Total()
	}
	return t
}

// Items is the number of units in the purchase, net of returns.
func (p *Purchase) Items() int64 {
	var n int64
	for _, l := range p.Lines {
		n += l.Quantity
	}
	return n
}

// MarketingSpend is what the business spent in a period on a channel, to
// win customers (acquisition), to keep them (retention) or both;
// acquisition cost = acquisition spend ÷ new customers in the period.
type MarketingSpend struct {
	ID          int64
	PeriodStart time.Time // inclusive, a date
	PeriodEnd   time.Time // inclusive, a date
	Channel     string
	Amount      Money
	// RetentionShare is the part of Amount spent on keeping customers, 0..1
	// (0, the default, is all acquisition).
	RetentionShare float64
	CreatedAt      time.Time
}

// Purposes of marketing spend, as the API names them.
const (
	SpendAcquisition = "acquisition"
	SpendRetention   = "retention"
	SpendSplit       = "split"
)

// Purpose names what the record paid for: acquisition, retention, or split
// between them.
func (m *MarketingSpend) Purpose() string {
	switch m.RetentionShare {
	case 0:
		return SpendAcquisition
	case 1:
		return SpendRetention
	}
	return SpendSplit
}

// RetentionPart is the cents of Amount spent on retention: Amount ×
// RetentionShare rounded to the cent, so that the two parts always add up
// to Amount exactly.
func (m *MarketingSpend) RetentionPart() Money {
	return Money(math.Round(float64(m.Amount) * m.RetentionShare))
}

// AcquisitionPart is the rest of Amount: what was spent to win customers.
func (m *MarketingSpend) AcquisitionPart() Money { return m.Amount - m.RetentionPart() }
