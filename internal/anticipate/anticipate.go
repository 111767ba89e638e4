// Package anticipate is anticipatory service with consent (issue 15,
// items 1 and 2): what staff remember of how a customer likes to be served
// (preference notes, preferences.go), the next best actions worked out
// from what the customer did (actions.go, rules.go), and the "before you
// serve" card that puts both in front of whoever meets the customer
// (card.go).
//
// Who may do what: everyone reads notes and actions; owners, managers and
// agents write notes and mark actions done or dismissed. A note marked
// sensitive (health, family) is shown only to the roles the owner allows
// in the settings (owners and managers unless changed): to anyone else it
// does not exist (a change to it is "not found"), and lists say only how
// many they cannot see.
package anticipate

import (
	"context"
	"log/slog"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// DefaultSnooze is how long a dismissed or done action stays off a
// customer's list.
const DefaultSnooze = 90 * 24 * time.Hour

// Options configure the service. Zero values are the defaults.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// Settings are the business's current settings: the roles that see
	// sensitive notes, the zone whose calendar expiry dates are in and the
	// formats of dates in reasons. nil: the defaults.
	Settings func(context.Context) fresco.Settings
	// Format writes dates the business's way (settings.Service.Formatter);
	// nil: a formatter of Settings.
	Format func(context.Context) fresco.Formatter
	// Snooze is how long a dismissed or done action stays away (DefaultSnooze).
	Snooze time.Duration
}

// Service keeps preference notes and works out next best actions.
type Service struct {
	db   *store.DB
	opts Options
	log  *slog.Logger
}

// New returns the service over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Settings == nil {
		opts.Settings = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	if opts.Format == nil {
		settings := opts.Settings
		opts.Format = func(ctx context.Context) fresco.Formatter { return fresco.NewFormatter(settings(ctx)) }
	}
	if opts.Snooze <= 0 {
		opts.Snooze = DefaultSnooze
	}
	return &Service{db: db, opts: opts, log: opts.Logger.With("component", "anticipate")}
}

// Snooze is how long a dismissed or done action stays off the list.
func (s *Service) Snooze() time.Duration { return s.opts.Snooze }

// now is the service's clock in UTC.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// today is the current civil day in the business's zone, as a UTC
// midnight (the form expiry dates are kept in).
func (s *Service) today(ctx context.Context) time.Time {
	return civilDay(s.now(), s.format(ctx).Zone)
}

func civilDay(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Service) format(ctx context.Context) fresco.Formatter {
	return s.opts.Format(ctx)
}

func forbidden(format string, args ...any) error {
	return fresco.Errorf(fresco.EFORBIDDEN, format, args...)
}
