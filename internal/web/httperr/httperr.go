// Package httperr is the one place where fresco error codes become HTTP
// statuses, for the JSON API (problem documents) and the UI (error pages and
// forms) alike, so that the same failure answers the same status wherever it
// is met.
package httperr

import (
	"net/http"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// statusByCode maps every fresco error code to its HTTP status.
var statusByCode = map[string]int{
	fresco.EINVALID:      http.StatusUnprocessableEntity,
	fresco.ENOTFOUND:     http.StatusNotFound,
	fresco.ECONFLICT:     http.StatusConflict,
	fresco.EUNAUTHORIZED: http.StatusUnauthorized,
	fresco.EFORBIDDEN:    http.StatusForbidden,
	fresco.ERATELIMIT:    http.StatusTooManyRequests,
	fresco.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	fresco.ESTALE:        http.StatusPreconditionFailed,
	fresco.EINTERNAL:     http.StatusInternalServerError,
}

// Status returns the HTTP status for err: by its fresco error code, and 500
// for anything uncoded.
func Status(err error) int {
	if s, ok := statusByCode[fresco.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
