package web

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
)

// ListeningPostOut is a listening post with its activity.
type ListeningPostOut struct {
	ID               int64                    `json:"id"`
	Slug             string                   `json:"slug"`
	Name             string                   `json:"name"`
	Description      string                   `json:"description"`
	UsedFor          string                   `json:"used_for" doc:"How this post's feedback is used."`
	Solicited        bool                     `json:"solicited" doc:"The business asks (counts against the contact-frequency rule)."`
	Active           bool                     `json:"active"`
	Responses        int                      `json:"responses" doc:"Volume in the period."`
	Asked            int                      `json:"asked"`
	Answered         int                      `json:"answered"`
	ResponseRate     *stats.Proportion        `json:"response_rate" doc:"answered / asked with its 95% interval; null when nothing was asked."`
	MedianDelayHours *float64                 `json:"median_hours_purchase_to_feedback" doc:"Median time from purchase to feedback, each delay counted in whole hours (to the nearest); null without purchase-linked responses."`
	WithPurchase     int                      `json:"with_purchase"`
	Uses             []FeedbackUseOut         `json:"recent_uses"`
	Invitations      InvitationCountsOut      `json:"invitations" doc:"What the invitation rules of the post's surveys did with the invitations due in the period; its response_rate is answered / sent."`
	Purpose          string                   `json:"purpose" doc:"What the business wants to know at this post."`
	OwnerEmployeeID  *int64                   `json:"owner_employee_id" doc:"The employee who looks after the post."`
	Questions        []string                 `json:"questions" doc:"The question(s) asked there."`
	RetiredAt        *time.Time               `json:"retired_at" doc:"When the post was retired: it takes no feedback answered after it; null while in use."`
	Checklist        []feedback.ChecklistItem `json:"checklist" doc:"The seed's steps for improving listening posts, each with its tick, note and (in the list and GET) the evidence Fresco has."`
}

