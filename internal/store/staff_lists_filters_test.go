package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// listCase is one filter and sort of a staff list and the rows it must
// give, in order.
type listCase[T any] struct {
	name string
	list *store.List[T]
	page store.ListPage
	want []int // indexes into the test's rows
}

// checkLists walks each case's list forward in pages of two, back again
// from the last page, and whole (the CSV), and counts it: all four must
// give the wanted rows in the wanted order.
func checkLists[T any](t *testing.T, cases []listCase[T], id func(T) int64, rows []int64) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cases {
		want := make([]int64, len(c.want))
		for i, k := range c.want {
			want[i] = rows[k]
		}
		p := c.page
		p.Limit = 2
		var got []int64
		var pages []*store.Page[T]
		for range len(rows) + 1 {
			page, err := c.list.Page(ctx, p)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			pages = append(pages, page)
			got = append(got, ids(page.Rows, id)...)
			if page.Next == "" {
				break
			}
			p.After = page.Next
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: pages give %v, want %v", c.name, got, want)
			continue
		}
		for i := len(pages) - 1; i > 0; i-- {
			back := c.page
			back.Limit, back.Before = 2, pages[i].Prev
			page, err := c.list.Page(ctx, back)
			if err != nil || !slices.Equal(ids(page.Rows, id), ids(pages[i-1].Rows, id)) {
				t.Errorf("%s: back from page %d = %v %v, want %v", c.name, i, ids(page.Rows, id), err, ids(pages[i-1].Rows, id))
			}
		}
		var each []int64
		if err := c.list.Each(ctx, c.page, func(x T) error { each = append(each, id(x)); return nil }); err != nil || !slices.Equal(each, want) {
			t.Errorf("%s: the download gives %v %v, want %v", c.name, each, err, want)
		}
		if n, err := c.list.Count(ctx); err != nil || n.N != int64(len(want)) || n.Capped {
			t.Errorf("%s: count %+v %v, want %d", c.name, n, err, len(want))
		}
	}
}

// listWorld is two customers, two locations and two employees to filter by.
type listWorld struct {
	*world
	day      time.Time
	ann, bob *fresco.Customer
	l1, l2   int64
	e1, e2   *fresco.Employee
}

func newListWorld(t *testing.T, db *store.DB) *listWorld {
	w := &listWorld{world: newWorld(t, db), day: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	w.ann, w.bob = w.customer("Ann"), w.customer("Bob")
	w.l1, w.l2 = w.location("Quay"), w.location("Mill")
	w.e1, w.e2 = w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
	return w
}

func (w *listWorld) at(days int) time.Time { return w.day.AddDate(0, 0, days) }

func TestPurchaseListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newListWorld(t, db)
		rows := make([]int64, 0, 6)
		for _, p := range []struct {
			customer *fresco.Customer
			loc      int64
			by       *fresco.Employee
			day      int
			price    string
			ext      string
		}{
			{w.ann, w.l1, w.e1, 0, "10.00", "ORD-100"}, {w.bob, w.l2, w.e2, 1, "30.00", "ORD-101"},
			{w.ann, w.l2, w.e1, 1, "20.00", "ORD-102"}, {nil, w.l1, w.e2, 2, "50.00", "WEB-103"},
			{w.bob, w.l1, w.e1, 3, "5.00", "ORD-104"}, {w.ann, w.l1, w.e2, 3, "40.00", "WEB-105"},
		} {
			var customer *int64
			if p.customer != nil {
				customer = &p.customer.ID
			}
			bought := w.purchase(customer, w.at(p.day), p.price, func(x *fresco.Purchase) {
				x.ExternalID, x.LocationID, x.ServedBy = p.ext, &p.loc, &p.by.ID
			})
			rows = append(rows, bought.ID)
		}
		newest := store.ListPage{Desc: true}
		checkLists(t, []listCase[*store.PurchaseRow]{
			{"newest", db.PurchaseList(store.PurchaseListFilter{}), newest, []int{5, 4, 3, 2, 1, 0}},
			{"oldest", db.PurchaseList(store.PurchaseListFilter{}), store.ListPage{}, []int{0, 1, 2, 3, 4, 5}},
			{"smallest", db.PurchaseList(store.PurchaseListFilter{}), store.ListPage{Sort: "total"}, []int{4, 0, 2, 1, 5, 3}},
			{"Ann's", db.PurchaseList(store.PurchaseListFilter{CustomerID: &w.ann.ID}), newest, []int{5, 2, 0}},
			{"at the quay", db.PurchaseList(store.PurchaseListFilter{LocationID: &w.l1}), newest, []int{5, 4, 3, 0}},
			{"served by e1", db.PurchaseList(store.PurchaseListFilter{EmployeeID: &w.e1.ID}), newest, []int{4, 2, 0}},
			{"days 1-2", db.PurchaseList(store.PurchaseListFilter{From: w.at(0).Add(time.Hour), To: w.at(3)}), newest, []int{3, 2, 1}},
			{"web orders", db.PurchaseList(store.PurchaseListFilter{Search: "web"}), newest, []int{5, 3}},
			{"Ann's at the quay", db.PurchaseList(store.PurchaseListFilter{CustomerID: &w.ann.ID, LocationID: &w.l1}), newest, []int{5, 0}},
			{"nothing", db.PurchaseList(store.PurchaseListFilter{Search: "zzz"}), newest, nil},
		}, func(p *store.PurchaseRow) int64 { return p.ID }, rows)
	})
}

func TestResponseListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newListWorld(t, db)
		var rows []int64
		for _, r := range []struct {
			customer  *fresco.Customer
			day       int
			nps, csat any
			comment   string
			loc       int64
			by        *fresco.Employee
		}{
			{w.ann, 0, 3, nil, "cold soup", w.l1, w.e1}, {w.bob, 1, 9, nil, "", w.l2, w.e2},
			{w.ann, 2, 7, 2, "slow service", w.l1, w.e2}, {nil, 2, 10, nil, "lovely Soup", w.l2, w.e1},
			{w.bob, 3, nil, 5, "", w.l1, w.e1},
		} {
			var customer any
			if r.customer != nil {
				customer = r.customer.ID
			}
			rows = append(rows, w.answer(customer, w.at(r.day), r.nps, r.csat, r.comment, r.loc, r.by.ID))
		}
		list := func(f store.ResponseListFilter) *store.List[*store.ResponseRow] {
			t.Helper()
			l, err := db.ResponseList(f)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		newest := store.ListPage{Desc: true}
		checkLists(t, []listCase[*store.ResponseRow]{
			{"newest", list(store.ResponseListFilter{}), newest, []int{4, 3, 2, 1, 0}},
			{"detractors", list(store.ResponseListFilter{Band: "detractor"}), newest, []int{0}},
			{"passives", list(store.ResponseListFilter{Band: "passive"}), newest, []int{2}},
			{"promoters", list(store.ResponseListFilter{Band: "promoter"}), newest, []int{3, 1}},
			{"unhappy", list(store.ResponseListFilter{Band: "csat-low"}), newest, []int{2}},
			{"happy", list(store.ResponseListFilter{Band: "csat-high"}), newest, []int{4}},
			{"soup", list(store.ResponseListFilter{Search: "SOUP"}), newest, []int{3, 0}},
			{"with a comment", list(store.ResponseListFilter{WithComment: true}), store.ListPage{}, []int{0, 2, 3}},
			{"at the quay", list(store.ResponseListFilter{LocationID: &w.l1}), newest, []int{4, 2, 0}},
			{"served by e1", list(store.ResponseListFilter{EmployeeID: &w.e1.ID}), newest, []int{4, 3, 0}},
			{"days 1-2", list(store.ResponseListFilter{From: w.at(1), To: w.at(3)}), newest, []int{3, 2, 1}},
			{"promoters at the mill with a comment", list(store.ResponseListFilter{Band: "promoter", LocationID: &w.l2, WithComment: true}), newest, []int{3}},
		}, func(r *store.ResponseRow) int64 { return r.ID }, rows)
		if _, err := db.ResponseList(store.ResponseListFilter{Band: "awful"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unknown score band: %v, want EINVALID", err)
		}
	})
}

