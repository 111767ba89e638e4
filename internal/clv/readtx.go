package clv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"runtime"
	"strings"
	"sync"
)

// Columns names the columns of a transaction CSV file.
type Columns struct {
	Customer string // default "customer_id"
	Date     string // default "date"
	Amount   string // default "amount"; "-" means the file has no amounts
}

func (c Columns) withDefaults() Columns {
	if c.Customer == "" {
		c.Customer = "customer_id"
	}
	if c.Date == "" {
		c.Date = "date"
	}
	if c.Amount == "" {
		c.Amount = "amount"
	}
	return c
}

// LineError reports a problem with one line of an input file.
type LineError struct {
	Line int // 1-based, counting the header
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadTransactionsCSV summarises a comma-separated transaction log with a
// header line, one purchase per line, in any row order. It is the fast path
// for big files: blocks of the input are parsed on all cores and customers are
// sharded over them, so memory is O(customers + rows/8 bytes), not O(file).
// Dates are YYYY-MM-DD (see parseDay); amounts are plain decimals.
func ReadTransactionsCSV(r io.Reader, cols Columns, opts Options) ([]Summary, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	// A seekable input (a file) is read a second time if some customers'
	// rows are out of time order, instead of logging every row.
	seeker, _ := r.(io.Seeker)
	var start int64
	if seeker != nil {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			seeker = nil
		}
	}
	tr := newTxReader(r, cols.withDefaults(), opts, seeker == nil)
	if err := tr.run(); err != nil {
		return nil, err
	}
	if seeker != nil && tr.outOfOrder() > 0 {
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		if err := tr.recountPass(r); err != nil {
			return nil, err
		}
	}
	end := tr.maxDay
	if e, ok := calibrationEndDay(opts); ok {
		end = e
	}
	if tr.rows == 0 {
		return nil, fmt.Errorf("clv: %w (no transactions in the file)", ErrNoCustomers)
	}
	return buildSummaries(tr.shards, opts, end), nil
}

// blockSize is the unit of parallel parsing: small enough that a block's parsed
// records are still in cache when the shards aggregate them.
const blockSize = 1 << 20

// txRecord is one parsed row on its way from a parser to the shard that owns
// the customer.
type txRecord struct {
	key    uint64
	pos    uint64 // global byte offset of the line: orders customers by first appearance
	amount float64
	period int32
	idOff  uint32 // customer id bytes within the block (string ids only)
	idLen  uint32
}

type txReader struct {
	r      io.Reader
	cols   Columns
	opts   Options
	endDay int32
	hasEnd bool

	workers                             int
	colCust, colDate, colAmount, maxCol int

	shards []*aggregator
	maxDay int32
	rows   int

	recounting bool // second pass: collect periods of out-of-order customers

	carry []byte
	eof   bool
	pos   uint64 // byte offset of the next block
	line  int    // line number of the next block's first line
}

func newTxReader(r io.Reader, cols Columns, opts Options, keepLog bool) *txReader {
	w := min(runtime.GOMAXPROCS(0), 8)
	tr := &txReader{r: r, cols: cols, opts: opts, workers: w, maxDay: math.MinInt32}
	tr.endDay, tr.hasEnd = calibrationEndDay(opts)
	ns := shardCount(w)
	for range ns {
		tr.shards = append(tr.shards, newShard(opts.period(), 1<<16, keepLog, ns))
	}
	return tr
}

// block is one piece of the file, cut at a line boundary, and what parsing it produced.
type block struct {
	buf     []byte
	data    []byte
	pos     uint64
	line    int
	out     [][]txRecord // per shard
	maxDay  int32
	rows    int
	err     error
	errLine int // line within the block, 0-based
}

func (tr *txReader) outOfOrder() int {
	n := 0
	for _, a := range tr.shards {
		n += a.outOfOrder()
	}
	return n
}

// recountPass reads the input again from r, collecting periods for the
// customers whose rows were out of order.
func (tr *txReader) recountPass(r io.Reader) error {
	tr.r, tr.recounting = r, true
	tr.carry, tr.eof, tr.pos, tr.line = tr.carry[:0], false, 0, 0
	tr.maxDay, tr.rows = math.MinInt32, 0
	return tr.run()
}

func (tr *txReader) run() error {
	blocks := make([]*block, tr.workers)
	for i := range blocks {
		blocks[i] = &block{buf: make([]byte, blockSize), out: make([][]txRecord, len(tr.shards))}
		for s := range blocks[i].out {
			blocks[i].out[s] = make([]txRecord, 0, blockSize/20/len(tr.shards))
		}
	}
	if err := tr.readHeader(blocks[0]); err != nil {
		return err
	}
	for !tr.eof || len(tr.carry) > 0 {
		n := 0
		for n < len(blocks) && (!tr.eof || len(tr.carry) > 0) {
			if err := tr.fill(blocks[n]); err != nil {
				return err
			}
			n++
		}
		if err := tr.parseAll(blocks[:n]); err != nil {
			return err
		}
		tr.aggregateAll(blocks[:n])
	}
	return nil
}

