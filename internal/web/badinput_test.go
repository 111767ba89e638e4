package web_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestNoServerErrorForAnyInput walks every operation of the served OpenAPI
// document and sends it bad input, one parameter or body field at a time:
// wrong types, huge sizes, NUL, bytes that are not UTF-8, NaN and ±Inf, and
// numbers beyond int64. Whatever the input, the answer is a 4xx (or a
// success), never a 5xx or a panic, and a JSON answer is JSON.
func TestNoServerErrorForAnyInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		surveyFixture(t, w)
		doc := w.call(fresco.RoleOwner, "GET", "/api/openapi.json", nil, 200)
		var walk openAPIWalk
		if err := remarshal(doc, &walk); err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, path := range slices.Sorted(maps.Keys(walk.Paths)) {
			for method, op := range walk.Paths[path] {
				for _, req := range walk.badRequests(strings.ToUpper(method), path, op) {
					req.role = fresco.RoleOwner
					res := w.do(req)
					sent++
					if res.Code >= 500 {
						t.Errorf("%s %s (%s) = %s", req.method, truncate(req.path), describe(req.body), truncate(res.String()))
						continue
					}
					if leak := internals.FindString(string(res.Body)); leak != "" {
						t.Errorf("%s %s (%s): the answer tells of internals (%q): %s", req.method, truncate(req.path), describe(req.body), leak, truncate(string(res.Body)))
					}
					if strings.Contains(res.Header.Get("Content-Type"), "json") && !json.Valid(res.Body) {
						t.Errorf("%s %s (%s): a JSON content type with a body that is not JSON: %s", req.method, truncate(req.path), describe(req.body), truncate(string(res.Body)))
					}
				}
			}
		}
		t.Logf("%d bad requests to %d paths", sent, len(walk.Paths))
	})
}

// openAPIWalk is the part of the OpenAPI document the walk reads.
type openAPIWalk struct {
	Paths      map[string]map[string]walkOperation `json:"paths"`
	Components struct {
		Schemas map[string]*walkSchema `json:"schemas"`
	} `json:"components"`
}

