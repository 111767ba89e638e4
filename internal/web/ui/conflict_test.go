package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCodedErrorsViaUI: an edit that conflicts with the record's state, or
// that the service refuses as invalid, answers with the service's message
// and a 4xx status, never the 500 page.
func TestCodedErrorsViaUI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		cs, err := svc.Open(ctx, actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
		if err != nil {
			t.Fatal(err)
		}
		// Reopening a case that is open conflicts with its state.
		res := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/cases/%d/actions", cs.ID), url.Values{"action": {"reopen"}, "text": {"again"}})
		if res.status != http.StatusConflict || !strings.Contains(res.body, "Cold room") {
			t.Errorf("reopen an open case = %d %s", res.status, res.body)
		}

		var resp int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, source, responded_at, nps, comment, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 3, 'Slow check-in', ?) RETURNING id`,
				c.ID, time.Now().UTC(), time.Now().UTC()).Scan(&resp)
		}); err != nil {
			t.Fatal(err)
		}
		// A category that is not in the taxonomy is refused with the service's words.
		res = f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/feedback/comments/%d", resp), url.Values{"category": {"no-such-category"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "no-such-category") {
			t.Errorf("unknown category = %d %s", res.status, res.body)
		}
	})
}
