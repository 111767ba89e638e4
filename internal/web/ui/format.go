package ui

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// funcs are the template helpers. They format; they never query. Times,
// numbers and amounts are written the business's way (its zone, locale and
// currency: internal/settings); render reads the settings before it
// executes a page, so the helpers find them in memory.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":         u.assets.url,
		"money":         func(m fresco.Money) string { return u.format().Money(m) },
		"date":          u.formatDate,
		"day":           u.formatDay,
		"month":         monthWords,
		"datetime":      u.formatDateTime,
		"filesize":      sizeWords,
		"isodate":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"percent":       func(p float64) string { return strconv.FormatFloat(p*100, 'f', 0, 64) + "%" },
		"number":        u.formatNumber,
		"whole":         wholeNumber,
		"counted":       func(n int, one, many string) string { return countWords(u.format().Integer, int64(n), one, many) },
		"customer":      customerName,
		"role":          roleLabel,
		"initials":      initials,
		"query":         withQuery,
		"deref":         func(p *int64) int64 { return *p },
		"fieldOf":       fieldOf,
		"markForm":      markForm,
		"noteActions":   noteActions,
		"editableNotes": editableNotes,
	}
}

// wholeNumber is x rounded to a whole number, as printf's %.0f writes
// it but never "-0": a likely range of −22.6 to −0.4 reads "-23 to 0".
func wholeNumber(x float64) string {
	r := math.Round(x)
	if r == 0 {
		r = 0 // −0 compares equal to 0; this drops its sign
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// countWords is a count and its noun, "1 customer" or "1,204 customers",
// the number written the business's way: the one wording of a count, so no
// page says "1 customers".
func countWords(integer func(int64) string, n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return integer(n) + " " + many
}

// format is the formatter of the business's current settings.
func (u *UI) format() fresco.Formatter {
	if u.settings == nil { // a UI built bare, as unit tests of its error pages do
		return fresco.NewFormatter(fresco.DefaultSettings())
	}
	return u.settings.Formatter(context.Background())
}

// business returns the business's current settings.
func (u *UI) business(ctx context.Context) fresco.Settings {
	if u.settings == nil {
		return fresco.DefaultSettings()
	}
	return u.settings.Current(ctx)
}

// formatDate writes the day of a time or *time.Time in the business's
// zone; nil or zero is "—".
func (u *UI) formatDate(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "—"
	}
	return u.format().Date(t)
}

// monthWords writes a period key as people read it: a month ("2026-01")
// or its first day as "Jan 2026", a quarter ("2026-Q1") as "Jan–Mar 2026"
// (chain.PeriodWords); any other key as it is.
func monthWords(key string) string {
	if d, err := time.Parse(time.DateOnly, key); err == nil {
		key = d.Format("2006-01")
	}
	return chain.PeriodWords(key)
}

// formatDay writes a civil day kept as a UTC midnight (a note's expiry, an
// employment spell's first day) or as "YYYY-MM-DD" text (a refit's split)
// the business's way, without moving it into the business's zone.
func (u *UI) formatDay(v any) string {
	if s, ok := v.(string); ok {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s // not a day: shown as it is rather than hidden
		}
		v = d
	}
	t, ok := timeOf(v)
	if !ok {
		return "—"
	}
	return t.UTC().Format(u.format().Locale.Date)
}

// formatDateTime writes a time relative to now, in the business's zone:
// "today 14:05", "3 Dec 09:12"; nil or zero is "—".
func (u *UI) formatDateTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "—"
	}
	return u.format().Relative(t, u.now())
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
	if strings.Contains(path, "?") { // a path that carries its own query, as an ask page preselecting a survey
		return path + "&" + q.Encode()
	}
	return path + "?" + q.Encode()
}

// formatNumber writes a count held as any integer type (templates pass
// int and int64 fields alike) with the business's thousands separator.
func (u *UI) formatNumber(n any) (string, error) {
	switch x := n.(type) {
	case int:
		return u.format().Integer(int64(x)), nil
	case int32:
		return u.format().Integer(int64(x)), nil
	case int64:
		return u.format().Integer(x), nil
	}
	return "", fmt.Errorf("number: %T is not an integer", n)
}
