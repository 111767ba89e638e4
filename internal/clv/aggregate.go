package clv

import (
	"hash/maphash"
	"slices"
	"strconv"
	"unsafe"
)

// This file holds the per-customer accumulator behind Summarise and the CSV
// reader. It is built for millions of customers: customers are keyed by a
// uint64 (numeric ids are packed into it, other ids are hashed and kept in a
// byte arena), the table is open-addressed, and each customer costs ~50 bytes.
// Canonical numeric ids skip the table: they index a dense array directly,
// and the reader prefetches a few rows ahead so the cache misses overlap.

// custAgg accumulates one customer's purchases, in period numbers. It is the
// hot part of a customer, touched by every row, and fits in half a cache
// line; the key and first position live in custMeta.
type custAgg struct {
	first    int32   // earliest period
	last     int32   // latest period
	count    int32   // distinct periods; exact unless outOfOrder
	outOfOrd bool    // a row arrived earlier than `last`; count is fixed up from the row log
	total    float64 // sum of all amounts
	firstAmt float64 // sum of the amounts in the earliest period
}

// custMeta is the cold part of a customer: written once, read when building
// the summaries.
type custMeta struct {
	key      uint64 // packed numeric id, or hash of a string id with the top bit set
	firstPos uint64 // position of the customer's first row in the input, for stable output order
}

// rowRef is one logged row: which customer, which period. The log lets us count
// distinct periods exactly for customers whose rows arrive out of time order.
type rowRef struct {
	cust   uint32
	period int32
}

// aggregator is one shard of customers.
type aggregator struct {
	period Unit
	custs  chunked[custAgg]
	meta   chunked[custMeta]
	// Canonical numeric ids (no leading zeros) that are dense enough skip the
	// hash table: id>>denseShift indexes pages of customer index+1 (0 = not
	// seen). Pages are allocated on demand while they stay dense; a page
	// refused once (sparse ids) stays refused, so its ids always hash.
	denseShift uint // log2 of the number of shards
	pages      []*densePage
	densePages int
	idPos      chunked[uint64] // per customer: arena offset<<16 | length; only filled for string ids
	arena      []byte          // bytes of string ids
	slots      []slot          // open-addressed table; nil until a non-dense id comes
	shift      uint
	hashBits   uint // initial table size
	hashed     int  // customers in the table
	// Distinct periods of customers whose rows arrive out of time order are
	// recounted from (customer, period) pairs: either a log of every row,
	// kept when the input cannot be read twice, or the pairs of just those
	// customers, collected by a second pass over a seekable input.
	keepLog bool
	log     chunked[rowRef]
	recount []uint64
}

// slot holds the key next to the index so a probe touches one cache line.
type slot struct {
	key uint64 // 0 = empty (packed numeric keys carry their length, so are never 0)
	idx uint32
}

// chunked is an append-only slice in fixed chunks: growing it never copies,
// which matters at a million customers and millions of rows.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkBits = 16

func (c *chunked[T]) at(i int) *T { return &c.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

func (c *chunked[T]) push(v T) {
	if c.n>>chunkBits == len(c.chunks) {
		c.chunks = append(c.chunks, make([]T, 1<<chunkBits))
	}
	*c.at(c.n) = v
	c.n++
}

// each calls fn on every element in order.
func (c *chunked[T]) each(fn func(*T)) {
	for k, ch := range c.chunks {
		for i := range min(len(ch), c.n-k<<chunkBits) {
			fn(&ch[i])
		}
	}
}

func newAggregator(period Unit, expectedCustomers int, keepLog bool) *aggregator {
	return newShard(period, expectedCustomers, keepLog, 1)
}

// newShard is newAggregator for shard k of n: it receives the ids that
// shardOf(key, n) == k, so dense ids are indexed by id/n. n is a power of two
// (see shardCount), so no division is needed per row.
func newShard(period Unit, expectedCustomers int, keepLog bool, n int) *aggregator {
	a := &aggregator{period: period, keepLog: keepLog}
	for 1<<a.denseShift < n {
		a.denseShift++
	}
	bits := uint(10)
	for (1<<bits)/2 < expectedCustomers {
		bits++
	}
	a.hashBits = bits // the table is allocated on the first id that needs it
	return a
}

func (a *aggregator) initSlots() {
	a.slots = make([]slot, 1<<a.hashBits)
	a.shift = 64 - a.hashBits
}

func (a *aggregator) len() int { return a.custs.n }

// mix64 is the splitmix64 finaliser: cheap and good enough to spread packed
// numeric ids (which are sequential) over the table and the shards.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

const stringKeyBit = 1 << 63

const (
	densePageBits = 12
	densePageSize = 1 << densePageBits
	maxDensePages = 1 << 20 // ids/n below 2^32
)

type densePage [densePageSize]uint32

// refusedPage marks a page whose ids go through the hash table.
var refusedPage = new(densePage)

var pow10u = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17}

// denseValue returns the numeric value of a packed canonical id (decimal
// digits without leading zeros), or ok = false.
func denseValue(key uint64) (uint64, bool) {
	if key&stringKeyBit != 0 {
		return 0, false
	}
	n := key >> 57
	v := key & (1<<57 - 1)
	return v, n == 1 || v >= pow10u[n-1]
}

