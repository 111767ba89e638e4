package web

import (
	"context"
	"net/http"

	"github.com/fresco-cx/fresco/internal/inbound"
)

// InboundResult is what became of a posted e-mail.
type InboundResult struct {
	Outcome            string   `json:"outcome" enum:"reply,new_case,auto_reply,bounce,loop,duplicate" doc:"reply: filed on the case it answers; new_case: opened a case; auto_reply, bounce, loop, duplicate: recognised and dropped (a permanent bounce marks the address undeliverable)."`
	Reason             string   `json:"reason,omitempty" doc:"Why a message was dropped."`
	CaseID             int64    `json:"case_id,omitempty"`
	MessageID          int64    `json:"message_id,omitempty" doc:"The message on the case's thread."`
	CustomerID         int64    `json:"customer_id,omitempty"`
	NewCustomer        bool     `json:"new_customer,omitempty" doc:"The sender was not known and became a customer."`
	RefusedAttachments []string `json:"refused_attachments,omitempty" doc:"Attachments not stored, and why (type not accepted, too large); they are named on the message too."`
}

// receiveInbound files an e-mail a provider posts raw: the same path as the
// SMTP listener's. A message Fresco cannot read is a 422 naming "message";
// a dropped one (bounce, auto-reply, loop) is a 200 saying so, so that the
// provider does not retry it.
func (s *Server) receiveInbound(ctx context.Context, in *struct {
	RawBody []byte `contentType:"message/rfc822"`
}) (*One[InboundResult], error) {
	res, err := s.inbound.Receive(ctx, inbound.Envelope{}, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &One[InboundResult]{Body: InboundResult{Outcome: res.Outcome, Reason: res.Reason, CaseID: res.CaseID,
		MessageID: res.MessageID, CustomerID: res.CustomerID, NewCustomer: res.NewCustomer, RefusedAttachments: res.Refused}}, nil
}

// inboundStatus documents the statuses of the inbound endpoint beyond the
// usual ones.
var inboundStatus = []int{http.StatusRequestEntityTooLarge}
