package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// Feedback model: which purchases get a response, and how the scores come
// out. See the package documentation.
const (
	// feedbackContactGap is the contact-frequency rule the demo respects:
	// a customer answers at most once in this interval.
	feedbackContactGap = 30 * day
	// feedbackFresh is how far back responses count as live: the jobs of
	// older responses are marked done, so that starting the server does not
	// raise follow-ups and notifications for two years of history.
	feedbackFresh = 14 * day
)

// responseShare is the chance that a consenting customer's purchase gets a
// response, by class.
var responseShare = map[*class]float64{
	classApostle:    0.30,
	classRegular:    0.24,
	classChurner:    0.22,
	classMercenary:  0.20,
	classOccasional: 0.18,
}

// npsMean is the class's typical likelihood to recommend (0–10).
var npsMean = map[*class]float64{
	classApostle:    9.4,
	classRegular:    8.7,
	classChurner:    7.0,
	classMercenary:  6.4,
	classOccasional: 7.7,
}

// siteNPS shifts scores by location: the café is well liked, the online shop
// less so (delivery and booking confusion).
var siteNPS = map[siteKey]float64{cityHotel: 0, seasideHotel: 0.2, cafe: 0.4, onlineShop: -0.5}

// seasideSlump is how far Seaside's guests' likelihood to recommend falls
// (0–10 scale) from the quarter its staff leave in a burst (people.go,
// burstStart): the customer half of its cycle of mediocrity.
const seasideSlump = 2.0

// plannedResponse is a response drawn for a purchase.
type plannedResponse struct {
	in feedback.Input
	// resp is what the bulk path stores, made while the purchase is at hand.
	resp *fresco.Response
}

// feedbackStep records survey, card, call, web-form and complaint responses
// for a share of the consenting customers' purchases, a batch of customers
// at a time, as the feedback service would, so that attribution, sentiment
// and categories are computed as for real responses. It draws from its own
// random stream, so the purchases do not change with the feedback model.
type feedbackStep struct {
	w      *world
	r      *rng
	svc    *feedback.Service
	bulk   *bulkFeedback     // nil when recording through the service
	byID   map[int64]*person // the customers of the batch at hand
	siteOf map[int64]*site
	effect map[int64]float64
	// Historical responses should not raise live alerts: the closed loop
	// (follow-ups, detractor notifications) acts on what is recent. The last
	// two weeks' responses are held back and recorded last, with their jobs
	// queued for the server's workers; the older ones' jobs are retired.
	fresh time.Time
	later []*plannedResponse
	slump time.Time // Seaside's guests are let down from here on (zero: never)
}

func newFeedbackStep(w *world) (*feedbackStep, error) {
	svc := feedback.New(w.db, feedback.Options{Now: func() time.Time { return w.end }})
	f := &feedbackStep{w: w, r: newRNG(w.opts.Seed, "feedback"), svc: svc,
		siteOf: map[int64]*site{}, effect: employeeEffects(w), fresh: w.end.Add(-feedbackFresh), slump: w.burstStart()}
	if !w.viaService {
		f.bulk = newBulkFeedback(svc)
	}
	for _, s := range w.sites {
		f.siteOf[s.loc.ID] = s
	}
	return f, nil
}

// purchased draws the feedback on a batch of stored purchases in time
// order, every purchase of its customers (people) included, and records
// the historical responses.
func (f *feedbackStep) purchased(ctx context.Context, people []*person, batch []*fresco.Purchase) error {
	f.byID = make(map[int64]*person, len(people))
	for _, p := range people {
		f.byID[p.id] = p
	}
	plan := f.plan(batch)
	if f.bulk != nil {
		f.bulk.see(batch)
		for _, pr := range plan {
			var err error
			if pr.resp, err = f.bulk.response(ctx, &pr.in); err != nil {
				return err
			}
		}
	}
	n := 0
	for n < len(plan) && plan[n].in.RespondedAt.Before(f.fresh) {
		n++
	}
	f.later = append(f.later, plan[n:]...)
	return f.record(ctx, plan[:n], false)
}

// finish records the last two weeks' responses, after retiring the jobs of
// the historical ones that the service queued.
func (f *feedbackStep) finish(ctx context.Context) error {
	if f.bulk == nil {
		if _, err := jobs.Retire(ctx, f.w.db, feedback.JobResponseRecorded, time.Time{}); err != nil {
			return fmt.Errorf("retire historical feedback jobs: %w", err)
		}
	}
	sortByResponse(f.later)
	return f.record(ctx, f.later, true)
}

