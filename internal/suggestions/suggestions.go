// Package suggestions serves "customers who bought what you bought also
// bought…" (issue 15) with the guard rails a customer would thank the shop
// for: only identified customers who consented to personalisation and did
// not opt out, none while a complaint is open, never a sensitive item or
// category (nor because of one), never an item the customer owns or
// returned, and only from item pairs at least k customers bought together.
// The model (internal/recommend's EASE) is trained nightly by a durable
// job and on demand, and kept in the database so that every replica serves
// the same one.
package suggestions

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/recommend"
	"github.com/fresco-cx/fresco/internal/store"
)

// JobRetrain is the job kind of a training.
const JobRetrain = "suggestions.retrain"

// Options configure the service.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// Train shapes the model (zero: DefaultTrain).
	Train recommend.Options
	// HalfLife ages what a customer bought: an item bought HalfLife ago
	// weighs half in their scores (the recency blend; 0: DefaultHalfLife,
	// negative: off).
	HalfLife time.Duration
	// Keep is how many trained models the database keeps (default 3).
	Keep int
	// Settings are the business's: its locale and whether customers see
	// their own suggestions (nil: the defaults, which do not).
	Settings func(context.Context) fresco.Settings
}

// DefaultMaxItems keeps the model to the most bought items: the others
// are rarely a good suggestion, and the solve's time grows with the cube
// of the items (docs/recommendations.md).
const DefaultMaxItems = 2500

// DefaultHalfLife is the recency blend's half-life: what a customer bought
// a month ago weighs half of what they bought today.
const DefaultHalfLife = 30 * 24 * time.Hour

// DefaultCount is how many suggestions a customer is shown.
const DefaultCount = 10

// DefaultTrain is the model Fresco serves, measured in
// docs/recommendations.md (fresco recommend eval uses it too): EASE with
// λ = 200 on the 2,500 most bought items and each item's 1,000 largest
// weights, negative ones included; the floor k = 5 on the weights, so
// that every weight served, and every reason given, is of a pair at least
// 5 customers bought together. (Zeroing the pairs below k in the Gram
// matrix as well was measured too: recall@10 0.101–0.104 against 0.106.)
func DefaultTrain() recommend.Options {
	return recommend.Options{KFloor: 5, Lambda: 200, Neighbours: 1000, MaxItems: DefaultMaxItems, Negatives: true, FloorGramOff: true}
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Train == (recommend.Options{}) {
		o.Train = DefaultTrain()
	}
	if o.HalfLife == 0 {
		o.HalfLife = DefaultHalfLife
	}
	if o.Keep <= 0 {
		o.Keep = 3
	}
	if o.Settings == nil {
		o.Settings = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	return o
}

// Service trains, stores and serves suggestions.
type Service struct {
	db      *store.DB
	opts    Options
	served  atomic.Pointer[served]
	loading sync.Mutex
}

// served is a model as a server holds it.
type served struct {
	info  *fresco.SuggestionModel
	m     *recommend.Model
	keys  []int64         // item → product id
	index map[int64]int32 // product id → item
}

// New returns the service over db.
func New(db *store.DB, opts Options) *Service {
	return &Service{db: db, opts: opts.withDefaults()}
}

// Register makes q train the model nightly at 02:40 UTC and whenever
// EnqueueRetrain asks. Call it before q.Run.
func (s *Service) Register(q *jobs.Queue) {
	q.Register(JobRetrain, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.Retrain(ctx)
		return err
	})
	q.DailyAt(JobRetrain, 2, 40, time.UTC)
}

// EnqueueRetrain queues an on-demand training for actor and returns the
// job's id; one already queued is reused. Audited.
func (s *Service) EnqueueRetrain(ctx context.Context, actor string) (int64, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = jobs.EnqueueOnce(ctx, tx, JobRetrain, 3); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, JobRetrain, "job", strconv.FormatInt(id, 10), nil)
	})
	return id, err
}

