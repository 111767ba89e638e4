package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestUpsertCustomer covers the importer's customer write: by external id,
// created then updated (first seen kept when the import does not say), and
// bad input refused with the stored customer left as it was.
func TestUpsertCustomer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		seen := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		wantFieldError(t, errOf(db.UpsertCustomer(w.ctx, &fresco.Customer{Name: "No id"})), fresco.EINVALID, "external_id")
		if n := w.count("customers"); n != 0 {
			t.Fatalf("%d customers after a refused upsert", n)
		}

		c := &fresco.Customer{ExternalID: "crm-1", Name: "Ada", FirstSeen: seen, Tags: []string{"vip"}}
		created, err := db.UpsertCustomer(w.ctx, c)
		if err != nil || !created || c.ID == 0 {
			t.Fatalf("first upsert: created %v, id %d, %v", created, c.ID, err)
		}
		firstVersion := c.Version

		again := &fresco.Customer{ExternalID: "crm-1", Name: "Ada Lovelace", Email: "ada@example.com"}
		created, err = db.UpsertCustomer(w.ctx, again)
		if err != nil || created || again.ID != c.ID {
			t.Fatalf("second upsert: created %v, id %d (want %d), %v", created, again.ID, c.ID, err)
		}
		got, err := db.Customer(w.ctx, c.ID)
		if err != nil || got.Name != "Ada Lovelace" || got.Email != "ada@example.com" || !got.FirstSeen.Equal(seen) ||
			len(got.Tags) != 0 || got.Version <= firstVersion {
			t.Fatalf("after the second upsert: %+v, %v (first seen %v kept, every other field replaced, version past %d)", got, err, seen, firstVersion)
		}

		for _, bad := range []struct {
			field string
			c     fresco.Customer
		}{
			{"name", fresco.Customer{ExternalID: "crm-1", Name: "Ada\x00"}},
			{"email", fresco.Customer{ExternalID: "crm-1", Name: "Ada", Email: "not an address"}},
			{"name", fresco.Customer{ExternalID: "crm-2", Name: "Bad\x00"}},
		} {
			wantFieldError(t, errOf(db.UpsertCustomer(w.ctx, &bad.c)), fresco.EINVALID, bad.field)
		}
		if n := w.count("customers"); n != 1 {
			t.Errorf("%d customers after refused upserts, want 1", n)
		}
		if after, _ := db.Customer(w.ctx, c.ID); after.Name != "Ada Lovelace" || after.Version != got.Version {
			t.Errorf("a refused upsert changed the customer: %+v", after)
		}
		w.tx(func(tx *store.Tx) error {
			for _, n := range []struct {
				id   int64
				want string
			}{{c.ID, "Ada Lovelace"}} {
				name, err := tx.CustomerName(w.ctx, n.id)
				if err != nil || name != n.want {
					t.Errorf("name of %d = %q, %v; want %q", n.id, name, err, n.want)
				}
			}
			wantCode(t, fresco.ENOTFOUND, errOf(tx.CustomerName(w.ctx, 987654)))
			return nil
		})
		nameless := &fresco.Customer{Email: "bo@example.com"}
		if err := db.CreateCustomer(w.ctx, nameless); err != nil {
			t.Fatal(err)
		}
		w.tx(func(tx *store.Tx) error {
			if name, err := tx.CustomerName(w.ctx, nameless.ID); err != nil || name != "bo@example.com" {
				t.Errorf("name of a nameless customer = %q, %v; want the e-mail", name, err)
			}
			return nil
		})
	})
}

