package recovery

import (
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// SourceCount is how many closed cases had one root cause.
type SourceCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	// Share is Count ÷ the report's total, 0..1.
	Share float64 `json:"share"`
	// CasesURL is the case list filtered to these cases; the web layer,
	// which knows the list's address, fills it in (CaseLinks).
	CasesURL string `json:"cases_url" doc:"The case list page filtered to the cases behind the count."`
}

// SourceRow is one of the sources of problems in the recovery process, with
// its cases by category.
type SourceRow struct {
	SourceCount
	Categories []SourceCount `json:"categories" doc:"Its cases by category, most first."`
}

// SourceMonth is one calendar month (UTC) of the trend.
type SourceMonth struct {
	Month    string         `json:"month" doc:"YYYY-MM."`
	Total    int            `json:"total"`
	BySource map[string]int `json:"by_source" doc:"Cases closed that month by source; every source is present."`
}

// SourcesReport counts the cases closed in [From, To) by the source of the
// problem in the recovery process (the five of RootCauseSources and
// "none"), by category, and month by month.
type SourcesReport struct {
	From       time.Time     `json:"from"`
	To         time.Time     `json:"to" doc:"Exclusive."`
	Total      int           `json:"total"`
	Sources    []SourceRow   `json:"sources" doc:"Every source, in the order of the closing form."`
	Categories []SourceCount `json:"categories" doc:"All closed cases by category, most first; \"\" is a case closed without one."`
	Months     []SourceMonth `json:"months" doc:"Every month the period touches, oldest first."`
}

// Sources reports the cases closed in [from, to).
func (s *Service) Sources(ctx context.Context, from, to time.Time) (*SourcesReport, error) {
	var v fresco.Validation
	v.Check(to.After(from), "to", "must be after from")
	if err := v.Err(); err != nil {
		return nil, err
	}
	causes, err := s.db.ClosedCaseCauseCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	r := &SourcesReport{From: from.UTC(), To: to.UTC()}
	bySource := map[string]map[string]int{}
	byCategory := map[string]int{}
	months := map[string]*SourceMonth{}
	for m := monthStart(from); m.Before(to); m = m.AddDate(0, 1, 0) {
		sm := &SourceMonth{Month: m.Format("2006-01"), BySource: map[string]int{}}
		for _, src := range RootCauseSources {
			sm.BySource[src] = 0
		}
		months[sm.Month] = sm
		r.Months = append(r.Months, *sm)
	}
	for _, c := range causes {
		if bySource[c.Source] == nil {
			bySource[c.Source] = map[string]int{}
		}
		r.Total += c.Cases
		bySource[c.Source][c.Category] += c.Cases
		byCategory[c.Category] += c.Cases
		if sm := months[c.Month]; sm != nil {
			sm.Total += c.Cases
			sm.BySource[c.Source] += c.Cases
		}
	}
	for i := range r.Months {
		r.Months[i] = *months[r.Months[i].Month]
	}
	sources := slices.Clone(RootCauseSources)
	for src := range bySource { // closed before the list had it, or by hand
		if !slices.Contains(sources, src) {
			sources = append(sources, src)
		}
	}
	for _, src := range sources {
		cats := counts(bySource[src], 0)
		n := 0
		for _, c := range cats {
			n += c.Count
		}
		for i := range cats {
			cats[i].Share = float64(cats[i].Count) / float64(n)
		}
		r.Sources = append(r.Sources, SourceRow{SourceCount: SourceCount{Key: src, Count: n, Share: share(n, r.Total)}, Categories: cats})
	}
	r.Categories = counts(byCategory, r.Total)
	return r, nil
}

// counts lists a map's counts, most first (then by key), with their share
// of total (none when total is 0).
func counts(m map[string]int, total int) []SourceCount {
	out := make([]SourceCount, 0, len(m))
	for k, n := range m {
		out = append(out, SourceCount{Key: k, Count: n, Share: share(n, total)})
	}
	slices.SortFunc(out, func(a, b SourceCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return out
}

func share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// CaseLinks fills in every count's CasesURL with link(source, category),
// "" standing for any.
func (r *SourcesReport) CaseLinks(link func(source, category string) string) {
	for i := range r.Sources {
		src := &r.Sources[i]
		src.CasesURL = link(src.Key, "")
		for j := range src.Categories {
			src.Categories[j].CasesURL = link(src.Key, src.Categories[j].Key)
		}
	}
	for i := range r.Categories {
		r.Categories[i].CasesURL = link("", r.Categories[i].Key)
	}
}
