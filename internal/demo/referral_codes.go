package demo

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Referral links: the promoters who referred the most customers agreed to
// be given a personal link, and the customers they referred came through
// it. A promoter's code is dated the day before their first referral came
// in, so every customer they referred joined through the code, and the
// customer page, the promoter's link and the value page's "Acquired by
// referral" have something to show. Nothing else the demo stores changes:
// the step has its own random stream (for the codes) and only sets
// consent_referral on the promoters.

// demoReferralPromoters is how many promoters get a link.
const demoReferralPromoters = 5

// referralCandidates is how many of the busiest referrers are looked at
// for promoters (a promoter's last recommend answer was 9 or 10).
const referralCandidates = 200

func generateReferralCodes(ctx context.Context, w *world, r *rng) error {
	cands, err := queryIDs(ctx, w.db, `SELECT referred_by FROM customers WHERE referred_by IS NOT NULL
		GROUP BY referred_by ORDER BY COUNT(*) DESC, referred_by LIMIT ?`, referralCandidates)
	if err != nil {
		return err
	}
	given := 0
	for _, id := range cands {
		if given == demoReferralPromoters {
			break
		}
		nps, err := w.db.LastNPS(ctx, id)
		if err != nil {
			return err
		}
		if nps == nil || *nps < 9 {
			continue
		}
		var first time.Time // their first referral's first_seen
		if err := w.db.QueryRow(ctx, `SELECT first_seen FROM customers WHERE referred_by = ? ORDER BY first_seen LIMIT 1`, id).Scan(&first); err != nil {
			return err
		}
		code := &fresco.ReferralCode{Code: demoReferralCode(r), CustomerID: id, CreatedAt: first.UTC().Add(-24 * time.Hour)}
		if err := w.db.InTx(ctx, func(tx *store.Tx) error {
			cust, err := tx.Customer(ctx, id)
			if err != nil {
				return err
			}
			cust.ConsentReferral = true
			if err := tx.UpdateCustomer(ctx, cust); err != nil {
				return err
			}
			return tx.InsertReferralCode(ctx, code)
		}); err != nil {
			return err
		}
		given++
	}
	return nil
}

// demoReferralCode draws a code from the step's stream, so the same seed
// gives the same codes (referral.NewCode draws from crypto/rand).
func demoReferralCode(r *rng) string {
	b := make([]byte, fresco.ReferralCodeLen)
	for i := range b {
		b[i] = fresco.ReferralAlphabet[r.IntN(len(fresco.ReferralAlphabet))]
	}
	return string(b)
}

// queryIDs returns the ids a query selects, in its order.
func queryIDs(ctx context.Context, db *store.DB, q string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
