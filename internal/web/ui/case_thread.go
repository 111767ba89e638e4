package ui

// A case's e-mail conversation on the case page: the thread (oldest first,
// both directions, attachments, each reply's send status), the reply form
// with its templates, attachment downloads, and the live stream that
// redraws the thread when a message arrives or a reply's status moves on.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// threadItem is one message of the thread as the page shows it.
type threadItem struct {
	ID          int64
	Out         bool   // to the customer
	Who         string // the employee who wrote it, or the sender's address
	At          time.Time
	Subject     string
	Text        string // the text part, or the HTML part reduced to text: never HTML
	Attachments []fresco.CaseAttachment
	Status      string // outgoing: queued, sent, failed, skipped
	Reason      string // why it failed or was skipped
}

// caseThread is the thread section's data, rendered on the page and alone
// by the live stream.
type caseThread struct {
	CaseID   int64
	Messages []threadItem
}

func (u *UI) caseThread(ctx context.Context, caseID int64, viewer *viewer) (caseThread, error) {
	if u.recovery == nil { // pages without the recovery service show no thread
		return caseThread{CaseID: caseID}, nil
	}
	list, err := u.recovery.Thread(ctx, caseActor(viewer), caseID)
	if err != nil {
		return caseThread{}, err
	}
	name := u.employeeNames(ctx)
	t := caseThread{CaseID: caseID, Messages: make([]threadItem, len(list))}
	for i, m := range list {
		it := threadItem{ID: m.ID, Out: m.Direction == fresco.MessageOut, Who: m.From, At: m.CreatedAt, Subject: m.Subject,
			Text: m.Text, Attachments: m.Attachments}
		if strings.TrimSpace(it.Text) == "" && m.HTML != "" {
			it.Text = inbound.HTMLText(m.HTML) // never render what a mail client wrote
		}
		if m.EmployeeID != nil {
			it.Who = name(*m.EmployeeID)
		}
		if e := m.Email; e != nil {
			it.Status, it.Reason = e.Status, e.LastError
		}
		t.Messages[i] = it
	}
	return t, nil
}

// sizeWords is a file size for people: 512 B, 14 KB, 2.3 MB.
func sizeWords(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
}

// CaseAttachment downloads an attachment of the case's thread, for a
// viewer who may see the case: always as a file (never shown inline), with
// its stored type.
func (u *UI) CaseAttachment(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil || aid <= 0 {
		u.fail(w, r, fresco.Errorf(fresco.ENOTFOUND, "attachment %q not found", r.PathValue("attachment")))
		return
	}
	if u.recovery == nil {
		u.serverError(w, r, fmt.Errorf("attachments need the recovery service (ui.Deps.Recovery)"))
		return
	}
	a, err := u.recovery.Attachment(r.Context(), caseActor(viewer), id, aid)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	kind, disposition := AttachmentHeaders(a)
	h := w.Header()
	h.Set("Content-Type", kind)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Write(a.Data)
}

// threadPoll is how often an open case page's stream looks for a change:
// one indexed read, so that a message filed by any replica shows within a
// second.
const threadPoll = 300 * time.Millisecond

// CaseThreadStream streams the case's thread to its open page as
// server-sent events: "thread", with the section's HTML, whenever a message
// is added or a reply's send status changes (and once at the start).
func (u *UI) CaseThreadStream(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if _, err := u.db.Case(ctx, id); err != nil {
		u.fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 1000\n\n")
	if rc.Flush() != nil {
		return
	}
	last := r.Header.Get("Last-Event-ID")
	tick := time.NewTicker(threadPoll)
	defer tick.Stop()
	heartbeat := time.Now()
	for {
		version, err := u.db.CaseThreadVersion(ctx, id)
		if err != nil {
			return
		}
		switch {
		case version != last:
			data, err := u.threadHTML(ctx, id, viewer)
			if err != nil {
				u.log.WarnContext(ctx, "ui: case thread stream", "case", id, "err", err)
				return
			}
			if _, err := fmt.Fprintf(w, "id: %s\nevent: thread\ndata: %s\n\n", version, data); err != nil {
				return
			}
			last, heartbeat = version, time.Now()
		case time.Since(heartbeat) > 20*time.Second:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			heartbeat = time.Now()
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-u.streamsDone:
			return
		case <-tick.C:
		}
	}
}

// threadHTML is the thread section rendered alone, as one JSON string.
func (u *UI) threadHTML(ctx context.Context, caseID int64, viewer *viewer) ([]byte, error) {
	t, err := u.caseThread(ctx, caseID, viewer)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := u.pages["cases_case"].ExecuteTemplate(&buf, "case-thread", t); err != nil {
		return nil, err
	}
	return json.Marshal(buf.String())
}

// replyForm fills the case page's reply form: whether the case allows a
// reply and the templates to pick, filled for this case and viewer.
func (u *UI) replyForm(ctx context.Context, v *caseView, viewer *viewer) error {
	if !v.CanWrite || !v.Can[string(recovery.ActRespond)] {
		return nil
	}
	v.CanEmail = v.Customer.Email != "" && v.Customer.EmailUndeliverableAt == nil
	if !v.CanEmail {
		return nil
	}
	list, err := u.recovery.FillTemplates(ctx, caseActor(viewer), v.Case.ID)
	if err != nil {
		return err
	}
	v.Templates = list
	return nil
}

// AttachmentHeaders are the Content-Type and Content-Disposition an
// attachment is served with: the stored type (when it parses), and always
// as a download under its own name, so that nothing a customer sent runs in
// Fresco's origin.
func AttachmentHeaders(a *fresco.CaseAttachment) (contentType, disposition string) {
	contentType = "application/octet-stream"
	if t, params, err := mime.ParseMediaType(a.ContentType); err == nil {
		contentType = mime.FormatMediaType(t, params)
	}
	name := a.Filename
	if name == "" {
		name = fmt.Sprintf("attachment-%d", a.ID)
	}
	disposition = mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" { // a name mime cannot encode
		disposition = fmt.Sprintf(`attachment; filename="attachment-%d"`, a.ID)
	}
	return contentType, disposition
}