// fill reads the next block: the carried-over partial line plus fresh bytes,
// cut after the last newline.
func (tr *txReader) fill(b *block) error {
	buf := b.buf[:cap(b.buf)]
	n := copy(buf, tr.carry)
	for n < len(buf) && !tr.eof {
		m, err := tr.r.Read(buf[n:])
		n += m
		if errors.Is(err, io.EOF) {
			tr.eof = true
		} else if err != nil {
			return err
		}
	}
	data := buf[:n]
	cut := len(data)
	if !tr.eof {
		cut = bytes.LastIndexByte(data, '\n') + 1
		if cut == 0 {
			return &LineError{Line: tr.line, Err: fmt.Errorf("line longer than %d bytes", blockSize)}
		}
	}
	tr.carry = append(tr.carry[:0], data[cut:]...)
	b.data, b.pos, b.line = data[:cut], tr.pos, tr.line
	tr.pos += uint64(cut)
	tr.line += bytes.Count(b.data, []byte{'\n'})
	return nil
}

func (tr *txReader) readHeader(b *block) error {
	tr.line = 1
	if err := tr.fill(b); err != nil {
		return err
	}
	end := bytes.IndexByte(b.data, '\n')
	if end < 0 {
		end = len(b.data)
	}
	header := bytes.TrimPrefix(b.data[:end], []byte("\xef\xbb\xbf"))
	if len(trimSpace(header)) == 0 {
		return &LineError{Line: 1, Err: errors.New("empty file or missing header line")}
	}
	if err := tr.locateColumns(header); err != nil {
		return &LineError{Line: 1, Err: err}
	}
	// Put the rest of the first block back in front of the stream.
	rest := b.data[min(end+1, len(b.data)):]
	tr.carry = append(append([]byte(nil), rest...), tr.carry...)
	tr.pos, tr.line = uint64(end+1), 2
	return nil
}

func (tr *txReader) locateColumns(header []byte) error {
	var names []string
	line := append([]byte(nil), header...)
	for {
		f, rest, err := nextField(line)
		if err != nil {
			return err
		}
		names = append(names, strings.TrimSpace(string(f)))
		if rest == nil {
			break
		}
		line = rest
	}
	find := func(want string) (int, error) {
		for i, n := range names {
			if strings.EqualFold(n, want) {
				return i, nil
			}
		}
		return -1, fmt.Errorf("no column %q in header (columns: %s)", want, strings.Join(names, ","))
	}
	var err error
	if tr.colCust, err = find(tr.cols.Customer); err != nil {
		return err
	}
	if tr.colDate, err = find(tr.cols.Date); err != nil {
		return err
	}
	tr.colAmount = -1
	if tr.cols.Amount != "-" {
		if tr.colAmount, err = find(tr.cols.Amount); err != nil {
			return err
		}
	}
	tr.maxCol = max(tr.colCust, tr.colDate, tr.colAmount)
	return nil
}

func (tr *txReader) parseAll(blocks []*block) error {
	var wg sync.WaitGroup
	for _, b := range blocks {
		wg.Go(func() { tr.parseBlock(b) })
	}
	wg.Wait()
	for _, b := range blocks {
		if b.err != nil {
			return &LineError{Line: b.line + b.errLine, Err: b.err}
		}
		tr.maxDay = max(tr.maxDay, b.maxDay)
		tr.rows += b.rows
	}
	return nil
}

// parseBlock parses every line of b into per-shard records.
func (tr *txReader) parseBlock(b *block) {
	for s := range b.out {
		b.out[s] = b.out[s][:0]
	}
	b.maxDay, b.rows, b.err = math.MinInt32, 0, nil
	data := b.data
	nShards := uint64(len(b.out))
	period := tr.opts.period()
	var dc dayCache
	for ln, off := 0, 0; off < len(data); ln++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := data[off:end]
		lineOff := off
		off = end + 1
		if len(trimSpace(line)) == 0 {
			continue
		}
		rec, day, err := tr.parseLine(line, &dc)
		if err != nil {
			b.err, b.errLine = err, ln
			return
		}
		if tr.hasEnd && day > tr.endDay {
			continue
		}
		b.maxDay = max(b.maxDay, day)
		b.rows++
		rec.period = periodOf(day, period)
		rec.pos = b.pos + uint64(lineOff)
		if rec.key&stringKeyBit != 0 {
			rec.idOff += uint32(lineOff)
		}
		s := shardOf(rec.key, nShards)
		b.out[s] = append(b.out[s], rec)
	}
}

