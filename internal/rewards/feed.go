package rewards

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// FeedKind is what a recognition entry records.
type FeedKind string

const (
	FeedNomination FeedKind = "nomination" // a colleague or a customer nominated them
	FeedRecovered  FeedKind = "recovered"  // a customer whose case they resolved bought again
	FeedKindWords  FeedKind = "kind_words" // a customer's kind words about them
)

// FeedEntry is one entry of the recognition feed.
type FeedEntry struct {
	Kind       FeedKind
	At         time.Time
	EmployeeID int64
	Nomination *fresco.Nomination // FeedNomination
	Recovered  *store.Recovered   // FeedRecovered
	// AsOf is, for FeedRecovered, when the recoveries were worked out
	// (stored every ScorecardsRefreshEvery, recovered.go).
	AsOf     time.Time
	Response *fresco.Response // FeedKindWords
}

// FeedDays is how far back the recognition feed looks.
const FeedDays = 90

// FeedLimit is the most entries the feed returns.
const FeedLimit = 60

// Recognition returns the newest recognition — nominations, recovered
// customers, kind words — of everyone, or of team teamID's members,
// newest first. Every signed-in role reads it.
func (s *Service) Recognition(ctx context.Context, teamID *int64) ([]FeedEntry, error) {
	q := store.RecognitionQuery{Since: s.now().AddDate(0, 0, -FeedDays), Limit: FeedLimit}
	if teamID != nil {
		members, err := s.db.TeamMembers(ctx, *teamID)
		if err != nil {
			return nil, err
		}
		if _, err := s.db.Team(ctx, *teamID); err != nil {
			return nil, err
		}
		q.Employees = []int64{}
		for _, e := range members {
			q.Employees = append(q.Employees, e.ID)
		}
	}
	db := s.db.Reports()
	noms, err := db.Nominations(ctx, q)
	if err != nil {
		return nil, err
	}
	rec, asOf, err := s.recovered(ctx, q)
	if err != nil {
		return nil, err
	}
	words, err := db.RecentKindWords(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]FeedEntry, 0, len(noms)+len(rec)+len(words))
	for _, n := range noms {
		out = append(out, FeedEntry{Kind: FeedNomination, At: n.CreatedAt, EmployeeID: n.NomineeID, Nomination: n})
	}
	for i := range rec {
		out = append(out, FeedEntry{Kind: FeedRecovered, At: rec[i].BoughtAt, EmployeeID: rec[i].EmployeeID, Recovered: &rec[i], AsOf: asOf})
	}
	for _, r := range words {
		if r.EmployeeID != nil {
			out = append(out, FeedEntry{Kind: FeedKindWords, At: r.RespondedAt, EmployeeID: *r.EmployeeID, Response: r})
		}
	}
	slices.SortStableFunc(out, func(a, b FeedEntry) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
	return out[:min(len(out), FeedLimit)], nil
}
