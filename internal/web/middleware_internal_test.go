package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
)

func TestRecoverPanics(t *testing.T) {
	t.Parallel()
	s := &Server{log: slog.New(slog.DiscardHandler)}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("panic = %d %s %s", w.Code, w.Header(), w.Body)
	}
}

func TestMoneyAndOptionalJSON(t *testing.T) {
	t.Parallel()
	var in struct {
		A, B, C Money
		R       Optional[int64] `json:"r"`
		S       Optional[int64] `json:"s"`
		T       Optional[int64] `json:"t"`
	}
	if err := json.Unmarshal([]byte(`{"A":"12.50","B":12.5,"C":"1e3","r":null,"s":7}`), &in); err != nil {
		t.Fatal(err)
	}
	var v fresco.Validation
	if a, b := in.A.parse(&v, "a"), in.B.parse(&v, "b"); a != 1250 || b != 1250 {
		t.Errorf("parsed %d %d", a, b)
	}
	in.C.parse(&v, "c")
	if f := fresco.ErrorFields(v.Err()); len(f) != 1 || f[0].Field != "c" {
		t.Errorf("fields = %v", f)
	}
	x := int64(3)
	p := &x
	in.T.apply(&p) // absent: unchanged
	if p == nil || *p != 3 {
		t.Error("absent Optional changed the value")
	}
	in.S.apply(&p)
	if p == nil || *p != 7 {
		t.Error("Optional value not applied")
	}
	in.R.apply(&p)
	if p != nil {
		t.Error("null Optional did not clear")
	}
}

func TestClientAddressFromTrustedProxy(t *testing.T) {
	t.Parallel()
	s := &Server{proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	var got string
	h := s.clientAddress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	for _, tc := range []struct{ remote, xff, want string }{
		{"10.1.2.3:5000", "203.0.113.9", "203.0.113.9:0"},
		{"10.1.2.3:5000", "198.51.100.1, 203.0.113.9, 10.9.9.9", "203.0.113.9:0"}, // spoofed left entry ignored
		{"10.1.2.3:5000", "", "10.1.2.3:5000"},
		{"10.1.2.3:5000", "garbage", "10.1.2.3:5000"},
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1:5000"}, // not a proxy: header ignored
		{"10.1.2.3:5000", "2001:db8::1", "[2001:db8::1]:0"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("RemoteAddr %s, X-Forwarded-For %q: client %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}
