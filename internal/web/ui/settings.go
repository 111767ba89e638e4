package ui

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/value"
)

// The settings page (owners): the business's name, logo, currency, time
// zone, locale and opening hours. Its fields are named as in the API
// (business_name, currency.code, …), so an error from the service lands
// next to the field the owner typed into, and the form keeps what they
// typed.

// settingsForm is the data of the settings page.
type settingsForm struct {
	Values   map[string]string
	Errors   map[string]string
	Problem  string // a whole-form problem, e.g. a stale edit
	Days     []settingsDay
	Locales  []option
	Decimals []option
	// CLVModels are the lifetime-value refit's model choices.
	CLVModels []option
	Zones     []string // suggestions; any IANA zone is accepted
	Logo      string   // the logo's URL, "" when there is none
	Version   int64
}

// settingField is one text field of the form; its id is its name with
// dashes for dots, which CSS selectors need no escaping for.
type settingField struct {
	ID, Name, Label, Hint, Value, Error string
}

// Field is the text field called name, for the template.
func (f settingsForm) Field(name, label, hint string) settingField {
	return settingField{ID: strings.ReplaceAll(name, ".", "-"), Name: name, Label: label, Hint: hint,
		Value: f.Values[name], Error: f.Errors[name]}
}

// settingsDay is one day's opening-hours field.
type settingsDay struct {
	Name, Label, Value, Error string
}

// commonZones are offered as suggestions in the time-zone field.
var commonZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Athens", "Europe/Istanbul", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Toronto", "America/Mexico_City", "America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
	"Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg"}

var localeLabels = map[string]string{
	"en-GB": "English (UK): 3 Dec 2026 14:05, 1,234.50",
	"en-US": "English (US): Dec 3, 2026 2:05 PM, 1,234.50",
	"de-DE": "German: 3.12.2026 14:05, 1.234,50",
	"fr-FR": "French: 03/12/2026 14:05, 1 234,50",
	"es-ES": "Spanish: 3/12/2026 14:05, 1.234,50",
}

// SettingsPage shows the settings form.
func (u *UI) SettingsPage(w http.ResponseWriter, r *http.Request) {
	set, err := u.settings.Get(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderSettings(w, r, http.StatusOK, set, settingsValues(set), nil, "")
}

// SaveSettings changes the settings from the form.
func (u *UI) SaveSettings(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	values := map[string]string{}
	for _, k := range settingsFields() {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in, v := settingsFromForm(values)
	v.Merge("", in.Validate()) // every problem at once, the form's and the settings'
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil {
		version = settings.Any
	}
	err = v.Err()
	if err == nil {
		_, err = u.settings.Update(r.Context(), settingsActor(viewerFrom(r.Context())), in, version)
	}
	if err != nil {
		u.settingsFailed(w, r, values, err)
		return
	}
	http.Redirect(w, r, "/settings?done=settings-saved", http.StatusSeeOther)
}

// SaveLogo uploads or removes the logo.
func (u *UI) SaveLogo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, fresco.MaxLogoBytes+64<<10)
	var data []byte
	var err error
	if err = r.ParseMultipartForm(fresco.MaxLogoBytes + 64<<10); err != nil {
		err = &fresco.Error{Code: fresco.EINVALID, Message: "invalid input", Fields: []fresco.FieldError{{Field: "logo",
			Message: "could not be read: the largest logo is " + strconv.Itoa(fresco.MaxLogoBytes>>10) + " KB"}}}
	} else if r.PostFormValue("remove") == "" {
		data, err = readUpload(r)
	}
	version, perr := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if perr != nil {
		version = settings.Any
	}
	if err == nil {
		_, err = u.settings.SetLogo(r.Context(), settingsActor(viewerFrom(r.Context())), data, version)
	}
	if err != nil {
		set, gerr := u.settings.Get(r.Context())
		if gerr != nil {
			u.fail(w, r, gerr)
			return
		}
		u.settingsFailed(w, r, settingsValues(set), err)
		return
	}
	http.Redirect(w, r, "/settings?done=settings-saved", http.StatusSeeOther)
}

func readUpload(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("logo")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
			Fields: []fresco.FieldError{{Field: "logo", Message: "choose an image file"}}}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, fresco.MaxLogoBytes+1))
}

// settingsFailed shows the form again with what the owner typed: field
// errors beside their fields, a stale edit as the API says it (412).
func (u *UI) settingsFailed(w http.ResponseWriter, r *http.Request, values map[string]string, err error) {
	set, gerr := u.settings.Get(r.Context())
	if gerr != nil {
		u.fail(w, r, gerr)
		return
	}
	switch fresco.ErrorCode(err) {
	case fresco.EINVALID:
		errs := map[string]string{}
		for _, f := range fresco.ErrorFields(err) {
			field, _, _ := strings.Cut(f.Field, "[") // business_hours.monday[0].start → business_hours.monday
			if _, seen := errs[field]; !seen {
				errs[field] = f.Message
			}
		}
		u.renderSettings(w, r, http.StatusUnprocessableEntity, set, values, errs, "Please correct the fields marked below.")
	case fresco.ESTALE:
		// Keep what they typed, but against the settings as they are now.
		u.renderSettings(w, r, http.StatusPreconditionFailed, set, values, nil,
			sentence(fresco.ErrorMessage(err))+" Check the values below and save again.")
	default:
		u.fail(w, r, err)
	}
}

