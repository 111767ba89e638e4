package ui

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/rewards"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/value"
)

// renderPage renders one page's template with data, as a handler would
// (without a viewer: the page as the layout shows it to nobody in particular).
func renderPage(t *testing.T, name string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := templatesOnly(t).pages[name].ExecuteTemplate(&b, "layout.html", page{Title: "A page", Data: data, Status: http.StatusOK}); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	return b.String()
}

// The lifetime-value page writes its counts of customers the business's
// way everywhere, not only in the totals: "5,000", never "5000".
func TestValuePageWritesCounts(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	v := valueView{format: fresco.NewFormatter(fresco.DefaultSettings()),
		Summary: &value.Summary{ComputedAt: &at, Totals: value.Totals{Customers: 5000}},
		Calc: &value.Calculation{Average: value.Economics{Customers: 5000}, Loyal: value.Economics{Customers: 1000},
			Inputs: value.CalcInputs{NewCustomers: 2500}, Period: value.CalcPeriod{From: at.AddDate(-1, 0, 0), To: at}},
		Pareto: &value.Pareto{}, Segments: &value.SegmentTable{}}
	body := renderPage(t, "value_page", v)
	for _, want := range []string{"from 5,000 customers' purchases", `<td class="num">5,000</td><td class="num">1,000</td>`, "for 2,500 new customers"} {
		if !strings.Contains(body, want) {
			t.Errorf("the value page lacks %q", want)
		}
	}
	if n := regexp.MustCompile(`\b(5000|1000|2500)\b`).FindAllString(body, -1); len(n) > 0 {
		t.Errorf("the value page writes counts as %v", n)
	}
}

// A refit's split shows its days the business's way, not "2025-12-08",
// and its time in the business's zone, not "… UTC".
func TestCalibrationSplitWritesDays(t *testing.T) {
	t.Parallel()
	c := &value.Calibration{CalibrationEnd: "2025-12-08", HoldoutEnd: "2026-12-07", HoldoutWeeks: 52,
		ComputedAt: time.Date(2026, 12, 7, 10, 11, 0, 0, time.UTC), Customers: 2697, Models: []value.ModelCalibration{}}
	body := renderPage(t, "value_calibration", calibrationView{Cal: c, format: fresco.NewFormatter(fresco.DefaultSettings())})
	split := regexp.MustCompile(`(?s)id="calibration-split">(.*?)</p>`).FindStringSubmatch(body)
	if split == nil {
		t.Fatal("no split paragraph")
	}
	if !strings.Contains(split[1], "8 Dec 2025") || !strings.Contains(split[1], "7 Dec 2026") || strings.Contains(split[1], "2025-12-08") || strings.Contains(split[1], "UTC") {
		t.Errorf("split: %s", split[1])
	}
}

// A month whose every cell is hidden (the pulse still open) has a column
// heading for the reason, as many headings as cells in each row.
func TestPulseResultsHiddenMonthHasItsColumns(t *testing.T) {
	t.Parallel()
	hidden := pulseRowView{Unit: "All staff", All: true, Hidden: true, Reason: "the pulse is still open"}
	body := renderPage(t, "pulse_results", pulseResultsView{Months: []pulseMonthView{{Period: "2026-12", Name: "December 2026", Rows: []pulseRowView{hidden}}}})
	table := regexp.MustCompile(`(?s)<table class="stack-sm">(.*?)</table>`).FindStringSubmatch(body)
	if table == nil {
		t.Fatal("no results table")
	}
	head, row, _ := strings.Cut(table[1], "</thead>")
	if h, c := strings.Count(head, "<th "), strings.Count(row, "<th ")+strings.Count(row, "<td"); h != 3 || c != 3 {
		t.Errorf("%d column headings for %d cells:\n%s", h, c, table[1])
	}
}

// The latitude page heads each role's section with its people, "Agents",
// not the stored "agents", each gesture's row "Refund", and writes months
// "Jan 2026", not "2026-01".
func TestLatitudeRoleHeading(t *testing.T) {
	for role, want := range map[string]string{"agent": "Agents", "manager": "Managers", "owner": "Owners"} {
		if got := (latitudeRoleView{Role: role}).Heading(); got != want {
			t.Errorf("Heading(%q) = %q, want %q", role, got, want)
		}
	}
	if got := (latitudeApprovalView{Gesture: "free item"}).Name(); got != "Free item" {
		t.Errorf("gesture row %q", got)
	}
	for key, want := range map[string]string{"2026-01": "Jan 2026", "2024-12-01": "Dec 2024", "2026-Q1": "Jan–Mar 2026", "week 3": "week 3"} {
		if got := monthWords(key); got != want {
			t.Errorf("monthWords(%q) = %q, want %q", key, got, want)
		}
	}
}

