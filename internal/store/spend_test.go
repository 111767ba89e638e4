package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestMarketingSpend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		paris := time.FixedZone("CEST", 2*3600)
		april := &fresco.MarketingSpend{PeriodStart: day(2024, 4, 1), PeriodEnd: day(2024, 4, 30), Channel: "radio", Amount: 30000}
		// Times in another zone count by the date they show, and the time of day is dropped.
		may := &fresco.MarketingSpend{PeriodStart: time.Date(2024, 5, 1, 0, 0, 0, 0, paris),
			PeriodEnd: time.Date(2024, 5, 31, 18, 30, 0, 0, paris), Channel: "web", Amount: 31000}
		tiny := &fresco.MarketingSpend{PeriodStart: day(2024, 6, 1), PeriodEnd: day(2024, 6, 3), Channel: "web", Amount: 100}
		for _, m := range []*fresco.MarketingSpend{april, may, tiny} {
			if err := db.CreateMarketingSpend(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if !may.PeriodStart.Equal(day(2024, 5, 1)) || !may.PeriodEnd.Equal(day(2024, 5, 31)) {
			t.Fatalf("may period %v – %v", may.PeriodStart, may.PeriodEnd)
		}
		wantFieldError(t, db.CreateMarketingSpend(ctx, &fresco.MarketingSpend{PeriodStart: day(2024, 2, 2), PeriodEnd: day(2024, 2, 1)}),
			fresco.EINVALID, "period_end")
		wantFieldError(t, db.CreateMarketingSpend(ctx, &fresco.MarketingSpend{PeriodEnd: day(2024, 2, 1)}),
			fresco.EINVALID, "period_start")

		totals := []struct {
			name     string
			from, to time.Time
			want     fresco.Money
		}{
			{"everything", time.Time{}, time.Time{}, 30000 + 31000 + 100},
			{"april 21 – may 10", day(2024, 4, 21), day(2024, 5, 10), 10000 + 10000},
			{"same, from given in Paris time", time.Date(2024, 4, 21, 0, 0, 0, 0, paris), day(2024, 5, 10), 20000},
			{"one day of april", day(2024, 4, 30), day(2024, 4, 30), 1000},
			{"one third of a euro", day(2024, 6, 1), day(2024, 6, 1), 33},
			{"two thirds of a euro", day(2024, 6, 2), day(2024, 6, 9), 67},
			{"open start", time.Time{}, day(2024, 4, 10), 10000},
			{"open end", day(2024, 5, 31), time.Time{}, 1000 + 100},
			{"nothing", day(2023, 1, 1), day(2023, 12, 31), 0},
			{"backwards", day(2024, 5, 1), day(2024, 4, 1), 0},
		}
		for _, c := range totals {
			got, err := db.MarketingSpendTotal(ctx, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s: total %s, want %s", c.name, got, c.want)
			}
		}

		page, next, err := db.ListMarketingSpend(ctx, store.SpendFilter{Limit: 2})
		if err != nil || len(page) != 2 || page[0].ID != april.ID || next == "" {
			t.Fatalf("page 1: %v %v %q", err, page, next)
		}
		if page[0].Amount != 30000 || !page[0].PeriodEnd.Equal(day(2024, 4, 30)) || page[0].Channel != "radio" {
			t.Fatalf("read back %+v", page[0])
		}
		page, next, err = db.ListMarketingSpend(ctx, store.SpendFilter{Limit: 2, Cursor: next})
		if err != nil || len(page) != 1 || page[0].ID != tiny.ID || next != "" {
			t.Fatalf("page 2: %v %v %q", err, page, next)
		}
		web, _, err := db.ListMarketingSpend(ctx, store.SpendFilter{Channel: "web"})
		if err != nil || len(web) != 2 {
			t.Fatalf("channel: %v %v", err, web)
		}
		overlapping, _, err := db.ListMarketingSpend(ctx, store.SpendFilter{From: day(2024, 4, 30), To: day(2024, 5, 1)})
		if err != nil || len(overlapping) != 2 || overlapping[0].ID != april.ID || overlapping[1].ID != may.ID {
			t.Fatalf("overlap: %v %v", err, overlapping)
		}
		late, _, err := db.ListMarketingSpend(ctx, store.SpendFilter{From: day(2024, 6, 3)})
		if err != nil || len(late) != 1 || late[0].ID != tiny.ID {
			t.Fatalf("from: %v %v", err, late)
		}
	})
}
