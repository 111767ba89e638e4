package clv

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"unsafe"
)

// rfmData is []Summary compressed for the continuous-time likelihoods:
// customers with the same (x, t_x, T) collapse into one weighted tuple, and
// t_x, T become indexes into the table of distinct time values so each
// likelihood evaluation takes log(α+t) once per distinct t, not once per
// customer.
type rfmData struct {
	times []float64 // distinct values of t_x and T

	// Customers with x = 0, whose likelihood depends on T only, one entry per T.
	zeroT []int32
	zeroW []float64

	// Repeat buyers: one entry per unique (x, t_x, T).
	x  []int32
	tx []int32
	tT []int32
	w  []float64

	weightByX []float64 // total weight of customers with each x (index x)
	total     float64   // customers

	pairs *paretoPairIndex // built by the first Pareto/NBD evaluation
}

func (d *rfmData) tuples() int { return len(d.zeroT) + len(d.x) }

// compressRFM validates and compresses summaries, which it walks twice.
// Customers are weighted 1.
func compressRFM(summaries iter.Seq[*Summary]) (*rfmData, error) {
	d := &rfmData{}
	repeat := 0
	for s := range summaries {
		if s.Frequency > 0 {
			repeat++
		}
	}
	d.x, d.tx, d.tT, d.w = make([]int32, 0, repeat), make([]int32, 0, repeat), make([]int32, 0, repeat), make([]float64, 0, repeat)
	// Distinct times are few (hundreds or thousands) and consecutive
	// customers often share T, so a one-entry cache in front of a small
	// open-addressed table beats a Go map.
	times := newU64Index(256)
	lastT, lastI := math.NaN(), int32(0)
	index := func(t float64) int32 {
		if t == lastT {
			return lastI
		}
		i, isNew := times.lookup(math.Float64bits(t), int32(len(d.times)))
		if isNew {
			d.times = append(d.times, t)
		}
		lastT, lastI = t, i
		return i
	}
	zeroByT := []int32{} // time index -> entry+1 in zeroT
	keys := make([]uint64, 0, repeat)
	for s := range summaries {
		if err := checkSummary(s); err != nil {
			return nil, err
		}
		if s.Frequency >= len(d.weightByX) {
			d.weightByX = append(d.weightByX, make([]float64, s.Frequency+1-len(d.weightByX))...)
		}
		d.weightByX[s.Frequency]++
		d.total++
		ti := index(s.T)
		if s.Frequency == 0 {
			for int(ti) >= len(zeroByT) {
				zeroByT = append(zeroByT, 0)
			}
			if k := zeroByT[ti]; k > 0 {
				d.zeroW[k-1]++
				continue
			}
			d.zeroT = append(d.zeroT, ti)
			d.zeroW = append(d.zeroW, 1)
			zeroByT[ti] = int32(len(d.zeroT))
			continue
		}
		xi := index(s.Recency)
		if s.Frequency >= 1<<21 || xi >= 1<<21 || ti >= 1<<21 {
			return nil, fmt.Errorf("clv: too many distinct values to compress (customer %s)", s.CustomerID)
		}
		keys = append(keys, uint64(s.Frequency)<<42|uint64(xi)<<21|uint64(ti))
	}
	// Deduplicate the repeat buyers' tuples in a second pass, prefetching
	// the table a few keys ahead so the cache misses overlap. The table is
	// sized for every key, so it never grows and the prefetched slot is the
	// one the lookup probes first.
	tuples := newTupleIndex(keys, len(d.weightByX)-1, len(d.times))
	for j, key := range keys {
		if j+16 < len(keys) {
			tuples.prefetch(keys[j+16])
		}
		k, isNew := tuples.lookup(key, int32(len(d.x)))
		if !isNew {
			d.w[k]++
			continue
		}
		d.x = append(d.x, int32(key>>42))
		d.tx = append(d.tx, int32(key>>21&(1<<21-1)))
		d.tT = append(d.tT, int32(key&(1<<21-1)))
		d.w = append(d.w, 1)
	}
	if d.total == 0 {
		return nil, ErrNoCustomers
	}
	return d, nil
}

