package processlog

// Fresco's own work as an event log: each service-recovery case, follow-up
// and call task is a trace; what happened to it, in words, are its events,
// each with the employee who did it and their role. The activity names are
// what a service manager would write on an index card; the table below is
// the whole of the mapping (docs/event-logs.md lists it).

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/store"
)

// caseActivities names the case_events kinds that are steps of the
// process. Kinds not here (notes, sub-state changes, SLA warnings, people
// added, recurrence alerts, tasks created, merges into the case) are
// bookkeeping, not steps, and are left out.
var caseActivities = map[string]string{
	"opened":             "Case opened",
	"agent_responded":    "Responded to customer",
	"reply_sent":         "Reply e-mailed",
	"customer_replied":   "Customer replied",
	"transferred":        "Handed over",
	"hold_started":       "Put on hold",
	"hold_ended":         "Taken off hold",
	"callback_scheduled": "Callback scheduled",
	"task_completed":     "Task done", // named by the task's kind below
	"gesture_granted":    "Gesture granted",
	"gesture_requested":  "Gesture requested",
	"gesture_approved":   "Gesture approved",
	"gesture_rejected":   "Gesture rejected",
	"sla_breached":       "SLA breached",
	"escalated":          "Escalated",
	"resolved":           "Case resolved",
	"closed":             "Case closed",
	"reopened":           "Case reopened",
	"merged":             "Case merged",
}

// taskActivities name a completed case task by its kind.
var taskActivities = map[string]string{
	"callback":       "Customer called back",
	"follow_through": "Follow-through done",
	"resurvey":       "Re-surveyed",
}

var followUpActivities = map[string]string{
	"created":   "Follow-up opened",
	"contacted": "Customer contacted",
	"closed":    "Follow-up closed",
}

var callTaskActivities = map[string]string{
	"created":   "Call due",
	"done":      "Call made",
	"no_answer": "Call not answered",
	"declined":  "Call declined",
	"skipped":   "Call skipped",
}

// OwnAttributes are the case attributes of Fresco's own log, in the order
// a CSV gives them columns.
var OwnAttributes = []string{"type", "location", "category", "channel", "status"}

// OwnFilter chooses the work that started in [From, To); zero times leave
// that side open.
type OwnFilter struct {
	From, To time.Time
}

// OwnLog streams Fresco's own work as traces: the cases, then the
// follow-ups, then the call tasks that started in f's period. The trace
// passed to each is reused: each copies what it keeps.
func (s *Service) OwnLog(ctx context.Context, actor Actor, f OwnFilter, each func(*eventlog.Trace) error) error {
	if err := mayRead(actor); err != nil {
		return err
	}
	return s.ownLog(ctx, f, func(t *eventlog.Trace, _ time.Time) error { return each(t) })
}

// ownLog is OwnLog without the rights check, passing each trace's start
// too: when its case was opened, its follow-up or call task created.
func (s *Service) ownLog(ctx context.Context, f OwnFilter, each func(t *eventlog.Trace, start time.Time) error) error {
	people, err := s.db.WorkPeople(ctx)
	if err != nil {
		return err
	}
	var t eventlog.Trace
	t.Attrs = map[string]string{}
	return s.db.WorkTrails(ctx, store.WorkFilter{From: f.From, To: f.To}, func(w *store.WorkTrail) error {
		toTrace(w, people, &t)
		if len(t.Events) == 0 {
			return nil
		}
		return each(&t, w.Start)
	})
}

// toTrace fills t from w, reusing t's slices and map.
func toTrace(w *store.WorkTrail, people map[int64]store.WorkPerson, t *eventlog.Trace) {
	id := strconv.FormatInt(w.ID, 10)
	names := caseActivities
	switch w.Kind {
	case store.TrailCase:
		t.Case = "case-" + id
	case store.TrailFollowUp:
		t.Case, names = "follow-up-"+id, followUpActivities
	default:
		t.Case, names = "call-"+id, callTaskActivities
	}
	clear(t.Attrs)
	for k, v := range map[string]string{"type": w.Kind, "location": w.Location, "category": w.Category,
		"channel": w.Source, "status": w.Status} {
		if v != "" {
			t.Attrs[k] = v
		}
	}
	t.Events = t.Events[:0]
	for _, st := range w.Steps {
		name, ok := names[st.What]
		if !ok {
			continue
		}
		if st.What == "task_completed" && w.Kind == store.TrailCase {
			name = taskActivity(st.Body)
		}
		resource, role := who(st.Actor, people)
		t.Events = append(t.Events, eventlog.Event{Activity: name, Time: st.At, Resource: resource, Role: role, Lifecycle: "complete"})
	}
}

func taskActivity(body string) string {
	var b struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal([]byte(body), &b) // a body without a kind is a plain "Task done"
	if name, ok := taskActivities[b.Kind]; ok {
		return name
	}
	return caseActivities["task_completed"]
}

// The roles of the own log's events nobody on the staff did: the
// customer's own (a reply) and Fresco's (an SLA breach, an automatic
// close). Handovers of work are counted between the others.
const (
	RoleCustomer = "customer"
	RoleSystem   = "system"
)

// who names an actor as a resource and a role: an employee by name and
// role; anyone else by an id-free label.
func who(actor string, people map[int64]store.WorkPerson) (resource, role string) {
	kind, rest, _ := strings.Cut(actor, ":")
	switch kind {
	case "":
		return "", ""
	case "employee":
		id, err := strconv.ParseInt(rest, 10, 64)
		if p, ok := people[id]; err == nil && ok {
			return p.Name, p.Role
		}
		return "Former employee", "employee"
	case "token":
		return "API client", "api"
	case "customer":
		return "Customer", RoleCustomer
	}
	return "Fresco", RoleSystem
}
