package rewards

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// The recoveries of the recognition feed, stored. Finding the customers
// who bought again after their case was resolved probes their purchases
// once per case resolved in FeedDays (about 5,000 at a million customers:
// 50–70 ms of CPU a view). JobScorecardsRefresh also works out every
// recovery of the last FeedDays and stores it under recoveredSnapshot, for
// everyone, newest purchase first; a view takes those of its team resolved
// within its own FeedDays, and says when they are as of.

const recoveredSnapshot = "rewards.recovered"

// RefreshRecovered works out and stores the recoveries of the last
// FeedDays.
func (s *Service) RefreshRecovered(ctx context.Context) ([]store.Recovered, error) {
	at := s.now()
	list, err := s.db.AllRecoveredCustomers(ctx, store.RecognitionQuery{Since: at.AddDate(0, 0, -FeedDays)})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, recoveredSnapshot, body, at)
	return list, err
}

// recovered returns the stored recoveries of q (working them out first if
// none are stored) and when they are as of: those resolved since q.Since
// by q.Employees (nil: everyone), at most q.Limit, newest purchase first —
// what RecoveredCustomers returned at that time.
func (s *Service) recovered(ctx context.Context, q store.RecognitionQuery) ([]store.Recovered, time.Time, error) {
	body, at, err := s.db.Reports().ReportSnapshot(ctx, recoveredSnapshot)
	if err != nil {
		return nil, at, err
	}
	var all []store.Recovered
	if at.IsZero() {
		at = s.now()
		if all, err = s.RefreshRecovered(ctx); err != nil {
			return nil, at, err
		}
	} else if err := json.Unmarshal(body, &all); err != nil {
		return nil, at, fmt.Errorf("stored recoveries: %w", err)
	}
	out := slices.DeleteFunc(all, func(r store.Recovered) bool {
		return r.ResolvedAt.Before(q.Since) || q.Employees != nil && !slices.Contains(q.Employees, r.EmployeeID)
	})
	return out[:min(len(out), q.Limit)], at, nil
}
