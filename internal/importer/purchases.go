package importer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// A purchases file has one row per purchase line; consecutive rows with the
// same external_id (invoice number) form one purchase. A bad line is rejected
// on its own and its purchase is stored with the good lines, with a warning,
// so that one bad price does not throw away the rest of an invoice; the
// purchase is written in one transaction, whole.

type purchaseImporter struct {
	db        *store.DB
	batchSize int
	batch     []*pendingPurchase
	open      map[string]*pendingPurchase // external id → purchase in the current batch
	stored    map[string]bool             // external ids stored earlier in this import
	late      []*pendingPurchase          // lines of already-stored purchases, met later in the file
	locations map[string]int64
	employees map[string]int64
	saving    *batchSave // the batch being stored while the next is read
	lastAt    parsedTime // the last purchased_at read: lines of a purchase repeat it
}

// parsedTime is a purchased_at text and what parseTime made of it.
type parsedTime struct {
	text string
	at   time.Time
	err  error
}

// batchSave is one batch being stored in the background: what it adds to
// the import's summary, and its error, once done is closed.
type batchSave struct {
	done chan struct{}
	part Summary
	err  error
}

type pendingPurchase struct {
	purchase    fresco.Purchase
	customerExt string
	lines       []int // file line of each good purchase line
	badLine     int   // first rejected line of this purchase, 0 if none
}

func newPurchaseImporter(db *store.DB, batchSize int) *purchaseImporter {
	if batchSize <= 0 {
		// Each batch recomputes the purchase rollups of its customers from
		// their history (store.Tx.SavePurchases): fewer, larger batches
		// read that history fewer times. 5,000 purchases (about 100,000
		// Online Retail lines) hold SQLite's write lock for about half a
		// second of CPU; 2,000 cost the import 15% more CPU.
		batchSize = 5000
	}
	return &purchaseImporter{db: db, batchSize: batchSize, open: map[string]*pendingPurchase{},
		stored: map[string]bool{}, locations: map[string]int64{}, employees: map[string]int64{}}
}

func (p *purchaseImporter) aliases() map[string]string {
	return aliasesFor(Purchases, map[string]string{
		"invoiceno": "external_id", "invoice": "external_id", "order_id": "external_id", "purchase_id": "external_id",
		"customerid": "customer_external_id", "customer": "customer_external_id", "customer_id": "customer_external_id",
		"invoicedate": "purchased_at", "date": "purchased_at", "time": "purchased_at",
		"stockcode": "sku", "product": "sku", "qty": "quantity",
		"unitprice": "unit_price", "price": "unit_price", "promo": "promotion_code",
		"referral": "referral_code", "referred_by_code": "referral_code",
	})
}

func (p *purchaseImporter) required() []string {
	return []string{"external_id", "purchased_at", "sku", "quantity", "unit_price"}
}

func (p *purchaseImporter) add(ctx context.Context, r *row, s *Summary) error {
	ext := externalID(r.get("external_id"))
	if ext == "" {
		s.reject(r.line, "external_id", "is required: lines of one purchase share it")
		return nil
	}
	pending, inBatch := p.open[ext]
	if !inBatch && len(p.batch) >= p.batchSize {
		if err := p.flush(ctx, s); err != nil {
			return err
		}
	}
	if !inBatch {
		pending = &pendingPurchase{purchase: fresco.Purchase{ExternalID: ext}, customerExt: externalID(r.get("customer_external_id"))}
		if p.stored[ext] {
			p.late = append(p.late, pending)
		} else {
			p.batch = append(p.batch, pending)
		}
		p.open[ext] = pending
	}
	if err := p.addLine(ctx, pending, r, !inBatch); err != nil {
		s.rejectErr(r.line, err)
		if pending.badLine == 0 {
			pending.badLine = r.line
		}
	}
	return nil
}

