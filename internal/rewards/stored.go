package rewards

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Retention on a scorecard looks up, for every customer an employee served
// in the period, their next purchase: at a million customers a team serves
// about 100 000 customers a quarter, and those look-ups were 1.5 s of CPU
// per view of a team's scorecard; the other four results read a team's
// cases, follow-ups and comments of the period, tens of milliseconds more.
// So the scorecards of the periods people look at — the default period
// (DefaultPeriod, today's and tomorrow's) and each reward's — are worked out
// by a job (JobScorecardsRefresh) for every employee at once and stored
// (report_snapshots, migration 00043), one row per period holding each
// employee's tallies; a view reads that row and keeps its team's or
// employee's. Each employee's tallies depend only on their own work and
// what their customers did next, so the stored row gives exactly what the
// view would count for any set of employees, as of the run (Scorecard.AsOf
// says when).
//
// Every run counts the four cheap results of every kept period again (a
// case reopened, an NPS answer arriving after a case, a comment filed as
// praise change them, and no watermark would see those), and retention only
// where it can have changed: a period whose every customer has had the
// whole window to come back (its end is at least DefaultWindow ago: Final)
// changes only when purchases arrive late, which the job finds by the
// purchase ids above its watermark, as the chain's stored customer figures
// do; a period still open (the default period is, until the last of its
// customers settles) is counted again on every run. Tomorrow's default
// period is stored once ahead, so that views after midnight find it, and
// counted again once it is today's. A period not kept — one asked for by
// dates of one's own — is counted live for the employees asked about.

// JobScorecardsRefresh stores the scorecards of the kept periods.
const JobScorecardsRefresh = "rewards.scorecards_refresh"

// ScorecardsRefreshEvery is how often JobScorecardsRefresh runs.
const ScorecardsRefreshEvery = 15 * time.Minute

const (
	servedSnapshot  = "rewards.scorecard."          // + start + "/" + end (RFC 3339, UTC)
	servedWatermark = "rewards.scorecard_watermark" // the job's watermark
)

// storedServed is one period's scorecards, of every employee who had a
// chance in it.
type storedServed struct {
	// Final: every customer served had had the whole window when the
	// retention counts were worked out, so only late purchases can change
	// them (and a run reuses them).
	Final   bool                `json:"final"`
	Served  []store.ServedCount `json:"served"`
	Tallies map[int64]Tallies   `json:"tallies"`
}

// span is a period as instants [start, end).
type span struct{ start, end time.Time }

func servedName(sp span) string {
	return servedSnapshot + sp.start.UTC().Format(time.RFC3339) + "/" + sp.end.UTC().Format(time.RFC3339)
}

// storedTallies returns the tallies of employees ids in sp from the
// stored row, and when they were worked out; ok is false when the period
// is not stored.
func (s *Service) storedTallies(ctx context.Context, ids []int64, sp span) (out map[int64]Tallies, at time.Time, ok bool, err error) {
	body, at, err := s.db.Reports().ReportSnapshot(ctx, servedName(sp))
	if err != nil || at.IsZero() {
		return nil, time.Time{}, false, err
	}
	var st storedServed
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("stored scorecards %s: %w", servedName(sp), err)
	}
	out = map[int64]Tallies{}
	for _, id := range ids {
		out[id] = newTallies()
		for m, t := range st.Tallies[id] {
			if o := out[id][m]; o != nil && t != nil {
				*o = *t
			}
		}
	}
	return out, at, true, nil
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

// RefreshScorecards stores the scorecards of the kept periods (but
// tomorrow's default period once stored), counting retention again only
// for the periods not stored yet, those still open, and those that
// purchases imported since the watermark fall in or in the window after;
// it drops the stored periods no longer kept (yesterday's default period, a
// deleted reward's). It returns for how many periods it counted retention.
func (s *Service) RefreshScorecards(ctx context.Context) (int, error) {
	now := s.now()
	fresh, err := s.db.PurchasesSinceWatermark(ctx, servedWatermark)
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
	stored := map[string]storedServed{}
	for _, r := range rows {
		if _, ok := keep[r.Name]; !ok {
			if err := s.db.DeleteReportSnapshot(ctx, r.Name); err != nil {
				return 0, err
			}
			continue
		}
		var st storedServed
		if err := json.Unmarshal(r.Body, &st); err != nil {
			return 0, fmt.Errorf("stored scorecards %s: %w", r.Name, err)
		}
		stored[r.Name] = st
	}
	worked := 0
	for _, name := range slices.Sorted(maps.Keys(keep)) {
		sp := keep[name]
		touched := fresh.Touch(sp.start, sp.end.Add(s.window))
		old, ok := stored[name]
		if name == ahead && ok && !touched {
			continue
		}
		q := store.ScorecardQuery{All: true, From: sp.start, To: sp.end}
		var f Facts
		if ok && old.Final && !touched {
			f.Served = old.Served
		} else {
			if f.Served, err = s.db.Reports().ServedCounts(ctx, q, now.Add(-s.window)); err != nil {
				return worked, err
			}
			worked++
		}
		if err := s.cheapFacts(ctx, q, &f, ""); err != nil {
			return worked, err
		}
		body, err := json.Marshal(storedServed{Final: !sp.end.Add(s.window).After(now), Served: f.Served,
			Tallies: Count(nil, f, now, s.window)})
		if err != nil {
			return worked, err
		}
		// Stored one by one: a run cut short keeps what it did.
		if _, err := s.db.ReplaceReportSnapshot(ctx, name, body, now); err != nil {
			return worked, err
		}
	}
	return worked, s.db.SavePurchaseWatermark(ctx, fresh, now)
}

// RegisterJobs installs the refresh of the stored scorecards.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobScorecardsRefresh, func(ctx context.Context, _ *jobs.Running) error {
		if _, err := s.RefreshScorecards(ctx); err != nil {
			return err
		}
		_, err := s.RefreshRecovered(ctx) // the recognition feed's (recovered.go)
		return err
	})
	q.Every(JobScorecardsRefresh, ScorecardsRefreshEvery)
}
