package feedback

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// JobResponseRecorded is the kind of the durable job enqueued, in the same
// transaction, for every recorded response. Its payload is ResponseRecorded.
const JobResponseRecorded = "feedback.response_recorded"

// ResponseRecorded is the payload of a JobResponseRecorded job: enough for
// the closed loop to decide whom to alert without reading the response; the
// rest is one store.DB.Response(id) away.
type ResponseRecorded struct {
	ResponseID    int64     `json:"response_id"`
	ListeningPost string    `json:"listening_post"`
	CustomerID    *int64    `json:"customer_id,omitempty"`
	PurchaseID    *int64    `json:"purchase_id,omitempty"`
	EmployeeID    *int64    `json:"employee_id,omitempty"`
	LocationID    *int64    `json:"location_id,omitempty"`
	NPS           *int      `json:"nps,omitempty"`
	CSAT          *int      `json:"csat,omitempty"`
	CES           *int      `json:"ces,omitempty"`
	Sentiment     *float64  `json:"sentiment,omitempty"`
	RespondedAt   time.Time `json:"responded_at"`
	// Flags are inlined: "detractor", "csat_low", "complaint" and
	// "negative_comment" are top-level keys of the payload.
	Flags
}

// Flags mark a response that may need somebody to act.
type Flags struct {
	Detractor       bool `json:"detractor"`        // NPS 0–6
	CSATLow         bool `json:"csat_low"`         // CSAT 1–2
	Complaint       bool `json:"complaint"`        // from the complaint post, or said on a follow-up call
	NegativeComment bool `json:"negative_comment"` // sentiment ≤ −0.5
	// Praise: a comment from a promoter (NPS 9–10) or one filed as praise.
	// It needs nobody to act, so Any ignores it; the closed loop passes it
	// on to the employee who served.
	Praise bool `json:"praise"`
}

// Any reports whether any flag is set.
func (f Flags) Any() bool { return f.Detractor || f.CSATLow || f.Complaint || f.NegativeComment }

// FlagsOf computes a response's flags.
func FlagsOf(r *fresco.Response) Flags {
	return Flags{
		Detractor:       r.NPS != nil && *r.NPS <= 6,
		CSATLow:         r.CSAT != nil && *r.CSAT <= 2,
		Complaint:       r.PostSlug == PostComplaint || ReadsAsComplaint(r),
		NegativeComment: r.Sentiment != nil && *r.Sentiment <= -0.5,
		Praise: r.Comment != "" && ((r.NPS != nil && *r.NPS >= 9) ||
			slices.Contains(r.Categories, "praise") || slices.Contains(r.Suggested, "praise")),
	}
}

// Options configure a Service. Zero values mean the defaults.
type Options struct {
	Now    func() time.Time
	Logger *slog.Logger
	// ContactInterval is the contact-frequency rule: nobody is asked for
	// feedback more than once in this interval, across every channel
	// (default 30 days).
	ContactInterval time.Duration
	// CallDelay is how long after a purchase the follow-up call is due (default 7 days).
	CallDelay time.Duration
	// CallLookback bounds how far back the call sweep looks for purchases
	// without a call task, so an imported history does not flood the
	// call list (default 14 days beyond CallDelay).
	CallLookback time.Duration
	// LinkTTL is how long a survey link stays valid (default 14 days).
	LinkTTL time.Duration
	// LinkKey signs survey links; when empty a random key is generated on
	// first use and kept, sealed, in the settings table.
	LinkKey []byte
	// MinN is the smallest group shown in employee and location rankings (default 30).
	MinN int
	// AfterCommit runs after a response is stored; package app points it at the
	// job queue's wake-up so that the closed loop acts on a detractor at
	// once instead of at the next poll.
	AfterCommit func()
	// Notifier tells the owners about a growing theme, and sends survey
	// invitations by e-mail; nil leaves the theme on the comments page only
	// and records e-mail invitations as failed jobs.
	Notifier *notify.Notifier
	// SMS sends invitations by text message (default: a notify.LogSMS that
	// only logs them).
	SMS notify.SMSSender
	// Business is the business's settings (name, time zone, default
	// language) for invitations; nil: fresco.DefaultSettings.
	Business func(context.Context) fresco.Settings
	// Suggestions returns the block of suggestions an e-mail invitation
	// to a customer carries, in lang, "" when none (package suggestions:
	// the owner's switch and every guard rail); nil: none ever.
	Suggestions func(ctx context.Context, customerID int64, lang string) (string, error)
	// BaseURL is prepended to survey links in invitations, e.g.
	// "https://fresco.example.com".
	BaseURL string
	// InvitationEvery is how often the invitation sweep runs (default 5 minutes).
	InvitationEvery time.Duration
	// InvitationLookback is how old a trigger event the invitation sweep
	// still schedules when it first sees it (default 14 days): an import of
	// older history invites nobody.
	InvitationLookback time.Duration
}

