package value_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// Marketing spend is recorded with who entered it, the amount and channel,
// in the write's transaction; refused spend leaves no record.
func TestMarketingSpendIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := value.New(db, value.Options{})
		amount, err := fresco.ParseMoney("1250.50")
		if err != nil {
			t.Fatal(err)
		}
		m := &fresco.MarketingSpend{PeriodStart: day(2026, 3, 1, 0), PeriodEnd: day(2026, 3, 31, 0), Channel: "radio", Amount: amount}
		if err := svc.CreateMarketingSpend(ctx, m, "employee:9"); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.CreatedAt.IsZero() {
			t.Errorf("created %+v", m)
		}
		lines := storetest.AuditLines(t, db, "marketing_spend", fmt.Sprint(m.ID))
		if len(lines) != 1 || !contains(lines[0], `employee:9 create`) || !contains(lines[0], `"amount":"1250.50"`) ||
			!contains(lines[0], `"channel":"radio"`) || !contains(lines[0], `"purpose":"acquisition"`) {
			t.Errorf("audit %q", lines)
		}
		backwards := &fresco.MarketingSpend{PeriodStart: day(2026, 4, 30, 0), PeriodEnd: day(2026, 4, 1, 0), Amount: amount}
		if err := svc.CreateMarketingSpend(ctx, backwards, "employee:9"); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("period ending before it starts: %v, want EINVALID", err)
		}
		if n := len(storetest.AuditLines(t, db, "marketing_spend", "")); n != 1 {
			t.Errorf("%d spend records, want 1", n)
		}
	})
}

// Asking for a refit is recorded against the job that will run, also when
// a refit already queued is reused.
func TestRefitRequestIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := value.New(db, value.Options{})
		first, err := svc.EnqueueRefit(ctx, "employee:2")
		if err != nil {
			t.Fatal(err)
		}
		again, err := svc.EnqueueRefit(ctx, "token:5")
		if err != nil || again != first {
			t.Fatalf("second request: job %d (%v), want the queued %d", again, err, first)
		}
		want := fmt.Sprint([]string{"employee:2 clv.refit {}", "token:5 clv.refit {}"})
		if got := fmt.Sprint(storetest.AuditLines(t, db, "job", fmt.Sprint(first))); got != want {
			t.Errorf("audit %s, want %s", got, want)
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
