// Package recommend is the engine of Fresco's suggestions ("customers who
// bought what you bought also bought…"): models trained on who bought which
// item, a k-anonymity floor on item pairs, scoring that leaves out what a
// customer owns, and the offline evaluation of `fresco recommend eval`.
// It is a pure engine: it knows customers and items only as indexes, and
// neither reads a database nor serves HTTP (internal/suggestions does).
package recommend

import (
	"cmp"
	"fmt"
	"slices"
)

// Matrix is who bought what: for each customer, the distinct items they
// bought (indexes below Items, any order).
type Matrix struct {
	Items int
	Users [][]int32
}

// Model is what Fresco serves: for each item j, its neighbours — the items
// i that owning j suggests, with the weight j adds to i's score — and the
// items by number of buyers. Every model (EASE, item kNN, popularity) comes
// to this one form, so that evaluation scores exactly what is served.
type Model struct {
	Name  string
	Items int
	// Neighbours of item j are To[Start[j]:Start[j+1]] with weights W.
	Start []int32
	To    []int32
	W     []float32
	// Popular lists items by distinct buyers, most first (popularity's
	// answer, and a model's description).
	Popular []int32
	// Buyers is the number of distinct customers of each item.
	Buyers []int32
	// PopularOnly: the model suggests its Popular items to everyone.
	PopularOnly bool
}

// Owned is an item a customer bought, with the weight it carries in their
// scores (1, or less when a recency blend ages it).
type Owned struct {
	Item   int32
	Weight float64
}

// Suggestion is an item suggested to a customer, its score and the owned
// item that added most to it: the reason ("because you bought …").
type Suggestion struct {
	Item    int32
	Score   float64
	Because int32
}

// Recommend returns up to n items for a customer who owns owned, best
// first, leaving out owned items and those skip refuses (nil: none). Only
// neighbours suggest: an item no owned item points to is not suggested,
// so every suggestion has its reason. The popularity model suggests its
// most bought items, Because -1.
func (m *Model) Recommend(owned []Owned, n int, skip func(item int32) bool) []Suggestion {
	if n <= 0 {
		return nil
	}
	own := make(map[int32]bool, len(owned))
	for _, o := range owned {
		own[o.Item] = true
	}
	if m.PopularOnly {
		var out []Suggestion
		for _, i := range m.Popular {
			if len(out) == n {
				break
			}
			if !own[i] && (skip == nil || !skip(i)) {
				out = append(out, Suggestion{Item: i, Score: float64(m.Buyers[i]), Because: -1})
			}
		}
		return out
	}
	owned = driving(owned)
	// Dense accumulators: a customer who owns a few hundred items adds a
	// few hundred thousand weights, which a map would make slow.
	score := make([]float64, m.Items)
	best := make([]float64, m.Items)
	because := make([]int32, m.Items)
	for i := range because {
		because[i] = -1
	}
	var touched []int32
	for _, o := range owned {
		if o.Item < 0 || int(o.Item) >= m.Items || o.Weight == 0 {
			continue // weight 0: owned, so never suggested, but suggesting nothing
		}
		for k := m.Start[o.Item]; k < m.Start[o.Item+1]; k++ {
			i, w := m.To[k], float64(m.W[k])*o.Weight
			switch {
			case because[i] < 0:
				touched = append(touched, i)
				best[i], because[i] = w, o.Item
			case w > best[i] || w == best[i] && o.Item < because[i]:
				best[i], because[i] = w, o.Item
			}
			score[i] += w
		}
	}
	// The best n, kept in order as the candidates go by: a customer may
	// have thousands of candidates, and sorting them all costs more than
	// the scoring.
	better := func(a, b Suggestion) bool { return a.Score > b.Score || a.Score == b.Score && a.Item < b.Item }
	top := make([]Suggestion, 0, n)
	for _, i := range touched {
		if score[i] <= 0 || best[i] <= 0 || own[i] {
			continue
		}
		c := Suggestion{Item: i, Score: score[i], Because: because[i]}
		if len(top) == n && !better(c, top[n-1]) {
			continue
		}
		if skip != nil && skip(i) {
			continue
		}
		if len(top) < n {
			top = append(top, c)
		} else {
			top[n-1] = c
		}
		for k := len(top) - 1; k > 0 && better(top[k], top[k-1]); k-- {
			top[k], top[k-1] = top[k-1], top[k]
		}
	}
	return top
}

// MaxDriving is how many owned items at most drive a customer's scores:
// the heaviest (with the recency blend, the most recent). A shop's
// biggest buyers own thousands of items; beyond the few hundred most
// recent, the rest weigh next to nothing and cost the most time.
const MaxDriving = 256

// driving returns the owned items that drive the scores: at most
// MaxDriving of the heaviest, all of owned kept for leaving owned items
// out (their weight set to 0 when they drive nothing).
func driving(owned []Owned) []Owned {
	n := 0
	for _, o := range owned {
		if o.Weight != 0 {
			n++
		}
	}
	if n <= MaxDriving {
		return owned
	}
	byWeight := slices.Clone(owned)
	slices.SortFunc(byWeight, func(a, b Owned) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return cmp.Compare(a.Item, b.Item)
	})
	for i := MaxDriving; i < len(byWeight); i++ {
		byWeight[i].Weight = 0
	}
	return byWeight
}

// Neighbours returns item j's neighbours and weights.
func (m *Model) Neighbours(j int32) ([]int32, []float32) {
	return m.To[m.Start[j]:m.Start[j+1]], m.W[m.Start[j]:m.Start[j+1]]
}

// Validate checks a model's shape, for one read back from storage.
func (m *Model) Validate() error {
	if m.Items < 0 || len(m.Start) != m.Items+1 || len(m.To) != len(m.W) || len(m.Buyers) != m.Items {
		return fmt.Errorf("recommend: malformed model (%d items, %d offsets, %d neighbours, %d weights)", m.Items, len(m.Start), len(m.To), len(m.W))
	}
	if m.Start[0] != 0 || int(m.Start[m.Items]) != len(m.To) {
		return fmt.Errorf("recommend: malformed model: offsets do not span the neighbours")
	}
	for j := range m.Items {
		if m.Start[j] > m.Start[j+1] || int(m.Start[j+1]) > len(m.To) {
			return fmt.Errorf("recommend: malformed model: offsets of item %d", j)
		}
	}
	for _, i := range m.To {
		if i < 0 || int(i) >= m.Items {
			return fmt.Errorf("recommend: malformed model: neighbour %d of %d items", i, m.Items)
		}
	}
	for _, i := range m.Popular {
		if i < 0 || int(i) >= m.Items {
			return fmt.Errorf("recommend: malformed model: popular item %d of %d", i, m.Items)
		}
	}
	return nil
}

// buyers counts each item's distinct buyers and lists items by it.
func buyers(x Matrix) ([]int32, []int32) {
	n := make([]int32, x.Items)
	for _, u := range x.Users {
		for _, i := range u {
			n[i]++
		}
	}
	order := make([]int32, 0, x.Items)
	for i := range x.Items {
		if n[i] > 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(n[b], n[a]) })
	return n, order
}

// Popularity is the model that suggests the most bought items to everyone:
// the baseline the others must beat.
func Popularity(x Matrix) *Model {
	n, order := buyers(x)
	return &Model{Name: "popularity", Items: x.Items, Start: make([]int32, x.Items+1), Buyers: n, Popular: order, PopularOnly: true}
}
