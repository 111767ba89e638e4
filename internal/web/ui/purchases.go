package ui

import (
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

type purchasesView struct {
	Customer  *fresco.Customer // set when the list is one customer's
	Purchases []*store.PurchaseRow
	List      *listState
}

// Purchases lists purchases, newest first, all of them or one customer's
// (?customer=ID), filtered by date, location and employee, sorted by date
// or total and paged both ways; ?format=csv downloads the filtered list.
func (u *UI) Purchases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lq := u.newListQuery(r)
	var v purchasesView
	var f store.PurchaseListFilter
	if customerParam := r.URL.Query().Get("customer"); customerParam != "" {
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
		lq.keep.Set("customer", customerParam)
	}
	locations, err := u.locationOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	employees, err := u.employeeOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f.Search = lq.text("q", "Purchase number")
	f.From, f.To = lq.dates("Bought")
	f.LocationID = lq.id("location", "Location", anyOption("Any location", locations))
	f.EmployeeID = lq.id("employee", "Served by", anyOption("Anyone", employees))
	list := u.db.PurchaseList(f)
	p := lq.page(listSort{"date", true}, listSort{"total", true})
	if wantsCSV(r) {
		streamCSV(u, w, r, "purchases", []string{"id", "external_id", "purchased_at", "customer_id", "customer", "location_id", "served_by", "channel", "items", "total"},
			list, p, func(x *store.PurchaseRow) []string {
				return []string{strconv.FormatInt(x.ID, 10), x.ExternalID, u.csvTime(&x.PurchasedAt), csvID(x.CustomerID), x.CustomerName,
					csvID(x.LocationID), csvID(x.ServedBy), x.Channel, strconv.FormatInt(x.Items, 10), x.Amount.String()}
			})
		return
	}
	page, err := list.Page(ctx, p)
	if err == nil {
		err = u.db.LoadPurchaseLines(ctx, page.Rows)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count, err := list.Count(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Purchases, v.List = page.Rows, lq.state("/purchases", p, count, page.Prev, page.Next)
	title := "Purchases"
	if v.Customer != nil {
		title = "Purchases of " + customerName(v.Customer)
	}
	u.render(w, r, http.StatusOK, "purchases", title, v)
}
