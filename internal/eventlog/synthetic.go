package eventlog

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// synthStep is one activity of the synthetic service process and where it may go next.
type synthStep struct {
	activity, role string
	next           []string
	weights        []float64
	meanWait       time.Duration // mean wait before this activity
}

// synthProcess is a complaint-to-resolution process with branches, a loop and rework.
var synthProcess = map[string]synthStep{
	"Register complaint": {"Register complaint", "front desk", []string{"Triage"}, []float64{1}, 0},
	"Triage":             {"Triage", "front desk", []string{"Call customer", "Escalate", "Send apology"}, []float64{0.6, 0.25, 0.15}, 2 * time.Hour},
	"Escalate":           {"Escalate", "supervisor", []string{"Call customer", "Offer gesture"}, []float64{0.5, 0.5}, 6 * time.Hour},
	"Call customer":      {"Call customer", "agent", []string{"Offer gesture", "Resolve", "Call customer"}, []float64{0.3, 0.55, 0.15}, 4 * time.Hour},
	"Send apology":       {"Send apology", "agent", []string{"Resolve"}, []float64{1}, time.Hour},
	"Offer gesture":      {"Offer gesture", "supervisor", []string{"Resolve", "Triage"}, []float64{0.85, 0.15}, 3 * time.Hour},
	"Resolve":            {"Resolve", "agent", []string{"Close", "Reopen"}, []float64{0.9, 0.1}, 30 * time.Minute},
	"Reopen":             {"Reopen", "front desk", []string{"Call customer"}, []float64{1}, 48 * time.Hour},
	"Close":              {"Close", "agent", nil, nil, 24 * time.Hour},
}

// WriteSyntheticXES writes a generated XES log of about events events (whole cases, at
// least events) of a complaint-to-resolution process: branches, a loop, reopened cases,
// 60 resources in four roles, a "region" case attribute and lifecycle "complete" on every
// event. The same seed gives the same log. It is what the benchmarks read.
func WriteSyntheticXES(w io.Writer, events int, seed uint64) (cases, written int, err error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	xw := NewXESWriter(w, "synthetic complaints")
	regions := []string{"north", "south", "east", "west"}
	roleResources := map[string][]string{}
	for i := 0; i < 60; i++ {
		role := []string{"front desk", "agent", "agent", "supervisor"}[i%4]
		roleResources[role] = append(roleResources[role], fmt.Sprintf("emp%02d", i))
	}
	t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	var tr Trace
	for written < events {
		cases++
		t := t0.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		tr = Trace{Case: fmt.Sprintf("case-%d", cases), Attrs: map[string]string{"region": regions[rng.IntN(len(regions))]},
			Events: tr.Events[:0]}
		act := "Register complaint"
		for steps := 0; act != "" && steps < 40; steps++ {
			st := synthProcess[act]
			t = t.Add(time.Duration(rng.ExpFloat64() * float64(st.meanWait)))
			t = t.Truncate(time.Millisecond)
			res := roleResources[st.role]
			tr.Events = append(tr.Events, Event{Activity: act, Time: t, Resource: res[rng.IntN(len(res))], Role: st.role,
				Lifecycle: "complete"})
			written++
			act = ""
			if len(st.next) > 0 {
				u, acc := rng.Float64(), 0.0
				for i, p := range st.weights {
					acc += p
					if u < acc || i == len(st.weights)-1 {
						act = st.next[i]
						break
					}
				}
			}
		}
		if err := xw.Write(&tr); err != nil {
			return cases, written, err
		}
	}
	return cases, written, xw.Close()
}
