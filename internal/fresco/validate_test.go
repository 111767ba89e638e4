package fresco

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// fieldsOf returns the names of the fields err reports, in order.
func fieldsOf(err error) []string {
	var names []string
	for _, f := range ErrorFields(err) {
		names = append(names, f.Field)
	}
	return names
}

func ptr(v int64) *int64 { return &v }

func TestRecordValidationNamesTheFields(t *testing.T) {
	long := strings.Repeat("x", maxText+1)
	cases := []struct {
		name   string
		record interface{ Validate() error }
		fields []string // nil: valid
	}{
		{"customer with a name", &Customer{Name: "Ada"}, nil},
		{"customer with an external id only", &Customer{ExternalID: "c1"}, nil},
		{"anonymous customer", &Customer{}, []string{"name"}},
		{"customer e-mail", &Customer{Email: "Ada <ada@example.com>"}, []string{"email"}},
		{"customer refers self", &Customer{ID: 7, Name: "A", ReferredBy: ptr(7)}, []string{"referred_by"}},
		{"customer referrer id", &Customer{Name: "A", ReferredBy: ptr(0)}, []string{"referred_by"}},
		{"customer tags", &Customer{Name: "A", Tags: []string{"vip", " ", strings.Repeat("t", 65)}}, []string{"tags", "tags"}},
		{"customer long name", &Customer{Name: long}, []string{"name"}},
		{"customer first seen", &Customer{Name: "A", FirstSeen: day(1)}, nil},
		{"customer first seen near 10000", &Customer{Name: "A", FirstSeen: time.Date(9999, 12, 31, 0, 1, 0, 0, time.FixedZone("", -(23*3600+59*60)))}, []string{"first_seen"}},
		{"customer first seen before 1900", &Customer{Name: "A", FirstSeen: time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)}, []string{"first_seen"}},
		{"product", &Product{SKU: "S1", ListPrice: 100}, nil},
		{"product without sku, negative prices", &Product{ListPrice: -1, UnitCost: -1}, []string{"sku", "list_price", "unit_cost"}},
		{"employee", &Employee{Email: "a@b.co", Name: "A", Role: RoleAgent}, nil},
		{"employee hired in year 1", &Employee{Email: "a@b.co", Name: "A", Role: RoleAgent, HiredAt: &time.Time{}}, []string{"hired_at"}},
		{"employee missing all", &Employee{LocationID: ptr(-1)}, []string{"email", "name", "role", "location_id"}},
		{"location", &Location{Name: "Harbour", Timezone: "Europe/London"}, nil},
		{"location zone", &Location{Name: "X", Timezone: "Mars/Olympus"}, []string{"timezone"}},
		{"team", &Team{Name: "Front desk", ManagerID: ptr(3)}, nil},
		{"team ids", &Team{LocationID: ptr(0), ManagerID: ptr(-2)}, []string{"name", "location_id", "manager_id"}},
		{"marketing spend", &MarketingSpend{PeriodStart: day(1), PeriodEnd: day(31), Amount: 100}, nil},
		{"marketing spend backwards", &MarketingSpend{PeriodStart: day(31), PeriodEnd: day(1), Amount: -1}, []string{"period_end", "amount"}},
		{"marketing spend empty", &MarketingSpend{}, []string{"period_start", "period_end"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.record.Validate()
			if got := fieldsOf(err); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v (%v)", got, c.fields, err)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %q, want %q", ErrorCode(err), EINVALID)
			}
		})
	}
}

