package ui

// The customer page's account of the whole relationship beyond purchases:
// every response with its answers, follow-ups, cases with their outcomes,
// gestures received and follow-up calls, and one timeline of all of it,
// newest first. Each list is one index walk bounded by storyLimit
// (store/customer_story.go), so the page costs the same at a million
// customers.

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

const storyLimit = 50 // entries of each kind the page reads

type customerStory struct {
	Responses []saidView
	FollowUps []*fresco.FollowUp
	Cases     []*fresco.Case
	Gestures  []*fresco.Gesture
	Calls     []*fresco.CallTask
	Timeline  []storyEntry
}

// storyEntry is one line of the customer's timeline.
type storyEntry struct {
	At   time.Time
	Kind string // Purchase, Answer, Follow-up, Case, Gesture, Call
	Text string
	Link string
}

func (u *UI) customerStory(ctx context.Context, c *fresco.Customer, purchases []*fresco.Purchase) (*customerStory, error) {
	s := &customerStory{}
	responses, err := u.db.CustomerResponses(ctx, c.ID, storyLimit)
	if err != nil {
		return nil, err
	}
	if s.Responses, err = u.saidOfAll(ctx, responses, questionTexts{}); err != nil {
		return nil, err
	}
	for i := range s.Responses {
		s.Responses[i].Act = true
	}
	if s.FollowUps, err = u.db.CustomerFollowUps(ctx, c.ID, storyLimit); err != nil {
		return nil, err
	}
	if s.Cases, _, err = u.db.ListCases(ctx, store.CaseFilter{CustomerID: &c.ID, Limit: storyLimit}); err != nil {
		return nil, err
	}
	if s.Gestures, err = u.db.ListGestures(ctx, store.GestureFilter{CustomerID: &c.ID, Limit: storyLimit}); err != nil {
		return nil, err
	}
	if s.Calls, err = u.db.CustomerCallTasks(ctx, c.ID, storyLimit); err != nil {
		return nil, err
	}
	s.Timeline = timelineOf(s, purchases, u.format())
	return s, nil
}

// timelineOf merges everything into one list, newest first.
func timelineOf(s *customerStory, purchases []*fresco.Purchase, f fresco.Formatter) []storyEntry {
	var t []storyEntry
	add := func(at time.Time, kind, text, link string) {
		t = append(t, storyEntry{At: at, Kind: kind, Text: text, Link: link})
	}
	for _, p := range purchases[:min(len(purchases), storyLimit)] {
		add(p.PurchasedAt, "Purchase", purchaseWords(p, f), "")
	}
	for _, r := range s.Responses {
		text := "Answered on " + label(r.R.PostSlug)
		if r.R.Comment != "" {
			text += ": “" + r.R.Comment + "”"
		}
		add(r.R.RespondedAt, "Answer", text, "")
	}
	for _, f := range s.FollowUps {
		add(f.CreatedAt, "Follow-up", "Follow-up opened ("+joinWords(f.Reasons)+")", fmt.Sprintf("/followups/%d", f.ID))
		if f.ClosedAt != nil {
			add(*f.ClosedAt, "Follow-up", "Follow-up closed: "+f.Outcome, fmt.Sprintf("/followups/%d", f.ID))
		}
	}
	for _, c := range s.Cases {
		link := fmt.Sprintf("/cases/%d", c.ID)
		add(c.OpenedAt, "Case", "Case opened: "+c.Summary, link)
		if c.ResolvedAt != nil {
			add(*c.ResolvedAt, "Case", "Case resolved: "+c.Summary, link)
		}
		if c.ClosedAt != nil {
			add(*c.ClosedAt, "Case", "Case closed: "+c.Summary, link)
		}
	}
	for _, g := range s.Gestures {
		add(g.CreatedAt, "Gesture", fmt.Sprintf("%s %s (%s)", label(g.Kind), f.Money(g.Amount), label(g.Status)), fmt.Sprintf("/cases/%d", g.CaseID))
	}
	for _, k := range s.Calls {
		at := k.DueAt
		if k.CompletedAt != nil {
			at = *k.CompletedAt
		}
		add(at, "Call", "Follow-up call: "+label(k.Status)+paren(k.Outcome), "")
	}
	sort.SliceStable(t, func(i, j int) bool { return t[i].At.After(t[j].At) })
	return t
}

func joinWords(codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += ", "
		}
		out += label(c)
	}
	return out
}

// purchaseWords is a purchase in the timeline: "Bought 1 item for $3.60",
// a refund "Returned 2 items for −$7.20".
func purchaseWords(p *fresco.Purchase, f fresco.Formatter) string {
	verb, n := "Bought ", p.Items()
	if n < 0 {
		verb, n = "Returned ", -n
	}
	return verb + countWords(f.Integer, n, "item", "items") + " for " + f.Money(p.Total())
}
