package feedback

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
)

// Survey links. A token is base64url(id ‖ expiry ‖ HMAC-SHA256(key, id ‖
// expiry)[:16]) (secret.SignToken): the signature makes it unforgeable, the expiry is checked
// before the database is touched, and single use is enforced by the
// invitation row, marked used in the same transaction that stores the
// response.

// Link errors; each is a *fresco.Error so the web layer maps it once.
var (
	ErrLinkInvalid = &fresco.Error{Code: fresco.ENOTFOUND, Message: "this survey link is not valid: check that it was copied whole"}
	ErrLinkExpired = &fresco.Error{Code: fresco.ECONFLICT, Message: "this survey link has expired"}
	ErrLinkUsed    = &fresco.Error{Code: fresco.ECONFLICT, Message: "this survey link has already been used: thank you, your answers were recorded"}
)

func (s *Service) linkKey(ctx context.Context) ([]byte, error) {
	s.keyOnce.Lock()
	defer s.keyOnce.Unlock()
	if len(s.key) > 0 {
		return s.key, nil
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	// Stored sealed with the server's secret key, so that a copy of the
	// database cannot mint survey links.
	stored, err := s.db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, hex.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("feedback: setting %s is not a hex key of at least 16 bytes", store.SettingSurveyLinkKey)
	}
	s.key = key
	return key, nil
}

const tokenPayload = 8 + 8 // invitation id ‖ expiry

func sign(key []byte, id int64, expires time.Time) string {
	buf := make([]byte, tokenPayload)
	binary.BigEndian.PutUint64(buf[:8], uint64(id))
	binary.BigEndian.PutUint64(buf[8:16], uint64(expires.Unix()))
	return secret.SignToken(key, buf)
}

// parseToken checks a token's signature and expiry and returns the invitation id.
func parseToken(key []byte, token string, now time.Time) (int64, error) {
	raw, err := secret.OpenToken(key, token, tokenPayload)
	if err != nil {
		return 0, ErrLinkInvalid
	}
	id := int64(binary.BigEndian.Uint64(raw[:8]))
	expires := time.Unix(int64(binary.BigEndian.Uint64(raw[8:16])), 0)
	if id <= 0 {
		return 0, ErrLinkInvalid
	}
	if !now.Before(expires) {
		return 0, ErrLinkExpired
	}
	return id, nil
}

// InvitationInput asks for a survey link.
type InvitationInput struct {
	SurveyID   int64
	CustomerID *int64
	PurchaseID *int64
	EmployeeID *int64
	LocationID *int64
	Channel    string        // how the link is sent: email, sms, receipt, link
	TTL        time.Duration // zero: the service's LinkTTL
}

// Invitation is a created link.
type Invitation struct {
	*fresco.Invitation
	Token string
	Path  string // /s/{token}
}

// ContactRuleError is the ECONFLICT returned when the contact-frequency rule
// forbids asking a customer again yet.
func contactRuleError(customerID int64, last time.Time, next time.Time) error {
	e := fresco.Errorf(fresco.ECONFLICT, "customer %d was last asked for feedback on %s; the contact-frequency rule allows the next request from %s",
		customerID, last.Format(time.DateOnly), next.Format(time.DateOnly))
	e.Fields = []fresco.FieldError{{Field: "customer_id", Message: e.Message}}
	return e
}

// checkContactRule refuses to ask a customer who was asked within the
// contact interval or who did not consent to surveys, and records the ask.
func (s *Service) checkContactRule(ctx context.Context, tx *store.Tx, customerID int64, channel string, at time.Time) error {
	consent, exists, err := tx.CustomerConsent(ctx, customerID)
	if err != nil {
		return err
	}
	if !exists {
		var v fresco.Validation
		v.Add("customer_id", "customer %d does not exist", customerID)
		return v.Err()
	}
	if !consent {
		e := fresco.Errorf(fresco.ECONFLICT, "customer %d has not agreed to be surveyed (consent_surveys is false)", customerID)
		e.Fields = []fresco.FieldError{{Field: "customer_id", Message: e.Message}}
		return e
	}
	last, next, err := askedWithin(ctx, tx, customerID, at, s.ContactInterval(ctx))
	if err != nil {
		return err
	}
	if last != nil {
		return contactRuleError(customerID, *last, next)
	}
	return tx.RecordContact(ctx, customerID, channel, at)
}

