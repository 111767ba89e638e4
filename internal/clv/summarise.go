package clv

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"sync"
	"time"
	"unsafe"
)

// Transaction is one purchase by one customer.
type Transaction struct {
	CustomerID string
	At         time.Time // only the calendar date (in At's location) matters
	Amount     float64
}

// Summary is one customer's purchase history in the form the models use.
type Summary struct {
	CustomerID string
	// Frequency (x) is the number of repeat purchase periods: distinct periods
	// with a purchase, after the first.
	Frequency int
	// Recency (t_x) is the time from the first to the last purchase, in the unit.
	Recency float64
	// T is the customer's age: time from the first purchase to the end of the
	// calibration period, in the unit.
	T float64
	// MonetaryValue is the mean value of the repeat purchase periods (the first
	// period excluded), 0 when Frequency is 0. It is what Gamma-Gamma models.
	MonetaryValue float64
}

// Summarise turns a stream of transactions into one Summary per customer, in
// order of first appearance. Purchases in the same period (Options.Period)
// count once and their amounts add up; transactions after
// Options.CalibrationEnd are ignored.
func Summarise(txns iter.Seq[Transaction], opts Options) ([]Summary, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	agg := newAggregator(opts.period(), 1024, true)
	end, hasEnd := calibrationEndDay(opts)
	maxDay := int32(math.MinInt32)
	var n uint64
	for t := range txns {
		n++
		if t.CustomerID == "" {
			return nil, fmt.Errorf("clv: transaction %d has an empty customer id", n)
		}
		if len(t.CustomerID) > maxIDLen {
			return nil, fmt.Errorf("clv: transaction %d: customer id longer than %d bytes", n, maxIDLen)
		}
		if math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0) {
			return nil, fmt.Errorf("clv: transaction %d (customer %s) has amount %v", n, t.CustomerID, t.Amount)
		}
		day := dayOf(t.At)
		if hasEnd && day > end {
			continue
		}
		maxDay = max(maxDay, day)
		id := []byte(t.CustomerID)
		agg.add(customerKey(id), id, periodOf(day, agg.period), t.Amount, n)
	}
	if !hasEnd {
		end = maxDay
	}
	return buildSummaries([]*aggregator{agg}, opts, end), nil
}

// maxIDLen is the longest customer id accepted (the arena stores 16-bit lengths).
const maxIDLen = 1<<16 - 1

// ErrNoCustomers is returned when there is nothing to summarise or fit.
var ErrNoCustomers = errors.New("clv: no customers in the data")

func calibrationEndDay(opts Options) (int32, bool) {
	if opts.CalibrationEnd.IsZero() {
		return 0, false
	}
	return dayOf(opts.CalibrationEnd), true
}

// buildSummaries merges the shards' customers in order of first appearance.
// The merge order and each shard's id bytes are worked out side by side, then
// each shard fills its customers' slots of the result, so only the merge is
// serial.
func buildSummaries(shards []*aggregator, opts Options, endDay int32) []Summary {
	total := 0
	for _, a := range shards {
		a.fixOutOfOrder()
		a.release() // the table is no longer needed; let its memory be reused
		total += a.len()
	}
	arenas := make([][]byte, len(shards))
	ends := make([][]uint32, len(shards))
	var order []uint32
	var wg sync.WaitGroup
	wg.Go(func() { order = mergeByFirstPos(shards, total) })
	for s, a := range shards {
		wg.Go(func() { arenas[s], ends[s] = a.idArena() })
	}
	wg.Wait()
	// The arenas are never written again, so the ids can share them.
	all := make([]string, len(shards))
	for s, b := range arenas {
		all[s] = unsafe.String(unsafe.SliceData(b), len(b))
	}
	scale := float64(opts.period()) / float64(opts.unit())
	endPeriod := periodOf(endDay, opts.period())
	out := make([]Summary, total)
	// Split by output range, not by shard, so that no two goroutines write
	// to the same cache lines.
	parallelFor(total, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			sh, i := order[k]>>orderShardShift, order[k]&(1<<orderShardShift-1)
			c := shards[sh].custs.at(int(i))
			e := ends[sh]
			start := uint32(0)
			if i > 0 {
				start = e[i-1]
			}
			o := &out[k]
			o.CustomerID = all[sh][start:e[i]]
			o.Frequency = int(c.count) - 1
			o.Recency = float64(c.last-c.first) * scale
			o.T = float64(endPeriod-c.first) * scale
			if o.Frequency > 0 {
				o.MonetaryValue = (c.total - c.firstAmt) / float64(o.Frequency)
			}
		}
	})
	return out
}

// orderShardShift packs a shard number (up to 8 shards) and a customer index
// within the shard into one uint32.
const orderShardShift = 29

// mergeByFirstPos interleaves the shards' customer lists (each already in
// first-appearance order) into one list in global first-appearance order,
// each entry shard<<orderShardShift | index.
func mergeByFirstPos(shards []*aggregator, total int) []uint32 {
	order := make([]uint32, 0, total)
	next := make([]int, len(shards))
	for len(order) < total {
		best, bestPos := -1, uint64(0)
		for s, a := range shards {
			if next[s] < a.len() {
				if p := a.meta.at(next[s]).firstPos; best < 0 || p < bestPos {
					best, bestPos = s, p
				}
			}
		}
		order = append(order, uint32(best)<<orderShardShift|uint32(next[best]))
		next[best]++
	}
	return order
}

// idArena writes every customer's id into one buffer, returning it and the
// end offset of each id.
func (a *aggregator) idArena() ([]byte, []uint32) {
	size := 0
	for i := range a.len() {
		key := a.meta.at(i).key
		if key&stringKeyBit == 0 {
			size += int(key >> 57) // the digits, leading zeros included
		} else {
			size += int(*a.idPos.at(i) & 0xffff)
		}
	}
	arena := make([]byte, 0, size)
	ends := make([]uint32, a.len())
	for i := range a.len() {
		arena = a.appendID(arena, i)
		ends[i] = uint32(len(arena))
	}
	return arena, ends
}
