package ui

// Anticipatory service (package anticipate): the "before you serve" page
// reached by customer search, the next best actions across customers,
// the preference notes shown wherever staff meet the customer (customer,
// case, follow-up and call pages), and the forms that record a note and
// mark an action done or dismissed.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/fresco"
)

const servePath = "/serve"

func init() {
	flashes["note-saved"] = "Note saved."
	flashes["note-deleted"] = "Note deleted."
	flashes["action-done"] = "Marked done: it won't be suggested again for this customer for 90 days."
	flashes["action-dismissed"] = "Dismissed: it won't be suggested again for this customer for 90 days."
}

// notesPanel is a customer's current notes as the viewer may see them,
// for the pages where staff meet the customer.
type notesPanel = anticipate.Shown

// customerNotes returns the viewer's panel of a customer's current notes;
// a failure is logged and the panel left out (the page is still worth
// showing).
func (u *UI) customerNotes(ctx context.Context, v *viewer, customerID int64) *notesPanel {
	m, err := u.anticipate.CurrentNotes(ctx, staffActor(v), []int64{customerID})
	if err != nil {
		u.log.ErrorContext(ctx, "ui: preference notes", "customer_id", customerID, "err", err)
		return nil
	}
	return m[customerID]
}

// notesOf is customerNotes for the customers of a list.
func (u *UI) notesOf(ctx context.Context, v *viewer, ids []int64) map[int64]*notesPanel {
	m, err := u.anticipate.CurrentNotes(ctx, staffActor(v), ids)
	if err != nil {
		u.log.ErrorContext(ctx, "ui: preference notes", "err", err)
		return nil
	}
	return m
}

// option lists of the note form, as words.
func codeOptions(codes []string) []option {
	out := make([]option, len(codes))
	for i, c := range codes {
		out[i] = option{Value: c, Label: label(c)}
	}
	return out
}

var (
	noteKindOptions     = codeOptions(fresco.PreferenceKinds)
	noteSourceOptions   = codeOptions(fresco.PreferenceSources)
	noteCategoryOptions = append([]option{{Value: "", Label: "Not sensitive"}}, codeOptions(fresco.SensitiveCategories)...)
	actionKindOptions   = append([]option{{Value: "", Label: "Every kind"}}, codeOptions(fresco.ActionKinds)...)
)

// noteForm is the form that records or changes a note (the partial
// "note-form"): where it posts, the page to come back to, and for a
// change the note's version it was filled from.
type noteForm struct {
	Kinds, Sources, Categories []option
	Form                       map[string]string
	Error                      string
	Back, Submit               string
	CustomerID                 int64
	NoteID, Version            int64 // a change: the note, and its version the form was filled from
}

// addNoteForm is the empty form that records a note about customerID and
// comes back to back.
func addNoteForm(customerID int64, back string, form map[string]string, msg string) noteForm {
	f := newNoteForm(form, msg)
	f.Back, f.Submit, f.CustomerID = back, "Save the note", customerID
	return f
}

func newNoteForm(form map[string]string, msg string) noteForm {
	if form == nil {
		form = map[string]string{"kind": fresco.PreferenceLikes, "source": fresco.SourceToldUs}
	}
	return noteForm{Kinds: noteKindOptions, Sources: noteSourceOptions, Categories: noteCategoryOptions, Form: form, Error: msg}
}

type serveView struct {
	// The customer search (the partial "customer-choices").
	Query    string
	Results  []*fresco.Customer
	Searched bool
	Choose   string

	Card     *anticipate.Card
	NoteForm noteForm
	Back     string // this page, for the forms to come back to
}

// Serve is GET /serve[?q=|customer_id=]: the "before you serve" card of
// the customer found by name, e-mail or customer number.
func (u *UI) Serve(w http.ResponseWriter, r *http.Request) {
	u.renderServe(w, r, http.StatusOK, optionalNumber(r.URL.Query().Get("customer_id")), nil, "")
}

