package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Subscribing and deleting are recorded with who did it, in the write's
// transaction: the URL and events, never the secret. A refused subscription
// or a second delete leaves no record.
func TestWebhookChangesAreAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := notify.New(db, notify.Options{})
		secret := "a-secret-of-some-length"
		h, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: "https://hooks.example.com/in",
			Events: []string{"case.*", "case.*", notify.EventDetractor}, Secret: secret, Actor: "token:4"})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.DeleteWebhook(ctx, h.ID, "employee:1"); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(h.ID)
		want := fmt.Sprint([]string{
			`token:4 create {"events":["case.*","response.detractor"],"url":"https://hooks.example.com/in"}`,
			`employee:1 delete {}`,
		})
		if got := fmt.Sprint(storetest.AuditLines(t, db, "webhook", id)); got != want {
			t.Errorf("audit %s, want %s", got, want)
		}

		if err := n.DeleteWebhook(ctx, h.ID, "employee:1"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("second delete: %v, want ENOTFOUND", err)
		}
		if _, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: "ftp://x", Events: []string{"*"}, Actor: "token:4"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("ftp URL: %v, want EINVALID", err)
		}
		all := storetest.AuditLines(t, db, "webhook", "")
		if len(all) != 2 {
			t.Errorf("%d webhook records, want 2: %v", len(all), all)
		}
		for _, line := range all {
			if strings.Contains(line, secret) {
				t.Errorf("the secret is in the audit log: %s", line)
			}
		}
	})
}
