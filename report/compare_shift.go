package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/annbench/annbench/runner/stats"
)

// minShiftAlgorithms is the fewest algorithms of a dataset that
// sharedShiftNotes judges: with one or two, "all of them moved alike"
// says nothing about the machine.
const minShiftAlgorithms = 3

// sharedShiftNotes warns, per dataset, when every algorithm with a QPS
// change moved the same way and the median of their changes is beyond
// the threshold. Two runs a minute apart on a shared or virtual machine
// show exactly this when the host slows down or speeds up for longer
// than a run, and a change that slows or speeds every index shows it
// too: with one run per side the two cannot be told apart, so the note
// says so and the verdicts stay as they are. Each algorithm counts once,
// with the median of its changes over the recall targets both sides
// reached.
func (c *Comparison) sharedShiftNotes() []string {
	byDS := map[string]map[string][]float64{}
	var order []string
	for _, l := range c.Levels {
		if math.IsNaN(l.Change) || l.Verdict == Missing {
			continue
		}
		if byDS[l.Dataset] == nil {
			byDS[l.Dataset] = map[string][]float64{}
			order = append(order, l.Dataset)
		}
		byDS[l.Dataset][l.Algorithm] = append(byDS[l.Dataset][l.Algorithm], l.Change)
	}
	var notes []string
	for _, ds := range order {
		var per []float64
		for _, changes := range byDS[ds] {
			per = append(per, stats.Median(changes))
		}
		if len(per) < minShiftAlgorithms {
			continue
		}
		slices.Sort(per)
		lo, hi, mid := per[0], per[len(per)-1], stats.Median(per)
		word := ""
		switch {
		case hi < 0 && -mid > c.Threshold:
			word, lo, hi = "slower", -hi, -lo
		case lo > 0 && mid > c.Threshold:
			word = "faster"
		default:
			continue
		}
		notes = append(notes, fmt.Sprintf("%s: every algorithm is %s on NEW (%d algorithms, by %.0f%% to %.0f%%, median %.0f%%). "+
			"A change of the machine's speed between the two runs (a slow or fast stretch of a shared or virtual host "+
			"lasting longer than a run) looks like this, and so does a change that affects every index; one run per side "+
			"cannot tell them apart, annbench ab (which alternates the two builds) can.",
			ds, word, len(per), 100*lo, 100*hi, 100*math.Abs(mid)))
	}
	return notes
}
