package httperr

import (
	"errors"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]int{
		fresco.Errorf(fresco.EINVALID, "x"):           422,
		fresco.Errorf(fresco.ENOTFOUND, "x"):          404,
		fresco.Errorf(fresco.ECONFLICT, "x"):          409,
		fresco.Errorf(fresco.EUNAUTHORIZED, "x"):      401,
		fresco.Errorf(fresco.EFORBIDDEN, "x"):         403,
		fresco.Errorf(fresco.ERATELIMIT, "x"):         429,
		fresco.Errorf(fresco.ETOOLARGE, "x"):          413,
		fresco.Errorf(fresco.ESTALE, "x"):             412,
		&auth.RateLimitError{RetryAfter: time.Minute}: 429,
		errors.New("disk on fire"):                    500,
	} {
		if got := Status(err); got != want {
			t.Errorf("Status(%v) = %d, want %d", err, got, want)
		}
	}
	// Every code has a status.
	for _, code := range []string{fresco.ECONFLICT, fresco.EINTERNAL, fresco.EINVALID, fresco.ENOTFOUND,
		fresco.EUNAUTHORIZED, fresco.EFORBIDDEN, fresco.ERATELIMIT, fresco.ETOOLARGE, fresco.ESTALE} {
		if _, ok := statusByCode[code]; !ok {
			t.Errorf("no status for %s", code)
		}
	}
}
