package prefs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/prefs"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func customer(t *testing.T, db *store.DB, name string) *fresco.Customer {
	t.Helper()
	c := &fresco.Customer{Name: name, Email: strings.ToLower(name) + "@example.com",
		ConsentSurveys: true, ConsentMarketing: true, ConsentPersonalisation: true}
	must(t, db.CreateCustomer(context.Background(), c))
	return c
}

// A link opens only as signed: altered, truncated, signed by another key or
// for a customer who is gone, it is ErrLinkInvalid (a 404), never another
// customer's page.
func TestForgedLinksAreRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := prefs.New(db)
		ada, bea := customer(t, db, "Ada"), customer(t, db, "Bea")
		token, err := svc.Token(ada.ID, prefs.ScopeAll)
		must(t, err)
		c, l, err := svc.Open(ctx, token)
		if err != nil || c.ID != ada.ID || l.Scope != prefs.ScopeAll {
			t.Fatalf("Open = %v, %+v, %v", c, l, err)
		}
		beaToken, _ := svc.Token(bea.ID, prefs.ScopeSurveys)
		otherKeys, err := secret.ParseKeys(secret.NewKey())
		must(t, err)
		forged := []string{"", "x", token[:len(token)-1], token + "A", token[:5] + beaToken[5:],
			prefs.Token(otherKeys, ada.ID, prefs.ScopeAll)}
		for i := range token {
			c := byte('A')
			if token[i] == 'A' {
				c = 'B'
			}
			forged = append(forged, token[:i]+string(c)+token[i+1:])
		}
		for _, bad := range forged {
			if _, _, err := svc.Open(ctx, bad); err != prefs.ErrLinkInvalid {
				t.Fatalf("Open(%q) = %v, want ErrLinkInvalid", bad, err)
			}
			if _, _, err := svc.Unsubscribe(ctx, bad); err != prefs.ErrLinkInvalid {
				t.Fatalf("Unsubscribe(%q) = %v, want ErrLinkInvalid", bad, err)
			}
		}
		// An erased customer's old links lead nowhere.
		_, err = portable.EraseCustomer(ctx, db, "employee:1", ada.ID)
		must(t, err)
		if _, _, err := svc.Open(ctx, token); err != prefs.ErrLinkInvalid {
			t.Errorf("erased customer's link: %v", err)
		}
		if got, _ := db.Customer(ctx, bea.ID); !got.ConsentSurveys || !got.ConsentMarketing {
			t.Errorf("a forged link changed Bea: %+v", got)
		}
	})
}

// One-click unsubscribe from a survey invitation turns consent_surveys off
// at once (marketing stays), audited as the customer; a later invitation
// to that customer is refused by consent. A link from other mail turns
// off marketing too.
func TestUnsubscribeTurnsConsentOffAndInvitationsStop(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := prefs.New(db)
		fb := feedback.New(db, feedback.Options{})
		post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
		must(t, err)
		sv := &fresco.Survey{Slug: "stay", Name: "Your stay", PostID: post.ID, PostSlug: post.Slug, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: feedback.TypeNPS, Text: "Recommend us?"}}}
		must(t, fb.CreateSurvey(ctx, sv, "employee:1"))
		ada, bea := customer(t, db, "Ada"), customer(t, db, "Bea")

		token, _ := svc.Token(ada.ID, prefs.ScopeOf(fresco.EmailPurposeInvitation))
		got, l, err := svc.Unsubscribe(ctx, token)
		must(t, err)
		if l.Scope != prefs.ScopeSurveys || got.ConsentSurveys || !got.ConsentMarketing {
			t.Fatalf("after unsubscribing from surveys: scope %c, %+v", l.Scope, got)
		}
		stored, _ := db.Customer(ctx, ada.ID)
		if stored.ConsentSurveys || !stored.ConsentMarketing || !stored.ConsentPersonalisation {
			t.Fatalf("stored %+v", stored)
		}
		_, err = fb.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, CustomerID: &ada.ID, Channel: "email"})
		if fresco.ErrorCode(err) != fresco.ECONFLICT || !strings.Contains(err.Error(), "consent_surveys") {
			t.Fatalf("invitation after unsubscribing: %v, want refused by consent", err)
		}
		audit, err := db.ListAuditPage(ctx, store.AuditFilter{Entity: "customer", EntityID: fmt.Sprint(ada.ID)})
		must(t, err)
		if len(audit) != 1 || audit[0].Actor != fmt.Sprintf("customer:%d", ada.ID) || audit[0].Action != "customer.unsubscribe" {
			t.Fatalf("audit %+v", audit)
		}
		// Again: nothing more changes, nothing more is recorded.
		_, _, err = svc.Unsubscribe(ctx, token)
		must(t, err)
		if audit, _ := db.ListAuditPage(ctx, store.AuditFilter{Entity: "customer", EntityID: fmt.Sprint(ada.ID)}); len(audit) != 1 {
			t.Errorf("a second unsubscribe recorded %d entries", len(audit))
		}

		other, _ := svc.Token(bea.ID, prefs.ScopeOf(fresco.EmailPurposeCaseReply))
		_, _, err = svc.Unsubscribe(ctx, other)
		must(t, err)
		if b, _ := db.Customer(ctx, bea.ID); b.ConsentSurveys || b.ConsentMarketing || !b.ConsentPersonalisation {
			t.Errorf("after unsubscribing from a reply: %+v, want surveys and marketing off", b)
		}
	})
}

