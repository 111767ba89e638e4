package chain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Periods are calendar months or quarters. A period is labelled YYYY-MM or
// YYYY-Qn; its customer figures count UTC days [Start, End), its pulse and
// headcount figures the months of the same labels in the business's
// calendar.

// Period kinds.
const (
	Month   = "month"
	Quarter = "quarter"
)

type period struct {
	Label      string
	Start, End time.Time // UTC; End is the next period's Start
	Months     []string  // YYYY-MM
}

func monthLabel(t time.Time) string { return t.Format("2006-01") }

// periodOf returns the period of kind that contains t.
func periodOf(kind string, t time.Time) period {
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	if kind == Quarter {
		start = time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	}
	return periodFrom(kind, start)
}

func periodFrom(kind string, start time.Time) period {
	months := 1
	if kind == Quarter {
		months = 3
	}
	p := period{Start: start, End: start.AddDate(0, months, 0), Label: monthLabel(start)}
	if kind == Quarter {
		p.Label = fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)
	}
	for i := range months {
		p.Months = append(p.Months, monthLabel(start.AddDate(0, i, 0)))
	}
	return p
}

func (p period) next(kind string) period { return periodFrom(kind, p.End) }

func (p period) prev(kind string) period {
	months := 1
	if kind == Quarter {
		months = 3
	}
	return periodFrom(kind, p.Start.AddDate(0, -months, 0))
}

// periodsBetween lists the periods of kind from the one containing from to
// the one containing to.
func periodsBetween(kind string, from, to time.Time) []period {
	var out []period
	for p, last := periodOf(kind, from), periodOf(kind, to); !p.Start.After(last.Start); p = p.next(kind) {
		out = append(out, p)
	}
	return out
}

// parsePeriodParam reads from or to: a month (2025-03), a date
// (2025-03-14, its month) or a quarter (2025-Q1, its first month); ""
// stays zero.
func parsePeriodParam(v *fresco.Validation, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if start, ok := quarterStart(s); ok {
		return start
	}
	for _, layout := range []string{"2006-01", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	v.Add(field, "must be a month (2025-03), a date (2025-03-01) or a quarter (2025-Q1), got %q", s)
	return time.Time{}
}

// quarterStart reads a quarter label (2025-Q1, any case) as its first day.
func quarterStart(s string) (time.Time, bool) {
	y, q, ok := strings.Cut(strings.ToUpper(s), "-Q")
	if !ok {
		return time.Time{}, false
	}
	year, e1 := strconv.Atoi(y)
	n, e2 := strconv.Atoi(q)
	if e1 != nil || e2 != nil || year < 1900 || year > 9999 || n < 1 || n > 4 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(3*(n-1)+1), 1, 0, 0, 0, 0, time.UTC), true
}

// PeriodWords names a period label for a sentence or a heading: "2026-05"
// is "May 2026" and "2026-Q2" "Apr–Jun 2026". A label of neither shape is
// returned as it is.
func PeriodWords(label string) string {
	if m, err := time.Parse("2006-01", label); err == nil {
		return m.Format("Jan 2006")
	}
	if start, ok := quarterStart(label); ok {
		return start.Format("Jan") + "–" + start.AddDate(0, 2, 0).Format("Jan 2006")
	}
	return label
}