// askedWithin is the contact-frequency rule: when the customer was last
// asked, if that was within interval before at (nil otherwise), and when
// they may be asked next. Links, calls and invitations all go by it.
func askedWithin(ctx context.Context, tx *store.Tx, customerID int64, at time.Time, interval time.Duration) (last *time.Time, next time.Time, err error) {
	last, err = tx.LastContact(ctx, customerID)
	if err != nil || last == nil || !at.Before(last.Add(interval)) {
		return nil, time.Time{}, err
	}
	return last, last.Add(interval), nil
}

// CreateInvitation creates a signed, single-use, expiring link to a survey,
// attributed to the purchase (and through it to customer, serving employee
// and location) when one is given. It applies the contact-frequency rule.
func (s *Service) CreateInvitation(ctx context.Context, in InvitationInput) (*Invitation, error) {
	var v fresco.Validation
	checkID(&v, "customer_id", in.CustomerID)
	checkID(&v, "purchase_id", in.PurchaseID)
	checkID(&v, "employee_id", in.EmployeeID)
	checkID(&v, "location_id", in.LocationID)
	v.Text("channel", in.Channel, false, maxSlugLen)
	if in.TTL < 0 || in.TTL > 366*24*time.Hour {
		v.Add("ttl_days", "must be between 1 and 366 days")
	}
	survey, err := s.db.Survey(ctx, in.SurveyID)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		v.Add("survey", "survey %d does not exist", in.SurveyID)
	} else if err != nil {
		return nil, err
	} else if !survey.Active {
		v.Add("survey", "survey %q is archived: bring it back from the archive to send it", survey.Slug)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	key, err := s.linkKey(ctx)
	if err != nil {
		return nil, err
	}
	ttl := in.TTL
	if ttl == 0 {
		ttl = s.opts.LinkTTL
	}
	if in.Channel == "" {
		in.Channel = "link"
	}
	now := s.now()
	inv := &fresco.Invitation{SurveyID: survey.ID, CustomerID: in.CustomerID, PurchaseID: in.PurchaseID,
		EmployeeID: in.EmployeeID, LocationID: in.LocationID, Channel: in.Channel, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if inv.PurchaseID != nil {
			a, err := tx.PurchaseAttribution(ctx, *inv.PurchaseID)
			if err != nil {
				return err
			}
			if inv.CustomerID == nil {
				inv.CustomerID = a.CustomerID
			} else if a.CustomerID != nil && *a.CustomerID != *inv.CustomerID {
				var v fresco.Validation
				v.Add("customer_id", "purchase %d belongs to customer %d", *inv.PurchaseID, *a.CustomerID)
				return v.Err()
			}
			if inv.EmployeeID == nil {
				inv.EmployeeID = a.EmployeeID
			}
			if inv.LocationID == nil {
				inv.LocationID = a.LocationID
			}
		}
		if inv.CustomerID != nil {
			if err := s.checkContactRule(ctx, tx, *inv.CustomerID, "survey:"+in.Channel, now); err != nil {
				return err
			}
		}
		return tx.CreateInvitation(ctx, inv)
	})
	if err != nil {
		return nil, err
	}
	token := sign(key, inv.ID, inv.ExpiresAt)
	return &Invitation{Invitation: inv, Token: token, Path: "/s/" + token}, nil
}

// OpenLink checks a survey link and returns its invitation and survey, and
// records the link's first open (for the invitation tracking). A forged
// link is ErrLinkInvalid, an expired one ErrLinkExpired and a used one
// ErrLinkUsed.
func (s *Service) OpenLink(ctx context.Context, token string) (*fresco.Invitation, *fresco.Survey, error) {
	key, err := s.linkKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := parseToken(key, token, s.opts.Now())
	if err != nil {
		return nil, nil, err
	}
	inv, err := s.db.Invitation(ctx, id)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return nil, nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	if inv.UsedAt != nil {
		return nil, nil, ErrLinkUsed
	}
	if !s.opts.Now().Before(inv.ExpiresAt) {
		return nil, nil, ErrLinkExpired
	}
	survey, err := s.db.Survey(ctx, inv.SurveyID)
	if err != nil {
		return nil, nil, err
	}
	if !survey.Active {
		return nil, nil, ErrSurveyClosed
	}
	s.markOpened(ctx, inv)
	return inv, survey, nil
}