type walkOperation struct {
	Parameters []struct {
		Name   string      `json:"name"`
		In     string      `json:"in"`
		Schema *walkSchema `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *walkSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

type walkSchema struct {
	Ref        string                 `json:"$ref"`
	Type       any                    `json:"type"` // a name, or a list such as ["string","null"]
	Format     string                 `json:"format"`
	Enum       []any                  `json:"enum"`
	Properties map[string]*walkSchema `json:"properties"`
	Required   []string               `json:"required"`
	Items      *walkSchema            `json:"items"`
	OneOf      []*walkSchema          `json:"oneOf"`
}

// Values that no parameter of any type should turn into a 5xx.
var badParamValues = []string{
	"\x00", "a\x00b", "\xff\xfe", "NaN", "Inf", "-Inf", "+Inf", "1e309", "-1e309",
	"9223372036854775808", "-9223372036854775809", "99999999999999999999999999", "-1", "0", "1.5",
	"true", "abc", "", "%", strings.Repeat("9", 4096), strings.Repeat("x", 64<<10),
}

// Raw JSON values put in place of one field of an otherwise plausible body.
var badJSONValues = []string{
	`"\u0000"`, `"a\u0000b"`, "\"\xff\xfe\"", `"NaN"`, `"Infinity"`, `"-Inf"`, `1e309`, `-1e309`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775809`, `1e19`, `-1`, `0`, `1.5`,
	`true`, `null`, `[]`, `{}`, `"x"`, `""`, `"12,50"`, `"0000-00-00"`, `"9999-12-31T23:59:59Z"`,
	`"` + strings.Repeat("x", 1<<20) + `"`, `[` + strings.Repeat(`"t",`, 20000) + `"t"]`,
}

// Whole bodies that are bad in themselves.
var badBodies = []string{"", "{", "null", "[]", `"\u0000"`, "\xff", `{"a":` + strings.Repeat("[", 10000)}

// badRequests are the requests to send one operation: every parameter and
// body field with every bad value, each alone in an otherwise plausible
// request (about 12,000 for the whole API, some 10 s on each engine).
func (d *openAPIWalk) badRequests(method, path string, op walkOperation) []request {
	var reqs []request
	existing := "1"
	if method == http.MethodDelete {
		existing = "999999" // not the caller's own token
	}
	pathFor := func(name, value string) string {
		return pathParam.ReplaceAllStringFunc(path, func(p string) string {
			if p[1:len(p)-1] == name {
				return url.PathEscape(value)
			}
			return existing
		})
	}
	contentType, body := d.plausibleBody(op)
	base := request{method: method, path: pathFor("", ""), body: body, header: http.Header{"Content-Type": {contentType}}}
	reqs = append(reqs, base)
	for _, p := range op.Parameters {
		for _, v := range badParamValues {
			req := base
			switch p.In {
			case "path":
				req.path = pathFor(p.Name, v)
			case "query":
				req.path = base.path + "?" + url.Values{p.Name: {v}}.Encode()
			case "header":
				req.header = http.Header{"Content-Type": {contentType}, p.Name: {strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "")}}
			default:
				continue
			}
			reqs = append(reqs, req)
		}
	}
	if op.RequestBody == nil {
		return reqs
	}
	for _, b := range badBodies {
		req := base
		req.body = b
		reqs = append(reqs, req)
	}
	if contentType != "application/json" {
		for _, b := range []string{"comment\n\x00\n", "comment\n\xff\n", "nps\nNaN\n", "nps\n9223372036854775808\n"} {
			req := base
			req.body = b
			reqs = append(reqs, req)
		}
		return reqs
	}
	plausible := d.example(op.RequestBody.Content[contentType].Schema, 0)
	for _, leaf := range d.leaves(op.RequestBody.Content[contentType].Schema, nil, 0) {
		for _, v := range badJSONValues {
			req := base
			req.body = replaceAt(plausible, leaf, json.RawMessage(v))
			reqs = append(reqs, req)
		}
	}
	return reqs
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// internals are what an answer must not show a caller: SQL errors and Go's
// decoding messages, which name types rather than fields.
var internals = regexp.MustCompile(`(?i)SQLSTATE|pq: |sqlite|syntax error at|Go struct field|Go value of type|json: cannot unmarshal`)

// plausibleBody is the operation's content type and a body that would pass
// its schema, for the bad parameters to be the only thing wrong.
func (d *openAPIWalk) plausibleBody(op walkOperation) (string, any) {
	if op.RequestBody == nil {
		return "application/json", nil
	}
	if _, ok := op.RequestBody.Content["application/json"]; !ok {
		for ct := range op.RequestBody.Content {
			return ct, "comment\nfine\n"
		}
	}
	data, _ := json.Marshal(d.example(op.RequestBody.Content["application/json"].Schema, 0))
	return "application/json", data
}

func (d *openAPIWalk) resolve(s *walkSchema) *walkSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

func (s *walkSchema) is(typ string) bool {
	switch t := s.Type.(type) {
	case string:
		return t == typ
	case []any:
		return slices.Contains(t, any(typ))
	}
	return false
}

// example builds a value that fits s: every property present, arrays of one.
func (d *openAPIWalk) example(s *walkSchema, depth int) any {
	s = d.resolve(s)
	switch {
	case s == nil || depth > 6:
		return nil
	case len(s.Enum) > 0:
		return s.Enum[0]
	case len(s.OneOf) > 0:
		return d.example(s.OneOf[0], depth+1)
	case s.is("object"):
		m := map[string]any{}
		for name, p := range s.Properties {
			m[name] = d.example(p, depth+1)
		}
		return m
	case s.is("array"):
		return []any{d.example(s.Items, depth+1)}
	case s.is("integer"), s.is("number"):
		return 1
	case s.is("boolean"):
		return true
	case s.Format == "date-time":
		return "2024-05-01T14:30:00Z"
	case s.Format == "date":
		return "2024-05-01"
	case s.Format == "email":
		return "x@example.com"
	}
	return "x"
}

// leaves lists the paths (property names and array indexes) to every field
// of s, nested ones included.
func (d *openAPIWalk) leaves(s *walkSchema, at []any, depth int) [][]any {
	s = d.resolve(s)
	if s == nil || depth > 6 {
		return nil
	}
	var out [][]any
	if len(at) > 0 {
		out = append(out, at)
	}
	switch {
	case s.is("object"):
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			out = append(out, d.leaves(s.Properties[name], append(slices.Clip(at), name), depth+1)...)
		}
	case s.is("array"):
		out = append(out, d.leaves(s.Items, append(slices.Clip(at), 0), depth+1)...)
	}
	return out
}

// replaceAt returns doc as JSON with the value at path replaced by v.
func replaceAt(doc any, path []any, v json.RawMessage) []byte {
	var walk func(node any, path []any) any
	walk = func(node any, path []any) any {
		if len(path) == 0 {
			return v
		}
		switch key := path[0].(type) {
		case string:
			m, _ := node.(map[string]any)
			out := map[string]any{}
			for k, x := range m {
				out[k] = x
			}
			out[key] = walk(m[key], path[1:])
			return out
		case int:
			a, _ := node.([]any)
			out := slices.Clone(a)
			if len(out) == 0 {
				out = []any{nil}
			}
			out[0] = walk(out[0], path[1:])
			return out
		}
		return node
	}
	data, err := json.Marshal(walk(doc, path))
	if err != nil {
		panic(err)
	}
	return data
}

func remarshal(from, to any) error {
	data, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, to)
}

func describe(body any) string {
	switch b := body.(type) {
	case []byte:
		return truncate(string(b))
	case string:
		return truncate(b)
	}
	return fmt.Sprint(body)
}

