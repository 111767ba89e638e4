package store_test

import (
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestInvitations covers survey invitations: the round trip, a dangling
// survey refused without a row, and an invitation used exactly once.
func TestInvitations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shop := w.location("Shop")
		ann := w.customer("Ann")
		staff := w.employee(fresco.RoleAgent, &shop)
		at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
		bought := w.purchase(&ann.ID, at, "9.00")
		post, err := db.ListeningPostBySlug(w.ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		survey := &fresco.Survey{Slug: "after-visit", Name: "After your visit", PostID: post.ID, Active: true}
		if err := db.CreateSurvey(w.ctx, survey); err != nil {
			t.Fatal(err)
		}

		expires := at.Add(7*24*time.Hour + 123456*time.Microsecond).In(time.FixedZone("NYC", -5*3600))
		inv := &fresco.Invitation{SurveyID: survey.ID, CustomerID: &ann.ID, PurchaseID: &bought.ID, EmployeeID: &staff.ID,
			LocationID: &shop, Channel: "email", ExpiresAt: expires}
		w.tx(func(tx *store.Tx) error { return tx.CreateInvitation(w.ctx, inv) })
		got, err := db.Invitation(w.ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SurveyID != survey.ID || *got.CustomerID != ann.ID || *got.PurchaseID != bought.ID || *got.EmployeeID != staff.ID ||
			*got.LocationID != shop || got.Channel != "email" || !got.ExpiresAt.Equal(expires) || got.ExpiresAt.Location() != time.UTC ||
			got.UsedAt != nil || got.ResponseID != nil {
			t.Errorf("invitation round trip = %+v", got)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.Invitation(w.ctx, 987654)))

		before := w.count("survey_invitations")
		err = db.InTx(w.ctx, func(tx *store.Tx) error {
			return tx.CreateInvitation(w.ctx, &fresco.Invitation{SurveyID: 987654, Channel: "link", ExpiresAt: expires})
		})
		if err == nil || w.count("survey_invitations") != before {
			t.Errorf("invitation to a missing survey: %v; rows %d → %d", err, before, w.count("survey_invitations"))
		}

		first, second := w.response(&ann.ID, 9), w.response(&ann.ID, 3)
		use := func(id, response int64) bool {
			t.Helper()
			var used bool
			w.tx(func(tx *store.Tx) error {
				var err error
				used, err = tx.UseInvitation(w.ctx, id, response, at.Add(time.Hour))
				return err
			})
			return used
		}
		if !use(inv.ID, first) {
			t.Fatal("a fresh invitation could not be used")
		}
		if use(inv.ID, second) {
			t.Error("an invitation was used twice")
		}
		if use(987654, second) {
			t.Error("a missing invitation was used")
		}
		got, _ = db.Invitation(w.ctx, inv.ID)
		if got.UsedAt == nil || !got.UsedAt.Equal(at.Add(time.Hour)) || got.ResponseID == nil || *got.ResponseID != first {
			t.Errorf("used invitation = %+v; want it used by response %d", got, first)
		}
	})
}

// TestContactFrequencyInputs covers what the contact-frequency rule reads:
// the latest contact on any channel (exact to the microsecond on both
// engines, whose MAX comes back as text on SQLite) and consent.
func TestContactFrequencyInputs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		bob := &fresco.Customer{Name: "Bob"}
		if err := db.CreateCustomer(w.ctx, bob); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
		latest := at.Add(36*time.Hour + 654321*time.Microsecond)
		w.tx(func(tx *store.Tx) error {
			if last, err := tx.LastContact(w.ctx, ann.ID); err != nil || last != nil {
				t.Errorf("last contact before any = %v, %v", last, err)
			}
			for _, c := range []struct {
				channel string
				at      time.Time
			}{{"link", at}, {"call", latest.In(time.FixedZone("Tokyo", 9*3600))}, {"email", at.Add(time.Hour)}} {
				if err := tx.RecordContact(w.ctx, ann.ID, c.channel, c.at); err != nil {
					return err
				}
			}
			last, err := tx.LastContact(w.ctx, ann.ID)
			if err != nil {
				return err
			}
			if last == nil || !last.Equal(latest) || last.Location() != time.UTC {
				t.Errorf("last contact of Ann = %v, want %v", last, latest)
			}
			if last, err := tx.LastContact(w.ctx, bob.ID); err != nil || last != nil {
				t.Errorf("last contact of Bob, never contacted = %v, %v", last, err)
			}

			for _, c := range []struct {
				id              int64
				consent, exists bool
			}{{ann.ID, true, true}, {bob.ID, false, true}, {987654, false, false}} {
				consent, exists, err := tx.CustomerConsent(w.ctx, c.id)
				if err != nil {
					return err
				}
				if consent != c.consent || exists != c.exists {
					t.Errorf("consent of customer %d = %v (exists %v), want %v (exists %v)", c.id, consent, exists, c.consent, c.exists)
				}
			}
			return nil
		})
		before := w.count("customer_contacts")
		err := db.InTx(w.ctx, func(tx *store.Tx) error { return tx.RecordContact(w.ctx, 987654, "link", at) })
		if err == nil || w.count("customer_contacts") != before {
			t.Errorf("contact with a missing customer: %v; rows %d → %d", err, before, w.count("customer_contacts"))
		}
	})
}
