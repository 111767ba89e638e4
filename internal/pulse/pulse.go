// Package pulse is the employee pulse: a short anonymous staff survey that
// opens every month (job satisfaction, perceived capability, latitude, the
// open question "What decisions could you make that you can't now?" and
// eNPS), answered in the UI, with results per team and location behind an
// anonymity floor (floor.go). The question set is the owner's to edit;
// each edit is a new version and every pulse keeps the one it asked.
//
// Who answered and what was answered are stored apart (store/pulses.go):
// the answer holds the unit the answerer was in, not the answerer.
package pulse

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
)

// JobOpen opens the month's pulse. It runs daily (in the business's zone,
// one job per slot across replicas); only the first run of a month finds
// anything to do, and a month missed while no server ran is opened by the
// next run within it.
const JobOpen = "pulse.open"

// OpenHour is the hour of the day, in the business's zone, of JobOpen.
const OpenHour = 9

// Options configure the service. Zero values are the defaults.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// Zone is the business's time zone, in whose calendar months the pulse
	// runs (settings.Service.Formatter); nil: UTC.
	Zone func(context.Context) *time.Location
	// Notifier tells staff a pulse is open, in the UI and by e-mail; nil:
	// nobody is told.
	Notifier *notify.Notifier
}

// Service runs the pulse.
type Service struct {
	db   *store.DB
	opts Options
	log  *slog.Logger
}

// New returns the pulse over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Zone == nil {
		opts.Zone = func(context.Context) *time.Location { return time.UTC }
	}
	return &Service{db: db, opts: opts, log: opts.Logger.With("component", "pulse")}
}

// Register installs the monthly opening on q.
func (s *Service) Register(q *jobs.Queue) {
	q.Register(JobOpen, func(ctx context.Context, job *jobs.Running) error {
		var t jobs.Tick
		if err := job.Decode(&t); err != nil {
			return err
		}
		_, _, err := s.OpenMonth(ctx, t.Slot)
		return err
	})
	q.DailyAtZone(JobOpen, OpenHour, 0, func() *time.Location { return s.opts.Zone(context.Background()) })
}

// Month is the month (YYYY-MM) of t in the business's zone.
func (s *Service) Month(ctx context.Context, t time.Time) string {
	return t.In(s.opts.Zone(ctx)).Format("2006-01")
}

// monthBounds returns the start of month (YYYY-MM) and of the next, in zone.
func monthBounds(month string, zone *time.Location) (start, next time.Time, err error) {
	m, err := time.ParseInLocation("2006-01", month, zone)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return m, m.AddDate(0, 1, 0), nil
}

// Questions returns the question set in use: the latest version, or the
// defaults (version 0) before the owner has saved any.
func (s *Service) Questions(ctx context.Context) (*fresco.PulseQuestionSet, error) {
	qs, ok, err := s.db.LatestPulseQuestions(ctx) // a reader: a view never waits for the writer
	if err != nil || ok {
		return qs, err
	}
	return defaultQuestionSet(), nil
}

// storedQuestions is the latest version, the defaults stored as version 1
// when there is none, for a pulse to point at.
func storedQuestions(ctx context.Context, tx *store.Tx) (*fresco.PulseQuestionSet, error) {
	qs, ok, err := tx.LatestPulseQuestions(ctx)
	if err != nil || ok {
		return qs, err
	}
	qs = defaultQuestionSet()
	return qs, tx.InsertPulseQuestions(ctx, qs)
}

func defaultQuestionSet() *fresco.PulseQuestionSet {
	return &fresco.PulseQuestionSet{Questions: DefaultQuestions, CreatedBy: "Fresco (defaults)"}
}

// SaveQuestions stores a new version of the question set; the pulses
// opened from now on ask it, the earlier ones keep theirs. Audited.
func (s *Service) SaveQuestions(ctx context.Context, actor string, questions []fresco.PulseQuestion) (*fresco.PulseQuestionSet, error) {
	questions = cleanQuestions(questions)
	if err := CheckQuestions(questions); err != nil {
		return nil, err
	}
	qs := &fresco.PulseQuestionSet{Questions: questions, CreatedBy: actor}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertPulseQuestions(ctx, qs); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "update", "pulse_questions", strconv.Itoa(qs.Version), map[string]any{"questions": questions})
	})
	return qs, err
}

// OpenMonth opens the pulse of the month that contains at (in the
// business's zone) and tells every active employee, unless that month has
// its pulse already or is over. It returns the month's pulse (nil for a
// month over without one) and whether this call opened it.
func (s *Service) OpenMonth(ctx context.Context, at time.Time) (*fresco.Pulse, bool, error) {
	zone := s.opts.Zone(ctx)
	month := at.In(zone).Format("2006-01")
	_, closes, err := monthBounds(month, zone)
	if err != nil {
		return nil, false, err
	}
	now := s.opts.Now()
	var p *fresco.Pulse
	opened := false
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		opened = false
		existing, err := tx.PulseByPeriod(ctx, month)
		if err == nil || fresco.ErrorCode(err) != fresco.ENOTFOUND {
			p = existing
			return err
		}
		if !now.Before(closes) { // a late run for a month that has ended
			p = nil
			return nil
		}
		qs, err := storedQuestions(ctx, tx)
		if err != nil {
			return err
		}
		p = &fresco.Pulse{Period: month, QuestionVersion: qs.Version, OpenedAt: now, ClosesAt: closes}
		if err := tx.InsertPulse(ctx, p); err != nil {
			return err
		}
		opened = true
		return s.invite(ctx, tx, p, zone)
	})
	if err == nil && opened && s.opts.Notifier != nil {
		s.opts.Notifier.Wake()
		s.log.Info("pulse opened", "period", p.Period, "invited", p.Invited)
	}
	return p, opened, err
}

