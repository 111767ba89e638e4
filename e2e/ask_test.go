package e2e

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserAskForFeedback: an agent finds a customer by typing part of
// the start of her name and makes her a survey link; finds another by his purchase
// number and schedules a call; records the call with a complaint ticked,
// and the complaint becomes a case (with the job queue running) that keeps
// the purchase, the employee and the location. Then a case is opened from
// a customer's page found by searching the customer list for a name.
func TestBrowserAskForFeedback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	quay := &fresco.Location{Name: "Quay Street", Timezone: "UTC"}
	if err := db.CreateLocation(ctx, quay); err != nil {
		t.Fatal(err)
	}
	henry := &fresco.Customer{Name: "Henry Moseley", Email: "henry@example.com", ConsentSurveys: true}
	if err := db.CreateCustomer(ctx, henry); err != nil {
		t.Fatal(err)
	}
	buy := &fresco.Purchase{ExternalID: "ORD-2001", CustomerID: &henry.ID, PurchasedAt: time.Now().UTC().Add(-72 * time.Hour),
		LocationID: &quay.ID, ServedBy: &sam.ID, Lines: []fresco.PurchaseLine{{SKU: "CASE", Description: "Glasses case", Quantity: 1, UnitPrice: 1500}}}
	if err := db.CreatePurchase(ctx, buy); err != nil {
		t.Fatal(err)
	}
	post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
	if err != nil {
		t.Fatal(err)
	}
	sv := &fresco.Survey{Slug: "visit", Name: "Your visit", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Text: "How likely are you to recommend us?", Required: true}}}
	if err := db.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	a := apptest.New(t, db, func(c *app.Config) { c.QueuePollInterval, c.DisableDigest = 20*time.Millisecond, true })
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Queue.Run(runCtx) }()
	defer func() { stop(); <-done }()
	ts := httptest.NewServer(a.Server)
	defer func() {
		ts.CloseClientConnections() // the bell's live-event stream stays open while the browser lives
		ts.Close()
	}()

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	load("open the ask page", chromedp.Navigate(ts.URL+"/feedback/ask"))
	st.login("sam@example.com")

	// A survey link for Ada, found by part of her name.
	do("type the start of a name", chromedp.SendKeys(chromedp.ID("customer-q"), "ada lov"))
	do("the matches appear as you type", chromedp.WaitVisible(chromedp.CSS(`#customer-choices a.choose-customer`)))
	load("choose Ada", chromedp.Click(chromedp.CSS(`#customer-choices a.choose-customer`)))
	if got := text("#ask-customer"); got != "Ada Lovelace" {
		t.Fatalf("asking %q", got)
	}
	load("make the link", chromedp.Click(chromedp.CSS(`#form-ask-link button[type=submit]`)))
	link := text("#ask-link")
	if !strings.Contains(link, "/s/") || !strings.Contains(text("#ask-message"), "Ada Lovelace") {
		t.Fatalf("link %q, message %q", link, text("#ask-message"))
	}
	var links int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE customer_id = ? AND survey_id = ?`, s.ada.ID, sv.ID).Scan(&links); err != nil || links != 1 {
		t.Errorf("Ada has %d links to the survey (%v), want 1", links, err)
	}

	// A call to Henry, found by his purchase number.
	load("back to the ask page", chromedp.Navigate(ts.URL+"/feedback/ask"))
	do("type the purchase number", chromedp.SendKeys(chromedp.ID("purchase-q"), "ORD-2001"))
	load("find the purchase", chromedp.Click(chromedp.CSS(`#form-ask-purchase button[type=submit]`)))
	if got := text("#ask-customer"); got != "Henry Moseley" {
		t.Fatalf("asking %q", got)
	}
	if got := st.get("the purchase chosen", chromedp.Value(chromedp.ID("ask-call-purchase"))); got != fmt.Sprint(buy.ID) {
		t.Errorf("purchase chosen %q, want ORD-2001's", got)
	}
	load("schedule the call", chromedp.Click(chromedp.CSS(`#form-ask-call button[type=submit]`)))
	task, err := db.CallTaskOfPurchase(ctx, buy.ID)
	if err != nil || task == nil {
		t.Fatalf("no call task: %v", err)
	}
	form := fmt.Sprintf(`#call%d form`, task.ID)
	do("answer the script", chromedp.SetValue(chromedp.CSS(form+` [name=q_csat]`), "4"),
		chromedp.SendKeys(chromedp.CSS(form+` [name=comment]`), "The case arrived cracked"),
		chromedp.Click(chromedp.CSS(form+` [name=complaint]`)))
	load("record the call", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if got := text(".flash"); !strings.Contains(got, "opens a case") {
		t.Errorf("after the call: %q", got)
	}
	var cases []*fresco.Case
	for deadline := time.Now().Add(30 * time.Second); len(cases) == 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if cases, _, err = db.ListCases(ctx, store.CaseFilter{CustomerID: &henry.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if len(cases) != 1 {
		t.Fatalf("%d cases after the complaint, want 1", len(cases))
	}
	c := cases[0]
	if c.Source != "complaint" || c.PurchaseID == nil || *c.PurchaseID != buy.ID || c.LocationID == nil || *c.LocationID != quay.ID {
		t.Errorf("case from the call: %+v", c)
	}
	load("open the case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", ts.URL, c.ID)))
	for sel, want := range map[string]string{"#case-title": "The case arrived cracked", "#case-purchase": "ORD-2001",
		"#case-involved": "Sam Agent", "#case-location": "Quay Street"} {
		if got := text(sel); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q in it", sel, got, want)
		}
	}

	// A case from Grace's page, found by searching the customer list.
	load("open the customer list", chromedp.Navigate(ts.URL+"/customers"))
	do("search for a name", chromedp.SendKeys(chromedp.ID("q"), "hopper"))
	load("filter", chromedp.Submit(chromedp.ID("q")))
	load("open Grace's page", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href="/customers/%d"]`, s.grace.ID))))
	load("open a case for her", chromedp.Click(chromedp.ID("customer-open-case")))
	do("write a summary", chromedp.SendKeys(chromedp.ID("case-summary"), "Lost her prescription"))
	load("open it", chromedp.Click(chromedp.CSS(`#form-new-case button[type=submit]`)))
	if got := text("main"); !strings.Contains(got, "Grace Hopper") || !strings.Contains(got, "Lost her prescription") {
		t.Errorf("case page:\n%.600s", got)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// TestBrowserListCSV: a manager filters the case list by location and
// downloads it; the file holds exactly the cases the filter shows.
func TestBrowserListCSV(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a, s := st.db, st.app, st.s
	olivia, err := db.EmployeeByEmail(ctx, "olivia@example.com")
	if err != nil {
		t.Fatal(err)
	}
	quay, mill := &fresco.Location{Name: "Quay Street", Timezone: "UTC"}, &fresco.Location{Name: "Mill Lane", Timezone: "UTC"}
	for _, l := range []*fresco.Location{quay, mill} {
		if err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", olivia.ID), Role: olivia.Role, EmployeeID: &olivia.ID}
	want := map[string]bool{}
	for _, k := range []struct {
		customer *fresco.Customer
		at       *fresco.Location
		summary  string
	}{
		{s.ada, quay, "Scratched lenses"}, {s.grace, mill, "Wrong frames"}, {s.charles, quay, "Late, and rude on the phone"},
		{s.ada, mill, "Invoice sent twice"},
	} {
		if _, err := a.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: k.customer.ID, LocationID: &k.at.ID, Summary: k.summary}); err != nil {
			t.Fatal(err)
		}
		if k.at == quay {
			want[k.summary] = true
		}
	}
	do, load, text := st.do, st.load, st.text
	load("open the case list", chromedp.Navigate(st.base+"/cases?view=all"))
	st.login("olivia@example.com")
	if got := text("#list-count"); got != "4 cases" {
		t.Fatalf("count before the filter = %q", got)
	}
	do("choose a location", chromedp.SetValue(chromedp.CSS(`form.filters select[name=location]`), fmt.Sprint(quay.ID)))
	load("filter", chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	if got := text("#list-count"); got != "2 cases" {
		t.Fatalf("count after the filter = %q", got)
	}

	dir := t.TempDir()
	sctx, scancel := context.WithTimeout(st.ctx, stepTimeout)
	defer scancel()
	progress := chromedp.Events(sctx, cdpbrowser.DownloadProgress)
	events := true
	do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
		return err
	}))
	do("download the CSV", chromedp.Click(chromedp.ID("csv-link")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatalf("the download is not CSV: %v\n%s", err, raw)
	}
	if len(records) != 1+len(want) {
		t.Fatalf("%d rows downloaded, want a header and %d:\n%s", len(records), len(want), raw)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	for _, row := range records[1:] {
		if !want[row[col["summary"]]] || row[col["location_id"]] != fmt.Sprint(quay.ID) {
			t.Errorf("row %v is not one of the filtered cases %v", row, want)
		}
		delete(want, row[col["summary"]])
	}
	if len(want) > 0 {
		t.Errorf("the download lacks %v", want)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
