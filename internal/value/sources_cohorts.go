package value

// The period's new customers by source and month for Sources, without
// reading every one of them: what the last refit knows of a whole month
// (its valued customers' lifetime value and gross profit) is summed once
// per refit and kept in the view cache; only how many customers each month
// brought stays live, a grouped count; the part-months at the period's
// ends are read whole through the first_seen index.

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// acquisitionCohorts is store.AcquisitionCohorts(from, to), the same rows.
func (s *Service) acquisitionCohorts(ctx context.Context, from, to time.Time) ([]store.CohortSums, error) {
	db := s.db.Reports()
	m1, m2 := wholeMonths(from, to)
	if !m1.Before(m2) {
		return db.AcquisitionCohorts(ctx, from, to)
	}
	valued, err := cached(ctx, s.views, "valued-cohorts-by-month", db.ValuedCohortsByMonth)
	if err != nil {
		return nil, err
	}
	out, err := db.NewBySourceMonth(ctx, m1, m2)
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
		// A month's group exists only while it has customers, as in the
		// query; the valued sums join it.
		if i, ok := at[key{v.Source, v.Month}]; ok {
			c := &out[i]
			c.Valued, c.CLV, c.CLVSq, c.GP, c.GPSq = v.Valued, v.CLV, v.CLVSq, v.GP, v.GPSq
		}
	}
	for _, edge := range [][2]time.Time{{from, m1}, {m2, to}} {
		if edge[0].Before(edge[1]) {
			part, err := db.AcquisitionCohorts(ctx, edge[0], edge[1])
			if err != nil {
				return nil, err
			}
			out = append(out, part...)
		}
	}
	// The query's order: Sources spells a source as its first row does.
	slices.SortFunc(out, func(a, b store.CohortSums) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), a.Month.Compare(b.Month))
	})
	return out, nil
}
