package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// Mining an event log (package mining over processlog.Mine): the
// directly-follows graph, the variants and the size of a stored log, or of
// Fresco's own work when the id is "own".

// MiningParams choose the log to mine and filter it.
type MiningParams struct {
	ID            string   `path:"id" doc:"A stored log's id, or own for Fresco's own work (cases, follow-ups, call tasks)."`
	From          string   `query:"from" doc:"Keep the cases with an event on or after this day (YYYY-MM-DD) or time (RFC 3339)."`
	To            string   `query:"to" doc:"Keep the cases with an event on or before this day (the whole day) or time."`
	Where         []string `query:"where" doc:"Keep the cases whose attribute has the value, attribute:value (location:Harbour); repeat to require several."`
	BusinessHours string   `query:"business_hours" doc:"Also measure waits in business hours, Monday to Friday, HH:MM-HH:MM (09:00-17:00)."`
	TZ            string   `query:"tz" doc:"The time zone of business_hours (IANA name); UTC when omitted."`
}

func (s *Server) mineQuery(ctx context.Context, in *MiningParams) (*processlog.Mined, error) {
	q, err := miningQuery(in)
	if err != nil {
		return nil, err
	}
	return s.processlog.Mine(ctx, staffActor(ctx), q)
}

// miningQuery reads the path and query parameters into a processlog.Query.
func miningQuery(in *MiningParams) (processlog.Query, error) {
	var v fresco.Validation
	q := processlog.Query{Where: in.Where, BusinessHours: strings.TrimSpace(in.BusinessHours), TZ: strings.TrimSpace(in.TZ)}
	if in.ID == "own" {
		q.Own = true
	} else if id, err := strconv.ParseInt(in.ID, 10, 64); err != nil || id < 1 {
		v.Add("id", "%q: want a stored log's id or own", in.ID)
	} else {
		q.ID = id
	}
	q.From = parseTimeParam(&v, "from", in.From, false)
	if to := parseTimeParam(&v, "to", in.To, true); !to.IsZero() {
		if len(strings.TrimSpace(in.To)) == len("2006-01-02") {
			to = to.Add(-time.Nanosecond)
		}
		q.To = to
	}
	return q, v.Err()
}

// MiningDFG is the directly-follows graph of a log, as `fresco process dfg --json` prints it.
type MiningDFG struct {
	Arcs            []MiningArc    `json:"arcs"`
	StartActivities map[string]int `json:"start_activities" doc:"Cases starting with each activity."`
	EndActivities   map[string]int `json:"end_activities" doc:"Cases ending with each activity."`
	Activities      map[string]int `json:"activities" doc:"Events per activity."`
}

// MiningArc is one arc: to came right after from, count times.
type MiningArc struct {
	From                string   `json:"from"`
	To                  string   `json:"to"`
	Count               int      `json:"count"`
	Cases               int      `json:"cases" doc:"Cases in which the pair occurs."`
	MedianWaitS         *float64 `json:"median_wait_s" doc:"Median wait in seconds, wall clock; null when no pair had times."`
	P90WaitS            *float64 `json:"p90_wait_s"`
	MeanWaitS           *float64 `json:"mean_wait_s"`
	BusinessMedianWaitS *float64 `json:"business_median_wait_s,omitempty" doc:"With business_hours only."`
	BusinessP90WaitS    *float64 `json:"business_p90_wait_s,omitempty"`
}

func (s *Server) miningDFG(ctx context.Context, in *MiningParams) (*One[MiningDFG], error) {
	m, err := s.mineQuery(ctx, in)
	if err != nil {
		return nil, err
	}
	g := m.Log.DFG(m.DFG)
	out := MiningDFG{Arcs: make([]MiningArc, len(g.Arcs)), StartActivities: g.Start, EndActivities: g.End, Activities: g.Activities}
	for i, a := range g.Arcs {
		out.Arcs[i] = MiningArc{From: a.From, To: a.To, Count: a.Count, Cases: a.Cases, MedianWaitS: a.MedianWaitS, P90WaitS: a.P90WaitS,
			MeanWaitS: a.MeanWaitS, BusinessMedianWaitS: a.BusinessMedianS, BusinessP90WaitS: a.BusinessP90S}
	}
	return &One[MiningDFG]{Body: out}, nil
}

type miningVariantsInput struct {
	MiningParams
	Top int `query:"top" minimum:"0" maximum:"10000" doc:"The most frequent top variants; 0 or omitted: all."`
}

// MiningVariants are a log's variants, most frequent first.
type MiningVariants struct {
	Cases    int             `json:"cases" doc:"Cases in the (filtered) log."`
	Variants []MiningVariant `json:"variants"`
}

// MiningVariant is one activity sequence.
type MiningVariant struct {
	Activities []string `json:"activities"`
	Count      int      `json:"count"`
	Share      float64  `json:"share" doc:"count / cases, 0 to 1."`
}

func (s *Server) miningVariants(ctx context.Context, in *miningVariantsInput) (*One[MiningVariants], error) {
	m, err := s.mineQuery(ctx, &in.MiningParams)
	if err != nil {
		return nil, err
	}
	vs := m.Log.Variants(in.Top)
	out := MiningVariants{Cases: len(m.Log.Cases), Variants: make([]MiningVariant, len(vs))}
	for i, v := range vs {
		out.Variants[i] = MiningVariant{Activities: v.Activities, Count: v.Count, Share: v.Share}
	}
	return &One[MiningVariants]{Body: out}, nil
}

// MiningStats is a log's size and span, as `fresco process stats --json` prints it, with
// the throughput time of its cases.
type MiningStats struct {
	Cases             int        `json:"cases"`
	Events            int        `json:"events"`
	Activities        int        `json:"activities"`
	Variants          int        `json:"variants"`
	Start             *time.Time `json:"start" doc:"The first event time; null when none has one."`
	End               *time.Time `json:"end"`
	MedianThroughputS *float64   `json:"median_throughput_s" doc:"Median time from a case's first event to its last, seconds."`
	P90ThroughputS    *float64   `json:"p90_throughput_s"`
}

func (s *Server) miningStats(ctx context.Context, in *MiningParams) (*One[MiningStats], error) {
	m, err := s.mineQuery(ctx, in)
	if err != nil {
		return nil, err
	}
	st := m.Log.Stats()
	out := MiningStats{Cases: st.Cases, Events: st.Events, Activities: st.Activities, Variants: st.Variants}
	if !st.Start.IsZero() {
		a, b := st.Start.UTC(), st.End.UTC()
		out.Start, out.End = &a, &b
	}
	if tp := m.Log.Throughput(); tp.Summary.N > 0 {
		med, p90 := tp.Summary.Median, tp.Summary.P90
		out.MedianThroughputS, out.P90ThroughputS = &med, &p90
	}
	return &One[MiningStats]{Body: out}, nil
}
