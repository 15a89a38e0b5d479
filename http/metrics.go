package http

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	checks   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	requests *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_checks_total", Help: "Checks answered, by database and outcome (hit, possible, no_hit).",
		}, []string{"database", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lookout_check_duration_seconds", Help: "Time to answer a check, audit commit included.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"database"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lookout_http_request_duration_seconds", Help: "HTTP API requests by method and route.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.checks, m.latency, m.requests)
	return m
}

func (m *metrics) observe(database, outcome string, elapsed time.Duration) {
	m.checks.WithLabelValues(database, outcome).Inc()
	m.latency.WithLabelValues(database).Observe(elapsed.Seconds())
}
