package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Classifier model versions. Every retraining keeps its model under its own
// settings key and appends a summary to the version list, so that staff can
// see whether a retraining helped and roll back one that did not. Only the
// last keptModelVersions models are kept: models on a few thousand labels
// run to megabytes.

const (
	settingVersions   = "feedback.classifier.versions"
	keptModelVersions = 5
)

// ModelVersion summarises one trained classifier.
type ModelVersion struct {
	Version   int       `json:"version"`
	TrainedAt time.Time `json:"trained_at"`
	Labelled  int       `json:"labelled"`
	MicroF1   float64   `json:"micro_f1"`
	MacroF1   float64   `json:"macro_f1"`
	// Active marks the version currently suggesting categories.
	Active bool `json:"active"`
}

func versionKey(v int) string       { return fmt.Sprintf("%s.v%d", settingModel, v) }
func versionStatusKey(v int) string { return fmt.Sprintf("%s.v%d", settingEval, v) }

// ModelVersions lists the kept classifier versions, oldest first.
func (s *Service) ModelVersions(ctx context.Context) ([]ModelVersion, error) {
	raw, ok, err := s.db.Setting(ctx, settingVersions)
	if err != nil || !ok {
		return nil, err
	}
	var versions []ModelVersion
	if err := json.Unmarshal([]byte(raw), &versions); err != nil {
		return nil, fmt.Errorf("classifier versions: %w", err)
	}
	return versions, nil
}

// keepModelVersion records a newly trained model as the active version and
// forgets the model of the version that falls out of the kept window.
func (s *Service) keepModelVersion(ctx context.Context, rawModel, rawStatus string, st ClassifierStatus) error {
	versions, err := s.ModelVersions(ctx)
	if err != nil {
		return err
	}
	v := ModelVersion{Version: 1, Labelled: st.Labelled, Active: true}
	if n := len(versions); n > 0 {
		v.Version = versions[n-1].Version + 1
	}
	if st.TrainedAt != nil {
		v.TrainedAt = *st.TrainedAt
	}
	if st.Evaluation != nil {
		v.MicroF1, v.MacroF1 = st.Evaluation.MicroF1, st.Evaluation.MacroF1
	}
	if err := s.db.SetSetting(ctx, versionKey(v.Version), rawModel); err != nil {
		return err
	}
	if err := s.db.SetSetting(ctx, versionStatusKey(v.Version), rawStatus); err != nil {
		return err
	}
	for i := range versions {
		versions[i].Active = false
	}
	versions = append(versions, v)
	if len(versions) > keptModelVersions {
		for _, key := range []string{versionKey(versions[0].Version), versionStatusKey(versions[0].Version)} {
			if err := s.db.SetSetting(ctx, key, ""); err != nil {
				return err
			}
		}
		versions = versions[1:]
	}
	return s.storeVersions(ctx, versions)
}

func (s *Service) storeVersions(ctx context.Context, versions []ModelVersion) error {
	raw, err := json.Marshal(versions)
	if err != nil {
		return err
	}
	return s.db.SetSetting(ctx, settingVersions, string(raw))
}

// RollbackClassifier makes a kept version the active classifier again and
// audits who did so in the same transaction. Its evaluation becomes the one
// shown, so the figures always describe the model in use.
func (s *Service) RollbackClassifier(ctx context.Context, version int, actor string) error {
	versions, err := s.ModelVersions(ctx)
	if err != nil {
		return err
	}
	at := slices.IndexFunc(versions, func(v ModelVersion) bool { return v.Version == version })
	if at < 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "no kept classifier version %d", version)
	}
	for i := range versions {
		versions[i].Active = i == at
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := restoreVersion(ctx, tx, version); err != nil {
			return err
		}
		raw, err := json.Marshal(versions)
		if err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingVersions, string(raw)); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "rollback", "feedback_classifier", strconv.Itoa(version),
			map[string]any{"version": version, "micro_f1": versions[at].MicroF1, "macro_f1": versions[at].MacroF1})
	})
	if err != nil {
		return err
	}
	s.forgetLoadedClassifier()
	return nil
}

// restoreVersion copies a kept version's model and evaluation back to the
// active settings.
func restoreVersion(ctx context.Context, tx *store.Tx, version int) error {
	raw, ok, err := tx.Setting(ctx, versionKey(version))
	if err != nil {
		return err
	}
	if !ok || raw == "" {
		return fresco.Errorf(fresco.ENOTFOUND, "classifier version %d is no longer stored", version)
	}
	if err := tx.SetSetting(ctx, settingModel, raw); err != nil {
		return err
	}
	status, ok, err := tx.Setting(ctx, versionStatusKey(version))
	if err != nil || !ok || status == "" {
		return err
	}
	return tx.SetSetting(ctx, settingEval, status)
}

// forgetLoadedClassifier makes the next suggestion reload the model.
func (s *Service) forgetLoadedClassifier() {
	s.clf.mu.Lock()
	s.clf.loaded = nil
	s.clf.mu.Unlock()
}
