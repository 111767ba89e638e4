// Package fresco holds Fresco's domain: the entities of every capability and
// their states, coded errors, exact money and record validation.
//
// types.go holds what every capability shares (customers, purchases,
// employees, locations, teams, products, marketing spend, roles); one file a
// capability holds its entities and state constants (case.go for service
// recovery, survey.go and response.go for feedback, followup.go for the
// closed loop, value.go for lifetime value, notification.go and webhook.go
// for notifications, audit.go, token.go). The rules that change them live
// in the service packages (internal/recovery, internal/feedback,
// internal/loop, internal/value, internal/staff); internal/store maps them to
// rows. The package declares no service interfaces: services are concrete
// types built in internal/app.
//
// It imports neither net/http nor database/sql, so the same types serve the
// JSON API, the CLI, the importer and the analytics packages.
package fresco
