package value

// Referral values: each customer is credited with the net revenue of
// every customer down their referral chain.

import (
	"slices"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// referral is a customer's referral figures.
type referral struct {
	direct, total int
	value         fresco.Money
}

// referralForest holds the referral figures of everyone who referred
// someone, by id. Only the customers in a referral link are in it — at a
// million customers about a quarter of a million, kept in arrays, not
// maps — so it costs a few megabytes, not a record per customer.
type referralForest struct {
	ids  []int64    // the referrers, ascending
	figs []referral // figs[i] is ids[i]'s
	next int        // lookup's position: the write asks in id order
}

// referralValues credits each referrer with the net revenue of every
// customer down their chain. links are the referred customers (any
// order); revenue comes from the valued customers' inputs and from
// unvalued. Referrers are always earlier customers and the store refuses
// cycles; the visit stamps guard anyway.
func referralValues(inputs *inputList, unvalued map[int64]int64, links []fresco.ReferralLink) *referralForest {
	// The nodes: every customer in a link, ascending.
	nodes := make([]int64, 0, 2*len(links))
	for _, l := range links {
		nodes = append(nodes, l.CustomerID, l.ReferredBy)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	n := len(nodes)
	index := func(id int64) int32 {
		i, _ := slices.BinarySearch(nodes, id)
		return int32(i)
	}
	// Children in compressed rows: first[p]..first[p+1] in kids.
	first := make([]int32, n+1)
	for _, l := range links {
		first[index(l.ReferredBy)+1]++
	}
	for p := range n {
		first[p+1] += first[p]
	}
	kids := make([]int32, len(links))
	fill := slices.Clone(first[:n])
	for _, l := range links {
		p := index(l.ReferredBy)
		kids[fill[p]] = index(l.CustomerID)
		fill[p]++
	}
	fill = nil
	// Net revenue by node: valued customers (in id order, like nodes)
	// merged in, the few others looked up.
	revenue := make([]int64, n)
	for id, r := range unvalued {
		if p, ok := slices.BinarySearch(nodes, id); ok {
			revenue[p] = r
		}
	}
	j := 0
	for _, c := range inputs.all() {
		for j < n && nodes[j] < c.id {
			j++
		}
		if j < n && nodes[j] == c.id {
			revenue[j] = c.revenue
		}
	}
	out := &referralForest{}
	stamp := make([]int32, n)
	var stack []int32
	for root := range int32(n) {
		if first[root+1] == first[root] {
			continue // referred nobody
		}
		mark := root + 1
		stamp[root] = mark
		r := referral{direct: int(first[root+1] - first[root])}
		stack = append(stack[:0], kids[first[root]:first[root+1]]...)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if stamp[c] == mark {
				continue
			}
			stamp[c] = mark
			r.total++
			r.value += fresco.Money(revenue[c])
			stack = append(stack, kids[first[c]:first[c+1]]...)
		}
		out.ids = append(out.ids, nodes[root])
		out.figs = append(out.figs, r)
	}
	return out
}

// of returns id's figures (zero: referred nobody). Asked in ascending
// order of id, as the write does, it walks the referrers once.
func (f *referralForest) of(id int64) referral {
	if f.next > 0 && f.ids[f.next-1] > id { // asked out of order: start again
		f.next = 0
	}
	for f.next < len(f.ids) && f.ids[f.next] < id {
		f.next++
	}
	if f.next < len(f.ids) && f.ids[f.next] == id {
		return f.figs[f.next]
	}
	return referral{}
}
