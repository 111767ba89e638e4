package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Employee administration. Owners and managers see the list; only owners
// add employees, deactivate them and reset passwords, because those change
// who can sign in (auth.ManageUsers). The route table enforces both rules
// (agents and analysts get the 403 page), so these handlers only read who
// the viewer is.

type employeesView struct {
	Employees []*fresco.Employee
	Locations map[int64]string
	Teams     map[int64]string
	CanEdit   bool
	Self      int64
	Pager     pager
}

// Employees lists employees.
func (u *UI) Employees(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	ctx := r.Context()
	cursor := r.URL.Query().Get("cursor")
	list, next, err := u.db.ListEmployees(ctx, store.EmployeeFilter{Cursor: cursor, Limit: 50})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	locations, teams, err := u.locationsAndTeams(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := employeesView{Employees: list, CanEdit: ownersOnly(me.Role), Self: me.ID,
		Locations: map[int64]string{}, Teams: map[int64]string{}}
	for _, l := range locations {
		v.Locations[l.ID] = l.Name
	}
	for _, t := range teams {
		v.Teams[t.ID] = t.Name
	}
	if next != "" {
		v.Pager.Next = withQuery("/employees", "cursor", next)
	}
	if cursor != "" {
		v.Pager.Prev = "/employees"
	}
	u.render(w, r, http.StatusOK, "employees", "Employees", v)
}

func (u *UI) locationsAndTeams(r *http.Request) ([]*fresco.Location, []*fresco.Team, error) {
	locations, _, err := u.db.ListLocations(r.Context(), store.LocationFilter{Limit: 1000})
	if err != nil {
		return nil, nil, err
	}
	teams, err := u.db.ListTeams(r.Context())
	return locations, teams, err
}

// employeeForm is the add-employee form: what was typed, and what is wrong
// with it, by field name.
type employeeForm struct {
	Values    map[string]string
	Errors    map[string]string
	Roles     []option
	Locations []option
	Teams     []option
}

type option struct {
	Value    string
	Label    string
	Selected bool
}

// formField is one text input of a form, for the "field" template.
type formField struct {
	Name, Label, Type, Autocomplete, Hint string
	Value, Error                          string
}

func fieldOf(f *employeeForm, name, label, typ, autocomplete, hint string) formField {
	ff := formField{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Hint: hint, Error: f.Errors[name]}
	if typ != "password" { // a password is never sent back to the browser
		ff.Value = f.Values[name]
	}
	return ff
}

func (u *UI) newEmployeeForm(r *http.Request, values, errs map[string]string) (*employeeForm, error) {
	locations, teams, err := u.locationsAndTeams(r)
	if err != nil {
		return nil, err
	}
	f := &employeeForm{Values: values, Errors: errs}
	role := values["role"]
	if role == "" {
		role = string(fresco.RoleAgent)
	}
	for _, ro := range fresco.Roles {
		f.Roles = append(f.Roles, option{Value: string(ro), Label: roleLabel(ro), Selected: string(ro) == role})
	}
	for _, l := range locations {
		id := strconv.FormatInt(l.ID, 10)
		f.Locations = append(f.Locations, option{Value: id, Label: l.Name, Selected: values["location_id"] == id})
	}
	for _, t := range teams {
		id := strconv.FormatInt(t.ID, 10)
		f.Teams = append(f.Teams, option{Value: id, Label: t.Name, Selected: values["team_id"] == id})
	}
	return f, nil
}

// NewEmployee shows the add-employee form.
func (u *UI) NewEmployee(w http.ResponseWriter, r *http.Request) {
	f, err := u.newEmployeeForm(r, map[string]string{}, map[string]string{})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "employee_new", "Add an employee", f)
}

// secretView shows a generated password once.
type secretView struct {
	Heading  string
	Message  string
	Employee *fresco.Employee
	Password string
}