// answer stores a survey response with the scores (nil: not asked).
func (w *listWorld) answer(customer any, at time.Time, nps, csat any, comment string, loc, by int64) int64 {
	w.t.Helper()
	var id int64
	w.tx(func(tx *store.Tx) error {
		return tx.QueryRow(w.ctx, `INSERT INTO responses (post_id, customer_id, location_id, employee_id, source, responded_at,
			nps, csat, comment, created_at) VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, ?, ?, 'api', ?, ?, ?, ?, ?)
			RETURNING id`, customer, loc, by, at, nps, csat, comment, at).Scan(&id)
	})
	return id
}

func TestFollowUpListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newListWorld(t, db)
		now := time.Now().UTC().Truncate(time.Second)
		var rows []int64
		for i, f := range []struct {
			owner   *fresco.Employee
			loc     *int64
			due     time.Duration
			comment string
		}{
			{w.e1, &w.l1, -3 * time.Hour, "cold soup"}, {w.e2, &w.l2, time.Hour, ""}, {w.e1, &w.l2, -time.Hour, "slow"},
			{w.e2, &w.l1, 5 * time.Hour, "soup again"}, {w.e1, nil, -2 * time.Hour, ""},
		} {
			resp := w.answer(w.ann.ID, w.at(i), 2, nil, f.comment, w.l1, f.owner.ID)
			fu := &fresco.FollowUp{ResponseID: resp, CustomerID: &w.ann.ID, LocationID: f.loc, OwnerID: &f.owner.ID,
				Reasons: []string{"detractor"}, DueAt: now.Add(f.due)}
			w.tx(func(tx *store.Tx) error {
				if _, err := tx.CreateFollowUp(w.ctx, fu); err != nil {
					return err
				}
				_, err := tx.Exec(w.ctx, `UPDATE follow_ups SET created_at = ? WHERE id = ?`, w.at(i), fu.ID)
				return err
			})
			rows = append(rows, fu.ID)
		}
		w.tx(func(tx *store.Tx) error {
			return tx.CloseFollowUp(w.ctx, rows[2], now, "phone", "sorted", "employee:1")
		})
		newest := store.ListPage{Desc: true}
		checkLists(t, []listCase[*fresco.FollowUp]{
			{"newest", db.FollowUpList(store.FollowUpListFilter{}), newest, []int{4, 3, 2, 1, 0}},
			{"soonest due", db.FollowUpList(store.FollowUpListFilter{}), store.ListPage{Sort: "due"}, []int{0, 4, 2, 1, 3}},
			{"open", db.FollowUpList(store.FollowUpListFilter{Status: fresco.FollowUpOpen}), newest, []int{4, 3, 1, 0}},
			{"closed", db.FollowUpList(store.FollowUpListFilter{Status: fresco.FollowUpClosed}), newest, []int{2}},
			{"overdue", db.FollowUpList(store.FollowUpListFilter{Overdue: true, Now: now}), newest, []int{4, 0}},
			{"e1's", db.FollowUpList(store.FollowUpListFilter{OwnerID: &w.e1.ID}), newest, []int{4, 2, 0}},
			{"at the quay", db.FollowUpList(store.FollowUpListFilter{LocationID: &w.l1}), newest, []int{3, 0}},
			{"soup", db.FollowUpList(store.FollowUpListFilter{Search: "Soup"}), newest, []int{3, 0}},
			{"opened days 1-2", db.FollowUpList(store.FollowUpListFilter{From: w.at(1), To: w.at(3)}), newest, []int{2, 1}},
			{"e1's overdue", db.FollowUpList(store.FollowUpListFilter{OwnerID: &w.e1.ID, Overdue: true, Now: now}), store.ListPage{Sort: "due"}, []int{0, 4}},
			// A page reads its ids first and joins them after: the order must
			// survive both reads, and the search the ids' own join.
			{"open, latest due first", db.FollowUpList(store.FollowUpListFilter{Status: fresco.FollowUpOpen}), store.ListPage{Sort: "due", Desc: true}, []int{3, 1, 4, 0}},
			{"soup, latest due first", db.FollowUpList(store.FollowUpListFilter{Search: "soup"}), store.ListPage{Sort: "due", Desc: true}, []int{3, 0}},
		}, func(f *fresco.FollowUp) int64 { return f.ID }, rows)
	})
}

func TestCaseListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newListWorld(t, db)
		deadline := func(days int) *time.Time { d := w.at(days); return &d }
		var rows []int64
		for i, k := range []struct {
			customer      *fresco.Customer
			owner         *fresco.Employee
			status, state string
			due           *time.Time
			loc           *int64
			summary, want string
		}{
			{w.ann, w.e1, fresco.CaseOpen, "open", deadline(5), &w.l1, "cold soup", ""},
			{w.bob, w.e2, fresco.CaseOpen, "waiting_on_customer", deadline(3), &w.l2, "wrong size", ""},
			{w.ann, w.e1, fresco.CaseResolved, "resolved", nil, &w.l2, "broken hinge", "a soup voucher"},
			{w.bob, w.e2, fresco.CaseClosed, "closed", nil, &w.l1, "late delivery", ""},
			{w.ann, w.e2, fresco.CaseOpen, "open", deadline(2), nil, "Soup too salty", ""},
		} {
			c := w.openCase(k.customer.ID, k.owner.ID, w.at(i), func(c *fresco.Case) {
				c.Status, c.State, c.LocationID, c.Summary, c.Expectation = k.status, k.state, k.loc, k.summary, k.want
			})
			if k.due != nil { // the SLA clock sets it, not InsertCase
				w.tx(func(tx *store.Tx) error {
					_, err := tx.Exec(w.ctx, `UPDATE recovery_cases SET sla_deadline = ? WHERE id = ?`, *k.due, c.ID)
					return err
				})
			}
			rows = append(rows, c.ID)
		}
		open := store.CaseFilter{Statuses: []string{fresco.CaseOpen}}
		yes, no := true, false
		newest := store.ListPage{Sort: "newest", Desc: true}
		checkLists(t, []listCase[*store.CaseRow]{
			{"soonest due", db.CaseList(store.CaseListFilter{}), store.ListPage{}, []int{4, 1, 0, 2, 3}},
			{"newest", db.CaseList(store.CaseListFilter{}), newest, []int{4, 3, 2, 1, 0}},
			{"open", db.CaseList(store.CaseListFilter{CaseFilter: open}), store.ListPage{}, []int{4, 1, 0}},
			{"waiting", db.CaseList(store.CaseListFilter{Waiting: &yes}), store.ListPage{}, []int{1}},
			{"open, not waiting", db.CaseList(store.CaseListFilter{Waiting: &no}), store.ListPage{}, []int{4, 0}},
			{"closed", db.CaseList(store.CaseListFilter{CaseFilter: store.CaseFilter{Statuses: []string{fresco.CaseClosed}}}), newest, []int{3}},
			{"e1's", db.CaseList(store.CaseListFilter{CaseFilter: store.CaseFilter{OwnerID: &w.e1.ID}}), newest, []int{2, 0}},
			{"at the quay", db.CaseList(store.CaseListFilter{CaseFilter: store.CaseFilter{LocationID: &w.l1}}), newest, []int{3, 0}},
			{"soup", db.CaseList(store.CaseListFilter{Search: "SOUP"}), newest, []int{4, 2, 0}},
			{"opened days 1-2", db.CaseList(store.CaseListFilter{From: w.at(1), To: w.at(3)}), newest, []int{2, 1}},
			{"Bob's open", db.CaseList(store.CaseListFilter{CaseFilter: store.CaseFilter{Statuses: []string{fresco.CaseOpen}, CustomerID: &w.bob.ID}}), store.ListPage{}, []int{1}},
		}, func(c *store.CaseRow) int64 { return c.ID }, rows)
		if _, err := db.CaseList(store.CaseListFilter{}).Page(context.Background(), store.ListPage{Sort: "name"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unknown sort: %v, want EINVALID", err)
		}
	})
}