// Retrain trains a model on the purchases of every customer whose
// purchases may train one — not erased, not opted out; items they
// returned left out — stores it as the newest and drops the oldest.
func (s *Service) Retrain(ctx context.Context) (*fresco.SuggestionModel, error) {
	start := time.Now()
	var x recommend.Matrix
	index := map[int64]int32{}
	var keys []int64
	last := int64(-1)
	err := s.db.SuggestionTrainingItems(ctx, portable.ErasedName, func(b store.BoughtItem) error {
		if b.CustomerID != last {
			x.Users = append(x.Users, nil)
			last = b.CustomerID
		}
		i, ok := index[b.ProductID]
		if !ok {
			i = int32(len(keys))
			index[b.ProductID] = i
			keys = append(keys, b.ProductID)
		}
		x.Users[len(x.Users)-1] = append(x.Users[len(x.Users)-1], i)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("suggestions: reading purchases: %w", err)
	}
	x.Items = len(keys)
	m, st, err := recommend.EASE(x, s.opts.Train)
	if err != nil {
		return nil, err
	}
	blob, err := recommend.Encode(m, keys)
	if err != nil {
		return nil, err
	}
	stats, _ := json.Marshal(st)
	info := &fresco.SuggestionModel{TrainedAt: s.opts.Now().UTC(), Algorithm: "ease", Customers: st.Customers,
		Items: st.Items, KFloor: st.KFloor, Seconds: time.Since(start).Seconds(), Stats: string(stats)}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if info.ID, err = tx.InsertSuggestionModel(ctx, *info, blob); err != nil {
			return err
		}
		return tx.PruneSuggestionModels(ctx, s.opts.Keep)
	})
	if err != nil {
		return nil, err
	}
	s.opts.Logger.InfoContext(ctx, "suggestions trained", "model", info.ID, "customers", info.Customers,
		"items", info.Items, "seconds", info.Seconds)
	return info, nil
}

// Model describes the model being served; ENOTFOUND before the first
// training.
func (s *Service) Model(ctx context.Context) (*fresco.SuggestionModel, error) {
	sv, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	if sv == nil {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no suggestion model has been trained yet")
	}
	return sv.info, nil
}

// current returns the newest stored model, loading it when another
// replica (or this one) stored a newer one since; nil when none.
func (s *Service) current(ctx context.Context) (*served, error) {
	id, err := s.db.LatestSuggestionModelID(ctx)
	if err != nil || id == 0 {
		return nil, err
	}
	if sv := s.served.Load(); sv != nil && sv.info.ID == id {
		return sv, nil
	}
	s.loading.Lock()
	defer s.loading.Unlock()
	if sv := s.served.Load(); sv != nil && sv.info.ID == id {
		return sv, nil
	}
	info, blob, err := s.db.SuggestionModelBlob(ctx, id)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND { // pruned meanwhile: the next request loads the newer one
		return s.served.Load(), nil
	}
	if err != nil {
		return nil, err
	}
	m, keys, err := recommend.Decode(blob)
	if err != nil {
		return nil, fmt.Errorf("suggestion model %d: %w", id, err)
	}
	sv := &served{info: info, m: m, keys: keys, index: make(map[int64]int32, len(keys))}
	for i, k := range keys {
		sv.index[k] = int32(i)
	}
	s.served.Store(sv)
	return sv, nil
}

// Withheld says why a customer may not be suggested anything now, "" when
// they may: erased, no consent to personalisation, opted out, or a
// complaint not yet closed — in that order.
func Withheld(g *store.SuggestionGuard) string {
	switch {
	case g.Name == portable.ErasedName && g.Email == "" && !g.HasExternalID:
		return fresco.SuggestionsErased
	case !g.Consent:
		return fresco.SuggestionsNoConsent
	case g.OptedOut:
		return fresco.SuggestionsOptedOut
	case g.OpenComplaints > 0:
		return fresco.SuggestionsOpenCase
	}
	return ""
}

