package store

// The WHERE clause of a list or report query is built from its filter's
// optional fields: each one that is set adds a condition.

import (
	"strings"
	"time"
)

// conditions gathers the conditions of a WHERE clause and the values of
// their placeholders. The conditions are this package's own SQL, never user
// input; only values go in args.
type conditions struct {
	list []string
	args []any
}

// add appends cond and the values of its placeholders.
func (c *conditions) add(cond string, args ...any) {
	c.list = append(c.list, cond)
	c.args = append(c.args, args...)
}

// idIs adds "column = id" when id is set.
func (c *conditions) idIs(column string, id *int64) {
	if id != nil {
		c.add(column+" = ?", *id)
	}
}

// textIs adds "column = s" when s is not empty.
func (c *conditions) textIs(column, s string) {
	if s != "" {
		c.add(column+" = ?", s)
	}
}

// within adds from <= column < to, leaving out a zero end.
func (c *conditions) within(column string, from, to time.Time) {
	if !from.IsZero() {
		c.add(column+" >= ?", from.UTC())
	}
	if !to.IsZero() {
		c.add(column+" < ?", to.UTC())
	}
}

// sql joins the conditions with AND; none is "1 = 1".
func (c *conditions) sql() string {
	if len(c.list) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.list, " AND ")
}
