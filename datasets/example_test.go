package datasets_test

import (
	"context"
	"fmt"
	"log"

	"github.com/annbench/annbench/datasets"
)

// Open a built-in synthetic dataset: no files are needed, and the vectors
// are the same on every run.
func ExampleOpen() {
	d, err := datasets.Open(context.Background(), "synthetic-ip-20k-32", datasets.Options{MaxQueries: 100})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	fmt.Println(d.Name, d.Metric, d.Base.Rows, d.Base.Dim, d.Query.Rows, d.Train.Rows)
	// Output: synthetic-ip-20k-32 ip 20000 32 100 20000
}

// Lookup explains what names are valid.
func ExampleLookup() {
	_, err := datasets.Lookup("synthetic-20k")
	fmt.Println(err)
	// Output: dataset "synthetic-20k": bad synthetic dataset name: "20k" does not have the form <n>-<d> (want synthetic-[ip-|angular-]<n>-<d> (e.g. synthetic-20k-64, synthetic-ip-100k-32, synthetic-angular-1m-96; n takes a k or m suffix))
}
