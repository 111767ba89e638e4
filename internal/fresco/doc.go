// Package fresco holds Fresco's domain: the types every capability shares
// (customers, purchases, employees, locations, products, marketing spend),
// coded errors, exact money and record validation.
//
// It imports neither net/http nor database/sql, so the same types serve the
// JSON API, the CLI, the importer and the analytics packages.
package fresco
