package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Defaults and bounds of Options.
const (
	DefaultSeed      = 1
	DefaultCustomers = 5000
	DefaultYears     = 2
	MaxCustomers     = 1_000_000
	MaxYears         = 10

	// OwnerEmail, ManagerEmail, AgentEmail and AnalystEmail are the known
	// logins of the demo business; each gets Options.PasswordHash.
	OwnerEmail   = "owner@example.com"
	ManagerEmail = "manager@example.com"
	AgentEmail   = "agent@example.com"
	AnalystEmail = "analyst@example.com"
)

// Options shape the generated business. The zero value asks for the defaults.
type Options struct {
	Seed      int64     // the same seed (and End) gives the same business; 0 means 1
	Customers int       // customers to generate; 0 means 5000
	Years     int       // years of purchase history before End; 0 means 2
	End       time.Time // the end of the history ("now" of the data); zero means time.Now()
	// PasswordHash is set on the known logins (owner, manager, agent, analyst
	// @example.com). Hashing is the caller's job; "" leaves them without a
	// password, so nobody can log in as them.
	PasswordHash string
	// StepDone, when set, is told each step's name and how long it took as
	// the step ends: a million customers take minutes, and a person waiting
	// wants to see where the time goes.
	StepDone func(step string, took time.Duration)
}

// Segment is one behaviour class of the generated customers.
type Segment struct {
	Name        string // e.g. "regular", "mercenary"
	Description string
	Customers   int
}

// Summary says what Generate stored.
type Summary struct {
	Seed                  int64
	Start, End            time.Time // the purchase history lies in [Start, End]
	Locations             int
	Teams                 int
	Employees             int
	Products              int
	Customers             int
	Referred              int // customers with ReferredBy set
	Purchases             int // all purchases, refunds and anonymous ones included
	Lines                 int
	Refunds               int // purchases with negative lines
	AnonymousPurchases    int
	Revenue               fresco.Money // net total of all purchases
	MarketingSpend        fresco.Money
	MarketingSpendPeriods int
	Responses             int // feedback responses
	Cases                 int // service-recovery cases
	Pulses                int // monthly staff pulses
	PulseAnswers          int // anonymous answers to them
	OwnerEmail            string
	Logins                []string // e-mail addresses that get Options.PasswordHash
	Segments              []Segment
}

// Generate fills an empty database with a generated hospitality and retail
// business — locations, teams, staff, a catalogue, customers with two years
// of purchases, referrals and marketing spend — deterministic for
// (opts.Seed, opts.End). It refuses a database that already holds business
// data. The package documentation describes the customer model.
//
// Generate is not atomic: the steps commit one after another (purchases in
// batches), so after an error the database is partly filled and should be
// thrown away.
func Generate(ctx context.Context, db *store.DB, opts Options) (*Summary, error) {
	w, err := generateWorld(ctx, db, opts, func(*world) {})
	if err != nil {
		return nil, err
	}
	return w.summary, nil
}

// generate runs every step and returns the world, with every purchase and
// customer record in it, which the tests inspect.
func generate(ctx context.Context, db *store.DB, opts Options) (*world, error) {
	return generateWorld(ctx, db, opts, func(w *world) { w.keepAll = true })
}

// generateWorld runs every step, with a chance to adjust the world before
// the steps run (the tests choose the path that stores the data).
func generateWorld(ctx context.Context, db *store.DB, opts Options, adjust func(*world)) (*world, error) {
	opts, err := opts.withDefaults(time.Now())
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, db); err != nil {
		return nil, err
	}
	w := newWorld(db, opts)
	adjust(w)
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		began := time.Now()
		if err := s.run(ctx, w, newRNG(opts.Seed, s.name)); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", s.name, err)
		}
		if opts.StepDone != nil {
			opts.StepDone(s.name, time.Since(began))
		}
	}
	// A freshly loaded PostgreSQL has no statistics, and no page marked
	// all-visible for index-only scans: plan with real ones, scan indexes only.
	if err := db.VacuumAnalyze(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return w, nil
}

// A step generates one part of the business and stores it. Steps run in
// order and may read what earlier steps put in the world (ids included).
// Each step draws from its own random stream, seeded by Options.Seed and the
// step's name, so adding a step (say, feedback responses or service-recovery
// cases) at the end leaves everything the earlier steps generate unchanged.
type step struct {
	name string
	run  func(ctx context.Context, w *world, r *rng) error
}

