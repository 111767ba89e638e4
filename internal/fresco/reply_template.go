// Reply templates (macros): the canned answers staff pick when they write
// to a customer from a case, filled with the case's particulars.

package fresco

import (
	"regexp"
	"strings"
	"time"
)

// ReplyTemplate is a named subject and body with placeholders in braces,
// e.g. "Dear {customer_name}, about case #{case_number} …".
type ReplyTemplate struct {
	ID        int64
	Name      string
	Subject   string // "" keeps the reply's threaded subject
	Body      string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ReplyPlaceholders are the placeholders a reply template may use, and what
// each stands for.
var ReplyPlaceholders = []struct{ Name, Means string }{
	{"customer_name", "the customer's name"},
	{"case_number", "the case's number"},
	{"gesture", "the case's latest granted gesture, e.g. \"a refund of 40.00\""},
	{"employee_name", "the name of the employee who writes"},
	{"business", "the business's name"},
}

// Limits of a reply template's fields, in characters.
const (
	MaxReplyTemplateName = 100
	MaxReplySubject      = 300
	MaxReplyBody         = 20000
)

// placeholder is one {name} in a template's text.
var placeholder = regexp.MustCompile(`\{([A-Za-z0-9_]{1,40})\}`)

// Validate checks a template before it is stored: a name and a body, each
// field within its limit, and no placeholder Fresco cannot fill.
func (t *ReplyTemplate) Validate() error {
	var v Validation
	v.Text("name", t.Name, true, MaxReplyTemplateName)
	v.Text("subject", t.Subject, false, MaxReplySubject)
	v.Check(!strings.ContainsAny(t.Subject, "\r\n"), "subject", "must be one line")
	v.Text("body", t.Body, true, MaxReplyBody)
	for _, f := range []struct{ field, text string }{{"subject", t.Subject}, {"body", t.Body}} {
		if bad := UnknownPlaceholders(f.text); len(bad) > 0 {
			v.Add(f.field, "unknown placeholder %s; use %s", strings.Join(bad, ", "), placeholderList())
		}
	}
	return v.Err()
}

// UnknownPlaceholders lists the {placeholders} in s that are not
// ReplyPlaceholders, in braces, each once.
func UnknownPlaceholders(s string) []string {
	var bad []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !knownPlaceholder(m[1]) && !seen[m[1]] {
			seen[m[1]] = true
			bad = append(bad, m[0])
		}
	}
	return bad
}

func knownPlaceholder(name string) bool {
	for _, p := range ReplyPlaceholders {
		if p.Name == name {
			return true
		}
	}
	return false
}

func placeholderList() string {
	names := make([]string, len(ReplyPlaceholders))
	for i, p := range ReplyPlaceholders {
		names[i] = "{" + p.Name + "}"
	}
	return strings.Join(names, ", ")
}

// FillPlaceholders replaces each known {placeholder} in s by its value in
// values (by name without braces); anything else is left as written.
func FillPlaceholders(s string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := values[name]; ok && knownPlaceholder(name) {
			return v
		}
		return m
	})
}
