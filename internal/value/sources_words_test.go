package value_test

import (
	"reflect"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

// The sources that lose money are named in words, largest spend first, and
// a source that brought one customer says "1 customer", not "1 customers".
func TestLosingWords(t *testing.T) {
	cac, half := fresco.Money(5000), fresco.Money(2500)
	r := value.SourceEconomics{Sources: []value.SourceFigures{
		{Source: "flyers", NewCustomers: 1, Spend: 5000, CAC: &cac, CLV: &value.Interval{Value: 2500}, CLVToCAC: &value.Interval{Value: 0.5}},
		{Source: "radio", Spend: 9000},
		{Source: "search", NewCustomers: 2, Spend: 5000, CAC: &half, CLV: &value.Interval{Value: 2000}, CLVToCAC: &value.Interval{Value: 0.8}},
		{Source: "friends", NewCustomers: 3, Spend: 3000, CAC: &cac, CLV: &value.Interval{Value: 9000}, CLVToCAC: &value.Interval{Value: 3}},
	}}
	money := func(m fresco.Money) string { return m.String() }
	want := []string{
		"radio: 90.00 spent, no new customer.",
		"flyers: each new customer cost 50.00 and is expected to bring 25.00 (0.50× what they cost): 50.00 of spend for 1 customer.",
		"search: each new customer cost 25.00 and is expected to bring 20.00 (0.80× what they cost): 50.00 of spend for 2 customers.",
	}
	if got := r.Losing(money); !reflect.DeepEqual(got, want) {
		t.Errorf("losing sources:\n%q\nwant\n%q", got, want)
	}
}
