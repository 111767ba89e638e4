package feedback

import (
	"cmp"
	"context"
	"slices"

	"github.com/fresco-cx/fresco/internal/text"
)

// CategoryNeed is how a category fares in cross-validation on the
// business's own labels and roughly how many more labelled comments it
// needs to reach the target F1.
type CategoryNeed struct {
	text.LabelScore
	MoreLabels int `json:"more_labels"`
}

// TargetCategoryF1 is the held-out F1 below which a category counts as
// weak and gets a labelling estimate.
const TargetCategoryF1 = 0.7

// CategoryNeeds lists every category's cross-validated precision, recall
// and F1 from the last training, with an estimate of the labels it still
// needs (text.LabelsNeeded), weakest first. A category of the taxonomy no
// staff label has used yet is listed too, first, with nothing measured: it
// is the weakest of all, since the classifier never suggests it. It is
// empty until a model has been trained.
func (s *Service) CategoryNeeds(ctx context.Context) ([]CategoryNeed, error) {
	st, err := s.ClassifierStatus(ctx)
	if err != nil || st.Evaluation == nil {
		return nil, err
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	measured := map[string]bool{}
	out := make([]CategoryNeed, 0, len(tax))
	for _, l := range st.Evaluation.PerLabel {
		measured[l.Label] = true
		out = append(out, CategoryNeed{LabelScore: l, MoreLabels: text.LabelsNeeded(l.F1, l.Support, TargetCategoryF1)})
	}
	for _, c := range tax {
		if !measured[c.Slug] {
			out = append(out, CategoryNeed{LabelScore: text.LabelScore{Label: c.Slug}, MoreLabels: text.LabelsNeeded(0, 0, TargetCategoryF1)})
		}
	}
	slices.SortStableFunc(out, func(a, b CategoryNeed) int {
		return cmp.Or(cmp.Compare(min(a.Support, 1), min(b.Support, 1)), cmp.Compare(a.F1, b.F1))
	})
	return out, nil
}

// ActiveLearningQueue picks, from comments staff have not categorised yet,
// the n the trained model is least sure about: labelling those teaches it
// most. Without a trained model there is nothing to be unsure with, and the
// queue is empty.
func (s *Service) ActiveLearningQueue(ctx context.Context, comments []string, n int) ([]text.Uncertain, error) {
	c, err := s.current(ctx)
	if err != nil || c.model == nil {
		return nil, err
	}
	return text.MostUncertain(c.model, comments, n), nil
}
