package web

// Collision detection on cases (recovery.Seen): GET /cases/{id} answers the
// case's version as its ETag, and every action on a case honours an
// optional If-Match. A stale one is refused with 412 and the changes since
// in the problem; without If-Match an action applies as it always has.
// Unlike the case page, the API makes no exception for a note: a failed
// If-Match performs nothing (RFC 9110, section 13.1.1), and a client that
// wants its note in whatever happened omits If-Match.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// caseIfMatch is the description every action on a case gets.
const caseIfMatch = "Send the ETag of your last GET of the case as If-Match: if anyone has changed the case since, " +
	"the answer is 412 Precondition Failed naming who did what, and nothing is written. Without If-Match the action applies as it is."

// seeing is the recovery service acting for a caller who sent ifMatch for
// case id: the service itself, without one (or with "*"); one that checks
// the version in the change's transaction, with one. An If-Match that
// holds no ETag the API gives for a case cannot match: 412 at once.
func (s *Server) seeing(ctx context.Context, id int64, ifMatch IfMatchParam) (*recovery.Service, error) {
	header := strings.TrimSpace(ifMatch.IfMatch)
	if header == "" || header == "*" {
		return s.recovery, nil
	}
	version, ok := int64(0), false
	for tag := range strings.SplitSeq(header, ",") {
		// Strong comparison: a weak tag (W/"…") never matches. Of
		// several, the newest: a case's versions only grow.
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(tag), `"`), `"`), 10, 64)
		if err == nil && n > 0 && strings.HasPrefix(strings.TrimSpace(tag), `"`) {
			version, ok = max(version, n), true
		}
	}
	if !ok {
		current, err := s.db.CaseVersion(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, &fresco.Error{Code: fresco.ESTALE, Message: fmt.Sprintf("case %d: If-Match holds no ETag of a case; nothing was written", id),
			Fields: []fresco.FieldError{{Field: "header.If-Match",
				Message: fmt.Sprintf("%s is not the current ETag, %s: GET the case and send its ETag", header, etag(current))}}}
	}
	return s.recovery.Seeing(id, &recovery.Seen{Version: version}), nil
}

// StaleChange is one change to a case since the If-Match version, in the
// value of a 412's If-Match error.
type StaleChange struct {
	EventID int64     `json:"event_id"`
	Kind    string    `json:"kind"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
	Text    string    `json:"text" doc:"Who did what when, in words: \"Sam Lee resolved the case at 10:42\"."`
}

// staleCaseDetails are the errors of a 412 for a stale case: If-Match,
// with the current ETag, and the changes since as its value.
func staleCaseDetails(e *recovery.StaleError) []*huma.ErrorDetail {
	changes := make([]StaleChange, len(e.Changes))
	for i, c := range e.Changes {
		changes[i] = StaleChange{EventID: c.Event.ID, Kind: c.Event.Kind, Actor: c.Event.Actor, At: c.Event.At, Text: c.String()}
	}
	return []*huma.ErrorDetail{{Location: "header.If-Match", Value: changes,
		Message: fmt.Sprintf("%s is not the current ETag, %s: GET the case again, see what changed and redo your change if it still makes sense",
			etag(e.Seen), etag(e.Current))}}
}

// caseAction is the operation of an action on a case: it honours If-Match,
// and says so.
func caseAction(op huma.Operation) huma.Operation {
	if op.Description != "" {
		op.Description += " "
	}
	op.Description += caseIfMatch
	op.Errors = append(op.Errors, http.StatusPreconditionFailed)
	return op
}
