package feedback

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Surveys are created, edited, copied and archived through here, by the UI
// and the API alike, so that both apply the same rules and leave the same
// audit records.
//
// A survey that has answers keeps them meaningful: an edit may reword it,
// its introduction and its questions, make questions required or optional,
// add questions and add choices, but each question already asked keeps its
// key, type, item, scale and choices, and stays on the survey. To ask
// something else, copy the survey and archive the old one. An archived
// survey (Active false) takes no new answers: its links and its widget say
// so politely, and no new link can be made for it.

// CreateSurvey validates and stores a new survey and records who created it,
// in one transaction. An empty slug is made from the name.
func (s *Service) CreateSurvey(ctx context.Context, sv *fresco.Survey, actor string) error {
	if sv.Slug == "" && strings.TrimSpace(sv.Name) != "" {
		slug, err := s.SurveySlug(ctx, sv.Name)
		if err != nil {
			return err
		}
		sv.Slug = slug
	}
	if err := ValidateSurvey(sv); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSurvey(ctx, sv); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug})
	})
}

// UpdateSurvey validates sv and writes it over the stored survey when that
// is still at version (store.AnyVersion: whatever its version; otherwise
// ESTALE), recording who changed it in the same transaction. A survey with
// answers may change only as the package comment says (EINVALID otherwise).
func (s *Service) UpdateSurvey(ctx context.Context, sv *fresco.Survey, version int64, actor string) error {
	if err := ValidateSurvey(sv); err != nil {
		return err
	}
	before, err := s.db.Survey(ctx, sv.ID)
	if err != nil {
		return err
	}
	answered, err := s.db.SurveyHasAnswers(ctx, sv.ID)
	if err != nil {
		return err
	}
	if answered {
		if err := keepsAnswersMeaningful(before.Questions, sv.Questions); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateSurveyIfVersion(ctx, sv, version); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "update", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug})
	})
}

// keepsAnswersMeaningful checks an edit of an answered survey: every
// question asked before is still there, asking the same thing on the
// same scale.
func keepsAnswersMeaningful(old, edited []fresco.Question) error {
	var v fresco.Validation
	for _, o := range old {
		i := slices.IndexFunc(edited, func(q fresco.Question) bool { return q.Key == o.Key })
		if i < 0 {
			v.Add("questions", "%q has answers, so it stays on the survey (copy the survey to ask something else)", o.Text)
			continue
		}
		n, field := edited[i], "questions["+strconv.Itoa(i)+"]"
		if n.Type != o.Type || n.Item != o.Item || n.Min != o.Min || n.Max != o.Max {
			v.Add(field+".type", "%q has answers, so it keeps its kind and scale (copy the survey to ask something else)", o.Text)
		}
		for _, c := range o.Choices {
			if !slices.Contains(n.Choices, c) {
				v.Add(field+".choices", "%q has answers, so its choice %q stays", o.Text, c)
			}
		}
	}
	return v.Err()
}

// ArchiveSurvey archives a survey (archived true: it takes no new answers
// and makes no new links) or brings it back, recording who did it.
// Archiving keeps every answer.
func (s *Service) ArchiveSurvey(ctx context.Context, id int64, archived bool, actor string) (*fresco.Survey, error) {
	sv, err := s.db.Survey(ctx, id)
	if err != nil {
		return nil, err
	}
	sv.Active = !archived
	action := "unarchive"
	if archived {
		action = "archive"
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateSurveyIfVersion(ctx, sv, store.AnyVersion); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug})
	})
	return sv, err
}

// CopySurvey makes a new, open survey with the questions of survey id,
// named "<name> (copy)" with a slug of its own, and records where it came
// from. The copy has no answers, so every question of it may be edited.
func (s *Service) CopySurvey(ctx context.Context, id int64, actor string) (*fresco.Survey, error) {
	from, err := s.db.Survey(ctx, id)
	if err != nil {
		return nil, err
	}
	slug, err := s.SurveySlug(ctx, from.Slug+"-copy")
	if err != nil {
		return nil, err
	}
	sv := &fresco.Survey{Slug: slug, Name: from.Name + " (copy)", PostID: from.PostID, PostSlug: from.PostSlug,
		Intro: from.Intro, Thanks: from.Thanks, Questions: slices.Clone(from.Questions), Translations: from.Translations,
		Active: true, WidgetEnabled: from.WidgetEnabled}
	if len(sv.Name) > 200 {
		sv.Name = from.Name
	}
	if err := ValidateSurvey(sv); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSurvey(ctx, sv); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "copy", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug, "from": from.ID})
	})
	return sv, err
}

// SurveySlug makes a slug no survey has from a title: lower-case letters
// and digits joined by hyphens ("Après ta visite!" is "apres-ta-visite"),
// with -2, -3… when it is taken.
func (s *Service) SurveySlug(ctx context.Context, title string) (string, error) {
	base := SlugOf(title)
	taken, err := s.db.SurveySlugsLike(ctx, base)
	if err != nil {
		return "", err
	}
	slug := base
	for n := 2; slices.Contains(taken, slug); n++ {
		suffix := "-" + strconv.Itoa(n)
		slug = strings.TrimRight(base[:min(len(base), maxSlugLen-len(suffix))], "-") + suffix
	}
	return slug, nil
}

// accents spells the accented Latin letters of titles without accents.
var accents = strings.NewReplacer("à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "æ", "ae",
	"ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n",
	"ò", "o", "ó", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "œ", "oe", "ß", "ss",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y")

// SlugOf is a title as a slug: its letters and digits, lower case,
// words joined by hyphens, at most maxSlugLen long; "survey" when the title
// has none.
func SlugOf(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range accents.Replace(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= maxSlugLen {
			break
		}
	}
	slug := strings.TrimRight(b.String()[:min(b.Len(), maxSlugLen)], "-")
	if slug == "" {
		return "survey"
	}
	return slug
}
