package ui

import (
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
)

func TestActorName(t *testing.T) {
	employee := func(id int64) string { return map[int64]string{4: "Max Manager"}[id] }
	for actor, want := range map[string]string{
		"employee:4":  "Max Manager",
		"token:2":     "An API token",
		"system":      "Fresco",
		"employee:x":  "employee:x",
		"import-2024": "import-2024",
		"model":       "The comment classifier",
	} {
		if got := actorName(actor, employee); got != want {
			t.Errorf("actorName(%q) = %q, want %q", actor, got, want)
		}
	}
}

// A done task's outcome stands apart from the task's name in the
// timeline: "Check it stayed fixed — Solved", not "…fixed Solved".
func TestEventTextTaskOutcome(t *testing.T) {
	e := fresco.CaseEvent{Kind: "task_completed", Body: []byte(`{"kind":"follow_through","outcome":"solved"}`)}
	got := eventText(e, func(int64) string { return "" }, func(any) string { return "" }, func(fresco.Money) string { return "" })
	if want := "Task done: " + label("follow_through") + " — " + label("solved"); got != want {
		t.Errorf("eventText = %q, want %q", got, want)
	}
	e.Body = []byte(`{"kind":"follow_through"}`)
	if got := eventText(e, func(int64) string { return "" }, func(any) string { return "" }, func(fresco.Money) string { return "" }); got != "Task done: "+label("follow_through") {
		t.Errorf("without an outcome: %q", got)
	}
}
