package store

// The lifetime-value refit's pass over the purchases: every identified
// customer's purchases and lines, streamed in customer order, so that the
// refit (internal/value) keeps one customer's history in memory at a time
// instead of several whole-table aggregates with derived tables and
// temporary indexes. What the refit makes of a history is its business;
// this file only maps rows. The refit's writes are in customer_value.go.
//
// The pass is split into ranges of customer ids read in parallel, each on
// its own connection, all from one snapshot (BeginHistoryRead): a refit
// never mixes the purchases before a commit with those after it.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// HistoryPurchase is one purchase of a customer's history, with its lines.
type HistoryPurchase struct {
	ID            int64
	At            time.Time // UTC
	Total         fresco.Money
	Items         int64
	PromotionCode string
	Lines         []HistoryLine
}

// HistoryLine is one line of a HistoryPurchase, with its product's cost
// and category.
type HistoryLine struct {
	Quantity  int64
	UnitPrice fresco.Money
	Discount  fresco.Money
	UnitCost  fresco.Money // the product's unit cost
	Category  string
}

// HistoryReader reads the refit's inputs — the customers' histories and
// the referral links — from one snapshot of the database, on one
// read-only transaction per part. Close it when done.
type HistoryReader struct {
	db       *DB
	conns    []*sql.Conn // one per part, each running one of txs
	txs      []*sql.Tx
	lo, hi   int64                   // the least and greatest customer id with purchases; hi < lo: none
	products map[int64]productFigure // every product's cost and category, read once instead of joined per line
	cacheKiB int64                   // SQLite: the connections' page cache before the read, given back at Close
}

// historyCacheKiB is the page cache of each SQLite connection reading
// histories. The walk visits each page of the index once, and those of the
// lines in purchase order, so a cache that holds the trees' inner pages
// serves it as well as a large one — and the pool's 32 MB a connection,
// filled by a million customers' pages on every part's connection, was most
// of the server's memory after a refit.
const historyCacheKiB = 8000

type productFigure struct {
	cost     fresco.Money
	category string
}

// BeginHistoryRead opens parts read-only transactions that see the same
// snapshot. PostgreSQL: the first, REPEATABLE READ, exports its snapshot
// and the others adopt it. SQLite (WAL): connections cannot share a
// snapshot, but each takes the latest commit at its first read, so they
// all make that read while this holds the write lock — for the few
// milliseconds it takes, no commit can land between them.
func (db *DB) BeginHistoryRead(ctx context.Context, parts int) (r *HistoryReader, err error) {
	parts = max(parts, 1)
	r = &HistoryReader{db: db}
	defer func() {
		if err != nil {
			r.Close()
			err = fmt.Errorf("begin history read: %w", err)
		}
	}()
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	// The connections first: while this holds SQLite's write lock it must
	// not wait for a reader another request holds (that request might be
	// waiting for the write lock).
	for range parts {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return nil, err
		}
		r.conns = append(r.conns, c)
	}
	if db.dialect == SQLite {
		if err := r.conns[0].QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&r.cacheKiB); err != nil {
			return nil, err
		}
		for _, c := range r.conns {
			// PRAGMA takes no parameters; the size is a constant.
			if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, historyCacheKiB)); err != nil {
				return nil, err
			}
		}
	}
	if err := r.begin(ctx, parts, opts); err != nil {
		return nil, err
	}
	r.products = map[int64]productFigure{}
	err = queryEach(ctx, r.tx(0), func(row rowScanner) error {
		var id, cost int64
		var category string
		if err := row.Scan(&id, &cost, &category); err != nil {
			return err
		}
		r.products[id] = productFigure{cost: fresco.Money(cost), category: category}
		return nil
	}, `SELECT id, unit_cost, category FROM products`)
	return r, err
}

// begin opens the parts' transactions on r's connections and makes each
// one's first read, which takes SQLite's snapshot. On SQLite it holds the
// write lock for those reads only: every writer waits while it does.
func (r *HistoryReader) begin(ctx context.Context, parts int, opts *sql.TxOptions) error {
	db := r.db
	if db.dialect == SQLite && parts > 1 {
		release, err := db.holdWriteLock(ctx)
		if err != nil {
			return err
		}
		defer release()
	}
	var snapshot string
	for i := range parts {
		tx, err := r.conns[i].BeginTx(ctx, opts)
		if err != nil {
			return err
		}
		r.txs = append(r.txs, tx)
		switch {
		case db.dialect == Postgres && i == 0 && parts > 1:
			if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
				return err
			}
			if !snapshotID.MatchString(snapshot) {
				return fmt.Errorf("unexpected snapshot id %q", snapshot)
			}
		case db.dialect == Postgres && i > 0:
			// SET takes no parameters; the id was checked above.
			if _, err := tx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT '`+snapshot+`'`); err != nil {
				return err
			}
		}
		// The first read: SQLite's snapshot is taken here. MIN and MAX in
		// one SELECT made SQLite scan a whole index of purchases (its
		// min/max shortcut takes one aggregate alone), under the write
		// lock: 0.7 s of every writer's time at 50k customers, loaded.
		var lo, hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT MIN(customer_id) FROM purchases), (SELECT MAX(customer_id) FROM purchases)`).Scan(&lo, &hi); err != nil {
			return err
		}
		if i == 0 {
			r.lo, r.hi = lo.Int64, hi.Int64
			if !lo.Valid {
				r.lo, r.hi = 1, 0
			}
		}
	}
	return nil
}

