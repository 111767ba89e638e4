package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/auth"
)

// An operation that takes longer than huma's body read timeout after it
// has read its body — a write waiting its turn under load — keeps its
// context, and so do the requests after it on the same keep-alive
// connection. Before the read deadline was lifted, net/http took the
// expired deadline for a closed connection and cancelled them all.
func TestSlowOperationKeepsItsContext(t *testing.T) {
	t.Parallel()
	metrics, err := newHTTPMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s := &Server{log: slog.New(slog.DiscardHandler), metrics: metrics, api: humago.New(mux, huma.DefaultConfig("test", "1"))}
	// It reads the body before huma does, which lets net/http start watching
	// the connection before huma sets its deadline.
	s.api.UseMiddleware(s.refuseBadOperationInput)
	type in struct {
		Body struct {
			Wait string `json:"wait"`
		}
	}
	type out struct{ Body struct{ Err string } }
	register(s, huma.Operation{OperationID: "slow", Method: http.MethodPost, Path: "/slow", BodyReadTimeout: 50 * time.Millisecond},
		auth.Write, func(ctx context.Context, in *in) (*out, error) {
			d, err := time.ParseDuration(in.Body.Wait)
			if err != nil {
				return nil, err
			}
			time.Sleep(d)
			o := &out{}
			if ctx.Err() != nil {
				o.Body.Err = ctx.Err().Error()
			}
			return o, nil
		})
	srv := httptest.NewServer(s.observe(mux))
	defer srv.Close()
	client := srv.Client()
	for i, wait := range []string{"300ms", "0s", "0s"} { // one connection: each answer is read before the next request
		resp, err := client.Post(srv.URL+apiPrefix+"/slow", "application/json", strings.NewReader(`{"wait":"`+wait+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"Err":""`) {
			t.Errorf("request %d (wait %s): %s %s", i, wait, resp.Status, body)
		}
	}
}
