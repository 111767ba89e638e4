package cli

// The routes bench pages walks, and the ids that fill their path
// parameters: sampled from the database, spread over each table's range.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/web"
)

// idSource is where the ids of a path parameter come from: a column of a
// table, never input.
type idSource struct{ table, column string }

// idSources maps the path segment before a parameter to the ids it takes:
// /customers/{id} takes customer ids. idRoutes overrides it for a route
// whose ids are a subset (a customer's value exists once a refit saw them).
var (
	idSources = map[string]idSource{
		"customers": {"customers", "id"}, "products": {"products", "id"}, "employees": {"employees", "id"},
		"locations": {"locations", "id"}, "teams": {"teams", "id"}, "purchases": {"purchases", "id"},
		"cases": {"recovery_cases", "id"}, "webhooks": {"webhook_subscriptions", "id"},
		"followups": {"follow_ups", "id"}, "responses": {"responses", "id"}, "surveys": {"surveys", "id"},
		"goals": {"goals", "id"}, "event-logs": {"event_logs", "id"}, "process-maps": {"process_maps", "id"},
		"preferences": {"customer_preferences", "id"}, "notes": {"customer_preferences", "id"}, "listening-posts": {"listening_posts", "id"},
	}
	idRoutes = map[string]idSource{
		"GET /api/v1/customers/{id}/value": {"customer_value", "customer_id"},
	}
	// pairRoutes take two kinds of id that must belong together (a case
	// and one of its attachments): the query lists such pairs, at most ?.
	pairRoutes = map[string]string{
		"GET /api/v1/cases/{id}/attachments/{attachment_id}": attachmentPairs,
		"GET /cases/{id}/attachments/{attachment}":           attachmentPairs,
	}
)

// slugRoutes take a name rather than an id in their one parameter: the
// query lists such names, at most ?.
var slugRoutes = map[string]string{
	"GET /feedback/posts/{slug}": `SELECT slug FROM listening_posts ORDER BY id LIMIT ?`,
}

const attachmentPairs = `SELECT m.case_id, a.id FROM case_attachments a JOIN case_messages m ON m.id = a.case_message_id
	ORDER BY a.id DESC LIMIT ?`

// slugURLs fills path's one parameter with up to n names from query.
func slugURLs(ctx context.Context, db *store.DB, path, query string, n int) ([]string, error) {
	rows, err := db.Query(ctx, query, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var urls []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, err
		}
		urls = append(urls, paramRE.ReplaceAllLiteralString(path, url.PathEscape(slug)))
	}
	return urls, rows.Err()
}

// pairURLs fills path's two parameters with up to n pairs of ids from
// query; none when the query finds none.
func pairURLs(ctx context.Context, db *store.DB, path, query string, n int) ([]string, error) {
	rows, err := db.Query(ctx, query, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var urls []string
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		ids := []string{strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)}
		i := 0
		urls = append(urls, paramRE.ReplaceAllStringFunc(path, func(string) string { i++; return ids[min(i, 2)-1] }))
	}
	return urls, rows.Err()
}

// benchTargets picks the routes to walk — every GET UI page and every GET
// operation of the API, but not the plain routes (health, assets, the
// rate-limited public survey pages, the event stream) — and fills their
// path parameters with ids sampled from the database. A route whose
// parameter has no source, or whose table is empty, is returned as skipped.
func benchTargets(ctx context.Context, db *store.DB, routes []web.Route, n int) ([]benchTarget, []skipped, error) {
	var targets []benchTarget
	var skips []skipped
	sampled := map[idSource][]int64{}
	for _, r := range routes {
		if r.Method != http.MethodGet || (r.Kind != web.APIOperation && r.Kind != web.UIPage) {
			continue
		}
		name := r.Method + " " + r.Path
		path := strings.ReplaceAll(r.Path, "{$}", "")
		query, pairs := pairRoutes[name]
		slugs, isSlug := slugRoutes[name]
		if pairs || isSlug {
			fill := pairURLs
			if isSlug {
				query, fill = slugs, slugURLs
			}
			urls, err := fill(ctx, db, path, query, n)
			if err != nil {
				return nil, nil, fmt.Errorf("sample ids of %s: %w", name, err)
			}
			if len(urls) == 0 {
				skips = append(skips, skipped{Route: name, Reason: "no rows to take its ids from"})
			} else {
				targets = append(targets, benchTarget{route: name, urls: urls})
			}
			continue
		}
		segments := strings.Split(path, "/")
		var ids []int64
		reason := ""
		for i, s := range segments {
			if !strings.HasPrefix(s, "{") {
				continue
			}
			src, ok := idRoutes[name]
			if !ok && i > 0 {
				src, ok = idSources[segments[i-1]]
			}
			if !ok {
				reason = "no source of ids for " + s
				break
			}
			got, ok := sampled[src]
			if !ok {
				var err error
				if got, err = sampleIDs(ctx, db, src, n); err != nil {
					return nil, nil, err
				}
				sampled[src] = got
			}
			if len(got) == 0 {
				reason = "no rows in " + src.table
				break
			}
			ids = got
		}
		if reason != "" {
			skips = append(skips, skipped{Route: name, Reason: reason})
			continue
		}
		t := benchTarget{route: name}
		if ids == nil {
			t.urls = []string{path}
		}
		for _, id := range ids { // every parameter of a path is one kind of id so far
			t.urls = append(t.urls, paramRE.ReplaceAllString(path, strconv.FormatInt(id, 10)))
		}
		targets = append(targets, t)
	}
	return targets, skips, nil
}

// paramRE matches a path parameter such as {id}.
var paramRE = regexp.MustCompile(`\{[^}]+\}`)

// sampleIDs returns up to n ids of a table spread over its whole range,
// not just the oldest rows, so that caches and indexes are exercised as
// real traffic would.
func sampleIDs(ctx context.Context, db *store.DB, src idSource, n int) ([]int64, error) {
	var lo, hi, count int64
	col, table := src.column, src.table
	err := db.QueryRow(ctx, `SELECT COALESCE(MIN(`+col+`), 0), COALESCE(MAX(`+col+`), 0), COUNT(*) FROM `+table).Scan(&lo, &hi, &count)
	if err != nil {
		return nil, fmt.Errorf("sample ids of %s: %w", table, err)
	}
	if count == 0 {
		return nil, nil
	}
	seen := map[int64]bool{}
	var ids []int64
	step := max((hi-lo+1)/int64(n), 1)
	for at := lo; at <= hi && len(ids) < n; at += step {
		var id int64 // the first id at or after a point of the range: gaps are skipped over
		err := db.QueryRow(ctx, `SELECT `+col+` FROM `+table+` WHERE `+col+` >= ? ORDER BY `+col+` LIMIT 1`, at).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("sample ids of %s: %w", table, err)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