// FeedbackUseOut is one entry of a post's "used for" trail.
type FeedbackUseOut struct {
	ID         int64     `json:"id"`
	ResponseID *int64    `json:"response_id"`
	Note       string    `json:"note"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
}

func useOut(u *fresco.FeedbackUse) FeedbackUseOut {
	return FeedbackUseOut{ID: u.ID, ResponseID: u.ResponseID, Note: u.Note, Actor: u.Actor, At: u.At}
}

// postOut is a post with its activity; evidence, when not empty, is the
// period the activity covers, for the checklist's evidence ("" leaves the
// evidence out: the post's activity was not read).
func postOut(ps feedback.PostStats, evidence string) ListeningPostOut {
	p := ps.Post
	out := ListeningPostOut{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description, UsedFor: p.UsedFor,
		Solicited: p.Solicited, Active: p.Active, Responses: ps.Responses, Asked: ps.Asked, Answered: ps.Answered,
		ResponseRate: ps.ResponseRate, WithPurchase: ps.WithPurchase, Uses: []FeedbackUseOut{},
		Invitations: invitationCountsOut(ps.Invitations, ps.InvitationRate),
		Purpose:     p.Purpose, OwnerEmployeeID: p.OwnerEmployeeID, Questions: p.Questions, RetiredAt: p.RetiredAt,
		Checklist: feedback.Checklist(ps, evidence)}
	if out.Questions == nil {
		out.Questions = []string{}
	}
	if evidence == "" {
		for i := range out.Checklist {
			out.Checklist[i].Evidence = ""
		}
	}
	if ps.MedianDelay != nil {
		h := ps.MedianDelay.Hours()
		out.MedianDelayHours = &h
	}
	for _, u := range ps.Uses {
		out.Uses = append(out.Uses, useOut(u))
	}
	return out
}

// ListeningPostPatch changes a post.
type ListeningPostPatch struct {
	Name            *string            `json:"name,omitempty"`
	Description     *string            `json:"description,omitempty"`
	UsedFor         *string            `json:"used_for,omitempty"`
	Solicited       *bool              `json:"solicited,omitempty"`
	Active          *bool              `json:"active,omitempty"`
	Purpose         *string            `json:"purpose,omitempty"`
	OwnerEmployeeID *int64             `json:"owner_employee_id,omitempty" minimum:"0" doc:"0 clears the owner."`
	Questions       *[]string          `json:"questions,omitempty"`
	Checklist       *map[string]string `json:"checklist,omitempty" doc:"The ticked steps of the improvement checklist, by key (review, timing, want_to_know, design, questions_built_in, new_posts), each with a note; replaces the ticks."`
	Retired         *bool              `json:"retired,omitempty" doc:"true retires the post (it stops taking new feedback, its history stays); false puts it back in use."`
}

// ListeningPostNew is a new post.
type ListeningPostNew struct {
	Slug            string   `json:"slug" doc:"Lower-case letters, digits, - or _."`
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	UsedFor         string   `json:"used_for,omitempty"`
	Solicited       bool     `json:"solicited" doc:"The business asks (counts against the contact-frequency rule)."`
	Purpose         string   `json:"purpose,omitempty"`
	OwnerEmployeeID *int64   `json:"owner_employee_id,omitempty" minimum:"1"`
	Questions       []string `json:"questions,omitempty"`
}

// AcquisitionReport answers "How did you hear about us?".
type AcquisitionReport struct {
	Sources []AcquisitionSourceOut `json:"sources"`
}

// AcquisitionSourceOut is one source.
type AcquisitionSourceOut struct {
	Source       string           `json:"source"`
	Customers    int              `json:"customers"`
	Retention    stats.Proportion `json:"retention" doc:"Share of these customers who bought more than once, with its 95% interval."`
	AverageValue Money            `json:"average_value" doc:"Mean total net purchases per customer."`
	TotalValue   Money            `json:"total_value"`
}

func (s *Server) listListeningPosts(ctx context.Context, in *struct {
	From string `query:"from"`
	To   string `query:"to"`
}) (*One[ItemList[ListeningPostOut]], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, err := s.feedback.PostStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]ListeningPostOut, len(list))
	for i, p := range list {
		out[i] = postOut(p, periodText(in.From, in.To))
	}
	return &One[ItemList[ListeningPostOut]]{Body: ItemList[ListeningPostOut]{Items: out}}, nil
}

func (s *Server) updateListeningPost(ctx context.Context, in *struct {
	ID string `path:"id" doc:"An id or a slug."`
	IfMatchParam
	Body ListeningPostPatch
}) (*Tagged[ListeningPostOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("listening post", p.ID, p.Version)
	if err != nil {
		return nil, err
	}
	if err := s.feedback.UpdatePost(ctx, p, version, feedback.PostChange(in.Body), principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return tagged(postOut(feedback.PostStats{Post: p}, ""), p.Version), nil
}

func (s *Server) createListeningPost(ctx context.Context, in *struct {
	Body ListeningPostNew
}) (*Tagged[ListeningPostOut], error) {
	b := in.Body
	p := &fresco.ListeningPost{Slug: b.Slug, Name: b.Name, Description: b.Description, UsedFor: b.UsedFor,
		Solicited: b.Solicited, Purpose: b.Purpose, OwnerEmployeeID: b.OwnerEmployeeID, Questions: b.Questions}
	if err := s.feedback.CreatePost(ctx, p, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return tagged(postOut(feedback.PostStats{Post: p}, ""), p.Version), nil
}

func (s *Server) getListeningPost(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	From string `query:"from"`
	To   string `query:"to"`
}) (*Tagged[ListeningPostOut], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	list, err := s.feedback.PostStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, ps := range list {
		if ps.Post.ID == p.ID {
			return tagged(postOut(ps, periodText(in.From, in.To)), ps.Post.Version), nil
		}
	}
	return tagged(postOut(feedback.PostStats{Post: p}, periodText(in.From, in.To)), p.Version), nil
}

// periodText describes the period of a report's from and to parameters.
func periodText(from, to string) string {
	switch {
	case from == "" && to == "":
		return "in all"
	case from == "":
		return "up to " + to
	case to == "":
		return "since " + from
	}
	return "from " + from + " to " + to
}

func (s *Server) addFeedbackUse(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	Body struct {
		Note       string `json:"note" maxLength:"2000"`
		ResponseID *int64 `json:"response_id,omitempty"`
	}
}) (*One[FeedbackUseOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	u, err := s.feedback.AddUse(ctx, p.Slug, in.Body.Note, in.Body.ResponseID, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[FeedbackUseOut]{Body: useOut(u)}, nil
}

func (s *Server) acquisitionReport(ctx context.Context, in *struct{}) (*One[AcquisitionReport], error) {
	rows, err := s.feedback.Acquisition(ctx)
	if err != nil {
		return nil, err
	}
	out := AcquisitionReport{Sources: make([]AcquisitionSourceOut, len(rows))}
	for i, r := range rows {
		out.Sources[i] = AcquisitionSourceOut{Source: r.Source, Customers: r.Customers, Retention: r.Retention,
			AverageValue: moneyOut(r.AverageValue), TotalValue: moneyOut(r.TotalValue)}
	}
	return &One[AcquisitionReport]{Body: out}, nil
}

func (s *Server) postByKey(ctx context.Context, key string) (*fresco.ListeningPost, error) {
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return s.db.ListeningPost(ctx, id)
	}
	return s.db.ListeningPostBySlug(ctx, key)
}
