package feedback

import (
	"context"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CreateSurvey validates and stores a new survey and records who created it,
// in one transaction: the UI and the API create surveys through here, so
// both leave the same audit record.
func (s *Service) CreateSurvey(ctx context.Context, sv *fresco.Survey, actor string) error {
	if err := ValidateSurvey(sv); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSurvey(ctx, sv); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug})
	})
}

// UpdateSurvey validates sv and writes it over the stored survey when that
// is still at version (store.AnyVersion: whatever its version; otherwise
// ESTALE), recording who changed it in the same transaction.
func (s *Service) UpdateSurvey(ctx context.Context, sv *fresco.Survey, version int64, actor string) error {
	if err := ValidateSurvey(sv); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateSurveyIfVersion(ctx, sv, version); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "update", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug})
	})
}
