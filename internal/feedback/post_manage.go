package feedback

// Managing listening posts: adding one, checking a post's fields, and the
// improvement checklist the seed gives ("Steps for improving listening
// posts"), each step beside the evidence Fresco already has.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// postSlug is what a new post's slug may look like.
var postSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// MaxPostQuestions is how many questions a post may list.
const MaxPostQuestions = 20

// CreatePost adds a listening post and records who added it.
func (s *Service) CreatePost(ctx context.Context, p *fresco.ListeningPost, actor string) error {
	var v fresco.Validation
	v.Check(postSlug.MatchString(p.Slug), "slug", "must be 1–63 lower-case letters, digits, - or _, starting with a letter or digit")
	if err := v.Err(); err != nil {
		return err
	}
	p.Active, p.RetiredAt = true, nil
	if err := s.checkPost(ctx, p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateListeningPost(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "create", "listening_post", strconv.FormatInt(p.ID, 10),
			map[string]any{"slug": p.Slug, "name": p.Name, "solicited": p.Solicited})
	})
}

// checkPost validates a post's fields as they are about to be stored.
func (s *Service) checkPost(ctx context.Context, p *fresco.ListeningPost) error {
	var v fresco.Validation
	v.Text("name", p.Name, true, 200)
	v.Text("description", p.Description, false, 2000)
	v.Text("used_for", p.UsedFor, false, 2000)
	v.Text("purpose", p.Purpose, false, 2000)
	v.Check(len(p.Questions) <= MaxPostQuestions, "questions", "at most %d", MaxPostQuestions)
	for i, q := range p.Questions {
		v.Text(fmt.Sprintf("questions[%d]", i), q, true, 500)
	}
	for key, note := range p.Checklist {
		if _, ok := checklistStep(key); !ok {
			v.Add("checklist", "%q is not a step (try %s)", key, checklistKeys())
		}
		v.Text("checklist."+key, note, false, 2000)
	}
	if p.OwnerEmployeeID != nil {
		e, err := s.db.Employee(ctx, *p.OwnerEmployeeID)
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			v.Add("owner_employee_id", "employee %d does not exist", *p.OwnerEmployeeID)
		case err != nil:
			return err
		case !e.Active:
			v.Add("owner_employee_id", "employee %d is no longer active", e.ID)
		}
	}
	return v.Err()
}

// ChecklistStep is one of the seed's steps for improving listening posts.
type ChecklistStep struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Question string `json:"question" doc:"What to ask oneself at this step."`
}

// ImprovementSteps are the seed's "Steps for improving listening posts", in
// its order.
var ImprovementSteps = []ChecklistStep{
	{"review", "Review the feedback that is being received", "What has come in here lately, and what does it say?"},
	{"timing", "Look at the timing of information received", "Is the information coming in at the right time? Can the feedback be obtained earlier, to prevent problems before they occur?"},
	{"want_to_know", "Decide what you want to know about customer behavior", "Why are customers loyal? Why do satisfied customers defect? Why do new customers come here?"},
	{"design", "Design ways to use the post to find out what you want to know", "Which questions uncover patterns in customer behavior (for example \"How did you hear about us?\")?"},
	{"questions_built_in", "Establish a process to build in new questions", "Do the people asking know why they ask, and is there a simple form or weekly meeting to gather the answers?"},
	{"new_posts", "Assess the need for new listening posts", "Once this post is redesigned, is another kind of post needed (a follow-up call, for example)?"},
}

func checklistStep(key string) (ChecklistStep, bool) {
	for _, s := range ImprovementSteps {
		if s.Key == key {
			return s, true
		}
	}
	return ChecklistStep{}, false
}

func checklistKeys() string {
	out := ""
	for i, s := range ImprovementSteps {
		if i > 0 {
			out += ", "
		}
		out += s.Key
	}
	return out
}

// ChecklistItem is a step for one post: whether it is ticked, its note, and
// the evidence Fresco has for it.
type ChecklistItem struct {
	ChecklistStep
	Done     bool   `json:"done"`
	Note     string `json:"note"`
	Evidence string `json:"evidence" doc:"What Fresco's own figures say about this step for the post; empty when it has none."`
}

// Checklist is the improvement checklist of the post whose activity ps
// reports, for the period it covers (described by period, e.g. "in the last
// 90 days").
func Checklist(ps PostStats, period string) []ChecklistItem {
	p := ps.Post
	out := make([]ChecklistItem, len(ImprovementSteps))
	for i, step := range ImprovementSteps {
		note, done := p.Checklist[step.Key]
		item := ChecklistItem{ChecklistStep: step, Done: done, Note: note}
		switch step.Key {
		case "review":
			item.Evidence = fmt.Sprintf("%d responses %s; %d recorded uses of its feedback.", ps.Responses, period, len(ps.Uses))
		case "timing":
			if ps.MedianDelay != nil {
				item.Evidence = fmt.Sprintf("Median %s from purchase to feedback over %d purchase-linked responses.",
					humanDelay(*ps.MedianDelay), ps.WithPurchase)
			} else {
				item.Evidence = "No response here is tied to a purchase, so the lag is unknown."
			}
		case "want_to_know":
			if p.Purpose != "" {
				item.Evidence = "Purpose: " + p.Purpose
			} else {
				item.Evidence = "No purpose written for this post yet."
			}
		case "design", "questions_built_in":
			item.Evidence = fmt.Sprintf("%d question(s) listed for this post.", len(p.Questions))
			if step.Key == "questions_built_in" && ps.ResponseRate != nil {
				item.Evidence += fmt.Sprintf(" Response rate %.0f%% (%d of %d asked, 95%% interval %.0f–%.0f%%).",
					ps.ResponseRate.Percent, ps.Answered, ps.Asked, ps.ResponseRate.CILow, ps.ResponseRate.CIHigh)
			}
		case "new_posts":
			if p.Solicited && ps.ResponseRate == nil {
				item.Evidence = "The business asks here but nothing was asked " + period + "."
			}
		}
		out[i] = item
	}
	return out
}

func humanDelay(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%.0f hours", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}
