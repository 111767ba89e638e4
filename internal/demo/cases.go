package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/sla"
)

// Service-recovery cases opened from complaint and detractor responses, in
// proportion to the business: about one customer in twenty (50,000 cases at
// a million customers), at least 8. Most were handled in the past (resolved
// and closed with root causes); the last few are live, one of them close to
// breaching its first-response target.
const (
	minHistoricalCases = 8
	customersPerCase   = 20
	// caseJobsRetireBefore: recovery jobs due before end − this are retired
	// (marked done), so old cases do not fire follow-through reminders and
	// SLA checks when the server starts.
	caseJobsRetireBefore = 7 * day
)

// demoSLAPolicy is the default SLA policy the demo sets: respond within 4
// hours, resolve within 3 days, around the clock; warn at 75% elapsed.
func demoSLAPolicy() (json.RawMessage, error) {
	return json.Marshal(sla.Policy{
		Calendar:           sla.Always(time.UTC),
		FirstResponse:      sla.Duration(4 * time.Hour),
		Resolution:         sla.Duration(72 * time.Hour),
		WarnBeforeFraction: 0.25,
		PauseStates:        []string{"waiting_on_customer"},
	})
}

func generateCases(ctx context.Context, w *world, r *rng) error {
	var clock time.Time
	mailer := &caseMailer{r: newRNG(w.opts.Seed, "case mail"), clock: &clock}
	svc, err := recovery.New(recovery.Options{DB: w.db, Now: func() time.Time { return clock }, Mailer: mailer})
	if err != nil {
		return err
	}
	clock = w.start
	policy, err := demoSLAPolicy()
	if err != nil {
		return err
	}
	if _, err := svc.SetPolicy(ctx, recovery.System, recovery.PolicyInput{Policy: policy}); err != nil {
		return fmt.Errorf("SLA policy: %w", err)
	}
	managers := w.managersByLocation()
	agents := map[int64]*fresco.Employee{}
	for _, s := range w.sites {
		if len(s.staff) > 1 {
			agents[s.loc.ID] = s.staff[1]
		}
	}

	// Candidates: complaints and detractors with a comment, tied to a
	// customer's purchase, one case per customer.
	var old, recent []*complaint
	for _, resp := range w.complaints {
		if managers[resp.locationID] == nil {
			continue
		}
		switch age := w.end.Sub(resp.at); {
		case age > 21*day:
			old = append(old, resp)
		case age < 14*day && age > 4*time.Hour:
			recent = append(recent, resp)
		}
	}
	seen := map[int64]bool{}
	pick := func(from []*complaint) *complaint {
		for range 50 {
			if len(from) == 0 {
				return nil
			}
			resp := oneOf(r, from)
			if !seen[resp.customerID] {
				seen[resp.customerID] = true
				return resp
			}
		}
		return nil
	}

	expectations := []string{"An apology", "A call back from the manager", "A partial refund", "Wants the problem fixed"}
	open := func(svc *recovery.Service, resp *complaint, at time.Time, owner *fresco.Employee, expectation string) (*fresco.Case, recovery.Actor, error) {
		actor := employeeActor(owner)
		clock = at
		source := "detractor"
		if resp.post == feedback.PostComplaint {
			source = "complaint"
		}
		in := recovery.OpenInput{
			CustomerID: resp.customerID, PurchaseID: &resp.purchaseID, LocationID: &resp.locationID,
			Source: source, Summary: firstSentence(resp.comment), Category: caseCategory(resp.comment),
			Expectation: expectation,
			Incident:    recovery.Incident{WhatHappened: resp.comment},
			OpenedAt:    at,
		}
		if resp.employeeID != 0 && resp.employeeID != owner.ID {
			in.Involved = []int64{resp.employeeID}
		}
		c, err := svc.Open(ctx, actor, in)
		if err == nil {
			w.summary.Cases++
		}
		return c, actor, err
	}

	// Past cases: responded to within hours, resolved in a day or two,
	// closed with root causes after the follow-through. They are drawn
	// first and opened in time order, as they would have been: the
	// recurrence check counts the cases opened since a month before, so
	// opening them out of order would count ever more of them.
	causes := []string{"training", "support_systems", "selection", "latitude", "training", "none"}
	var past []*pastCase
	for i := range max(minHistoricalCases, w.opts.Customers/customersPerCase) {
		resp := pick(old)
		if resp == nil {
			break
		}
		pc := &pastCase{resp: resp, gesture: i%3 == 0, cause: causes[i%len(causes)], noResponse: i%9 == 4, bounce: i%9 == 7}
		pc.opened = resp.at.Add(time.Duration(r.between(1, 20)) * time.Hour)
		pc.expectation = oneOf(r, expectations)
		pc.responded = pc.opened.Add(time.Duration(r.between(0.5, 3.5) * float64(time.Hour)))
		pc.resolved = pc.responded.Add(days(r.between(0.5, 2.5)))
		pc.closed = pc.resolved.Add(days(r.between(3, 6)))
		past = append(past, pc)
	}
	slices.SortStableFunc(past, func(a, b *pastCase) int { return a.opened.Compare(b.opened) })
	ft := newRNG(w.opts.Seed, "follow-through") // a stream of its own, as the refunds'
	for _, pc := range past {
		pc.followThrough = "solved"
		if ft.chance(followThroughUnanswered) {
			pc.followThrough = "no_answer"
		}
	}
	tr := newRNG(w.opts.Seed, "case threads") // a stream of its own, as the refunds'
	for _, pc := range past {
		if !pc.noResponse && tr.chance(threadShare) {
			if pc.thread, err = drawThread(ctx, w, tr, pc, managers[pc.resp.locationID]); err != nil {
				return fmt.Errorf("e-mail thread: %w", err)
			}
		}
	}
	// The newest cases are played one by one: DecideGesture reads before
	// it changes, so a batch would hide the refund it decides.
	single := past[len(past)-min(len(past), refundTail):]
	past = past[:len(past)-len(single)]
	rr := newRNG(w.opts.Seed, "refunds") // a stream of its own: the other steps draw as before
	for _, pc := range single {
		if agents[pc.resp.locationID] != nil && rr.chance(refundShare) {
			pc.refund = drawRefund(rr)
		}
	}
	play := func(svc *recovery.Service, pc *pastCase) error {
		c, actor, err := open(svc, pc.resp, pc.opened, managers[pc.resp.locationID], pc.expectation)
		if err != nil {
			return fmt.Errorf("open case: %w", err)
		}
		if err := pc.thread.opening(ctx, svc, c, &clock); err != nil {
			return err
		}
		clock = pc.responded
		// Some cases skip the first response, as busy desks do: the
		// conformance view of the designed map shows them (a step from
		// "Case opened" straight to "Case resolved").
		if !pc.noResponse {
			if _, err := svc.Respond(ctx, actor, c.ID, "Called the customer to apologise and hear the whole story.", "phone"); err != nil {
				return err
			}
		}
		if pc.gesture {
			if _, err := svc.RequestGesture(ctx, actor, c.ID, recovery.GestureInput{Kind: "apology_letter",
				Note: "Personal letter from the manager"}); err != nil {
				return err
			}
		}
		if err := pc.thread.answerCustomer(ctx, svc, actor, c, pc.responded, &clock); err != nil {
			return err
		}
		if err := playRefund(ctx, svc, pc, c.ID, agents[pc.resp.locationID], actor, &clock); err != nil {
			return err
		}
		if err := playBounce(ctx, svc, pc, c, agents[pc.resp.locationID], actor, &clock); err != nil {
			return err
		}
		if err := pc.thread.writeBack(ctx, svc, c, pc.resolved, &clock); err != nil {
			return err
		}
		clock = pc.resolved
		if _, err := svc.Resolve(ctx, actor, c.ID, resolutionFor(c.Category)); err != nil {
			return err
		}
		// The follow-through falls due three days on (the service's
		// default); the manager checks it before closing the case.
		due := pc.resolved.Add(recovery.DefaultFollowThroughAfter)
		clock = due.Add(max(0, pc.closed.Sub(due)) / 2)
		if _, err := svc.CompleteFollowThrough(ctx, actor, c.ID, recovery.CompleteInput{Outcome: pc.followThrough}); err != nil {
			return err
		}
		clock = pc.closed
		_, err = svc.Close(ctx, actor, c.ID, recovery.CloseInput{RootCauseCategory: c.Category,
			RootCauseSource: pc.cause})
		return err
	}
	if err := playPast(ctx, w, svc, past, play); err != nil {
		return err
	}
	for _, pc := range single {
		if err := play(svc, pc); err != nil {
			return err
		}
	}

	// Live cases, newest last.
	live := []*complaint{pick(recent), pick(recent), pick(recent), pick(recent)}
	var liveIDs []int64
	for i, resp := range live {
		if resp == nil {
			continue
		}
		owner := managers[resp.locationID]
		at := resp.at.Add(2 * time.Hour)
		if i == len(live)-1 {
			// Opened 3¼ hours ago and not answered yet: the first-response
			// target (4 hours) is close.
			at = w.end.Add(-3*time.Hour - 15*time.Minute)
		}
		if at.After(w.end) {
			at = w.end
		}
		lc := &pastCase{resp: resp, opened: at, responded: at.Add(90 * time.Minute), resolved: at.Add(90*time.Minute + 20*time.Hour),
			expectation: oneOf(r, expectations)}
		c, actor, err := open(svc, resp, at, owner, lc.expectation)
		if err != nil {
			return fmt.Errorf("open case: %w", err)
		}
		liveIDs = append(liveIDs, c.ID)
		if lc.thread, err = liveThread(ctx, w, tr, lc, i, owner); err != nil {
			return fmt.Errorf("e-mail thread: %w", err)
		}
		if err := lc.thread.opening(ctx, svc, c, &clock); err != nil {
			return err
		}
		clock = lc.responded
		switch i {
		case 0: // resolved, follow-through pending
			if _, err := svc.Respond(ctx, actor, c.ID, "Apologised by phone; offered a return visit on us.", "phone"); err != nil {
				return err
			}
			if err := lc.thread.answerCustomer(ctx, svc, actor, c, lc.responded, &clock); err != nil {
				return err
			}
			if err := lc.thread.writeBack(ctx, svc, c, lc.resolved, &clock); err != nil {
				return err
			}
			clock = lc.resolved
			if _, err := svc.Resolve(ctx, actor, c.ID, resolutionFor(c.Category)); err != nil {
				return err
			}
		case 1: // waiting on the customer, with a coupon awaiting approval
			agent := agents[resp.locationID]
			if _, err := svc.Respond(ctx, actor, c.ID, "Left a voicemail and sent an e-mail asking for a good time to talk.", "email"); err != nil {
				return err
			}
			if agent != nil {
				if _, err := svc.RequestGesture(ctx, employeeActor(agent), c.ID, recovery.GestureInput{Kind: "coupon",
					Amount: 2500, Note: "Coupon for the next visit"}); err != nil {
					return err
				}
			}
			if _, err := svc.Wait(ctx, actor, c.ID, "waiting_on_customer", "Waiting for the customer to call back"); err != nil {
				return err
			}
		case 2: // open and answered
			if _, err := svc.Respond(ctx, actor, c.ID, "Called the customer; investigating with the team.", "phone"); err != nil {
				return err
			}
			if err := lc.thread.answerCustomer(ctx, svc, actor, c, lc.responded, &clock); err != nil {
				return err
			}
		}
	}

	// Bring the live cases' SLA clocks up to the end of the history (the
	// newest one is in its warning window by then).
	clock = w.end
	for _, id := range liveIDs {
		if _, err := svc.CheckSLA(ctx, id); err != nil {
			return fmt.Errorf("check SLA of case %d: %w", id, err)
		}
	}

	// Old cases should not set off reminders or SLA checks at start-up:
	// retire their jobs; the live cases' jobs stay queued.
	if _, err := jobs.Retire(ctx, w.db, recovery.JobKindPrefix, w.end.Add(-caseJobsRetireBefore)); err != nil {
		return fmt.Errorf("retire historical case jobs: %w", err)
	}
	return nil
}