func checkSummary(s *Summary) error {
	bad := func(what string) error {
		return fmt.Errorf("clv: customer %q: %s (frequency %d, recency %v, T %v)", s.CustomerID, what, s.Frequency, s.Recency, s.T)
	}
	switch {
	case s.Frequency < 0:
		return bad("negative frequency")
	case !finite(s.Recency) || !finite(s.T):
		return bad("non-finite recency or T")
	case s.Recency < 0 || s.T < 0:
		return bad("negative recency or T")
	case s.Recency > s.T*(1+1e-9):
		return bad("recency greater than T")
	case s.Frequency > 0 && s.Recency == 0 && s.T == 0:
		return bad("repeat purchases with zero age")
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// u64Index maps uint64 keys to int32 values with open addressing; it is the
// tuple deduplicator, built to take a million keys in a few tens of ms.
type u64Index struct {
	slots []u64Slot // key and value side by side: one cache miss per probe
	shift uint
	n     int
}

type u64Slot struct {
	key uint64 // key+1, 0 = empty
	val int32
}

func newU64Index(hint int) *u64Index {
	bits := uint(8)
	for (1<<bits)/2 < hint {
		bits++
	}
	return &u64Index{slots: make([]u64Slot, 1<<bits), shift: 64 - bits}
}

// lookup returns the value stored for key, or stores v and reports isNew.
func (m *u64Index) lookup(key uint64, v int32) (int32, bool) {
	stored := key + 1
	mask := uint64(len(m.slots) - 1)
	for s := mix64(key) >> m.shift; ; s = (s + 1) & mask {
		sl := &m.slots[s]
		switch sl.key {
		case stored:
			return sl.val, false
		case 0:
			sl.key, sl.val = stored, v
			m.n++
			if m.n*2 > len(m.slots) {
				m.grow()
			}
			return v, true
		}
	}
}

func (m *u64Index) prefetch(key uint64) {
	prefetch(unsafe.Pointer(&m.slots[mix64(key)>>m.shift]))
}

func (m *u64Index) grow() {
	old := m.slots
	m.slots = make([]u64Slot, 2*len(old))
	m.shift--
	mask := uint64(len(m.slots) - 1)
	for _, sl := range old {
		if sl.key == 0 {
			continue
		}
		s := mix64(sl.key-1) >> m.shift
		for m.slots[s].key != 0 {
			s = (s + 1) & mask
		}
		m.slots[s] = sl
	}
}

// tupleIndex deduplicates (x, t_x, T) keys. When x and the time indexes
// are small enough (the usual case: hundreds of distinct x, thousands of
// distinct times) the keys are repacked into 32 bits, which halves the table
// and its cache misses.
type tupleIndex struct {
	wide   *u64Index
	narrow []u32Slot
	shift  uint
	tBits  uint
}

type u32Slot struct {
	key uint32 // packed key+1, 0 = empty
	val int32
}

func newTupleIndex(keys []uint64, maxX, nTimes int) *tupleIndex {
	t := &tupleIndex{}
	xBits, tBits := uint(bits.Len(uint(maxX))), uint(bits.Len(uint(nTimes)))
	if xBits+2*tBits >= 32 {
		t.wide = newU64Index(len(keys))
		return t
	}
	t.tBits = tBits
	b := uint(8)
	for (1<<b)/2 < len(keys) {
		b++
	}
	t.narrow = make([]u32Slot, 1<<b)
	t.shift = 64 - b
	return t
}

// pack32 maps an x<<42 | xi<<21 | ti key to 32 bits.
func (t *tupleIndex) pack32(key uint64) uint32 {
	x, xi, ti := key>>42, key>>21&(1<<21-1), key&(1<<21-1)
	return uint32(x<<(2*t.tBits) | xi<<t.tBits | ti)
}

func (t *tupleIndex) prefetch(key uint64) {
	if t.wide != nil {
		t.wide.prefetch(key)
		return
	}
	prefetch(unsafe.Pointer(&t.narrow[mix64(uint64(t.pack32(key)))>>t.shift]))
}

// lookup is u64Index.lookup; the table is sized for every key up front, so it
// never grows.
func (t *tupleIndex) lookup(key uint64, v int32) (int32, bool) {
	if t.wide != nil {
		return t.wide.lookup(key, v)
	}
	k := t.pack32(key)
	stored := k + 1
	mask := uint64(len(t.narrow) - 1)
	for s := mix64(uint64(k)) >> t.shift; ; s = (s + 1) & mask {
		sl := &t.narrow[s]
		switch sl.key {
		case stored:
			return sl.val, false
		case 0:
			sl.key, sl.val = stored, v
			return v, true
		}
	}
}

// warmStartTuples is the data size above which a fit first runs on a
// subsample: most optimiser iterations happen far from the optimum, where a
// 1-in-k sample of the tuples points the same way at a fraction of the cost.
const warmStartTuples = 100_000

// subsample keeps every k-th repeat-buyer tuple (weight ×k) and all the x = 0
// groups, so that the sample has about target tuples.
func (d *rfmData) subsample(target int) *rfmData {
	k := max(1, len(d.x)/target)
	s := &rfmData{times: d.times, zeroT: d.zeroT, zeroW: d.zeroW}
	s.weightByX = make([]float64, len(d.weightByX))
	for i, w := range d.zeroW {
		_ = i
		s.weightByX[0] += w
		s.total += w
	}
	for i := 0; i < len(d.x); i += k {
		w := d.w[i] * float64(k)
		s.x = append(s.x, d.x[i])
		s.tx = append(s.tx, d.tx[i])
		s.tT = append(s.tT, d.tT[i])
		s.w = append(s.w, w)
		s.weightByX[d.x[i]] += w
		s.total += w
	}
	return s
}
