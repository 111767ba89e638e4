// Package settings owns the business's settings: name, logo, currency, time
// zone, locale and opening hours (fresco.Settings). Every change is checked
// and audited in its own transaction, and written only if nobody changed
// the settings since the caller read them.
//
// Pages, e-mails and CSV files read the settings on every use, so the
// service keeps the current ones in memory: a change made on this server
// shows at once, one made on another replica within CacheFor.
package settings

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/sla"
	"github.com/fresco-cx/fresco/internal/store"
)

// The settings rows. The logo has its own row so that reading the settings
// for a page does not read an image.
const (
	keySettings = "business"
	keyLogo     = "business.logo"
)

// Any, as the version a change expects, lets it overwrite whatever is
// stored.
const Any int64 = -1

// CacheFor is how long a replica may show settings another replica has
// changed since.
const CacheFor = 5 * time.Second

// Actor is who changes the settings.
type Actor struct {
	Ref  string      // the audit log's name: "employee:12", "token:3", "cli"
	Role fresco.Role // only an owner may change settings
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

// Service reads and changes the settings.
type Service struct {
	db  *store.DB
	log *slog.Logger
	now func() time.Time
	cur atomic.Pointer[snapshot]
}

// snapshot is the settings as last read, with their formatter built once.
type snapshot struct {
	settings fresco.Settings
	format   fresco.Formatter
	read     time.Time
}

// New returns the service over db.
func New(db *store.DB, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, log: o.Logger, now: o.Now}
}

// Get reads the settings from the database: the defaults until an owner
// changes them.
func (s *Service) Get(ctx context.Context) (fresco.Settings, error) {
	raw, found, err := s.db.Setting(ctx, keySettings)
	if err != nil {
		return fresco.Settings{}, err
	}
	set, err := decode(raw, found)
	if err == nil {
		s.remember(set)
	}
	return set, err
}

// Current returns the settings for showing things: from memory when read
// within CacheFor, else from the database. It never fails: when the
// database cannot be read it logs and returns the last settings read (the
// defaults if none were), because a page is better in UTC than not at all.
func (s *Service) Current(ctx context.Context) fresco.Settings { return s.snapshot(ctx).settings }

// Formatter returns the formatter of the current settings.
func (s *Service) Formatter(ctx context.Context) fresco.Formatter { return s.snapshot(ctx).format }

func (s *Service) snapshot(ctx context.Context) *snapshot {
	snap := s.cur.Load()
	if snap != nil && s.now().Sub(snap.read) < CacheFor && s.now().Sub(snap.read) >= 0 {
		return snap
	}
	if _, err := s.Get(ctx); err != nil {
		s.log.WarnContext(ctx, "settings: read", "err", err)
		if snap == nil {
			snap = s.remember(fresco.DefaultSettings())
		}
		return snap
	}
	return s.cur.Load()
}

func (s *Service) remember(set fresco.Settings) *snapshot {
	snap := &snapshot{settings: set, format: fresco.NewFormatter(set), read: s.now()}
	s.cur.Store(snap)
	return snap
}

// Update replaces the settings with in, except the logo (SetLogo), if the
// stored settings are still at version (Any: whatever they are). It returns the settings as stored.
func (s *Service) Update(ctx context.Context, actor Actor, in fresco.Settings, version int64) (fresco.Settings, error) {
	if err := allowed(actor); err != nil {
		return fresco.Settings{}, err
	}
	in.Hours = tidyHours(in.Hours)
	var out fresco.Settings
	err := s.change(ctx, actor, version, "settings.update", func(cur fresco.Settings) (fresco.Settings, error) {
		in.LogoType = cur.LogoType
		if in.SensitiveNoteRoles == nil { // left out: as they were
			in.SensitiveNoteRoles = cur.SensitiveNoteRoles
		}
		if in.CLVModel == "" { // left out: as it was
			in.CLVModel = cur.CLVModel
		}
		if err := in.Validate(); err != nil { // before withOwner: an error names the index as sent
			return in, err
		}
		in.SensitiveNoteRoles = withOwner(in.SensitiveNoteRoles)
		return in, nil
	}, &out, nil)
	return out, err
}

