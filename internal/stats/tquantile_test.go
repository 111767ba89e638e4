package stats

import (
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// studentT answers from its memo exactly what it worked out the first time,
// for each degrees of freedom and confidence apart.
func TestStudentTMemo(t *testing.T) {
	for _, df := range []int{1, 2, 29, 1000, 123456} {
		for _, c := range []float64{0.9, 0.95} {
			want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-c)/2)
			for i := range 2 {
				if got := studentT(df, c); got != want {
					t.Errorf("call %d: studentT(%d, %v) = %v, want %v", i, df, c, got, want)
				}
			}
		}
	}
}