func (u *UI) renderServe(w http.ResponseWriter, r *http.Request, status int, customerID int64, form map[string]string, msg string) {
	ctx := r.Context()
	v := &serveView{Choose: servePath}
	if customerID > 0 {
		card, err := u.anticipate.Card(ctx, staffActor(viewerFrom(ctx)), customerID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		v.Card, v.Back = card, withQuery(servePath, "customer_id", strconv.FormatInt(customerID, 10))
		v.NoteForm = addNoteForm(customerID, v.Back, form, msg)
	} else if v.Query = trimQuery(r.URL.Query().Get("q")); v.Query != "" {
		v.Searched = true
		var err error
		if v.Results, err = u.db.SearchCustomers(ctx, v.Query, searchResults); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, status, "serve", "Before you serve", v)
}

// backTo is where a form goes back to: the local path it names, else def.
func backTo(r *http.Request, def string) string {
	if back := localPath(r.PostFormValue("back")); back != "" {
		return back
	}
	return def
}

// localPath is p when it is a path of this site, else "": a form never
// sends anyone elsewhere.
func localPath(p string) string {
	if u, err := url.Parse(p); err != nil || p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.HasPrefix(p, "/\\") || u.Host != "" {
		return ""
	}
	return p
}

func doneFlash(path, flash string) string {
	if strings.Contains(path, "?") {
		return path + "&done=" + flash
	}
	return path + "?done=" + flash
}

// noteFields are the note form's fields.
var noteFields = []string{"kind", "text", "source", "sensitive_category", "expires_on"}

// noteFromForm reads the note form: the fields as typed (to show again)
// and the note they ask for, or an error naming the bad field.
func noteFromForm(r *http.Request) (map[string]string, anticipate.Note, error) {
	form := map[string]string{}
	for _, k := range noteFields {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := anticipate.Note{Kind: form["kind"], Text: form["text"], Source: form["source"],
		Sensitive: form["sensitive_category"] != "", SensitiveCategory: form["sensitive_category"]}
	if form["expires_on"] == "" {
		return form, in, nil
	}
	d, err := time.Parse(time.DateOnly, form["expires_on"])
	if err != nil {
		var v fresco.Validation
		v.Add("expires_on", "%q is not a date such as 2026-12-31", form["expires_on"])
		return form, in, v.Err()
	}
	in.ExpiresOn = &d
	return form, in, nil
}

// AddNote is POST /customers/{id}/notes: record a preference note; a bad
// field shows the "before you serve" page again with the form as typed.
func (u *UI) AddNote(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	form, in, err := noteFromForm(r)
	if err == nil {
		_, err = u.anticipate.AddNote(r.Context(), staffActor(viewerFrom(r.Context())), id, in)
	}
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID:
		u.renderServe(w, r, http.StatusUnprocessableEntity, id, form, invalidMessage(err))
	case err != nil:
		u.fail(w, r, err)
	default:
		http.Redirect(w, r, doneFlash(backTo(r, withQuery(servePath, "customer_id", strconv.FormatInt(id, 10))), "note-saved"), http.StatusSeeOther)
	}
}

// noteEditView is the page that changes one note.
type noteEditView struct {
	Note     *fresco.PreferenceNote
	Customer *fresco.Customer
	NoteForm noteForm
}

// noteFormOf is the form filled with n as it is.
func noteFormOf(n *fresco.PreferenceNote) map[string]string {
	form := map[string]string{"kind": n.Kind, "text": n.Text, "source": n.Source, "sensitive_category": n.SensitiveCategory}
	if n.ExpiresOn != nil {
		form["expires_on"] = n.ExpiresOn.Format(time.DateOnly)
	}
	return form
}

// EditNote is GET /notes/{id}/edit[?back=]: the note's form, filled. A
// sensitive note the viewer's role may not read is not found.
func (u *UI) EditNote(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	n, err := u.anticipate.Note(r.Context(), staffActor(viewerFrom(r.Context())), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderNoteEdit(w, r, http.StatusOK, n, noteFormOf(n), n.Version, "", localPath(r.URL.Query().Get("back")))
}

func (u *UI) renderNoteEdit(w http.ResponseWriter, r *http.Request, status int, n *fresco.PreferenceNote, form map[string]string,
	version int64, msg, back string) {
	c, err := u.db.Customer(r.Context(), n.CustomerID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if back == "" {
		back = "/customers/" + strconv.FormatInt(n.CustomerID, 10)
	}
	f := newNoteForm(form, msg)
	f.Back, f.Submit, f.CustomerID, f.NoteID, f.Version = back, "Save the change", n.CustomerID, n.ID, version
	u.render(w, r, status, "note_edit", "Change a note", noteEditView{Note: n, Customer: c, NoteForm: f})
}

// SaveNote is POST /notes/{id}: change a note, if nobody changed it since
// the form was filled (version); otherwise, or with a bad field, the form
// again — a stale one filled with the note as it is now, saying so.
func (u *UI) SaveNote(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	a := staffActor(viewerFrom(ctx))
	back := backTo(r, "")
	form, in, err := noteFromForm(r)
	version, verr := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err == nil && verr != nil {
		var v fresco.Validation
		v.Add("version", "is missing: open the note again and redo your change")
		err = v.Err()
	}
	if err == nil {
		_, err = u.anticipate.UpdateNote(ctx, a, id, version, in)
	}
	if code := fresco.ErrorCode(err); code == fresco.EINVALID || code == fresco.ESTALE {
		n, nerr := u.anticipate.Note(ctx, a, id)
		if nerr != nil {
			u.fail(w, r, nerr)
			return
		}
		if code == fresco.ESTALE {
			u.renderNoteEdit(w, r, http.StatusConflict, n, noteFormOf(n), n.Version,
				"Someone changed this note while you were editing it. Here it is as it is now: make your change again.", back)
			return
		}
		u.renderNoteEdit(w, r, http.StatusUnprocessableEntity, n, form, version, invalidMessage(err), back)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if back == "" {
		back = withQuery(servePath, "customer_id", r.PostFormValue("customer_id"))
	}
	http.Redirect(w, r, doneFlash(back, "note-saved"), http.StatusSeeOther)
}

// DeleteNote is POST /notes/{id}/delete.
func (u *UI) DeleteNote(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	if err := u.anticipate.DeleteNote(r.Context(), staffActor(viewerFrom(r.Context())), id); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, doneFlash(backTo(r, servePath), "note-deleted"), http.StatusSeeOther)
}

// MarkAction is POST /next-actions/mark: an action done or dismissed
// (customer_id, kind, outcome), then back where the form came from.
func (u *UI) MarkAction(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	id := optionalNumber(r.PostFormValue("customer_id"))
	outcome := r.PostFormValue("outcome")
	if _, err := u.anticipate.Mark(r.Context(), staffActor(viewerFrom(r.Context())), r.PostFormValue("kind"), id, outcome); err != nil {
		u.fail(w, r, err)
		return
	}
	flash := "action-dismissed"
	if outcome == fresco.ActionDone {
		flash = "action-done"
	}
	http.Redirect(w, r, doneFlash(backTo(r, nextActionsPath), flash), http.StatusSeeOther)
}

const nextActionsPath = "/next-actions"

type nextActionsView struct {
	Kind    string
	Kinds   []option
	Actions []anticipate.Listed
	Back    string
}

// NextActions is GET /next-actions[?kind=]: what is worth doing now,
// across customers, the most pressing first.
func (u *UI) NextActions(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if !slices.Contains(fresco.ActionKinds, kind) {
		kind = ""
	}
	list, err := u.anticipate.List(r.Context(), kind, anticipate.DefaultListLimit)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "next_actions", "Next best actions",
		nextActionsView{Kind: kind, Kinds: actionKindOptions, Actions: list, Back: withQuery(nextActionsPath, "kind", kind)})
}

// homeActions is how many next best actions the managers' home card lists.
const homeActions = 5

// homeNextActions is the managers' home card: the most pressing next best
// actions across customers.
func (u *UI) homeNextActions(ctx context.Context, h *homeView, _ *viewer) error {
	var err error
	h.Actions, err = u.anticipate.List(ctx, "", homeActions)
	return err
}

// actionMark is what the partial "next-action-mark" writes its forms of.
type actionMark struct {
	Action fresco.NextAction
	Back   string
}

func markForm(a fresco.NextAction, back string) actionMark { return actionMark{Action: a, Back: back} }

// noteAction is what the partial "note-actions" writes its link and form of.
type noteAction struct {
	Note *fresco.PreferenceNote
	Back string
}

func noteActions(n *fresco.PreferenceNote, back string) noteAction {
	return noteAction{Note: n, Back: back}
}

// notesList is what the partial "editable-notes" lists.
type notesList struct {
	Notes    []*fresco.PreferenceNote
	ID, Back string
	Write    bool // Change and Delete beside each
}

func editableNotes(notes []*fresco.PreferenceNote, id, back string, write bool) notesList {
	return notesList{Notes: notes, ID: id, Back: back, Write: write}
}
