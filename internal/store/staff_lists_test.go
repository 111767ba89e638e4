package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCustomerListKeyset walks the customer list forward and back in each
// sort, with first-seen days shared by several customers (the id breaks the
// ties), and checks the filters, the count and the CSV walk.
func TestCustomerListKeyset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		var all []*fresco.Customer
		for i := range 23 {
			c := &fresco.Customer{Name: fmt.Sprintf("Name %02d", (i*7)%23), Email: fmt.Sprintf("p%d@example.com", i),
				FirstSeen: day.AddDate(0, 0, i/4)} // four a day: ties
			if i%5 == 0 {
				c.Email = fmt.Sprintf("vip%d@example.com", i)
			}
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			all = append(all, c)
		}
		for _, tc := range []struct {
			sort string
			desc bool
			less func(a, b *fresco.Customer) int
		}{
			{"newest", true, func(a, b *fresco.Customer) int { return cmpInt(b.ID, a.ID) }},
			{"name", false, func(a, b *fresco.Customer) int {
				if a.Name != b.Name {
					return map[bool]int{true: -1, false: 1}[a.Name < b.Name]
				}
				return cmpInt(a.ID, b.ID)
			}},
			{"since", true, func(a, b *fresco.Customer) int {
				if !a.FirstSeen.Equal(b.FirstSeen) {
					return map[bool]int{true: -1, false: 1}[a.FirstSeen.After(b.FirstSeen)]
				}
				return cmpInt(b.ID, a.ID)
			}},
		} {
			want := customerIDs(slices.SortedFunc(slices.Values(all), tc.less))
			list := db.CustomerList(store.CustomerListFilter{})
			// Forward in pages of 5, then back from the last page.
			var got []int64
			var pages []*store.Page[*fresco.Customer]
			p := store.ListPage{Sort: tc.sort, Desc: tc.desc, Limit: 5}
			for {
				page, err := list.Page(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, page)
				got = append(got, customerIDs(page.Rows)...)
				if page.Next == "" {
					break
				}
				p.After = page.Next
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s forward: %v, want %v", tc.sort, got, want)
			}
			if pages[0].Prev != "" {
				t.Errorf("%s: the first page has a previous page", tc.sort)
			}
			for i := len(pages) - 1; i > 0; i-- {
				back, err := list.Page(ctx, store.ListPage{Sort: tc.sort, Desc: tc.desc, Limit: 5, Before: pages[i].Prev})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(customerIDs(back.Rows), customerIDs(pages[i-1].Rows)) || back.Next == "" || (i == 1) != (back.Prev == "") {
					t.Errorf("%s: back from page %d = %v (prev %q), want %v", tc.sort, i, customerIDs(back.Rows), back.Prev, customerIDs(pages[i-1].Rows))
				}
			}
			var each []int64
			if err := list.Each(ctx, store.ListPage{Sort: tc.sort, Desc: tc.desc}, func(c *fresco.Customer) error {
				each = append(each, c.ID)
				return nil
			}); err != nil || !slices.Equal(each, want) {
				t.Errorf("%s each: %v %v", tc.sort, each, err)
			}
		}

		vip := db.CustomerList(store.CustomerListFilter{Search: "VIP", From: day.AddDate(0, 0, 1)})
		n, err := vip.Count(ctx)
		page, err2 := vip.Page(ctx, store.ListPage{})
		if err != nil || err2 != nil || n.N != 4 || n.Capped || len(page.Rows) != 4 {
			t.Errorf("vip since day 2: count %+v, %d rows (%v %v), want 4", n, len(page.Rows), err, err2)
		}
		if _, err := db.CustomerList(store.CustomerListFilter{Search: "50%_"}).Page(ctx, store.ListPage{}); err != nil {
			t.Errorf("search with LIKE wildcards: %v", err)
		}
		if _, err := vip.Page(ctx, store.ListPage{Sort: "email"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unknown sort: %v, want EINVALID", err)
		}
		if _, err := vip.Page(ctx, store.ListPage{Sort: "name", After: pages0(t, ctx, db)}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("a cursor of another sort: %v, want EINVALID", err)
		}
	})
}

// pages0 is the next cursor of the first page of customers by newest.
func pages0(t *testing.T, ctx context.Context, db *store.DB) string {
	page, err := db.CustomerList(store.CustomerListFilter{}).Page(ctx, store.ListPage{Desc: true, Limit: 1})
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %v", err)
	}
	return page.Next
}

func customerIDs(list []*fresco.Customer) []int64 {
	return ids(list, func(c *fresco.Customer) int64 { return c.ID })
}

func cmpInt(a, b int64) int { return map[bool]int{true: -1, false: 1}[a < b] }
