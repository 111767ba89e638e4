package web

import (
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/web/ui"
)

// apiDoc is one operation on the /api/docs page.
type apiDoc struct {
	Method, Path, Summary, Description, Permission string
}

// apiDocsFiles are the static files of the /api/docs page: Swagger UI,
// vendored from npm by scripts/vendor.sh, our initialiser, and the icon.
var apiDocsFiles = []string{"vendor/swagger-ui.css", "vendor/swagger-ui-bundle.js", "api-docs.js", "favicon.svg"}

// handleAPIDocs serves the interactive reference: Swagger UI renders
// /api/openapi.json, so the docs can never disagree with the API. Without
// JavaScript the page shows a plain list of every operation, rendered here
// from the same document. Public, as the document itself is.
func (s *Server) handleAPIDocs(w http.ResponseWriter, r *http.Request) {
	oapi := s.api.OpenAPI()
	groups := map[string][]apiDoc{}
	for path, item := range oapi.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete} {
			if op == nil {
				continue
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			perm := ""
			if p, ok := op.Metadata[permissionKey].(auth.Permission); ok {
				perm = "Who: " + roleText(p)
			}
			groups[tag] = append(groups[tag], apiDoc{Method: method, Path: path, Summary: op.Summary, Description: op.Description, Permission: perm})
		}
	}
	type group struct {
		Tag string
		Ops []apiDoc
	}
	var page struct {
		Title, Version, Description string
		CSS, Bundle, Init, Icon     string // versioned URLs of apiDocsFiles
		Groups                      []group
	}
	page.Title, page.Version, page.Description = oapi.Info.Title, oapi.Info.Version, oapi.Info.Description
	for i, dst := range []*string{&page.CSS, &page.Bundle, &page.Init, &page.Icon} {
		u, err := ui.StaticURL(apiDocsFiles[i])
		if err != nil { // a file missing from the embedded set: a broken build
			s.log.Error("api docs", "err", err)
			http.Error(w, "the API reference is missing from this build", http.StatusInternalServerError)
			return
		}
		*dst = u
	}
	for tag, ops := range groups {
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return methodOrder(ops[i].Method) < methodOrder(ops[j].Method)
		})
		page.Groups = append(page.Groups, group{Tag: tag, Ops: ops})
	}
	sort.Slice(page.Groups, func(i, j int) bool { return page.Groups[i].Tag < page.Groups[j].Tag })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := apiDocsTemplate.Execute(w, page); err != nil {
		s.log.Error("api docs", "err", err)
	}
}

func methodOrder(m string) int { return strings.Index("GET POST PUT PATCH DELETE", m) }

var apiDocsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} reference</title>
<link rel="icon" href="{{.Icon}}" type="image/svg+xml">
<link rel="stylesheet" href="{{.CSS}}">
<script src="{{.Bundle}}" defer></script>
<script src="{{.Init}}" defer></script>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b2330}
.intro{max-width:1460px;margin:1.5rem auto 0;padding:0 20px}
.intro h1{margin:0 0 .2rem} .intro p{margin:.3rem 0}
noscript{display:block;max-width:60rem;margin:0 auto;padding:0 1rem}
noscript h2{margin-top:2rem;border-bottom:1px solid #d8dee8;padding-bottom:.3rem}
.op{margin:.8rem 0;padding:.6rem .8rem;border:1px solid #e3e8ef;border-radius:6px}
.m{display:inline-block;min-width:4.2rem;font:600 12px/1.8 ui-monospace,monospace;text-align:center;border-radius:4px;color:#fff;background:#4b5563;margin-right:.5rem}
.GET{background:#1d6fa5}.POST{background:#2f855a}.PATCH,.PUT{background:#b7791f}.DELETE{background:#c53030}
code{font:14px ui-monospace,monospace} .who{color:#5b6675;font-size:13px}
.top{border-top:3px solid #1a5a86;border-bottom:1px solid #e3e8ef;background:#fff}
.top a{display:inline-flex;align-items:center;gap:.5rem;max-width:1460px;margin:0 auto;padding:.7rem 20px;font-weight:700;font-size:19px;color:#1b2330;text-decoration:none}
</style></head><body>
<nav class="top" aria-label="Fresco"><a href="/"><img src="{{.Icon}}" alt="" width="22" height="22">Fresco</a></nav>
<div class="intro">
<h1>{{.Title}} reference</h1>
<p>The machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1; also <a href="/api/openapi.yaml">YAML</a> and <a href="/api/openapi-3.0.json">OpenAPI 3.0</a>).</p>
</div>
<div id="swagger-ui" data-openapi="/api/openapi.json"></div>
<noscript>
<p>Version {{.Version}}</p>
<p style="white-space:pre-line">{{.Description}}</p>
{{range .Groups}}<h2>{{.Tag}}</h2>{{range .Ops}}
<div class="op"><span class="m {{.Method}}">{{.Method}}</span><code>{{.Path}}</code>
{{with .Summary}}<p><strong>{{.}}</strong></p>{{end}}{{with .Description}}<p>{{.}}</p>{{end}}{{with .Permission}}<p class="who">{{.}}</p>{{end}}</div>
{{end}}{{end}}
</noscript>
</body></html>`))
