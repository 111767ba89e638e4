package fresco

import (
	"fmt"
	"regexp"
	"slices"
	"time"
	_ "time/tzdata" // business zones must load on a machine without zoneinfo
)

// Settings are the business's own: its name and logo, its currency, its
// time zone and locale, and its opening hours. Every page, survey form,
// e-mail and CSV file shows times in Zone and amounts in Currency; SLA
// policies stored without a calendar of their own run on Hours.
type Settings struct {
	Version      int64 // starts at 1 with the first change; 0: the defaults, never changed
	BusinessName string
	Currency     Currency
	TimeZone     string // an IANA zone name, e.g. "Europe/London"
	Locale       string // one of Locales' tags: number and date formats
	// Hours are the opening hours, indexed by time.Weekday (Sunday = 0). A
	// day without ranges is closed.
	Hours [7][]OpenHours
	// LogoType is the logo's media type, "" when there is no logo.
	LogoType string
	// BrandColour is the accent of e-mails and pages, #RRGGBB; "" is
	// DefaultBrandColour. Accent derives readable colours from it.
	BrandColour string
	// SensitiveNoteRoles are the roles that see preference notes marked
	// sensitive (health, family); owners always do. Default: owners and
	// managers.
	SensitiveNoteRoles []Role
	// SuggestionsToCustomers shows customers their own suggestions (issue
	// 15) on a survey's thank-you page and in survey invitations, with
	// every guard rail of the staff's view. Off until the owner turns it
	// on: what staff may see, a customer is not shown unasked.
	SuggestionsToCustomers bool
	// CLVModel is the purchase model of the lifetime-value refit: one of
	// CLVModels, "auto" (the default; "" means it too) taking the one
	// with the lowest error on a holdout of the business's own purchases.
	CLVModel  string
	UpdatedAt time.Time
	UpdatedBy string
}

// CLVModels are the choices of Settings.CLVModel.
var CLVModels = []string{"auto", "bgnbd", "mbgnbd", "paretonbd"}

// DefaultSensitiveNoteRoles are the roles that see sensitive notes until an
// owner says otherwise.
var DefaultSensitiveNoteRoles = []Role{RoleOwner, RoleManager}

// SeesSensitiveNotes reports whether role r may see a sensitive preference
// note: an owner always, the others when listed.
func (s Settings) SeesSensitiveNotes(r Role) bool {
	return r == RoleOwner || slices.Contains(s.SensitiveNoteRoles, r)
}

// Currency is how amounts are written. Amounts are stored in hundredths
// (Money), so at most two decimals are shown.
type Currency struct {
	Code     string // ISO 4217, e.g. "EUR"
	Symbol   string // e.g. "€"
	Decimals int    // 0, 1 or 2
}

// OpenHours is one opening range of a day, "09:00" to "17:30" on a 24-hour
// clock; "24:00" ends a day that runs to midnight.
type OpenHours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// DefaultSettings are the settings of a business that has not changed any:
// UTC, British English formats (day before month, 24-hour clock), US
// dollars (the demo's currency), Monday to Friday 09:00–17:00.
func DefaultSettings() Settings {
	s := Settings{BusinessName: "Fresco", Currency: Currency{Code: "USD", Symbol: "$", Decimals: 2},
		TimeZone: "UTC", Locale: "en-GB", SensitiveNoteRoles: slices.Clone(DefaultSensitiveNoteRoles), CLVModel: "auto"}
	for day := time.Monday; day <= time.Friday; day++ {
		s.Hours[day] = []OpenHours{{Start: "09:00", End: "17:00"}}
	}
	return s
}

// Logo limits: small enough to keep in the settings table and to send with
// every page that shows it.
const MaxLogoBytes = 256 << 10

// LogoTypes are the image types accepted as a logo. SVG is not among them:
// it can carry script.
var LogoTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate reports every bad field, named as in the API.
func (s *Settings) Validate() error {
	var v Validation
	v.Text("business_name", s.BusinessName, true, 200)
	v.Check(currencyCode.MatchString(s.Currency.Code), "currency.code", "%q is not a three-letter currency code such as EUR", s.Currency.Code)
	v.Text("currency.symbol", s.Currency.Symbol, true, 8)
	v.Check(s.Currency.Decimals >= 0 && s.Currency.Decimals <= 2, "currency.decimals",
		"must be 0, 1 or 2 (amounts are kept in hundredths)")
	if _, err := LoadZone(s.TimeZone); err != nil {
		v.Add("time_zone", "%s", err.Error())
	}
	v.Check(slices.Contains(LocaleTags(), s.Locale), "locale", "%q is not one of %v", s.Locale, LocaleTags())
	open := false
	for day, ranges := range s.Hours {
		field := "business_hours." + dayName(time.Weekday(day))
		checkDayHours(&v, field, ranges)
		open = open || len(ranges) > 0
	}
	v.Check(open, "business_hours", "must open on at least one day: SLA clocks run only in business hours")
	v.Check(ValidBrandColour(s.BrandColour), "brand_colour", "%q is not a colour written #RRGGBB, such as #1a5a86", s.BrandColour)
	for i, r := range s.SensitiveNoteRoles {
		v.Check(slices.Contains(Roles, r), fmt.Sprintf("sensitive_note_roles[%d]", i), "%q is not a role: owner, manager, agent or analyst", r)
	}
	v.Check(s.CLVModel == "" || slices.Contains(CLVModels, s.CLVModel), "clv_model",
		"%q is not a model: auto, bgnbd, mbgnbd or paretonbd", s.CLVModel)
	if s.LogoType != "" {
		v.Check(slices.Contains(LogoTypes, s.LogoType), "logo", "%s is not a PNG, JPEG, GIF or WebP image", s.LogoType)
	}
	return v.Err()
}

func checkDayHours(v *Validation, field string, ranges []OpenHours) {
	prevEnd := -1
	for i, r := range ranges {
		f := fmt.Sprintf("%s[%d]", field, i)
		start, okStart := ClockMinutes(r.Start)
		end, okEnd := ClockMinutes(r.End)
		switch {
		case !okStart:
			v.Add(f+".start", "%q is not a time of day such as 09:00", r.Start)
		case !okEnd:
			v.Add(f+".end", "%q is not a time of day such as 17:30 (24:00 for midnight)", r.End)
		case start >= end:
			v.Add(f, "opens at %s but closes at %s: the end must come after the start", r.Start, r.End)
		case start < prevEnd:
			v.Add(f, "%s–%s overlaps the range before it", r.Start, r.End)
		}
		if okEnd {
			prevEnd = end
		}
	}
}

// ClockMinutes reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func ClockMinutes(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// LoadZone loads an IANA time zone by name. The zone database is embedded
// in every binary that imports this package (time/tzdata), so a bare machine knows them all.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("is required (an IANA zone such as Europe/Paris)")
	}
	if name == "Local" {
		// The server's own zone is not a business's: it changes with the host.
		return nil, fmt.Errorf("%q is not an IANA zone such as Europe/Paris", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA zone such as Europe/Paris", name)
	}
	return loc, nil
}

// DayNames are the weekdays as the API names them, indexed by time.Weekday.
var DayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func dayName(d time.Weekday) string { return DayNames[d] }
