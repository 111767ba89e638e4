package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

type fbCommentsView struct {
	Taxonomy   string
	Rows       []fbCommentRow
	Categories text.Taxonomy
	Status     feedback.ClassifierStatus
	CanTrain   bool
	CanWrite   bool
	List       *listState
	Insights   commentInsights
	// Aspect filters the list to complaints about one process-quality
	// influence; the count then covers the other filters only.
	Aspect text.Aspect
	Back   string // this page with its filters, where the forms return
}

type fbCommentRow struct {
	R         *store.ResponseRow
	Post      string          // the listening post's name
	Suggested []text.Category // what the classifier suggests, by name
	Checked   map[string]bool // staff's categories, or else the suggested ones
	Aspect    string          // the influence a negative comment is about, in words
	By        string          // who categorised it, in words ("" nobody yet)
	Said      *saidView       // every answer of the response, behind "Every answer"
}

// SentimentWords is the comment's sentiment in words.
func (r fbCommentRow) SentimentWords() string {
	switch text.Polarity(r.R.SentimentLabel) {
	case text.Negative:
		return "Negative"
	case text.Neutral:
		return "Neutral"
	case text.Positive:
		return "Positive"
	}
	return ""
}

// SentimentScore explains the compound score in a tooltip.
func (r fbCommentRow) SentimentScore() string {
	if r.R.Sentiment == nil {
		return ""
	}
	return "Tone score " + strconv.FormatFloat(*r.R.Sentiment, 'f', 2, 64) + " on a scale from −1 (very negative) to +1 (very positive)"
}

// sentimentOptions are the comments list's sentiment filter.
var sentimentOptions = []option{{Label: "Any tone"}, {Value: string(text.Negative), Label: "Negative"},
	{Value: string(text.Neutral), Label: "Neutral"}, {Value: string(text.Positive), Label: "Positive"}}

// languageOptions are the comments list's language filter: the language
// the customer answered the form in.
var languageOptions = func() []option {
	out := []option{{Label: "Any language"}}
	for _, l := range fresco.Languages {
		out = append(out, option{Value: l, Label: fresco.LanguageNames[l]})
	}
	return out
}()

// LanguageName names the language the comment was written in, "" when
// not known.
func (r fbCommentRow) LanguageName() string { return fresco.LanguageNames[r.R.Language] }

// labelledOptions are the comments list's "categorised" filter.
var labelledOptions = []option{{Label: "Categorised or not"}, {Value: "unlabelled", Label: "Not yet categorised"},
	{Value: "labelled", Label: "Categorised by staff"}}

// maxAspectScan bounds how many comments one page filtered by aspect reads.
const maxAspectScan = 2000

// commentsFilter declares the comments list's filters on lq.
func (u *UI) commentsFilter(r *http.Request, lq *listQuery, t text.Taxonomy) (store.ResponseListFilter, text.Aspect, map[string]string, error) {
	f := store.ResponseListFilter{WithComment: true}
	posts, err := u.db.ListeningPosts(r.Context())
	if err != nil {
		return f, "", nil, err
	}
	locations, err := u.locationOptions(r)
	if err != nil {
		return f, "", nil, err
	}
	postNames := map[string]string{}
	postOptions := []option{{Label: "Any way of listening"}}
	for _, p := range posts {
		postOptions = append(postOptions, option{Value: p.Slug, Label: p.Name})
		postNames[p.Slug] = p.Name
	}
	catOptions := []option{{Label: "Any category"}}
	for _, c := range t {
		catOptions = append(catOptions, option{Value: c.Slug, Label: c.Name})
	}
	aspectOptions := []option{{Label: "Any part of the service"}}
	for _, a := range feedback.AspectInfos {
		aspectOptions = append(aspectOptions, option{Value: string(a.Aspect), Label: "Complaints about " + a.Name})
	}
	f.Search = lq.text("q", "Comment contains")
	f.From, f.To = lq.dates("Answered")
	f.Category = lq.choice("category", "Category", catOptions)
	f.Sentiment = lq.choice("sentiment", "Tone", sentimentOptions)
	f.PostSlug = lq.choice("post", "Listening post", postOptions)
	f.LocationID = lq.id("location", "Location", anyOption("Any location", locations))
	switch lq.choice("show", "Categorised", labelledOptions) {
	case "unlabelled":
		f.Labelled = new(false)
	case "labelled":
		f.Labelled = new(true)
	}
	f.Language = lq.choice("lang", "Language", languageOptions)
	aspect := text.Aspect(lq.choice("aspect", "About", aspectOptions))
	return f, aspect, postNames, nil
}