// shardOf routes a customer key to one of n shards: canonical numeric ids by
// value, so each shard's ids are dense; the rest by hash.
func shardOf(key uint64, n uint64) uint64 {
	if v, ok := denseValue(key); ok {
		return v & (n - 1)
	}
	return mix64(key) & (n - 1)
}

// shardCount is the largest power of two <= workers.
func shardCount(workers int) int {
	n := 1
	for n*2 <= workers {
		n *= 2
	}
	return n
}

// denseEntry returns the index entry for key, or nil if key is not dense.
// With alloc, a missing page is created if the ids stay dense enough.
func (a *aggregator) denseEntry(key uint64, alloc bool) *uint32 {
	v, ok := denseValue(key)
	if !ok {
		return nil
	}
	v >>= a.denseShift
	pg := v >> densePageBits
	if pg >= maxDensePages {
		return nil
	}
	if pg >= uint64(len(a.pages)) {
		if !alloc {
			return nil
		}
		a.pages = append(a.pages, make([]*densePage, int(pg)+1-len(a.pages))...)
	}
	p := a.pages[pg]
	if p == nil {
		if !alloc {
			return nil
		}
		// Allow 2^20 index slots (4 MB) plus four per customer: any id
		// order for a million customers, bounded memory for sparse ids.
		if (a.densePages+1)*densePageSize > 4*a.custs.n+1<<20 {
			p = refusedPage
		} else {
			p = new(densePage)
			a.densePages++
		}
		a.pages[pg] = p
	}
	if p == refusedPage {
		return nil
	}
	return &p[v&(densePageSize-1)]
}

// denseAddr is the address of key's index entry if its page exists, for prefetching.
func (a *aggregator) denseAddr(key uint64) unsafe.Pointer {
	v, ok := denseValue(key)
	if !ok {
		return nil
	}
	v >>= a.denseShift
	pg := v >> densePageBits
	if pg >= uint64(len(a.pages)) {
		return nil
	}
	p := a.pages[pg]
	if p == nil || p == refusedPage {
		return nil
	}
	return unsafe.Pointer(&p[v&(densePageSize-1)])
}

var idSeed = maphash.MakeSeed()

// customerKey packs an id of 1–17 decimal digits (leading zeros kept via the
// length) into a uint64; any other id is hashed and flagged with the top bit.
func customerKey(id []byte) uint64 {
	if n := len(id); n > 0 && n <= 17 {
		var v uint64
		for _, c := range id {
			d := c - '0'
			if d > 9 {
				goto hashed
			}
			v = v*10 + uint64(d)
		}
		return v | uint64(n)<<57
	}
hashed:
	return maphash.Bytes(idSeed, id) | stringKeyBit
}

