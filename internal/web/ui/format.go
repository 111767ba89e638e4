package ui

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// funcs are the template helpers. They format; they never query.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":    u.assets.url,
		"money":    formatMoney,
		"date":     formatDate,
		"datetime": formatDateTime,
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"percent":  func(p float64) string { return strconv.FormatFloat(p*100, 'f', 0, 64) + "%" },
		"number":   func(n int64) string { return groupDigits(strconv.FormatInt(n, 10)) },
		"customer": customerName,
		"role":     roleLabel,
		"initials": initials,
		"query":    withQuery,
		"deref":    func(p *int64) int64 { return *p },
		"fieldOf":  fieldOf,
	}
}

// formatMoney writes an amount with thousands separators: 1,234.50.
func formatMoney(m fresco.Money) string {
	s := m.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := groupDigits(whole) + "." + frac
	if neg {
		return "−" + out // a true minus sign reads better than a hyphen
	}
	return out
}

func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// formatDate accepts a time or a *time.Time; nil or zero is "—".
func formatDate(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006")
}

func formatDateTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil || t.IsZero() {
			return time.Time{}, false
		}
		return *t, true
	}
	return time.Time{}, false
}

// customerName is how a customer is called on screen: the name, else the
// e-mail, else the external id, else the number.
func customerName(c *fresco.Customer) string {
	switch {
	case c == nil:
		return ""
	case strings.TrimSpace(c.Name) != "":
		return c.Name
	case c.Email != "":
		return c.Email
	case c.ExternalID != "":
		return "Customer " + c.ExternalID
	default:
		return "Unnamed customer" // never the database number
	}
}

func roleLabel(r fresco.Role) string {
	switch r {
	case fresco.RoleOwner:
		return "Owner"
	case fresco.RoleManager:
		return "Manager"
	case fresco.RoleAgent:
		return "Agent"
	case fresco.RoleAnalyst:
		return "Analyst"
	}
	return string(r)
}

func initials(name string) string {
	var out []rune
	for _, f := range strings.Fields(name) {
		for _, r := range f {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// withQuery returns path with the given key/value pairs as its query,
// leaving out empty values: {{query "/customers" "q" .Q "cursor" .Next}}.
func withQuery(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
