package mining

import (
	"sort"
	"strings"
	"unsafe"
)

// Variant is one activity sequence and the cases that followed it.
type Variant struct {
	Activities []string
	Count      int
	Share      float64  // Count / cases in the log
	CaseIDs    []string // in file order
}

// Key is the variant as PM4Py writes it: activities joined by ",".
func (v Variant) Key() string { return strings.Join(v.Activities, ",") }

// variantGroups groups case indexes by activity sequence, in order of first appearance
// (worked out once per Log).
func (l *Log) variantGroups() [][]int {
	l.variantsOnce.Do(func() { l.variants = l.groupVariants() })
	return l.variants
}

func (l *Log) groupVariants() [][]int {
	index := map[string]int{}
	var groups [][]int
	for i, seq := range l.seqs {
		var key string
		if len(seq) > 0 {
			key = unsafe.String((*byte)(unsafe.Pointer(&seq[0])), 4*len(seq)) // the ids' bytes; seq is never changed
		}
		g, ok := index[key]
		if !ok {
			g = len(groups)
			index[key] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// Variants lists the variants by count descending; ties by the activity sequence compared
// activity by activity. top > 0 keeps only the first top.
func (l *Log) Variants(top int) []Variant {
	groups := l.variantGroups()
	out := make([]Variant, len(groups))
	for g, cases := range groups {
		seq := l.seqs[cases[0]]
		acts := make([]string, len(seq))
		for j, a := range seq {
			acts[j] = l.names[a]
		}
		ids := make([]string, len(cases))
		for k, i := range cases {
			ids[k] = l.Cases[i].Case
		}
		out[g] = Variant{Activities: acts, Count: len(cases), Share: float64(len(cases)) / float64(len(l.Cases)), CaseIDs: ids}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		a, b := out[i].Activities, out[j].Activities
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}
