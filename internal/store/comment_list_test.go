package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCommentFilters: the comments list is the response list filtered by
// category, tone and whether staff have categorised it, with the names of
// its customer and location; bulk labelling adds categories; survey answers
// are counted per survey and, without a survey, per post.
func TestCommentFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		loc := &fresco.Location{Name: "Harbour Street"}
		cust := &fresco.Customer{Name: "Ada"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		sv := &fresco.Survey{Slug: "stay", Name: "Stay", PostID: post.ID, Questions: []fresco.Question{{Key: "nps", Type: "nps"}}}
		if err := db.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		var ids []int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for i, tone := range []string{"negative", "neutral", "positive", "negative"} {
				r := &fresco.Response{PostID: post.ID, RespondedAt: at.Add(time.Duration(i) * time.Hour), Comment: fmt.Sprint("comment ", i),
					SentimentLabel: tone}
				if i%2 == 0 {
					r.CustomerID, r.LocationID, r.SurveyID = &cust.ID, &loc.ID, &sv.ID
				}
				if err := tx.InsertResponse(ctx, r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return tx.AddResponseCategories(ctx, []int64{ids[0], ids[3]}, []string{"noise"}, "employee:1")
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func(f store.ResponseListFilter) (got []string) {
			t.Helper()
			list, err := db.ResponseList(f)
			if err != nil {
				t.Fatal(err)
			}
			page, err := list.Page(ctx, store.ListPage{Desc: true, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				got = append(got, r.Comment+"/"+r.CustomerName+"/"+r.LocationName)
			}
			return got
		}
		yes, no := true, false
		for name, tc := range map[string]struct {
			f    store.ResponseListFilter
			want string
		}{
			"negative":      {store.ResponseListFilter{Sentiment: "negative"}, "[comment 3// comment 0/Ada/Harbour Street]"},
			"neutral":       {store.ResponseListFilter{Sentiment: "neutral"}, "[comment 1//]"},
			"noise":         {store.ResponseListFilter{Category: "noise"}, "[comment 3// comment 0/Ada/Harbour Street]"},
			"categorised":   {store.ResponseListFilter{Labelled: &yes}, "[comment 3// comment 0/Ada/Harbour Street]"},
			"uncategorised": {store.ResponseListFilter{Labelled: &no, Sentiment: "positive"}, "[comment 2/Ada/Harbour Street]"},
		} {
			if got := fmt.Sprint(read(tc.f)); got != tc.want {
				t.Errorf("%s: %s, want %s", name, got, tc.want)
			}
		}
		// Adding keeps what was there, once.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AddResponseCategories(ctx, []int64{ids[0]}, []string{"noise", "staff"}, "employee:2")
		}); err != nil {
			t.Fatal(err)
		}
		if r, err := db.Response(ctx, ids[0]); err != nil || fmt.Sprint(r.Categories) != "[noise staff]" || r.CategorisedBy != "employee:2" {
			t.Errorf("after adding: %v %q %v", r.Categories, r.CategorisedBy, err)
		}
		counts, err := db.CountSurveyAnswers(ctx)
		if err != nil || counts.BySurvey[sv.ID] != 2 || counts.Unformed["survey"] != 2 {
			t.Errorf("counts %+v %v", counts, err)
		}
		if has, err := db.SurveyHasAnswers(ctx, sv.ID); !has || err != nil {
			t.Errorf("has answers %v %v", has, err)
		}
		slugs, err := db.SurveySlugsLike(ctx, "sta")
		if err != nil || len(slugs) != 0 {
			t.Errorf("slugs like sta: %v %v", slugs, err)
		}
	})
}
