package ui

// The employee's page: who they are and the kind words customers wrote
// about them — praise travels to the person who earned it, as complaints
// do (the closed loop also notifies them of each).

import (
	"net/http"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const kindWordsShown = 50

type employeePageView struct {
	Employee    *fresco.Employee
	Location    string
	KindWords   []saidView
	People      *peopleRecord  // nil: the viewer may not see it (ui/people.go)
	Scorecard   *scorecardView // nil: the viewer may not see it (ui/rewards.go)
	CanNominate bool           // the viewer may nominate them
	Problem     string         // what was wrong with a people form
}

// EmployeePage is GET /employees/{id}.
func (u *UI) EmployeePage(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	u.renderEmployee(w, r, id, http.StatusOK, "")
}

// renderEmployee shows employee id's page, with problem (a people form's)
// at the top.
func (u *UI) renderEmployee(w http.ResponseWriter, r *http.Request, id int64, status int, problem string) {
	ctx := r.Context()
	e, err := u.db.Employee(ctx, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := employeePageView{Employee: e, Problem: problem}
	if err := u.peopleSection(r, &v); err != nil {
		u.fail(w, r, err)
		return
	}
	if err := u.employeeScorecard(r, &v); err != nil {
		u.fail(w, r, err)
		return
	}
	if e.LocationID != nil {
		if l, err := u.db.Location(ctx, *e.LocationID); err == nil {
			v.Location = l.Name
		}
	}
	words, err := u.db.KindWords(ctx, e.ID, kindWordsShown)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if v.KindWords, err = u.saidOfAll(ctx, words, questionTexts{}); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "employee", e.Name, v)
}