// appendNumericID reverses customerKey for packed numeric ids.
func appendNumericID(dst []byte, key uint64) []byte {
	n := int(key >> 57)
	v := key & (1<<57 - 1)
	var buf [20]byte
	s := strconv.AppendUint(buf[:0], v, 10)
	for i := len(s); i < n; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// add records one purchase of amount in period by customer id (key from
// customerKey). pos orders customers by first appearance.
func (a *aggregator) add(key uint64, id []byte, period int32, amount float64, pos uint64) {
	i, isNew := a.lookup(key, id, pos)
	c := a.custs.at(int(i))
	if a.keepLog {
		a.log.push(rowRef{i, period})
	}
	if isNew {
		c.first, c.last, c.count = period, period, 1
		c.total, c.firstAmt = amount, amount
		return
	}
	switch {
	case period > c.last:
		c.count++
		c.last = period
	case period < c.last:
		c.outOfOrd = true
	}
	switch {
	case period < c.first:
		c.first, c.firstAmt = period, amount
	case period == c.first:
		c.firstAmt += amount
	}
	c.total += amount
}

// lookup finds or inserts the customer, returning its index.
func (a *aggregator) lookup(key uint64, id []byte, pos uint64) (uint32, bool) {
	if e := a.denseEntry(key, true); e != nil {
		if *e != 0 {
			return *e - 1, false
		}
		i := uint32(a.custs.n)
		a.custs.push(custAgg{})
		a.meta.push(custMeta{key: key, firstPos: pos})
		*e = i + 1
		return i, true
	}
	if a.slots == nil {
		a.initSlots()
	}
	mask := uint64(len(a.slots) - 1)
	for s := mix64(key) >> a.shift; ; s = (s + 1) & mask {
		sl := &a.slots[s]
		if sl.key == key && (key&stringKeyBit == 0 || a.sameID(sl.idx, id)) {
			return sl.idx, false
		}
		if sl.key == 0 {
			return a.insert(sl, key, id, pos), true
		}
	}
}

func (a *aggregator) sameID(i uint32, id []byte) bool {
	p := *a.idPos.at(int(i))
	return string(a.arena[p>>16:p>>16+p&0xffff]) == string(id)
}

func (a *aggregator) insert(sl *slot, key uint64, id []byte, pos uint64) uint32 {
	i := uint32(a.custs.n)
	a.custs.push(custAgg{})
	a.meta.push(custMeta{key: key, firstPos: pos})
	if key&stringKeyBit != 0 {
		for a.idPos.n < int(i) { // pad: earlier customers had numeric ids
			a.idPos.push(0)
		}
		a.idPos.push(uint64(len(a.arena))<<16 | uint64(len(id)))
		a.arena = append(a.arena, id...)
	}
	sl.key, sl.idx = key, i
	a.hashed++
	if a.hashed*2 > len(a.slots) {
		a.grow()
	}
	return i
}

// prefetchIndex prefetches key's index entry (dense page or home slot) so
// that a later lookup finds it in cache; the aggregation loop prefetches a
// batch of rows ahead so the cache misses overlap.
func (a *aggregator) prefetchIndex(key uint64) {
	if p := a.denseAddr(key); p != nil {
		prefetch(p)
		return
	}
	if len(a.slots) > 0 {
		prefetch(unsafe.Pointer(&a.slots[mix64(key)>>a.shift]))
	}
}

// prefetchCustomer is prefetchIndex a few rows later: with the index entry in
// cache, it prefetches the customer's record.
func (a *aggregator) prefetchCustomer(key uint64) {
	idx := -1
	if p := a.denseAddr(key); p != nil {
		idx = int(*(*uint32)(p)) - 1
	} else if len(a.slots) > 0 {
		if sl := &a.slots[mix64(key)>>a.shift]; sl.key == key {
			idx = int(sl.idx)
		}
	}
	if idx >= 0 && idx < a.custs.n {
		prefetch(unsafe.Pointer(a.custs.at(idx)))
	}
}

func (a *aggregator) grow() {
	slots := make([]slot, 2*len(a.slots))
	shift := a.shift - 1
	mask := uint64(len(slots) - 1)
	for _, sl := range a.slots {
		if sl.key == 0 {
			continue
		}
		t := mix64(sl.key) >> shift
		for slots[t].key != 0 {
			t = (t + 1) & mask
		}
		slots[t] = sl
	}
	a.slots, a.shift = slots, shift
}

// appendID appends customer i's id.
func (a *aggregator) appendID(dst []byte, i int) []byte {
	key := a.meta.at(i).key
	if key&stringKeyBit == 0 {
		return appendNumericID(dst, key)
	}
	p := *a.idPos.at(i)
	return append(dst, a.arena[p>>16:p>>16+p&0xffff]...)
}

// outOfOrder counts the customers whose rows did not arrive in time order.
func (a *aggregator) outOfOrder() int {
	n := 0
	a.custs.each(func(c *custAgg) {
		if c.outOfOrd {
			n++
		}
	})
	return n
}

// collect is add for the second pass: it records the period of rows of
// out-of-order customers.
func (a *aggregator) collect(key uint64, id []byte, period int32) {
	if v, ok := denseValue(key); ok {
		if pg := v >> a.denseShift >> densePageBits; pg < maxDensePages {
			if pg >= uint64(len(a.pages)) || a.pages[pg] == nil {
				return // never seen: a customer after the calibration end
			}
			if p := a.pages[pg]; p != refusedPage {
				if e := p[v>>a.denseShift&(densePageSize-1)]; e != 0 && a.custs.at(int(e-1)).outOfOrd {
					a.recount = append(a.recount, recountKey(e-1, period))
				}
				return
			}
		}
	}
	if a.slots == nil {
		return // no hashed customers at all
	}
	mask := uint64(len(a.slots) - 1)
	for s := mix64(key) >> a.shift; ; s = (s + 1) & mask {
		sl := &a.slots[s]
		if sl.key == 0 {
			return // a customer after the calibration end
		}
		if sl.key == key && (key&stringKeyBit == 0 || a.sameID(sl.idx, id)) {
			if a.custs.at(int(sl.idx)).outOfOrd {
				a.recount = append(a.recount, recountKey(sl.idx, period))
			}
			return
		}
	}
}

func recountKey(cust uint32, period int32) uint64 {
	return uint64(cust)<<32 | uint64(uint32(period)^1<<31) // sorts by customer, then period
}

// fixOutOfOrder recounts distinct periods for the customers whose rows did
// not arrive in time order, from the row log or the second pass.
func (a *aggregator) fixOutOfOrder() {
	keys := a.recount
	a.log.each(func(r *rowRef) {
		if a.custs.at(int(r.cust)).outOfOrd {
			keys = append(keys, recountKey(r.cust, r.period))
		}
	})
	if len(keys) == 0 {
		return
	}
	slices.Sort(keys)
	for j, k := range keys {
		c := a.custs.at(int(k >> 32))
		if j == 0 || keys[j-1]>>32 != k>>32 {
			c.count = 0
		}
		if j == 0 || keys[j-1] != k {
			c.count++
		}
	}
}

// release drops what is only needed while reading, so the memory can be
// reused before fitting.
func (a *aggregator) release() {
	a.slots, a.log, a.recount, a.pages = nil, chunked[rowRef]{}, nil, nil
}
