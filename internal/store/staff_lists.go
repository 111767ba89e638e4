package store

// The five staff lists of the UI on list_pages.go's engine: each is a
// filter, the SQL it selects and the columns it sorts by.

import (
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// List is a staff list under one filter: its pages, its count and all its
// rows (for the CSV download) read the same rows.
type List[T any] struct {
	q     Querier
	spec  *listSpec[T]
	where conditions
}

func newList[T any](q Querier, spec *listSpec[T], w conditions) *List[T] {
	return &List[T]{q: q, spec: spec, where: w}
}

// Page reads one page of the list.
func (l *List[T]) Page(ctx context.Context, p ListPage) (*Page[T], error) {
	return l.spec.page(ctx, l.q, l.clause(), p)
}

// Count counts the list, up to MaxCount.
func (l *List[T]) Count(ctx context.Context) (Count, error) {
	return l.spec.countOf(ctx, l.q, l.clause())
}

// Each calls fn on every row of the list in the page's sort order.
func (l *List[T]) Each(ctx context.Context, p ListPage, fn func(T) error) error {
	return l.spec.each(ctx, l.q, l.clause(), p, fn)
}

// clause is a copy of the list's conditions that a page may add its
// cursor to without touching the list's own.
func (l *List[T]) clause() conditions {
	return conditions{list: slices.Clone(l.where.list), args: slices.Clone(l.where.args)}
}

// CustomerListFilter selects the customers of the customer list.
type CustomerListFilter struct {
	Search    string    // name, e-mail or external id contains it
	From, To  time.Time // first seen in [From, To)
	Source    string    // how they heard of us
	Segment   string    // lifetime-value segment
	Attention bool      // only customers with an open or resolved case
}

var customerList = &listSpec[*fresco.Customer]{
	columns: customerColumns, from: "customers", id: "id",
	sorts: []listSort[*fresco.Customer]{
		intSort("newest", "id", func(c *fresco.Customer) int64 { return c.ID }),
		textSort("name", "name", func(c *fresco.Customer) string { return c.Name }),
		timeSort("since", "first_seen", func(c *fresco.Customer) time.Time { return c.FirstSeen }),
	},
	scan:  scanCustomer,
	rowID: func(c *fresco.Customer) int64 { return c.ID },
}

// CustomerList is the customer list under f.
func (db *DB) CustomerList(f CustomerListFilter) *List[*fresco.Customer] {
	return newList(db, customerList, f.where())
}

// where is the filter as conditions on customers (unqualified columns).
func (f CustomerListFilter) where() conditions {
	var w conditions
	w.search(f.Search, "name", "email", "phone", "COALESCE(external_id, '')")
	w.within("first_seen", f.From, f.To)
	w.textIs("acquisition_source", f.Source)
	if f.Segment != "" {
		w.add("id IN (SELECT customer_id FROM customer_value WHERE segment = ?)", f.Segment)
	}
	if f.Attention {
		w.add("id IN (SELECT customer_id FROM recovery_cases WHERE status IN ('open','resolved'))")
	}
	return w
}

// PurchaseRow is a purchase of the purchase list: its header, amount and
// customer's name (no lines).
type PurchaseRow struct {
	*fresco.Purchase
	Amount       fresco.Money
	Items        int64
	CustomerName string
}

// PurchaseListFilter selects the purchases of the purchase list.
type PurchaseListFilter struct {
	CustomerID, LocationID, EmployeeID *int64
	From, To                           time.Time // bought in [From, To)
	Search                             string    // the purchase's external id contains it
}

var purchaseList = &listSpec[*PurchaseRow]{
	columns: prefixed("p.", purchaseColumns) + `, p.total, p.items, COALESCE(c.name, '')`,
	from:    "purchases p LEFT JOIN customers c ON c.id = p.customer_id", id: "p.id",
	sorts: []listSort[*PurchaseRow]{
		timeSort("date", "p.purchased_at", func(p *PurchaseRow) time.Time { return p.PurchasedAt }),
		intSort("total", "p.total", func(p *PurchaseRow) int64 { return int64(p.Amount) }),
	},
	scan: func(row rowScanner) (*PurchaseRow, error) {
		var r PurchaseRow
		var cents int64
		p, err := scanPurchase(withExtra{row, []any{&cents, &r.Items, &r.CustomerName}})
		r.Purchase, r.Amount = p, fresco.Money(cents)
		return &r, err
	},
	rowID: func(p *PurchaseRow) int64 { return p.ID },
}

// PurchaseList is the purchase list under f.
func (db *DB) PurchaseList(f PurchaseListFilter) *List[*PurchaseRow] {
	var w conditions
	w.idIs("p.customer_id", f.CustomerID)
	w.idIs("p.location_id", f.LocationID)
	w.idIs("p.served_by", f.EmployeeID)
	w.within("p.purchased_at", f.From, f.To)
	w.search(f.Search, "COALESCE(p.external_id, '')")
	return newList(db, purchaseList, w)
}

// ResponseRow is a response of the response list with the names of its
// customer and location (no answers).
type ResponseRow struct {
	*fresco.Response
	CustomerName, LocationName string
}

// Score bands of the response list's filter.
var scoreBands = map[string]string{
	"detractor": "r.nps BETWEEN 0 AND 6",
	"passive":   "r.nps BETWEEN 7 AND 8",
	"promoter":  "r.nps BETWEEN 9 AND 10",
	"csat-low":  "r.csat BETWEEN 1 AND 2",
	"csat-high": "r.csat BETWEEN 4 AND 5",
}

// ScoreBands are the names of the response list's score bands.
var ScoreBands = []string{"detractor", "passive", "promoter", "csat-low", "csat-high"}

// ResponseListFilter selects the responses of the response list.
type ResponseListFilter struct {
	From, To               time.Time // answered in [From, To)
	LocationID, EmployeeID *int64
	PostSlug, Segment      string
	Band                   string // one of ScoreBands
	Search                 string // the comment contains it
	WithComment            bool
	Category               string // staff gave it this category
	Sentiment              string // negative, neutral or positive
	Labelled               *bool  // nil any, true categorised by staff, false not yet
	Language               string // answered in this language ("de"); "" any
}

var responseList = &listSpec[*ResponseRow]{
	columns: responseColumns + `, COALESCE(cu.name, ''), COALESCE(lo.name, '')`,
	// A LEFT JOIN of the posts although every response has one (NOT NULL
	// foreign key), so that a count PostgreSQL makes drops it (as for cases).
	from: "responses r LEFT JOIN listening_posts p ON p.id = r.post_id LEFT JOIN customers cu ON cu.id = r.customer_id" +
		" LEFT JOIN locations lo ON lo.id = r.location_id",
	id: "r.id",
	sorts: []listSort[*ResponseRow]{
		timeSort("date", "r.responded_at", func(r *ResponseRow) time.Time { return r.RespondedAt }),
	},
	scan: func(row rowScanner) (*ResponseRow, error) {
		var x ResponseRow
		r, err := scanResponse(withExtra{row, []any{&x.CustomerName, &x.LocationName}})
		x.Response = r
		return &x, err
	},
	rowID: func(r *ResponseRow) int64 { return r.ID },
}

// ResponseList is the response list under f; an unknown score band is
// EINVALID on "score".
func (db *DB) ResponseList(f ResponseListFilter) (*List[*ResponseRow], error) {
	w := ResponseFilter{From: f.From, To: f.To, LocationID: f.LocationID, EmployeeID: f.EmployeeID,
		PostSlug: f.PostSlug, Segment: f.Segment, WithComment: f.WithComment, Category: f.Category,
		Sentiment: f.Sentiment, Labelled: f.Labelled}.where()
	if f.Band != "" {
		band, ok := scoreBands[f.Band]
		if !ok {
			return nil, invalid("score", "no score band %q", f.Band)
		}
		w.add(band)
	}
	w.search(f.Search, "r.comment")
	w.textIs("r.language", f.Language)
	return newList(db, responseList, *w), nil
}

// FollowUpListFilter selects the follow-ups of the follow-up list.
type FollowUpListFilter struct {
	Status              string // "", open, closed
	Overdue             bool   // open and past due at Now
	Now                 time.Time
	OwnerID, LocationID *int64
	From, To            time.Time // opened in [From, To)
	Search              string    // the customer's comment contains it
}

var followUpList = &listSpec[*fresco.FollowUp]{
	columns: followUpColumns, from: followUpFrom[len(" FROM "):], id: "f.id",
	// The answer is joined for the search of its comment; both engines
	// leave the join out of the ids' read when no search uses it.
	keys: "follow_ups f LEFT JOIN responses r ON r.id = f.response_id",
	sorts: []listSort[*fresco.FollowUp]{
		intSort("newest", "f.id", func(f *fresco.FollowUp) int64 { return f.ID }),
		timeSort("due", "f.due_at", func(f *fresco.FollowUp) time.Time { return f.DueAt }),
	},
	scan:  scanFollowUp,
	rowID: func(f *fresco.FollowUp) int64 { return f.ID },
}

// FollowUpList is the follow-up list under f.
func (db *DB) FollowUpList(f FollowUpListFilter) *List[*fresco.FollowUp] {
	var w conditions
	w.textIs("f.status", f.Status)
	if f.Overdue {
		w.add("f.status = 'open' AND f.due_at < ?", f.Now.UTC())
	}
	w.idIs("f.owner_id", f.OwnerID)
	w.idIs("f.location_id", f.LocationID)
	w.within("f.created_at", f.From, f.To)
	w.search(f.Search, "COALESCE(r.comment, '')")
	return newList(db, followUpList, w)
}

// CaseRow is a case of the case list with its customer's and owner's names.
type CaseRow struct {
	*fresco.Case
	CustomerName, OwnerName string
}

// CaseListFilter selects the cases of the case list: the inbox filter, a
// state ("waiting": any waiting state), and a search of the summary and
// the customer's expectation.
type CaseListFilter struct {
	CaseFilter
	Waiting  *bool     // true: only open cases waiting on someone; false: only open cases not waiting
	From, To time.Time // opened in [From, To)
	Search   string
}

// NoDeadline is the due time a case without a deadline sorts at: after
// every real one.
var NoDeadline = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// caseDue is the due-time expression the case list sorts by; its index is
// in migration 00021 with the same text.
func caseDue(d Dialect) string {
	if d == Postgres {
		return "COALESCE(k.sla_deadline, TIMESTAMPTZ '9999-12-31 00:00:00+00')"
	}
	return "COALESCE(k.sla_deadline, '9999-12-31 00:00:00+00:00')"
}

func caseList(d Dialect) *listSpec[*CaseRow] {
	return &listSpec[*CaseRow]{
		columns: prefixed("k.", caseColumns) + `, cu.name, e.name`,
		// LEFT JOINs although every case has both (NOT NULL foreign keys):
		// the rows are the same, and PostgreSQL then drops the joins from
		// the tab counts, which read no customer (at 1M customers a count
		// through an inner join read the customers' index).
		from: "recovery_cases k LEFT JOIN customers cu ON cu.id = k.customer_id LEFT JOIN employees e ON e.id = k.owner_id",
		id:   "k.id",
		sorts: []listSort[*CaseRow]{
			timeSort("due", caseDue(d), func(c *CaseRow) time.Time {
				if c.SLADeadline == nil {
					return NoDeadline
				}
				return *c.SLADeadline
			}),
			intSort("newest", "k.id", func(c *CaseRow) int64 { return c.ID }),
		},
		scan: func(row rowScanner) (*CaseRow, error) {
			var x CaseRow
			c, err := scanCase(withExtra{row, []any{&x.CustomerName, &x.OwnerName}})
			x.Case = c
			return &x, err
		},
		rowID: func(c *CaseRow) int64 { return c.ID },
	}
}

// CaseList is the case list under f.
func (db *DB) CaseList(f CaseListFilter) *List[*CaseRow] {
	w := f.CaseFilter.where("k.")
	if f.Waiting != nil {
		if *f.Waiting {
			w.add("k.status = 'open' AND k.state <> 'open'")
		} else {
			w.add("k.status = 'open' AND k.state = 'open'")
		}
	}
	w.within("k.opened_at", f.From, f.To)
	w.search(f.Search, "k.summary", "k.expectation")
	return newList(db, caseList(db.Dialect()), w)
}

// LoadPurchaseLines fills in the lines of the purchases (a page of the
// purchase list shows them).
func (db *DB) LoadPurchaseLines(ctx context.Context, rows []*PurchaseRow) error {
	byID := make(map[int64]*fresco.Purchase, len(rows))
	for _, r := range rows {
		byID[r.ID] = r.Purchase
	}
	return db.loadLines(ctx, byID)
}