// Service is the feedback capability.
type Service struct {
	db   *store.DB
	opts Options

	keyOnce sync.Mutex
	key     []byte

	clf     classifierCache
	heads   keptByMark[headlinesKey, Headlines] // counts_cache.go
	scores  keptByMark[countsKey, []*store.ScoreGroup]
	drivers keptByMark[countsKey, []store.DriverCount]
	delays  keptByMark[countsKey, []store.DelayCount]
}

// New returns the service over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ContactInterval <= 0 {
		opts.ContactInterval = 30 * 24 * time.Hour
	}
	if opts.CallDelay <= 0 {
		opts.CallDelay = 7 * 24 * time.Hour
	}
	if opts.CallLookback <= 0 {
		opts.CallLookback = 14 * 24 * time.Hour
	}
	if opts.LinkTTL <= 0 {
		opts.LinkTTL = 14 * 24 * time.Hour
	}
	if opts.MinN <= 0 {
		opts.MinN = 30
	}
	if opts.SMS == nil {
		opts.SMS = &notify.LogSMS{Logger: opts.Logger}
	}
	if opts.Business == nil {
		opts.Business = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	if opts.InvitationEvery <= 0 {
		opts.InvitationEvery = 5 * time.Minute
	}
	if opts.InvitationLookback <= 0 {
		opts.InvitationLookback = 14 * 24 * time.Hour
	}
	return &Service{db: db, opts: opts, key: opts.LinkKey}
}

// DB is the service's database.
func (s *Service) DB() *store.DB { return s.db }

// Options returns the effective options.
func (s *Service) Options() Options { return s.opts }

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// Record validates and stores a response with its sentiment and suggested
// categories, and enqueues the JobResponseRecorded job in the same
// transaction.
func (s *Service) Record(ctx context.Context, in *Input) (*fresco.Response, error) {
	return s.record(ctx, in, nil, nil)
}

// record is Record with an optional survey (for validating answers against
// its questions) and a function run inside the transaction after the
// response is stored (marking a link used, closing a call task).
func (s *Service) record(ctx context.Context, in *Input, survey *fresco.Survey, inTx func(tx *store.Tx, r *fresco.Response) error) (*fresco.Response, error) {
	v := validateInput(in)
	if survey == nil && in.SurveyID != nil {
		sv, err := s.db.Survey(ctx, *in.SurveyID)
		if err != nil {
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				v.Add("survey_id", "survey %d does not exist", *in.SurveyID)
			} else {
				return nil, err
			}
		}
		survey = sv
	}
	answers := validateAnswers(v, in.Answers, survey)
	if in.Source == "" {
		in.Source = "api"
	}
	postSlug := in.ListeningPost
	if postSlug == "" && survey != nil {
		postSlug = survey.PostSlug
	}
	if postSlug == "" {
		postSlug = PostSurvey
	}
	var post *fresco.ListeningPost
	if v.Err() == nil {
		p, err := s.db.ListeningPostBySlug(ctx, postSlug)
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			v.Add("listening_post", "%q is not a listening post (try survey, web_form, satisfaction_card, follow_up_call, ordering_process, complaint, email, audit, market_research or focus_group)", postSlug)
		case err != nil:
			return nil, err
		case p.RetiredAt != nil && (in.RespondedAt.IsZero() || !in.RespondedAt.Before(*p.RetiredAt)):
			v.Add("listening_post", "%q was retired on %s and takes no new feedback", postSlug, p.RetiredAt.Format(time.DateOnly))
		}
		post = p
	}
	cats, err := s.checkCategories(ctx, v, in.Categories)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &fresco.Response{
		ExternalID: in.ExternalID, PostID: post.ID, PostSlug: post.Slug, SurveyID: in.SurveyID,
		CustomerID: in.CustomerID, PurchaseID: in.PurchaseID, EmployeeID: in.EmployeeID, LocationID: in.LocationID,
		Segment: strings.TrimSpace(in.Segment), Source: in.Source, Language: in.Language, RespondedAt: in.RespondedAt,
		Comment: strings.TrimSpace(in.Comment), Answers: answers, CreatedBy: in.Actor, InvitationID: in.invitationID,
	}
	if survey != nil && survey.ID > 0 { // the call script is a survey without a row
		r.SurveyID = &survey.ID
	}
	if r.RespondedAt.IsZero() {
		r.RespondedAt = s.now()
	}
	for _, a := range answers {
		switch {
		case a.Type == TypeNPS && r.NPS == nil:
			r.NPS = a.Score
		case a.Type == TypeCSAT && r.CSAT == nil:
			r.CSAT = a.Score
		case a.Type == TypeCES && r.CES == nil:
			r.CES = a.Score
		case a.Type == TypeAcquisitionSource && r.AcquisitionSource == "" && len(a.Choices) > 0:
			r.AcquisitionSource = a.Choices[0]
		}
	}
	s.analyseText(ctx, r)
	if len(cats) > 0 {
		r.Categories, r.CategorisedBy = cats, in.Actor
		if r.CategorisedBy == "" {
			r.CategorisedBy = "staff"
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.attribute(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.InsertResponse(ctx, r); err != nil {
			return err
		}
		if r.CustomerID != nil {
			if r.AcquisitionSource != "" {
				if err := tx.SetAcquisitionSourceIfEmpty(ctx, *r.CustomerID, r.AcquisitionSource); err != nil {
					return err
				}
			}
			// A solicited answer entered without a link or a call (a card,
			// a market-research interview) still counts as asking.
			if post.Solicited && r.InvitationID == nil && in.Source != "call" {
				if err := tx.RecordContact(ctx, *r.CustomerID, post.Slug, r.RespondedAt); err != nil {
					return err
				}
			}
		}
		if inTx != nil {
			if err := inTx(tx, r); err != nil {
				return err
			}
		}
		payload := recordedPayload(r)
		payload.Complaint = payload.Complaint || in.complaint
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobResponseRecorded, Payload: payload})
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.opts.AfterCommit != nil {
		s.opts.AfterCommit()
	}
	return r, nil
}