// SetLogo stores the logo image (nil data removes it) if the settings are
// still at version. The type is read from the bytes, not trusted from the
// upload.
func (s *Service) SetLogo(ctx context.Context, actor Actor, data []byte, version int64) (fresco.Settings, error) {
	if err := allowed(actor); err != nil {
		return fresco.Settings{}, err
	}
	var v fresco.Validation
	kind := ""
	if data != nil {
		kind = http.DetectContentType(data)
		v.Check(len(data) > 0, "logo", "the file is empty")
		v.Check(len(data) <= fresco.MaxLogoBytes, "logo", "is %d KB; the largest logo is %d KB", (len(data)+1023)/1024, fresco.MaxLogoBytes/1024)
		v.Check(slices.Contains(fresco.LogoTypes, kind), "logo", "must be a PNG, JPEG, GIF or WebP image")
	}
	if err := v.Err(); err != nil {
		return fresco.Settings{}, err
	}
	var out fresco.Settings
	logo := base64.StdEncoding.EncodeToString(data)
	err := s.change(ctx, actor, version, "settings.logo", func(cur fresco.Settings) (fresco.Settings, error) {
		cur.LogoType = kind
		return cur, nil
	}, &out, func(tx *store.Tx) error { return tx.SetSetting(ctx, keyLogo, logo) })
	return out, err
}

// Logo returns the logo's type and bytes, or ENOTFOUND when there is none.
func (s *Service) Logo(ctx context.Context) (string, []byte, error) {
	set, err := s.Get(ctx)
	if err != nil {
		return "", nil, err
	}
	raw, found, err := s.db.Setting(ctx, keyLogo)
	if err != nil {
		return "", nil, err
	}
	data, decodeErr := base64.StdEncoding.DecodeString(raw)
	if !found || set.LogoType == "" || decodeErr != nil || len(data) == 0 {
		return "", nil, fresco.Errorf(fresco.ENOTFOUND, "there is no logo")
	}
	return set.LogoType, data, nil
}

// Calendar returns the SLA calendar of the business hours: what an SLA
// policy without a calendar of its own runs on.
func (s *Service) Calendar(ctx context.Context) (sla.Calendar, error) {
	set, err := s.Get(ctx)
	if err != nil {
		return sla.Calendar{}, err
	}
	return CalendarOf(set)
}

// CalendarOf is the SLA calendar of the settings' zone and opening hours.
func CalendarOf(set fresco.Settings) (sla.Calendar, error) {
	loc, err := fresco.LoadZone(set.TimeZone)
	if err != nil {
		return sla.Calendar{}, err
	}
	c := sla.Calendar{Location: loc}
	for day, ranges := range set.Hours {
		for _, r := range ranges {
			start, _ := fresco.ClockMinutes(r.Start) // validated when stored
			end, _ := fresco.ClockMinutes(r.End)
			c.Weekly[day] = append(c.Weekly[day], sla.Interval{Start: sla.TimeOfDay(start), End: sla.TimeOfDay(end)})
		}
	}
	return c, c.Validate()
}

// change applies edit to the stored settings in one transaction: checks the
// version, writes them only if nobody wrote in between, runs also (if any)
// and records the audit entry, then remembers the result.
func (s *Service) change(ctx context.Context, actor Actor, version int64, action string,
	edit func(fresco.Settings) (fresco.Settings, error), out *fresco.Settings, also func(*store.Tx) error) error {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		raw, found, err := tx.Setting(ctx, keySettings)
		if err != nil {
			return err
		}
		cur, err := decode(raw, found)
		if err != nil {
			return err
		}
		if version != Any && version != cur.Version {
			return stale(version, cur.Version)
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		next.Version, next.UpdatedAt, next.UpdatedBy = cur.Version+1, s.now().UTC().Truncate(time.Second), actor.Ref
		encoded, err := json.Marshal(toJSON(next))
		if err != nil {
			return err
		}
		var old *string
		if found {
			old = &raw
		}
		wrote, err := tx.SwapSetting(ctx, keySettings, old, string(encoded))
		if err != nil {
			return err
		}
		if !wrote { // another change committed between our read and write
			return stale(version, cur.Version+1)
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		*out = next
		return tx.Audit(ctx, actor.Ref, action, "settings", keySettings, toJSON(next))
	})
	if err == nil {
		s.remember(*out)
	}
	return err
}

