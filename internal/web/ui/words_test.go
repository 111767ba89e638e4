package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web"
)

// TestPagesSpeakInWords walks every HTML page of the route table as each
// role would, on a generated business with follow-ups, a survey and a
// lifetime-value refit, and reads what a person sees: no stored code
// (csat_low, WEB_FORM), no "employee:5", no customer called by a database
// number, and no statistical term without a plain explanation beside it.
func TestPagesSpeakInWords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := wordsWorld(t, db)
		pages := map[string]bool{} // route patterns reached
		explained := false         // the value page says why lost segments can look alive
		for _, role := range fresco.Roles {
			cookie := demoLogin(t, db, role)
			reported := map[string]bool{} // a problem once per kind of page
			for target, body := range crawl(t, a, cookie) {
				pages[patternOf(target)] = true
				explained = explained || patternOf(target) == "/value" && strings.Contains(body, `id="segments-help"`) && strings.Contains(body, `id="segments"`)
				for _, p := range wordProblems(body) {
					if key := patternOf(target) + p; !reported[key] {
						reported[key] = true
						t.Errorf("%s sees %s: %s", role, target, p)
					}
				}
			}
		}
		if !explained {
			t.Error("the value page's segment table has no note on why a lost segment's chance of still buying can be high")
		}
		for _, r := range a.Server.Routes() {
			if r.Kind == web.UIPage && r.Method == http.MethodGet && !pages[r.Path] && !notAPage[r.Path] {
				t.Errorf("no page of %s was read", r.Path)
			}
		}
	})
}

// notAPage are UI routes answering GET with something other than a page.
var notAPage = map[string]bool{"/customers/search": true, "/login": true,
	"/cases/{id}/attachments/{attachment}": true} // a file of a case's thread

// TestWordProblemsFindCodes: the reader of TestPagesSpeakInWords finds
// what it is meant to find, and passes what a person should see.
func TestWordProblemsFindCodes(t *testing.T) {
	for _, c := range []struct {
		page string
		bad  bool
	}{
		{`<p>Reason: csat_low</p>`, true},
		{`<td>WEB_FORM</td>`, true},
		{`<td>by employee:5</td>`, true},
		{`<td>token:3</td>`, true},
		{`<td>above the limit (role:agent)</td>`, true},
		{`<a href="/customers/9">Customer #9</a>`, true},
		{`<p>mean P(alive) 40%</p>`, true},
		{`<p>log-likelihood −1234.5</p>`, true},
		{`<p>CLV 400.00</p>`, true},
		{`<p>NPS 40 (n = 12; 95% CI 20 to 60)</p>`, true},
		{`<td>case.task_created</td>`, true},
		{`<li>Task due 2026-06-11T22:29:11.959675Z</li>`, true},
		{`<td><small>{"why":"test"}</small></td>`, true},
		{`<select><option value="phone">phone</option></select>`, true},
		{`<p>bgnbd did fine</p>`, true},
		{`<p><abbr title="Customer lifetime value: what they will spend">CLV</abbr> 400.00, CLV last year 380.00</p>`, false},
		{`<select><option value="phone">Phone</option><option value="1">1</option></select>`, false},
		{`<p>Unhappy with satisfaction (CSAT 1–2)</p><abbr title="Customer satisfaction, 1 to 5">CSAT</abbr>`, false},
		{`<option value="csat_low">In person</option><script>var a_b = 1</script>`, false},
		{`<td>Case #12</td><td>Customer C-1001</td>`, false},
	} {
		if got := len(wordProblems(c.page)) > 0; got != c.bad {
			t.Errorf("%s: problems %v, want some: %v", c.page, wordProblems(c.page), c.bad)
		}
	}
}

// wordsWorld is a generated business, refitted, with the work a running
// server would have made from its feedback: follow-ups and notifications.
func wordsWorld(t *testing.T, db *store.DB) *app.App {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, db, demo.Options{Customers: 150, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	a := apptest.New(t, db)
	if _, err := a.Value.Refit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT id, COALESCE(nps, 10), COALESCE(csat, 5) FROM responses
		WHERE customer_id IS NOT NULL AND (nps <= 6 OR csat <= 2) ORDER BY id DESC LIMIT 6`)
	if err != nil {
		t.Fatal(err)
	}
	type bad struct{ id, nps, csat int64 }
	var bads []bad
	for rows.Next() {
		var b bad
		if err := rows.Scan(&b.id, &b.nps, &b.csat); err != nil {
			t.Fatal(err)
		}
		bads = append(bads, b)
	}
	if err := rows.Close(); err != nil || len(bads) == 0 {
		t.Fatalf("%d unhappy responses, %v", len(bads), err)
	}
	for _, b := range bads {
		if _, err := a.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: b.id,
			Flags: feedback.Flags{Detractor: b.nps <= 6, CSATLow: b.csat <= 2}}); err != nil {
			t.Fatal(err)
		}
	}
	post, err := db.ListeningPostBySlug(ctx, "survey")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSurvey(ctx, &fresco.Survey{Slug: "after-your-stay", Name: "After your stay", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}); err != nil {
		t.Fatal(err)
	}
	// A note on every customer, so that whichever customer page is read
	// offers a note's own page (/notes/{id}/edit) to read too.
	if _, err := db.Exec(ctx, `INSERT INTO customer_preferences (customer_id, kind, text, source, created_by, created_at, updated_at)
		SELECT id, 'likes', 'Prefers the window table', 'observed', 'test', ?, ? FROM customers
		WHERE id NOT IN (SELECT customer_id FROM customer_preferences)`, time.Now().UTC(), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	return a
}

// demoLogin opens a session for the demo's login of the role.
func demoLogin(t *testing.T, db *store.DB, role fresco.Role) *http.Cookie {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM employees WHERE email = ?`, string(role)+"@example.com").Scan(&id); err != nil {
		t.Fatalf("%s: %v", role, err)
	}
	return apptest.Session(t, db, id)
}