func recordedPayload(r *fresco.Response) ResponseRecorded {
	return ResponseRecorded{
		ResponseID: r.ID, ListeningPost: r.PostSlug, CustomerID: r.CustomerID, PurchaseID: r.PurchaseID,
		EmployeeID: r.EmployeeID, LocationID: r.LocationID, NPS: r.NPS, CSAT: r.CSAT, CES: r.CES,
		Sentiment: r.Sentiment, RespondedAt: r.RespondedAt, Flags: FlagsOf(r),
	}
}

// attribute fills in what the purchase and the employee say about the
// response (customer, serving employee, location, purchase time) and its
// segment, and refuses contradictions.
func (s *Service) attribute(ctx context.Context, tx *store.Tx, r *fresco.Response) error {
	var v fresco.Validation
	if r.PurchaseID != nil {
		a, err := tx.PurchaseAttribution(ctx, *r.PurchaseID)
		if err != nil {
			return err
		}
		switch {
		case r.CustomerID == nil:
			r.CustomerID = a.CustomerID
		case a.CustomerID != nil && *a.CustomerID != *r.CustomerID:
			v.Add("customer_id", "purchase %d belongs to customer %d, not %d", *r.PurchaseID, *a.CustomerID, *r.CustomerID)
		}
		if r.EmployeeID == nil {
			r.EmployeeID = a.EmployeeID
		}
		if r.LocationID == nil {
			r.LocationID = a.LocationID
		}
		t := a.PurchasedAt
		r.PurchasedAt = &t
	}
	if r.EmployeeID != nil && r.LocationID == nil {
		loc, ok, err := tx.EmployeeLocation(ctx, *r.EmployeeID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("employee_id", "employee %d does not exist", *r.EmployeeID)
		}
		r.LocationID = loc
	}
	if r.CustomerID != nil {
		if _, exists, err := tx.CustomerConsent(ctx, *r.CustomerID); err != nil {
			return err
		} else if !exists {
			v.Add("customer_id", "customer %d does not exist", *r.CustomerID)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if r.Segment == "" {
		switch {
		case r.CustomerID == nil:
			r.Segment = "anonymous"
		default:
			n, err := tx.CustomerPurchaseCount(ctx, *r.CustomerID, r.RespondedAt)
			if err != nil {
				return err
			}
			if n > 1 {
				r.Segment = "repeat"
			} else {
				r.Segment = "new"
			}
		}
	}
	return nil
}

// analyseText scores the sentiment of the comment (and any free-text
// answers) and suggests categories for it.
func (s *Service) analyseText(ctx context.Context, r *fresco.Response) {
	parts := []string{}
	if r.Comment != "" {
		parts = append(parts, r.Comment)
	}
	for _, a := range r.Answers {
		if a.Type == TypeText && strings.TrimSpace(a.Text) != "" {
			parts = append(parts, a.Text)
		}
	}
	if len(parts) == 0 {
		return
	}
	all := strings.Join(parts, "\n")
	sc := text.Sentiment(all)
	r.Sentiment, r.SentimentLabel = &sc.Compound, string(sc.Label)
	r.Suggested = s.suggest(ctx, all)
}
