package feedback

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// What staff see of the classifier on the comments page: the comments
// worth labelling next, retraining in the background, and the aspect of
// each complaint.

// queueCandidates is how many of the newest uncategorised comments the
// labelling queue ranks: enough to find the doubtful ones, few enough to
// score on every page view.
const queueCandidates = 300

// QueuedComment is an uncategorised comment the model is unsure about.
type QueuedComment struct {
	Response    *fresco.Response  `json:"-"`
	ResponseID  int64             `json:"response_id"`
	Comment     string            `json:"comment"`
	Uncertainty float64           `json:"uncertainty"`
	Suggestions []text.Suggestion `json:"suggestions"`
	// Doubt is the category a multi-label model is unsure to add (its
	// probability nearest its threshold); nil when the doubt is which
	// category comes first.
	Doubt *text.Doubt `json:"doubt,omitempty"`
}

// LabellingQueue returns the n newest uncategorised comments the trained
// model is least sure about (ActiveLearningQueue), most doubtful first. It
// is empty until a model is trained.
func (s *Service) LabellingQueue(ctx context.Context, n int) ([]QueuedComment, error) {
	unlabelled := false
	candidates, _, err := s.db.ListResponses(ctx, store.ResponseFilter{Labelled: &unlabelled, WithComment: true, Limit: queueCandidates})
	if err != nil || len(candidates) == 0 {
		return []QueuedComment{}, err
	}
	candidates = distinctComments(candidates)
	comments := make([]string, len(candidates))
	for i, r := range candidates {
		comments[i] = r.Comment
	}
	ranked, err := s.ActiveLearningQueue(ctx, comments, n)
	if err != nil {
		return nil, err
	}
	out := make([]QueuedComment, len(ranked))
	for i, u := range ranked {
		r := candidates[u.Index]
		out[i] = QueuedComment{Response: r, ResponseID: r.ID, Comment: r.Comment, Uncertainty: u.Uncertainty, Suggestions: u.Suggestions, Doubt: u.Doubt}
	}
	return out, nil
}

// distinctComments keeps the first of comments with the same words:
// labelling a copy teaches the model nothing more, so copies would only
// crowd the queue.
func distinctComments(list []*fresco.Response) []*fresco.Response {
	seen := map[string]bool{}
	return slices.DeleteFunc(list, func(r *fresco.Response) bool {
		key := strings.Join(strings.Fields(strings.ToLower(r.Comment)), " ")
		dup := seen[key]
		seen[key] = true
		return dup
	})
}

// QueueTraining has the durable retraining job run now, replacing one that
// is waiting (perhaps for retrainDelay), so there is at most one waiting
// retraining, and records that actor asked for it. It returns the job's id.
func (s *Service) QueueTraining(ctx context.Context, actor string) (int64, error) {
	id, err := s.enqueueTraining(ctx, func(tx *store.Tx, waiting int64) (bool, error) {
		withdrawn, err := jobs.Withdraw(ctx, tx, waiting)
		return !withdrawn, err // claimed meanwhile: it is running, queue another
	}, time.Time{}, func(tx *store.Tx, id int64) error {
		return tx.Audit(ctx, actorOr(actor), "feedback.retrain", "job", strconv.FormatInt(id, 10), nil)
	})
	if err == nil && s.opts.AfterCommit != nil {
		s.opts.AfterCommit()
	}
	return id, err
}

// retrainDelay gathers the labels of a labelling session into one
// retraining: the job queued by the first label runs this long after it,
// and the labels given meanwhile find it waiting.
const retrainDelay = 5 * time.Minute

func (s *Service) scheduleRetraining(ctx context.Context) error {
	keepWaiting := func(*store.Tx, int64) (bool, error) { return true, nil }
	noAudit := func(*store.Tx, int64) error { return nil } // a label's side effect, audited as the label
	_, err := s.enqueueTraining(ctx, keepWaiting, s.now().Add(retrainDelay), noAudit)
	return err
}

