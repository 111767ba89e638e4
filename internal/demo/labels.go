package demo

// Staff categorise some of the older comments, and the classifier learns
// from them (issue 16): without labels the comments page of a fresh demo
// showed "Not trained yet", so none of what the classifier does — its
// cross-validated precision and recall per category, the labels a weak
// category still needs, the comments it is least sure about, its model
// versions — could be seen.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

const (
	// labelledComments is how many comments staff categorised at most,
	// labelShare the share of the older comments they took up, newest
	// first: a team labels a few hundred, whatever the business's size.
	labelledComments = 450
	labelShare       = 0.4
	// labelQuietDays are left uncategorised: the themes nobody labelled
	// and the queue of comments the model is least sure about read them.
	labelQuietDays = 21
	// labelSlip is the share of several-category comments where the
	// person ticked one category fewer, as people do.
	labelSlip = 0.15
	// labelPraiseToo is the share of passives' comments ("friendly staff,
	// but the queue is long") where the person also files what was
	// praised: people differ on it, so the classifier meets labels that
	// disagree, as it does in any business.
	labelPraiseToo = 0.5
)

// generateCommentLabels has each location's manager categorise a share of
// the comments older than labelQuietDays, newest first, and trains the
// classifier on them as "Retrain now" would.
func generateCommentLabels(ctx context.Context, w *world, r *rng) error {
	managers := w.managersByLocation()
	picked, err := commentsToLabel(ctx, w, r)
	if err != nil {
		return err
	}
	for _, resp := range picked {
		cats, maybe := commentLabels(resp.Comment)
		if len(maybe) > 0 && r.chance(labelPraiseToo) {
			cats = append(cats, maybe...)
		}
		if len(cats) > 1 && r.chance(labelSlip) {
			cats = slices.Delete(cats, len(cats)-1, len(cats))
		}
		by := "staff"
		if resp.LocationID != nil && managers[*resp.LocationID] != nil {
			by = fmt.Sprintf("employee:%d", managers[*resp.LocationID].ID)
		}
		if err := w.db.SetResponseCategories(ctx, resp.ID, cats, by); err != nil {
			return err
		}
	}
	if len(picked) < feedback.MinTrainingExamples {
		return nil // a tiny demo: suggestions stay with the keywords
	}
	svc := feedback.New(w.db, feedback.Options{Now: func() time.Time { return w.end }})
	_, err = svc.TrainClassifier(ctx)
	return err
}

// commentsToLabel picks up to labelledComments of the comments older than
// labelQuietDays, newest first, each with chance labelShare.
func commentsToLabel(ctx context.Context, w *world, r *rng) ([]*fresco.Response, error) {
	var picked []*fresco.Response
	f := store.ResponseFilter{To: w.end.AddDate(0, 0, -labelQuietDays), WithComment: true, Limit: 500}
	for len(picked) < labelledComments {
		page, next, err := w.db.ListResponses(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, resp := range page {
			if labels, _ := commentLabels(resp.Comment); labels != nil && r.chance(labelShare) && len(picked) < labelledComments {
				picked = append(picked, resp)
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return picked, nil
}
