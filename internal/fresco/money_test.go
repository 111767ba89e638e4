package fresco

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseMoneyAccepts(t *testing.T) {
	cases := []struct {
		in   string
		want Money
	}{
		{"12.50", 1250},
		{"-3", -300},
		{"+3", 300},
		{"0.5", 50},
		{".5", 50},
		{"7.", 700},
		{" 42.01 ", 4201},
		{"1,234.56", 123456},
		{"0", 0},
		{"-0.01", -1},
		{"999999999999999.99", 99999999999999999},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in)
		if err != nil {
			t.Errorf("ParseMoney(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseMoney(%q) = %d cents, want %d", c.in, got, c.want)
		}
	}
}

func TestParseMoneyRefuses(t *testing.T) {
	cases := map[string]string{
		"":                  "empty",
		"   ":               "empty",
		".":                 "not an amount",
		"-":                 "not an amount",
		"12.345":            "more than two decimal places",
		"1e3":               "not an amount",
		"12.5.0":            "not an amount",
		"abc":               "not an amount",
		"--1":               "not an amount",
		"1 000":             "not an amount",
		"0x10":              "not an amount",
		"NaN":               "not an amount",
		"Inf":               "not an amount",
		"1234567890123456":  "too large",
		"-1234567890123456": "too large",
	}
	for in, want := range cases {
		_, err := ParseMoney(in)
		if err == nil {
			t.Errorf("ParseMoney(%q) accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMoney(%q) error %q, want it to say %q", in, err, want)
		}
	}
}

func TestMoneyStringRoundTrips(t *testing.T) {
	for _, m := range []Money{0, 1, -1, 99, 100, -100, 1250, -1250, 123456789} {
		s := m.String()
		back, err := ParseMoney(s)
		if err != nil || back != m {
			t.Errorf("%d cents → %q → %d, %v", m, s, back, err)
		}
	}
	if got := Money(-5).String(); got != "-0.05" {
		t.Errorf("Money(-5) = %q, want -0.05", got)
	}
}

func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(struct{ P Money }{1250})
	if err != nil || string(b) != `{"P":"12.50"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	for in, want := range map[string]Money{`"12.50"`: 1250, `12.5`: 1250, `3`: 300, `"-0.01"`: -1} {
		var m Money
		if err := json.Unmarshal([]byte(in), &m); err != nil || m != want {
			t.Errorf("unmarshal %s = %d, %v; want %d", in, m, err, want)
		}
	}
	var m Money
	if err := json.Unmarshal([]byte(`"12.345"`), &m); err == nil {
		t.Error("unmarshal of three decimals accepted")
	}
}

func TestPurchaseTotalsNetOfRefundsAndDiscounts(t *testing.T) {
	p := Purchase{Lines: []PurchaseLine{
		{Quantity: 3, UnitPrice: 250, Discount: 50}, // 7.50 − 0.50
		{Quantity: -1, UnitPrice: 250},              // a refund
		{Quantity: 2, UnitPrice: 1},
	}}
	if got := p.Total(); got != 700-250+2 {
		t.Errorf("Total = %d, want %d", got, 700-250+2)
	}
	if got := p.Items(); got != 4 {
		t.Errorf("Items = %d, want 4", got)
	}
	if got := Money(250).MulQty(-4); got != -1000 {
		t.Errorf("MulQty = %d, want -1000", got)
	}
	if got := Money(1999).Float(); got != 19.99 {
		t.Errorf("Float = %v, want 19.99", got)
	}
}

func TestParseMoneyRefusesAmbiguousCommas(t *testing.T) {
	for _, in := range []string{"12,50", "1,2,3", ",5", "1,23.00", "12,3456", "1,234,56", "-12,50", "1,,234"} {
		if m, err := ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) = %s, want it refused as ambiguous", in, m)
		}
	}
	for in, want := range map[string]Money{"1,234": 123400, "12,345,678.90": 1234567890, "-1,000.5": -100050} {
		if got, err := ParseMoney(in); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
