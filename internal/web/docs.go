package web

import (
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
)

// apiDoc is one operation on the /api/docs page.
type apiDoc struct {
	Method, Path, Summary, Description, Permission string
}

// handleAPIDocs renders a plain reference of every API operation from the
// OpenAPI document, so the docs can never disagree with /api/openapi.json.
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
		Groups                      []group
	}
	page.Title, page.Version, page.Description = oapi.Info.Title, oapi.Info.Version, oapi.Info.Description
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
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b2330}
h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #d8dee8;padding-bottom:.3rem}
.op{margin:.8rem 0;padding:.6rem .8rem;border:1px solid #e3e8ef;border-radius:6px}
.m{display:inline-block;min-width:4.2rem;font:600 12px/1.8 ui-monospace,monospace;text-align:center;border-radius:4px;color:#fff;background:#4b5563;margin-right:.5rem}
.GET{background:#1d6fa5}.POST{background:#2f855a}.PATCH,.PUT{background:#b7791f}.DELETE{background:#c53030}
code{font:14px ui-monospace,monospace} .who{color:#5b6675;font-size:13px} p{margin:.3rem 0}
</style></head><body>
<h1>{{.Title}} <small>{{.Version}}</small></h1>
<p>The machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1; also <a href="/api/openapi.yaml">YAML</a>).</p>
<p style="white-space:pre-line">{{.Description}}</p>
{{range .Groups}}<h2>{{.Tag}}</h2>{{range .Ops}}
<div class="op"><span class="m {{.Method}}">{{.Method}}</span><code>{{.Path}}</code>
{{with .Summary}}<p><strong>{{.}}</strong></p>{{end}}{{with .Description}}<p>{{.}}</p>{{end}}{{with .Permission}}<p class="who">{{.}}</p>{{end}}</div>
{{end}}{{end}}
</body></html>`))
