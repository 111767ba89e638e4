// Package rewards rewards results, not effort (issue 13, item 6): each
// employee's and team's scorecard of five results — customers recovered,
// promoters created after a case, follow-ups closed in time, retention of
// the customers they served, kind words received — each a proportion with
// its n and Wilson 95% interval, hidden below MinN; rewards the owner ties
// to a team's goal, judged against the interval (met, not met, can't tell
// yet); nominations by colleagues and customers; and the recognition feed.
//
// Who sees what: owners everything, and a manager's or owner's API token
// (which names no employee) the whole business; managers the people of the
// teams they run or belong to and of their location; agents their own
// scorecard and their team's. Analysts read no person's results. Everyone
// signed in reads the rewards and the recognition feed — recognition is
// meant to be seen — and every colleague may nominate another.
package rewards

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// MinN is the smallest n at which a measure's figure is shown. Below it
// the 95% interval of a proportion spans more than ±25 points (Wilson, 5 of
// 9: 27% to 79%), so a figure would reward or blame luck; the scorecard
// shows n and "too few to tell" instead, and nobody is ranked on it.
const MinN = 10

// DefaultWindow is how long after a resolved case, or a purchase they
// served, a customer has to buy again to count as recovered or retained:
// 90 days, the recovery report's window (store.Baseline), which
// store.ServedCounts applies in SQL; change them together.
const DefaultWindow = 90 * 24 * time.Hour

// Service computes scorecards and keeps rewards and nominations.
type Service struct {
	db     *store.DB
	zone   func(context.Context) *time.Location
	now    func() time.Time
	window time.Duration
	// notifier tells a nominee; nil: nobody is told.
	notifier *notify.Notifier
}

// New returns the service over db. zone gives the business's time zone
// (nil: UTC); now the time (nil: time.Now).
func New(db *store.DB, zone func(context.Context) *time.Location, now func() time.Time) *Service {
	if zone == nil {
		zone = func(context.Context) *time.Location { return time.UTC }
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, zone: zone, now: now, window: DefaultWindow}
}

// UseNotifier makes nominations notify their nominee through n.
func (s *Service) UseNotifier(n *notify.Notifier) { s.notifier = n }

// Period is civil days From to To, both included.
type Period struct {
	From, To time.Time // UTC midnights
}

// instants returns the period as [start, end) in the business's zone.
func (p Period) instants(zone *time.Location) (time.Time, time.Time) {
	at := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone) }
	return at(p.From), at(p.To.AddDate(0, 0, 1))
}

// Validate checks a period asked for.
func (p Period) Validate() error {
	var v fresco.Validation
	v.Check(!p.To.Before(p.From), "to", "is before from")
	v.Check(p.To.Sub(p.From) <= 3*366*24*time.Hour, "to", "is more than three years after from")
	return v.Err()
}

// DefaultPeriod is the latest 90 days whose results are all settled: the
// 90 days that ended DefaultWindow ago, so that every customer recovered or
// served in them has had the whole window to come back. A more recent
// period is asked for by name and shows its unsettled chances as pending.
func (s *Service) DefaultPeriod(ctx context.Context) Period {
	t := s.now().In(s.zone(ctx))
	to := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -int(s.window/(24*time.Hour)))
	return Period{From: to.AddDate(0, 0, -89), To: to}
}

func forbidden(format string, args ...any) error {
	return fresco.Errorf(fresco.EFORBIDDEN, format, args...)
}

func invalid(field, msg string) error {
	var v fresco.Validation
	v.Add(field, "%s", msg)
	return v.Err()
}

func audit(ctx context.Context, tx *store.Tx, a Actor, action, entity string, id int64, detail any) error {
	return tx.Audit(ctx, a.Ref, action, entity, itoa(id), detail)
}

// managerScope returns the teams and location whose people a manager
// sees; all is true for a manager who runs no unit or a token, which is
// business-wide (as in package people).
func (s *Service) managerScope(ctx context.Context, a Actor) (teams []int64, loc *int64, all bool, err error) {
	if a.EmployeeID == nil {
		return nil, nil, true, nil
	}
	teams, loc, err = s.db.ManagerUnits(ctx, *a.EmployeeID)
	return teams, loc, err == nil && len(teams) == 0 && loc == nil, err
}

// checkEmployee refuses an actor who may not see e's scorecard.
func (s *Service) checkEmployee(ctx context.Context, a Actor, e *fresco.Employee) error {
	own := a.EmployeeID != nil && *a.EmployeeID == e.ID
	switch a.Role {
	case fresco.RoleOwner:
		return nil
	case fresco.RoleManager:
		if own {
			return nil
		}
		teams, loc, all, err := s.managerScope(ctx, a)
		if err != nil || all || inUnit(e.TeamID, e.LocationID, teams, loc) {
			return err
		}
		return forbidden("a manager sees the scorecards of their own teams and location only")
	case fresco.RoleAgent:
		if own {
			return nil
		}
		return forbidden("an agent sees their own scorecard and their team's")
	}
	return forbidden("analysts see no one's scorecard: it names a person's results")
}

// checkTeam refuses an actor who may not see team t's scorecard.
func (s *Service) checkTeam(ctx context.Context, a Actor, t *fresco.Team) error {
	switch a.Role {
	case fresco.RoleOwner:
		return nil
	case fresco.RoleManager:
		teams, loc, all, err := s.managerScope(ctx, a)
		if err != nil || all || inUnit(&t.ID, t.LocationID, teams, loc) {
			return err
		}
		return forbidden("a manager sees the scorecards of their own teams and location only")
	case fresco.RoleAgent:
		if a.EmployeeID != nil {
			me, err := s.db.Employee(ctx, *a.EmployeeID)
			if err != nil || (me.TeamID != nil && *me.TeamID == t.ID) {
				return err
			}
		}
		return forbidden("an agent sees their own team's scorecard only")
	}
	return forbidden("analysts see no team's scorecard: it names each member's results")
}

func inUnit(team, location *int64, teams []int64, loc *int64) bool {
	if loc != nil && location != nil && *loc == *location {
		return true
	}
	for _, t := range teams {
		if team != nil && *team == t {
			return true
		}
	}
	return false
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