// invite notifies every active employee of p, in the UI and by e-mail
// (sent when mail is configured), and records how many were asked.
func (s *Service) invite(ctx context.Context, tx *store.Tx, p *fresco.Pulse, zone *time.Location) error {
	ids, err := tx.PulseInvitees(ctx)
	if err != nil {
		return err
	}
	p.Invited = len(ids)
	if s.opts.Notifier != nil && len(ids) > 0 {
		month := p.ClosesAt.In(zone).AddDate(0, -1, 0).Format("January 2006")
		_, err := s.opts.Notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventPulseOpened, EmployeeIDs: ids,
			Subject: "The staff pulse for " + month + " is open",
			Body: fmt.Sprintf("Five short questions about your work, anonymous: nobody can see what you answered, and "+
				"results are shown only for groups of at least %d. Open until %s.", MinN,
				p.ClosesAt.In(zone).Add(-time.Minute).Format("2 January")),
			Link: "/pulse", Data: map[string]any{"pulse_id": p.ID, "period": p.Period}})
		if err != nil {
			return err
		}
	}
	return tx.SetPulseInvited(ctx, p.ID, p.Invited)
}

// Current returns the latest pulse while it is open and whether employee
// has answered it; nil when no pulse is open.
func (s *Service) Current(ctx context.Context, employeeID int64) (*fresco.Pulse, *fresco.PulseQuestionSet, bool, error) {
	p, err := s.db.LatestPulse(ctx)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND || (err == nil && !p.Open(s.opts.Now())) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	qs, err := s.questionsOf(ctx, p)
	if err != nil {
		return nil, nil, false, err
	}
	answered, err := s.db.PulseAnswered(ctx, p.ID, employeeID)
	return p, qs, answered, err
}

func (s *Service) questionsOf(ctx context.Context, p *fresco.Pulse) (*fresco.PulseQuestionSet, error) {
	sets, err := s.db.PulseQuestions(ctx, []int{p.QuestionVersion})
	if err != nil {
		return nil, err
	}
	if sets[p.QuestionVersion] == nil {
		return nil, fmt.Errorf("pulse %d: question set version %d is missing", p.ID, p.QuestionVersion)
	}
	return sets[p.QuestionVersion], nil
}

// Answer records an employee's answer to an open pulse: that they answered
// (once per pulse: a second answer is a conflict) and, apart from that,
// what they answered and the unit they are in. Nothing is audited: an
// audit entry would tie the answerer to the time of the answer.
func (s *Service) Answer(ctx context.Context, employeeID, pulseID int64, answers map[string]fresco.PulseAnswer) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		p, qs, err := s.openPulse(ctx, tx, pulseID)
		if err != nil {
			return err
		}
		if err := CheckAnswers(qs.Questions, answers); err != nil {
			return err
		}
		team, location, err := tx.PulseUnit(ctx, employeeID)
		if err != nil {
			return err
		}
		if err := tx.MarkPulseAnswered(ctx, p.ID, employeeID); err != nil {
			return err
		}
		return tx.InsertPulseResponse(ctx, &fresco.PulseResponse{PulseID: p.ID, TeamID: team, LocationID: location,
			Answers: answers})
	})
}

// Import is one answer collected elsewhere (on paper, in another tool),
// given with its unit.
type Import struct {
	TeamID     *int64
	LocationID *int64
	Answers    map[string]fresco.PulseAnswer
}

// Import records an answer collected elsewhere into an open pulse. The
// unit is a team and/or a location (a team without a location takes the
// team's). Only open pulses take imports: adding answers to a published
// month would let anyone comparing its results before and after isolate
// them. Audited (the import, not its answers).
func (s *Service) Import(ctx context.Context, actor string, pulseID int64, in Import) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		p, qs, err := s.openPulse(ctx, tx, pulseID)
		if err != nil {
			return err
		}
		var v fresco.Validation
		v.Check(in.TeamID != nil || in.LocationID != nil, "team_id", "give the unit: team_id, location_id or both")
		if err := v.Err(); err != nil {
			return err
		}
		if err := CheckAnswers(qs.Questions, in.Answers); err != nil {
			return err
		}
		location := in.LocationID
		if location == nil {
			if location, err = tx.TeamLocation(ctx, *in.TeamID); err != nil {
				return err
			}
		}
		r := &fresco.PulseResponse{PulseID: p.ID, TeamID: in.TeamID, LocationID: location, Imported: true, Answers: in.Answers}
		if err := tx.InsertPulseResponse(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "import_answer", "pulse", strconv.FormatInt(p.ID, 10), nil)
	})
}

// openPulse returns a pulse that takes answers, with its questions.
func (s *Service) openPulse(ctx context.Context, tx *store.Tx, pulseID int64) (*fresco.Pulse, *fresco.PulseQuestionSet, error) {
	p, err := tx.Pulse(ctx, pulseID)
	if err != nil {
		return nil, nil, err
	}
	if !p.Open(s.opts.Now()) {
		return nil, nil, &fresco.Error{Code: fresco.ECONFLICT, Message: fmt.Sprintf("the pulse of %s is closed", p.Period),
			Fields: []fresco.FieldError{{Field: "pulse", Message: "is closed: its results are published and take no more answers"}}}
	}
	qs, err := s.questionsOf(ctx, p)
	return p, qs, err
}
