package feedback

import (
	"context"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// PostEmail is the listening post of the e-mail customers send the business
// of their own accord (migration 00032); internal/inbound records each new
// conversation there.
const PostEmail = "email"

// EmailComplaintSentiment is the sentiment at or below which an e-mail reads
// as a complaint. It is milder than a negative comment's −0.5: a customer
// who takes the trouble to write rarely shouts, and a complaint missed costs
// more than a follow-up opened on a grumble.
const EmailComplaintSentiment = -0.3

// ReadsAsComplaint reports whether response r, an e-mail, reads as a
// complaint: its text scored at or below EmailComplaintSentiment.
func ReadsAsComplaint(r *fresco.Response) bool {
	return r.PostSlug == PostEmail && r.Sentiment != nil && *r.Sentiment <= EmailComplaintSentiment
}

// RecordEmail records a customer's e-mail as a response at the e-mail post,
// through the same text analysis and closed loop as every listening post: one
// that reads as a complaint is flagged a complaint, so the loop opens its
// follow-up and alerts as for any complaint. inTx runs in the response's
// transaction after it is stored (the inbound mail opens its case there).
func (s *Service) RecordEmail(ctx context.Context, in *Input, inTx func(tx *store.Tx, r *fresco.Response) error) (*fresco.Response, error) {
	in.ListeningPost, in.SurveyID = PostEmail, nil
	return s.record(ctx, in, nil, inTx)
}
