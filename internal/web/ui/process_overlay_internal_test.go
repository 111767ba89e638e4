package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processmap"
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

// TestMapPageSaysHowManyMoreCases: the map's page links a big deviation's
// first cases and points to the conformance API for the rest.
func TestMapPageSaysHowManyMoreCases(t *testing.T) {
	t.Parallel()
	u := templatesOnly(t)
	many := make([]string, deviationLinks+5)
	for i := range many {
		many[i] = fmt.Sprint("case-", i+1)
	}
	view := &mapPageView{Map: &fresco.ProcessMap{ID: 7, Name: "Complaint"}, Real: &overlayView{Log: "own", From: "2026-01-01",
		O:          &processmap.Overlay{Own: true, Cases: len(many)},
		Deviations: deviationRows([]mining.Deviation{{Kind: mining.DeviationArc, From: "A", To: "B", Count: len(many), CaseIDs: many}}, true)}}
	w := httptest.NewRecorder()
	u.render(w, httptest.NewRequest("GET", "/process-maps/7", nil), http.StatusOK, "process_map", "Complaint", view)
	body := w.Body.String()
	for _, want := range []string{`<a href="/cases/100">case-100</a> and 5 more`, `href="/api/v1/process-maps/7/conformance?log=own&amp;from=2026-01-01&amp;to="`} {
		if !strings.Contains(body, want) {
			i := strings.Index(body, "more (all")
			t.Errorf("page lacks %q: %d %.600s", want, w.Code, body[max(i, 0):])
		}
	}
	if strings.Contains(body, "/cases/101") {
		t.Error("case 101 linked")
	}
}