// crawl reads the pages a person reaches from the navigation by following
// links: every list and a few of each kind of detail page and filter.
func crawl(t *testing.T, a *app.App, cookie *http.Cookie) map[string]string {
	t.Helper()
	const perPattern = 4
	seen := map[string]string{}
	reached := map[string]int{}
	queue := []string{"/"}
	for _, r := range a.Server.Routes() {
		if r.Kind == web.UIPage && r.Method == http.MethodGet && !strings.Contains(r.Path, "{") && !notAPage[r.Path] {
			queue = append(queue, strings.TrimSuffix(r.Path, "{$}"))
		}
	}
	for len(queue) > 0 && len(seen) < 400 {
		target := queue[0]
		queue = queue[1:]
		if _, done := seen[target]; done || reached[patternOf(target)+"?"+queryKeys(target)] >= perPattern {
			continue
		}
		reached[patternOf(target)+"?"+queryKeys(target)]++
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		a.Server.ServeHTTP(rec, req)
		if rec.Code == http.StatusForbidden || rec.Code == http.StatusNotFound {
			seen[target] = ""
			continue
		}
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			if rec.Code >= 500 {
				t.Errorf("GET %s = %d", target, rec.Code)
			}
			seen[target] = ""
			continue
		}
		seen[target] = rec.Body.String()
		queue = append(queue, pageLinks(target, rec.Body.String())...)
	}
	for k, v := range seen {
		if v == "" {
			delete(seen, k)
		}
	}
	return seen
}

var idSegment = regexp.MustCompile(`/\d+(/|$)`)

// patternOf is the route pattern of a path: /cases/12 → /cases/{id}.
func patternOf(target string) string {
	p, _, _ := strings.Cut(target, "?")
	p, _, _ = strings.Cut(p, "#")
	if p == "/" {
		return "/{$}"
	}
	for idSegment.MatchString(p) {
		p = idSegment.ReplaceAllString(p, "/{id}$1")
	}
	if strings.HasPrefix(p, "/feedback/posts/") { // listening posts go by slug
		return "/feedback/posts/{slug}"
	}
	return p
}

func queryKeys(target string) string {
	_, q, _ := strings.Cut(target, "?")
	v, _ := url.ParseQuery(q)
	var keys []string
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// pageLinks are the same-site page links of a page, CSV downloads and the
// API left out.
func pageLinks(from, body string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data != "a" {
			continue
		}
		for _, at := range tok.Attr {
			if at.Key != "href" {
				continue
			}
			u, err := url.Parse(at.Val)
			if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || u.Query().Get("format") == "csv" ||
				slices.ContainsFunc([]string{"/api/", "/static/", "/s/", "/w/", "/docs", "/logout", "/metrics"}, func(p string) bool { return strings.HasPrefix(u.Path, p) }) ||
				strings.HasSuffix(u.Path, ".csv") {
				continue
			}
			u.Fragment = ""
			out = append(out, u.String())
		}
	}
}

