package algorithms

// Progress receives reports of how far a long operation (an index build)
// has got, so a front end can show a bar with a rate and an estimate of
// the time left. Implementations are safe for concurrent use: build
// workers report from their own goroutines.
type Progress interface {
	// Stage starts the next stage of the operation: name says what is
	// counted ("insert", "k-means", "encode") and total how many units
	// the stage has (0 when unknown).
	Stage(name string, total int64)
	// Done reports n more units of the current stage finished.
	Done(n int64)
}

// ProgressReporter is implemented by indexes that report the progress of
// Build. SetProgress is called before Build; p is never nil.
type ProgressReporter interface {
	SetProgress(p Progress)
}

// BuildProgress is the ProgressReporter an index embeds.
type BuildProgress struct{ p Progress }

var _ ProgressReporter = (*BuildProgress)(nil)

// SetProgress makes Build report to p.
func (b *BuildProgress) SetProgress(p Progress) { b.p = p }

// Progress returns what SetProgress set, NoProgress when it was not called.
func (b *BuildProgress) Progress() Progress { return OrNoProgress(b.p) }

// NoProgress is a Progress that discards every report: the value an index
// reports to when nobody called SetProgress.
var NoProgress Progress = noProgress{}

type noProgress struct{}

func (noProgress) Stage(string, int64) {}
func (noProgress) Done(int64)          {}

// OrNoProgress returns p, or NoProgress when p is nil.
func OrNoProgress(p Progress) Progress {
	if p == nil {
		return NoProgress
	}
	return p
}