// parseLine extracts customer, date and amount from one line. For string ids,
// idOff/idLen locate the (unquoted) id within line.
// indexCommaOrQuote is the index of the first ',' or '"' in b, or len(b).
// It tests eight bytes at a time (fields are short, so this beats
// bytes.IndexByte's call and setup).
func indexCommaOrQuote(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		c := w ^ (',' * ones)
		q := w ^ ('"' * ones)
		// A zero byte in c or q marks a match; the lowest flagged byte is
		// exact (the classic has-zero-byte test only over-reports above it).
		m := ((c-ones)&^c | (q-ones)&^q) & highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' || b[i] == '"' {
			return i
		}
	}
	return len(b)
}

// dayCache remembers the last date parsed: logs exported in date order
// repeat the same date for thousands of lines.
type dayCache struct {
	date []byte
	day  int32
}

func (tr *txReader) parseLine(line []byte, dc *dayCache) (rec txRecord, day int32, err error) {
	var cust, date, amount []byte
	start := line
	rest := line
	// Fast path for lines without quotes: split on commas in one scan. Any
	// quote, or too few fields, takes the general path below, which also
	// words the errors.
	fields, pos := 0, 0
	for fields <= tr.maxCol {
		j := pos + indexCommaOrQuote(line[pos:])
		if j < len(line) && line[j] == '"' {
			break
		}
		f := trimSpace(line[pos:j])
		switch fields {
		case tr.colCust:
			cust = f
		case tr.colDate:
			date = f
		case tr.colAmount:
			amount = f
		}
		fields++
		if j == len(line) {
			break
		}
		pos = j + 1
	}
	if fields > tr.maxCol {
		return tr.finishLine(start, cust, date, amount, dc)
	}
	cust, date, amount = nil, nil, nil
	for i := 0; i <= tr.maxCol; i++ {
		if rest == nil {
			return rec, 0, fmt.Errorf("expected at least %d fields, found %d", tr.maxCol+1, i)
		}
		var f []byte
		f, rest, err = nextField(rest)
		if err != nil {
			return rec, 0, err
		}
		switch i {
		case tr.colCust:
			cust = f
		case tr.colDate:
			date = f
		case tr.colAmount:
			amount = f
		}
	}
	return tr.finishLine(start, cust, date, amount, dc)
}

// finishLine parses the fields of one line; cust lies within line.
func (tr *txReader) finishLine(line, cust, date, amount []byte, dc *dayCache) (rec txRecord, day int32, err error) {
	start := line
	if len(cust) == 0 {
		return rec, 0, fmt.Errorf("empty %s", tr.cols.Customer)
	}
	if len(cust) > maxIDLen {
		return rec, 0, fmt.Errorf("%s longer than %d bytes", tr.cols.Customer, maxIDLen)
	}
	if dc.date != nil && string(date) == string(dc.date) {
		day = dc.day
	} else if day, err = parseDay(date); err != nil {
		return rec, 0, fmt.Errorf("%s %q: %w", tr.cols.Date, date, err)
	} else {
		dc.date, dc.day = date, day
	}
	if tr.colAmount >= 0 {
		if rec.amount, err = parseAmount(amount); err != nil {
			return rec, 0, fmt.Errorf("%s %q: %w", tr.cols.Amount, amount, err)
		}
	}
	rec.key = customerKey(cust)
	if rec.key&stringKeyBit != 0 {
		rec.idOff = uint32(cap(start) - cap(cust)) // offset of cust within line
		rec.idLen = uint32(len(cust))
	}
	return rec, day, nil
}

// aggregateAll hands every shard the records parsed for it, in file order.
func (tr *txReader) aggregateAll(blocks []*block) {
	var wg sync.WaitGroup
	for s, a := range tr.shards {
		wg.Go(func() {
			for _, b := range blocks {
				recs := b.out[s]
				for i := range recs {
					// Prefetch the index a few rows ahead, and the customer
					// once its index entry is in cache, so cache misses
					// overlap instead of queueing behind each other.
					if j := i + 16; j < len(recs) {
						a.prefetchIndex(recs[j].key)
					}
					if j := i + 8; j < len(recs) {
						a.prefetchCustomer(recs[j].key)
					}
					r := &recs[i]
					var id []byte
					if r.key&stringKeyBit != 0 {
						id = b.data[r.idOff : r.idOff+r.idLen]
					}
					if tr.recounting {
						a.collect(r.key, id, r.period)
						continue
					}
					a.add(r.key, id, r.period, r.amount, r.pos)
				}
			}
		})
	}
	wg.Wait()
}
