package web_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestRequiredFieldsDocumented sends every operation that takes a JSON body
// a body holding only the fields its schema marks required. The server may
// refuse it for what the values say (an unknown id, a bad combination), but
// never because a field it requires is missing: what the server requires,
// the document marks required.
func TestRequiredFieldsDocumented(t *testing.T) {
	t.Parallel()
	w := newFBWorld(t, storetest.Open(t, storetest.SQLiteURL(t)))
	surveyFixture(t, w)
	var walk openAPIWalk
	if err := remarshal(w.call(fresco.RoleOwner, "GET", "/api/openapi.json", nil, 200), &walk); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, path := range slices.Sorted(maps.Keys(walk.Paths)) {
		for method, op := range walk.Paths[path] {
			if op.RequestBody == nil || op.RequestBody.Content["application/json"].Schema == nil {
				continue
			}
			if s := walk.resolve(op.RequestBody.Content["application/json"].Schema); s == nil || len(s.Properties) == 0 {
				continue // a free-form object (an SLA policy) describes its fields in prose
			}
			body, _ := json.Marshal(walk.minimal(op.RequestBody.Content["application/json"].Schema, 0))
			res := w.do(request{method: strings.ToUpper(method), path: pathParam.ReplaceAllString(path, "1"), body: body,
				role: fresco.RoleOwner, header: http.Header{"Content-Type": {"application/json"}}})
			checked++
			if res.Code != http.StatusUnprocessableEntity && res.Code != http.StatusBadRequest {
				continue
			}
			var problem struct {
				Errors []struct{ Location, Message string }
			}
			json.Unmarshal(res.Body, &problem)
			for _, e := range problem.Errors {
				if oneOfTwo[e.Location] {
					continue
				}
				if e.Message == "is required" || strings.HasSuffix(e.Message, "is required") {
					t.Errorf("%s %s with only the documented required fields (%s): %s %s: mark it required",
						strings.ToUpper(method), path, body, e.Location, e.Message)
				}
			}
		}
	}
	t.Logf("%d operations with a JSON body", checked)
}

// oneOfTwo are fields required unless another is given, which a schema
// cannot mark required; their descriptions say so.
var oneOfTwo = map[string]bool{
	"body.lines[0].sku": true, // or product_id
}

// minimal builds a value that fits s with only its required properties.
func (d *openAPIWalk) minimal(s *walkSchema, depth int) any {
	s = d.resolve(s)
	if s == nil || !s.is("object") {
		if s != nil && s.is("array") {
			return []any{d.minimal(s.Items, depth+1)}
		}
		return d.example(s, depth)
	}
	m := map[string]any{}
	for _, name := range s.Required {
		m[name] = d.minimal(s.Properties[name], depth+1)
	}
	return m
}