var (
	placeholder = regexp.MustCompile(`\{[a-z][a-z0-9_]*\}`)
	snakeCode   = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	upperCode   = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`)
	actorRef    = regexp.MustCompile(`\b(?:(?:employee|token|customer|system|api|user):\d+|role:[a-z]+)\b`)
	numbered    = regexp.MustCompile(`\b(?:Customer|Employee|customer|employee) #\d+\b`)
	// Statistics shorthand: "n = 12", "n < 10".
	sampleSize = regexp.MustCompile(`\bn [=<] \d`)
	// Event and audit codes: case.task_created, followup.opened.
	dotted = regexp.MustCompile(`\b(?:case|followup|response|loop|feedback|survey|customer|employee|gesture|webhook|sla_policy|authority_limit)\.[a-z_]+\b`)
	// A time as stored, not as people write it.
	rawTime = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d`)
	// A stored record's raw JSON.
	rawJSON = regexp.MustCompile(`\{"[a-z_]+":`)
	// Words that never reach a page: model internals with no use to a
	// manager, and phrasing from the books behind the model.
	neverShown = []string{"log-likelihood", "loglik", "converged", "did not converge", "texts' calculator",
		"Pareto/NBD", "Gamma-Gamma", "BG/NBD", "bgnbd", "gammagamma", "P(alive)", "quintile", "Spearman", "Pearson",
		"NaN", "<nil>", "%!"}
	// Terms a page may use if it explains them once, in an <abbr title>.
	explained = []string{"CLV", "RFM", "CI", "confidence interval"}
)

// wordProblems reads a page as a person does — the text, the hover titles,
// placeholders and labels, never markup, scripts or form values — and lists
// what a person should not have to decode.
func wordProblems(page string) []string {
	text, abbrs, options := visibleText(page)
	out := options
	// A placeholder in braces ({customer_name}) is what people type into a
	// template, not a stored code they must decode.
	coded := placeholder.ReplaceAllString(text, " ")
	for _, re := range []*regexp.Regexp{snakeCode, upperCode, actorRef, numbered, sampleSize, dotted, rawJSON, rawTime} {
		for _, m := range re.FindAllString(coded, 3) {
			out = append(out, fmt.Sprintf("code %q in %q", m, around(text, m)))
		}
	}
	for _, w := range neverShown {
		if strings.Contains(text, w) {
			out = append(out, fmt.Sprintf("jargon %q in %q", w, around(text, w)))
		}
	}
	for _, w := range explained {
		if regexp.MustCompile(`\b`+regexp.QuoteMeta(w)+`\b`).MatchString(text) && !abbrs[w] {
			out = append(out, fmt.Sprintf("%q is not explained on the page (%q)", w, around(text, w)))
		}
	}
	return out
}

func around(text, m string) string {
	i := strings.Index(text, m)
	from, to := max(0, i-60), min(len(text), i+len(m)+60)
	return strings.Join(strings.Fields(text[from:to]), " ")
}

// visibleText is the text of a page a person reads, with the hover titles,
// placeholders and labels; the terms explained by an <abbr title>; and the
// choices of a list that show their code (<option value="phone">phone).
func visibleText(page string) (string, map[string]bool, []string) {
	var b strings.Builder
	abbrs := map[string]bool{}
	var codeOptions []string
	z := html.NewTokenizer(strings.NewReader(page))
	skip, inAbbr, option := 0, false, ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String(), abbrs, codeOptions
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "template":
				if tt == html.StartTagToken {
					skip++
				}
			case "abbr":
				for _, at := range tok.Attr {
					inAbbr = inAbbr || (at.Key == "title" && at.Val != "")
				}
			case "option":
				for _, at := range tok.Attr {
					if at.Key == "value" {
						option = at.Val
					}
				}
			}
			for _, at := range tok.Attr {
				if at.Key == "title" || at.Key == "placeholder" || at.Key == "aria-label" || at.Key == "alt" {
					b.WriteString(" " + at.Val + " ")
				}
			}
		case html.EndTagToken:
			switch tok := z.Token(); tok.Data {
			case "script", "style", "template":
				skip = max(0, skip-1)
			case "abbr":
				inAbbr = false
			}
			b.WriteString(" ")
		case html.TextToken:
			if skip == 0 {
				s := string(z.Text())
				if inAbbr {
					abbrs[strings.TrimSpace(s)] = true
				}
				if option != "" && strings.TrimSpace(s) == option && strings.ToLower(option) == option && strings.Trim(option, "0123456789") != "" {
					codeOptions = append(codeOptions, fmt.Sprintf("the choice %q shows its code", option))
				}
				option = ""
				b.WriteString(s)
			}
		}
	}
}

// TestResponseRateBesideAnswers: a listening post's response rate never
// contradicts its volume. With no invitations the rate is "not tracked";
// with some, the answers that came without one are counted beside it.
func TestResponseRateBesideAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		answer := func(post string, n int) {
			for range n {
				score := 9
				if _, err := f.app.Feedback.Record(ctx, &feedback.Input{ListeningPost: post,
					Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		s := &fresco.Survey{Slug: "stay", Name: "Your stay", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
		if err := db.CreateSurvey(ctx, s); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for range 2 {
			if _, err := db.Exec(ctx, `INSERT INTO survey_invitations (survey_id, created_at, expires_at) VALUES (?, ?, ?)`,
				s.ID, now.Add(-time.Hour), now.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		answer("web_form", 3)
		answer("survey", 4)

		body := f.do(fresco.RoleOwner, "GET", "/feedback", nil).body
		row := func(name string) string {
			_, rest, ok := strings.Cut(body, `">`+name+`</a></th>`) // the post's name links to its page
			if !ok {
				t.Fatalf("no row for %s:\n%s", name, body)
			}
			r, _, _ := strings.Cut(rest, "</tr>")
			text, _, _ := visibleText(r)
			return strings.Join(strings.Fields(text), " ")
		}
		if web := row("Web form"); !strings.HasPrefix(web, "3 ") || !strings.Contains(web, "not tracked") || strings.Contains(web, "%") {
			t.Errorf("web form row: %q", web)
		}
		if survey := row("Survey"); !strings.HasPrefix(survey, "4 0% (0 of 2 invited answered") || !strings.Contains(survey, "plus 4 answers without an invitation") {
			t.Errorf("survey row: %q", survey)
		}
	})
}
