package notify

import "github.com/prometheus/client_golang/prometheus"

// metrics count what each delivery attempt came to, in this process; a
// dashboard sums them over the replicas.
type metrics struct {
	webhooks *prometheus.CounterVec
	emails   *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fresco_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (given up), cancelled.",
		}, []string{"outcome"}),
		emails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fresco_email_attempts_total",
			Help: "E-mail sending attempts by outcome: sent, skipped (SMTP not configured), retry, failed (given up).",
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.webhooks, m.emails)
	}
	return m
}

// webhookOutcome names a delivery's status after an attempt.
func webhookOutcome(status string, failedAttempt bool) string {
	if status == "pending" && failedAttempt {
		return "retry"
	}
	return status
}

// emailOutcome names an e-mail's status after an attempt.
func emailOutcome(status string, failedAttempt bool) string {
	if status == "queued" && failedAttempt {
		return "retry"
	}
	return status
}