func (u *UI) renderSettings(w http.ResponseWriter, r *http.Request, status int, set fresco.Settings,
	values, errs map[string]string, problem string) {
	f := settingsForm{Values: values, Errors: errs, Problem: problem, Zones: commonZones, Version: set.Version}
	if set.LogoType != "" {
		f.Logo = "/logo?v=" + strconv.FormatInt(set.Version, 10)
	}
	for _, tag := range fresco.LocaleTags() {
		f.Locales = append(f.Locales, option{Value: tag, Label: localeLabels[tag], Selected: values["locale"] == tag})
	}
	for _, n := range []string{"0", "1", "2"} {
		f.Decimals = append(f.Decimals, option{Value: n, Label: n, Selected: values["currency.decimals"] == n})
	}
	for _, m := range fresco.CLVModels {
		label := modelWords[m]
		if m == value.ModelAuto {
			label = "Automatic: the best on a check against your own purchases"
		}
		f.CLVModels = append(f.CLVModels, option{Value: m, Label: label, Selected: values["clv_model"] == m})
	}
	for _, day := range weekOrder {
		name := "business_hours." + fresco.DayNames[day]
		f.Days = append(f.Days, settingsDay{Name: name, Label: strings.ToUpper(fresco.DayNames[day][:1]) + fresco.DayNames[day][1:],
			Value: values[name], Error: errs[name]})
	}
	u.render(w, r, status, "settings", "Settings", f)
}

// weekOrder lists the days as a European week, Monday first.
var weekOrder = []int{1, 2, 3, 4, 5, 6, 0}

func settingsFields() []string {
	fields := []string{"business_name", "currency.code", "currency.symbol", "currency.decimals", "time_zone", "locale", "brand_colour", "clv_model"}
	for _, d := range fresco.DayNames {
		fields = append(fields, "business_hours."+d)
	}
	for _, r := range sensitiveNoteChoices {
		fields = append(fields, "sensitive_notes."+string(r))
	}
	return append(fields, "suggestions_to_customers")
}

// sensitiveNoteChoices are the roles an owner may let see sensitive
// preference notes (owners always do).
var sensitiveNoteChoices = []fresco.Role{fresco.RoleManager, fresco.RoleAgent, fresco.RoleAnalyst}

// settingsValues are the stored settings as the form shows them.
func settingsValues(s fresco.Settings) map[string]string {
	v := map[string]string{"business_name": s.BusinessName, "currency.code": s.Currency.Code,
		"currency.symbol": s.Currency.Symbol, "currency.decimals": strconv.Itoa(s.Currency.Decimals),
		"time_zone": s.TimeZone, "locale": s.Locale, "brand_colour": s.BrandColour, "clv_model": s.CLVModel}
	for day, ranges := range s.Hours {
		parts := make([]string, len(ranges))
		for i, h := range ranges {
			parts[i] = h.Start + "–" + h.End
		}
		v["business_hours."+fresco.DayNames[day]] = strings.Join(parts, ", ")
	}
	for _, r := range sensitiveNoteChoices {
		if s.SeesSensitiveNotes(r) {
			v["sensitive_notes."+string(r)] = "on"
		}
	}
	if s.SuggestionsToCustomers {
		v["suggestions_to_customers"] = "on"
	}
	return v
}

// settingsFromForm reads the form; the hours of a day are written
// "09:00–12:30, 14:00–18:00", empty or "closed" for a closed day.
func settingsFromForm(values map[string]string) (fresco.Settings, *fresco.Validation) {
	var v fresco.Validation
	s := fresco.Settings{BusinessName: values["business_name"], TimeZone: values["time_zone"], Locale: values["locale"],
		BrandColour: strings.ToLower(values["brand_colour"]), CLVModel: values["clv_model"],
		Currency: fresco.Currency{Code: strings.ToUpper(values["currency.code"]), Symbol: values["currency.symbol"]}}
	s.SuggestionsToCustomers = values["suggestions_to_customers"] != ""
	s.SensitiveNoteRoles = []fresco.Role{fresco.RoleOwner}
	for _, r := range sensitiveNoteChoices {
		if values["sensitive_notes."+string(r)] != "" {
			s.SensitiveNoteRoles = append(s.SensitiveNoteRoles, r)
		}
	}
	d, err := strconv.Atoi(values["currency.decimals"])
	v.Check(err == nil, "currency.decimals", "must be 0, 1 or 2")
	s.Currency.Decimals = d
	for day, name := range fresco.DayNames {
		field := "business_hours." + name
		text := values[field]
		if text == "" || strings.EqualFold(text, "closed") {
			continue
		}
		for part := range strings.SplitSeq(text, ",") {
			start, end, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(part), "–", "-"), "-")
			if !ok {
				v.Add(field, "write each opening as 09:00–17:30, separated by commas; leave empty when closed")
				break
			}
			s.Hours[day] = append(s.Hours[day], fresco.OpenHours{Start: strings.TrimSpace(start), End: strings.TrimSpace(end)})
		}
	}
	return s, &v
}

func settingsActor(v *viewer) settings.Actor {
	return settings.Actor{Ref: "employee:" + strconv.FormatInt(v.ID, 10), Role: v.Role}
}