// FeedbackComments is GET /feedback/comments: comments newest first with
// their tone, customer, location and categories (suggested ones ticked),
// filtered, paged both ways and labelled many at once; and the classifier.
func (u *UI) FeedbackComments(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	ctx := r.Context()
	view := fbCommentsView{CanTrain: v.Role.CanManageEmployees(), CanWrite: v.Role.CanWrite()}
	var err error
	if view.Categories, err = u.feedback.Taxonomy(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	lq := u.newListQuery(r)
	f, aspect, postNames, err := u.commentsFilter(r, lq, view.Categories)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Aspect = aspect
	list, err := u.db.ResponseList(f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := lq.page(listSort{"date", true})
	rows, prev, next, err := commentsPage(ctx, list, p, aspect)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count, err := list.Count(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.List = lq.state("/feedback/comments", p, count, prev, next)
	view.Back = withoutDone(r.URL)
	if view.Insights, err = u.commentInsights(ctx, view.Categories); err != nil {
		u.fail(w, r, err)
		return
	}
	view.Taxonomy = taxonomyText(view.Categories)
	if view.Status, err = u.feedback.ClassifierStatus(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	if view.Rows, err = u.commentRows(ctx, rows, view.Categories, postNames); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "feedback_comments", "Comments", view)
}

// commentRows are a page of comments as the list shows them, each with
// every answer of its response: the answers and the cases opened from the
// responses are read for the whole page at once, not per row.
func (u *UI) commentRows(ctx context.Context, page []*store.ResponseRow, t text.Taxonomy, postNames map[string]string) ([]fbCommentRow, error) {
	responses := make([]*fresco.Response, len(page))
	for i, resp := range page {
		responses[i] = resp.Response
	}
	if err := u.db.AddAnswers(ctx, responses); err != nil {
		return nil, err
	}
	said, err := u.saidOfAll(ctx, responses, questionTexts{})
	if err != nil {
		return nil, err
	}
	names := u.employeeNames(ctx)
	rows := make([]fbCommentRow, len(page))
	for i, resp := range page {
		rows[i] = u.commentRow(ctx, resp, t, postNames, names)
		rows[i].Said = &said[i]
	}
	return rows, nil
}

// commentRow is a comment as the list shows it: the categories staff gave
// it ticked, or, until staff have, the ones the classifier suggests.
func (u *UI) commentRow(ctx context.Context, resp *store.ResponseRow, t text.Taxonomy, postNames map[string]string, employee func(int64) string) fbCommentRow {
	row := fbCommentRow{R: resp, Post: postNames[resp.PostSlug], Checked: map[string]bool{},
		Aspect: feedback.AspectName(feedback.AspectOf(resp.Comment))}
	if row.Post == "" {
		row.Post = label(resp.PostSlug)
	}
	_, suggested, _ := u.feedback.Suggest(ctx, resp.Comment)
	for _, slug := range suggested {
		if c, ok := t.Lookup(slug); ok {
			row.Suggested = append(row.Suggested, c)
		}
	}
	ticked := resp.Categories
	if resp.CategorisedBy == "" {
		ticked = suggested
	} else {
		row.By = actorName(resp.CategorisedBy, employee)
	}
	for _, c := range ticked {
		row.Checked[c] = true
	}
	return row
}

// commentsPage reads page p of the list; with an aspect it keeps only the
// complaints about it, reading on (in p's direction) until a page is full
// or maxAspectScan comments have been read, so that the aspect, which the
// database does not hold, still pages both ways.
func commentsPage(ctx context.Context, list *store.List[*store.ResponseRow], p store.ListPage, aspect text.Aspect) (rows []*store.ResponseRow, prev, next string, err error) {
	back := p.Before != ""
	for scanned, first := 0, true; ; first = false {
		page, err := list.Page(ctx, p)
		if err != nil {
			return nil, "", "", err
		}
		var kept []*store.ResponseRow
		for _, x := range page.Rows {
			if aspect == "" || feedback.AspectOf(x.Comment) == aspect {
				kept = append(kept, x)
			}
		}
		more := page.Next
		if back {
			rows, prev, p.Before, more = append(kept, rows...), page.Prev, page.Prev, page.Prev
			if first {
				next = page.Next
			}
		} else {
			rows, next, p.After = append(rows, kept...), page.Next, page.Next
			if first {
				prev = page.Prev
			}
		}
		scanned += len(page.Rows)
		if aspect == "" || more == "" || len(rows) >= p.Limit || scanned >= maxAspectScan {
			return rows, prev, next, nil
		}
	}
}

// FeedbackLabelComments is POST /feedback/comments/label: staff add
// categories to many comments at once, chosen on the comments list, and
// return to the list as it was.
func (u *UI) FeedbackLabelComments(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/feedback/comments") || strings.HasPrefix(back, "/feedback/comments/") {
		back = "/feedback/comments"
	}
	var ids []int64
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			u.renderError(w, r, http.StatusBadRequest, "The chosen comments could not be read. Please go back to the list and choose them again.")
			return
		}
		ids = append(ids, id)
	}
	done := "comments-labelled"
	cats := r.PostForm["category"]
	if len(ids) == 0 || len(cats) == 0 {
		done = "comments-label-none"
	} else if err := u.feedback.LabelComments(r.Context(), ids, cats, viewerFrom(r.Context()).actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, withDone(back, done), http.StatusSeeOther)
}