func allowed(actor Actor) error {
	if !actor.Role.CanManageUsers() {
		return fresco.Errorf(fresco.EFORBIDDEN, "only an owner may change the settings")
	}
	return nil
}

func stale(expected, current int64) error {
	return &fresco.Error{Code: fresco.ESTALE,
		Message: "the settings have changed since you read them; nothing was written",
		Fields: []fresco.FieldError{{Field: "version",
			Message: "version " + strconv.FormatInt(expected, 10) + " is not the current one, " + strconv.FormatInt(current, 10) + ": read the settings again and redo your change"}}}
}

// withOwner puts the owner first among the roles that see sensitive
// notes (owners always do) and drops repeats.
func withOwner(roles []fresco.Role) []fresco.Role {
	out := []fresco.Role{fresco.RoleOwner}
	for _, r := range roles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// tidyHours drops nil days' differences: an empty day is closed however it
// came (null, [] or missing).
func tidyHours(h [7][]fresco.OpenHours) [7][]fresco.OpenHours {
	for day := range h {
		if len(h[day]) == 0 {
			h[day] = nil
		}
	}
	return h
}

// stored is the settings row's JSON.
type stored struct {
	Version      int64                         `json:"version"`
	BusinessName string                        `json:"business_name"`
	Currency     storedCurrency                `json:"currency"`
	TimeZone     string                        `json:"time_zone"`
	Locale       string                        `json:"locale"`
	Hours        map[string][]fresco.OpenHours `json:"business_hours"`
	LogoType     string                        `json:"logo_type,omitempty"`
	BrandColour  string                        `json:"brand_colour,omitempty"`
	// SensitiveNoteRoles is absent in settings stored before it existed:
	// the default then.
	SensitiveNoteRoles     []fresco.Role `json:"sensitive_note_roles,omitempty"`
	SuggestionsToCustomers bool          `json:"suggestions_to_customers,omitempty"`
	// CLVModel is absent before it existed: auto then.
	CLVModel  string    `json:"clv_model,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

type storedCurrency struct {
	Code     string `json:"code"`
	Symbol   string `json:"symbol"`
	Decimals int    `json:"decimals"`
}

func toJSON(s fresco.Settings) stored {
	out := stored{Version: s.Version, BusinessName: s.BusinessName, TimeZone: s.TimeZone, Locale: s.Locale,
		Currency: storedCurrency(s.Currency), Hours: map[string][]fresco.OpenHours{}, LogoType: s.LogoType, BrandColour: s.BrandColour,
		SensitiveNoteRoles: s.SensitiveNoteRoles, SuggestionsToCustomers: s.SuggestionsToCustomers, CLVModel: s.CLVModel, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}
	for day, ranges := range s.Hours {
		if len(ranges) > 0 {
			out.Hours[fresco.DayNames[day]] = ranges
		}
	}
	return out
}

func decode(raw string, found bool) (fresco.Settings, error) {
	if !found {
		return fresco.DefaultSettings(), nil
	}
	var in stored
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return fresco.Settings{}, errors.New("settings: the stored settings are not JSON: " + err.Error())
	}
	out := fresco.Settings{Version: in.Version, BusinessName: in.BusinessName, Currency: fresco.Currency(in.Currency),
		TimeZone: in.TimeZone, Locale: in.Locale, LogoType: in.LogoType, BrandColour: in.BrandColour, UpdatedAt: in.UpdatedAt, UpdatedBy: in.UpdatedBy,
		SensitiveNoteRoles: in.SensitiveNoteRoles, SuggestionsToCustomers: in.SuggestionsToCustomers, CLVModel: in.CLVModel}
	if out.SensitiveNoteRoles == nil {
		out.SensitiveNoteRoles = slices.Clone(fresco.DefaultSensitiveNoteRoles)
	}
	if out.CLVModel == "" {
		out.CLVModel = "auto"
	}
	for day, name := range fresco.DayNames {
		out.Hours[day] = in.Hours[name]
	}
	return out, nil
}
