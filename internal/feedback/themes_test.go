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

var (
	parkingComments = []string{
		"The car park was full and parking cost a fortune.",
		"Could not find parking anywhere near the car park entrance.",
		"Parking charges in the car park are far too high.",
		"The car park needs more disabled parking spaces.",
		"Spent twenty minutes looking for parking in the car park.",
		"Car park barriers broken again, parking was chaos.",
		"Free parking for blue badge holders in the car park please.",
		"Parking attendant in the car park was unhelpful.",
	}
	foodComments = []string{
		"The hospital food was cold and tasteless.",
		"Hospital food arrived cold every evening.",
		"Hot food would be nice, the hospital food was cold.",
		"Vegetarian hospital food options were poor and cold.",
		"The hospital food portions were tiny and cold.",
		"Cold hospital food again at lunch.",
		"Better hospital food please, it is always cold.",
		"Breakfast was fine but the hospital food at dinner was cold.",
	}
	waitingComments = []string{
		"The waiting time in clinic was three hours.",
		"Long waiting time before the appointment started.",
		"Waiting time for a referral was six months.",
		"Reduce the waiting time in the clinic please.",
		"Our waiting time in the clinic was ridiculous.",
		"The waiting time to see a doctor was far too long.",
		"Clinic waiting time is getting worse every visit.",
		"Waiting time for results was two weeks.",
	}
)

// plantThemes records uncategorised comments over two weeks: food and
// waiting steady, parking from one comment last week to eight this week.
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
	record(foodComments, 9)
	record(waitingComments, 11)
	record(parkingComments, 2)
	record(foodComments[:4], 3)
	record(waitingComments[:4], 4)
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
		for _, th := range rep.Themes {
			if strings.Contains(th.Label, "food") && th.Growing {
				t.Errorf("steady food theme marked growing: %+v", th)
			}
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

func TestRollbackIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		labelComments(t, w, waitingAndPrice)
		for range 2 {
			_, err := w.svc.TrainClassifier(ctx)
			must(t, err)
		}
		must(t, w.svc.RollbackClassifier(ctx, 1, "employee:3"))
		audit, err := db.ListAudit(ctx, "feedback_classifier", "1", 5)
		must(t, err)
		if len(audit) != 1 || audit[0].Actor != "employee:3" || audit[0].Action != "rollback" {
			t.Errorf("audit %+v", audit)
		}
	})
}
