package eventlog

import (
	"os"
	"testing"
)

func BenchmarkQuickRead(b *testing.B) {
	for i := 0; i < b.N; i++ {
		f, _ := os.Open("/tmp/mine/synth.xes.gz")
		_, err := ReadXES(f, Limits{})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}
