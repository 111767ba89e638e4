package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// Emerging themes: what the comments nobody has categorised yet are about,
// found by text.FindThemes over the last two weeks, so that staff see a new
// subject before anybody has made a category for it.

const (
	// themeWeek is the period whose growth is tested: this week against
	// the week before.
	themeWeek = 7 * 24 * time.Hour
	// maxThemeComments bounds the comments clustered, the newest first.
	maxThemeComments = 2000
	// JobThemeWatch looks for growing themes and tells the owners.
	JobThemeWatch = "feedback.theme_watch"
	// settingThemeAlerts remembers when each theme last notified, so a
	// theme that keeps growing does not notify every run.
	settingThemeAlerts = "feedback.themes.notified"
	// themeRenotifyAfter is how long a theme stays quiet after notifying.
	themeRenotifyAfter = 30 * 24 * time.Hour
	// JobThemesRefresh works the themes out for Themes every
	// themesRefreshEvery; themesSnapshot names them among the stored reports.
	JobThemesRefresh   = "feedback.themes_refresh"
	themesRefreshEvery = 15 * time.Minute
	themesSnapshot     = "feedback.themes"
)

// ThemeReport is the emerging themes among recent uncategorised comments.
type ThemeReport struct {
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	Comments int             `json:"comments"`  // uncategorised comments in [From, To)
	ThisWeek int             `json:"this_week"` // of which in the last seven days
	LastWeek int             `json:"last_week"` // of which in the seven days before
	Themes   []EmergingTheme `json:"themes"`
}

// Unthemed is how many of the report's comments are in no theme: they
// share too little with the others (text.FindThemes).
func (r ThemeReport) Unthemed() int {
	n := r.Comments
	for _, t := range r.Themes {
		n -= t.Count
	}
	return n
}

// EmergingTheme is one theme with its week-over-week trend.
type EmergingTheme struct {
	Label    string   `json:"label"`
	Terms    []string `json:"terms"`
	Count    int      `json:"count"`
	ThisWeek int      `json:"this_week"`
	LastWeek int      `json:"last_week"`
	// Z is the two-proportion z of the theme's share this week against
	// last week; Growing is true when that rise is significant (one-sided
	// 95%) with enough comments to matter.
	Z        float64        `json:"z"`
	Growing  bool           `json:"growing"`
	Examples []ThemeExample `json:"examples"`
	// Slug is the category slug "make this a category" proposes.
	Slug string `json:"slug"`
}

// ThemeExample is a comment that shows what a theme is about.
type ThemeExample struct {
	ResponseID int64  `json:"response_id"`
	Comment    string `json:"comment"`
}

// Themes is the emerging themes of the uncategorised comments of the two
// weeks up to its last background refresh (ThemeReport.To), largest
// first. It reads one stored row, from the read replica if there is one:
// clustering the up to maxThemeComments comments costs about 0.4 s of CPU
// (eight k-means starts over 2,000 comments) once the window holds that
// many (a million customers), too much for every view of the comments page. Before the first refresh it refreshes, on the primary.
func (s *Service) Themes(ctx context.Context) (ThemeReport, error) {
	body, at, err := s.db.Reports().ReportSnapshot(ctx, themesSnapshot)
	if err != nil {
		return ThemeReport{}, err
	}
	if at.IsZero() {
		return s.RefreshThemes(ctx)
	}
	var rep ThemeReport
	if err := json.Unmarshal(body, &rep); err != nil {
		return ThemeReport{}, fmt.Errorf("stored themes: %w", err)
	}
	return rep, nil
}

// RefreshThemes finds the themes as of now and stores them for Themes.
func (s *Service) RefreshThemes(ctx context.Context) (ThemeReport, error) {
	rep, err := s.findThemes(ctx)
	if err != nil {
		return rep, err
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, themesSnapshot, body, rep.To)
	return rep, err
}

// findThemes clusters the uncategorised comments of the last two weeks
// into themes, largest first.
func (s *Service) findThemes(ctx context.Context) (ThemeReport, error) {
	to := s.now()
	rep := ThemeReport{From: to.Add(-2 * themeWeek), To: to, Themes: []EmergingTheme{}}
	recent, err := s.uncategorisedSince(ctx, rep.From, rep.To)
	if err != nil || len(recent) == 0 {
		return rep, err
	}
	split := to.Add(-themeWeek)
	comments := make([]string, len(recent))
	for i, r := range recent {
		comments[i] = r.Comment
		if r.RespondedAt.Before(split) {
			rep.LastWeek++
		} else {
			rep.ThisWeek++
		}
	}
	rep.Comments = len(recent)
	for _, t := range text.FindThemes(comments, text.ThemeOptions{}) {
		rep.Themes = append(rep.Themes, emergingTheme(t, recent, split, rep))
	}
	return rep, nil
}

func emergingTheme(t text.Theme, recent []*fresco.Response, split time.Time, rep ThemeReport) EmergingTheme {
	e := EmergingTheme{Label: t.Label, Terms: t.Terms, Count: len(t.Members), Slug: slugOf(t.Label)}
	for _, i := range t.Members {
		if recent[i].RespondedAt.Before(split) {
			e.LastWeek++
		} else {
			e.ThisWeek++
		}
	}
	e.Z, e.Growing = text.ThemeGrowth(e.LastWeek, rep.LastWeek, e.ThisWeek, rep.ThisWeek)
	for _, i := range t.Examples {
		e.Examples = append(e.Examples, ThemeExample{ResponseID: recent[i].ID, Comment: recent[i].Comment})
	}
	return e
}

