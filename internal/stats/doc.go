// Package stats computes honest survey statistics for Fresco's listening
// posts: NPS, CSAT and CES, always reported together with the number of
// answers (n) and a 95% (or other) confidence interval, so that nobody reads
// meaning into noise.
//
// The package is pure: it takes scores or tallies and returns plain structs
// with JSON tags; grouping by period, location, employee, post or segment is
// the caller's job.
//
// # NPS
//
// [TallyScores] (or [Tally.Add]) counts 0–10 answers into promoters (9–10),
// passives (7–8) and detractors (0–6). [NPS] turns a tally into an
// [NPSResult]: NPS = 100·(P − D)/n with the adjusted-Wald interval of
// Rocks (2016) and Lewis & Sauro (2021):
//
//	n′ = n + 3, p′ = (P + ¾)/n′, d′ = (D + ¾)/n′, NPS′ = p′ − d′
//	SE′ = √((p′ + d′ − NPS′²)/n′)
//	CI = 100·[NPS′ ± z·SE′], clamped to [−100, 100]
//
// [Compare] tests two results: they differ when
// |NPS′₁ − NPS′₂| / √(SE′₁² + SE′₂²) exceeds z. [Trend] applies that test to
// each consecutive pair of periods, and [Rank] ranks groups (employees,
// locations) while hiding those with fewer than a minimum number of answers.
//
// # CSAT and CES
//
// [CSAT] (1–5) and [CES] (1–7) report a share (top-2-box 4–5, "easy" 5–7)
// with the Agresti–Coull interval and a mean with a Student-t interval; see
// [ProportionInterval] and the doc comments on those functions.
//
// # Scorecards
//
// [Wilson] gives a share of n with the Wilson score interval, which stays
// inside 0–100% and honest at the small n of one person's results; and
// [TiedRanks] ranks estimates so that overlapping intervals (directly or
// through a chain of overlaps) share a rank: no order the data cannot
// support.
//
// # Drivers
//
// [Drivers] answers "which items move NPS" with Pearson and Spearman
// correlations between each item and the 0–10 score, reporting n and
// skipping items with too few answers. Correlation is not causation; the
// output says how strongly an item moves together with the score, nothing
// more.
//
// # Confidence levels
//
// Every function takes a confidence level in (0, 1); 0 means the default
// [DefaultConfidence] (0.95, z = 1.959964).
package stats