// steps is the generation pipeline. Later generators append here.
var steps = []step{
	{"organisation", generateOrganisation},
	{"catalogue", generateCatalogue},
	{"defer indexes", deferIndexes},
	{"customers", generateCustomers},
	{"marketing spend", generateMarketingSpend},
	{"purchases", generatePurchases}, // and the feedback on them, with a stream of its own
	{"indexes, rollups and cases", indexesRollupsAndCases},
	{"people", generatePeople},                    // trainings, exits, rehires (people.go)
	{"pulses", generatePulses},                    // the monthly staff pulse (pulses.go)
	{"goals", generateGoals},                      // satisfaction goals showing every status (goals.go)
	{"rewards", generateRewards},                  // nominations and the owner's rewards for team goals (rewards.go)
	{"process maps", generateProcessMaps},         // the designed "Complaint to resolution" map with two fail points (process_maps.go)
	{"preferences", generatePreferences},          // remembered preferences of one customer in fifty (preferences.go)
	{"referral codes", generateReferralCodes},     // links of the busiest referrers who are promoters (referral_codes.go)
	{"comment categories", generateCommentLabels}, // staff categorise older comments; the classifier learns from them (labels.go)
}

// deferIndexes drops the secondary indexes of customers, purchases and
// responses that the bulk load does not read (store.DeferLoadIndexes), and
// buildIndexes builds them again once the rows are in: an index built from
// all its rows at once costs a fraction of one kept row by row, and the
// load writes purchases and responses in customer order, so every
// time-ordered index would be written at random. Until the load is in it
// also drops SQLite's insert triggers of the loaded tables, whose rollups
// the rebuild after the load computes (store.DB.DeferLoadTriggers), and
// turns SQLite's foreign key checks off (store.DB.SkipForeignKeyChecks):
// the generator's rows reference stored ones (TestReferentialIntegrityAcrossSeeds
// checks). The cases after the load run with both, as in production. The
// service path, the tests' reference, keeps all three.
func deferIndexes(ctx context.Context, w *world, _ *rng) error {
	if w.viaService {
		return nil
	}
	restore, err := w.db.DeferLoadIndexes(ctx)
	if err != nil {
		return err
	}
	w.restoreIndexes = restore
	if w.restoreTriggers, err = w.db.DeferLoadTriggers(ctx); err != nil {
		return err
	}
	w.checkForeignKeys, err = w.db.SkipForeignKeyChecks(ctx)
	return err
}

// indexesRollupsAndCases plays the past recovery cases (generateCases,
// drawing from the stream named "recovery cases", so the cases do not
// depend on the steps they share), builds the deferred indexes (see
// deferIndexes) and computes every rollup from the purchases and responses
// the bulk path stored without them (store.Tx.LeaveRollupsToRebuild), the
// same rebuild as `fresco rollups rebuild`. On SQLite the rollups are
// computed on a connection of their own while the writer plays the cases
// and builds the indexes (store.DB.RebuildRollupsBeside): at a million
// customers the rollups kept one core busy for a minute and a half, the
// cases and the indexes the other for two. The cases come first: they read
// no deferred index, and the index build that follows sorts with a helper
// thread, which gets the other core once the rollups are done (at 1M, one
// run each: cases then indexes 75 + 52 s, indexes then cases 58 + 71 s; at
// 200k the cases alone 13.5 s before the build, 15.8 s after). The cases change
// no rollup but the recovery baseline, which the rebuild computes last.
// The service path's triggers kept the rollups, and it keeps its indexes.
func indexesRollupsAndCases(ctx context.Context, w *world, _ *rng) error {
	playCases := func(ctx context.Context) error { return generateCases(ctx, w, newRNG(w.opts.Seed, "recovery cases")) }
	if w.viaService {
		return playCases(ctx)
	}
	if err := w.checkForeignKeys(ctx); err != nil {
		return err
	}
	if err := w.restoreTriggers(ctx); err != nil {
		return err
	}
	_, err := w.db.RebuildRollupsBeside(ctx, func(ctx context.Context) error {
		if w.db.Dialect() == store.Postgres {
			// The cases' reads need the statistics gathered after the
			// indexes are built (buildIndexes).
			if err := buildIndexes(ctx, w); err != nil {
				return err
			}
			return playCases(ctx)
		}
		if err := playCases(ctx); err != nil {
			return err
		}
		return buildIndexes(ctx, w)
	})
	return err
}

// buildIndexes builds the deferred indexes. On PostgreSQL it then vacuums
// and analyses the loaded tables: the rollups and the cases that follow
// read the purchases through purchases_customer, and without statistics
// or pages marked all-visible the planner guessed 40,000 customer-months
// where there are millions, and every index-only read went to the table
// (the baseline rollup alone ran over 8 minutes at 1M customers).
func buildIndexes(ctx context.Context, w *world) error {
	if err := w.restoreIndexes(ctx); err != nil {
		return err
	}
	return w.db.VacuumAnalyze(ctx)
}

