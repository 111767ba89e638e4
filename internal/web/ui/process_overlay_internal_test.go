package ui

import (
	"fmt"
	"testing"

	"github.com/fresco-cx/fresco/internal/mining"
)

// TestDeviationRowsLinkTheFirstCases: a deviation of many cases links the
// first deviationLinks to their case pages and counts the rest; a small
// one links them all.
func TestDeviationRowsLinkTheFirstCases(t *testing.T) {
	t.Parallel()
	many := make([]string, deviationLinks+50)
	for i := range many {
		many[i] = fmt.Sprint("case-", i+1)
	}
	rows := deviationRows([]mining.Deviation{
		{Kind: mining.DeviationArc, From: "A", To: "B", Count: 200, CaseIDs: many},
		{Kind: mining.DeviationArc, From: "B", To: "C", Count: 2, CaseIDs: []string{"case-7", "case-9"}},
	}, true)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if r := rows[0]; len(r.Cases) != deviationLinks || r.More != 50 || r.InCases != deviationLinks+50 || r.Cases[0].Href != "/cases/1" {
		t.Errorf("many: %d links, %d more, in %d cases, first %+v", len(r.Cases), r.More, r.InCases, r.Cases[0])
	}
	if r := rows[1]; len(r.Cases) != 2 || r.More != 0 || r.InCases != 2 || r.Cases[1].Href != "/cases/9" {
		t.Errorf("few: %+v", r)
	}
}
