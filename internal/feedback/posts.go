package feedback

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// PostStats is what one listening post heard in a period and how its
// feedback is used.
type PostStats struct {
	Post      *fresco.ListeningPost
	Responses int
	Asked     int // invitations sent and calls due; 0 for unsolicited posts
	Answered  int
	// ResponseRate is Answered/Asked with its interval; nil when nothing was asked.
	ResponseRate *stats.Proportion
	// MedianDelay is the median time from purchase to feedback over the
	// responses tied to a purchase, each delay counted in whole hours (to
	// the nearest); nil when there are none.
	MedianDelay  *time.Duration
	WithPurchase int
	Uses         []*fresco.FeedbackUse // the newest entries of the "used for" trail
	// Invitations counts what the invitation rules of the post's surveys
	// did with the invitations due in the period; InvitationRate is their
	// answered ÷ sent, nil when none was sent.
	Invitations    fresco.InvitationCounts
	InvitationRate *stats.Proportion
}

// PostStats reports every listening post for responses in [from, to).
func (s *Service) PostStats(ctx context.Context, from, to time.Time) ([]PostStats, error) {
	posts, err := s.db.ListeningPosts(ctx)
	if err != nil {
		return nil, err
	}
	activity, err := s.db.PostActivity(ctx, from, to, func(d1, d2 time.Time) ([]store.DelayCount, error) {
		return s.wholeDayDelays(ctx, d1, d2)
	})
	if err != nil {
		return nil, err
	}
	invited, err := s.db.InvitationCounts(ctx, from, to, false)
	if err != nil {
		return nil, err
	}
	uses, err := s.db.FeedbackUses(ctx, 5)
	if err != nil {
		return nil, err
	}
	out := make([]PostStats, 0, len(posts))
	for _, p := range posts {
		ps := PostStats{Post: p}
		if ps.Invitations, ps.InvitationRate, err = invitationRate(invited[p.ID]); err != nil {
			return nil, err
		}
		if a := activity[p.ID]; a != nil {
			ps.Responses, ps.Asked, ps.Answered = a.Responses, a.Asked, min(a.Answered, a.Asked)
			if d, n := medianHours(a.DelayHours); n > 0 {
				ps.MedianDelay, ps.WithPurchase = &d, n
			}
		}
		if ps.Asked > 0 {
			r, err := stats.ProportionInterval(ps.Answered, ps.Asked, 0)
			if err != nil {
				return nil, err
			}
			ps.ResponseRate = &r
		}
		ps.Uses = uses[p.ID]
		out = append(out, ps)
	}
	return out, nil
}

// invitationRate is c (zero counts when nil) with its answered ÷ sent.
func invitationRate(c *fresco.InvitationCounts) (fresco.InvitationCounts, *stats.Proportion, error) {
	if c == nil {
		return fresco.InvitationCounts{Skipped: map[string]int{}}, nil, nil
	}
	if c.Sent == 0 {
		return *c, nil, nil
	}
	r, err := stats.ProportionInterval(min(c.Answered, c.Sent), c.Sent, 0)
	return *c, &r, err
}

// SurveyInvitations is what a survey's invitation rules did with the
// invitations due in [from, to), with answered ÷ sent.
func (s *Service) SurveyInvitations(ctx context.Context, surveyID int64, from, to time.Time) (fresco.InvitationCounts, *stats.Proportion, error) {
	counts, err := s.db.InvitationCounts(ctx, from, to, true)
	if err != nil {
		return fresco.InvitationCounts{}, nil, err
	}
	return invitationRate(counts[surveyID])
}

// medianHours is the median of delays given as a count per whole hour, and
// how many there are: the middle one, or the mean of the middle two.
func medianHours(counts map[int]int) (median time.Duration, n int) {
	hours := slices.Sorted(maps.Keys(counts))
	for _, h := range hours {
		n += counts[h]
	}
	// at is the delay of the k-th (0-based) in ascending order.
	at := func(k int) time.Duration {
		for _, h := range hours {
			if k < counts[h] {
				return time.Duration(h) * time.Hour
			}
			k -= counts[h]
		}
		return 0
	}
	if n == 0 {
		return 0, 0
	}
	return (at((n-1)/2) + at(n/2)) / 2, n
}

