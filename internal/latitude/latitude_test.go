package latitude

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func euros(m fresco.Money) string { return "€" + m.String() }

// facts makes n gestures of one role and kind.
func facts(n int, role fresco.Role, kind string, amount fresco.Money, status string, waited bool, wait time.Duration) []store.GestureFact {
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	out := make([]store.GestureFact, n)
	for i := range out {
		out[i] = store.GestureFact{Role: role, Kind: kind, Amount: amount, Status: status, Waited: waited, CreatedAt: at}
		if status != "pending_approval" {
			d := at.Add(wait)
			out[i].DecidedAt = &d
		}
	}
	return out
}

func cat(parts ...[]store.GestureFact) []store.GestureFact {
	var out []store.GestureFact
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func money(units int64) *fresco.Money { m := fresco.Money(units * 100); return &m }

// TestTallyAgainstHandComputedFigures checks a role at its limit: 25
// refunds waited above the agent's €50 total per case, 24 approved.
func TestTallyAgainstHandComputedFigures(t *testing.T) {
	t.Parallel()
	agents := cat(
		facts(5, fresco.RoleAgent, "refund", 3000, "granted", false, 0),                // within the limit
		facts(10, fresco.RoleAgent, "refund", 5500, "granted", true, time.Hour),        // 55.00, waited an hour
		facts(2, fresco.RoleAgent, "refund", 5500, "granted", true, 3*time.Hour),       // …three hours
		facts(9, fresco.RoleAgent, "refund", 7200, "granted", true, 3*time.Hour),       // 72.00
		facts(1, fresco.RoleAgent, "refund", 7200, "rejected", true, 3*time.Hour),      //
		facts(3, fresco.RoleAgent, "refund", 12000, "granted", true, 3*time.Hour),      // 120.00
		facts(4, fresco.RoleAgent, "apology_letter", 0, "granted", false, 0),           // costs nothing: left out
		facts(3, fresco.RoleManager, "coupon", 60000, "pending_approval", true, 0),     // still waiting
		facts(7, fresco.RoleManager, "coupon", 60000, "granted", true, 30*time.Minute), // few: no recommendation
		facts(3, fresco.RoleManager, "coupon", 60000, "rejected", true, 30*time.Minute),
	)
	limits := map[fresco.Role]Limits{fresco.RoleAgent: {"*": money(50)}, fresco.RoleManager: {"*": money(500), "coupon": nil}}
	got := Tally(agents, limits, []string{"apology_letter", "coupon", "refund"}, euros)
	if len(got) != 2 {
		t.Fatalf("rows = %+v, want manager coupons and agent refunds", got)
	}
	a := got[1] // roles in fresco.Roles order
	if a.Role != "agent" || a.Kind != "refund" || a.Gestures != 30 || a.Waited != 25 || a.Approved != 24 || a.Declined != 1 || a.Pending != 0 {
		t.Fatalf("agent refunds = %+v", a)
	}
	// Agresti–Coull, z = 1.96: ñ = 25 + z², p̃ = (24 + z²/2)/ñ.
	if r := a.ApprovalRate; r == nil || r.N != 25 || r.Percent != 96 || math.Abs(r.CILow-78.863) > 0.01 || r.CIHigh != 100 {
		t.Errorf("approval rate = %+v, want 96%% (78.86–100)", r)
	}
	// 10 waits of 1 h and 15 of 3 h: the 13th of 25 is 3 h.
	if a.MedianWaitHours == nil || *a.MedianWaitHours != 3 {
		t.Errorf("median wait = %v, want 3 h", a.MedianWaitHours)
	}
	// The 20th of 25 amounts (80th percentile) is 72.00, rounded up to 75.00;
	// above 50.00 and at most 75.00 lie 12 of 55.00 and 10 of 72.00: 22 of 25.
	if a.Compared != "*" || a.Band == nil || a.Band.Low != "50.00" || a.Band.High != "75.00" || a.Band.Count != 22 || a.Band.Percent != 88 || a.Band.UnderLimit != 0 {
		t.Errorf("band = %+v (compared %q), want 22 of 25 in (50.00, 75.00] against the total per case", a.Band, a.Compared)
	}
	if a.Limit != nil || a.CaseLimit == nil || *a.CaseLimit != "50.00" {
		t.Errorf("limits = %v / %v, want none for refunds and 50.00 per case", a.Limit, a.CaseLimit)
	}
	want := "Consider raising the agent limit per case to €75.00, which would have covered 88% of the requests that waited (96% of them were approved)."
	if a.Recommendation != want {
		t.Errorf("recommendation = %q, want %q", a.Recommendation, want)
	}
	for _, s := range []string{"Agents asked for 30 refunds", "88% of them were for refunds above €50.00 and up to €75.00", "the agent limit per case is €50.00", "96% of the 25 decided were approved (95% interval 79–100%)", "median wait of 3.0 hours"} {
		if !strings.Contains(a.Summary, s) {
			t.Errorf("summary %q lacks %q", a.Summary, s)
		}
	}

	m := got[0]
	if m.Role != "manager" || m.Kind != "coupon" || m.Waited != 13 || m.Pending != 3 || m.ApprovalRate.N != 10 || m.ApprovalRate.Percent != 70 {
		t.Fatalf("manager coupons = %+v", m)
	}
	// An unlimited coupon limit leaves the total per case to compare with.
	if m.Compared != "*" || m.Limit == nil || *m.Limit != "unlimited" || *m.MedianWaitHours != 0.5 {
		t.Errorf("manager coupons: compared %q, limit %v, wait %v", m.Compared, m.Limit, *m.MedianWaitHours)
	}
	if m.Recommendation != "" || !strings.Contains(m.Reason, "only 10 decided approvals") || !strings.Contains(m.Summary, "3 still wait") {
		t.Errorf("few decisions: recommendation %q, reason %q, summary %q", m.Recommendation, m.Reason, m.Summary)
	}
}

// TestRecommendKeepsALimitMostlyDeclined: 3 of 25 approved, an interval
// wholly below 50%, keeps the limit; 15 of 25 suggests nothing.
func TestRecommendKeepsALimitMostlyDeclined(t *testing.T) {
	t.Parallel()
	fs := cat(facts(3, fresco.RoleAgent, "upgrade", 9000, "granted", true, time.Hour),
		facts(22, fresco.RoleAgent, "upgrade", 9000, "rejected", true, time.Hour))
	got := Tally(fs, map[fresco.Role]Limits{fresco.RoleAgent: {"upgrade": money(40)}}, []string{"upgrade"}, euros)
	if len(got) != 1 || got[0].Compared != "upgrade" || got[0].Recommendation != "Keep the agent limit for upgrades: most upgrades above it are declined (12% approved)." {
		t.Fatalf("got %+v", got)
	}
	// Between the thresholds nothing is suggested.
	fs = cat(facts(15, fresco.RoleAgent, "upgrade", 9000, "granted", true, time.Hour),
		facts(10, fresco.RoleAgent, "upgrade", 9000, "rejected", true, time.Hour))
	if got := Tally(fs, nil, []string{"upgrade"}, euros); got[0].Recommendation != "" || got[0].Reason == "" || got[0].Compared != "" {
		t.Errorf("60%% approved: %+v", got[0])
	}
}

func TestRoundUp(t *testing.T) {
	t.Parallel()
	for in, want := range map[fresco.Money]fresco.Money{7640: 8000, 7200: 7500, 1200: 1500, 24000: 25000, 250: 300, 100000: 100000, 100001: 150000} {
		if got := roundUp(in); got != want {
			t.Errorf("roundUp(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestCountThemes sorts answers by the keywords, quotes only from 5.
func TestCountThemes(t *testing.T) {
	t.Parallel()
	answers := []string{"Refund a cold meal without calling the manager", "refunding small amounts", "give a free dessert",
		"swap my shift with a colleague", "nothing really"}
	got := CountThemes(answers, 5)
	if len(got) != 4 || got[0].Slug != "refunds" || got[0].Count != 2 || got[0].Percent != 40 || got[0].Gesture != "refund" || got[3].Slug != Other {
		t.Fatalf("themes = %+v", got)
	}
	if len(got[0].Quotes) != 2 || got[0].Quotes[0] != "Refund a cold meal without calling the manager" {
		t.Errorf("quotes = %q", got[0].Quotes)
	}
	for _, th := range CountThemes(answers[:4], 5) {
		if th.Quotes != nil {
			t.Errorf("4 answers: %s quotes %q", th.Slug, th.Quotes)
		}
	}
}