// The preference page's choices are stored and read back, audited as the
// customer; an unknown language is refused naming the field, and changes
// nothing.
func TestPreferencesRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := prefs.New(db)
		ada := customer(t, db, "Ada")
		token, _ := svc.Token(ada.ID, prefs.ScopeAll)
		want := prefs.Choices{Surveys: true, Marketing: false, Personalisation: false, Locale: "de"}
		_, err := svc.Update(ctx, token, want)
		must(t, err)
		c, _, err := svc.Open(ctx, token)
		must(t, err)
		if got := prefs.ChoicesOf(c); got != want {
			t.Fatalf("read back %+v, want %+v", got, want)
		}
		if w := prefs.WordsFor(c.Locale, "en-GB"); w.Lang != "de" {
			t.Errorf("words for a German customer: %q", w.Lang)
		}
		_, err = svc.Update(ctx, token, prefs.Choices{Locale: "xx"})
		if fields := fresco.ErrorFields(err); len(fields) != 1 || fields[0].Field != "locale" {
			t.Fatalf("unknown language: %v", err)
		}
		c, _, _ = svc.Open(ctx, token)
		if got := prefs.ChoicesOf(c); got != want {
			t.Errorf("a refused change wrote %+v", got)
		}
		audit, _ := db.ListAuditPage(ctx, store.AuditFilter{Actor: fmt.Sprintf("customer:%d", ada.ID)})
		if len(audit) != 1 || audit[0].Action != "customer.preferences" || !strings.Contains(string(audit[0].Detail), `"locale":"de"`) {
			t.Errorf("audit %+v", audit)
		}
	})
}

// The preference page carries the referral consent: turning it off there
// takes the customer's live referral code with it, and the audit says so.
func TestPreferencesWithdrawReferralConsent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := prefs.New(db)
		pia := &fresco.Customer{Name: "Pia", Email: "pia@example.com", ConsentReferral: true}
		must(t, db.CreateCustomer(ctx, pia))
		must(t, db.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertReferralCode(ctx, &fresco.ReferralCode{Code: "AAAABBBBCCCCDDDD", CustomerID: pia.ID, CreatedAt: time.Now()})
		}))
		token, _ := svc.Token(pia.ID, prefs.ScopeAll)
		c, _, err := svc.Open(ctx, token)
		must(t, err)
		choices := prefs.ChoicesOf(c)
		if !choices.Referral {
			t.Fatalf("the page does not show the referral consent: %+v", choices)
		}
		choices.Referral = false
		_, err = svc.Update(ctx, token, choices)
		must(t, err)
		code, err := db.ReferralCodeByCode(ctx, "AAAABBBBCCCCDDDD")
		must(t, err)
		if code.RevokedAt == nil {
			t.Error("the live code survived the withdrawn consent")
		}
		audit, _ := db.ListAuditPage(ctx, store.AuditFilter{Actor: fmt.Sprintf("customer:%d", pia.ID)})
		if len(audit) != 1 || !strings.Contains(string(audit[0].Detail), `"consent_referral":false`) {
			t.Errorf("audit %+v", audit)
		}
	})
}
