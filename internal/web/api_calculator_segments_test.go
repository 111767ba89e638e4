package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCalculatorSegmentsAPI: the calculator per segment refuses a grouping
// it does not know and a share link of more than a year, naming the field;
// a manager's link opens without signing in until someone alters it.
func TestCalculatorSegmentsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	bad := f.call(fresco.RoleAnalyst, "GET", "/api/v1/clv/calculator/segments?by=weekday", nil, 422)
	if !strings.Contains(fmt.Sprint(bad), "by") {
		t.Errorf("by=weekday: %v", bad)
	}
	if r := f.call(fresco.RoleAnalyst, "GET", "/api/v1/clv/calculator/segments?by=filter&customers_from=soon", nil, 422); !strings.Contains(fmt.Sprint(r), "customers_from") {
		t.Errorf("customers_from=soon: %v", r)
	}
	if r := f.call(fresco.RoleManager, "POST", "/api/v1/clv/calculator/share", `{"by":"rfm","expires_in_days":400}`, 422); !strings.Contains(fmt.Sprint(r), "expires_in_days") {
		t.Errorf("400 days: %v", r)
	}
	empty := f.call(fresco.RoleAnalyst, "GET", "/api/v1/clv/calculator/segments?by=rfm", nil, 200)
	if empty["refitted"] != false || len(empty["segments"].([]any)) != 0 {
		t.Errorf("before a refit: %v", empty)
	}
	share := f.call(fresco.RoleManager, "POST", "/api/v1/clv/calculator/share", `{"by":"filter","segment":"champions"}`, 201)
	path := share["path"].(string)
	if r := f.do(request{method: "GET", path: path}); r.Code != 200 || !strings.Contains(string(r.Body), `id="share-note"`) {
		t.Errorf("the link %s: %d", path, r.Code)
	}
	if r := f.do(request{method: "GET", path: strings.Replace(path, "champions", "lost", 1)}); r.Code != 404 {
		t.Errorf("an altered link: %d", r.Code)
	}
}