// plan draws which of the purchases get a response, and the response.
func (f *feedbackStep) plan(batch []*fresco.Purchase) []*plannedResponse {
	w, r := f.w, f.r
	lastAsked := map[int64]time.Time{}
	var plan []*plannedResponse
	for _, pu := range batch {
		if pu.CustomerID == nil || pu.Total() <= 0 || pu.LocationID == nil {
			continue
		}
		p := f.byID[*pu.CustomerID]
		if p == nil || !p.consentSurveys {
			continue
		}
		if !r.chance(responseShare[p.class]) {
			continue
		}
		at := pu.PurchasedAt.Add(3*time.Hour + time.Duration(math.Min(r.ExpFloat64()*2, 9.8)*float64(day)))
		if at.After(w.end) || at.Before(lastAsked[p.id].Add(feedbackContactGap)) {
			continue
		}
		lastAsked[p.id] = at
		s := f.siteOf[*pu.LocationID]
		mean := npsMean[p.class]
		if s != nil {
			mean += siteNPS[s.key]
		}
		if pu.ServedBy != nil {
			mean += f.effect[*pu.ServedBy]
		}
		if s != nil && s.key == seasideHotel && !f.slump.IsZero() && !pu.PurchasedAt.Before(f.slump) {
			mean -= seasideSlump // the cycle of mediocrity: staff stretched, guests let down
		}
		if p.class == classChurner && !p.churnAt.IsZero() && p.churnAt.Sub(pu.PurchasedAt) < 120*day {
			mean -= 2.5 // unhappy in the months before leaving
		}
		if pu.PromotionCode != "" {
			mean -= 0.4
		}
		nps := clampInt(int(math.Round(mean+r.NormFloat64()*1.7)), 0, 10)
		in := feedbackInput(r, s, pu, nps, at)
		if s != nil && s.key == cafe && w.end.Sub(at) < cardMachineDown && r.chance(cardMachineMentioned) {
			in.Comment = cardMachineComment(r, nps)
		}
		plan = append(plan, &plannedResponse{in: in})
	}
	sortByResponse(plan)
	return plan
}

func sortByResponse(plan []*plannedResponse) {
	slices.SortStableFunc(plan, func(a, b *plannedResponse) int { return a.in.RespondedAt.Compare(b.in.RespondedAt) })
}

// record stores planned responses, queueing the closed loop's jobs if live.
func (f *feedbackStep) record(ctx context.Context, plan []*plannedResponse, live bool) error {
	if f.bulk == nil {
		return f.recordViaService(ctx, plan)
	}
	return f.recordInBulk(ctx, plan, live)
}

// recordViaService records the planned responses one by one through the
// feedback service. It is the reference for recordInBulk: the tests check
// that both store the same rows.
func (f *feedbackStep) recordViaService(ctx context.Context, plan []*plannedResponse) error {
	for _, pr := range plan {
		if err := ctx.Err(); err != nil {
			return err
		}
		resp, err := f.svc.Record(ctx, &pr.in)
		if err != nil {
			if fresco.ErrorCode(err) == fresco.EINVALID || fresco.ErrorCode(err) == fresco.ECONFLICT {
				continue // refused (e.g. a rule); skip it quietly
			}
			return err
		}
		f.recorded(resp)
	}
	return nil
}

// recorded counts a stored response and keeps it if it may open a case.
func (f *feedbackStep) recorded(r *fresco.Response) {
	f.w.summary.Responses++
	if c, ok := caseCandidate(r); ok {
		f.w.complaints = append(f.w.complaints, c)
	}
}

// feedbackBatch is how many responses recordInBulk writes per transaction.
const feedbackBatch = 10_000

