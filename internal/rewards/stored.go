package rewards

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Retention on a scorecard looks up, for every customer an employee served
// in the period, their next purchase: at a million customers a team serves
// about 100 000 customers a quarter, and those look-ups were 1.5 s of CPU
// per view of a team's scorecard. So the counts of the periods people look
// at — the default period (DefaultPeriod, today's and tomorrow's) and each
// reward's — are worked out by a job (JobScorecardsRefresh) for every
// employee at once and stored (report_snapshots, migration 00043), one row
// per period; a view reads that row and keeps its team's or employee's
// counts. Each employee's counts depend only on the purchases they served
// and their customers' next purchases, so the stored row gives exactly what
// the view would count for any set of employees.
//
// A period whose every customer has had the whole window to come back
// (its end is at least DefaultWindow ago: Final) changes only when
// purchases arrive late; the job finds those by the purchase ids above its
// watermark, as the chain's stored customer figures do, and works out the
// periods their dates fall in or in the window after. A period still open
// (the default period is, until the last of its customers settles) is
// worked out again on every run, and a view shows its counts as of that
// run (Scorecard.AsOf). A period not kept — one asked for by dates of
// one's own — is counted live for the employees asked about.
//
// The other four measures stay live: each reads a few hundred to a few
// thousand rows of a team's cases, follow-ups and comments through indexes
// that start with the employee, and they change with events (a case
// reopened, an answer arriving) that no purchase watermark would see.

// JobScorecardsRefresh stores the retention counts of the kept periods.
const JobScorecardsRefresh = "rewards.scorecards_refresh"

// ScorecardsRefreshEvery is how often JobScorecardsRefresh runs.
const ScorecardsRefreshEvery = 15 * time.Minute

const (
	servedSnapshot  = "rewards.served."          // + start + "/" + end (RFC 3339, UTC)
	servedWatermark = "rewards.served_watermark" // the job's watermark
)

// storedServed is one period's retention counts, of every employee who
// served a customer in it.
type storedServed struct {
	// Final: every customer counted had had the whole window when these
	// were worked out, so only late purchases can change them.
	Final  bool                `json:"final"`
	Counts []store.ServedCount `json:"counts"`
}

// span is a period as instants [start, end).
type span struct{ start, end time.Time }

func servedName(sp span) string {
	return servedSnapshot + sp.start.UTC().Format(time.RFC3339) + "/" + sp.end.UTC().Format(time.RFC3339)
}

func parseServedName(name string) (span, error) {
	a, b, ok := strings.Cut(strings.TrimPrefix(name, servedSnapshot), "/")
	start, err1 := time.Parse(time.RFC3339, a)
	end, err2 := time.Parse(time.RFC3339, b)
	if err := cmp.Or(err1, err2); err != nil || !ok {
		return span{}, fmt.Errorf("stored scorecard counts %q: not a period", name)
	}
	return span{start, end}, nil
}

// servedCounts returns the retention counts of employees ids in sp: from
// the stored row when the period is kept, with the time they were worked
// out when the period was still open then (zero when final or live), or
// else counted now.
func (s *Service) servedCounts(ctx context.Context, ids []int64, sp span) ([]store.ServedCount, time.Time, error) {
	db := s.db.Reports()
	body, at, err := db.ReportSnapshot(ctx, servedName(sp))
	if err != nil {
		return nil, time.Time{}, err
	}
	if at.IsZero() {
		counts, err := db.ServedCounts(ctx, store.ScorecardQuery{Employees: ids, From: sp.start, To: sp.end}, s.now().Add(-s.window))
		return counts, time.Time{}, err
	}
	var st storedServed
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, time.Time{}, fmt.Errorf("stored scorecard counts %s: %w", servedName(sp), err)
	}
	var out []store.ServedCount
	for _, c := range st.Counts {
		if slices.Contains(ids, c.EmployeeID) {
			out = append(out, c)
		}
	}
	if st.Final {
		at = time.Time{}
	}
	return out, at, nil
}

