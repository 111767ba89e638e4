// Package clv is Fresco's customer-lifetime-value engine. It is pure: no
// database, network or HTTP; callers hand it transactions or summaries and get
// fitted models and predictions back.
//
// # Pipeline
//
//  1. Summarise a stream of Transaction{CustomerID, At, Amount} into one
//     Summary per customer (frequency x, recency t_x, age T, mean repeat
//     spend) with Summarise, or read them with ReadTransactionsCSV /
//     ReadSummaryCSV. Options fixes the time unit (day or week), the period
//     within which purchases count once, and the calibration end.
//  2. Fit a model by maximum likelihood: FitBGNBD, FitMBGNBD, FitParetoNBD
//     (continuous time, on []Summary), FitBGBB (discrete periods, on
//     []DiscreteSummary) and FitGammaGamma (spend, on repeat buyers). Every fit
//     compresses customers to unique tuples with weights, works in
//     log-parameter space and returns a Fit with the total log-likelihood,
//     standard errors from the numerical Hessian and convergence diagnostics.
//     Big fits (over 100k tuples) start from a fit to a subsample; BG/NBD and
//     Gamma-Gamma then take exact Newton steps on all data with analytic
//     Hessians (hess.go), whose last Hessian also gives the standard errors.
//  3. Predict: every purchase model (PurchaseModel) gives P(alive), expected
//     purchases in the next t, unconditional E[X(t)] and P(X(t)=k);
//     GammaGamma gives the expected mean spend; DiscountedPurchases and
//     PredictAll combine them into a discounted CLV (see DiscountedPurchases for
//     the method).
//  4. Evaluate on a holdout period with SplitHoldout (or a HoldoutBuilder,
//     for callers that count their own purchases) and EvaluateHoldout
//     (per-customer MAE, an aggregate tracking curve, deciles of predicted
//     against actual purchases).
//
// Generate draws synthetic transaction logs from BG/NBD + Gamma-Gamma with
// known parameters, for tests and benchmarks.
//
// All likelihoods and predictions are computed in log space so heavy buyers
// (x in the hundreds or thousands) give finite numbers, never NaN or Inf.
package clv
