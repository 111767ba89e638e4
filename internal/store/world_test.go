package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// world builds the records the recovery, loop and feedback tests stand on —
// customers, staff, locations, purchases, cases — through the store's own
// writes, failing the test on any error.
type world struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	n   int
}

func newWorld(t *testing.T, db *store.DB) *world {
	return &world{t: t, ctx: context.Background(), db: db}
}

func (w *world) customer(name string) *fresco.Customer {
	w.t.Helper()
	c := &fresco.Customer{Name: name, ConsentSurveys: true, FirstSeen: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := w.db.CreateCustomer(w.ctx, c); err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) employee(role fresco.Role, location *int64) *fresco.Employee {
	w.t.Helper()
	w.n++
	e := &fresco.Employee{Name: fmt.Sprint("Staff ", w.n), Email: fmt.Sprintf("staff%d@example.com", w.n), Role: role,
		LocationID: location, Active: true}
	if err := w.db.CreateEmployee(w.ctx, e); err != nil {
		w.t.Fatal(err)
	}
	return e
}

func (w *world) location(name string) int64 {
	w.t.Helper()
	l := &fresco.Location{Name: name, Timezone: "UTC"}
	if err := w.db.CreateLocation(w.ctx, l); err != nil {
		w.t.Fatal(err)
	}
	return l.ID
}

// purchase stores a one-line purchase of price by the customer (nil:
// anonymous) at the instant.
func (w *world) purchase(customer *int64, at time.Time, price string, opts ...func(*fresco.Purchase)) *fresco.Purchase {
	w.t.Helper()
	w.n++
	p := &fresco.Purchase{ExternalID: fmt.Sprint("p", w.n), CustomerID: customer, PurchasedAt: at,
		Lines: []fresco.PurchaseLine{line("SKU-1", 1, price)}}
	for _, o := range opts {
		o(p)
	}
	if err := w.db.CreatePurchase(w.ctx, p); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// openCase stores an open case of the customer owned by owner.
func (w *world) openCase(customer, owner int64, opened time.Time, opts ...func(*fresco.Case)) *fresco.Case {
	w.t.Helper()
	c := &fresco.Case{CustomerID: customer, OwnerID: owner, Source: "staff", Summary: "cold soup",
		Status: fresco.CaseOpen, State: "open", OpenedAt: opened, SLAStatus: "running"}
	for _, o := range opts {
		o(c)
	}
	w.tx(func(tx *store.Tx) error { return tx.InsertCase(w.ctx, c) })
	return c
}

// tx runs fn in a transaction and fails the test on its error.
func (w *world) tx(fn func(tx *store.Tx) error) {
	w.t.Helper()
	if err := w.db.InTx(w.ctx, fn); err != nil {
		w.t.Fatal(err)
	}
}

// count returns the number of rows of table (a constant of the test).
func (w *world) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.db.QueryRow(w.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// response stores a bare response on the survey post and returns its id.
func (w *world) response(customer *int64, nps int) int64 {
	w.t.Helper()
	var id int64
	var cust any
	if customer != nil {
		cust = *customer
	}
	at := time.Now().UTC()
	w.tx(func(tx *store.Tx) error {
		return tx.QueryRow(w.ctx, `INSERT INTO responses (post_id, customer_id, source, responded_at, nps, created_at)
			VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, ?, ?) RETURNING id`,
			cust, at, nps, at).Scan(&id)
	})
	return id
}

func ids[T any](list []T, id func(T) int64) []int64 {
	out := make([]int64, 0, len(list))
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func ptr[T any](v T) *T { return &v }
