package store_test

import (
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestFeedbackCategories covers the taxonomy: replaced whole in the order
// given, appended to at the end, a slug taken (even by a retired category)
// refused, and a failed replacement leaving the taxonomy as it was.
func TestFeedbackCategories(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		slugs := func() []string {
			t.Helper()
			list, err := db.FeedbackCategories(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			return ids2(list)
		}
		taxonomy := []fresco.FeedbackCategory{
			{Slug: "wait", Name: "Waiting", Keywords: []string{"queue", "slow"}, Active: true, Position: 9},
			{Slug: "food", Name: "Food", Description: "what was served", Active: false},
			{Slug: "staff", Name: "Staff", Active: true},
		}
		if err := db.ReplaceFeedbackCategories(w.ctx, taxonomy); err != nil {
			t.Fatal(err)
		}
		list, err := db.FeedbackCategories(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids2(list); !slices.Equal(got, []string{"wait", "food", "staff"}) {
			t.Fatalf("taxonomy order = %v, want the order given", got)
		}
		if list[0].Position != 0 || list[2].Position != 2 || !slices.Equal(list[0].Keywords, []string{"queue", "slow"}) ||
			list[1].Active || list[1].Description != "what was served" || list[2].Keywords == nil || len(list[2].Keywords) != 0 {
			t.Errorf("taxonomy round trip = %+v", list)
		}

		w.tx(func(tx *store.Tx) error {
			return tx.AddFeedbackCategory(w.ctx, fresco.FeedbackCategory{Slug: "price", Name: "Price", Keywords: []string{"expensive"}})
		})
		list, _ = db.FeedbackCategories(w.ctx)
		if last := list[len(list)-1]; last.Slug != "price" || last.Position != 3 || !last.Active {
			t.Errorf("added category = %+v, want it active and last", last)
		}
		for _, slug := range []string{"food", "price"} {
			err := db.InTx(w.ctx, func(tx *store.Tx) error {
				return tx.AddFeedbackCategory(w.ctx, fresco.FeedbackCategory{Slug: slug, Name: "Again"})
			})
			wantConflict(t, err, "slug")
		}

		// Two categories with one slug: the replacement fails, and the
		// taxonomy deleted at its start comes back.
		err = db.ReplaceFeedbackCategories(w.ctx, []fresco.FeedbackCategory{{Slug: "a", Name: "A"}, {Slug: "a", Name: "A again"}})
		if err == nil {
			t.Fatal("a taxonomy with a slug twice was stored")
		}
		if got := slugs(); !slices.Equal(got, []string{"wait", "food", "staff", "price"}) {
			t.Errorf("taxonomy after a failed replacement = %v", got)
		}

		if err := db.ReplaceFeedbackCategories(w.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got := slugs(); len(got) != 0 {
			t.Errorf("emptied taxonomy = %v", got)
		}
		w.tx(func(tx *store.Tx) error {
			return tx.AddFeedbackCategory(w.ctx, fresco.FeedbackCategory{Slug: "first", Name: "First"})
		})
		if list, _ := db.FeedbackCategories(w.ctx); len(list) != 1 || list[0].Position != 0 {
			t.Errorf("first category of an empty taxonomy = %+v, want position 0", list)
		}
	})
}

func ids2(list []fresco.FeedbackCategory) []string {
	out := []string{}
	for _, c := range list {
		out = append(out, c.Slug)
	}
	return out
}