// withoutDone is the page's URL without its ?done message.
func withoutDone(u *url.URL) string {
	q := u.Query()
	q.Del("done")
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// withDone adds ?done=key to a local URL, replacing any done it had.
func withDone(target, key string) string {
	path, raw, _ := strings.Cut(target, "?")
	q, _ := url.ParseQuery(raw)
	q.Set("done", key)
	return path + "?" + q.Encode()
}

// FeedbackCategorise is POST /feedback/comments/{id}: staff assign categories.
func (u *UI) FeedbackCategorise(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, 64<<10)
	if !ok {
		return
	}
	if err := u.feedback.Categorise(r.Context(), id, r.PostForm["category"], v.actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	back := "/feedback/comments"
	switch s := r.PostForm.Get("back"); {
	case strings.HasPrefix(s, "/feedback/comments?"):
		back = s
	case r.PostForm.Get("show") == "queue": // labelled from the queue: back to the next doubtful comment
		http.Redirect(w, r, back+"#queue", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+"#r"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// FeedbackTrain is POST /feedback/classifier: queue the durable retraining
// job, which a worker runs in the background; the new version appears
// under "Model versions" when it is done.
func (u *UI) FeedbackTrain(w http.ResponseWriter, r *http.Request) {
	done := "classifier-queued"
	st, err := u.feedback.ClassifierStatus(r.Context())
	switch {
	case err != nil:
		u.fail(w, r, err)
		return
	case st.Labelled < feedback.MinTrainingExamples:
		done = "classifier-too-few"
	default:
		if _, err := u.feedback.QueueTraining(r.Context(), viewerFrom(r.Context()).actor()); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/feedback/comments?done="+done, http.StatusSeeOther)
}

// taxonomyText writes the taxonomy one category a line:
// "slug | Name | keyword, keyword | description".
func taxonomyText(t text.Taxonomy) string {
	var b strings.Builder
	for _, c := range t {
		fmt.Fprintf(&b, "%s | %s | %s | %s\n", c.Slug, c.Name, strings.Join(c.Keywords, ", "), c.Description)
	}
	return b.String()
}

// parseTaxonomy reads taxonomyText's format, naming the line at fault.
func parseTaxonomy(s string) (text.Taxonomy, error) {
	var t text.Taxonomy
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		c := text.Category{Slug: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Description: strings.TrimSpace(parts[3])}
		for _, k := range strings.Split(parts[2], ",") {
			if k = strings.TrimSpace(k); k != "" {
				c.Keywords = append(c.Keywords, k)
			}
		}
		if c.Slug == "" || c.Name == "" {
			return nil, fresco.Errorf(fresco.EINVALID, "line %d: write “slug | Name | keywords | description”", i+1)
		}
		t = append(t, c)
	}
	if len(t) == 0 {
		return nil, fresco.Errorf(fresco.EINVALID, "the taxonomy needs at least one category")
	}
	if err := t.Validate(); err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "%s", err.Error())
	}
	return t, nil
}

// FeedbackTaxonomy is POST /feedback/categories: managers edit the taxonomy.
func (u *UI) FeedbackTaxonomy(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, 256<<10) {
		return
	}
	done := "categories-saved"
	t, err := parseTaxonomy(r.PostForm.Get("taxonomy"))
	if err == nil {
		err = u.feedback.SetTaxonomy(r.Context(), t, viewerFrom(r.Context()).actor())
	}
	if err != nil {
		if fresco.ErrorCode(err) != fresco.EINVALID {
			u.fail(w, r, err)
			return
		}
		done = "categories-invalid"
	}
	http.Redirect(w, r, "/feedback/comments?done="+done, http.StatusSeeOther)
}