// A reward not met is red and one that can't be told yet grey, as the
// satisfaction goals colour theirs; a running period's notes share one
// pair of brackets.
func TestRewardVerdictColours(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	row := func(name string, v rewards.Verdict) rewards.RewardStatus {
		return rewards.RewardStatus{Reward: &fresco.Reward{Name: name, From: at, To: at.AddDate(0, 3, -1)}, TeamName: "Café crew",
			Verdict: v, Running: true, AsOf: at.AddDate(0, 1, 0)}
	}
	body := html.UnescapeString(renderPage(t, "rewards", rewardsView{Rewards: []rewards.RewardStatus{row("Dinner", rewards.NotMet), row("Spa", rewards.CantTell), row("Day off", rewards.Met)}}))
	for _, want := range []string{`<span class="badge off">` + label("not_met"), `<span class="badge no">` + label("cant_tell"), `<span class="badge yes">` + label("met"),
		"(running; as of 1 Nov"} {
		if !strings.Contains(body, want) {
			t.Errorf("the rewards page lacks %q", want)
		}
	}
}

// The drivers chart names its bars as the table beside it does, never by
// the item's key ("csat", "tangible_evidence").
func TestDriverBarsNameTheItems(t *testing.T) {
	raw, err := json.Marshal(driverBars([]stats.Driver{{Item: "csat", N: 40}, {Item: "tangible_evidence", N: 12}}))
	if err != nil {
		t.Fatal(err)
	}
	var bars []struct {
		Item, Label string
		N           int
	}
	if err := json.Unmarshal(raw, &bars); err != nil {
		t.Fatal(err)
	}
	for i, key := range []string{"csat", "tangible_evidence"} {
		if bars[i].Item != key || bars[i].Label != label(key) || bars[i].Label == key || bars[i].N == 0 {
			t.Errorf("bar %d: %+v, want %s named %q", i, bars[i], key, label(key))
		}
	}
}

// The NPS trend names its periods in words, not by their keys.
func TestTrendPeriodWords(t *testing.T) {
	f := fresco.NewFormatter(fresco.DefaultSettings())
	for _, tc := range []struct {
		p      feedback.TrendPeriod
		period string
		want   string
	}{
		{feedback.TrendPeriod{Label: "2024-12", Start: "2024-12-01"}, feedback.PeriodMonth, "Dec 2024"},
		{feedback.TrendPeriod{Label: "2025-W03", Start: "2025-01-13"}, feedback.PeriodWeek, "Week of 13 Jan 2025"},
		{feedback.TrendPeriod{Label: "2025-01-15", Start: "2025-01-15"}, feedback.PeriodDay, "15 Jan 2025"},
		{feedback.TrendPeriod{Label: "2025-01"}, feedback.PeriodMonth, "2025-01"},
	} {
		if got := trendPeriodWords(tc.p, tc.period, f); got != tc.want {
			t.Errorf("%s by %s = %q, want %q", tc.p.Label, tc.period, got, tc.want)
		}
	}
}

// The service-profit chain's profit axis is an amount, like every other
// amount on the page.
func TestChainProfitAxisIsMoney(t *testing.T) {
	f := fresco.NewFormatter(fresco.DefaultSettings())
	if got, want := axisNumber(chain.Profit, 392.13, f.Money), f.Money(39213); got != want || !strings.Contains(got, "392.13") || got == "392.13" {
		t.Errorf("profit axis %q, want %q", got, want)
	}
	if got := axisNumber(chain.CustomerLoyalty, 0.6, f.Money); got != "60%" {
		t.Errorf("loyalty axis %q", got)
	}
}

// Acquisition vs retention counts its customers the business's way:
// "2,306 new", not "2306 new".
func TestRetentionPageWritesCounts(t *testing.T) {
	t.Parallel()
	f := fresco.NewFormatter(fresco.DefaultSettings())
	r := &value.AcquisitionRetention{NewCustomers: 2306, NewValued: 2306, Base: 2694}
	body := renderPage(t, "value_retention", retentionView{Report: r, money: f.Money})
	for _, want := range []string{">2,306 new<", "of 2,694", "(2,306 valued)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