// SubmitLink records the answers given through a survey link and marks the
// link used, in one transaction: of two concurrent submissions exactly one
// is stored.
func (s *Service) SubmitLink(ctx context.Context, token string, answers []AnswerInput, comment string) (*fresco.Response, error) {
	return s.SubmitLinkIn(ctx, token, "", answers, comment)
}

// SubmitLinkIn is SubmitLink of a form answered in lang ("" not known),
// which the response records.
func (s *Service) SubmitLinkIn(ctx context.Context, token, lang string, answers []AnswerInput, comment string) (*fresco.Response, error) {
	inv, survey, err := s.OpenLink(ctx, token)
	if err != nil {
		return nil, err
	}
	in := &Input{
		ListeningPost: survey.PostSlug, CustomerID: inv.CustomerID, PurchaseID: inv.PurchaseID,
		EmployeeID: inv.EmployeeID, LocationID: inv.LocationID, Answers: answers, Comment: comment,
		Source: "link", Language: lang, Actor: "customer", invitationID: &inv.ID,
	}
	return s.record(ctx, in, survey, func(tx *store.Tx, r *fresco.Response) error {
		ok, err := tx.UseInvitation(ctx, inv.ID, r.ID, r.RespondedAt)
		if err != nil {
			return err
		}
		if !ok {
			return ErrLinkUsed
		}
		return nil
	})
}

// SubmitWidget records an anonymous answer from the embeddable widget of a
// widget-enabled survey.
func (s *Service) SubmitWidget(ctx context.Context, surveySlug string, answers []AnswerInput, comment string) (*fresco.Response, error) {
	return s.SubmitWidgetIn(ctx, surveySlug, "", answers, comment)
}

// SubmitWidgetIn is SubmitWidget of a form answered in lang ("" not
// known), which the response records.
func (s *Service) SubmitWidgetIn(ctx context.Context, surveySlug, lang string, answers []AnswerInput, comment string) (*fresco.Response, error) {
	survey, err := s.WidgetSurvey(ctx, surveySlug)
	if err != nil {
		return nil, err
	}
	in := &Input{ListeningPost: survey.PostSlug, Answers: answers, Comment: comment, Source: "widget", Language: lang, Actor: "widget"}
	return s.record(ctx, in, survey, nil)
}

// WidgetSurvey returns an active, widget-enabled survey by slug.
func (s *Service) WidgetSurvey(ctx context.Context, slug string) (*fresco.Survey, error) {
	survey, err := s.db.SurveyBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !survey.Active && survey.WidgetEnabled {
		return nil, ErrSurveyClosed
	}
	if !survey.Active || !survey.WidgetEnabled {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "survey %q is not available", slug)
	}
	return survey, nil
}

// ErrSurveyClosed is the answer of an archived survey's link or widget.
var ErrSurveyClosed = &fresco.Error{Code: fresco.ECONFLICT,
	Message: "This survey is no longer taking answers. Thank you for wanting to tell us; nothing was recorded."}

// IsLinkError reports whether err is one of the link errors.
func IsLinkError(err error) bool {
	return errors.Is(err, ErrLinkInvalid) || errors.Is(err, ErrLinkExpired) || errors.Is(err, ErrLinkUsed)
}

// SettingContactDays is the settings key that overrides the contact interval
// at run time: a whole number of days, e.g. "30".
const SettingContactDays = "feedback.contact_interval_days"

// ContactInterval is the contact-frequency rule in force: the settings row
// when it holds a valid number of days (0 turns the rule off), else
// Options.ContactInterval.
func (s *Service) ContactInterval(ctx context.Context) time.Duration {
	if v, ok, err := s.db.Setting(ctx, SettingContactDays); err == nil && ok {
		if days, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && days >= 0 && days <= 3660 {
			return time.Duration(days) * 24 * time.Hour
		}
		s.opts.Logger.WarnContext(ctx, "ignoring bad setting", "key", SettingContactDays, "value", v)
	}
	return s.opts.ContactInterval
}