func truncate(s string) string {
	if len(s) > 300 {
		return fmt.Sprintf("%q… (%d bytes)", s[:300], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// TestUnstorableInputNamed: text PostgreSQL cannot store and numbers that are
// not numbers are refused with 422 naming the field, at every layer.
func TestUnstorableInputNamed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		surveyFixture(t, w)
		cases := []struct {
			name  string
			req   request
			field string
		}{
			{"NUL in a query", request{method: "GET", path: "/api/v1/customers?search=a%00b"}, "query.search"},
			{"not UTF-8 in a query", request{method: "GET", path: "/api/v1/responses?segment=%FF"}, "query.segment"},
			{"a huge query value", request{method: "GET", path: "/api/v1/customers?tag=" + strings.Repeat("x", 60000)}, "query.tag"},
			{"NUL in a path", request{method: "GET", path: "/api/v1/customers/%00"}, "path"},
			{"NaN", request{method: "GET", path: "/api/v1/clv/calculator?loyal_top=NaN"}, "query.loyal_top"},
			{"NaN in a text number", request{method: "GET", path: "/api/v1/clv/calculator?margin=NaN"}, "query.margin"},
			{"Inf in a number", request{method: "GET", path: "/api/v1/clv/pareto?top=-Inf"}, "query.top"},
			{"NUL in a body", request{method: "POST", path: "/api/v1/customers", body: `{"name":"a\u0000b"}`}, "body.name"},
			{"NUL in a nested body field", request{method: "POST", path: "/api/v1/purchases", body: `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"\u0000","quantity":1,"unit_price":"1"}]}`}, "body.lines[0].sku"},
			{"not UTF-8 in a body", request{method: "POST", path: "/api/v1/customers", body: "{\"name\":\"ok\",\"phone\":\"\xff\"}"}, "body.phone"},
			{"too many tags", request{method: "POST", path: "/api/v1/customers", body: `{"name":"Tagged","tags":["t` + strings.Repeat(`","t`, fresco.MaxTags) + `"]}`}, "body.tags"},
		}
		for _, c := range cases {
			c.req.role = fresco.RoleOwner
			if f := problem(t, w.do(c.req), http.StatusUnprocessableEntity); f[c.field] == "" {
				t.Errorf("%s: errors %v, want one at %s", c.name, f, c.field)
			}
		}
		// In a batch, each bad item is rejected with its field named, and the
		// good ones are stored.
		for field, item := range map[string]string{
			"lines[0].quantity": `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1e309,"unit_price":"1"}]}`,
			"external_id":       "{\"external_id\":\"\xff\",\"purchased_at\":\"2024-05-01T10:00:00Z\",\"lines\":[{\"sku\":\"X\",\"quantity\":1,\"unit_price\":\"1\"}]}",
		} {
			good := `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"GOOD","quantity":1,"unit_price":"1"}]}`
			batch := w.call(fresco.RoleOwner, "POST", "/api/v1/purchases:batch", `{"purchases":[`+item+`,`+good+`]}`, 200)
			results := batch["results"].([]any)
			bad := results[0].(map[string]any)
			if errs, _ := bad["errors"].([]any); bad["status"] != "rejected" || len(errs) != 1 || errs[0].(map[string]any)["field"] != field ||
				results[1].(map[string]any)["status"] != "created" {
				t.Errorf("batch with a bad %s: %v", field, results)
			}
		}
		csv := request{method: "POST", path: "/api/v1/responses:import", role: fresco.RoleOwner, body: "comment\nfine\nnot\x00fine\n",
			header: http.Header{"Content-Type": {"text/csv"}}}
		if f := problem(t, w.do(csv), http.StatusUnprocessableEntity); !strings.Contains(f["body"], "line 3") {
			t.Errorf("NUL in a CSV: %v", f)
		}
		login := form(url.Values{"email": {"a\x00@example.com"}, "password": {"x"}})
		login.path = "/login"
		if res := w.do(login); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("NUL in the login form = %d", res.Code)
		}
		widget := form(url.Values{"q_nps": {"9"}, "q_better": {"\xff"}})
		widget.path = "/w/after-visit"
		if res := w.do(widget); res.Code != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "UTF-8") {
			t.Errorf("not UTF-8 in the survey widget = %d %s", res.Code, res.Body)
		}
	})
}

// countingReader is a body that never ends and counts what was read of it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	c.n += int64(len(p))
	return len(p), nil
}

// TestBodiesBoundedWhileRead: a body larger than its operation allows is
// refused with 413 once the limit is read, not after all of it is.
func TestBodiesBoundedWhileRead(t *testing.T) {
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	for _, c := range []struct{ path, contentType string }{
		{"/api/v1/responses:import", "text/csv"},
		{"/api/v1/inbound/email", "message/rfc822"},
		{"/api/v1/customers", "application/json"},
		{"/api/v1/purchases:batch", "application/json"},
	} {
		body := &countingReader{}
		r := httptest.NewRequest("POST", c.path, body)
		r.Header.Set("Content-Type", c.contentType)
		r.Header.Set("Authorization", "Bearer "+f.tokens[fresco.RoleOwner])
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, r)
		if rec.Code != http.StatusRequestEntityTooLarge || body.n > 70<<20 {
			t.Errorf("POST %s of an endless body = %d after reading %d MiB", c.path, rec.Code, body.n>>20)
		}
	}
}