// CreateEmployee adds an employee who can sign in. When the owner leaves the
// password empty, one is generated and shown once.
func (u *UI) CreateEmployee(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	values := map[string]string{}
	for _, k := range []string{"name", "email", "role", "location_id", "team_id"} {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	password := r.PostFormValue("password")
	e := &fresco.Employee{Name: values["name"], Email: values["email"], Role: fresco.Role(values["role"]), Active: true}
	var v fresco.Validation
	e.LocationID = optionalID(&v, "location_id", values["location_id"])
	e.TeamID = optionalID(&v, "team_id", values["team_id"])
	v.Merge("", staff.ValidateNew(e, password))
	generated := password == ""
	if generated {
		password = staff.GeneratePassword()
	}
	err := v.Err()
	if err == nil {
		err = u.staff.Create(r.Context(), staffActor(me), e, password)
	}
	if code := fresco.ErrorCode(err); code == fresco.EINVALID || code == fresco.ECONFLICT {
		u.employeeFormErrors(w, r, values, err)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !generated {
		http.Redirect(w, r, "/employees?done=employee-created", http.StatusSeeOther)
		return
	}
	u.render(w, r, http.StatusOK, "employee_secret", "Employee added", secretView{
		Heading:  "Employee added",
		Message:  e.Name + " can now sign in with their e-mail address and this password.",
		Employee: e,
		Password: password,
	})
}

// employeeFormErrors shows the add-employee form again with what was typed
// and what is wrong with it.
func (u *UI) employeeFormErrors(w http.ResponseWriter, r *http.Request, values map[string]string, err error) {
	errs := map[string]string{}
	for _, fe := range fresco.ErrorFields(err) {
		if _, seen := errs[fe.Field]; !seen {
			errs[fe.Field] = sentence(fe.Message)
		}
	}
	f, ferr := u.newEmployeeForm(r, values, errs)
	if ferr != nil {
		u.fail(w, r, ferr)
		return
	}
	u.render(w, r, http.StatusUnprocessableEntity, "employee_new", "Add an employee", f)
}

// DeactivateEmployee stops an employee from signing in and ends their
// sessions. Their history (purchases served, cases) stays.
func (u *UI) DeactivateEmployee(w http.ResponseWriter, r *http.Request) {
	u.setActive(w, r, false)
}

// ActivateEmployee lets a deactivated employee sign in again.
func (u *UI) ActivateEmployee(w http.ResponseWriter, r *http.Request) {
	u.setActive(w, r, true)
}

func (u *UI) setActive(w http.ResponseWriter, r *http.Request, active bool) {
	me := viewerFrom(r.Context())
	id, ok := pathID(r)
	if !ok {
		u.NotFound(w, r)
		return
	}
	if _, err := u.staff.SetActive(r.Context(), staffActor(me), id, active); err != nil {
		u.fail(w, r, err)
		return
	}
	done := "employee-activated"
	if !active {
		done = "employee-deactivated"
	}
	http.Redirect(w, r, "/employees?done="+done, http.StatusSeeOther)
}

// ResetPassword gives an employee a new generated password, shown once,
// and signs them out everywhere.
func (u *UI) ResetPassword(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	id, ok := pathID(r)
	if !ok {
		u.NotFound(w, r)
		return
	}
	e, password, err := u.staff.ResetPassword(r.Context(), staffActor(me), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	msg := e.Name + " has been signed out everywhere. Their old password no longer works."
	if !e.Active {
		msg += " Their account is deactivated: reactivate it before they can sign in."
	}
	u.render(w, r, http.StatusOK, "employee_secret", "Password reset", secretView{
		Heading: "Password reset", Message: msg, Employee: e, Password: password,
	})
}

// staffActor is the viewer as package staff knows actors; the audit log
// names them as auth.Principal.Actor does.
func staffActor(v *viewer) staff.Actor {
	return staff.Actor{Ref: "employee:" + strconv.FormatInt(v.ID, 10), Role: v.Role, EmployeeID: &v.ID}
}

func optionalID(v *fresco.Validation, field, s string) *int64 {
	if s == "" {
		return nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		v.Add(field, "choose one from the list")
		return nil
	}
	return &id
}

// sentence turns a field message ("is required") into a sentence for a
// form ("Is required.").
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
