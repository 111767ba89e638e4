package rewards

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Verdict is a reward's state, judged against the interval of the team's
// result, never against the bare percentage.
type Verdict string

const (
	// Met: the whole interval is at or above the target.
	Met Verdict = "met"
	// NotMet: the whole interval is below the target.
	NotMet Verdict = "not_met"
	// CantTell: the interval straddles the target, or n is below MinN.
	CantTell Verdict = "cant_tell"
)

// Judge says whether result r reaches target (percent).
func Judge(r Result, target float64) Verdict {
	switch {
	case r.Hidden:
		return CantTell
	case r.CILow >= target:
		return Met
	case r.CIHigh < target:
		return NotMet
	}
	return CantTell
}

// RewardStatus is a reward with the team's result on its measure over its
// period, and the verdict.
type RewardStatus struct {
	Reward   *fresco.Reward
	TeamName string
	Result   Result
	Verdict  Verdict
	Running  bool      // the period has not ended: a verdict may still change
	AsOf     time.Time // when the result was worked out, when not now (Scorecard.AsOf)
}

// Rewards returns the rewards (of one team when teamID is set) with their
// status now.
func (s *Service) Rewards(ctx context.Context, teamID *int64) ([]RewardStatus, error) {
	list, err := s.db.Rewards(ctx, teamID)
	if err != nil {
		return nil, err
	}
	teams := map[int64]*fresco.Team{}
	out := make([]RewardStatus, 0, len(list))
	t := s.now().In(s.zone(ctx))
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, r := range list {
		st, err := s.status(ctx, r, teams)
		if err != nil {
			return nil, err
		}
		st.Running = !today.After(r.To)
		out = append(out, st)
	}
	return out, nil
}

func (s *Service) status(ctx context.Context, r *fresco.Reward, teams map[int64]*fresco.Team) (RewardStatus, error) {
	t := teams[r.TeamID]
	if t == nil {
		var err error
		if t, err = s.db.Team(ctx, r.TeamID); err != nil {
			return RewardStatus{}, err
		}
		teams[r.TeamID] = t
	}
	sc, err := s.teamScorecard(ctx, t, Period{From: r.From, To: r.To}, r.Measure)
	if err != nil {
		return RewardStatus{}, err
	}
	res := Of(sc.Results, r.Measure)
	return RewardStatus{Reward: r, TeamName: t.Name, Result: res, Verdict: Judge(res, r.Target), AsOf: sc.AsOf}, nil
}

// CreateReward stores a reward an owner defines for a team's goal.
func (s *Service) CreateReward(ctx context.Context, a Actor, r *fresco.Reward) (RewardStatus, error) {
	if a.Role != fresco.RoleOwner {
		return RewardStatus{}, forbidden("only an owner defines rewards")
	}
	if err := r.Validate(); err != nil {
		return RewardStatus{}, err
	}
	if _, err := s.db.Team(ctx, r.TeamID); fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return RewardStatus{}, invalid("team_id", "no such team")
	} else if err != nil {
		return RewardStatus{}, err
	}
	r.CreatedBy = a.Ref
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateReward(ctx, r); err != nil {
			return err
		}
		return audit(ctx, tx, a, "reward.create", "reward", r.ID, map[string]any{"name": r.Name, "team": r.TeamID,
			"measure": r.Measure, "target": r.Target, "from": r.From.Format(time.DateOnly), "to": r.To.Format(time.DateOnly)})
	})
	if err != nil {
		return RewardStatus{}, err
	}
	return s.status(ctx, r, map[int64]*fresco.Team{})
}
