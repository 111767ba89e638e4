package web

// A case's e-mail conversation (internal/recovery reply.go): the thread,
// a reply to the customer, the attachments, and the reply templates staff
// pick from.

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/web/ui"
)

// CaseAttachmentOut is a file that came with a case message.
type CaseAttachmentOut struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size" doc:"In bytes."`
	URL         string `json:"url" doc:"Where to download it."`
}

// CaseMessageOut is one e-mail of a case's thread.
type CaseMessageOut struct {
	ID          int64               `json:"id"`
	CaseID      int64               `json:"case_id"`
	Direction   string              `json:"direction" enum:"in,out" doc:"in: from the customer; out: to the customer."`
	MessageID   string              `json:"message_id" doc:"The Message-ID, without angle brackets."`
	InReplyTo   string              `json:"in_reply_to"`
	References  string              `json:"references" doc:"As the header reads: Message-IDs in angle brackets."`
	From        string              `json:"from"`
	To          string              `json:"to"`
	Subject     string              `json:"subject"`
	Text        string              `json:"text" doc:"The plain-text part."`
	HTML        string              `json:"html" doc:"The HTML part as received (never sanitised here: render it only sandboxed)."`
	EmployeeID  *int64              `json:"employee_id" doc:"Who wrote an outgoing message."`
	CreatedAt   time.Time           `json:"created_at"`
	Attachments []CaseAttachmentOut `json:"attachments"`
	// The send status of an outgoing message's e-mail.
	Status    string     `json:"status,omitempty" enum:"queued,sent,failed,skipped" doc:"Outgoing messages: the e-mail's send status."`
	LastError string     `json:"last_error,omitempty" doc:"Why the last attempt to send failed."`
	Attempts  int        `json:"attempts,omitempty"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

func caseMessageOut(m recovery.ThreadMessage) CaseMessageOut {
	out := CaseMessageOut{ID: m.ID, CaseID: m.CaseID, Direction: m.Direction, MessageID: m.MessageID, InReplyTo: m.InReplyTo,
		References: m.References, From: m.From, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		EmployeeID: m.EmployeeID, CreatedAt: m.CreatedAt, Attachments: []CaseAttachmentOut{}}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, CaseAttachmentOut{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType,
			Size: a.Size, URL: fmt.Sprintf("%s/cases/%d/attachments/%d", apiPrefix, m.CaseID, a.ID)})
	}
	if e := m.Email; e != nil {
		out.Status, out.LastError, out.Attempts, out.SentAt = e.Status, e.LastError, e.Attempts, e.SentAt
	}
	return out
}

// CaseReplyInput is an e-mail to the case's customer.
type CaseReplyInput struct {
	Subject    string `json:"subject,omitempty" maxLength:"300" doc:"Defaults to \"Re: \" and the customer's last subject, else \"About your case #N\"."`
	Body       string `json:"body" doc:"The text. May be empty with a template_id: the template's body, filled."`
	TemplateID *int64 `json:"template_id,omitempty" doc:"The reply template used; fills an empty subject or body."`
}

func (s *Server) listCaseMessages(ctx context.Context, in *IDParam) (*itemsBody[CaseMessageOut], error) {
	list, err := s.recovery.Thread(ctx, recoveryActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, caseMessageOut), nil
}

func (s *Server) replyCase(ctx context.Context, in *caseIDBody[CaseReplyInput]) (*Created[CaseMessageOut], error) {
	actor := recoveryActor(ctx)
	b := in.Body
	svc, _, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	m, err := svc.Reply(ctx, actor, in.ID, recovery.ReplyInput{Subject: b.Subject, Body: b.Body, TemplateID: b.TemplateID})
	if err != nil {
		return nil, err
	}
	thread, err := s.recovery.Thread(ctx, actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := caseMessageOut(recovery.ThreadMessage{CaseMessage: *m})
	for _, t := range thread {
		if t.ID == m.ID {
			out = caseMessageOut(t)
		}
	}
	return &Created[CaseMessageOut]{Location: fmt.Sprintf("%s/cases/%d/messages", apiPrefix, in.ID), Body: out}, nil
}

type attachmentParams struct {
	IDParam
	AttachmentID int64 `path:"attachment_id" minimum:"1"`
}

// AttachmentFile is an attachment's bytes, always offered as a download.
type AttachmentFile struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	NoSniff            string `header:"X-Content-Type-Options"`
	Body               []byte
}

func (s *Server) caseAttachment(ctx context.Context, in *attachmentParams) (*AttachmentFile, error) {
	a, err := s.recovery.Attachment(ctx, recoveryActor(ctx), in.ID, in.AttachmentID)
	if err != nil {
		return nil, err
	}
	kind, disposition := ui.AttachmentHeaders(a)
	return &AttachmentFile{ContentType: kind, ContentDisposition: disposition, NoSniff: "nosniff", Body: a.Data}, nil
}

// ReplyTemplateOut is a reply template (macro).
type ReplyTemplateOut struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func replyTemplateOut(t *fresco.ReplyTemplate) ReplyTemplateOut {
	return ReplyTemplateOut{ID: t.ID, Name: t.Name, Subject: t.Subject, Body: t.Body, CreatedBy: t.CreatedBy,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// ReplyTemplateInput is a reply template's name, subject and body.
type ReplyTemplateInput struct {
	Name    string `json:"name" doc:"Unique."`
	Subject string `json:"subject,omitempty" doc:"\"\" keeps the reply's threaded subject."`
	Body    string `json:"body" doc:"Placeholders: {customer_name}, {case_number}, {gesture}, {employee_name}, {business}; any other is refused (422 naming the field)."`
}

func (in ReplyTemplateInput) input() recovery.ReplyTemplateInput {
	return recovery.ReplyTemplateInput{Name: in.Name, Subject: in.Subject, Body: in.Body}
}

func (s *Server) listReplyTemplates(ctx context.Context, _ *struct{}) (*itemsBody[ReplyTemplateOut], error) {
	list, err := s.db.ReplyTemplates(ctx)
	if err != nil {
		return nil, err
	}
	return items(list, replyTemplateOut), nil
}

func (s *Server) createReplyTemplate(ctx context.Context, in *struct{ Body ReplyTemplateInput }) (*Created[ReplyTemplateOut], error) {
	t, err := s.recovery.CreateReplyTemplate(ctx, recoveryActor(ctx), in.Body.input())
	if err != nil {
		return nil, err
	}
	return &Created[ReplyTemplateOut]{Location: fmt.Sprintf("%s/reply-templates/%d", apiPrefix, t.ID), Body: replyTemplateOut(t)}, nil
}

func (s *Server) updateReplyTemplate(ctx context.Context, in *caseIDBody[ReplyTemplateInput]) (*One[ReplyTemplateOut], error) {
	t, err := s.recovery.UpdateReplyTemplate(ctx, recoveryActor(ctx), in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &One[ReplyTemplateOut]{Body: replyTemplateOut(t)}, nil
}

func (s *Server) deleteReplyTemplate(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.recovery.DeleteReplyTemplate(ctx, recoveryActor(ctx), in.ID)
}
