package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// Categories and the classifier. The taxonomy lives in feedback_categories
// (seeded from text.DefaultTaxonomy on first use); the trained model and its
// held-out evaluation live in the settings table, so every replica suggests
// the same categories.

const (
	settingModel = "feedback.classifier.model"
	settingEval  = "feedback.classifier.evaluation"
	// MinTrainingExamples is the fewest labelled comments the classifier
	// trains on; below it, suggestions come from the taxonomy's keywords.
	MinTrainingExamples = 20
	maxTrainingExamples = 20000
	// JobTrainClassifier retrains the classifier (queued retrainDelay
	// after staff label a comment, or at once by "Retrain now").
	JobTrainClassifier = "feedback.train_classifier"
)

// ClassifierStatus is what the UI and API show about the classifier.
type ClassifierStatus struct {
	Trained    bool             `json:"trained"`
	Labelled   int              `json:"labelled"`
	TrainedAt  *time.Time       `json:"trained_at,omitempty"`
	Evaluation *text.Evaluation `json:"evaluation,omitempty"` // k-fold held-out scores
	Method     string           `json:"method"`               // "model" or "keywords"
}

type classifier struct {
	model    *text.Model
	taxonomy text.Taxonomy
	status   ClassifierStatus
}

type classifierCache struct {
	mu       sync.Mutex
	loaded   *classifier
	loadedAt time.Time
}

// classifierTTL is how long a loaded classifier is trusted before it is
// read again, so that a model retrained by a job or another replica is
// picked up within a minute.
const classifierTTL = time.Minute

// Taxonomy returns the editable category list, seeding the defaults the
// first time.
func (s *Service) Taxonomy(ctx context.Context) (text.Taxonomy, error) {
	cats, err := s.db.FeedbackCategories(ctx)
	if err != nil {
		return nil, err
	}
	if len(cats) == 0 {
		def := text.DefaultTaxonomy()
		if err := s.storeTaxonomy(ctx, def); err != nil {
			return nil, err
		}
		return def, nil
	}
	t := make(text.Taxonomy, 0, len(cats))
	for _, c := range cats {
		if c.Active {
			t = append(t, text.Category{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords})
		}
	}
	return t, nil
}

// SetTaxonomy replaces the category list and records who did so, with the
// number of categories, in the same transaction.
func (s *Service) SetTaxonomy(ctx context.Context, t text.Taxonomy, actor string) error {
	list, err := categoryRows(t)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceFeedbackCategories(ctx, list); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "update", "feedback_categories", "0", map[string]any{"count": len(t)})
	})
	if err != nil {
		return err
	}
	s.forgetLoadedClassifier()
	return nil
}

// storeTaxonomy writes the list without touching the cache, so that current
// (which holds the cache lock) can seed the defaults. Seeding is nobody's
// change, so it is not audited.
func (s *Service) storeTaxonomy(ctx context.Context, t text.Taxonomy) error {
	list, err := categoryRows(t)
	if err != nil {
		return err
	}
	return s.db.ReplaceFeedbackCategories(ctx, list)
}

// categoryRows validates a taxonomy and turns it into active categories.
func categoryRows(t text.Taxonomy) ([]fresco.FeedbackCategory, error) {
	if err := t.Validate(); err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "%s", err.Error())
	}
	list := make([]fresco.FeedbackCategory, len(t))
	for i, c := range t {
		list[i] = fresco.FeedbackCategory{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords, Active: true}
	}
	return list, nil
}

