package ui

import "testing"

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
