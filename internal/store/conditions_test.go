package store

import (
	"slices"
	"testing"
	"time"
)

func TestConditions(t *testing.T) {
	t.Parallel()
	id, from := int64(7), time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	var none conditions
	none.idIs("a", nil)
	none.textIs("b", "")
	none.within("c", time.Time{}, time.Time{})
	if none.sql() != "1 = 1" || len(none.args) != 0 {
		t.Errorf("unset filters: %q %v, want 1 = 1 and no args", none.sql(), none.args)
	}

	var w conditions
	w.add("x > ?", 1)
	w.idIs("a", &id)
	w.textIs("b", "s")
	w.within("c", from, time.Time{})
	w.add("flag")
	if want := "x > ? AND a = ? AND b = ? AND c >= ? AND flag"; w.sql() != want {
		t.Errorf("sql = %q, want %q", w.sql(), want)
	}
	if want := []any{1, int64(7), "s", from.UTC()}; !slices.Equal(w.args, want) {
		t.Errorf("args = %v, want %v", w.args, want)
	}
}
