package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func intp(v int) *int { return &v }

// world is a small business: one location, two employees, a consenting
// customer with a purchase served by Bob.
type world struct {
	db       *store.DB
	svc      *feedback.Service
	clock    *clock
	loc      *fresco.Location
	bob, eve *fresco.Employee
	ada      *fresco.Customer
	purchase *fresco.Purchase
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, clock: &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}}
	w.svc = feedback.New(db, feedback.Options{Now: w.clock.Now})
	w.loc = &fresco.Location{Name: "Harbour Street"}
	must(t, db.CreateLocation(ctx, w.loc))
	w.bob = &fresco.Employee{Email: "bob@example.com", Name: "Bob", Role: fresco.RoleAgent, LocationID: &w.loc.ID, Active: true}
	must(t, db.CreateEmployee(ctx, w.bob))
	w.eve = &fresco.Employee{Email: "eve@example.com", Name: "Eve", Role: fresco.RoleAgent, Active: true}
	must(t, db.CreateEmployee(ctx, w.eve))
	w.ada = &fresco.Customer{Name: "Ada", Email: "ada@example.com", ConsentSurveys: true}
	must(t, db.CreateCustomer(ctx, w.ada))
	w.purchase = w.buy(t, w.ada, w.bob, w.clock.Now().Add(-48*time.Hour))
	return w
}

func (w *world) buy(t *testing.T, c *fresco.Customer, e *fresco.Employee, at time.Time) *fresco.Purchase {
	t.Helper()
	p := &fresco.Purchase{CustomerID: &c.ID, ServedBy: &e.ID, LocationID: e.LocationID, PurchasedAt: at,
		Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 12000}}}
	must(t, w.db.CreatePurchase(context.Background(), p))
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fieldsOf(err error) map[string]string {
	m := map[string]string{}
	for _, f := range fresco.ErrorFields(err) {
		m[f.Field] = f.Message
	}
	return m
}

type jobRow struct {
	Kind    string
	Payload feedback.ResponseRecorded
}

