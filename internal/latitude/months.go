package latitude

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// The approvals per settled month, stored. A year of gestures read and
// tallied on every view grows with the business (tens of milliseconds at a
// million customers); the approval rate adds up from counts but the median
// wait and the amounts' quantile do not, so each settled month's Counts —
// waits and amounts kept whole — are stored in report_snapshots under
// monthPrefix+"YYYY-MM", worked out by the job JobMonthsRefresh (and by the
// first view that misses one). A view adds up the stored months and reads
// only the month under way from the gestures; Report.AsOf says when the
// oldest stored month it used was worked out.

const (
	// JobMonthsRefresh works out again every stored month and the last
	// RefreshMonths settled months, every Options.MonthsEvery: a decision
	// on a gesture still pending, or an erased customer's gestures, reach
	// the stored months by its next run.
	JobMonthsRefresh = "latitude.months_refresh"
	// RefreshMonths is how many settled months the job keeps stored even
	// before a view asks for them: the default view's.
	RefreshMonths = 12
	monthPrefix   = "latitude.month."
)

// monthCounts is one stored month: the Counts of the gestures asked for in
// it, and the time zone its bounds were taken in (a month stored before
// the business changed its zone is not that month any more).
type monthCounts struct {
	Zone   string   `json:"zone"`
	Counts []Counts `json:"counts"`
}

// RegisterJobs registers JobMonthsRefresh, run every every (0: only when
// queued by hand).
func (s *Service) RegisterJobs(q *jobs.Queue, every time.Duration) {
	q.Register(JobMonthsRefresh, func(ctx context.Context, _ *jobs.Running) error {
		return s.RefreshMonths(ctx)
	})
	if every > 0 {
		q.Every(JobMonthsRefresh, every)
	}
}

// RefreshMonths works out and stores the last RefreshMonths settled months
// and every other month stored before.
func (s *Service) RefreshMonths(ctx context.Context) error {
	zone := s.opts.Format(ctx).Zone
	current := monthStart(s.now().In(zone))
	months := map[time.Time]bool{}
	for i := 1; i <= RefreshMonths; i++ {
		months[current.AddDate(0, -i, 0)] = true
	}
	stored, err := s.db.ReportSnapshotRange(ctx, monthPrefix, monthPrefix+"~")
	if err != nil {
		return err
	}
	for _, r := range stored {
		m, err := time.ParseInLocation("2006-01", r.Name[len(monthPrefix):], zone)
		if err != nil || !m.Before(current) {
			if err := s.db.DeleteReportSnapshot(ctx, r.Name); err != nil {
				return err
			}
			continue
		}
		months[m] = true
	}
	for m := range months {
		if _, err := s.storeMonth(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// storeMonth works out the counts of the settled month starting at m (in
// the business's zone) and stores them.
func (s *Service) storeMonth(ctx context.Context, m time.Time) ([]Counts, error) {
	at := s.now()
	facts, err := s.db.GestureFacts(ctx, m, m.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	body := monthCounts{Zone: m.Location().String(), Counts: []Counts{}}
	for _, c := range Count(facts) {
		body.Counts = append(body.Counts, *c)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, monthPrefix+m.Format("2006-01"), b, at)
	return body.Counts, err
}

// countsIn adds up the gestures asked for in the months [start, end) (month
// starts in the business's zone): the settled months from their stored
// counts (working out and storing those missing), the month under way and
// any later from the gestures. asOf is when the oldest stored month used
// was worked out; zero when none was.
func (s *Service) countsIn(ctx context.Context, start, end time.Time) (groups map[roleKey]*Counts, asOf time.Time, err error) {
	groups = map[roleKey]*Counts{}
	current := monthStart(s.now().In(start.Location()))
	settled := end
	if current.Before(end) {
		settled = current
	}
	if start.Before(settled) {
		stored, err := s.db.Reports().ReportSnapshotRange(ctx, monthPrefix+start.Format("2006-01"),
			monthPrefix+settled.AddDate(0, -1, 0).Format("2006-01"))
		if err != nil {
			return nil, time.Time{}, err
		}
		byName := map[string]store.StoredReport{}
		for _, r := range stored {
			byName[r.Name] = r
		}
		for m := start; m.Before(settled); m = m.AddDate(0, 1, 0) {
			var body monthCounts
			r, ok := byName[monthPrefix+m.Format("2006-01")]
			if ok {
				if err := json.Unmarshal(r.Body, &body); err != nil {
					return nil, time.Time{}, fmt.Errorf("stored latitude month %s: %w", r.Name, err)
				}
			}
			if !ok || body.Zone != m.Location().String() {
				if body.Counts, err = s.storeMonth(ctx, m); err != nil {
					return nil, time.Time{}, err
				}
				r.ComputedAt = s.now()
			}
			Add(groups, body.Counts)
			if asOf.IsZero() || r.ComputedAt.Before(asOf) {
				asOf = r.ComputedAt
			}
		}
	}
	live := current
	if start.After(current) {
		live = start
	}
	if live.Before(end) {
		facts, err := s.db.Reports().GestureFacts(ctx, live, end)
		if err != nil {
			return nil, time.Time{}, err
		}
		for _, c := range Count(facts) {
			Add(groups, []Counts{*c})
		}
	}
	return groups, asOf, nil
}

// monthStart is the first instant of t's month, in t's zone.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}