// world is the business being generated: what each step made, with the ids
// the database gave it, for the steps after it.
type world struct {
	db         *store.DB
	opts       Options
	start, end time.Time
	summary    *Summary
	names      *namer // hands out unique e-mail addresses, staff and customers alike

	sites     []*site // one per location, in siteKey order
	teams     []*fresco.Team
	employees []*fresco.Employee
	products  []*fresco.Product
	bySKU     map[string]*fresco.Product
	people    []*person // customers, in order of acquisition (= id order)
	// visitStreams are the states of the customers step's stream where it
	// planned the visits of each batch of customerBatch people, for the
	// purchases step to plan them again: holding a million customers'
	// visits from one step to the next took gigabytes.
	visitStreams []rand.PCG
	complaints   []*complaint // of the stored responses that may open a case (caseCandidate)
	// away are the people step's gaps in employment, by employee: from the
	// day after an exit to a rehire (zero: never back), for the pulse step
	// to invite only the staff employed that month.
	away map[int64][]absence
	// leavers are the original staff who leave under each exit plan
	// (originalLeavers), and bonds the regretted exits whose guests may
	// drift away (planBonds): the customers step reads them before the
	// people step records the exits.
	leavers []*fresco.Employee
	bonds   []bond

	// keepAll keeps every stored purchase in purchases, ids set, and the
	// customers' records in full, for the tests; the generator itself holds
	// a batch of purchases at a time and what later steps read of customers.
	keepAll   bool
	purchases []*fresco.Purchase

	// restoreIndexes builds the indexes deferIndexes dropped,
	// restoreTriggers creates the triggers it dropped, and
	// checkForeignKeys turns on the checks it turned off.
	restoreIndexes, restoreTriggers, checkForeignKeys func(context.Context) error
	// lines writes the purchases' lines beside the writer during the
	// purchase step of the bulk path on SQLite (store.LinesBeside).
	lines *store.LinesBeside

	// viaService stores customers, purchases and feedback through the
	// services' paths, one at a time or with full validation, instead of in
	// bulk: the tests' reference for the bulk paths.
	viaService bool
}

func newWorld(db *store.DB, opts Options) *world {
	return &world{
		db:    db,
		opts:  opts,
		start: opts.End.AddDate(-opts.Years, 0, 0),
		end:   opts.End,
		bySKU: map[string]*fresco.Product{},
		names: newNamer(),
		summary: &Summary{
			Seed:  opts.Seed,
			Start: opts.End.AddDate(-opts.Years, 0, 0),
			End:   opts.End,
		},
	}
}

// horizon is the length of the purchase history.
func (w *world) horizon() time.Duration { return w.end.Sub(w.start) }

// at returns the time a fraction x ∈ [0, 1] of the way through the history.
func (w *world) at(x float64) time.Time {
	return w.start.Add(time.Duration(x * float64(w.horizon())))
}

func (o Options) withDefaults(now time.Time) (Options, error) {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Customers == 0 {
		o.Customers = DefaultCustomers
	}
	if o.Years == 0 {
		o.Years = DefaultYears
	}
	if o.End.IsZero() {
		o.End = now
	}
	o.End = o.End.UTC().Truncate(time.Second)
	var v fresco.Validation
	v.Check(o.Customers > 0 && o.Customers <= MaxCustomers, "customers", "must be 1 to %d", MaxCustomers)
	v.Check(o.Years > 0 && o.Years <= MaxYears, "years", "must be 1 to %d", MaxYears)
	v.Check(!o.End.After(now), "end", "must not be in the future: the demo has no purchases from the future")
	v.Check(o.End.AddDate(-o.Years, 0, 0).Year() >= 2000, "end", "is too early: the history must start in 2000 or later")
	return o, v.Err()
}

// checkEmpty refuses a database that already holds business data: the demo
// would mix with it, and its referrals and ids assume a fresh start.
func checkEmpty(ctx context.Context, db *store.DB) error {
	var n int64
	err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM locations) + (SELECT COUNT(*) FROM employees)
		+ (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM purchases)`).Scan(&n)
	if err != nil {
		return fmt.Errorf("demo: check the database is empty: %w", err)
	}
	if n > 0 {
		return fresco.Errorf(fresco.ECONFLICT,
			"demo data can only be generated into an empty database (this one already has %d locations, employees, customers, products or purchases)", n)
	}
	return nil
}
