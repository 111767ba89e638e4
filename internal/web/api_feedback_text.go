package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/text"
)

// CategoryIO is one category of the taxonomy.
type CategoryIO struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

// CategoriesBody is the taxonomy.
type CategoriesBody struct {
	Categories []CategoryIO `json:"categories" maxItems:"200"`
}

// SuggestInput asks for categories for a comment.
type SuggestInput struct {
	Comment string `json:"comment" maxLength:"5000"`
}

// SuggestOut is the classifier's answer.
type SuggestOut struct {
	Categories []string              `json:"categories"`
	Ranked     []feedback.Suggestion `json:"ranked"`
	Sentiment  text.SentimentScore   `json:"sentiment"`
}

func (s *Server) listFeedbackCategories(ctx context.Context, in *struct{}) (*One[CategoriesBody], error) {
	t, err := s.feedback.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	out := CategoriesBody{Categories: make([]CategoryIO, len(t))}
	for i, c := range t {
		out.Categories[i] = CategoryIO{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords}
	}
	return &One[CategoriesBody]{Body: out}, nil
}

func (s *Server) replaceFeedbackCategories(ctx context.Context, in *struct{ Body CategoriesBody }) (*One[CategoriesBody], error) {
	t := make(text.Taxonomy, len(in.Body.Categories))
	for i, c := range in.Body.Categories {
		t[i] = text.Category{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords}
	}
	if err := s.feedback.SetTaxonomy(ctx, t, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &One[CategoriesBody]{Body: in.Body}, nil
}

func (s *Server) classifierStatus(ctx context.Context, in *struct{}) (*One[feedback.ClassifierStatus], error) {
	st, err := s.feedback.ClassifierStatus(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.ClassifierStatus]{Body: st}, nil
}

func (s *Server) trainClassifier(ctx context.Context, in *struct{}) (*One[feedback.ClassifierStatus], error) {
	st, err := s.feedback.TrainClassifier(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.ClassifierStatus]{Body: st}, nil
}

func (s *Server) suggestCategories(ctx context.Context, in *struct{ Body SuggestInput }) (*One[SuggestOut], error) {
	ranked, labels, err := s.feedback.Suggest(ctx, in.Body.Comment)
	if err != nil {
		return nil, err
	}
	if len(ranked) > 10 {
		ranked = ranked[:10]
	}
	return &One[SuggestOut]{Body: SuggestOut{Categories: nonNilStrings(labels), Ranked: ranked, Sentiment: text.Sentiment(in.Body.Comment)}}, nil
}
