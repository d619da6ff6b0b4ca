package report

import "github.com/annbench/annbench/runner/result"

// knnView returns g with every point's Recall replaced by its kNN label
// accuracy, so that the recall figure and frontier code draw accuracy
// against QPS; points without an accuracy are left out, and ok is false
// when none has one.
func knnView(g datasetGroup) (datasetGroup, bool) {
	out := datasetGroup{Name: g.Name, Dir: g.Dir}
	for _, r := range g.Results {
		cp := *r
		cp.Points = nil
		for _, p := range r.Points {
			if p.KNNAccuracy != nil {
				p.Recall = *p.KNNAccuracy
				cp.Points = append(cp.Points, p)
			}
		}
		if len(cp.Points) > 0 {
			out.Results = append(out.Results, &cp)
		}
	}
	return out, len(out.Results) > 0
}

// knnCell renders a point's kNN accuracy and exact search's beside it, or
// "" when the point has none.
func knnCell(p *result.Point) string {
	if p.KNNAccuracy == nil {
		return ""
	}
	s := fmtRecall(*p.KNNAccuracy)
	if p.ExactKNNAccuracy != nil {
		s += " (exact " + fmtRecall(*p.ExactKNNAccuracy) + ")"
	}
	return s
}

// hasKNN reports whether any point of rs carries a kNN accuracy.
func hasKNN(rs []*result.Result) bool {
	for _, r := range rs {
		for i := range r.Points {
			if r.Points[i].KNNAccuracy != nil {
				return true
			}
		}
	}
	return false
}
