package value

import (
	"maps"
	"slices"
)

// The views are cached and shared by every request of a refit (cache.go);
// each caller gets a deep copy, so that a caller that edits what it was
// given cannot change what the next request sees. The copies are a few
// dozen small allocations, nothing next to one query. nil stays nil and
// empty stays empty: the JSON shows null and [] differently.

func (s *Summary) clone() *Summary {
	c := *s
	if s.ComputedAt != nil {
		at := *s.ComputedAt
		c.ComputedAt = &at
	}
	c.Distribution = slices.Clone(s.Distribution)
	c.Fits = slices.Clone(s.Fits)
	for i := range c.Fits {
		c.Fits[i] = c.Fits[i].clone()
	}
	return &c
}

func (f FitInfo) clone() FitInfo {
	f.Params = maps.Clone(f.Params)
	if f.Detail != nil {
		f.Detail = cloneJSON(f.Detail).(map[string]any)
	}
	return f
}

// cloneJSON deep-copies a value decoded from JSON into an any: objects,
// arrays and scalars (which are immutable).
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = cloneJSON(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneJSON(x)
		}
		return out
	}
	return v
}

func (p *Pareto) clone() *Pareto {
	c := *p
	c.Curve = slices.Clone(p.Curve)
	return &c
}

func (t *SegmentTable) clone() *SegmentTable {
	return &SegmentTable{Segments: slices.Clone(t.Segments), Flags: slices.Clone(t.Flags)}
}
