package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// SurveyIO is a survey.
type SurveyIO struct {
	ID            int64             `json:"id,omitempty" readOnly:"true"`
	Slug          string            `json:"slug,omitempty" doc:"Lower-case letters, digits, - and _; used in the widget's data-survey. Made from the name when empty on create."`
	Name          string            `json:"name"`
	ListeningPost string            `json:"listening_post,omitempty" doc:"Default survey."`
	Intro         string            `json:"intro,omitempty"`
	Thanks        string            `json:"thanks,omitempty" doc:"Shown after answering; empty: the form's own thank-you."`
	Questions     []fresco.Question `json:"questions"`
	Active        *bool             `json:"active,omitempty" doc:"Default true. False: archived, taking no new answers (see the archive and unarchive operations)."`
	WidgetEnabled bool              `json:"widget_enabled,omitempty" doc:"Answerable anonymously through /widget.js."`
}

func surveyOut(sv *fresco.Survey) SurveyIO {
	active := sv.Active
	return SurveyIO{ID: sv.ID, Slug: sv.Slug, Name: sv.Name, ListeningPost: sv.PostSlug, Intro: sv.Intro,
		Thanks: sv.Thanks, Questions: sv.Questions, Active: &active, WidgetEnabled: sv.WidgetEnabled}
}

func (s *Server) surveyDomain(ctx context.Context, in *SurveyIO, sv *fresco.Survey) error {
	post := in.ListeningPost
	if post == "" {
		post = feedback.PostSurvey
	}
	p, err := s.db.ListeningPostBySlug(ctx, post)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return invalidField("listening_post", "%s", fmt.Sprintf("%q is not a listening post", post))
	} else if err != nil {
		return err
	}
	sv.Slug, sv.Name, sv.PostID, sv.PostSlug, sv.Intro, sv.Questions = in.Slug, in.Name, p.ID, p.Slug, in.Intro, in.Questions
	sv.Thanks = in.Thanks
	sv.Active = in.Active == nil || *in.Active
	sv.WidgetEnabled = in.WidgetEnabled
	return nil
}

// InvitationInput asks for a survey link.
type InvitationInput struct {
	CustomerID *int64 `json:"customer_id,omitempty"`
	PurchaseID *int64 `json:"purchase_id,omitempty" doc:"Attributes the answers to the purchase, its customer, serving employee and location."`
	EmployeeID *int64 `json:"employee_id,omitempty"`
	LocationID *int64 `json:"location_id,omitempty"`
	Channel    string `json:"channel,omitempty" doc:"How the link is sent, e.g. email, sms, receipt."`
	TTLDays    int    `json:"ttl_days,omitempty" minimum:"0" maximum:"366" doc:"Days the link stays valid (default 14)."`
}

// InvitationOut is a signed, single-use, expiring survey link.
type InvitationOut struct {
	ID         int64     `json:"id"`
	SurveyID   int64     `json:"survey_id"`
	CustomerID *int64    `json:"customer_id"`
	PurchaseID *int64    `json:"purchase_id"`
	EmployeeID *int64    `json:"employee_id"`
	Token      string    `json:"token"`
	URL        string    `json:"url" doc:"Path of the public survey page: /s/{token}."`
	ExpiresAt  time.Time `json:"expires_at"`
}

func (s *Server) listSurveys(ctx context.Context, in *struct{}) (*One[ItemList[SurveyIO]], error) {
	list, err := s.db.ListSurveys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SurveyIO, len(list))
	for i, sv := range list {
		out[i] = surveyOut(sv)
	}
	return &One[ItemList[SurveyIO]]{Body: ItemList[SurveyIO]{Items: out}}, nil
}