// keptPeriods are the periods whose counts the job stores, by name: the
// default period of today, each reward's, and tomorrow's default period,
// which is stored once ahead (ahead true), so that views after midnight
// find it, and worked out again once it is today's.
func (s *Service) keptPeriods(ctx context.Context) (kept map[string]span, ahead string, err error) {
	zone := s.zone(ctx)
	today := s.DefaultPeriod(ctx)
	tomorrow := Period{From: today.From.AddDate(0, 0, 1), To: today.To.AddDate(0, 0, 1)}
	periods := []Period{today, tomorrow}
	list, err := s.db.Rewards(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	for _, r := range list {
		periods = append(periods, Period{From: r.From, To: r.To})
	}
	kept = map[string]span{}
	for _, p := range periods {
		start, end := p.instants(zone)
		sp := span{start, end}
		kept[servedName(sp)] = sp
	}
	start, end := tomorrow.instants(zone)
	return kept, servedName(span{start, end}), nil
}

// watermark is what the job has seen of the purchases: the largest
// purchase id at its last two runs (two, as in the chain's: on PostgreSQL
// a transaction may commit ids below one a run has already seen).
type watermark struct {
	Older int64 `json:"older"`
	Newer int64 `json:"newer"`
}

// RefreshScorecards stores the retention counts of the kept periods not
// stored yet, of those still open (but tomorrow's default period, stored
// once ahead), and of those that purchases imported
// since the watermark fall in or in the window after; it drops the stored
// periods no longer kept (yesterday's default period, a deleted reward's).
// It returns how many periods it worked out.
func (s *Service) RefreshScorecards(ctx context.Context) (int, error) {
	now := s.now()
	var wm watermark
	body, wmAt, err := s.db.ReportSnapshot(ctx, servedWatermark)
	if err != nil {
		return 0, err
	}
	if !wmAt.IsZero() {
		if err := json.Unmarshal(body, &wm); err != nil {
			return 0, fmt.Errorf("scorecard counts watermark: %w", err)
		}
	}
	newFirst, newLast, maxID, err := s.db.ChainPurchasesSince(ctx, wm.Older)
	if err != nil {
		return 0, err
	}
	keep, ahead, err := s.keptPeriods(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.ReportSnapshotRange(ctx, servedSnapshot, servedSnapshot+"~")
	if err != nil {
		return 0, err
	}
	final, stored := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		if _, ok := keep[r.Name]; !ok {
			if err := s.db.DeleteReportSnapshot(ctx, r.Name); err != nil {
				return 0, err
			}
			continue
		}
		var st storedServed
		if err := json.Unmarshal(r.Body, &st); err != nil {
			return 0, fmt.Errorf("stored scorecard counts %s: %w", r.Name, err)
		}
		final[r.Name], stored[r.Name] = st.Final, true
	}
	worked := 0
	for _, name := range slices.Sorted(maps.Keys(keep)) {
		sp := keep[name]
		touched := newFirst != nil && newFirst.Before(sp.end.Add(s.window)) && !newLast.Before(sp.start)
		if (final[name] || (name == ahead && stored[name])) && !touched {
			continue
		}
		counts, err := s.db.Reports().ServedCountsAll(ctx, sp.start, sp.end, now.Add(-s.window))
		if err != nil {
			return worked, err
		}
		body, err := json.Marshal(storedServed{Final: !sp.end.Add(s.window).After(now), Counts: counts})
		if err != nil {
			return worked, err
		}
		// Stored one by one: a run cut short keeps what it did.
		if _, err := s.db.ReplaceReportSnapshot(ctx, name, body, now); err != nil {
			return worked, err
		}
		worked++
	}
	next := watermark{Older: wm.Newer, Newer: maxID}
	if wmAt.IsZero() { // everything was new: nothing older to look at again
		next.Older = maxID
	}
	if body, err = json.Marshal(next); err != nil {
		return worked, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, servedWatermark, body, now)
	return worked, err
}

// RegisterJobs installs the refresh of the stored retention counts.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobScorecardsRefresh, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.RefreshScorecards(ctx)
		return err
	})
	q.Every(JobScorecardsRefresh, ScorecardsRefreshEvery)
}