// addLine parses r into a line of pending; first says whether r is the
// purchase's first row, which sets the purchase's own fields.
func (p *purchaseImporter) addLine(ctx context.Context, pending *pendingPurchase, r *row, first bool) error {
	var v fresco.Validation
	if text := r.get("purchased_at"); text != p.lastAt.text || p.lastAt.at.IsZero() && p.lastAt.err == nil {
		at, err := parseTime(text)
		p.lastAt = parsedTime{text: text, at: at, err: err}
	}
	at, err := p.lastAt.at, p.lastAt.err
	if err != nil {
		v.Add("purchased_at", "%v", err)
	}
	qty, err := parseQuantity(r.get("quantity"))
	if err != nil {
		v.Add("quantity", "%v", err)
	}
	price, err := fresco.ParseMoney(r.get("unit_price"))
	if err != nil {
		v.Add("unit_price", "%v", err)
	} else if price < 0 {
		v.Add("unit_price", "%s is negative; a refund is a negative quantity at a positive price", price)
	}
	discount, err := parseMoneyField(r.get("discount"))
	if err != nil {
		v.Add("discount", "%v", err)
	}
	if r.get("sku") == "" {
		v.Add("sku", "is required")
	}
	if cust := externalID(r.get("customer_external_id")); !first && cust != pending.customerExt {
		v.Add("customer_external_id", "%q differs from %q on the purchase's earlier lines", cust, pending.customerExt)
	}
	if first {
		p.setHeader(ctx, pending, r, at, &v)
	}
	if err := v.Err(); err != nil {
		return err
	}
	pending.purchase.Lines = append(pending.purchase.Lines, fresco.PurchaseLine{
		SKU: r.get("sku"), Description: r.get("description"), Quantity: qty, UnitPrice: price, Discount: discount})
	pending.lines = append(pending.lines, r.line)
	return nil
}

func (p *purchaseImporter) setHeader(ctx context.Context, pending *pendingPurchase, r *row, at time.Time, v *fresco.Validation) {
	pu := &pending.purchase
	pu.PurchasedAt = at
	pu.Channel = r.get("channel")
	pu.PromotionCode = r.get("promotion_code")
	pu.ReferralCode = fresco.NormalizeReferralCode(r.get("referral_code"))
	if name := r.get("location"); name != "" {
		id, err := p.location(ctx, name)
		if err != nil {
			v.Add("location", "%v", err)
		}
		pu.LocationID = &id
	}
	if email := r.get("served_by"); email != "" {
		id, err := p.employee(ctx, email)
		if err != nil {
			v.Add("served_by", "%v", err)
		}
		pu.ServedBy = &id
	}
}

// location finds a location by name, adding it when the file names a new one.
func (p *purchaseImporter) location(ctx context.Context, name string) (int64, error) {
	if id, ok := p.locations[name]; ok {
		return id, nil
	}
	l, err := p.db.LocationByName(ctx, name)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		l = &fresco.Location{Name: name}
		err = p.db.CreateLocation(ctx, l)
	}
	if err != nil {
		return 0, err
	}
	p.locations[name] = l.ID
	return l.ID, nil
}

// employee finds the serving employee by e-mail; an unknown one is an error,
// because attributing a purchase to the wrong person is worse than none.
func (p *purchaseImporter) employee(ctx context.Context, email string) (int64, error) {
	if id, ok := p.employees[email]; ok {
		return id, nil
	}
	e, err := p.db.EmployeeByEmail(ctx, email)
	if err != nil {
		return 0, fmt.Errorf("no employee with e-mail %q", email)
	}
	p.employees[email] = e.ID
	return e.ID, nil
}

// flush starts storing the current batch, once the one before it is
// stored: reading and parsing the next batch (about a quarter of an
// import's CPU) overlaps the database's work on this one, on another core
// or, on PostgreSQL, in the server. Each batch is still its own
// transaction, stored in file order, and an error stops the import at the
// next flush.
func (p *purchaseImporter) flush(ctx context.Context, s *Summary) error {
	batch := p.batch
	p.batch, p.open = nil, map[string]*pendingPurchase{}
	for _, pending := range batch {
		p.stored[pending.purchase.ExternalID] = true
	}
	if err := p.wait(s); err != nil {
		return err
	}
	save := &batchSave{done: make(chan struct{})}
	p.saving = save
	go func() {
		defer close(save.done)
		save.err = p.save(ctx, batch, &save.part)
	}()
	return nil
}

// wait waits for the batch being stored, if any, and adds its outcome to s.
func (p *purchaseImporter) wait(s *Summary) error {
	save := p.saving
	if save == nil {
		return nil
	}
	<-save.done
	p.saving = nil
	s.add(&save.part)
	return save.err
}

// stop waits for the batch being stored, when the import ends early.
func (p *purchaseImporter) stop() {
	if p.saving != nil {
		<-p.saving.done
	}
}

