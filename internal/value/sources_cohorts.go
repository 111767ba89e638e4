package value

// The period's new customers by source and month for Sources, without
// reading any of them: what the last refit knows of each day's new
// customers (their lifetime value and gross profit) is summed once per
// refit and kept in the view cache (valuedByDay); how many customers each
// day brought stays live, from acquisition_daily (migration 00071). A
// period, a span of whole days, is a sum of days.

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// acquisitionCohorts is store.AcquisitionCohorts(from, to), the same rows,
// for from and to UTC days.
func (s *Service) acquisitionCohorts(ctx context.Context, from, to time.Time) ([]store.CohortSums, error) {
	db := s.db.Reports()
	valued, err := valuedByDay(ctx, s, "valued-cohorts-by-day", db.ValuedCohortsByDay)
	if err != nil {
		return nil, err
	}
	out, err := db.NewBySourceMonth(ctx, from, to)
	if err != nil {
		return nil, err
	}
	type key struct {
		source string
		month  time.Time
	}
	at := make(map[key]int, len(out))
	for i, c := range out {
		at[key{c.Source, c.Month}] = i
	}
	for _, v := range valued {
		if v.Day.Before(from) || !v.Day.Before(to) {
			continue
		}
		// A month's group exists only while it has customers, as in the
		// query; the valued sums join it.
		if i, ok := at[key{v.Source, v.Month}]; ok {
			c := &out[i]
			c.Valued += v.Valued
			c.CLV, c.CLVSq, c.GP, c.GPSq = c.CLV+v.CLV, c.CLVSq+v.CLVSq, c.GP+v.GP, c.GPSq+v.GPSq
		}
	}
	return out, nil
}

// valuedByDay is a view summing the valued customers by the day they were
// first seen (compute reads all of customer_value): kept per refit, as the
// other views are, and per count of corrections to customers' sources and
// first-seen days (store.AcquisitionEdits, one small read), so that a
// correction between refits moves the sums at once, as in the query.
func valuedByDay[T any](ctx context.Context, s *Service, view string, compute func(context.Context) (T, error)) (T, error) {
	edits, err := s.db.Reports().AcquisitionEdits(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return cached(ctx, s.views, view+"?edits="+strconv.FormatInt(edits, 10), compute)
}

// valuedByFirstSeenDay is the view AcquisitionRetention reads: the valued
// customers by first-seen day, all sources together.
func (s *Service) valuedByFirstSeenDay(ctx context.Context) ([]store.ValuedSums, error) {
	return valuedByDay(ctx, s, "valued-by-first-seen-day", s.db.Reports().ValuedByFirstSeenDay)
}
