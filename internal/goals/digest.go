package goals

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// JobDigest sends the week's goals digest. It runs daily at
// Options.DigestHour in the business's zone (one job per slot across
// replicas); the first run of an ISO week sends, and the week's row in
// goal_digests, written in the same transaction, keeps every later run of
// that week (a retry, another replica, tomorrow's slot) from sending again.
const JobDigest = "goals.digest"

// Register installs the digest on q (nothing without a notifier).
func (s *Service) Register(q *jobs.Queue) {
	if s.opts.Notifier == nil {
		return
	}
	q.Register(JobDigest, func(ctx context.Context, job *jobs.Running) error {
		var t jobs.Tick
		if err := job.Decode(&t); err != nil {
			return err
		}
		_, err := s.SendDigest(ctx, t.Slot)
		return err
	})
	q.DailyAtZone(JobDigest, s.opts.DigestHour, 0, func() *time.Location { return s.opts.Zone(context.Background()) })
}

// Week names the ISO week of t in zone: "2026-W49".
func Week(t time.Time, zone *time.Location) string {
	y, w := t.In(zone).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// SendDigest sends the digest of the week holding at (in the business's
// zone), unless it has gone: the owners get every goal, each manager the
// goals of their scope — a location's goals go to its managers (its teams'
// managers, else the managers based there), a team's to its manager — and
// whoever set a goal gets it too. It returns how many notifications it
// made (0 when the week's digest had gone, or there are no goals).
func (s *Service) SendDigest(ctx context.Context, at time.Time) (int, error) {
	if s.opts.Notifier == nil {
		return 0, nil
	}
	week := Week(at, s.opts.Zone(ctx))
	list, err := s.db.Goals(ctx)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	progress, err := s.progressOf(ctx, list)
	if err != nil {
		return 0, err
	}
	sent := 0
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		readers, err := s.readers(ctx, tx, progress)
		if err != nil {
			return err
		}
		groups := groupReaders(readers)
		claimed, err := tx.ClaimGoalDigest(ctx, week, len(groups))
		if err != nil || !claimed {
			return err
		}
		for _, gr := range groups {
			res, err := s.opts.Notifier.Notify(ctx, tx, s.digestOf(ctx, week, gr.goals, gr.to))
			if err != nil {
				return err
			}
			sent += len(res.NotificationIDs)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if sent > 0 {
		s.opts.Notifier.Wake()
	}
	return sent, nil
}

// readers maps each employee told about the goals to the goals they get.
func (s *Service) readers(ctx context.Context, tx *store.Tx, progress []Progress) (map[int64][]Progress, error) {
	out := map[int64][]Progress{}
	owners, err := tx.ActiveEmployeeIDs(ctx, string(fresco.RoleOwner))
	if err != nil {
		return nil, err
	}
	for _, id := range owners {
		out[id] = progress
	}
	for _, p := range progress {
		g := p.Goal
		var to []int64
		switch g.Scope {
		case fresco.ScopeLocation:
			if to, err = tx.LocationManagers(ctx, g.LocationID); err != nil {
				return nil, err
			}
		case fresco.ScopeTeam:
			if to, err = tx.TeamManagers(ctx, *g.TeamID); err != nil {
				return nil, err
			}
		}
		if g.OwnerID != nil {
			active, err := tx.EmployeeActive(ctx, *g.OwnerID)
			if err != nil {
				return nil, err
			}
			if active {
				to = append(to, *g.OwnerID)
			}
		}
		for _, id := range to {
			if slices.Contains(owners, id) || slices.ContainsFunc(out[id], func(q Progress) bool { return q.Goal.ID == g.ID }) {
				continue
			}
			out[id] = append(out[id], p)
		}
	}
	return out, nil
}

// readerGroup is the employees who get the same goals: one notification.
type readerGroup struct {
	to    []int64
	goals []Progress
}

// groupReaders puts together the employees who get the same goals, in
// the order of their lowest id.
func groupReaders(readers map[int64][]Progress) []readerGroup {
	byKey := map[string]*readerGroup{}
	var order []string
	for _, id := range slices.Sorted(maps.Keys(readers)) {
		goals := readers[id]
		ids := make([]string, len(goals))
		for i, p := range goals {
			ids[i] = strconv.FormatInt(p.Goal.ID, 10)
		}
		key := strings.Join(ids, ",")
		if byKey[key] == nil {
			byKey[key] = &readerGroup{goals: goals}
			order = append(order, key)
		}
		byKey[key].to = append(byKey[key].to, id)
	}
	out := make([]readerGroup, len(order))
	for i, key := range order {
		out[i] = *byKey[key]
	}
	return out
}

// digestOf is the notification of one group's goals.
func (s *Service) digestOf(ctx context.Context, week string, goals []Progress, to []int64) notify.Notification {
	counts := map[string]int{}
	data := make([]map[string]any, len(goals))
	for i, p := range goals {
		counts[p.Status]++
		data[i] = map[string]any{"id": p.Goal.ID, "status": p.Status}
	}
	subject := fmt.Sprintf("Goals this week: %d on track, %d off track, %d can't tell yet",
		counts[stats.OnTrack], counts[stats.OffTrack], counts[stats.CantTell])
	return notify.Notification{Event: notify.EventGoalsDigest, EmployeeIDs: to, Subject: subject,
		Body: DigestBody(goals), Link: "/goals", Data: map[string]any{"week": week, "goals": data}}
}

// DigestBody writes the goals in plain words, off track first.
func DigestBody(goals []Progress) string {
	order := map[string]int{stats.OffTrack: 0, stats.CantTell: 1, stats.OnTrack: 2}
	sorted := slices.Clone(goals)
	slices.SortStableFunc(sorted, func(a, b Progress) int { return order[a.Status] - order[b.Status] })
	var b strings.Builder
	b.WriteString("Where your satisfaction goals stand, judged on the likely range of each figure, not the figure alone:\n\n")
	for _, p := range sorted {
		fmt.Fprintf(&b, "- %s (%s): %s. %s\n", p.Goal.Name, p.ScopeName, StatusWords(p), Describe(p))
	}
	b.WriteString("\nA goal is on track when even the low end of the likely range meets it, off track when even the high end misses it.")
	return b.String()
}

// StatusWords is p's status in plain words; once the period is over, as a
// verdict ("Met", "Missed", "Too close to call"), since nothing is on its
// way any more and there is no "yet" to wait for.
func StatusWords(p Progress) string {
	switch {
	case p.Status == stats.OnTrack && p.Ended:
		return "Met"
	case p.Status == stats.OffTrack && p.Ended:
		return "Missed"
	case p.Status == stats.OnTrack:
		return "On track"
	case p.Status == stats.OffTrack:
		return "Off track"
	case p.Ended:
		return "Too close to call"
	}
	return "Can't tell yet"
}

// Describe says in words where a goal stands: its value and likely range
// against the target, how far into the period, and the answers needed.
func Describe(p Progress) string {
	way := "at least"
	if p.Goal.Direction == stats.AtMost {
		way = "at most"
	}
	target := Figure(p.Goal.Target, p.Unit)
	sofar, gone := "so far", fmt.Sprintf("%d%% gone", int(p.Elapsed*100+0.5))
	if p.Ended {
		sofar, gone = "in all", "ended"
	}
	period := fmt.Sprintf("%s to %s, %s", p.From.Format("2 Jan 2006"), p.To.Format("2 Jan 2006"), gone)
	if p.Value == nil {
		return fmt.Sprintf("Target %s %s; %s (%s).", way, target, p.Reason, period)
	}
	likely := Figure(*p.CILow, p.Unit) + " or more"
	if p.CIHigh != nil {
		likely = number(*p.CILow, p.Unit) + " to " + Figure(*p.CIHigh, p.Unit)
	}
	out := fmt.Sprintf("%s %s from %d %s, likely %s; target %s %s (%s).", Figure(*p.Value, p.Unit), sofar, p.N,
		observations(p.Goal.Metric, p.N), likely, way, target, period)
	if p.NeededN > p.N && !p.Ended {
		out += fmt.Sprintf(" About %d %s in all would tell, if it stays where it is.", p.NeededN, observations(p.Goal.Metric, p.NeededN))
	}
	return out
}

// observations names what a metric counts: answers, follow-ups or cases.
func observations(metric string, n int) string {
	noun := "answers"
	switch metric {
	case fresco.MetricFollowUpClosure:
		noun = "follow-ups"
	case fresco.MetricSLAAttainment:
		noun = "cases"
	}
	if n == 1 {
		return strings.TrimSuffix(noun, "s")
	}
	return noun
}

// number writes a value as Figure does, without its unit but for %,
// which reads oddly alone ("57% to 82%", "5.2 to 6.1 of 7").
func number(v float64, unit string) string {
	digits := 1
	if unit == "points" || unit == "%" {
		digits = 0
	}
	s := strings.Replace(strconv.FormatFloat(v, 'f', digits, 64), "-", "−", 1)
	if unit == "%" {
		s += "%"
	}
	return s
}

// Figure writes a value in its unit: "42", "81%", "5.6 of 7", "30.5 hours".
func Figure(v float64, unit string) string {
	if s := number(v, unit); unit == "%" || unit == "points" || unit == "" {
		return s
	} else {
		return s + " " + unit
	}
}
