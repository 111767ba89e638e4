package recovery

// Reply templates (macros): managers and owners keep the canned answers
// that staff pick, fill and edit on a case's reply form.

import (
	"context"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// ReplyTemplateInput is a reply template's name, subject and body.
type ReplyTemplateInput struct {
	Name    string
	Subject string
	Body    string
}

// keepsTemplates is the rule of who changes reply templates: a manager or
// an owner (everyone who writes to customers uses them).
func keepsTemplates(actor Actor) error {
	if actor.Role != fresco.RoleManager && actor.Role != fresco.RoleOwner {
		return fresco.Errorf(fresco.EFORBIDDEN, "only a manager or an owner changes reply templates")
	}
	return nil
}

func (in ReplyTemplateInput) template() *fresco.ReplyTemplate {
	return &fresco.ReplyTemplate{Name: strings.TrimSpace(in.Name), Subject: strings.TrimSpace(in.Subject), Body: in.Body}
}

// CreateReplyTemplate adds a reply template. Placeholders Fresco cannot
// fill are refused, naming the field (subject or body).
func (s *Service) CreateReplyTemplate(ctx context.Context, actor Actor, in ReplyTemplateInput) (*fresco.ReplyTemplate, error) {
	if err := keepsTemplates(actor); err != nil {
		return nil, err
	}
	t := in.template()
	t.CreatedBy = actor.Ref
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertReplyTemplate(ctx, t); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Ref, "reply_template.created", "reply_template", strconv.FormatInt(t.ID, 10),
			map[string]any{"name": t.Name, "subject": t.Subject, "body": t.Body})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateReplyTemplate changes reply template id.
func (s *Service) UpdateReplyTemplate(ctx context.Context, actor Actor, id int64, in ReplyTemplateInput) (*fresco.ReplyTemplate, error) {
	if err := keepsTemplates(actor); err != nil {
		return nil, err
	}
	t := in.template()
	t.ID = id
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ReplyTemplate(ctx, id)
		if err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt = old.CreatedBy, old.CreatedAt
		if err := tx.UpdateReplyTemplate(ctx, t); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Ref, "reply_template.updated", "reply_template", strconv.FormatInt(id, 10),
			map[string]any{"name": t.Name, "subject": t.Subject, "body": t.Body, "was": map[string]any{
				"name": old.Name, "subject": old.Subject, "body": old.Body}})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteReplyTemplate removes reply template id; replies sent with it keep
// their text.
func (s *Service) DeleteReplyTemplate(ctx context.Context, actor Actor, id int64) error {
	if err := keepsTemplates(actor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ReplyTemplate(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteReplyTemplate(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Ref, "reply_template.deleted", "reply_template", strconv.FormatInt(id, 10),
			map[string]any{"name": old.Name})
	})
}
