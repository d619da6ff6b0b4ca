package external

import (
	"os"
	"testing"

	"github.com/annbench/annbench/algorithms/external/fakeadapter"
)

// The test binary doubles as the fake adapter.
func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(fakeadapter.Env); ok {
		os.Exit(fakeadapter.Main(mode))
	}
	os.Exit(m.Run())
}

// Aliases keep the tests short.
const (
	fakeOK        = fakeadapter.OK
	fakeDuplicate = fakeadapter.Duplicate
	fakeRange     = fakeadapter.Range
	fakeCrash     = fakeadapter.Crash
	fakeHang      = fakeadapter.Hang
	fakeGarbage   = fakeadapter.Garbage
	fakeShortFile = fakeadapter.ShortFile
	fakeNoLibrary = fakeadapter.NoLibrary
	fakeFast      = fakeadapter.Fast
	fakeStdout    = fakeadapter.Stdout
)

var exact = fakeadapter.Exact
