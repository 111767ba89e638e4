package value

import (
	"strings"
	"testing"
	"time"
)

// Auto takes the scored model with the lowest holdout MAE: not a model
// that failed to fit (whatever its zero MAE says), and on a tie the
// earlier of bgnbd, mbgnbd, paretonbd. The owner's choice overrides it.
func TestChooseModelByHoldoutError(t *testing.T) {
	t.Parallel()
	scored := func(name string, mae float64) ModelCalibration {
		return ModelCalibration{Model: name, MAE: mae, Tracking: []TrackingWeek{{}}}
	}
	for _, tc := range []struct {
		name   string
		choice string
		models []ModelCalibration
		want   string
	}{
		{"lowest wins", ModelAuto, []ModelCalibration{scored(ModelBGNBD, 0.81), scored(ModelMBGNBD, 0.79), scored(ModelParetoNBD, 0.75)}, ModelParetoNBD},
		{"lowest wins", ModelAuto, []ModelCalibration{scored(ModelBGNBD, 0.70), scored(ModelMBGNBD, 0.79), scored(ModelParetoNBD, 0.75)}, ModelBGNBD},
		{"failed fit left out", ModelAuto, []ModelCalibration{scored(ModelBGNBD, 0.81), {Model: ModelMBGNBD, Error: "unfittable"}, scored(ModelParetoNBD, 0.9)}, ModelBGNBD},
		{"tie to the earlier", ModelAuto, []ModelCalibration{scored(ModelBGNBD, 0.9), scored(ModelMBGNBD, 0.8), scored(ModelParetoNBD, 0.8)}, ModelMBGNBD},
		{"owner's choice", ModelMBGNBD, []ModelCalibration{scored(ModelBGNBD, 0.7), scored(ModelMBGNBD, 0.9), scored(ModelParetoNBD, 0.8)}, ModelMBGNBD},
		{"nothing scored", ModelAuto, []ModelCalibration{{Model: ModelBGNBD, Error: "x"}}, ModelBGNBD},
	} {
		c := &Calibration{Choice: tc.choice, Models: tc.models}
		c.chooseModel()
		if c.Model != tc.want || c.Reason == "" {
			t.Errorf("%s: chose %q (%s), want %q", tc.name, c.Model, c.Reason, tc.want)
		}
		for _, m := range c.Models {
			if m.InUse != (m.Model == tc.want) {
				t.Errorf("%s: %s in use %v", tc.name, m.Model, m.InUse)
			}
		}
		if tc.choice == ModelAuto && tc.want != ModelBGNBD && !strings.Contains(c.Reason, "lowest holdout error") {
			t.Errorf("%s: reason %q", tc.name, c.Reason)
		}
	}
}

// The holdout is half the history in whole weeks, at most 52, and none
// when under four weeks.
func TestPlanHoldout(t *testing.T) {
	t.Parallel()
	s := &Service{opts: Options{}.withDefaults()}
	end := int64(10_000)
	at := func(daysBefore int64) holdoutPlan {
		return s.planHoldout(unixDay(end-daysBefore), true, end)
	}
	if p := at(545); p.skip != "" || p.holdEnd != int32(end) || p.calEnd != int32(end-39*7) { // CDNOW: 39 + 39 weeks
		t.Errorf("545 days: %+v", p)
	}
	if p := at(2000); p.calEnd != int32(end-52*7) {
		t.Errorf("2000 days: %+v", p)
	}
	if p := at(50); p.skip == "" {
		t.Errorf("50 days: %+v", p)
	}
	if p := s.planHoldout(unixDay(0), false, end); p.skip == "" {
		t.Errorf("no purchases: %+v", p)
	}
	s.opts.HoldoutWeeks = 13
	if p := at(545); p.calEnd != int32(end-91) {
		t.Errorf("13 weeks set: %+v", p)
	}
}

func unixDay(d int64) time.Time { return time.Unix(d*86400+3600, 0).UTC() }
