package ui

// A listening post's own page (feedback.CreatePost, UpdatePost,
// Checklist): what it is for, who looks after it, the questions asked
// there, the seed's steps for improving it with Fresco's evidence, and for
// owners and managers the forms to add, change and retire posts.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

type postView struct {
	Post      *fresco.ListeningPost // nil on the "new post" page
	Stats     feedback.PostStats
	Checklist []feedback.ChecklistItem
	Owners    []option
	Questions string // one a line, for the form
	CanEdit   bool
	Problem   string
	Period    string
}

// postPeriod is the activity the post page shows: the last 90 days.
const postPeriodDays = 90

// ListeningPost is GET /feedback/posts/{slug} ("new": the form to add one).
func (u *UI) ListeningPost(w http.ResponseWriter, r *http.Request) {
	u.renderPost(w, r, http.StatusOK, r.PathValue("slug"), nil, "")
}

func (u *UI) renderPost(w http.ResponseWriter, r *http.Request, status int, slug string, draft *fresco.ListeningPost, problem string) {
	ctx := r.Context()
	v := postView{CanEdit: managersRoles(viewerFrom(ctx).Role), Problem: problem,
		Period: "in the last " + strconv.Itoa(postPeriodDays) + " days"}
	if slug != "new" {
		p, err := u.db.ListeningPostBySlug(ctx, slug)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		to := u.now().UTC()
		list, err := u.feedback.PostStats(ctx, to.AddDate(0, 0, -postPeriodDays), to)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		v.Stats = feedback.PostStats{Post: p}
		for _, ps := range list {
			if ps.Post.ID == p.ID {
				v.Stats = ps
			}
		}
		v.Post = v.Stats.Post
		v.Checklist = feedback.Checklist(v.Stats, v.Period)
	} else if !v.CanEdit {
		u.fail(w, r, fresco.Errorf(fresco.EFORBIDDEN, "only owners and managers add listening posts"))
		return
	}
	if draft != nil {
		v.Post = draft
	}
	if v.Post != nil {
		v.Questions = strings.Join(v.Post.Questions, "\n")
	}
	owners, err := u.employeeOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Owners = anyOption("Nobody yet", owners)
	for i := range v.Owners {
		v.Owners[i].Selected = v.Post != nil && v.Post.OwnerEmployeeID != nil && v.Owners[i].Value == strconv.FormatInt(*v.Post.OwnerEmployeeID, 10)
	}
	title := "New listening post"
	if v.Post != nil && v.Post.ID != 0 {
		title = v.Post.Name
	}
	u.render(w, r, status, "listening_post", title, v)
}

// postForm reads the post form's fields into p.
func postForm(r *http.Request, p *fresco.ListeningPost) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	p.Name, p.Description, p.UsedFor, p.Purpose = f("name"), f("description"), f("used_for"), f("purpose")
	p.Solicited = r.PostFormValue("solicited") == "on"
	p.OwnerEmployeeID = nil
	if id, err := strconv.ParseInt(f("owner"), 10, 64); err == nil && id > 0 {
		p.OwnerEmployeeID = &id
	}
	p.Questions = []string{}
	for _, q := range strings.Split(r.PostFormValue("questions"), "\n") {
		if q = strings.TrimSpace(q); q != "" {
			p.Questions = append(p.Questions, q)
		}
	}
}

// CreateListeningPost is POST /feedback/posts.
func (u *UI) CreateListeningPost(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	p := &fresco.ListeningPost{Slug: strings.TrimSpace(r.PostFormValue("slug"))}
	postForm(r, p)
	err := u.feedback.CreatePost(r.Context(), p, "employee:"+strconv.FormatInt(viewerFrom(r.Context()).ID, 10))
	u.afterPostChange(w, r, "new", p, err)
}

// SaveListeningPost is POST /feedback/posts/{slug}: the post's fields, its
// checklist ticks and notes, or (action=retire / reinstate) its retirement.
func (u *UI) SaveListeningPost(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	ctx := r.Context()
	p, err := u.db.ListeningPostBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	var change feedback.PostChange
	switch r.PostFormValue("action") {
	case "retire", "reinstate":
		retire := r.PostFormValue("action") == "retire"
		change.Retired = &retire
	case "checklist":
		ticks := map[string]string{}
		for _, step := range feedback.ImprovementSteps {
			if r.PostFormValue("done_"+step.Key) == "on" {
				ticks[step.Key] = strings.TrimSpace(r.PostFormValue("note_" + step.Key))
			}
		}
		change.Checklist = &ticks
	default:
		edited := *p
		postForm(r, &edited)
		owner := int64(0)
		if edited.OwnerEmployeeID != nil {
			owner = *edited.OwnerEmployeeID
		}
		change = feedback.PostChange{Name: &edited.Name, Description: &edited.Description, UsedFor: &edited.UsedFor,
			Solicited: &edited.Solicited, Purpose: &edited.Purpose, OwnerEmployeeID: &owner, Questions: &edited.Questions}
	}
	draft := *p
	draft.Questions, draft.Checklist = slices.Clone(p.Questions), p.Checklist
	err = u.feedback.UpdatePost(ctx, &draft, version, change, "employee:"+strconv.FormatInt(viewerFrom(ctx).ID, 10))
	u.afterPostChange(w, r, p.Slug, &draft, err)
}

func (u *UI) afterPostChange(w http.ResponseWriter, r *http.Request, slug string, p *fresco.ListeningPost, err error) {
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID || fresco.ErrorCode(err) == fresco.ECONFLICT || fresco.ErrorCode(err) == fresco.ESTALE:
		u.renderPost(w, r, http.StatusUnprocessableEntity, slug, p, invalidMessage(err)+errorDetail(err))
	case err != nil:
		u.fail(w, r, err)
	default:
		http.Redirect(w, r, "/feedback/posts/"+p.Slug+"?done=post-saved", http.StatusSeeOther)
	}
}

// errorDetail is the message of an error that names no field.
func errorDetail(err error) string {
	if len(fresco.ErrorFields(err)) > 0 {
		return ""
	}
	return fresco.ErrorMessage(err)
}

// RetiredOn formats when a post was retired.
func (v postView) RetiredOn() string {
	if v.Post == nil || v.Post.RetiredAt == nil {
		return ""
	}
	return v.Post.RetiredAt.Format(time.DateOnly)
}
