package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestRefusePrivateHostsAtSubscription(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		strict := notify.New(db, notify.Options{RefusePrivateHosts: true})
		for _, u := range []string{
			"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST./hook",
			"http://api.localhost/hook", "http://[::1]/hook", "http://10.1.2.3/hook",
			"http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data",
			"http://100.64.0.1/hook", "http://0.0.0.0/hook", "http://[::ffff:127.0.0.1]/hook",
		} {
			_, err := strict.CreateWebhook(ctx, notify.WebhookInput{URL: u, Events: []string{"*"}})
			if fresco.ErrorCode(err) != fresco.EINVALID || len(fresco.ErrorFields(err)) != 1 || fresco.ErrorFields(err)[0].Field != "url" {
				t.Errorf("%s: %v, want a url error", u, err)
			}
		}
		for _, u := range []string{"https://hooks.example.com/fresco", "http://93.184.216.34/hook"} {
			if _, err := strict.CreateWebhook(ctx, notify.WebhookInput{URL: u, Events: []string{"*"}}); err != nil {
				t.Errorf("%s refused: %v", u, err)
			}
		}
		// The zero value allows receivers inside the network.
		open := notify.New(db, notify.Options{})
		if _, err := open.CreateWebhook(ctx, notify.WebhookInput{URL: "http://127.0.0.1:8080/hook", Events: []string{"*"}}); err != nil {
			t.Errorf("without RefusePrivateHosts: %v", err)
		}
	})
}

// A subscription made while private hosts were allowed (or a public name
// that now resolves inward) is refused when the delivery dials, without
// retries, and the receiver gets nothing.
func TestRefusePrivateHostsAtDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rc := newReceiver(t)
		byName := strings.Replace(rc.srv.URL, "127.0.0.1", "localhost", 1) // resolved when dialling
		hooks := []*store.Webhook{}
		for _, u := range []string{rc.srv.URL, byName} {
			h, err := notify.New(db, notify.Options{}).CreateWebhook(ctx, notify.WebhookInput{URL: u, Events: []string{"*"}})
			if err != nil {
				t.Fatal(err)
			}
			hooks = append(hooks, h)
		}
		strict := notify.New(db, notify.Options{RefusePrivateHosts: true, WebhookAttempts: 5})
		startQueue(t, db, strict)
		if _, err := strict.Send(ctx, notify.Notification{Event: notify.EventComplaint}); err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks {
			waitFor(t, "delivery to "+h.URL+" failed", func() bool {
				l, err := db.ListDeliveries(ctx, h.ID, 0, 10)
				return err == nil && len(l) == 1 && l[0].Status == store.DeliveryFailed
			})
			l, _ := db.ListDeliveries(ctx, h.ID, 0, 10)
			if l[0].Attempts != 1 || !strings.Contains(l[0].AttemptLog[0].Error, "--webhook-private") {
				t.Errorf("%s: %d attempts, log %+v; want one refused attempt", h.URL, l[0].Attempts, l[0].AttemptLog)
			}
		}
		if n := len(rc.requests()); n != 0 {
			t.Errorf("the internal receiver got %d requests", n)
		}
	})
}