// TestEnsureCustomers covers the importer's bare customers: known ones found,
// new ones made once with their first-seen time, and a batch with a bad
// external id refused whole on both engines.
func TestEnsureCustomers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		known := &fresco.Customer{ExternalID: "k1", Name: "Known", FirstSeen: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.CreateCustomer(w.ctx, known); err != nil {
			t.Fatal(err)
		}
		first := time.Date(2026, 2, 3, 4, 5, 6, 789000, time.UTC)
		got, err := db.EnsureCustomers(w.ctx, map[string]time.Time{"k1": first, "n1": first, "n2": first.Add(time.Hour)})
		if err != nil || len(got) != 3 || got["k1"] != known.ID || got["n1"] == 0 || got["n2"] == 0 || got["n1"] == got["n2"] {
			t.Fatalf("ensure = %v, %v", got, err)
		}
		n2, err := db.Customer(w.ctx, got["n2"])
		if err != nil || n2.ExternalID != "n2" || !n2.FirstSeen.Equal(first.Add(time.Hour)) || n2.Name != "" {
			t.Errorf("bare customer = %+v, %v", n2, err)
		}
		if k, _ := db.Customer(w.ctx, known.ID); !k.FirstSeen.Equal(known.FirstSeen) || k.Name != "Known" {
			t.Errorf("a known customer was changed: %+v", k)
		}
		again, err := db.EnsureCustomers(w.ctx, map[string]time.Time{"n1": first, "n2": first})
		if err != nil || again["n1"] != got["n1"] || again["n2"] != got["n2"] || w.count("customers") != 3 {
			t.Errorf("ensuring again = %v, %v, %d customers; want the same ids and no new rows", again, err, w.count("customers"))
		}
		if none, err := db.EnsureCustomers(w.ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("ensuring nobody = %v, %v", none, err)
		}

		// A NUL cannot be stored on PostgreSQL and would stop a later move
		// there from SQLite: refused up front on both, nothing written.
		for _, bad := range []string{"bad\x00id", " "} {
			_, err = db.EnsureCustomers(w.ctx, map[string]time.Time{"n3": first, bad: first})
			wantFieldError(t, err, fresco.EINVALID, "external_id")
			if n := w.count("customers"); n != 3 {
				t.Errorf("external id %q: %d customers after a refused batch, want 3", bad, n)
			}
		}
		rollupsExact(t, db)
	})
}

// Imports adding the same customers at once: each creates those it does
// not find, the others' turn up as conflicts of its insert, and only the
// customers a call inserted count in the acquisition rollup (PostgreSQL
// counts them in the insert's statement, migration 00065).
func TestConcurrentEnsureCustomersCountEachOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Go(func() {
				for round := range 5 {
					want := map[string]time.Time{}
					for k := range 40 {
						want[fmt.Sprintf("c%d-%d", round, (k*(g+1))%60)] = at
					}
					if _, err := db.EnsureCustomers(ctx, want); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rollupsExact(t, db)
	})
}

// TestReferralLinks covers the links the value engine credits: the
// referred customers, by referrer then id; and the chain below one customer, breadth
// first with each one's purchases.
func TestReferralLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		seen := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		add := func(name string, by *fresco.Customer) *fresco.Customer {
			c := &fresco.Customer{Name: name, FirstSeen: seen}
			if by != nil {
				c.ReferredBy = &by.ID
			}
			if err := db.CreateCustomer(w.ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		root := add("Root", nil)
		a, b := add("A", root), add("B", root)
		a1 := add("A1", a)
		add("Stranger", nil)
		w.purchase(&a.ID, seen.Add(time.Hour), "10.00")
		w.purchase(&a.ID, seen.Add(2*time.Hour), "2.50")
		w.purchase(&a1.ID, seen.Add(3*time.Hour), "1.00")

		links, err := db.ReferralLinks(w.ctx)
		wantLinks := []fresco.ReferralLink{{CustomerID: a.ID, ReferredBy: root.ID}, {CustomerID: b.ID, ReferredBy: root.ID}, {CustomerID: a1.ID, ReferredBy: a.ID}}
		if err != nil || !slices.Equal(links, wantLinks) {
			t.Fatalf("links = %+v, %v; want %+v (the referred, by referrer then id)", links, err, wantLinks)
		}

		chain, err := db.ReferralChain(w.ctx, root.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ReferralNode{
			{CustomerID: a.ID, Name: "A", ReferredBy: root.ID, Depth: 1, Value: 1250},
			{CustomerID: b.ID, Name: "B", ReferredBy: root.ID, Depth: 1, Value: 0},
			{CustomerID: a1.ID, Name: "A1", ReferredBy: a.ID, Depth: 2, Value: 100},
		}
		if !slices.Equal(chain, want) {
			t.Errorf("chain of Root = %+v, want %+v", chain, want)
		}
		if chain, err := db.ReferralChain(w.ctx, b.ID); err != nil || len(chain) != 0 {
			t.Errorf("chain of someone who referred nobody = %+v, %v", chain, err)
		}
	})
}
