package ui

import (
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/store"
)

type responsesView struct {
	Rows  []*store.ResponseRow
	Cases map[int64]int64 // the case opened from a response, by its id
	List  *listState
}

// scoreBandOptions are the response list's score bands in words.
var scoreBandOptions = []option{{Label: "Any score"},
	{Value: "detractor", Label: "Unhappy (NPS 0–6)"}, {Value: "passive", Label: "Neutral (NPS 7–8)"},
	{Value: "promoter", Label: "Would recommend (NPS 9–10)"},
	{Value: "csat-low", Label: "Unsatisfied (CSAT 1–2)"}, {Value: "csat-high", Label: "Satisfied (CSAT 4–5)"}}

// Responses is GET /responses: every answer with its comment, newest first,
// filtered by date, location, employee, listening post, segment, score
// band and comment text, paged both ways; ?format=csv downloads it.
func (u *UI) Responses(w http.ResponseWriter, r *http.Request) {
	lq := u.newListQuery(r)
	locations, err := u.locationOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	employees, err := u.employeeOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	posts, err := u.db.ListeningPosts(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	postOptions := []option{{Label: "Any way of listening"}}
	for _, p := range posts {
		postOptions = append(postOptions, option{Value: p.Slug, Label: p.Name})
	}
	var f store.ResponseListFilter
	f.Search = lq.text("q", "Comment contains")
	f.From, f.To = lq.dates("Answered")
	f.LocationID = lq.id("location", "Location", anyOption("Any location", locations))
	f.EmployeeID = lq.id("employee", "Served by", anyOption("Anyone", employees))
	f.PostSlug = lq.choice("post", "Listening post", postOptions)
	f.Band = lq.choice("score", "Score", scoreBandOptions)
	f.WithComment = lq.check("commented", "With a comment only")
	list, err := u.db.ResponseList(f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := lq.page(listSort{"date", true})
	if wantsCSV(r) {
		streamCSV(u, w, r, "responses", []string{"id", "responded_at", "listening_post", "customer_id", "customer", "location_id", "employee_id", "segment", "nps", "csat", "ces", "comment"},
			list, p, func(x *store.ResponseRow) []string {
				return []string{strconv.FormatInt(x.ID, 10), u.csvTime(&x.RespondedAt), x.PostSlug, csvID(x.CustomerID), x.CustomerName,
					csvID(x.LocationID), csvID(x.EmployeeID), x.Segment, csvInt(x.NPS), csvInt(x.CSAT), csvInt(x.CES), x.Comment}
			})
		return
	}
	page, err := list.Page(r.Context(), p)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count, err := list.Count(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	ids := make([]int64, len(page.Rows))
	for i, x := range page.Rows {
		ids[i] = x.ID
	}
	cases, err := u.db.CasesOfResponses(r.Context(), ids)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "responses", "Responses", responsesView{Rows: page.Rows, Cases: cases,
		List: lq.state("/responses", p, count, page.Prev, page.Next)})
}