// recordInBulk stores what recordViaService would, many responses a
// transaction with multi-row INSERTs: a transaction per response made
// feedback most of the generation time. The service's work — attribution
// and segment from the purchase, sentiment and suggested categories of
// each distinct comment once — was done in memory by bulkFeedback; this
// adds the contact record of a solicited post and, for live responses, the
// closed loop's job.
func (f *feedbackStep) recordInBulk(ctx context.Context, plan []*plannedResponse, live bool) error {
	for start := 0; start < len(plan); start += feedbackBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := make([]*fresco.Response, 0, feedbackBatch)
		var contacts []store.Contact
		for _, pr := range plan[start:min(start+feedbackBatch, len(plan))] {
			r := pr.resp
			batch = append(batch, r)
			if f.bulk.solicited[r.PostSlug] {
				contacts = append(contacts, store.Contact{CustomerID: *r.CustomerID, Channel: r.PostSlug, At: r.RespondedAt})
			}
		}
		err := f.w.db.InTx(ctx, func(tx *store.Tx) error {
			tx.LeaveRollupsToRebuild() // indexesRollupsAndCases, once every response is in
			if err := tx.InsertResponses(ctx, batch); err != nil {
				return err
			}
			if err := tx.RecordContacts(ctx, contacts); err != nil {
				return err
			}
			for _, r := range batch {
				if !live {
					continue
				}
				if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: feedback.JobResponseRecorded, Payload: recordedPayload(r)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range batch {
			f.recorded(r)
		}
	}
	return nil
}

// bulkFeedback turns planned inputs into responses as the feedback service
// would.
type bulkFeedback struct {
	svc       *feedback.Service
	posts     map[string]*fresco.ListeningPost
	solicited map[string]bool
	bought    map[int64][]time.Time // each customer's purchase times, in order
	purchase  map[int64]*fresco.Purchase
	analysed  map[string]analysedComment
}

type analysedComment struct {
	sentiment float64
	label     string
	suggested []string
}

func newBulkFeedback(svc *feedback.Service) *bulkFeedback {
	return &bulkFeedback{svc: svc, posts: map[string]*fresco.ListeningPost{}, solicited: map[string]bool{},
		analysed: map[string]analysedComment{}}
}

// see makes a batch of purchases, in time order and with every purchase of
// their customers, the ones responses are about.
func (b *bulkFeedback) see(batch []*fresco.Purchase) {
	b.bought = map[int64][]time.Time{}
	b.purchase = make(map[int64]*fresco.Purchase, len(batch))
	for _, pu := range batch {
		b.purchase[pu.ID] = pu
		if pu.CustomerID != nil {
			b.bought[*pu.CustomerID] = append(b.bought[*pu.CustomerID], pu.PurchasedAt)
		}
	}
}

// response is what feedback.Service.Record stores for in, which must be a
// valid input about a customer's purchase with score answers only.
func (b *bulkFeedback) response(ctx context.Context, in *feedback.Input) (*fresco.Response, error) {
	post := b.posts[in.ListeningPost]
	if post == nil {
		p, err := b.svc.DB().ListeningPostBySlug(ctx, in.ListeningPost)
		if err != nil {
			return nil, fmt.Errorf("listening post %q: %w", in.ListeningPost, err)
		}
		post, b.posts[p.Slug], b.solicited[p.Slug] = p, p, p.Solicited
	}
	pu := b.purchase[*in.PurchaseID]
	if pu == nil || pu.CustomerID == nil {
		return nil, fmt.Errorf("response %s: purchase %d is not a customer's", in.ExternalID, *in.PurchaseID)
	}
	purchasedAt := pu.PurchasedAt.UTC().Truncate(time.Microsecond)
	r := &fresco.Response{
		ExternalID: in.ExternalID, PostID: post.ID, PostSlug: post.Slug, PurchaseID: in.PurchaseID,
		CustomerID: pu.CustomerID, EmployeeID: pu.ServedBy, LocationID: pu.LocationID, PurchasedAt: &purchasedAt,
		Segment: "new", Source: in.Source, RespondedAt: in.RespondedAt.UTC().Truncate(time.Microsecond),
		Comment: strings.TrimSpace(in.Comment), CreatedBy: in.Actor,
	}
	// The purchases on or before the response: more than one makes a repeat customer.
	times := b.bought[*pu.CustomerID]
	if n, _ := slices.BinarySearchFunc(times, r.RespondedAt, func(t, at time.Time) int {
		if t.After(at) {
			return 1
		}
		return -1
	}); n > 1 {
		r.Segment = "repeat"
	}
	for _, a := range in.Answers {
		if a.Score == nil || a.Question != "" || len(a.Choices) > 0 || a.Text != "" || a.Choice != "" {
			return nil, fmt.Errorf("response %s: the bulk path takes score answers only", in.ExternalID)
		}
		s := *a.Score
		r.Answers = append(r.Answers, fresco.Answer{Type: a.Type, Item: a.Item, Score: &s})
		switch {
		case a.Type == feedback.TypeNPS && r.NPS == nil:
			r.NPS = &s
		case a.Type == feedback.TypeCSAT && r.CSAT == nil:
			r.CSAT = &s
		case a.Type == feedback.TypeCES && r.CES == nil:
			r.CES = &s
		}
	}
	if r.Comment != "" {
		a, ok := b.analysed[r.Comment]
		if !ok {
			sc := text.Sentiment(r.Comment)
			_, labels, err := b.svc.Suggest(ctx, r.Comment)
			if err != nil {
				return nil, err
			}
			a = analysedComment{sentiment: sc.Compound, label: string(sc.Label), suggested: labels}
			b.analysed[r.Comment] = a
		}
		sentiment := a.sentiment
		r.Sentiment, r.SentimentLabel, r.Suggested = &sentiment, a.label, a.suggested
	}
	return r, nil
}

// recordedPayload is the payload feedback.Service.Record enqueues.
func recordedPayload(r *fresco.Response) feedback.ResponseRecorded {
	return feedback.ResponseRecorded{
		ResponseID: r.ID, ListeningPost: r.PostSlug, CustomerID: r.CustomerID, PurchaseID: r.PurchaseID,
		EmployeeID: r.EmployeeID, LocationID: r.LocationID, NPS: r.NPS, CSAT: r.CSAT, CES: r.CES,
		Sentiment: r.Sentiment, RespondedAt: r.RespondedAt, Flags: feedback.FlagsOf(r),
	}
}

// employeeEffects makes a few of the serving staff clearly better or worse
// than their colleagues, so that the employee rankings show something.
func employeeEffects(w *world) map[int64]float64 {
	effect := map[int64]float64{}
	set := func(k siteKey, i int, d float64) {
		for _, s := range w.sites {
			if s.key == k && i < len(s.staff) {
				effect[s.staff[i].ID] = d
			}
		}
	}
	set(cityHotel, 1, 1.3)     // the star of the front desk
	set(cafe, 2, 0.9)          // a much-praised barista
	set(seasideHotel, 3, -2.0) // curt, slow: detractors follow
	set(cityHotel, 4, -1.2)
	return effect
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

func score(v float64, lo, hi int) *int {
	s := clampInt(int(math.Round(v)), lo, hi)
	return &s
}

// feedbackInput draws the listening post, answers and comment of one
// response with likelihood to recommend nps, given at time at.
func feedbackInput(r *rng, s *site, pu *fresco.Purchase, nps int, at time.Time) feedback.Input {
	key := onlineShop
	if s != nil {
		key = s.key
	}
	post := feedback.PostSurvey
	switch {
	case nps <= 4 && r.chance(0.15):
		post = feedback.PostComplaint
	case pu.Channel == "web" || key == onlineShop:
		if r.chance(0.3) {
			post = feedback.PostWebForm
		}
	case key == cityHotel || key == seasideHotel:
		switch x := r.Float64(); {
		case x < 0.12:
			post = feedback.PostFollowUpCall
		case x < 0.27:
			post = feedback.PostSatisfaction
		case x < 0.32:
			post = feedback.PostWebForm
		}
	default:
		if r.chance(0.25) {
			post = feedback.PostSatisfaction
		}
	}
	n := float64(nps)
	answers := []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &nps}}
	csat := 1 + n*0.4 + r.NormFloat64()*0.6
	if r.chance(0.7) {
		answers = append(answers, feedback.AnswerInput{Type: feedback.TypeCSAT, Score: score(csat, 1, 5)})
	}
	if r.chance(0.25) {
		answers = append(answers, feedback.AnswerInput{Type: feedback.TypeCES, Score: score(1.5+n*0.5+r.NormFloat64(), 1, 7)})
	}
	if r.chance(0.15) {
		for _, item := range feedback.ProcessQualityItems {
			if r.chance(0.6) {
				// Responsiveness and empathy follow the score most closely:
				// they come out as the drivers.
				weight := 0.25
				if item == "responsiveness" || item == "empathy" {
					weight = 0.4
				}
				answers = append(answers, feedback.AnswerInput{Type: feedback.TypeProcessQuality, Item: item,
					Score: score(3+(n-7)*weight+r.NormFloat64()*0.7, 1, 5)})
			}
		}
	}
	answers = append(answers, valueAnswers(pu.ID, n)...)
	comment := ""
	if p := 0.3 + 0.3*boolf(nps <= 6) + 0.5*boolf(post == feedback.PostComplaint); r.chance(p) {
		comment = drawComment(r, key, nps)
	}
	id := pu.ID
	return feedback.Input{
		ExternalID:    fmt.Sprintf("demo-response-%d", pu.ID),
		ListeningPost: post,
		PurchaseID:    &id,
		Answers:       answers,
		Comment:       comment,
		Source:        "import",
		Actor:         "demo",
		RespondedAt:   at,
	}
}

// valueEquationShare of the responses answer the four Customer Value
// Equation questions (1–5, 5 the good end: a fair price, easy to reach).
// What the customer got (results) follows their likelihood to recommend
// most closely and the cost of reaching the business least, so the value
// drivers on the feedback page have a clear order to show.
const valueEquationShare = 0.2

var valueItemWeight = map[string]float64{"results": 0.45, "process_quality": 0.35, "price": 0.2, "access_costs": 0.1}

// valueAnswers are the value questions' answers to the survey after
// purchase, if it asked them, given likelihood to recommend n. They are
// drawn from a stream of the purchase's own, so that asking them left
// every other draw of the demo as it was.
func valueAnswers(purchase int64, n float64) []feedback.AnswerInput {
	r := newRNG(purchase, "value equation")
	if !r.chance(valueEquationShare) {
		return nil
	}
	var answers []feedback.AnswerInput
	for _, item := range feedback.ValueItems {
		answers = append(answers, feedback.AnswerInput{Type: feedback.TypeValue, Item: item,
			Score: score(3+(n-7)*valueItemWeight[item]+r.NormFloat64()*0.8, 1, 5)})
	}
	return answers
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
