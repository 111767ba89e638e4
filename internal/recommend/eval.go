package recommend

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Bought is one purchase line of an evaluation: a customer bought an item
// at a time. Cancellations, refunds and lines without a customer are the
// reader's to drop.
type Bought struct {
	Customer string
	Item     string
	At       time.Time
}

// EvalOptions set the split and the measure.
type EvalOptions struct {
	TestFrom time.Time // first day of the test period; training is before it
	TestTo   time.Time // last day of the test period, inclusive; zero: to the end
	K        int       // cut-off (0 means 10)
	// HalfLife, when positive, ages owned items: an item last bought
	// HalfLife before the split weighs half (the recency blend).
	HalfLife time.Duration
}

// Score is recall@k and NDCG@k averaged over the scored customers.
type Score struct {
	Recall float64 `json:"recall_at_k"`
	NDCG   float64 `json:"ndcg_at_k"`
}

// Split is the data of an evaluation: the training matrix and, for each
// scored customer, what they owned and the new items they went on to buy.
type Split struct {
	Train    Matrix
	Items    []string // item index → item name
	Scored   []Case
	opt      EvalOptions
	trainEnd time.Time
}

// Case is one scored customer.
type Case struct {
	Customer string
	Owned    []Owned
	Relevant map[int32]bool // items bought in the test period, sold in training, not owned
}

// NewSplit builds the split: training is every line before TestFrom; the
// scored customers bought in both periods and bought in the test period at
// least one item they had not bought before and that was sold in training.
func NewSplit(lines []Bought, o EvalOptions) (*Split, error) {
	if o.TestFrom.IsZero() {
		return nil, fmt.Errorf("test-from: is required")
	}
	if !o.TestTo.IsZero() && o.TestTo.Before(o.TestFrom) {
		return nil, fmt.Errorf("test-to: %s is before test-from %s", o.TestTo.Format(time.DateOnly), o.TestFrom.Format(time.DateOnly))
	}
	if o.K == 0 {
		o.K = 10
	}
	if o.K < 0 {
		return nil, fmt.Errorf("k: must be positive")
	}
	end := time.Time{}
	if !o.TestTo.IsZero() {
		end = o.TestTo.AddDate(0, 0, 1)
	}
	s := &Split{opt: o, trainEnd: o.TestFrom}
	item := map[string]int32{}
	user := map[string]int{}
	var names []string
	last := []map[int32]time.Time{} // user → item → last bought in training
	for _, l := range lines {
		if !l.At.Before(o.TestFrom) {
			continue
		}
		i, ok := item[l.Item]
		if !ok {
			i = int32(len(s.Items))
			item[l.Item] = i
			s.Items = append(s.Items, l.Item)
		}
		u, ok := user[l.Customer]
		if !ok {
			u = len(names)
			user[l.Customer] = u
			names = append(names, l.Customer)
			last = append(last, map[int32]time.Time{})
		}
		if t, ok := last[u][i]; !ok || l.At.After(t) {
			last[u][i] = l.At
		}
	}
	s.Train = Matrix{Items: len(s.Items), Users: make([][]int32, len(names))}
	for u, m := range last {
		for i := range m {
			s.Train.Users[u] = append(s.Train.Users[u], i)
		}
		slices.Sort(s.Train.Users[u])
	}
	relevant := map[int]map[int32]bool{}
	for _, l := range lines {
		if l.At.Before(o.TestFrom) || !end.IsZero() && !l.At.Before(end) {
			continue
		}
		u, ok := user[l.Customer]
		i, sold := item[l.Item]
		if !ok || !sold {
			continue
		}
		if _, owned := last[u][i]; owned {
			continue
		}
		if relevant[u] == nil {
			relevant[u] = map[int32]bool{}
		}
		relevant[u][i] = true
	}
	for u, name := range names {
		rel := relevant[u]
		if len(rel) == 0 {
			continue
		}
		c := Case{Customer: name, Relevant: rel}
		for _, i := range s.Train.Users[u] {
			c.Owned = append(c.Owned, Owned{Item: i, Weight: s.weight(last[u][i])})
		}
		s.Scored = append(s.Scored, c)
	}
	return s, nil
}

// weight is an owned item's weight under the recency blend.
func (s *Split) weight(at time.Time) float64 {
	if s.opt.HalfLife <= 0 {
		return 1
	}
	return Decay(s.trainEnd.Sub(at), s.opt.HalfLife)
}

// Evaluate scores m on the split's customers.
func (s *Split) Evaluate(m *Model) Score {
	var sc Score
	if len(s.Scored) == 0 {
		return sc
	}
	k := s.opt.K
	for _, c := range s.Scored {
		got := m.Recommend(c.Owned, k, nil)
		var hits int
		var dcg float64
		for r, g := range got {
			if c.Relevant[g.Item] {
				hits++
				dcg += 1 / math.Log2(float64(r)+2)
			}
		}
		ideal := min(len(c.Relevant), k)
		var idcg float64
		for r := range ideal {
			idcg += 1 / math.Log2(float64(r)+2)
		}
		sc.Recall += float64(hits) / float64(ideal)
		sc.NDCG += dcg / idcg
	}
	sc.Recall /= float64(len(s.Scored))
	sc.NDCG /= float64(len(s.Scored))
	return sc
}

// Decay is the recency blend's weight of an item bought age ago:
// 2^(−age / halfLife).
func Decay(age, halfLife time.Duration) float64 {
	return math.Exp2(-float64(age) / float64(halfLife))
}