// uncategorisedSince reads the comments staff have not categorised in
// [from, to), newest first, at most maxThemeComments.
func (s *Service) uncategorisedSince(ctx context.Context, from, to time.Time) ([]*fresco.Response, error) {
	unlabelled := false
	f := store.ResponseFilter{From: from, To: to, Labelled: &unlabelled, WithComment: true, Limit: 1000}
	var out []*fresco.Response
	for len(out) < maxThemeComments {
		page, next, err := s.db.ListResponses(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out[:min(len(out), maxThemeComments)], nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slugOf makes a category slug of a theme label: "waiting time" →
// "waiting-time".
func slugOf(label string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(label), "-"), "-")
}

// NewCategory is a category made from a theme (or by hand).
type NewCategory struct {
	Slug        string   `json:"slug,omitempty" maxLength:"64" doc:"Lower-case words joined by hyphens; defaults to the name's."`
	Name        string   `json:"name" maxLength:"200"`
	Description string   `json:"description,omitempty" maxLength:"2000"`
	Keywords    []string `json:"keywords,omitempty" maxItems:"50" doc:"Words or phrases that suggest the category until the classifier has learned it."`
}

// AddCategory appends a category to the taxonomy and audits it in the same
// transaction. The keywords suggest it until the classifier has learned it
// from staff labels.
func (s *Service) AddCategory(ctx context.Context, c NewCategory, actor string) (text.Category, error) {
	c.Slug, c.Name = strings.TrimSpace(c.Slug), strings.TrimSpace(c.Name)
	if c.Slug == "" {
		c.Slug = slugOf(c.Name)
	}
	cat := text.Category{Slug: c.Slug, Name: c.Name, Description: strings.TrimSpace(c.Description), Keywords: c.Keywords}
	if err := (text.Taxonomy{cat}).Validate(); err != nil {
		return cat, fresco.Errorf(fresco.EINVALID, "%s", err.Error())
	}
	if _, err := s.Taxonomy(ctx); err != nil { // seed the defaults before adding to them
		return cat, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddFeedbackCategory(ctx, fresco.FeedbackCategory{Slug: cat.Slug, Name: cat.Name,
			Description: cat.Description, Keywords: cat.Keywords}); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "create", "feedback_category", cat.Slug, cat)
	})
	if err != nil {
		return cat, err
	}
	s.forgetLoadedClassifier()
	return cat, nil
}

func actorOr(actor string) string {
	if actor == "" {
		return "staff"
	}
	return actor
}

// NotifyGrowingThemes tells the owners about each theme that grew
// significantly this week, once per theme in themeRenotifyAfter. It
// returns how many themes it notified about.
func (s *Service) NotifyGrowingThemes(ctx context.Context) (int, error) {
	if s.opts.Notifier == nil {
		return 0, nil
	}
	rep, err := s.RefreshThemes(ctx)
	if err != nil {
		return 0, err
	}
	owners, err := s.db.ActiveEmployeeIDs(ctx, string(fresco.RoleOwner))
	if err != nil {
		return 0, err
	}
	sent := 0
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		sent, err = s.notifyUnannounced(ctx, tx, rep, owners)
		return err
	})
	if err == nil && sent > 0 {
		s.opts.Notifier.Wake()
	}
	return sent, err
}

// notifyUnannounced notifies the owners, within tx, of each growing theme
// that has not notified in themeRenotifyAfter, and remembers that it did.
func (s *Service) notifyUnannounced(ctx context.Context, tx *store.Tx, rep ThemeReport, owners []int64) (int, error) {
	notified, err := themeAlerts(ctx, tx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, t := range rep.Themes {
		if !t.Growing || rep.To.Sub(notified[t.Label]) < themeRenotifyAfter {
			continue
		}
		if _, err := s.opts.Notifier.Notify(ctx, tx, themeNotification(t, owners)); err != nil {
			return 0, err
		}
		notified[t.Label] = rep.To
		sent++
	}
	// Forget themes that may notify again, so the list stays short.
	maps.DeleteFunc(notified, func(_ string, at time.Time) bool { return rep.To.Sub(at) >= themeRenotifyAfter })
	raw, _ := json.Marshal(notified)
	return sent, tx.SetSetting(ctx, settingThemeAlerts, string(raw))
}

func themeAlerts(ctx context.Context, tx *store.Tx) (map[string]time.Time, error) {
	notified := map[string]time.Time{}
	raw, ok, err := tx.Setting(ctx, settingThemeAlerts)
	if err != nil || !ok {
		return notified, err
	}
	if err := json.Unmarshal([]byte(raw), &notified); err != nil {
		return nil, fmt.Errorf("theme alerts: %w", err)
	}
	return notified, nil
}

func themeNotification(t EmergingTheme, owners []int64) notify.Notification {
	return notify.Notification{Event: notify.EventThemeGrowing, EmployeeIDs: owners,
		Subject: fmt.Sprintf("Comments about “%s” are growing", t.Label),
		Body: fmt.Sprintf("%d uncategorised comments about “%s” this week, %d the week before. Consider making it a category.",
			t.ThisWeek, t.Label, t.LastWeek),
		Link: "/feedback/comments#themes",
		Data: map[string]any{"theme": t.Label, "terms": t.Terms, "this_week": t.ThisWeek, "last_week": t.LastWeek, "z": t.Z}}
}

// registerThemeJobs schedules the theme watch every interval and the
// stored themes' refresh every themesRefreshEvery.
func (s *Service) registerThemeJobs(q *jobs.Queue, interval time.Duration) {
	q.Register(JobThemeWatch, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.NotifyGrowingThemes(ctx)
		return err
	})
	q.Every(JobThemeWatch, interval)
	q.Register(JobThemesRefresh, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.RefreshThemes(ctx)
		return err
	})
	q.Every(JobThemesRefresh, themesRefreshEvery)
}
