package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/settings"
)

// SettingsIn are the business's settings as an owner sends them. A PUT
// replaces them all; the logo is uploaded on the settings page.
type SettingsIn struct {
	BusinessName string     `json:"business_name" doc:"Shown on every page, survey form and e-mail."`
	Currency     CurrencyIO `json:"currency"`
	TimeZone     string     `json:"time_zone" doc:"An IANA zone, e.g. Europe/Paris: pages, e-mails and CSV files show times in it. API times stay RFC 3339 in UTC."`
	Locale       string     `json:"locale" doc:"Number and date formats: en-GB, en-US, de-DE, fr-FR or es-ES."`
	// The opening hours by lower-case day name; a missing or empty day is closed.
	BusinessHours      map[string][]fresco.OpenHours `json:"business_hours" doc:"Opening hours by lower-case day name (monday…sunday), each a list of {start, end} in HH:MM (24:00 ends at midnight); a day left out is closed. SLA policies stored without a calendar of their own run on these hours in time_zone."`
	SensitiveNoteRoles []string                      `json:"sensitive_note_roles,omitempty" doc:"The roles that see preference notes marked sensitive (health, family): any of owner, manager, agent, analyst; owners always do. Left out: as they are (at first owner and manager)."`
	BrandColour        string                        `json:"brand_colour,omitempty" doc:"The accent of e-mails and of the UI's header and buttons, #RRGGBB (e.g. #1a5a86); empty or left out: Fresco's own. Text on it is white or dark, whichever reads better."`
	// A pointer: left out of a PUT keeps it as it is.
	SuggestionsToCustomers *bool  `json:"suggestions_to_customers,omitempty" doc:"true: customers who consented to personalisation see their own suggestions, each with its reason and a one-click link to stop them, on a survey's thank-you page and in survey invitations (every guard rail applies). Off at first; left out of a PUT: as it is."`
	CLVModel               string `json:"clv_model,omitempty" doc:"The lifetime-value refit's purchase model: auto (the default: the one of the three with the lowest error on a holdout of your own purchases, see GET /api/v1/clv/calibration), bgnbd, mbgnbd or paretonbd. Left out: as it is. Used from the next refit."`
}

// CurrencyIO is how amounts are written.
type CurrencyIO struct {
	Code     string `json:"code" doc:"ISO 4217 code, e.g. EUR."`
	Symbol   string `json:"symbol" doc:"e.g. €."`
	Decimals int    `json:"decimals" doc:"Decimals shown: 0, 1 or 2 (amounts are kept in hundredths)."`
}

// SettingsOut are the settings as stored.
type SettingsOut struct {
	SettingsIn
	Version   int64      `json:"version" doc:"0 until the settings are first changed; also the ETag."`
	LogoURL   string     `json:"logo_url,omitempty" doc:"Where the logo is served, when there is one."`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	UpdatedBy string     `json:"updated_by,omitempty"`
}

func settingsOut(s fresco.Settings) SettingsOut {
	out := SettingsOut{SettingsIn: SettingsIn{BusinessName: s.BusinessName, Currency: CurrencyIO(s.Currency),
		TimeZone: s.TimeZone, Locale: s.Locale, BusinessHours: map[string][]fresco.OpenHours{}, BrandColour: s.BrandColour,
		SensitiveNoteRoles: rolesOut(s.SensitiveNoteRoles), SuggestionsToCustomers: &s.SuggestionsToCustomers, CLVModel: s.CLVModel},
		Version: s.Version, UpdatedBy: s.UpdatedBy}
	for day, ranges := range s.Hours {
		if len(ranges) > 0 {
			out.BusinessHours[fresco.DayNames[day]] = ranges
		}
	}
	if !s.UpdatedAt.IsZero() {
		at := s.UpdatedAt.UTC()
		out.UpdatedAt = &at
	}
	if s.LogoType != "" {
		out.LogoURL = LogoURL(s)
	}
	return out
}

// LogoURL is where the settings' logo is served; the version in the query
// lets browsers cache it until it changes.
func LogoURL(s fresco.Settings) string { return "/logo?v=" + strconv.FormatInt(s.Version, 10) }

func (in SettingsIn) settings() (fresco.Settings, error) {
	out := fresco.Settings{BusinessName: in.BusinessName, Currency: fresco.Currency(in.Currency),
		TimeZone: in.TimeZone, Locale: in.Locale, BrandColour: strings.ToLower(strings.TrimSpace(in.BrandColour)),
		CLVModel: strings.ToLower(strings.TrimSpace(in.CLVModel))}
	if in.SensitiveNoteRoles != nil {
		out.SensitiveNoteRoles = []fresco.Role{}
		for _, r := range in.SensitiveNoteRoles {
			out.SensitiveNoteRoles = append(out.SensitiveNoteRoles, fresco.Role(r))
		}
	}
	var v fresco.Validation
	for name, ranges := range in.BusinessHours {
		day := dayIndex(name)
		if day < 0 {
			v.Add("business_hours."+name, "is not a day: use monday … sunday")
			continue
		}
		out.Hours[day] = ranges
	}
	return out, v.Err()
}

func rolesOut(roles []fresco.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

func dayIndex(name string) int {
	for i, d := range fresco.DayNames {
		if d == name {
			return i
		}
	}
	return -1
}

func settingsActor(ctx context.Context) settings.Actor {
	p := principal(ctx)
	return settings.Actor{Ref: p.Actor(), Role: p.Role}
}

func (s *Server) getSettings(ctx context.Context, _ *struct{}) (*Tagged[SettingsOut], error) {
	set, err := s.settings.Get(ctx)
	if err != nil {
		return nil, err
	}
	return tagged(settingsOut(set), set.Version), nil
}

func (s *Server) putSettings(ctx context.Context, in *struct {
	IfMatchParam
	Body SettingsIn
}) (*Tagged[SettingsOut], error) {
	version, err := settingsVersion(in.IfMatch)
	if err != nil {
		return nil, err
	}
	set, err := in.Body.settings()
	if err != nil {
		return nil, err
	}
	if in.Body.SuggestionsToCustomers == nil { // left out: as it is
		cur, err := s.settings.Get(ctx)
		if err != nil {
			return nil, err
		}
		set.SuggestionsToCustomers = cur.SuggestionsToCustomers
	} else {
		set.SuggestionsToCustomers = *in.Body.SuggestionsToCustomers
	}
	stored, err := s.settings.Update(ctx, settingsActor(ctx), set, version)
	if err != nil {
		return nil, err
	}
	return tagged(settingsOut(stored), stored.Version), nil
}

// settingsVersion reads If-Match as the settings version the change
// expects: settings.Any without one (or with "*").
func settingsVersion(ifMatch string) (int64, error) {
	h := strings.TrimSpace(ifMatch)
	if h == "" || h == "*" {
		return settings.Any, nil
	}
	n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || !strings.HasPrefix(h, `"`) || n < 0 {
		return 0, &fresco.Error{Code: fresco.ESTALE, Message: "the settings have changed since you read them; nothing was written",
			Fields: []fresco.FieldError{{Field: "header.If-Match", Message: h + " is not an ETag of the settings: read them again and redo your change"}}}
	}
	return n, nil
}

// handleLogo serves the business's logo. It is public: survey forms show it
// to customers. The URL carries the settings version, so it may be cached.
func (s *Server) handleLogo(w http.ResponseWriter, r *http.Request) {
	kind, data, err := s.settings.Logo(r.Context())
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "logo", "err", err)
		http.Error(w, "the logo could not be read", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", kind)
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.Write(data)
}
