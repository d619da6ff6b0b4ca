package report

import (
	"bytes"
	"testing"
)

func TestSummaryGolden(t *testing.T) {
	for _, name := range []string{"base", "new"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSummary(&buf, fixture(t, name), nil); err != nil {
				t.Fatal(err)
			}
			golden(t, "summary-"+name+".md", buf.Bytes())
		})
	}
}
