package wordvec

import (
	"errors"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// AllButTheTop centres vs on the mean of basis and returns each in the
// coordinates of basis's principal components skip+1 … skip+k
// ("all-but-the-top", Mu & Viswanath 2018): the mean and the top
// components are what nearly every word vector shares, mostly word
// frequency. Every vector has the length of basis's.
func AllButTheTop(basis, vs [][]float64, skip, k int) ([][]float32, error) {
	if len(basis) == 0 {
		return nil, errors.New("wordvec: no vectors to find components in")
	}
	dims := len(basis[0])
	if skip+k > dims {
		return nil, errors.New("wordvec: more components asked for than the vectors have")
	}
	mean := make([]float64, dims)
	for _, v := range basis {
		floats.AddScaled(mean, 1/float64(len(basis)), v)
	}
	cov := mat.NewSymDense(dims, nil)
	centred := make([]float64, dims)
	for _, v := range basis {
		floats.SubTo(centred, v, mean)
		cov.SymRankOne(cov, 1/float64(len(basis)), mat.NewVecDense(dims, centred))
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, errors.New("wordvec: no eigen decomposition of the covariance")
	}
	var all mat.Dense
	eig.VectorsTo(&all) // columns in ascending order of eigenvalue: the top is last
	comps := make([][]float64, k)
	for j := range comps {
		comps[j] = mat.Col(nil, dims-1-skip-j, &all)
	}
	out := make([][]float32, len(vs))
	for i, v := range vs {
		floats.SubTo(centred, v, mean)
		out[i] = make([]float32, k)
		for j, c := range comps {
			out[i][j] = float32(floats.Dot(centred, c))
		}
	}
	return out, nil
}