// PostChange changes some fields of a listening post; nil leaves a field as
// it is. The audit record of the change is this struct, as JSON.
type PostChange struct {
	Name            *string            `json:"name,omitempty"`
	Description     *string            `json:"description,omitempty"`
	UsedFor         *string            `json:"used_for,omitempty"`
	Solicited       *bool              `json:"solicited,omitempty"`
	Active          *bool              `json:"active,omitempty"`
	Purpose         *string            `json:"purpose,omitempty"`
	OwnerEmployeeID *int64             `json:"owner_employee_id,omitempty"`
	Questions       *[]string          `json:"questions,omitempty"`
	Checklist       *map[string]string `json:"checklist,omitempty"`
	Retired         *bool              `json:"retired,omitempty"`
}

func (c PostChange) apply(p *fresco.ListeningPost, now time.Time) {
	setIf(&p.Name, c.Name)
	setIf(&p.Description, c.Description)
	setIf(&p.UsedFor, c.UsedFor)
	setIf(&p.Solicited, c.Solicited)
	setIf(&p.Active, c.Active)
	setIf(&p.Purpose, c.Purpose)
	setIf(&p.Questions, c.Questions)
	setIf(&p.Checklist, c.Checklist)
	if c.OwnerEmployeeID != nil {
		p.OwnerEmployeeID = c.OwnerEmployeeID
		if *c.OwnerEmployeeID == 0 { // 0 clears the owner
			p.OwnerEmployeeID = nil
		}
	}
	switch {
	case c.Retired == nil:
	case *c.Retired && p.RetiredAt == nil:
		p.RetiredAt, p.Active = &now, false
	case !*c.Retired && p.RetiredAt != nil:
		p.RetiredAt, p.Active = nil, true
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// UpdatePost applies change to p, read at version (store.AnyVersion: write
// whatever the stored version; otherwise ESTALE when it has moved on), and
// records who changed what in the same transaction.
func (s *Service) UpdatePost(ctx context.Context, p *fresco.ListeningPost, version int64, change PostChange, actor string) error {
	change.apply(p, s.now().UTC())
	if err := s.checkPost(ctx, p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateListeningPostIfVersion(ctx, p, version); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "update", "listening_post", strconv.FormatInt(p.ID, 10), change)
	})
}

// AddUse records how feedback from a post was used (the "used for" trail).
func (s *Service) AddUse(ctx context.Context, postSlug, note string, responseID *int64, actor string) (*fresco.FeedbackUse, error) {
	var v fresco.Validation
	if len(note) == 0 {
		v.Add("note", "is required")
	}
	v.Text("note", note, false, MaxTextLen)
	checkID(&v, "response_id", responseID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p, err := s.db.ListeningPostBySlug(ctx, postSlug)
	if err != nil {
		return nil, err
	}
	if responseID != nil {
		r, err := s.db.Response(ctx, *responseID)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			v.Add("response_id", "response %d does not exist", *responseID)
			return nil, v.Err()
		} else if err != nil {
			return nil, err
		}
		if r.PostID != p.ID {
			v.Add("response_id", "response %d came from %s, not %s", r.ID, r.PostSlug, p.Slug)
			return nil, v.Err()
		}
	}
	u := &fresco.FeedbackUse{PostID: p.ID, ResponseID: responseID, Note: note, Actor: actor}
	return u, s.db.AddFeedbackUse(ctx, u)
}

// AcquisitionRow is one "How did you hear about us?" source.
type AcquisitionRow struct {
	Source    string           `json:"source"`
	Customers int              `json:"customers"`
	Retention stats.Proportion `json:"retention"` // share of customers who bought again, with its interval
	// AverageValue is the customers' mean total net purchases.
	AverageValue fresco.Money `json:"average_value"`
	TotalValue   fresco.Money `json:"total_value"`
}

// Acquisition reports each acquisition source with count, retention (repeat
// purchase) and average value.
func (s *Service) Acquisition(ctx context.Context) ([]AcquisitionRow, error) {
	rows, err := s.db.Reports().AcquisitionReport(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]AcquisitionRow, 0, len(rows))
	for _, r := range rows {
		ret, err := stats.ProportionInterval(r.Repeat, r.Customers, 0)
		if err != nil {
			return nil, err
		}
		row := AcquisitionRow{Source: r.Source, Customers: r.Customers, Retention: ret, TotalValue: r.Revenue}
		if r.Customers > 0 {
			row.AverageValue = fresco.Money((int64(r.Revenue) + int64(r.Customers)/2) / int64(r.Customers))
		}
		out = append(out, row)
	}
	return out, nil
}
