package store

// Bulk writes of customers for generators: many customers with multi-row
// INSERTs inside one transaction. The acquisition rollup follows through the
// trigger on customers, row by row, as for CreateCustomer.

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const (
	customerRowArgs = 16
	customerChunk   = 500 // 8,000 parameters: well under both engines' limits
)

// InsertCustomers stores new customers within the transaction, in order,
// setting each one's ID, Version, CreatedAt and UpdatedAt. A customer may be
// referred by one stored before it, in the same call or earlier. Unlike
// CreateCustomer it neither validates nor translates constraint violations
// into field errors: a generator that breaks a rule has a bug, and the whole
// batch fails.
func (tx *Tx) InsertCustomers(ctx context.Context, cs []*fresco.Customer) error {
	ids, err := tx.allocateIDs(ctx, "customers", len(cs))
	if err != nil {
		return err
	}
	t := now()
	for i, c := range cs {
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = ids[i], 1, t, t
		if c.FirstSeen.IsZero() {
			c.FirstSeen = t
		}
		c.FirstSeen = c.FirstSeen.UTC()
	}
	for start := 0; start < len(cs); start += customerChunk {
		chunk := cs[start:min(start+customerChunk, len(cs))]
		args := make([]any, 0, len(chunk)*customerRowArgs)
		for _, c := range chunk {
			args = append(args, c.ID, nullString(c.ExternalID), c.Name, c.Email, c.Phone, c.Address,
				c.ConsentSurveys, c.ConsentMarketing, c.ConsentPersonalisation,
				c.AcquisitionSource, nullID(c.ReferredBy), c.FirstSeen, encodeTags(c.Tags), c.CreatedAt, c.UpdatedAt, c.Version)
		}
		_, err := tx.Exec(ctx, `INSERT INTO customers (id, external_id, name, email, phone, address,
			consent_surveys, consent_marketing, consent_personalisation,
			acquisition_source, referred_by, first_seen, tags, created_at, updated_at, version)
			VALUES `+valuesList(len(chunk), customerRowArgs), args...)
		if err != nil {
			return fmt.Errorf("insert customers: %w", err)
		}
	}
	return nil
}