// followThroughUnanswered is the share of past customers the follow-through
// could not reach; the others found it solved.
const followThroughUnanswered = 0.12

// casesPerBatch is how many past cases share a transaction on the bulk
// path.
const casesPerBatch = 1000

// playPast plays the past cases through the service in time order: in
// batches of casesPerBatch cases a transaction (recovery.Service.Batch, the
// same calls in fewer transactions with their statements kept prepared),
// or, on the tests' reference path, each call in a transaction of its own.
func playPast(ctx context.Context, w *world, svc *recovery.Service, past []*pastCase,
	play func(*recovery.Service, *pastCase) error) error {
	if w.viaService {
		for _, pc := range past {
			if err := play(svc, pc); err != nil {
				return err
			}
		}
		return nil
	}
	for batch := range slices.Chunk(past, casesPerBatch) {
		if err := svc.Batch(ctx, func(b *recovery.Service) error {
			for _, pc := range batch {
				if err := play(b, pc); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// caseCandidate returns what a case may be opened from if the response
// may open one: a complaint or a detractor's response with a comment, tied
// to a customer's purchase.
func caseCandidate(r *fresco.Response) (*complaint, bool) {
	if r.CustomerID == nil || r.PurchaseID == nil || r.LocationID == nil || r.Comment == "" ||
		r.PostSlug != feedback.PostComplaint && (r.NPS == nil || *r.NPS > 6) {
		return nil, false
	}
	c := &complaint{customerID: *r.CustomerID, purchaseID: *r.PurchaseID, locationID: *r.LocationID,
		at: r.RespondedAt, post: r.PostSlug, comment: r.Comment}
	if r.EmployeeID != nil {
		c.employeeID = *r.EmployeeID
	}
	return c, true
}

// complaint is what a case is opened from: a response that may open one,
// kept small, as there are tens of thousands of them in a big demo.
type complaint struct {
	customerID, purchaseID, locationID int64
	employeeID                         int64 // 0: nobody served the purchase
	at                                 time.Time
	post, comment                      string
}

// pastCase is a historical case, drawn before it is played through the
// service.
type pastCase struct {
	resp                                *complaint
	opened, responded, resolved, closed time.Time
	expectation, cause                  string
	gesture                             bool // an apology letter
	noResponse                          bool // resolved without a first response
	bounce                              bool // handed to the location's agent and back: handed over twice
	refund                              *pastRefund
	followThrough                       string      // what the check three days on found: solved or no_answer
	thread                              *pastThread // nil: no e-mails (threads.go)
}

// pastRefund is a refund an agent asks for above the agents' limit (50.00
// per case) and the case's manager decides: the latitude audit's history
// (internal/latitude), in which agents are at their limit and nearly every
// request is approved.
type pastRefund struct {
	amount  fresco.Money
	wait    time.Duration
	approve bool
}

// Refunds over the agents' limit in the newest past cases.
const (
	refundTail     = 90   // the newest past cases, played one by one
	refundShare    = 0.5  // of which this share has a refund asked for
	refundApproved = 0.94 // and this share of those is approved
)

// drawRefund draws a refund: mostly 52 to 80 (the limit is 50.00), a few
// larger; approved after half an hour to eight hours.
func drawRefund(r *rng) *pastRefund {
	units := r.between(52, 80)
	if r.chance(0.12) {
		units = r.between(80, 140)
	}
	return &pastRefund{amount: fresco.Money(math.Round(units)) * 100,
		wait: time.Duration(r.between(0.5, 8) * float64(time.Hour)), approve: r.chance(refundApproved)}
}

// playRefund has the agent ask for pc's refund on case c, if it has one,
// and the manager decide it after the wait (clock moves on).
func playRefund(ctx context.Context, svc *recovery.Service, pc *pastCase, c int64, agent *fresco.Employee, manager recovery.Actor, clock *time.Time) error {
	if pc.refund == nil || agent == nil {
		return nil
	}
	g, err := svc.RequestGesture(ctx, employeeActor(agent), c, recovery.GestureInput{Kind: "refund", Amount: pc.refund.amount,
		Note: "Partial refund for the trouble"})
	if err != nil || g.Status != recovery.GesturePending {
		return err
	}
	*clock = clock.Add(pc.refund.wait)
	note := ""
	if !pc.refund.approve {
		note = "More than the trouble was worth: offer a coupon instead"
	}
	_, err = svc.DecideGesture(ctx, manager, g.ID, pc.refund.approve, note)
	return err
}

// playBounce hands pc's case c from its manager to the location's agent,
// who hands it back a while later ("needs the manager's say"): the case
// changes hands twice around "Handed over", which the designed map's
// overlay flags as a real fail point of handovers. The clock moves on,
// staying before the case is resolved.
func playBounce(ctx context.Context, svc *recovery.Service, pc *pastCase, c *fresco.Case, agent *fresco.Employee, manager recovery.Actor, clock *time.Time) error {
	if !pc.bounce || agent == nil || !clock.Before(pc.resolved) {
		return nil
	}
	*clock = clock.Add(pc.resolved.Sub(*clock) / 3)
	if _, err := svc.Transfer(ctx, manager, c.ID, agent.ID, "Can you sort this out with the customer?"); err != nil {
		return err
	}
	*clock = clock.Add(pc.resolved.Sub(*clock) / 2)
	_, err := svc.Transfer(ctx, employeeActor(agent), c.ID, *manager.EmployeeID, "Needs the manager's say: back to you")
	return err
}

func employeeActor(e *fresco.Employee) recovery.Actor {
	id := e.ID
	return recovery.Actor{Ref: fmt.Sprintf("employee:%d", e.ID), Name: e.Name, Role: e.Role, EmployeeID: &id}
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".!?:"); i > 0 {
		return s[:i]
	}
	return s
}

// caseCategory names the problem from the complaint's wording.
func caseCategory(comment string) string {
	c := strings.ToLower(comment)
	switch {
	case strings.Contains(c, "wait") || strings.Contains(c, "late") || strings.Contains(c, "slow") || strings.Contains(c, "week"):
		return "waiting time"
	case strings.Contains(c, "rude") || strings.Contains(c, "ignored") || strings.Contains(c, "unhelpful") || strings.Contains(c, "care"):
		return "staff manner"
	case strings.Contains(c, "clean") || strings.Contains(c, "dirty") || strings.Contains(c, "dust"):
		return "cleanliness"
	case strings.Contains(c, "booking") || strings.Contains(c, "charged") || strings.Contains(c, "code"):
		return "booking and billing"
	case strings.Contains(c, "expensive") || strings.Contains(c, "price"):
		return "price"
	default:
		return "product or room quality"
	}
}

func resolutionFor(category string) string {
	switch category {
	case "waiting time":
		return "Apologised; extra staff now scheduled at peak times."
	case "staff manner":
		return "Apologised; discussed the incident with the employee."
	case "cleanliness":
		return "Apologised; housekeeping checklist reviewed with the team."
	case "booking and billing":
		return "Corrected the booking and refunded the difference."
	case "price":
		return "Explained the pricing and offered a loyalty discount."
	default:
		return "Apologised and fixed the problem."
	}
}