func (p *purchaseImporter) save(ctx context.Context, batch []*pendingPurchase, s *Summary) error {
	good := make([]*pendingPurchase, 0, len(batch))
	for _, pending := range batch {
		if len(pending.purchase.Lines) == 0 {
			continue // every line was rejected already
		}
		if pending.badLine != 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("purchase %s was stored without its rejected line %d", pending.purchase.ExternalID, pending.badLine))
		}
		good = append(good, pending)
	}
	if err := p.attachCustomers(ctx, good); err != nil {
		return err
	}
	purchases := make([]*fresco.Purchase, len(good))
	for i, pending := range good {
		purchases[i] = &pending.purchase
	}
	results, err := p.db.SavePurchases(ctx, purchases)
	if err != nil {
		return err
	}
	for i, res := range results {
		switch res.Status {
		case store.StatusCreated:
			s.Imported++
		case store.StatusUpdated:
			s.Updated++
		default:
			rejectPurchase(good[i], res.Err, s)
		}
	}
	return nil
}

// rejectPurchase reports a purchase the store refused, on the file line each
// field error belongs to ("lines[2].sku" is the purchase's third line).
func rejectPurchase(pending *pendingPurchase, err error, s *Summary) {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		fields = []fresco.FieldError{{Message: fresco.ErrorMessage(err)}}
	}
	blamed := map[int]bool{}
	for _, f := range fields {
		line := pending.lines[0]
		field := f.Field
		if strings.HasPrefix(field, "lines[") {
			if end := strings.Index(field, "]"); end > 0 {
				if k, err := strconv.Atoi(field[6:end]); err == nil && k < len(pending.lines) {
					line, field = pending.lines[k], strings.TrimPrefix(field[end+1:], ".")
				}
			}
		}
		if !blamed[line] {
			blamed[line] = true
			s.reject(line, field, "%s", f.Message)
		}
	}
	for _, line := range pending.lines {
		if !blamed[line] {
			s.reject(line, "", "purchase %s is not imported: %s", pending.purchase.ExternalID, fresco.ErrorMessage(err))
		}
	}
}

// attachCustomers turns the customer external ids of a batch into ids,
// creating customers met for the first time.
func (p *purchaseImporter) attachCustomers(ctx context.Context, batch []*pendingPurchase) error {
	firstSeen := map[string]time.Time{}
	for _, pending := range batch {
		ext := pending.customerExt
		if ext == "" {
			continue // an anonymous purchase
		}
		if t, ok := firstSeen[ext]; !ok || pending.purchase.PurchasedAt.Before(t) {
			firstSeen[ext] = pending.purchase.PurchasedAt
		}
	}
	ids, err := p.db.EnsureCustomers(ctx, firstSeen)
	if err != nil {
		return err
	}
	for _, pending := range batch {
		if pending.customerExt != "" {
			id := ids[pending.customerExt]
			pending.purchase.CustomerID = &id
		}
	}
	return nil
}

// finish stores the last batch, then merges lines of purchases that turned
// up again after their purchase was stored.
func (p *purchaseImporter) finish(ctx context.Context, s *Summary) error {
	if err := p.flush(ctx, s); err != nil {
		return err
	}
	if err := p.wait(s); err != nil {
		return err
	}
	// Batches are stored while later lines are read, so their rejections
	// came in after those lines': list them in file order again.
	slices.SortStableFunc(s.Rejections, func(a, b Rejection) int { return cmp.Compare(a.Line, b.Line) })
	for _, pending := range p.late {
		if len(pending.purchase.Lines) == 0 {
			continue
		}
		stored, err := p.db.PurchaseByExternalID(ctx, pending.purchase.ExternalID)
		if err != nil {
			rejectPurchase(pending, err, s)
			continue
		}
		pending.purchase.Lines = append(stored.Lines, pending.purchase.Lines...)
		pending.lines = append(make([]int, len(stored.Lines)), pending.lines...)
		pending.purchase.PurchasedAt, pending.purchase.CustomerID = stored.PurchasedAt, stored.CustomerID
		results, err := p.db.SavePurchases(ctx, []*fresco.Purchase{&pending.purchase})
		if err != nil {
			return err
		}
		if results[0].Status == store.StatusRejected {
			rejectPurchase(pending, results[0].Err, s)
		}
	}
	return nil
}
