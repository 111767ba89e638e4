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
)

// commentCategories are the categories (the default taxonomy's slugs) a
// person would give each of the demo's comments (comments.go). No comment
// asks for a new feature, so that category shows what a category without
// examples looks like.
var commentCategories = map[string][]string{
	"Lovely stay, the front desk team were so welcoming and remembered our names.":                  {"praise", "staff-manner"},
	"Room was spotless and the bed incredibly comfortable. We will be back!":                        {"praise", "cleanliness-facilities"},
	"Great location, friendly staff and a fantastic breakfast.":                                     {"praise", "staff-manner", "product-quality"},
	"Check-in was quick and the upgrade was a wonderful surprise. Thank you!":                       {"praise", "waiting-delivery"},
	"The concierge helped us with dinner reservations, excellent service.":                          {"praise", "staff-manner"},
	"Beautiful view from our room and the spa was very relaxing.":                                   {"praise", "cleanliness-facilities"},
	"Staff went out of their way to help when our flight was delayed. Excellent.":                   {"praise", "staff-manner"},
	"Nice room, but breakfast was a bit crowded on Sunday morning.":                                 {"cleanliness-facilities"},
	"Good stay overall. The wifi was slow in the evenings.":                                         {"cleanliness-facilities"},
	"Friendly staff, though check-in took longer than expected.":                                    {"staff-manner", "waiting-delivery"},
	"Comfortable room, a little noisy from the street at night.":                                    {"cleanliness-facilities"},
	"Pleasant stay, but parking was expensive.":                                                     {"price-billing", "cleanliness-facilities"},
	"We waited over 40 minutes to check in and nobody apologised.":                                  {"waiting-delivery", "staff-manner"},
	"The room was not clean when we arrived: hair in the bathroom and dusty shelves.":               {"cleanliness-facilities"},
	"Our booking was confused: we booked a double and got two singles, and the desk was unhelpful.": {"booking-ordering", "staff-manner"},
	"Receptionist was rude when I asked about a late checkout.":                                     {"staff-manner"},
	"Far too expensive for what you get. The room was tired and the minibar overpriced.":            {"price-billing", "product-quality"},
	"Noisy air conditioning kept us awake and nobody came to fix it.":                               {"cleanliness-facilities"},
	"I was charged twice for the room and it took three calls to sort out.":                         {"price-billing"},
	"Dirty towels and the room had not been serviced on the second day. Disappointing.":             {"cleanliness-facilities"},
	"Best coffee in the neighbourhood, and the baristas are always cheerful.":                       {"praise", "product-quality", "staff-manner"},
	"Great pastries and friendly service, my favourite morning stop.":                               {"praise", "product-quality", "staff-manner"},
	"Quick service even at rush hour. Love this place.":                                             {"praise", "waiting-delivery"},
	"Cosy café, delicious lunch and very friendly staff.":                                           {"praise", "product-quality", "staff-manner"},
	"Good coffee, but the queue at lunchtime is long.":                                              {"waiting-delivery"},
	"Tasty food, a bit pricey for a sandwich.":                                                      {"price-billing"},
	"Nice place, though the tables were sticky.":                                                    {"cleanliness-facilities"},
	"Waited 20 minutes for a latte and it arrived cold.":                                            {"waiting-delivery", "product-quality"},
	"The staff member at the till was rude and ignored me.":                                         {"staff-manner"},
	"Tables were dirty and the bins overflowing. Not acceptable.":                                   {"cleanliness-facilities"},
	"Prices went up again and the portions got smaller.":                                            {"price-billing"},
	"My order was wrong twice and nobody seemed to care.":                                           {"product-quality", "staff-manner"},
	"Fast delivery and beautifully packaged. Thank you!":                                            {"praise", "waiting-delivery"},
	"Easy to order online and the gift card arrived instantly.":                                     {"praise", "booking-ordering"},
	"Great products and helpful customer service by e-mail.":                                        {"praise", "product-quality", "staff-manner"},
	"Good products, but delivery took a few days longer than promised.":                             {"waiting-delivery"},
	"The website is a bit confusing, but I found what I needed.":                                    {"booking-ordering", "confusing-terms"},
	"Nice items, shipping is expensive.":                                                            {"price-billing"},
	"The booking page was confusing and I ended up paying for the wrong dates.":                     {"booking-ordering", "confusing-terms"},
	"Order arrived late and one item was damaged.":                                                  {"waiting-delivery", "product-quality"},
	"Nobody answered my e-mails for a week about a missing parcel.":                                 {"waiting-delivery", "staff-manner"},
	"Too expensive once shipping is added. Will not order again.":                                   {"price-billing"},
	"The discount code did not work at checkout and support was unhelpful.":                         {"booking-ordering", "price-billing", "staff-manner"},
}

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
		cats := slices.Clone(commentCategories[resp.Comment])
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
			if _, known := commentCategories[resp.Comment]; known && r.chance(labelShare) && len(picked) < labelledComments {
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
