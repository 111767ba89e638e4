package stats

import (
	"cmp"
	"fmt"
	"slices"
)

// DefaultMinN is the smallest number of answers a group needs before it is
// ranked. Below it an employee's or location's NPS is mostly noise (the 95%
// interval at n = 30 is still roughly ±30 points) and ranking it would be
// unfair to the people behind it.
const DefaultMinN = 30

// HiddenInsufficientN is the reason given for a group that is not ranked.
const HiddenInsufficientN = "insufficient n"

// Group is one thing to rank: an employee, a location, a post, a segment.
type Group struct {
	Key   string `json:"key"`
	Tally Tally  `json:"tally"`
}

// RankedGroup is one row of a ranking. Hidden rows carry only the key, n
// and the reason, never a score: showing the score of a group too small to
// rank would invite exactly the comparison the threshold exists to prevent.
type RankedGroup struct {
	Key string `json:"key"`
	N   int    `json:"n"`
	// Rank is 1-based; ties share a rank ("1, 2, 2, 4"). 0 when hidden.
	Rank         int        `json:"rank,omitempty"`
	Hidden       bool       `json:"hidden"`
	HiddenReason string     `json:"hidden_reason,omitempty"`
	Result       *NPSResult `json:"result,omitempty"`
}

// Rank orders groups by NPS, best first, after setting aside every group
// with fewer than minN answers (minN ≤ 0 means [DefaultMinN]). Ranked rows
// come first; hidden rows follow in key order. Ties in NPS share a rank and
// are listed by key so the output is deterministic.
func Rank(groups []Group, minN int, confidence float64) ([]RankedGroup, error) {
	if minN <= 0 {
		minN = DefaultMinN
	}
	var ranked, hidden []RankedGroup
	for _, g := range groups {
		if g.Tally.N() < minN {
			hidden = append(hidden, RankedGroup{Key: g.Key, N: g.Tally.N(), Hidden: true, HiddenReason: HiddenInsufficientN})
			continue
		}
		r, err := NPS(g.Tally, confidence)
		if err != nil {
			return nil, fmt.Errorf("stats: group %q: %w", g.Key, err)
		}
		ranked = append(ranked, RankedGroup{Key: g.Key, N: r.N, Result: &r})
	}
	slices.SortFunc(ranked, func(a, b RankedGroup) int {
		return cmp.Or(cmp.Compare(b.Result.NPS, a.Result.NPS), cmp.Compare(a.Key, b.Key))
	})
	for i := range ranked {
		if i > 0 && ranked[i].Result.NPS == ranked[i-1].Result.NPS {
			ranked[i].Rank = ranked[i-1].Rank
		} else {
			ranked[i].Rank = i + 1
		}
	}
	slices.SortFunc(hidden, func(a, b RankedGroup) int { return cmp.Compare(a.Key, b.Key) })
	return append(ranked, hidden...), nil
}
