package feedback_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Three topics of a hotel's comments, each sharing its nouns in varied
// sentences.
var (
	parkingComments = []string{
		"No parking space left in the hotel car park after six.",
		"The car park barrier ate my ticket, parking was a mess.",
		"Parking fees in the car park doubled since spring.",
		"Hotel car park too small, we had to find street parking.",
		"Car park lighting is poor and parking bays are tight.",
		"Valet parking lost our keys, the car park was chaos.",
		"Please add electric charging to the car park parking bays.",
		"The car park signs are confusing and parking is expensive.",
	}
	breakfastComments = []string{
		"Breakfast buffet ran out of eggs before nine.",
		"The breakfast coffee was lukewarm and weak.",
		"Breakfast room too crowded, no table for the buffet.",
		"Gluten free breakfast choices were missing.",
		"Breakfast pastries tasted stale this morning.",
		"The breakfast buffet had no fresh fruit.",
		"Breakfast started late and the coffee machine broke.",
		"Cold toast at breakfast again.",
	}
	checkInComments = []string{
		"Check in took forty minutes at reception.",
		"Reception lost our booking at check in.",
		"Only one person at reception for check in.",
		"Check in queue at reception went out the door.",
		"The check in kiosk at reception did not work.",
		"Slow check in, reception was understaffed.",
		"Early check in refused although reception promised it.",
		"Reception staff took ages with check in.",
	}
)

// plantThemes records uncategorised comments over two weeks: breakfast and
// check-in steady, parking from one comment last week to eight this week.
func plantThemes(t *testing.T, w *world) {
	t.Helper()
	now := w.clock.Now()
	record := func(comments []string, daysAgo int) {
		for _, c := range comments {
			_, err := w.svc.Record(context.Background(), &feedback.Input{Comment: c, ListeningPost: "web_form",
				RespondedAt: now.Add(-time.Duration(daysAgo)*24*time.Hour - time.Hour)})
			must(t, err)
		}
	}
	record(parkingComments[:1], 10)
	record(breakfastComments, 9)
	record(checkInComments, 11)
	record(parkingComments, 2)
	record(breakfastComments[:4], 3)
	record(checkInComments[:4], 4)
}

func parkingTheme(rep feedback.ThemeReport) (feedback.EmergingTheme, bool) {
	i := slices.IndexFunc(rep.Themes, func(th feedback.EmergingTheme) bool {
		return strings.Contains(th.Label+" "+strings.Join(th.Terms, " "), "park")
	})
	if i < 0 {
		return feedback.EmergingTheme{}, false
	}
	return rep.Themes[i], true
}

func TestThemesFromPlantedComments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		plantThemes(t, w)
		rep, err := w.svc.Themes(context.Background())
		must(t, err)
		if rep.Comments != 33 || rep.ThisWeek != 16 || rep.LastWeek != 17 {
			t.Fatalf("report counts %d comments, %d this week, %d last week", rep.Comments, rep.ThisWeek, rep.LastWeek)
		}
		park, ok := parkingTheme(rep)
		if !ok {
			t.Fatalf("no parking theme in %+v", rep.Themes)
		}
		if !park.Growing || park.ThisWeek < 6 || park.LastWeek > 1 || len(park.Examples) == 0 || park.Slug == "" {
			t.Errorf("parking theme %+v", park)
		}
		inThemes := 0
		for _, th := range rep.Themes {
			inThemes += th.Count
			if strings.Contains(th.Label, "breakfast") && th.Growing {
				t.Errorf("steady breakfast theme marked growing: %+v", th)
			}
		}
		if rep.Unthemed() != rep.Comments-inThemes || inThemes == 0 {
			t.Errorf("%d comments in no theme, %d in themes, of %d", rep.Unthemed(), inThemes, rep.Comments)
		}
	})
}

func TestGrowingThemeNotifiesOwnerOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		owner := &fresco.Employee{Email: "olive@example.com", Name: "Olive", Role: fresco.RoleOwner, Active: true}
		must(t, db.CreateEmployee(ctx, owner))
		w.svc = feedback.New(db, feedback.Options{Now: w.clock.Now, Notifier: notify.New(db, notify.Options{})})
		plantThemes(t, w)
		sent, err := w.svc.NotifyGrowingThemes(ctx)
		must(t, err)
		if sent < 1 {
			t.Fatalf("growing parking theme notified %d times", sent)
		}
		again, err := w.svc.NotifyGrowingThemes(ctx)
		must(t, err)
		if again != 0 {
			t.Errorf("second run notified %d more", again)
		}
		got, err := db.RecentNotifications(ctx, owner.ID, 10)
		must(t, err)
		if len(got) != sent || got[0].Event != notify.EventThemeGrowing || !strings.Contains(got[0].Subject, "park") {
			t.Errorf("owner's notifications %+v", got)
		}
	})
}

func TestMakeCategoryFromTheme(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		plantThemes(t, w)
		rep, err := w.svc.Themes(ctx)
		must(t, err)
		park, ok := parkingTheme(rep)
		if !ok {
			t.Fatal("no parking theme")
		}
		c := feedback.NewCategory{Slug: park.Slug, Name: "Parking", Keywords: park.Terms}
		_, err = w.svc.AddCategory(ctx, c, "employee:7")
		must(t, err)
		tax, err := w.svc.Taxonomy(ctx)
		must(t, err)
		if got, ok := tax.Lookup(park.Slug); !ok || got.Name != "Parking" || tax[len(tax)-1].Slug != park.Slug {
			t.Errorf("taxonomy after adding %q: %+v", park.Slug, tax)
		}
		if _, labels, err := w.svc.Suggest(ctx, "nowhere to park in the car park"); err != nil || !slices.Contains(labels, park.Slug) {
			t.Errorf("new category not suggested: %v, %v", labels, err)
		}
		audit, err := db.ListAudit(ctx, "feedback_category", park.Slug, 5)
		must(t, err)
		if len(audit) != 1 || audit[0].Actor != "employee:7" || audit[0].Action != "create" {
			t.Errorf("audit %+v", audit)
		}
		if _, err := w.svc.AddCategory(ctx, c, "employee:7"); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("adding it twice: %v", err)
		}
		if _, err := w.svc.AddCategory(ctx, feedback.NewCategory{Slug: "Not A Slug!", Name: "x"}, ""); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("bad slug: %v", err)
		}
	})
}

// TestThemesAreStoredUntilTheNextRefresh: Themes reads back the report the
// last refresh stored, not comments recorded since, and a refresh sees them.
func TestThemesAreStoredUntilTheNextRefresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		first, err := w.svc.Themes(ctx) // none stored: works them out (no comments yet)
		must(t, err)
		if first.Comments != 0 {
			t.Fatalf("themes of no comments: %+v", first)
		}
		plantThemes(t, w)
		stored, err := w.svc.Themes(ctx)
		must(t, err)
		if stored.Comments != 0 || !stored.To.Equal(first.To) {
			t.Fatalf("before a refresh, themes = %d comments as of %v; want the stored 0 as of %v", stored.Comments, stored.To, first.To)
		}
		fresh, err := w.svc.RefreshThemes(ctx)
		must(t, err)
		read, err := w.svc.Themes(ctx)
		must(t, err)
		if fresh.Comments != 33 || read.Comments != 33 || len(read.Themes) != len(fresh.Themes) {
			t.Fatalf("after a refresh: %d comments, read back %d with %d themes (want %d)", fresh.Comments, read.Comments, len(read.Themes), len(fresh.Themes))
		}
		if _, ok := parkingTheme(read); !ok {
			t.Errorf("no parking theme read back: %+v", read.Themes)
		}
	})
}
