package web

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy is the policy of every response but the public
// survey pages, which set their own (survey.go: the widget may be framed by
// any site). Scripts come only from this server's files: a page passes data
// to them in <script type="application/json"> blocks, which are data, not
// script. Styles may be inline (style attributes, ECharts' tooltips); the
// pages may not be framed (clickjacking).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries unless its
// handler says otherwise. API answers are never stored by caches: they hold
// customer data, as the UI's pages do (which ui sets no-store on itself).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY") // frame-ancestors for browsers without CSP
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
