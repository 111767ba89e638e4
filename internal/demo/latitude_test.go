package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoLatitude: the demo's latitude page has something to say — agents
// at their limit, nearly every refund over it approved, enough of them for
// a recommendation, and staff asking for exactly that in the pulse.
func testDemoLatitude(t *testing.T, db *store.DB) {
	now := func() time.Time { return testEnd }
	svc := latitude.New(db, latitude.Options{Pulse: pulse.New(db, pulse.Options{Now: now})})
	r, err := svc.Audit(context.Background(), latitude.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var refunds *latitude.Approvals
	for i, a := range r.Approvals {
		if a.Role == "agent" && a.Kind == "refund" {
			refunds = &r.Approvals[i]
		}
	}
	if refunds == nil || refunds.ApprovalRate == nil || refunds.ApprovalRate.N < latitude.MinDecided ||
		refunds.ApprovalRate.Percent < latitude.RaiseAt || refunds.MedianWaitHours == nil || refunds.Band == nil {
		t.Fatalf("agent refunds in the last 12 months = %+v, want ≥ %d decided, ≥ %.0f%% approved", refunds, latitude.MinDecided, latitude.RaiseAt)
	}
	if !strings.HasPrefix(refunds.Recommendation, "Consider raising the agent limit per case") {
		t.Errorf("recommendation = %q (%s)", refunds.Recommendation, refunds.Reason)
	}
	t.Logf("%s %s", refunds.Summary, refunds.Recommendation)
	if r.Asks.Answers < 50 || len(r.Asks.Themes) < 4 || r.Asks.Themes[0].Quotes == nil {
		t.Errorf("staff's asks = %+v", r.Asks)
	}
	found := false
	for _, th := range r.Asks.Themes {
		found = found || th.Slug == "refunds" && th.Count > 0
	}
	if !found {
		t.Errorf("no staff asked for refunds: %+v", r.Asks.Themes)
	}
}
