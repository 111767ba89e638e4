package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// serve refuses webhook receivers inside the network unless told otherwise;
// the setting reaches the notifier the API uses.
func TestServeWebhookPrivateHosts(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	env := Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, http.StatusUnprocessableEntity}, {[]string{"--webhook-private"}, http.StatusCreated}} {
		cfg, _, err := serveConfig(append([]string{"--workers", "1", "--secret-key", secret.NewKey()}, tc.args...), env)
		if err != nil {
			t.Fatal(err)
		}
		cfg.DB = db
		a, err := app.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := a.Server.Auth().CreateAPIToken(context.Background(), "webhooks", fresco.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("POST", "/api/v1/webhooks",
			strings.NewReader(`{"url":"http://127.0.0.1:9/hook","events":["response.detractor"]}`))
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		a.Server.ServeHTTP(w, r)
		refuse := tc.want != http.StatusCreated
		if w.Code != tc.want || (refuse && !strings.Contains(w.Body.String(), "--webhook-private")) {
			t.Errorf("%v: %d %s, want %d", tc.args, w.Code, w.Body, tc.want)
		}
	}
}

// Every server bounds the time a client may take to send a request and to
// sit idle, and none bounds writing, which the event stream does for hours.
func TestHTTPServerTimeouts(t *testing.T) {
	srv := httpServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.WriteTimeout != 0 {
		t.Errorf("timeouts: read header %v, read %v, idle %v, write %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.WriteTimeout)
	}
}
