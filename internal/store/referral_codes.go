package store

// Referral codes (migration 00062): a customer's personal codes, and the
// purchases that carry one setting customers.referred_by.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const referralCodeColumns = `id, code, customer_id, created_by, created_at, revoked_at`

func scanReferralCode(row rowScanner) (*fresco.ReferralCode, error) {
	var (
		c       fresco.ReferralCode
		by      sql.NullInt64
		revoked sql.NullTime
	)
	if err := row.Scan(&c.ID, &c.Code, &c.CustomerID, &by, &c.CreatedAt, &revoked); err != nil {
		return nil, err
	}
	c.CreatedBy, c.RevokedAt, c.CreatedAt = ptrID(by), ptrTime(revoked), c.CreatedAt.UTC()
	if c.RevokedAt != nil {
		*c.RevokedAt = c.RevokedAt.UTC()
	}
	return &c, nil
}

// InsertReferralCode stores a new code and sets its ID. A second live code
// for the customer, or a code already taken, is a conflict.
func (tx *Tx) InsertReferralCode(ctx context.Context, c *fresco.ReferralCode) error {
	err := tx.QueryRow(ctx, `INSERT INTO referral_codes (code, customer_id, created_by, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, c.Code, c.CustomerID, nullID(c.CreatedBy), utc(c.CreatedAt)).Scan(&c.ID)
	if isUniqueViolation(err) {
		return conflict("code", "customer %d already has a live referral code, or the code is taken", c.CustomerID)
	}
	return err
}

// ReferralCodes returns every code customerID was given, the newest first.
func (db *DB) ReferralCodes(ctx context.Context, customerID int64) ([]*fresco.ReferralCode, error) {
	return queryAll(ctx, db, scanReferralCode, `SELECT `+referralCodeColumns+` FROM referral_codes
		WHERE customer_id = ? ORDER BY id DESC`, customerID)
}

// LiveReferralCode returns customerID's code that is not revoked (ENOTFOUND
// when there is none).
func (tx *Tx) LiveReferralCode(ctx context.Context, customerID int64) (*fresco.ReferralCode, error) {
	c, err := scanReferralCode(tx.QueryRow(ctx, `SELECT `+referralCodeColumns+` FROM referral_codes
		WHERE customer_id = ? AND revoked_at IS NULL`, customerID))
	return c, notFound(err, "live referral code of customer", customerID)
}

// EverHadReferralCode reports whether customerID was ever given a code,
// revoked or not.
func (tx *Tx) EverHadReferralCode(ctx context.Context, customerID int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM referral_codes WHERE customer_id = ?`, customerID).Scan(&n)
	return n > 0, err
}

// ReferralCodeByCode returns the code (normalised), revoked or not;
// ENOTFOUND when this business never issued it.
func (db *DB) ReferralCodeByCode(ctx context.Context, code string) (*fresco.ReferralCode, error) {
	return referralCodeByCode(ctx, db, code)
}

// ReferralCodeByCode is DB.ReferralCodeByCode within the transaction.
func (tx *Tx) ReferralCodeByCode(ctx context.Context, code string) (*fresco.ReferralCode, error) {
	return referralCodeByCode(ctx, tx, code)
}

func referralCodeByCode(ctx context.Context, q Querier, code string) (*fresco.ReferralCode, error) {
	c, err := scanReferralCode(q.QueryRow(ctx, `SELECT `+referralCodeColumns+` FROM referral_codes WHERE code = ?`, code))
	return c, notFound(err, "referral code", code)
}

// RevokeReferralCode revokes the code with id at at; a code already revoked
// keeps its first revocation time.
func (tx *Tx) RevokeReferralCode(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE referral_codes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, utc(at), id)
	return err
}