// enqueueTraining queues a retraining due at runAt (zero: now) unless keep
// decides that the one already waiting will do; then, in the same
// transaction, audit records the job that will run.
func (s *Service) enqueueTraining(ctx context.Context, keep func(tx *store.Tx, waiting int64) (bool, error), runAt time.Time,
	audit func(tx *store.Tx, id int64) error) (int64, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		waiting, ok, err := jobs.QueuedID(ctx, tx, JobTrainClassifier)
		if err != nil {
			return err
		}
		reuse := false
		if ok {
			if reuse, err = keep(tx, waiting); err != nil {
				return err
			}
		}
		if reuse {
			id = waiting
		} else if id, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobTrainClassifier, RunAt: runAt, MaxAttempts: 3}); err != nil {
			return err
		}
		return audit(tx, id)
	})
	return id, err
}

// AspectOf is the process-quality influence a negative comment is about,
// or "" when the comment is not negative or none fits.
func AspectOf(comment string) text.Aspect {
	a, _ := text.ComplaintAspect(comment)
	return a
}

// maxAspectScan bounds how many comments one filtered page reads: the
// aspect is computed, not stored, so a rare aspect is looked for page by
// page.
const maxAspectScan = 1000

// ListComments lists the responses matching f, only the negative comments
// about aspect when one is given.
func (s *Service) ListComments(ctx context.Context, f store.ResponseFilter, aspect text.Aspect) ([]*fresco.Response, string, error) {
	if aspect != "" {
		return s.CommentsWithAspect(ctx, f, aspect)
	}
	return s.db.ListResponses(ctx, f)
}

// CommentsWithAspect lists comments matching f whose aspect is aspect,
// reading pages of f until at least f.Limit match or maxAspectScan
// comments have been read. The cursor continues after the last comment
// read, so every comment is looked at once across pages.
func (s *Service) CommentsWithAspect(ctx context.Context, f store.ResponseFilter, aspect text.Aspect) ([]*fresco.Response, string, error) {
	want := f.Limit
	f.WithComment = true
	var out []*fresco.Response
	for scanned := 0; ; {
		page, next, err := s.db.ListResponses(ctx, f)
		if err != nil {
			return nil, "", err
		}
		for _, r := range page {
			if AspectOf(r.Comment) == aspect {
				out = append(out, r)
			}
		}
		scanned += len(page)
		if next == "" || len(out) >= want || scanned >= maxAspectScan {
			return out, next, nil
		}
		f.Cursor = next
	}
}

// AspectInfo names a process-quality influence in staff's words.
type AspectInfo struct {
	Aspect text.Aspect `json:"aspect"`
	Name   string      `json:"name"`
	Means  string      `json:"means"`
}

// AspectInfos are the five influences, in the order seed 002 gives them.
var AspectInfos = []AspectInfo{
	{text.Dependability, "Dependability", "doing what was promised, right the first time"},
	{text.Responsiveness, "Responsiveness", "speed and willingness to help: waiting, replies, being passed around"},
	{text.Authority, "Authority", "competence and knowledge, and the trust they earn"},
	{text.Empathy, "Empathy", "courtesy, listening, attention to the person"},
	{text.TangibleEvidence, "Tangible evidence", "premises, food, equipment, cleanliness, paperwork"},
}

// AspectName is an aspect's name, or "" for none.
func AspectName(a text.Aspect) string {
	for _, info := range AspectInfos {
		if info.Aspect == a {
			return info.Name
		}
	}
	return ""
}

// MaxBulkLabel is the most comments one bulk labelling may change: a page
// of the comments list and then some.
const MaxBulkLabel = 500

// LabelComments adds categories to each comment of ids (bulk labelling from
// the comments list), keeping the categories staff gave each before, and
// records who did it, in one transaction: either every comment gets them or
// none does. Like Categorise, the labels queue a retraining.
func (s *Service) LabelComments(ctx context.Context, ids []int64, categories []string, actor string) error {
	var v fresco.Validation
	switch {
	case len(ids) == 0:
		v.Add("id", "choose at least one comment")
	case len(ids) > MaxBulkLabel:
		v.Add("id", "at most %d comments at once", MaxBulkLabel)
	}
	if len(categories) == 0 {
		v.Add("category", "choose at least one category")
	}
	cats, actor, err := s.checkLabels(ctx, &v, categories, actor)
	if err != nil {
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddResponseCategories(ctx, ids, cats, actor); err != nil {
			return err
		}
		// One record a comment, so that each comment's history shows it.
		for _, id := range ids {
			if err := tx.Audit(ctx, actor, "label", "response", strconv.FormatInt(id, 10),
				map[string]any{"added": cats, "bulk": len(ids)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.retrainSoon(ctx)
	return nil
}