// snapshotID is the form of PostgreSQL's exported snapshot ids.
var snapshotID = regexp.MustCompile(`^[0-9A-Fa-f-]+$`)

// holdWriteLock takes SQLite's write lock (an immediate transaction on
// the writer connection, in its turn) and returns what releases it.
func (db *DB) holdWriteLock(ctx context.Context) (release func(), err error) {
	done, err := db.awaitWriteTurn(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		done()
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil) // _txlock=immediate: BEGIN IMMEDIATE
	if err != nil {
		conn.Close()
		done()
		return nil, err
	}
	return func() {
		tx.Rollback()
		conn.Close()
		done()
	}, nil
}

// Parts is how many parts the histories are read in.
func (r *HistoryReader) Parts() int { return len(r.txs) }

func (r *HistoryReader) tx(i int) *Tx { return &Tx{tx: r.txs[i], db: r.db} }

// Close ends the transactions (read only: nothing to commit) and gives
// the connections back.
func (r *HistoryReader) Close() {
	for _, tx := range r.txs {
		tx.Rollback()
	}
	for _, c := range r.conns {
		if r.db.dialect == SQLite {
			// The walk's pages are of no use to the pool's next reader: let
			// them go rather than hold them until the cache turns over.
			c.ExecContext(context.Background(), `PRAGMA shrink_memory`)
		}
		if r.cacheKiB != 0 { // back to the pool's size (negative: KiB; positive: pages)
			if _, err := c.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d`, r.cacheKiB)); err != nil {
				c.Raw(func(any) error { return driver.ErrBadConn }) // a connection left small: let the pool drop it
			}
		}
		c.Close()
	}
	r.txs, r.conns = nil, nil
}

// ReferralLinks returns the referred customers and their referrers (as
// DB.ReferralLinks), from the snapshot.
func (r *HistoryReader) ReferralLinks(ctx context.Context) ([]fresco.ReferralLink, error) {
	return referralLinks(ctx, r.tx(0))
}

// FirstPurchaseBefore returns the time of the earliest positive purchase
// of an identified customer before bound, from the snapshot (ok false: none).
// The refit's holdout split is measured from it. One step along
// purchases_at, which holds every column the condition reads.
func (r *HistoryReader) FirstPurchaseBefore(ctx context.Context, bound time.Time) (at time.Time, ok bool, err error) {
	err = r.tx(0).QueryRow(ctx, `SELECT purchased_at FROM purchases
		WHERE purchased_at < ? AND customer_id IS NOT NULL AND total > 0 ORDER BY purchased_at LIMIT 1`, bound.UTC()).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("first purchase: %w", err)
	}
	return at.UTC(), true, nil
}

// EachCustomerHistory calls fn with every identified customer's purchases,
// the parts' ranges of customer ids at once, one goroutine each: part k
// holds lower ids than part k+1, and within a part customers come in id
// order, each customer's purchases in time order (ties by id), lines in
// line order. The slice and its lines are reused for the part's next
// customer: fn must not keep them. The first error stops every part.
func (r *HistoryReader) EachCustomerHistory(ctx context.Context, fn func(part int, customerID int64, purchases []HistoryPurchase) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := int64(len(r.txs))
	span := r.hi - r.lo + 1
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		from, to := r.lo+span*k/n, r.lo+span*(k+1)/n // [from, to)
		wg.Go(func() {
			errs[k] = r.eachInRange(ctx, r.tx(int(k)), from, to, func(id int64, hist []HistoryPurchase) error { return fn(int(k), id, hist) })
			if errs[k] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// A part stopped by another's error reports the cancellation: name the cause.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return errors.Join(errs...)
}

// eachInRange streams the histories of the customers with ids in [from, to).
// One query walks purchases_customer, which holds every purchase column
// read here in the order asked for (migration 00025), so the database
// neither sorts nor visits the table; each purchase's lines come from the
// primary key of purchase_lines and their products from r.products.
func (r *HistoryReader) eachInRange(ctx context.Context, tx *Tx, from, to int64, fn func(customerID int64, purchases []HistoryPurchase) error) error {
	var (
		current int64 = -1
		hist    []HistoryPurchase
		lines   []HistoryLine // backing store of every purchase's Lines, reused
		counts  []int         // lines per purchase of hist
	)
	flush := func() error {
		if current < 0 || len(hist) == 0 {
			return nil
		}
		// Lines were appended in order; slice them out now that lines no
		// longer grows (its backing array may have moved while it did).
		off := 0
		for i := range hist {
			n := counts[i]
			hist[i].Lines = lines[off : off+n : off+n]
			off += n
		}
		return fn(current, hist)
	}
	// SQLite hands the time back as its stored text, parsed below at a
	// fraction of what the driver's general parse costs.
	sqlite := r.db.dialect == SQLite
	at := "p.purchased_at"
	if sqlite {
		at = "CAST(p.purchased_at AS TEXT)"
	}
	// Each column is scanned into an any and its type asserted here: the
	// driver's own values (int64, string or time.Time; nil for a purchase
	// without lines), without database/sql converting each of ten columns
	// of millions of rows by reflection.
	var vals [10]any
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	var lastPurchase int64 = -1
	err := queryEach(ctx, tx, func(row rowScanner) error {
		if err := row.Scan(dest...); err != nil {
			return err
		}
		customerID, ok1 := vals[0].(int64)
		purchaseID, ok2 := vals[1].(int64)
		total, ok3 := vals[3].(int64)
		items, ok4 := vals[4].(int64)
		promo, ok5 := vals[5].(string)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			return fmt.Errorf("purchase %v: unexpected column types %T %T %T %T %T", vals[1], vals[0], vals[1], vals[3], vals[4], vals[5])
		}
		if customerID != current {
			if err := flush(); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			current, hist, lines, counts, lastPurchase = customerID, hist[:0], lines[:0], counts[:0], -1
		}
		if purchaseID != lastPurchase {
			var atTime time.Time
			switch at := vals[2].(type) {
			case string: // SQLite's stored text
				t, err := parseStoredTime(at)
				if err != nil {
					return fmt.Errorf("purchase %d: %w", purchaseID, err)
				}
				atTime = t
			case time.Time:
				atTime = at
			default:
				return fmt.Errorf("purchase %d: unexpected time %T", purchaseID, at)
			}
			hist = append(hist, HistoryPurchase{ID: purchaseID, At: atTime.UTC(), Total: fresco.Money(total), Items: items,
				PromotionCode: promo})
			counts = append(counts, 0)
			lastPurchase = purchaseID
		}
		if vals[7] != nil { // a purchase without lines comes back once, with NULLs
			product, ok1 := vals[6].(int64)
			qty, ok2 := vals[7].(int64)
			price, ok3 := vals[8].(int64)
			discount, ok4 := vals[9].(int64)
			if !(ok1 && ok2 && ok3 && ok4) {
				return fmt.Errorf("purchase %d: unexpected line column types %T %T %T %T", purchaseID, vals[6], vals[7], vals[8], vals[9])
			}
			pf := r.products[product]
			lines = append(lines, HistoryLine{Quantity: qty, UnitPrice: fresco.Money(price),
				Discount: fresco.Money(discount), UnitCost: pf.cost, Category: pf.category})
			counts[len(counts)-1]++
		}
		return nil
	}, `SELECT p.customer_id, p.id, `+at+`, p.total, p.items, p.promotion_code,
			l.product_id, l.quantity, l.unit_price, l.discount
		FROM purchases p
		LEFT JOIN purchase_lines l ON l.purchase_id = p.id
		WHERE p.customer_id >= ? AND p.customer_id < ?
		ORDER BY p.customer_id, p.purchased_at, p.id, l.line_no`, from, to)
	if err != nil {
		return fmt.Errorf("customer histories: %w", err)
	}
	return flush()
}

// parseStoredTime reads SQLite's stored text of a UTC time,
// 'YYYY-MM-DD HH:MM:SS[.fffffffff]+00:00', by position; any other form goes
// to the general parse.
func parseStoredTime(b string) (time.Time, error) {
	n := len(b)
	if n < 25 || b[n-6:] != "+00:00" || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return slowStoredTime(b)
	}
	num := func(s string) (int, bool) {
		v := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	ns := 0
	frac := b[19 : n-6]
	ok7 := len(frac) == 0
	if len(frac) >= 2 && len(frac) <= 10 && frac[0] == '.' {
		ns, ok7 = num(frac[1:])
		for range 10 - len(frac) {
			ns *= 10
		}
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 {
		return slowStoredTime(b)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	if t.Day() != d { // 31 April and the like: let the general parse refuse it
		return slowStoredTime(b)
	}
	return t, nil
}

func slowStoredTime(b string) (time.Time, error) {
	t, err := parseSQLiteTime(b)
	if err != nil {
		return time.Time{}, err
	}
	return *t, nil
}
