// Package feedbacktest plants comments for the tests of the comments page,
// its API and its browser journey, which all need a trained classifier and
// a theme that grew this week.
package feedbacktest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// Record stores a web-form comment answered at at, categorised by staff
// when cats are given.
func Record(tb testing.TB, svc *feedback.Service, comment string, at time.Time, cats ...string) *fresco.Response {
	tb.Helper()
	ctx := context.Background()
	r, err := svc.Record(ctx, &feedback.Input{Comment: comment, ListeningPost: "web_form", RespondedAt: at})
	if err != nil {
		tb.Fatal(err)
	}
	if len(cats) > 0 {
		if err := svc.Categorise(ctx, r.ID, cats, "employee:1"); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}

// Doubtful is a comment the classifier Train teaches cannot place: it is
// about both of its categories.
const Doubtful = "Late refund for the expensive delivery"

// Train categorises twelve comments each as waiting-delivery and
// price-billing, three weeks ago, and trains the classifier times times,
// keeping as many versions.
func Train(tb testing.TB, svc *feedback.Service, times int) {
	tb.Helper()
	ago := time.Now().UTC().Add(-21 * 24 * time.Hour)
	for i := range 12 {
		Record(tb, svc, fmt.Sprintf("The delivery was late again, waited %d hours", i+2), ago, "waiting-delivery")
		Record(tb, svc, fmt.Sprintf("Far too expensive, charged %d pounds twice", i+2), ago, "price-billing")
	}
	for range times {
		if _, err := svc.TrainClassifier(context.Background()); err != nil {
			tb.Fatal(err)
		}
	}
}

// PlantThemes records uncategorised comments: ten about the car park in
// the last hours against one the week before (a growing theme: 10 of this
// week's 18 comments against 1 of last week's 7, z 1.87), cold food
// steady over both weeks, the Doubtful comment and a rude-staff complaint.
func PlantThemes(tb testing.TB, svc *feedback.Service) {
	tb.Helper()
	now := time.Now().UTC()
	day := 24 * time.Hour
	for i := range 10 {
		Record(tb, svc, "The car park was full and parking cost a fortune", now.Add(-time.Duration(i+1)*time.Hour))
	}
	Record(tb, svc, "Parking in the car park was hard", now.Add(-10*day))
	for i := range 6 {
		Record(tb, svc, "The hospital food was cold and tasteless", now.Add(-time.Duration(i+1)*day))
		Record(tb, svc, "The hospital food was cold and tasteless", now.Add(-time.Duration(i+8)*day))
	}
	Record(tb, svc, Doubtful, now.Add(-time.Hour))
	Record(tb, svc, "The staff were rude and dismissive, terrible", now.Add(-time.Hour))
}