func hookJobs(t *testing.T, db *store.DB) []jobRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT kind, payload FROM jobs WHERE kind = ? ORDER BY id`, feedback.JobResponseRecorded)
	must(t, err)
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		var raw string
		must(t, rows.Scan(&j.Kind, &raw))
		must(t, json.Unmarshal([]byte(raw), &j.Payload))
		out = append(out, j)
	}
	return out
}

func TestRecordAttributesAndEnqueuesHook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		r, err := w.svc.Record(ctx, &feedback.Input{
			PurchaseID: &w.purchase.ID, ListeningPost: "survey",
			Answers: []feedback.AnswerInput{{Type: "nps", Score: intp(3)}, {Type: "csat", Score: intp(2)},
				{Type: "process_quality", Item: "responsiveness", Score: intp(2)}, {Type: "acquisition_source", Choice: "Friend or family"}},
			Comment: "We waited forty minutes for the room and nobody apologised. Terrible.",
		})
		must(t, err)
		if r.CustomerID == nil || *r.CustomerID != w.ada.ID || *r.EmployeeID != w.bob.ID || *r.LocationID != w.loc.ID {
			t.Fatalf("attribution from purchase: %+v", r)
		}
		if r.PurchasedAt == nil || !r.PurchasedAt.Equal(w.purchase.PurchasedAt) || r.Segment != "new" {
			t.Fatalf("purchased_at %v segment %q", r.PurchasedAt, r.Segment)
		}
		if r.SentimentLabel != "negative" || r.Sentiment == nil || *r.Sentiment >= 0 {
			t.Fatalf("sentiment %v %q", r.Sentiment, r.SentimentLabel)
		}
		if !strings.Contains(strings.Join(r.Suggested, ","), "waiting") {
			t.Fatalf("suggested %v", r.Suggested)
		}
		got, err := db.Response(ctx, r.ID)
		must(t, err)
		if *got.NPS != 3 || *got.CSAT != 2 || got.AcquisitionSource != "Friend or family" || len(got.Answers) != 4 {
			t.Fatalf("stored %+v", got)
		}
		cust, _ := db.Customer(ctx, w.ada.ID)
		if cust.AcquisitionSource != "Friend or family" {
			t.Fatalf("acquisition source not copied to the customer: %q", cust.AcquisitionSource)
		}
		js := hookJobs(t, db)
		if len(js) != 1 || js[0].Payload.ResponseID != r.ID || !js[0].Payload.Flags.Detractor || !js[0].Payload.Flags.CSATLow ||
			js[0].Payload.Flags.Complaint || *js[0].Payload.EmployeeID != w.bob.ID {
			t.Fatalf("hook jobs %+v", js)
		}
		// Staff entry without purchase: the employee's location is used.
		r2, err := w.svc.Record(ctx, &feedback.Input{CustomerID: &w.ada.ID, EmployeeID: &w.bob.ID, ListeningPost: "complaint",
			Comment: "The heating did not work."})
		must(t, err)
		if *r2.LocationID != w.loc.ID || r2.PostSlug != "complaint" {
			t.Fatalf("r2 %+v", r2)
		}
		if js := hookJobs(t, db); len(js) != 2 || !js[1].Payload.Flags.Complaint {
			t.Fatalf("complaint hook %+v", js)
		}
	})
}

// TestResponseLocation: a response is attributed to a location by, in
// order, the location given, the purchase's location and the location of
// the employee it names.
func TestResponseLocation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		pier := &fresco.Location{Name: "Pier Road"}
		must(t, db.CreateLocation(ctx, pier))
		cal := &fresco.Employee{Email: "cal@example.com", Name: "Cal", Role: fresco.RoleAgent, LocationID: &pier.ID, Active: true}
		must(t, db.CreateEmployee(ctx, cal))
		card := []feedback.AnswerInput{{Type: "nps", Score: intp(8)}}
		cases := []struct {
			name string
			in   feedback.Input
			want *int64
		}{
			{"employee only", feedback.Input{EmployeeID: &cal.ID}, &pier.ID},
			{"employee and customer", feedback.Input{CustomerID: &w.ada.ID, EmployeeID: &cal.ID}, &pier.ID},
			{"explicit location", feedback.Input{EmployeeID: &cal.ID, LocationID: &w.loc.ID}, &w.loc.ID},
			{"purchase's location over the employee's", feedback.Input{PurchaseID: &w.purchase.ID, EmployeeID: &cal.ID}, &w.loc.ID},
			{"employee without a location", feedback.Input{EmployeeID: &w.eve.ID}, nil},
			{"nobody", feedback.Input{}, nil},
		}
		for _, c := range cases {
			c.in.ListeningPost, c.in.Answers = "satisfaction_card", card
			r, err := w.svc.Record(ctx, &c.in)
			must(t, err)
			stored, err := db.Response(ctx, r.ID)
			must(t, err)
			if !sameID(stored.LocationID, c.want) {
				t.Errorf("%s: location %v, want %v", c.name, idOf(stored.LocationID), idOf(c.want))
			}
		}

		// A survey link for an employee, without a purchase.
		post, _ := db.ListeningPostBySlug(ctx, "survey")
		s := &fresco.Survey{Slug: "desk", Name: "At the desk", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
		must(t, db.CreateSurvey(ctx, s))
		inv, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, EmployeeID: &cal.ID})
		must(t, err)
		r, err := w.svc.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "nps", Score: intp(9)}}, "")
		must(t, err)
		if !sameID(r.LocationID, &pier.ID) {
			t.Errorf("survey link: location %v, want %d", idOf(r.LocationID), pier.ID)
		}
	})
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func idOf(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

func TestRecordValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		other := &fresco.Customer{Name: "Other"}
		must(t, db.CreateCustomer(ctx, other))
		missing := int64(4242)
		cases := []struct {
			name string
			in   feedback.Input
			want []string
		}{
			{"nothing", feedback.Input{}, []string{"answers"}},
			{"bad scores", feedback.Input{Answers: []feedback.AnswerInput{{Type: "nps", Score: intp(11)}, {Type: "csat"}, {Type: "ces", Score: intp(0)}}},
				[]string{"answers[0].score", "answers[1].score", "answers[2].score"}},
			{"bad type and item", feedback.Input{Answers: []feedback.AnswerInput{{Type: "stars", Score: intp(3)}, {Type: "process_quality", Item: "speed", Score: intp(3)}}},
				[]string{"answers[0].type", "answers[1].item"}},
			{"unknown post", feedback.Input{ListeningPost: "carrier_pigeon", Comment: "hi"}, []string{"listening_post"}},
			{"dangling refs", feedback.Input{CustomerID: &missing, EmployeeID: &missing, Comment: "hi"}, []string{"customer_id", "employee_id"}},
			{"purchase of another customer", feedback.Input{CustomerID: &other.ID, PurchaseID: &w.purchase.ID, Comment: "hi"}, []string{"customer_id"}},
			{"missing purchase", feedback.Input{PurchaseID: &missing, Comment: "hi"}, []string{"purchase_id"}},
			{"unknown category", feedback.Input{Comment: "hi", Categories: []string{"nope"}}, []string{"categories[0]"}},
		}
		for _, c := range cases {
			_, err := w.svc.Record(ctx, &c.in)
			if fresco.ErrorCode(err) != fresco.EINVALID {
				t.Errorf("%s: err %v, want invalid", c.name, err)
				continue
			}
			f := fieldsOf(err)
			for _, want := range c.want {
				if _, ok := f[want]; !ok {
					t.Errorf("%s: fields %v lack %s", c.name, f, want)
				}
			}
		}
		if js := hookJobs(t, db); len(js) != 0 {
			t.Fatalf("rejected responses enqueued jobs: %v", js)
		}
	})
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// May: 40 answers by Bob (20 promoters, 10 passives, 10 detractors),
		// June: 40 by Bob all detractors; Eve: 5 promoters (below min n).
		rec := func(e *fresco.Employee, at time.Time, nps int, extra ...feedback.AnswerInput) {
			t.Helper()
			_, err := w.svc.Record(ctx, &feedback.Input{EmployeeID: &e.ID, RespondedAt: at,
				Answers: append([]feedback.AnswerInput{{Type: "nps", Score: intp(nps)}}, extra...)})
			must(t, err)
		}
		may := time.Date(2025, 5, 3, 10, 0, 0, 0, time.UTC)
		for i := range 40 {
			score := []int{10, 10, 8, 2}[i%4]
			rec(w.bob, may.Add(time.Duration(i)*time.Hour), score,
				feedback.AnswerInput{Type: "process_quality", Item: "empathy", Score: intp(max(1, score/2))},
				feedback.AnswerInput{Type: "csat", Score: intp(max(1, score/2))})
		}
		june := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
		for i := range 40 {
			rec(w.bob, june.Add(time.Duration(i)*time.Minute), 1)
		}
		for i := range 5 {
			rec(w.eve, may.Add(time.Duration(i)*time.Minute), 10)
		}
		all, err := w.svc.NPS(ctx, store.ResponseFilter{})
		must(t, err)
		if all.N != 85 || all.Promoters != 25 || all.Detractors != 50 || !(all.CILow < all.NPS && all.NPS < all.CIHigh) {
			t.Fatalf("nps %+v", all)
		}
		mayOnly, err := w.svc.NPS(ctx, store.ResponseFilter{From: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), EmployeeID: &w.bob.ID})
		must(t, err)
		if mayOnly.N != 40 || mayOnly.NPS != 25 {
			t.Fatalf("may %+v", mayOnly)
		}
		ranking, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, "nps", store.GroupEmployee, 0)
		must(t, err)
		if len(ranking) != 2 || ranking[0].Label != "Bob" || ranking[0].Rank != 1 || ranking[0].NPS == nil ||
			!ranking[1].Hidden || ranking[1].NPS != nil || ranking[1].N != 5 {
			t.Fatalf("ranking %+v", ranking)
		}
		trend, err := w.svc.Trend(ctx, store.ResponseFilter{EmployeeID: &w.bob.ID}, "nps", "month")
		must(t, err)
		if len(trend) != 2 || trend[0].Label != "2025-05" || trend[0].SignificantChange || !trend[1].SignificantChange {
			t.Fatalf("trend %+v", trend)
		}
		weeks, err := w.svc.Trend(ctx, store.ResponseFilter{}, "nps", "week")
		must(t, err)
		if len(weeks) != 5 || weeks[2].N != 0 || weeks[2].NPS.Change == nil || weeks[2].NPS.Change.Comparable {
			t.Fatalf("weekly trend should keep the empty weeks: %d points", len(weeks))
		}
		csat, err := w.svc.CSAT(ctx, store.ResponseFilter{})
		must(t, err)
		if csat.N != 40 {
			t.Fatalf("csat %+v", csat)
		}
		dist, err := w.svc.Distribution(ctx, store.ResponseFilter{}, "nps")
		must(t, err)
		if len(dist) != 11 || dist[10] != 25 || dist[1] != 40 {
			t.Fatalf("distribution %v", dist)
		}
		// The dashboard reads both at once: the same figures.
		for _, f := range []store.ResponseFilter{{}, {EmployeeID: &w.bob.ID, From: june}} {
			one, _ := w.svc.NPS(ctx, f)
			spread, _ := w.svc.Distribution(ctx, f, "nps")
			both, bothDist, err := w.svc.NPSWithDistribution(ctx, f)
			must(t, err)
			if !reflect.DeepEqual(both, one) || !slices.Equal(bothDist, spread) {
				t.Fatalf("%+v: NPSWithDistribution %+v %v, NPS and Distribution %+v %v", f, both, bothDist, one, spread)
			}
		}
		drivers, err := w.svc.Drivers(ctx, store.ResponseFilter{})
		must(t, err)
		if len(drivers.Drivers) == 0 || drivers.Drivers[0].N != 40 {
			t.Fatalf("drivers %+v", drivers)
		}
		if _, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, "nps", "planet", 0); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("bad grouping: %v", err)
		}
	})
}

func TestSurveyLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		post, _ := db.ListeningPostBySlug(ctx, "survey")
		s := &fresco.Survey{Slug: "after-stay", Name: "After your stay", PostID: post.ID, Active: true, Questions: []fresco.Question{
			{Key: "nps", Type: "nps", Required: true}, {Key: "heard", Type: "acquisition_source"},
			{Key: "room", Type: "single_choice", Choices: []string{"Sea view", "Garden"}}}}
		must(t, feedback.ValidateSurvey(s))
		must(t, db.CreateSurvey(ctx, s))

		inv, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, PurchaseID: &w.purchase.ID, Channel: "email"})
		must(t, err)
		if *inv.CustomerID != w.ada.ID || *inv.EmployeeID != w.bob.ID || !strings.HasPrefix(inv.Path, "/s/") {
			t.Fatalf("invitation %+v", inv.Invitation)
		}
		// The contact-frequency rule: no second ask within 30 days, on any channel.
		_, err = w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, CustomerID: &w.ada.ID})
		if fresco.ErrorCode(err) != fresco.ECONFLICT || fieldsOf(err)["customer_id"] == "" {
			t.Fatalf("second invitation within 30 days: %v", err)
		}
		// Forged tokens.
		forged := []byte(inv.Token)
		forged[5] ^= 1
		// The same bytes spelt differently: the last character's unused low bit set.
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		last := strings.IndexByte(alphabet, inv.Token[len(inv.Token)-1])
		respelt := inv.Token[:len(inv.Token)-1] + string(alphabet[last^1])
		for _, tok := range []string{string(forged), respelt, "", "abc", inv.Token + "x", strings.Repeat("A", len(inv.Token))} {
			if _, _, err := w.svc.OpenLink(ctx, tok); err != feedback.ErrLinkInvalid {
				t.Errorf("token %q: %v", tok, err)
			}
		}
		// Bad answers store nothing and keep the link usable.
		_, err = w.svc.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "room", Choice: "Basement"}}, "")
		if f := fieldsOf(err); f["answers[0].choice"] == "" || f["answers"] == "" {
			t.Fatalf("bad submission: %v", err)
		}
		r, err := w.svc.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "nps", Score: intp(9)}, {Question: "heard", Choice: "Search engine"}}, "Lovely")
		must(t, err)
		if r.Source != "link" || *r.InvitationID != inv.ID || *r.EmployeeID != w.bob.ID || r.PostSlug != "survey" {
			t.Fatalf("response %+v", r)
		}
		if _, err := w.svc.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "nps", Score: intp(0)}}, ""); err != feedback.ErrLinkUsed {
			t.Fatalf("reused link: %v", err)
		}
		// Expiry: a fresh customer, a link, and 15 days later.
		bea := &fresco.Customer{Name: "Bea", ConsentSurveys: true}
		must(t, db.CreateCustomer(ctx, bea))
		inv2, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, CustomerID: &bea.ID})
		must(t, err)
		w.clock.Add(15 * 24 * time.Hour)
		if _, err := w.svc.SubmitLink(ctx, inv2.Token, []feedback.AnswerInput{{Question: "nps", Score: intp(9)}}, ""); err != feedback.ErrLinkExpired {
			t.Fatalf("expired link: %v", err)
		}
		// No consent, no survey.
		cy := &fresco.Customer{Name: "Cy"}
		must(t, db.CreateCustomer(ctx, cy))
		if _, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, CustomerID: &cy.ID}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("no consent: %v", err)
		}
		// The rule is a setting: at 90 days Ada may not be asked after 31.
		must(t, db.SetSetting(ctx, feedback.SettingContactDays, "90"))
		w.clock.Add(16 * 24 * time.Hour)
		if _, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, CustomerID: &w.ada.ID}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("90-day rule after 31 days: %v", err)
		}
		must(t, db.SetSetting(ctx, feedback.SettingContactDays, "30"))
		w.clock.Add(-16 * 24 * time.Hour)
		// After 30 days Ada may be asked again.
		w.clock.Add(16 * 24 * time.Hour)
		if _, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID, CustomerID: &w.ada.ID}); err != nil {
			t.Fatalf("after 31 days: %v", err)
		}
		n := 0
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM responses`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d responses stored, want 1", n)
		}
	})
}

func TestSurveyLinkConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		post, _ := db.ListeningPostBySlug(ctx, "survey")
		s := &fresco.Survey{Slug: "quick", Name: "Quick", PostID: post.ID, Active: true, Questions: []fresco.Question{{Key: "nps", Type: "nps"}}}
		must(t, feedback.ValidateSurvey(s))
		must(t, db.CreateSurvey(ctx, s))
		inv, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: s.ID})
		must(t, err)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				_, err := w.svc.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "nps", Score: intp(i)}}, "")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			} else if fresco.ErrorCode(err) != fresco.ECONFLICT {
				t.Errorf("unexpected error %v", err)
			}
		}
		n := 0
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM responses`).Scan(&n))
		if ok != 1 || n != 1 {
			t.Fatalf("%d submissions succeeded, %d stored; want 1 and 1", ok, n)
		}
	})
}

func TestCallTasks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		noConsent := &fresco.Customer{Name: "Dee"}
		must(t, db.CreateCustomer(ctx, noConsent))
		w.buy(t, noConsent, w.eve, w.clock.Now().Add(-47*time.Hour))
		res, err := w.svc.SweepCallTasks(ctx)
		must(t, err)
		if res.Created+res.Skipped != 0 {
			t.Fatalf("calls before they are due: %+v", res)
		}
		w.clock.Add(6 * 24 * time.Hour)
		res, err = w.svc.SweepCallTasks(ctx)
		must(t, err)
		if res.Created != 1 || res.Skipped != 1 {
			t.Fatalf("sweep %+v", res)
		}
		if res, _ = w.svc.SweepCallTasks(ctx); res.Created+res.Skipped != 0 {
			t.Fatalf("second sweep made tasks again: %+v", res)
		}
		mine, _, err := db.ListCallTasks(ctx, store.CallTaskFilter{EmployeeID: &w.bob.ID, Status: "open"})
		must(t, err)
		if len(mine) != 1 || mine[0].PurchaseID != w.purchase.ID || !mine[0].DueAt.Equal(w.purchase.PurchasedAt.Add(7*24*time.Hour)) {
			t.Fatalf("bob's tasks %+v", mine)
		}
		_, err = w.svc.CompleteCallTask(ctx, mine[0].ID, feedback.CallOutcome{Status: "done"})
		if fieldsOf(err)["answers"] == "" {
			t.Fatalf("done without answers: %v", err)
		}
		task, err := w.svc.CompleteCallTask(ctx, mine[0].ID, feedback.CallOutcome{Status: "done", Outcome: "happy",
			Answers: []feedback.AnswerInput{{Question: "csat", Score: intp(5)}, {Question: "nps", Score: intp(10)}}, Actor: "employee:1"})
		must(t, err)
		if task.Status != "done" || task.ResponseID == nil {
			t.Fatalf("task %+v", task)
		}
		r, err := db.Response(ctx, *task.ResponseID)
		must(t, err)
		if r.PostSlug != "follow_up_call" || *r.EmployeeID != w.bob.ID || *r.CSAT != 5 {
			t.Fatalf("call response %+v", r)
		}
		if _, err := w.svc.CompleteCallTask(ctx, mine[0].ID, feedback.CallOutcome{Status: "no_answer"}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("completing twice: %v", err)
		}
	})
}

func TestPostStatsAndAcquisition(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.buy(t, w.ada, w.bob, w.clock.Now().Add(-24*time.Hour)) // Ada is a repeat customer
		_, err := w.svc.Record(ctx, &feedback.Input{PurchaseID: &w.purchase.ID, ListeningPost: "ordering_process",
			Answers: []feedback.AnswerInput{{Type: "acquisition_source", Choice: "Friend or family"}}})
		must(t, err)
		_, err = w.svc.AddUse(ctx, "ordering_process", "Moved radio budget to referral cards", nil, "employee:1")
		must(t, err)
		list, err := w.svc.PostStats(ctx, time.Time{}, time.Time{})
		must(t, err)
		var op *feedback.PostStats
		for i := range list {
			if list[i].Post.Slug == "ordering_process" {
				op = &list[i]
			}
		}
		if op == nil || op.Responses != 1 || op.MedianDelay == nil || *op.MedianDelay != 48*time.Hour || len(op.Uses) != 1 || op.ResponseRate != nil {
			t.Fatalf("ordering post %+v", op)
		}
		acq, err := w.svc.Acquisition(ctx)
		must(t, err)
		if len(acq) != 1 || acq[0].Source != "Friend or family" || acq[0].Customers != 1 || acq[0].Retention.Count != 1 || acq[0].AverageValue != 24000 {
			t.Fatalf("acquisition %+v", acq)
		}
	})
}

func TestClassifierLearnsFromStaffLabels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if _, err := w.svc.TrainClassifier(ctx); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("training with no labels: %v", err)
		}
		comments := map[string][]string{
			"waiting-delivery": {"The delivery was two days late", "We waited an hour in the queue", "Slow service at the bar", "Courier never arrived on time", "Still waiting for my parcel"},
			"feature-request":  {"Please add a vegan option", "It would be great to have dark mode", "I wish you had an app", "Suggestion: open on Sundays", "Could you add gift cards"},
		}
		for label, list := range comments {
			for i, c := range list {
				for k := range 2 {
					r, err := w.svc.Record(ctx, &feedback.Input{Comment: fmt.Sprintf("%s (%d)", c, i*2+k), ListeningPost: "web_form"})
					must(t, err)
					must(t, w.svc.Categorise(ctx, r.ID, []string{label}, "employee:1"))
				}
			}
		}
		st, err := w.svc.TrainClassifier(ctx)
		must(t, err)
		if !st.Trained || st.Labelled != 20 || st.Evaluation == nil || st.Evaluation.NTest != 20 {
			t.Fatalf("status %+v", st)
		}
		if st, err := w.svc.ClassifierStatus(ctx); err != nil || st.Labelled != 20 {
			t.Fatalf("status after training: %+v, %v; want 20 labelled", st, err)
		}
		_, labels, err := w.svc.Suggest(ctx, "the courier was late again")
		must(t, err)
		if len(labels) == 0 || labels[0] != "waiting-delivery" {
			t.Fatalf("suggested %v", labels)
		}
		if err := w.svc.Categorise(ctx, 1, []string{"not-a-category"}, ""); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("bad category: %v", err)
		}
	})
}

// CSAT and CES trends, like NPS, flag only significant changes: a collapse
// from mostly satisfied to dissatisfied is flagged, a one-answer wobble on a
// handful of answers is not.
func TestCSATAndCESTrendSignificance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		rec := func(at time.Time, typ string, score int) {
			t.Helper()
			_, err := w.svc.Record(ctx, &feedback.Input{EmployeeID: &w.bob.ID, RespondedAt: at,
				Answers: []feedback.AnswerInput{{Type: typ, Score: intp(score)}}})
			must(t, err)
		}
		months := []time.Time{time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2025, 4, 2, 9, 0, 0, 0, time.UTC), time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC)}
		for i := range 40 { // March: 30 of 40 satisfied; April: 4 of 40 satisfied
			rec(months[0].Add(time.Duration(i)*time.Minute), "csat", []int{5, 4, 5, 2}[i%4])
			rec(months[1].Add(time.Duration(i)*time.Minute), "csat", []int{1, 2, 2, 1, 3, 2, 1, 2, 2, 4}[i%10])
		}
		for i := range 6 { // May: six answers, one more satisfied than April's rate
			rec(months[2].Add(time.Duration(i)*time.Minute), "csat", []int{4, 2, 2, 1, 2, 1}[i])
		}
		csat, err := w.svc.Trend(ctx, store.ResponseFilter{}, "csat", "month")
		must(t, err)
		if len(csat) != 3 || csat[0].Change != nil || !csat[1].SignificantChange || csat[1].Change.Difference >= 0 || csat[2].SignificantChange {
			t.Fatalf("csat trend %+v", csat)
		}
		for i := range 30 { // CES: March mean 6, April mean 3
			rec(months[0].Add(time.Hour+time.Duration(i)*time.Minute), "ces", []int{7, 6, 5}[i%3])
			rec(months[1].Add(time.Hour+time.Duration(i)*time.Minute), "ces", []int{2, 3, 4}[i%3])
		}
		ces, err := w.svc.Trend(ctx, store.ResponseFilter{}, "ces", "month")
		must(t, err)
		if len(ces) != 2 || !ces[1].SignificantChange || ces[1].Change.Difference != -3 {
			t.Fatalf("ces trend %+v", ces)
		}
	})
}
