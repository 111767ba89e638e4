package cli

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// serve refuses webhook receivers inside the network unless told otherwise;
// the setting reaches the notifier the API uses.
func TestServeWebhookPrivateHosts(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	for _, tc := range []struct {
		refuse bool
		want   int
	}{{true, http.StatusUnprocessableEntity}, {false, http.StatusCreated}} {
		a, err := newApp(db, serveOptions{logger: slog.New(slog.DiscardHandler), workers: 1, refusePrivateWebhooks: tc.refuse})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := a.server.Auth().CreateAPIToken(context.Background(), "webhooks", fresco.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("POST", "/api/v1/webhooks",
			strings.NewReader(`{"url":"http://127.0.0.1:9/hook","events":["response.detractor"]}`))
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		a.server.ServeHTTP(w, r)
		if w.Code != tc.want || (tc.refuse && !strings.Contains(w.Body.String(), "--webhook-private")) {
			t.Errorf("refuse=%v: %d %s, want %d", tc.refuse, w.Code, w.Body, tc.want)
		}
	}
}