func (s *Server) createSurvey(ctx context.Context, in *struct{ Body SurveyIO }) (*Created[SurveyIO], error) {
	sv := &fresco.Survey{}
	if err := s.surveyDomain(ctx, &in.Body, sv); err != nil {
		return nil, err
	}
	if err := s.feedback.CreateSurvey(ctx, sv, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &Created[SurveyIO]{Location: fmt.Sprintf("%s/surveys/%d", apiPrefix, sv.ID), ETag: etag(sv.Version), Body: surveyOut(sv)}, nil
}

func (s *Server) getSurvey(ctx context.Context, in *IDParam) (*Tagged[SurveyIO], error) {
	sv, err := s.db.Survey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(surveyOut(sv), sv.Version), nil
}

func (s *Server) updateSurvey(ctx context.Context, in *patchInput[SurveyIO]) (*Tagged[SurveyIO], error) {
	sv, err := s.db.Survey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("survey", sv.ID, sv.Version)
	if err != nil {
		return nil, err
	}
	if err := s.surveyDomain(ctx, &in.Body, sv); err != nil {
		return nil, err
	}
	if err := s.feedback.UpdateSurvey(ctx, sv, version, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return tagged(surveyOut(sv), sv.Version), nil
}

func (s *Server) copySurvey(ctx context.Context, in *IDParam) (*Created[SurveyIO], error) {
	sv, err := s.feedback.CopySurvey(ctx, in.ID, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &Created[SurveyIO]{Location: fmt.Sprintf("%s/surveys/%d", apiPrefix, sv.ID), ETag: etag(sv.Version), Body: surveyOut(sv)}, nil
}

func (s *Server) archiveSurvey(ctx context.Context, in *IDParam) (*Tagged[SurveyIO], error) {
	return s.setArchived(ctx, in.ID, true)
}

func (s *Server) unarchiveSurvey(ctx context.Context, in *IDParam) (*Tagged[SurveyIO], error) {
	return s.setArchived(ctx, in.ID, false)
}

func (s *Server) setArchived(ctx context.Context, id int64, archived bool) (*Tagged[SurveyIO], error) {
	sv, err := s.feedback.ArchiveSurvey(ctx, id, archived, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return tagged(surveyOut(sv), sv.Version), nil
}

func (s *Server) createInvitation(ctx context.Context, in *struct {
	IDParam
	Body InvitationInput
}) (*One[InvitationOut], error) {
	inv, err := s.feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: in.ID, CustomerID: in.Body.CustomerID,
		PurchaseID: in.Body.PurchaseID, EmployeeID: in.Body.EmployeeID, LocationID: in.Body.LocationID,
		Channel: in.Body.Channel, TTL: time.Duration(in.Body.TTLDays) * 24 * time.Hour})
	if err != nil {
		if fresco.ErrorCode(err) == fresco.EINVALID && hasField(err, "survey") {
			return nil, fresco.Errorf(fresco.ENOTFOUND, "survey %d not found", in.ID)
		}
		return nil, err
	}
	return &One[InvitationOut]{Body: InvitationOut{ID: inv.ID, SurveyID: inv.SurveyID, CustomerID: inv.CustomerID,
		PurchaseID: inv.PurchaseID, EmployeeID: inv.EmployeeID, Token: inv.Token, URL: inv.Path, ExpiresAt: inv.ExpiresAt}}, nil
}

func hasField(err error, field string) bool {
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// SurveyTranslations are a survey's texts in every language and which of
// them are missing.
type SurveyTranslations struct {
	SurveyID        int64                         `json:"survey_id"`
	DefaultLanguage string                        `json:"default_language" doc:"The business's default language (its locale's): the survey's own texts are in it."`
	Languages       []string                      `json:"languages" doc:"Every language a survey may be translated into."`
	Offered         []string                      `json:"offered" doc:"The languages the form offers: the default and each with at least one translated text."`
	Translations    map[string]fresco.SurveyTexts `json:"translations" doc:"By language; a text left out falls back to the default language's."`
	Missing         []feedback.MissingText        `json:"missing" doc:"Each text a language lacks, named as a translation writes it."`
}

func (s *Server) translationsOut(ctx context.Context, sv *fresco.Survey) *Tagged[SurveyTranslations] {
	def := fresco.LanguageOf(s.settings.Current(ctx))
	out := SurveyTranslations{SurveyID: sv.ID, DefaultLanguage: def, Languages: fresco.Languages,
		Offered: feedback.OfferedLanguages(sv, def), Translations: sv.Translations, Missing: feedback.MissingTranslations(sv, def)}
	if out.Translations == nil {
		out.Translations = map[string]fresco.SurveyTexts{}
	}
	if out.Missing == nil {
		out.Missing = []feedback.MissingText{}
	}
	return tagged(out, sv.Version)
}

func (s *Server) getSurveyTranslations(ctx context.Context, in *IDParam) (*Tagged[SurveyTranslations], error) {
	sv, err := s.db.Survey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return s.translationsOut(ctx, sv), nil
}

func (s *Server) putSurveyTranslation(ctx context.Context, in *struct {
	IDParam
	IfMatchParam
	Language string `path:"language" doc:"en, de, fr or es; not the default language."`
	Body     fresco.SurveyTexts
}) (*Tagged[SurveyTranslations], error) {
	version := store.AnyVersion
	if in.IfMatch != "" {
		sv, err := s.db.Survey(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		if version, err = in.expectedVersion("survey", sv.ID, sv.Version); err != nil {
			return nil, err
		}
	}
	def := fresco.LanguageOf(s.settings.Current(ctx))
	sv, err := s.feedback.SetSurveyTranslation(ctx, in.ID, in.Language, def, in.Body, version, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return s.translationsOut(ctx, sv), nil
}
