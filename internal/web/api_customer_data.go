package web

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// A customer's own data: everything held about them (the right of access)
// and its erasure (the right to be forgotten). The rules — which tables,
// which columns, what stays so that figures do not move — are in package
// portable.

// CustomerData is every record held about one customer, table by table.
type CustomerData struct {
	CustomerID int64                       `json:"customer_id"`
	Tables     map[string][]map[string]any `json:"tables" doc:"Table name → its rows about the customer, each an object keyed by column (suggestion_opt_outs: whether and when they opted out of suggestions). The e-mail is here: email_messages, the mail sent to the customer (staff notification mail, which goes to employees, is not); case_messages, the conversation of each of their cases both ways (direction, from_addr, to_addr, subject, body_text, body_html, created_at); case_attachments, the files that came with those messages as filename, content_type, size_bytes, created_at and case_message_id, without the file itself (it can be large, and the customer sent it) but with its download link in url."`
	// Suggestions are computed, not stored: what they would be shown now.
	Suggestions CustomerSuggestions `json:"suggestions" doc:"The suggestions made for the customer now, each with its reason, or why none are (withheld, why): what the customer may ask to see and why."`
}

func (s *Server) exportCustomer(ctx context.Context, in *IDParam) (*One[CustomerData], error) {
	data, err := portable.CustomerData(ctx, s.db, in.ID)
	if err != nil {
		return nil, err
	}
	l, err := s.suggestions.For(ctx, in.ID, suggestions.DefaultCount)
	if err != nil {
		return nil, err
	}
	linkAttachments(data)
	return &One[CustomerData]{Body: CustomerData{CustomerID: in.ID, Tables: data, Suggestions: suggestionsJSON(l)}}, nil
}

// linkAttachments gives each attachment row the link that downloads its
// file, which the export leaves out (package portable says why). The link
// names the case, found through the attachment's message.
func linkAttachments(data map[string][]map[string]any) {
	caseOf := map[string]any{}
	for _, m := range data["case_messages"] {
		caseOf[fmt.Sprint(m["id"])] = m["case_id"]
	}
	for _, a := range data["case_attachments"] {
		if c, ok := caseOf[fmt.Sprint(a["case_message_id"])]; ok {
			a["url"] = fmt.Sprintf("%s/cases/%v/attachments/%v", apiPrefix, c, a["id"])
		}
	}
}

func (s *Server) eraseCustomer(ctx context.Context, in *IDParam) (*One[portable.Erasure], error) {
	e, err := portable.EraseCustomer(ctx, s.db, principal(ctx).Actor(), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[portable.Erasure]{Body: *e}, nil
}
