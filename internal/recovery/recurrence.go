package recovery

// Recurrence: cases of the same category, product or location piling up
// within a window raise an alert, checked as a case opens and as it
// closes.

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// detectRecurrence raises an alert when the case's category, product or
// location has reached the threshold within the window.
func (s *Service) detectRecurrence(ctx context.Context, ch *change) error {
	since := ch.at.Add(-s.opts.RecurrenceWindow)
	for _, k := range recurrenceKeys(ch.c) {
		n, err := ch.tx.CountCasesSince(ctx, k.dim, k.value, since, s.opts.RecurrenceThreshold)
		if err != nil {
			return err
		}
		if n < s.opts.RecurrenceThreshold {
			continue
		}
		dup, err := ch.tx.RecentRecurrenceAlert(ctx, k.dim, k.text, since)
		if err != nil {
			return err
		}
		if dup { // this key has had its alert; the case's other keys may not
			continue
		}
		// The alert says how many: count them all.
		if n, err = ch.tx.CountCasesSince(ctx, k.dim, k.value, since, 0); err != nil {
			return err
		}
		id := ch.c.ID
		a := &fresco.RecurrenceAlert{Dimension: k.dim, Value: k.text, Cases: n,
			WindowDays: int(s.opts.RecurrenceWindow / (24 * time.Hour)), CaseID: &id, CreatedAt: ch.at}
		if err := ch.tx.InsertRecurrenceAlert(ctx, a); err != nil {
			return err
		}
		if _, err := ch.event(ctx, "recurrence_alert", map[string]any{"dimension": k.dim, "value": k.text,
			"cases": n, "window_days": a.WindowDays}); err != nil {
			return err
		}
		managers, err := ch.tx.LocationManagers(ctx, ch.c.LocationID)
		if err != nil {
			return err
		}
		for _, m := range managers {
			if err := ch.notifyEmployee(ctx, m, "recurrence_alert", fmt.Sprintf("Recurring problem: %d cases with %s %s in %d days",
				n, k.dim, k.text, a.WindowDays)); err != nil {
				return err
			}
		}
	}
	return nil
}

// recurrenceKey is one thing cases can have in common: a category, product
// or location, its value for the query and as the alert names it.
type recurrenceKey struct {
	dim   string
	value any
	text  string
}

// recurrenceKeys are the keys case c can recur on.
func recurrenceKeys(c *fresco.Case) []recurrenceKey {
	var keys []recurrenceKey
	if c.Category != "" {
		keys = append(keys, recurrenceKey{"category", c.Category, c.Category})
	}
	if p := c.ProductID; p != nil {
		keys = append(keys, recurrenceKey{"product", *p, strconv.FormatInt(*p, 10)})
	}
	if l := c.LocationID; l != nil {
		keys = append(keys, recurrenceKey{"location", *l, strconv.FormatInt(*l, 10)})
	}
	return keys
}
