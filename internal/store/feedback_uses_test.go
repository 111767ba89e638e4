package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// FeedbackUses reads the newest uses of every post in one statement: at
// most the limit a post, newest first, each under its own post.
func TestFeedbackUsesNewestOfEachPost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		posts, err := db.ListeningPosts(ctx)
		if err != nil || len(posts) < 3 {
			t.Fatalf("posts %d, %v", len(posts), err)
		}
		a, b := posts[0].ID, posts[1].ID
		add := func(post int64, note string) {
			if err := db.AddFeedbackUse(ctx, &fresco.FeedbackUse{PostID: post, Note: note, Actor: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 7 {
			add(a, fmt.Sprint("a", i))
		}
		add(b, "b0")
		add(b, "b1")
		counted, count := store.CountStatements(ctx)
		uses, err := db.FeedbackUses(counted, 5)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := count(); n != 1 {
			t.Errorf("%d statements, want 1", n)
		}
		notes := func(post int64) string {
			var s string
			for _, u := range uses[post] {
				if u.PostID != post {
					t.Errorf("use %d of post %d under post %d", u.ID, u.PostID, post)
				}
				s += u.Note + " "
			}
			return s
		}
		if got, want := notes(a), "a6 a5 a4 a3 a2 "; got != want {
			t.Errorf("post a: %q, want %q", got, want)
		}
		if got, want := notes(b), "b1 b0 "; got != want {
			t.Errorf("post b: %q, want %q", got, want)
		}
		if len(uses[posts[2].ID]) != 0 || len(uses) != 2 {
			t.Errorf("uses of %d posts, want 2: %v", len(uses), uses)
		}
	})
}
