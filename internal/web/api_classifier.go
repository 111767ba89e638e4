package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
)

// The classifier's quality, labelling queue and versions, and the emerging
// themes: what the comments page shows, for programs.

// ClassifierQuality is every category's cross-validated figures.
type ClassifierQuality struct {
	TargetF1   float64                 `json:"target_f1" doc:"The held-out F1 below which a category counts as weak and gets a labelling estimate."`
	Categories []feedback.CategoryNeed `json:"categories" doc:"Weakest first; empty until the classifier is trained. precision: of the comments given the category, the share staff agree with; recall: of the comments staff gave it, the share the model found; more_labels: roughly how many more categorised comments it needs to reach target_f1."`
}

// LabellingQueue is the comments worth categorising next.
type LabellingQueue struct {
	Comments []feedback.QueuedComment `json:"comments" doc:"Uncategorised comments the model is least sure about (smallest gap between its two best categories), most doubtful first. Categorise them with PUT /api/v1/responses/{id}/categories."`
}

// ModelVersions is the kept classifier versions.
type ModelVersions struct {
	Versions []feedback.ModelVersion `json:"versions" doc:"Oldest first; the last five trainings are kept."`
}

type queueInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"50" default:"10"`
}

type rollbackInput struct {
	Action string `path:"id" pattern:"^[0-9]+:rollback$" doc:"The version number followed by :rollback, e.g. 3:rollback."`
}

func (s *Server) classifierQuality(ctx context.Context, in *struct{}) (*One[ClassifierQuality], error) {
	needs, err := s.feedback.CategoryNeeds(ctx)
	if err != nil {
		return nil, err
	}
	if needs == nil {
		needs = []feedback.CategoryNeed{}
	}
	return &One[ClassifierQuality]{Body: ClassifierQuality{TargetF1: feedback.TargetCategoryF1, Categories: needs}}, nil
}

func (s *Server) classifierQueue(ctx context.Context, in *queueInput) (*One[LabellingQueue], error) {
	q, err := s.feedback.LabellingQueue(ctx, in.Limit)
	if err != nil {
		return nil, err
	}
	return &One[LabellingQueue]{Body: LabellingQueue{Comments: q}}, nil
}

func (s *Server) classifierVersions(ctx context.Context, in *struct{}) (*One[ModelVersions], error) {
	v, err := s.feedback.ModelVersions(ctx)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = []feedback.ModelVersion{}
	}
	return &One[ModelVersions]{Body: ModelVersions{Versions: v}}, nil
}

func (s *Server) rollbackClassifier(ctx context.Context, in *rollbackInput) (*One[ModelVersions], error) {
	version, _ := strconv.Atoi(strings.TrimSuffix(in.Action, ":rollback"))
	if err := s.feedback.RollbackClassifier(ctx, version, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return s.classifierVersions(ctx, nil)
}

func (s *Server) feedbackThemes(ctx context.Context, in *struct{}) (*One[feedback.ThemeReport], error) {
	rep, err := s.feedback.Themes(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.ThemeReport]{Body: rep}, nil
}

func (s *Server) addFeedbackCategory(ctx context.Context, in *struct{ Body feedback.NewCategory }) (*Created[CategoryIO], error) {
	added, err := s.feedback.AddCategory(ctx, in.Body, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &Created[CategoryIO]{Location: fmt.Sprintf("%s/feedback/categories", apiPrefix),
		Body: CategoryIO{Slug: added.Slug, Name: added.Name, Description: added.Description, Keywords: added.Keywords}}, nil
}

func (s *Server) queueClassifierTraining(ctx context.Context, _ *struct{}) (*refitOutput, error) {
	id, err := s.feedback.QueueTraining(ctx, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &refitOutput{Body: RefitQueued{JobID: id, Kind: feedback.JobTrainClassifier}}, nil
}
