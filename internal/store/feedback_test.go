package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func intp(v int) *int { return &v }

func TestFeedbackStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		posts, err := db.ListeningPosts(ctx)
		if err != nil || len(posts) != 10 { // nine from 00002, e-mail from 00032
			t.Fatalf("seeded posts: %d, %v", len(posts), err)
		}
		survey, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil || !survey.Solicited {
			t.Fatalf("survey post %+v %v", survey, err)
		}
		cust := &fresco.Customer{Name: "Ada", ConsentSurveys: true}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 10, 23, 30, 0, 0, time.UTC)
		p := &fresco.Purchase{CustomerID: &cust.ID, PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "10.00")}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		missing := int64(999)
		var ids []int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			bad := &fresco.Response{PostID: survey.ID, CustomerID: &missing, RespondedAt: at}
			if err := tx.InsertResponse(ctx, bad); fresco.ErrorFields(err) == nil || fresco.ErrorFields(err)[0].Field != "customer_id" {
				t.Errorf("dangling customer: %v", err)
			}
			for i, score := range []int{10, 9, 3, 7} {
				r := &fresco.Response{PostID: survey.ID, CustomerID: &cust.ID, PurchaseID: &p.ID, RespondedAt: at.Add(time.Duration(i) * 24 * time.Hour),
					NPS: intp(score), Comment: "ok", Answers: []fresco.Answer{{Type: "nps", Score: intp(score)}, {Type: "process_quality", Item: "empathy", Score: intp(score/2 + 1)}}}
				if err := tx.InsertResponse(ctx, r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.Response(ctx, ids[0])
		if err != nil || len(r.Answers) != 2 || *r.NPS != 10 || r.PostSlug != "survey" || *r.Answers[1].Score != 6 {
			t.Fatalf("read back %+v %v", r, err)
		}
		groups, err := db.ScoreCounts(ctx, store.ResponseFilter{}, "nps", store.GroupDay)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 4 || groups[0].Key != "2025-03-10" || groups[3].Key != "2025-03-13" {
			t.Fatalf("days %+v", groups)
		}
		groups, err = db.ScoreCounts(ctx, store.ResponseFilter{From: at.Add(24 * time.Hour)}, "nps", store.GroupPost)
		if err != nil || len(groups) != 1 || groups[0].Counts[9] != 1 || groups[0].Counts[3] != 1 || groups[0].Counts[10] != 0 {
			t.Fatalf("by post %+v %v", groups, err)
		}
		items, err := db.DriverCounts(ctx, store.ResponseFilter{})
		want := []store.DriverCount{{"empathy", 2, 3, 1}, {"empathy", 4, 7, 1}, {"empathy", 5, 9, 1}, {"empathy", 6, 10, 1}}
		if err != nil || !reflect.DeepEqual(items, want) {
			t.Fatalf("driver counts %+v %v", items, err)
		}
		// A call task per purchase, once.
		for i := range 2 {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				created, err := tx.CreateCallTask(ctx, &fresco.CallTask{PurchaseID: p.ID, CustomerID: cust.ID, DueAt: at.AddDate(0, 0, 7)})
				if created != (i == 0) {
					t.Errorf("attempt %d created = %v", i, created)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		v, err := db.EnsureSetting(ctx, "k", "first")
		if err != nil || v != "first" {
			t.Fatal(v, err)
		}
		if v, _ := db.EnsureSetting(ctx, "k", "second"); v != "first" {
			t.Fatalf("EnsureSetting overwrote: %q", v)
		}
	})
}