func day(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

func TestLocationDefaultsToUTC(t *testing.T) {
	l := Location{Name: "Web"}
	if err := l.Validate(); err != nil || l.Timezone != "UTC" {
		t.Errorf("zone %q, %v; want UTC", l.Timezone, err)
	}
}

func TestPurchaseValidation(t *testing.T) {
	good := func() *Purchase {
		return &Purchase{PurchasedAt: day(5), Lines: []PurchaseLine{{SKU: "A", Quantity: 2, UnitPrice: 100}}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good purchase refused: %v", err)
	}
	refund := good()
	refund.Lines[0].Quantity = -2
	if err := refund.Validate(); err != nil {
		t.Errorf("refund refused: %v", err)
	}
	byID := good()
	byID.Lines[0].SKU, byID.Lines[0].ProductID = "", 9
	if err := byID.Validate(); err != nil {
		t.Errorf("line naming its product by id refused: %v", err)
	}

	bad := good()
	bad.PurchasedAt = time.Time{}
	bad.CustomerID = ptr(0)
	bad.Lines = append(bad.Lines,
		PurchaseLine{Quantity: 0, UnitPrice: -1, Discount: -1},
	)
	want := []string{"customer_id", "purchased_at", "lines[1].sku", "lines[1].quantity", "lines[1].unit_price", "lines[1].discount"}
	if got := fieldsOf(bad.Validate()); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}

	future := good()
	future.PurchasedAt = time.Now().AddDate(2, 0, 0)
	if got := fieldsOf(future.Validate()); !slices.Equal(got, []string{"purchased_at"}) {
		t.Errorf("a purchase two years ahead: fields %v", got)
	}
	empty := good()
	empty.Lines = nil
	if got := fieldsOf(empty.Validate()); !slices.Equal(got, []string{"lines"}) {
		t.Errorf("no lines: fields %v", got)
	}
	huge := good()
	huge.Lines = make([]PurchaseLine, MaxPurchaseLines+1)
	for i := range huge.Lines {
		huge.Lines[i] = PurchaseLine{SKU: "A", Quantity: 1}
	}
	if got := fieldsOf(huge.Validate()); !slices.Equal(got, []string{"lines"}) {
		t.Errorf("too many lines: fields %v", got)
	}
}

func TestRoles(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	if _, err := ParseRole("Owner"); err == nil {
		t.Error("roles are case-sensitive names")
	}
	type can struct{ write, employees, users bool }
	want := map[Role]can{
		RoleOwner:   {true, true, true},
		RoleManager: {true, true, false},
		RoleAgent:   {true, false, false},
		RoleAnalyst: {false, false, false},
	}
	for r, w := range want {
		if got := (can{r.CanWrite(), r.CanManageEmployees(), r.CanManageUsers()}); got != w {
			t.Errorf("%s may %+v, want %+v", r, got, w)
		}
	}
}

func TestPurchaseAmountsCannotOverflow(t *testing.T) {
	line := func(q int64, price, discount Money) *Purchase {
		return &Purchase{PurchasedAt: day(5), Lines: []PurchaseLine{{SKU: "A", Quantity: q, UnitPrice: price, Discount: discount}}}
	}
	cases := []struct {
		name   string
		p      *Purchase
		fields []string
	}{
		{"largest quantity", line(MaxQuantity, 100, 0), nil},
		{"largest price", line(1, MaxUnitPrice, 0), nil},
		{"largest refund", line(-MaxQuantity, 100, 0), nil},
		{"largest total", line(MaxQuantity, MaxPurchaseTotal/MaxQuantity, 0), nil},
		{"quantity × price past the total", line(MaxQuantity, MaxUnitPrice, 0), []string{"lines"}},
		{"int64 quantity", line(9223372036854775807, 100, 0), []string{"lines[0].quantity"}},
		{"int64 negative quantity", line(-9223372036854775808, 100, 0), []string{"lines[0].quantity"}},
		{"huge price", line(1, Money(1)<<62, 0), []string{"lines[0].unit_price"}},
		{"huge discount", line(1, 100, Money(1)<<62), []string{"lines[0].discount"}},
	}
	many := &Purchase{PurchasedAt: day(5)}
	for range 1001 {
		many.Lines = append(many.Lines, PurchaseLine{SKU: "A", Quantity: MaxQuantity / 10, UnitPrice: MaxPurchaseTotal / MaxQuantity * 10 / 1000})
	}
	cases = append(cases, struct {
		name   string
		p      *Purchase
		fields []string
	}{"lines that add up past the limit", many, []string{"lines"}})
	for _, c := range cases {
		if got := fieldsOf(c.p.Validate()); !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
		}
	}
}

func TestTextRefusesNUL(t *testing.T) {
	c := Customer{Name: "Ada\x00Lovelace"}
	if got := fieldsOf(c.Validate()); !slices.Equal(got, []string{"name"}) {
		t.Errorf("fields %v, want [name]", got)
	}
}
