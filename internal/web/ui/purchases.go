package ui

import (
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

type purchasesView struct {
	Customer  *fresco.Customer // set when the list is one customer's
	Purchases []*fresco.Purchase
	Names     map[int64]string // customer id → name, for the links
	Pager     pager
}

// Purchases lists purchases with their lines, all of them or one
// customer's (?customer=ID), paged by cursor.
func (u *UI) Purchases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := store.PurchaseFilter{Cursor: q.Get("cursor"), Limit: listPageSize}
	var v purchasesView
	customerParam := q.Get("customer")
	if customerParam != "" {
		id, err := strconv.ParseInt(customerParam, 10, 64)
		if err != nil || id <= 0 {
			u.NotFound(w, r)
			return
		}
		if v.Customer, err = u.db.Customer(ctx, id); err != nil {
			u.fail(w, r, err)
			return
		}
		f.CustomerID = &id
	}
	list, next, err := u.db.ListPurchases(ctx, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Purchases = list
	v.Names = map[int64]string{}
	if v.Customer == nil {
		for _, p := range list {
			if p.CustomerID == nil {
				continue
			}
			if _, done := v.Names[*p.CustomerID]; done {
				continue
			}
			c, err := u.db.Customer(ctx, *p.CustomerID)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			v.Names[c.ID] = customerName(c)
		}
	}
	v.Pager = pagerFor("/purchases", f.Cursor, next, "customer", customerParam)
	title := "Purchases"
	if v.Customer != nil {
		title = "Purchases of " + customerName(v.Customer)
	}
	u.render(w, r, http.StatusOK, "purchases", title, v)
}
