// Package chaintest builds the known-answer business of the service-profit
// chain's tests (the API's on both engines, and the page's in a browser).
package chaintest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// The world: six locations ("Site A" … "Site F") with ten staff each,
// hired in 2023. In March 2024 location i loses Leavers[i] of them and its
// customers give ten NPS answers of which Promoters[i] are 9s and the rest
// 3s; in April the answers are March's in the reverse order of locations.
// Hand-computed:
//
//	retention x = 1, .9, .9, .8, .7, .6 (mean 0.816 67, Sxx = 0.108 333)
//	March NPS y = 80, 60, 60, 20, 0, −40 (mean 30, Syy = 10 200)
//	Sxy = 33, r = 33/√(0.108 333 × 10 200) = 33/33.241 5 = 0.992 73
//	(Fisher-z range 0.932 27 to 0.999 24)
//	April NPS (reversed): Sxy = −31, r = −31/33.241 5 = −0.932 57
//
// Pulse answers for March: Pulse[i] at location i (6, 2, 6, 6). The floor
// hides the second (2 < 5) and, so that all staff (20) minus the shown
// locations cannot reveal those 2, the first as well: only the third and
// fourth are shown.
var (
	Leavers   = []int{0, 1, 1, 2, 3, 4}
	Promoters = []int{9, 8, 8, 6, 5, 3}
	Pulse     = []int{6, 2, 6, 6, 0, 0}
)

// Known answers.
const (
	RetentionNPS       = 0.99273  // r of March's retention and March's NPS
	RetentionNPSLagged = -0.93257 // r of March's retention and April's NPS (lag 1)
)

// Build stores the world through a's services and returns the locations'
// ids in order.
func Build(tb testing.TB, a *app.App) []int64 {
	tb.Helper()
	ctx := context.Background()
	db := a.DB
	var locations []int64
	hired := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	owner := people.Actor{Ref: "test", Role: fresco.RoleOwner}
	for i := range Leavers {
		l := &fresco.Location{Name: fmt.Sprintf("Site %c", 'A'+i), Timezone: "UTC"}
		if err := db.CreateLocation(ctx, l); err != nil {
			tb.Fatal(err)
		}
		locations = append(locations, l.ID)
		for j := range 10 {
			e := &fresco.Employee{Email: fmt.Sprintf("s%d-%d@example.com", i, j), Name: fmt.Sprintf("Staff %d-%d", i, j),
				Role: fresco.RoleAgent, LocationID: &l.ID, Active: true, HiredAt: &hired}
			if err := db.CreateEmployee(ctx, e); err != nil {
				tb.Fatal(err)
			}
			if j < Leavers[i] {
				if _, err := a.People.RecordExit(ctx, owner, e.ID, fresco.Exit{LeftOn: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
					Reason: "pay"}); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	answer := func(location int64, at time.Time, score int) {
		if _, err := a.Feedback.Record(ctx, &feedback.Input{LocationID: &location, RespondedAt: at,
			Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &score}}}); err != nil {
			tb.Fatal(err)
		}
	}
	for i, l := range locations {
		for k := range 10 {
			march, april := 3, 3
			if k < Promoters[i] {
				march = 9
			}
			if k < Promoters[len(Promoters)-1-i] {
				april = 9
			}
			answer(l, time.Date(2024, 3, 10, 10, k, 0, 0, time.UTC), march)
			answer(l, time.Date(2024, 4, 10, 10, k, 0, 0, time.UTC), april)
		}
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		qs := &fresco.PulseQuestionSet{Questions: pulse.DefaultQuestions, CreatedBy: "test"}
		if err := tx.InsertPulseQuestions(ctx, qs); err != nil {
			return err
		}
		p := &fresco.Pulse{Period: "2024-03", QuestionVersion: qs.Version, OpenedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC),
			ClosesAt: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
		if err := tx.InsertPulse(ctx, p); err != nil {
			return err
		}
		for i, n := range Pulse {
			for k := range n {
				score := 2 + (i+k)%4
				if err := tx.InsertPulseResponse(ctx, &fresco.PulseResponse{PulseID: p.ID, LocationID: &locations[i],
					Answers: map[string]fresco.PulseAnswer{pulse.KeySatisfaction: {Score: &score}, pulse.KeyCapability: {Score: &score}}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return locations
}