func (s *Service) checkCategories(ctx context.Context, v *fresco.Validation, cats []string) ([]string, error) {
	if len(cats) == 0 {
		return nil, nil
	}
	t, err := s.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, c := range cats {
		c = strings.TrimSpace(c)
		if _, ok := t.Lookup(c); !ok {
			v.Add(fmt.Sprintf("categories[%d]", i), "%q is not a category (see GET /api/v1/feedback/categories)", c)
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// current returns the loaded classifier, loading it from the database once.
func (s *Service) current(ctx context.Context) (*classifier, error) {
	s.clf.mu.Lock()
	defer s.clf.mu.Unlock()
	if s.clf.loaded != nil && time.Since(s.clf.loadedAt) < classifierTTL {
		return s.clf.loaded, nil
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	c := &classifier{taxonomy: tax, status: ClassifierStatus{Method: "keywords"}}
	if raw, ok, err := s.db.Setting(ctx, settingModel); err != nil {
		return nil, err
	} else if ok {
		var m text.Model
		if err := json.Unmarshal([]byte(raw), &m); err == nil {
			c.model, c.status.Trained, c.status.Method = &m, true, "model"
		} else {
			s.opts.Logger.WarnContext(ctx, "stored classifier unreadable; using keywords until retrained", "err", err)
		}
	}
	if raw, ok, err := s.db.Setting(ctx, settingEval); err != nil {
		return nil, err
	} else if ok {
		var st ClassifierStatus
		if json.Unmarshal([]byte(raw), &st) == nil {
			c.status.Evaluation, c.status.TrainedAt, c.status.Labelled = st.Evaluation, st.TrainedAt, st.Labelled
		}
	}
	s.clf.loaded, s.clf.loadedAt = c, time.Now()
	return c, nil
}

// suggest returns category suggestions for a comment: the model's when one
// is trained, else the taxonomy's keyword rules. Failures only cost the
// suggestion, never the response.
func (s *Service) suggest(ctx context.Context, comment string) []string {
	c, err := s.current(ctx)
	if err != nil {
		s.opts.Logger.WarnContext(ctx, "classifier unavailable", "err", err)
		return nil
	}
	return c.predict(comment)
}

func (c *classifier) predict(comment string) []string {
	var labels []string
	if c.model != nil {
		labels = c.model.Predict(comment)
	} else {
		labels = c.taxonomy.Predict(comment)
	}
	// Drop labels of categories that have since been retired.
	return slices.DeleteFunc(labels, func(l string) bool { _, ok := c.taxonomy.Lookup(l); return !ok })
}

// Suggestion is a ranked category suggestion.
type Suggestion = text.Suggestion

// Suggest ranks every category for a comment and returns the labels the
// classifier would assign.
func (s *Service) Suggest(ctx context.Context, comment string) (ranked []Suggestion, labels []string, err error) {
	c, err := s.current(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c.model != nil {
		ranked = c.model.Suggest(comment)
	} else {
		ranked = c.taxonomy.Suggest(comment)
	}
	return ranked, c.predict(comment), nil
}

// ClassifierStatus reports whether a model is trained and how well it does
// on comments it did not learn from.
func (s *Service) ClassifierStatus(ctx context.Context) (ClassifierStatus, error) {
	c, err := s.current(ctx)
	if err != nil {
		return ClassifierStatus{}, err
	}
	st := c.status
	st.Labelled, err = s.db.CountLabelledComments(ctx, maxTrainingExamples)
	return st, err
}

// Categorise stores the categories staff assigned to a response; they are
// what the classifier learns from.
func (s *Service) Categorise(ctx context.Context, responseID int64, categories []string, actor string) error {
	var v fresco.Validation
	cats, actor, err := s.checkLabels(ctx, &v, categories, actor)
	if err != nil {
		return err
	}
	if err := s.db.SetResponseCategories(ctx, responseID, cats, actor); err != nil {
		return err
	}
	s.retrainSoon(ctx)
	return nil
}

// checkLabels checks the categories staff give comments, adding to v's
// problems, and returns them without repeats, with the actor ("staff"
// when none is named); the error is v's, or a failure to read the taxonomy.
func (s *Service) checkLabels(ctx context.Context, v *fresco.Validation, categories []string, actor string) ([]string, string, error) {
	cats, err := s.checkCategories(ctx, v, categories)
	if err == nil {
		err = v.Err()
	}
	if actor == "" {
		actor = "staff"
	}
	return cats, actor, err
}

// retrainSoon queues a retraining after labels are stored. One that fails
// to queue only delays what the labels teach until the next label or
// "Retrain now", so it is logged, not returned.
func (s *Service) retrainSoon(ctx context.Context) {
	if err := s.scheduleRetraining(ctx); err != nil {
		s.opts.Logger.WarnContext(ctx, "classifier retraining not queued", "err", err)
	}
}

// TrainClassifier retrains the classifier on every staff-labelled comment,
// measures it by 5-fold cross-validation (each comment predicted by a model
// that never saw it) and stores both.
func (s *Service) TrainClassifier(ctx context.Context) (ClassifierStatus, error) {
	comments, err := s.db.LabelledComments(ctx, maxTrainingExamples)
	if err != nil {
		return ClassifierStatus{}, err
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return ClassifierStatus{}, err
	}
	unstored := rememberSentenceVectors(comments)
	examples := make([]text.Example, 0, len(comments))
	for _, c := range comments {
		if len(c.Labels) > 0 {
			examples = append(examples, text.Example{Text: c.Text, Labels: c.Labels})
		}
	}
	if len(examples) < MinTrainingExamples {
		return ClassifierStatus{}, fresco.Errorf(fresco.ECONFLICT,
			"the classifier needs at least %d categorised comments to learn from (have %d); until then suggestions come from the taxonomy's keywords",
			MinTrainingExamples, len(examples))
	}
	opts := text.TrainOptions{Taxonomy: tax}
	eval, err := text.CrossValidate(examples, min(5, len(examples)), opts)
	if err != nil {
		return ClassifierStatus{}, err
	}
	m, err := text.Train(examples, opts)
	if err != nil {
		return ClassifierStatus{}, err
	}
	if err := s.storeSentenceVectors(ctx, unstored); err != nil {
		return ClassifierStatus{}, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return ClassifierStatus{}, err
	}
	at := s.now()
	st := ClassifierStatus{Trained: true, Labelled: len(examples), TrainedAt: &at, Evaluation: &eval, Method: "model"}
	rawEval, _ := json.Marshal(st)
	if err := s.db.SetSetting(ctx, settingModel, string(raw)); err != nil {
		return ClassifierStatus{}, err
	}
	if err := s.db.SetSetting(ctx, settingEval, string(rawEval)); err != nil {
		return ClassifierStatus{}, err
	}
	if err := s.keepModelVersion(ctx, string(raw), string(rawEval), st); err != nil {
		return ClassifierStatus{}, err
	}
	s.clf.mu.Lock()
	s.clf.loaded, s.clf.loadedAt = &classifier{model: m, taxonomy: tax, status: st}, time.Now()
	s.clf.mu.Unlock()
	return st, nil
}

// rememberSentenceVectors hands the classifier the sentence vectors stored
// beside the comments and returns the comments that have none (or one of
// another encoder), which training encodes.
func rememberSentenceVectors(comments []store.LabelledComment) []store.LabelledComment {
	var unstored []store.LabelledComment
	for _, c := range comments {
		if c.Vector == nil || !text.RememberSentenceVector(c.Text, c.Vector) {
			unstored = append(unstored, c)
		}
	}
	return unstored
}

// storeSentenceVectors keeps the vectors training encoded beside their
// comments, so that the next training, after a restart too, reads them
// instead of encoding every comment again.
func (s *Service) storeSentenceVectors(ctx context.Context, comments []store.LabelledComment) error {
	if len(comments) == 0 {
		return nil
	}
	vectors := make(map[int64][]byte, len(comments))
	for _, c := range comments {
		vectors[c.ResponseID] = text.StoredSentenceVector(c.Text)
	}
	return s.db.SetResponseVectors(ctx, vectors)
}
