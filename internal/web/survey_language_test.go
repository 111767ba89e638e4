package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// languageSurvey is a survey in English (the business's default) with a
// German translation of every text and a French one of the title only.
func languageSurvey(t *testing.T, w *fbWorld) int64 {
	t.Helper()
	sv := w.call(fresco.RoleManager, "POST", "/api/v1/surveys", `{"slug":"visit-lang","name":"After your visit",
		"thanks":"Thanks, see you soon!",
		"questions":[{"key":"nps","type":"nps","text":"Would you recommend us?","required":true},
		{"key":"room","type":"single_choice","text":"Where did you sit?","choices":["Garden","Street"]}]}`, 201)
	id := int64(sv["id"].(float64))
	w.call(fresco.RoleManager, "PUT", fmt.Sprintf("/api/v1/surveys/%d/translations/de", id), `{"name":"Nach Ihrem Besuch",
		"thanks":"Danke, bis bald!","questions":{"nps":{"text":"Würden Sie uns empfehlen?"},
		"room":{"text":"Wo saßen Sie?","choices":{"Garden":"Garten","Street":"Straße"}}}}`, 200)
	w.call(fresco.RoleManager, "PUT", fmt.Sprintf("/api/v1/surveys/%d/translations/fr", id), `{"name":"Après votre visite"}`, 200)
	return id
}

// invite makes a survey link for a new customer with the locale.
func invite(t *testing.T, w *fbWorld, surveyID int64, name, locale string) string {
	t.Helper()
	c := &fresco.Customer{Name: name, ConsentSurveys: true, Locale: locale}
	if err := w.db.CreateCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	inv := w.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/surveys/%d/invitations", surveyID), fmt.Sprintf(`{"customer_id":%d}`, c.ID), 201)
	return inv["url"].(string)
}

func TestSurveyTranslationsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		id := languageSurvey(t, w)
		path := fmt.Sprintf("/api/v1/surveys/%d/translations", id)
		got := w.call(fresco.RoleAnalyst, "GET", path, nil, 200)
		if got["default_language"] != "en" || fmt.Sprint(got["offered"]) != "[en de fr]" {
			t.Fatalf("translations = %v", got)
		}
		de := got["translations"].(map[string]any)["de"].(map[string]any)
		if de["name"] != "Nach Ihrem Besuch" || de["questions"].(map[string]any)["room"].(map[string]any)["choices"].(map[string]any)["Street"] != "Straße" {
			t.Fatalf("German did not round trip: %v", de)
		}
		missing := map[string]string{}
		for _, m := range got["missing"].([]any) {
			m := m.(map[string]any)
			missing[m["language"].(string)+" "+m["field"].(string)] = m["default_text"].(string)
		}
		if missing["fr questions.nps.text"] != "Would you recommend us?" || missing["fr questions.room.choices.Garden"] != "Garden" {
			t.Errorf("French gaps not listed: %v", missing)
		}
		if _, ok := missing["de questions.nps.text"]; ok || missing["es name"] != "After your visit" || len(missing) != 5+6 {
			t.Errorf("missing = %v, want French's 5 and Spanish's 6, none German", missing)
		}

		// Refusals name the field and change nothing.
		for _, c := range []struct{ lang, body, field string }{
			{"de", `{"questions":{"nope":{"text":"Was?"}}}`, "body.questions.nope"},
			{"de", `{"questions":{"room":{"choices":{"Roof":"Dach"}}}}`, "body.questions.room.choices.Roof"},
			{"de", `{"name":"` + strings.Repeat("x", 201) + `"}`, "body.name"},
			{"xx", `{"name":"Hm"}`, "body.language"},
			{"en", `{"name":"Hm"}`, "body.language"},
		} {
			res := w.do(request{method: "PUT", path: path + "/" + c.lang, role: fresco.RoleManager, body: c.body})
			if f := problem(t, res, http.StatusUnprocessableEntity); f[c.field] == "" {
				t.Errorf("PUT %s %s: errors %v, want one on %s", c.lang, c.body, f, c.field)
			}
		}
		if again := w.call(fresco.RoleAnalyst, "GET", path, nil, 200); fmt.Sprint(again["translations"]) != fmt.Sprint(got["translations"]) {
			t.Errorf("a refused translation changed the survey: %v", again["translations"])
		}
		// Agents may read, not translate.
		w.call(fresco.RoleAgent, "PUT", path+"/es", `{"name":"Después de su visita"}`, 403)
	})
}

func TestSurveyFormLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		id := languageSurvey(t, w)
		get := func(path, acceptLanguage string) string {
			t.Helper()
			req := request{method: "GET", path: path, header: http.Header{}}
			if acceptLanguage != "" {
				req.header.Set("Accept-Language", acceptLanguage)
			}
			res := w.do(req)
			if res.Code != 200 {
				t.Fatalf("GET %s = %d %s", path, res.Code, res.Body)
			}
			return string(res.Body)
		}
		want := func(page string, wants ...string) {
			t.Helper()
			for _, s := range wants {
				if !strings.Contains(page, s) {
					t.Errorf("page lacks %q:\n%s", s, page)
				}
			}
		}

		// The browser's header, q-values and all, when the customer has no locale.
		anon := invite(t, w, id, "Anon", "")
		want(get(anon, "de-CH,de;q=0.9,en;q=0.8"), `<html lang="de">`, "Nach Ihrem Besuch", "Würden Sie uns empfehlen?",
			"Garten", `value="Garden"`, "Senden", "(Pflichtfrage)", `href="?lang=fr"`, "0 = überhaupt nicht wahrscheinlich")
		want(get(anon, "es,fr;q=0.5,de;q=0.1"), `<html lang="fr">`) // Spanish is not offered: the next the browser takes
		want(get(anon, "ja"), `<html lang="en">`, "After your visit", "Send")
		want(get(anon, ""), `<html lang="en">`)
		want(get(anon+"?lang=de", "fr"), `<html lang="de">`) // the switcher beats everything

		// The customer's own locale beats the header; a missing French text
		// falls back to English, never blank.
		fr := invite(t, w, id, "Élodie", "fr-FR")
		want(get(fr, "de-CH,de;q=0.9,en;q=0.8"), `<html lang="fr">`, "Après votre visite", "Would you recommend us?", "Garden</label>", "Envoyer")

		// A German customer answers in German, an English one in English:
		// both count in the survey's one NPS.
		de := invite(t, w, id, "Dieter", "de")
		page := get(de, "en")
		want(page, `<html lang="de">`, `name="lang" value="de"`)
		res := w.do(withForm(de, url.Values{"lang": {"de"}, "q_room": {"Garden"}}))
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Bitte beantworten Sie diese Frage.") {
			t.Fatalf("German required error: %d %s", res.Code, res.Body)
		}
		res = w.do(withForm(de, url.Values{"lang": {"de"}, "q_nps": {"10"}, "q_room": {"Garden"}, "comment": {"Sehr schöner Garten"}}))
		if res.Code != 200 || !strings.Contains(string(res.Body), "Danke, bis bald!") || !strings.Contains(string(res.Body), `<html lang="de">`) {
			t.Fatalf("German answer: %d %s", res.Code, res.Body)
		}
		en := invite(t, w, id, "Edward", "en-GB")
		res = w.do(withForm(en, url.Values{"lang": {"en"}, "q_nps": {"0"}, "q_room": {"Garden"}, "comment": {"Too noisy"}}))
		if res.Code != 200 || !strings.Contains(string(res.Body), "Thanks, see you soon!") {
			t.Fatalf("English answer: %d %s", res.Code, res.Body)
		}
		nps := w.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/metrics/nps?survey=%d", id), nil, 200)
		if nps["n"] != 2.0 || nps["promoters"] != 1.0 || nps["detractors"] != 1.0 || nps["nps"] != 0.0 {
			t.Errorf("NPS across languages = %v, want n 2, one promoter, one detractor", nps)
		}
		list := w.call(fresco.RoleAnalyst, "GET", "/api/v1/responses?limit=10", nil, 200)
		langs := map[string]string{}
		for _, it := range list["items"].([]any) {
			it := it.(map[string]any)
			langs[fmt.Sprint(it["nps"])] = it["language"].(string)
			if a := it["answers"].([]any); len(a) < 2 || a[1].(map[string]any)["choice"] != "Garden" {
				t.Errorf("choice not stored in the default language: %v", a)
			}
		}
		if langs["10"] != "de" || langs["0"] != "en" {
			t.Errorf("languages recorded = %v", langs)
		}
		// Staff read the comments of one language, each marked with it.
		w.employee("lang-manager@example.com", fresco.RoleManager, "correct horse battery")
		cookie := w.login("lang-manager@example.com", "correct horse battery")
		comments := w.do(request{method: "GET", path: "/feedback/comments?lang=de", cookie: cookie})
		if body := string(comments.Body); comments.Code != 200 || !strings.Contains(body, "Sehr schöner Garten") ||
			!strings.Contains(body, `lang="de" title="Answered in Deutsch"`) || strings.Contains(body, "Too noisy") {
			t.Errorf("comments in German: %d %s", comments.Code, body)
		}
	})
}

func withForm(path string, vals url.Values) request {
	req := form(vals)
	req.path = path
	return req
}