// For returns up to n suggestions for a customer (n ≤ 0: DefaultCount),
// or why there are none. ENOTFOUND for an unknown customer.
func (s *Service) For(ctx context.Context, customerID int64, n int) (*fresco.SuggestionList, error) {
	if n <= 0 {
		n = DefaultCount
	}
	g, err := s.db.SuggestionGuardFor(ctx, customerID)
	if err != nil {
		return nil, err
	}
	out := &fresco.SuggestionList{CustomerID: customerID, Items: []fresco.Suggestion{}}
	if out.Withheld = Withheld(g); out.Withheld != "" {
		return out, nil
	}
	sv, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	if sv == nil {
		out.Withheld = fresco.SuggestionsNoModel
		return out, nil
	}
	out.ModelID, out.TrainedAt = sv.info.ID, sv.info.TrainedAt
	bought, err := s.db.CustomerBoughtItems(ctx, customerID)
	if err != nil {
		return nil, err
	}
	sensitive, err := s.db.SensitiveProductIDs(ctx)
	if err != nil {
		return nil, err
	}
	// What the customer owns drives the scores, except what they returned
	// and what is sensitive (no suggestion is made because of it); all of
	// it is left out of the answer by Recommend, which never suggests an
	// owned item.
	now := s.opts.Now()
	var owned []recommend.Owned
	for _, b := range bought {
		i, ok := sv.index[b.ProductID]
		if !ok {
			continue
		}
		w := 0.0
		if !b.Returned && !sensitive[b.ProductID] {
			w = s.weight(now.Sub(b.LastAt))
		}
		owned = append(owned, recommend.Owned{Item: i, Weight: w})
	}
	cands := sv.m.Recommend(owned, n, func(i int32) bool { return sensitive[sv.keys[i]] })
	// Names of the suggestions and of their reasons, as they are now.
	ids := make([]int64, 0, 2*len(cands))
	for _, c := range cands {
		ids = append(ids, sv.keys[c.Item], sv.keys[c.Because])
	}
	products, err := s.db.SuggestibleProducts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		p, ok := products[sv.keys[c.Item]]
		because, found := products[sv.keys[c.Because]]
		if !ok || !found || p.Sensitive || because.Sensitive {
			continue // deleted since training, or marked between the two reads
		}
		out.Items = append(out.Items, fresco.Suggestion{ProductID: p.ID, SKU: p.SKU, Name: nameOf(p), Score: c.Score,
			BecauseProductID: because.ID, BecauseName: nameOf(because), Reason: "Because you bought the " + nameOf(because)})
	}
	return out, nil
}

func (s *Service) weight(age time.Duration) float64 {
	if s.opts.HalfLife < 0 || age <= 0 {
		return 1
	}
	return recommend.Decay(age, s.opts.HalfLife)
}

func nameOf(p store.SuggestibleProduct) string {
	if name := strings.TrimSpace(p.Name); name != "" {
		return name
	}
	return "item " + p.SKU
}

// SetOptOut records a customer's choice to receive no suggestions (and
// to have their purchases left out of the next training), or undoes it.
// Audited as actor.
func (s *Service) SetOptOut(ctx context.Context, actor string, customerID int64, optOut bool) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Customer(ctx, customerID); err != nil {
			return err
		}
		changed, err := tx.SetSuggestionOptOut(ctx, customerID, optOut, s.opts.Now())
		if err != nil || !changed {
			return err
		}
		action := "customer.suggestions_opt_in"
		if optOut {
			action = "customer.suggestions_opt_out"
		}
		return tx.Audit(ctx, actor, action, "customer", strconv.FormatInt(customerID, 10), nil)
	})
}

// OptedOut says whether a customer opted out of suggestions.
func (s *Service) OptedOut(ctx context.Context, customerID int64) (bool, error) {
	g, err := s.db.SuggestionGuardFor(ctx, customerID)
	if err != nil {
		return false, err
	}
	return g.OptedOut, nil
}

// SetProductSensitive marks a product sensitive (never suggested, never a
// reason) or not. Audited.
func (s *Service) SetProductSensitive(ctx context.Context, actor string, productID int64, sensitive bool) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetProductSensitive(ctx, productID, sensitive, s.opts.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "product.sensitive", "product", strconv.FormatInt(productID, 10), map[string]bool{"sensitive": sensitive})
	})
}

// MaxCategory is the longest category name accepted.
const MaxCategory = 200

// SetCategorySensitive marks a product category sensitive or not.
// Audited when it changes something.
func (s *Service) SetCategorySensitive(ctx context.Context, actor, category string, sensitive bool) error {
	category = strings.TrimSpace(category)
	var v fresco.Validation
	switch {
	case category == "":
		v.Add("category", "is required")
	case len(category) > MaxCategory:
		v.Add("category", "is longer than %d characters", MaxCategory)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.SetCategorySensitive(ctx, category, sensitive, s.opts.Now())
		if err != nil || !changed {
			return err
		}
		return tx.Audit(ctx, actor, "category.sensitive", "category", category, map[string]bool{"sensitive": sensitive})
	})
}

// SensitiveMarks lists what the owner marked sensitive.
func (s *Service) SensitiveMarks(ctx context.Context) ([]store.SensitiveMark, error) {
	return s.db.SensitiveMarks(ctx)
}
