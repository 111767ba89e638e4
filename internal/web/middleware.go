package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// middleware wraps the mux in the layers every request passes, outermost
// first: logging and metrics, security headers (headers.go), panic
// recovery, cross-origin protection for state-changing requests,
// authentication (lazy: no query until a handler asks who is calling), and
// the refusal of input nothing could store (input.go).
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	cop := http.NewCrossOriginProtection()
	// One-click unsubscribe is posted by mail clients and providers from
	// wherever they are (RFC 8058); its signed token is its authority.
	cop.AddInsecureBypassPattern(unsubscribePattern)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusForbidden, "cross-origin request refused: state-changing requests must come from this site", nil)
	}))
	var h http.Handler = recordPattern(mux)
	h = s.refuseBadInput(h)
	h = s.auth.Authenticate(h)
	h = cop.Handler(h)
	h = s.recoverPanics(h)
	h = securityHeaders(h)
	h = s.observe(h)
	h = s.clientAddress(h)
	return h
}

// clientAddress replaces RemoteAddr with the client's address from
// X-Forwarded-For when the request comes from a trusted proxy. Only the
// entries appended by trusted proxies are believed: walking from the right,
// the first address that is not a trusted proxy is the client.
func (s *Server) clientAddress(next http.Handler) http.Handler {
	if len(s.proxies) == 0 {
		return next
	}
	trusted := func(a netip.Addr) bool {
		for _, p := range s.proxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil || !trusted(peer.Addr()) {
			next.ServeHTTP(w, r)
			return
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a garbled entry: trust nothing left of it
			}
			if !trusted(a) {
				r2 := r.Clone(r.Context())
				r2.RemoteAddr = netip.AddrPortFrom(a, 0).String()
				next.ServeHTTP(w, r2)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requestInfo is filled in as a request goes down the chain and read by
// observe on its way back up.
type requestInfo struct {
	pattern string // the ServeMux pattern that matched, e.g. "GET /api/v1/customers/{id}"
}

type requestInfoKey struct{}

// responseControllerKey holds the request's *http.ResponseController, for
// bodyRead.
type responseControllerKey struct{}

// bodyRead lifts the read deadline huma puts on the connection before it
// reads an operation's body (5 s by default), once the body is read. When
// a middleware has read the body first (refuseBadOperationInput does),
// net/http is already watching the connection for the next request, and
// the deadline would fire while a slow handler runs — a write waiting its
// turn under load: net/http takes it for a closed connection and cancels
// the context of that request and of every later one on the keep-alive
// connection, which then all fail at once. The next request's headers get
// the server's own deadlines again.
func bodyRead(ctx context.Context) {
	if rc, ok := ctx.Value(responseControllerKey{}).(*http.ResponseController); ok {
		_ = rc.SetReadDeadline(time.Time{}) // a writer without deadlines (a test recorder) has none to lift
	}
}

// recordPattern sits right above the mux, which sets r.Pattern on the request
// it is given, and copies the pattern up to observe.
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
			info.pattern = r.Pattern
		}
	})
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (deadlines, flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes through, for streamed responses.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// httpMetrics are the server's request metrics, labelled by route pattern
// (never by raw path, which would let clients create series at will).
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

func newHTTPMetrics(reg *prometheus.Registry) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fresco_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fresco_http_request_duration_seconds",
			Help:    "HTTP request duration by route pattern and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "code"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fresco_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inflight} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register HTTP metrics: %w", err)
		}
	}
	return m, nil
}

// observe logs every request and records its metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inflight.Inc()
		defer s.metrics.inflight.Dec()
		ctx := context.WithValue(r.Context(), requestInfoKey{}, info)
		ctx = context.WithValue(ctx, responseControllerKey{}, http.NewResponseController(sw))
		next.ServeHTTP(sw, r.WithContext(ctx))
		elapsed := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := info.pattern
		if route == "" || route == "/" { // "/" is the catch-all that answers the UI's 404 page
			route = "unmatched"
		}
		code := strconv.Itoa(sw.status)
		s.metrics.requests.WithLabelValues(route, code).Inc()
		s.metrics.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())

		level := slog.LevelInfo
		switch {
		case sw.status >= 500:
			level = slog.LevelError
		case route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" || strings.HasPrefix(r.URL.Path, "/static/"):
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// recoverPanics turns a panic in a handler into a logged 500 problem, so one
// bug does not take the process down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			writeProblem(w, r, http.StatusInternalServerError, "internal error", nil)
		}()
		next.ServeHTTP(w, r)
	})
}
