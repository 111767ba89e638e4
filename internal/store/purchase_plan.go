package store

// Planning a batch of purchases before the write transaction: validate each
// purchase, resolve every reference with set queries, and find the stored
// purchases the batch replaces.

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// purchasePlan is a validated batch with every reference resolved.
type purchasePlan struct {
	batch    []*fresco.Purchase
	results  []BatchResult
	existing map[int]int64 // batch index → id of the stored purchase it replaces
	products map[string]int64
	newSKUs  []*fresco.Product
	// referrers: batch index → the customer whose referral code the
	// purchase carries (referral_codes.go).
	referrers map[int]int64
}

func planPurchases(ctx context.Context, q Querier, batch []*fresco.Purchase) (*purchasePlan, error) {
	plan := &purchasePlan{
		batch:    batch,
		results:  make([]BatchResult, len(batch)),
		existing: map[int]int64{},
		products: map[string]int64{},
	}
	for i, p := range batch {
		plan.results[i] = BatchResult{Index: i}
		if err := p.Validate(); err != nil {
			plan.reject(i, err)
		}
	}
	plan.rejectDuplicateExternalIDs()
	refs := collectReferences(plan)
	var err error
	if refs.customers, err = existingIDs(ctx, q, "customers", refs.customers); err != nil {
		return nil, err
	}
	if refs.locations, err = existingIDs(ctx, q, "locations", refs.locations); err != nil {
		return nil, err
	}
	if refs.employees, err = existingIDs(ctx, q, "employees", refs.employees); err != nil {
		return nil, err
	}
	plan.rejectDanglingReferences(refs)
	if err := resolveReferralCodes(ctx, q, plan); err != nil {
		return nil, err
	}
	if err := resolveProducts(ctx, q, plan); err != nil {
		return nil, err
	}
	if err := findExistingPurchases(ctx, q, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

func (plan *purchasePlan) reject(i int, err error) {
	plan.results[i].Status = StatusRejected
	plan.results[i].Err = err
}

func (plan *purchasePlan) ok(i int) bool { return plan.results[i].Status != StatusRejected }

func (plan *purchasePlan) rejectDuplicateExternalIDs() {
	seen := map[string]int{}
	for i, p := range plan.batch {
		if !plan.ok(i) || p.ExternalID == "" {
			continue
		}
		if first, dup := seen[p.ExternalID]; dup {
			plan.reject(i, invalid("external_id", "%q is also the external_id of purchase %d of this batch", p.ExternalID, first))
			continue
		}
		seen[p.ExternalID] = i
	}
}

type references struct {
	customers, locations, employees map[int64]bool
}

func collectReferences(plan *purchasePlan) references {
	refs := references{customers: map[int64]bool{}, locations: map[int64]bool{}, employees: map[int64]bool{}}
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		if p.CustomerID != nil {
			refs.customers[*p.CustomerID] = false
		}
		if p.LocationID != nil {
			refs.locations[*p.LocationID] = false
		}
		if p.ServedBy != nil {
			refs.employees[*p.ServedBy] = false
		}
	}
	return refs
}

func (plan *purchasePlan) rejectDanglingReferences(refs references) {
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		var v fresco.Validation
		if p.CustomerID != nil && !refs.customers[*p.CustomerID] {
			v.Add("customer_id", "customer %d does not exist", *p.CustomerID)
		}
		if p.LocationID != nil && !refs.locations[*p.LocationID] {
			v.Add("location_id", "location %d does not exist", *p.LocationID)
		}
		if p.ServedBy != nil && !refs.employees[*p.ServedBy] {
			v.Add("served_by", "employee %d does not exist", *p.ServedBy)
		}
		if err := v.Err(); err != nil {
			plan.reject(i, err)
		}
	}
}

// existingIDs marks which of the ids exist in table. The table name is one of
// ours, never user input.
func existingIDs(ctx context.Context, q Querier, table string, ids map[int64]bool) (map[int64]bool, error) {
	keys := make([]any, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	err := forChunks(keys, func(chunk []any) error {
		return queryMap(ctx, q, ids, scanIDSet, `SELECT id FROM `+table+` WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return ids, err
}

// resolveProducts maps every line's SKU to a product id, planning new
// catalogue entries for SKUs not seen before.
func resolveProducts(ctx context.Context, q Querier, plan *purchasePlan) error {
	firstLine := map[string]fresco.PurchaseLine{}
	var skus []any
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		for _, l := range p.Lines {
			if l.SKU == "" {
				continue
			}
			if _, seen := firstLine[l.SKU]; !seen {
				firstLine[l.SKU] = l
				skus = append(skus, l.SKU)
			}
		}
	}
	err := forChunks(skus, func(chunk []any) error {
		return queryMap(ctx, q, plan.products, scanPair[string, int64],
			`SELECT sku, id FROM products WHERE sku IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return err
	}
	for _, s := range skus {
		sku := s.(string)
		if _, known := plan.products[sku]; known {
			continue
		}
		l := firstLine[sku]
		name := l.Description
		if name == "" {
			name = sku
		}
		plan.newSKUs = append(plan.newSKUs, &fresco.Product{SKU: sku, Name: name, ListPrice: max(l.UnitPrice, 0)})
	}
	return checkProductIDs(ctx, q, plan)
}

// checkProductIDs rejects purchases whose lines name a product by an id that
// does not exist.
func checkProductIDs(ctx context.Context, q Querier, plan *purchasePlan) error {
	ids := map[int64]bool{}
	for i, p := range plan.batch {
		for _, l := range p.Lines {
			if plan.ok(i) && l.SKU == "" {
				ids[l.ProductID] = false
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ids, err := existingIDs(ctx, q, "products", ids)
	if err != nil {
		return err
	}
	for i, p := range plan.batch {
		var v fresco.Validation
		for j, l := range p.Lines {
			if plan.ok(i) && l.SKU == "" && !ids[l.ProductID] {
				v.Add(fmt.Sprintf("lines[%d].product_id", j), "product %d does not exist", l.ProductID)
			}
		}
		if err := v.Err(); err != nil {
			plan.reject(i, err)
		}
	}
	return nil
}

// findExistingPurchases finds the stored purchases the batch's external ids
// name. PostgreSQL takes them as one array, in one statement: lists of 500
// placeholders were planned afresh each time (plan_cache_mode
// force_custom_plan), about a tenth of the server's time on a batch of
// purchases sent to the API.
func findExistingPurchases(ctx context.Context, q Querier, plan *purchasePlan) error {
	index := map[string]int{}
	var keys []any
	for i, p := range plan.batch {
		if plan.ok(i) && p.ExternalID != "" {
			index[p.ExternalID] = i
			keys = append(keys, p.ExternalID)
		}
	}
	found := func(row rowScanner) error {
		ext, id, err := scanPair[string, int64](row)
		if err != nil {
			return err
		}
		plan.existing[index[ext]] = id
		return nil
	}
	if q.Dialect() == Postgres {
		if len(keys) == 0 {
			return nil
		}
		ids := make([]string, len(keys))
		for k, key := range keys {
			ids[k] = key.(string)
		}
		return queryEach(ctx, q, found, `SELECT external_id, id FROM purchases WHERE external_id = ANY(?::text[])`, ids)
	}
	return forChunks(keys, func(chunk []any) error {
		return queryEach(ctx, q, found, `SELECT external_id, id FROM purchases WHERE external_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
}