// RevokeReferralCodes revokes customerID's live code, if any.
func (tx *Tx) RevokeReferralCodes(ctx context.Context, customerID int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE referral_codes SET revoked_at = ? WHERE customer_id = ? AND revoked_at IS NULL`, utc(at), customerID)
	return err
}

// LastNPS returns the last recommend answer (0–10) customerID gave, nil
// when they never answered it.
func (tx *Tx) LastNPS(ctx context.Context, customerID int64) (*int, error) {
	return latestNPS(ctx, tx, customerID)
}

// LastNPS is Tx.LastNPS outside a transaction (DB.LatestNPS reads many customers since a time).
func (db *DB) LastNPS(ctx context.Context, customerID int64) (*int, error) {
	return latestNPS(ctx, db, customerID)
}

func latestNPS(ctx context.Context, q Querier, customerID int64) (*int, error) {
	var nps sql.NullInt64
	err := q.QueryRow(ctx, `SELECT nps FROM responses WHERE customer_id = ? AND nps IS NOT NULL
		ORDER BY responded_at DESC, id DESC LIMIT 1`, customerID).Scan(&nps)
	if err == sql.ErrNoRows || !nps.Valid {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n := int(nps.Int64)
	return &n, nil
}

// resolveReferralCodes finds the owner of each purchase's referral code and
// rejects, naming referral_code, a code this business never issued, a
// revoked one, the customer's own, and one whose owner the customer
// referred (down the chain: referral value is summed along chains, and a
// cycle would count money forever). plan.referrers holds the owners of the
// rest.
func resolveReferralCodes(ctx context.Context, q Querier, plan *purchasePlan) error {
	for i, p := range plan.batch {
		if !plan.ok(i) || p.ReferralCode == "" {
			continue
		}
		code, err := referralCodeByCode(ctx, q, p.ReferralCode)
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			plan.reject(i, invalid("referral_code", "%s is not a referral code of this business", p.ReferralCode))
			continue
		case err != nil:
			return err
		case code.RevokedAt != nil:
			plan.reject(i, invalid("referral_code", "%s was revoked on %s", p.ReferralCode, code.RevokedAt.Format(time.DateOnly)))
			continue
		case code.CustomerID == *p.CustomerID:
			plan.reject(i, invalid("referral_code", "is the customer's own code: a customer cannot refer themselves"))
			continue
		}
		cycle, err := referralCycle(ctx, q, *p.CustomerID, code.CustomerID)
		if err != nil {
			return err
		}
		if cycle {
			plan.reject(i, invalid("referral_code", "belongs to customer %d, whom this customer referred", code.CustomerID))
			continue
		}
		if plan.referrers == nil {
			plan.referrers = map[int]int64{}
		}
		plan.referrers[i] = code.CustomerID
	}
	return nil
}

// applyReferrals records the referrers of the written purchases on their
// customers who had none: the first referral is the one that brought them.
func (tx *Tx) applyReferrals(ctx context.Context, plan *purchasePlan) error {
	t := now()
	for i, referrer := range plan.referrers {
		if !plan.ok(i) {
			continue
		}
		customer := *plan.batch[i].CustomerID
		// Checked again in the write transaction: another batch may have
		// linked the two since this one was planned.
		if cycle, err := referralCycle(ctx, tx, customer, referrer); err != nil {
			return err
		} else if cycle {
			continue
		}
		_, err := tx.Exec(ctx, `UPDATE customers SET referred_by = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND referred_by IS NULL`, referrer, t, customer)
		if err != nil {
			return fmt.Errorf("record referrer: %w", err)
		}
	}
	return nil
}

// referralCycle reports whether customerID is referrer or up referrer's
// chain of referrers.
func referralCycle(ctx context.Context, q Querier, customerID, referrer int64) (bool, error) {
	seen := map[int64]bool{}
	for id := referrer; !seen[id]; {
		if id == customerID {
			return true, nil
		}
		seen[id] = true
		var next sql.NullInt64
		err := q.QueryRow(ctx, `SELECT referred_by FROM customers WHERE id = ?`, id).Scan(&next)
		if err == sql.ErrNoRows || (err == nil && !next.Valid) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		id = next.Int64
	}
	return false, nil
}
