package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLabel(t *testing.T) {
	for code, want := range map[string]string{
		"csat_low":           "Unhappy with satisfaction (CSAT 1–2)",
		"in_person":          "In person",
		"web_form":           "Website form",
		"case.task_created":  "Task added",
		"case.something_new": "Case: something new", // an unlabelled event still reads as words
		"brand_new_code":     "Brand new code",
		"":                   "",
	} {
		if got := label(code); got != want {
			t.Errorf("label(%q) = %q, want %q", code, got, want)
		}
	}
	if got := reasonWords([]string{"detractor", "csat_low"}); got != "Would not recommend us (NPS 0–6); Unhappy with satisfaction (CSAT 1–2)" {
		t.Errorf("reasons: %q", got)
	}
}

// A code has one label wherever it appears; two would make a page's words
// depend on which group was read last.
func TestLabelsAgree(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"open"`) {
			t.Errorf("conflicting labels: recovered %v", r)
		}
	}()
	flattenLabels(map[string]map[string]string{"a": {"open": "Open"}, "b": {"open": "Not closed"}})
}

func TestTerm(t *testing.T) {
	h, err := termHTML("p_alive")
	if err != nil || !strings.HasPrefix(string(h), `<abbr title="Chance this customer still buys from you`) || !strings.HasSuffix(string(h), ">Chance still buying</abbr>") {
		t.Errorf("term = %s, %v", h, err)
	}
	if _, err := termHTML("p(alive)"); err == nil {
		t.Error("an unknown term renders")
	}
	bareUI := &UI{now: time.Now} // the default settings
	if got := stampWords("2026-06-11T22:29:11.959675Z", bareUI.formatDateTime); strings.Contains(got, "T22") || got == "" {
		t.Errorf("stampWords = %q", got)
	}
	if got := stampWords("tomorrow", bareUI.formatDateTime); got != "tomorrow" {
		t.Errorf("stampWords(tomorrow) = %q", got)
	}
}

// An audit detail shows a reply's recipient as it is, not as a code, and
// leaves out the template a reply sent without one does not name.
func TestAuditDetailOfAReply(t *testing.T) {
	got := auditDetail([]byte(`{"template_id":null,"to":"ann.lee@example.com","status":"sent"}`),
		func(string, int64) (string, bool) { return "", false }, func(v any) string { return fmt.Sprint(v) })
	if want := "Status: Sent · To: ann.lee@example.com"; got != want {
		t.Errorf("auditDetail = %q, want %q", got, want)
	}
}
