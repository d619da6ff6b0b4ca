package shard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// MergeOptions control Merge.
type MergeOptions struct {
	// AllowMixedMachines merges results measured on machines of different
	// classes (CPU model, cores, kernels, target) with a note instead of
	// refusing.
	AllowMixedMachines bool
	// AllowPartial merges even when shards are missing or did not finish,
	// or a directory has no manifest, with a note instead of refusing.
	AllowPartial bool
	// Log receives the lock takeover notice, if any.
	Log io.Writer
}

// Merged says what Merge did.
type Merged struct {
	// Files is the number of result files written to the output; Points
	// the number of points in them that came from the inputs.
	Files, Points int
	// Shards lists the shards merged, e.g. "0/3"; Plan is their plan hash.
	Shards []string
	Plan   string
	// Notes lists what was merged under an Allow option.
	Notes []string
}

// maxListed bounds the duplicates and machines an error lists.
const maxListed = 20

// Merge combines the result directories of the shards of one run (dirs)
// into out, which may already hold results (of earlier merges). It
// refuses, without writing anything, when:
//
//   - a directory has no shard manifest, shards of different plans are
//     mixed, a shard appears twice (also with one already merged into
//     out), a shard is missing or did not finish (all of these allowed,
//     with a note, by AllowPartial);
//   - points were measured on machines of different classes (allowed by
//     AllowMixedMachines);
//   - two inputs (or an input and out) hold a point of the same setup and
//     query parameters: a point is never replaced silently.
//
// Merged files keep every point's own provenance and list every machine;
// the shard manifests are copied into out so that a later merge sees
// which shards it already has.
func Merge(out string, dirs []string, opt MergeOptions) (*Merged, error) {
	if len(dirs) == 0 {
		return nil, errors.New("merge: no shard directories")
	}
	if err := checkDirs(out, dirs); err != nil {
		return nil, err
	}
	m := &Merged{}
	var problems []string
	note := func(allowed bool, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if allowed {
			m.Notes = append(m.Notes, msg)
		} else {
			problems = append(problems, msg)
		}
	}
	manifests, err := checkManifests(out, dirs, opt, m, note)
	if err != nil {
		return nil, err
	}
	inputs := append([]string{out}, dirs...)
	sets := map[string][]source{}
	var keys []string
	for i, dir := range inputs {
		if i == 0 {
			if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		found, err := readResults(dir)
		if err != nil {
			return nil, err
		}
		for _, s := range found {
			s.fromOut = i == 0
			key := s.r.Identity().Key()
			if _, ok := sets[key]; !ok {
				keys = append(keys, key)
			}
			sets[key] = append(sets[key], s)
		}
	}
	sort.Strings(keys)
	checkMachines(sets, manifests, opt, note)

	type write struct {
		path string
		r    *result.Result
		n    int
	}
	var writes []write
	var dups []string
	for _, key := range keys {
		group := sets[key]
		merged, added, d := combine(group)
		dups = append(dups, d...)
		if added == 0 {
			continue // only out's own file
		}
		path, err := merged.Identity().Path(out)
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", group[0].path, err)
		}
		writes = append(writes, write{path, merged, added})
	}
	if len(dups) > 0 {
		more := ""
		if len(dups) > maxListed {
			more = fmt.Sprintf("\n  ... and %d more", len(dups)-maxListed)
			dups = dups[:maxListed]
		}
		problems = append(problems, fmt.Sprintf("%d duplicate points (the same setup and query parameters in two places; a point is never replaced):\n  %s%s",
			len(dups), strings.Join(dups, "\n  "), more))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("merge: nothing written:\n%s", strings.Join(problems, "\n"))
	}

	lock, err := result.LockDir(out, opt.Log)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	defer lock.Release()
	for _, w := range writes {
		if err := result.Write(w.path, w.r); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		m.Files++
		m.Points += w.n
	}
	for _, f := range manifests {
		if filepath.Dir(f.Path) == filepath.Clean(out) {
			continue
		}
		mf := f.Manifest
		if err := mf.Write(out); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
	}
	return m, nil
}

// checkDirs rejects inputs that do not exist, repeat, or overlap out.
func checkDirs(out string, dirs []string) error {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	seen := map[string]string{}
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("merge: shard directory: %w", err)
		}
		if !st.IsDir() {
			return fmt.Errorf("merge: %s is not a directory", d)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if prev, dup := seen[abs]; dup {
			return fmt.Errorf("merge: %s is given twice (also as %s)", d, prev)
		}
		seen[abs] = d
		if abs == absOut || within(absOut, abs) || within(abs, absOut) {
			return fmt.Errorf("merge: output %s overlaps shard directory %s; merge into a directory of its own", out, d)
		}
	}
	return nil
}

// within reports whether path a is inside directory b.
func within(a, b string) bool {
	rel, err := filepath.Rel(b, a)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkManifests reads the manifests of out and dirs and checks that they
// are the complete, distinct shards of one plan.
func checkManifests(out string, dirs []string, opt MergeOptions, m *Merged, note func(bool, string, ...any)) ([]Found, error) {
	var all []Found
	if _, err := os.Stat(out); err == nil {
		found, err := ReadManifests(out)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		all = append(all, found...)
	}
	for _, d := range dirs {
		found, err := ReadManifests(d)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if len(found) == 0 {
			note(opt.AllowPartial, "%s has no shard manifest (shard-<i>-of-<n>.json): it is not the output of 'annbench run --shard'", d)
		}
		all = append(all, found...)
	}
	if len(all) == 0 {
		return nil, nil
	}
	plans := map[string][]string{}
	byShard := map[int]Found{}
	count := all[0].Shards
	for _, f := range all {
		plans[f.Plan] = append(plans[f.Plan], fmt.Sprintf("%s (shard %d/%d)", f.Path, f.Shard, f.Shards))
		if f.Shards != count {
			note(false, "shards of %d and of %d shards are mixed: %s and %s", count, f.Shards, all[0].Path, f.Path)
			continue
		}
		if prev, dup := byShard[f.Shard]; dup {
			note(false, "shard %d/%d appears twice: %s and %s", f.Shard, f.Shards, prev.Path, f.Path)
			continue
		}
		byShard[f.Shard] = f
		if !f.Complete {
			note(opt.AllowPartial, "shard %d/%d in %s did not finish (started %s); run it again (points it measured are kept and skipped)", f.Shard, f.Shards, filepath.Dir(f.Path), f.Started.Format("2006-01-02T15:04:05Z"))
		}
	}
	if len(plans) > 1 {
		var parts []string
		for p, where := range plans {
			parts = append(parts, fmt.Sprintf("plan %s: %s", p, strings.Join(where, ", ")))
		}
		sort.Strings(parts)
		note(false, "shards of different plans (different configs, overrides or --costs) are mixed:\n  %s", strings.Join(parts, "\n  "))
	}
	var missing []string
	for i := 0; i < count; i++ {
		if _, ok := byShard[i]; ok {
			m.Shards = append(m.Shards, fmt.Sprintf("%d/%d", i, count))
		} else {
			missing = append(missing, fmt.Sprintf("%d/%d", i, count))
		}
	}
	if len(missing) > 0 {
		note(opt.AllowPartial, "missing shards %s of plan %s (no shard-<i>-of-%d.json in the directories given)", strings.Join(missing, ", "), all[0].Plan, count)
	}
	m.Plan = all[0].Plan
	return all, nil
}

// source is one result file read from an input.
type source struct {
	path    string
	r       *result.Result
	fromOut bool
}

// readResults reads the result files of a result tree (result.Files),
// skipping JSON of another schema.
func readResults(dir string) ([]source, error) {
	var out []source
	files, err := result.Files(dir)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	for _, path := range files {
		r, err := result.Read(path)
		if err != nil {
			if errors.Is(err, result.ErrOtherSchema) {
				continue
			}
			return nil, fmt.Errorf("merge: %w", err)
		}
		out = append(out, source{path: path, r: r})
	}
	return out, nil
}

// checkMachines notes when points (and shard manifests) come from more
// than one machine class.
func checkMachines(sets map[string][]source, manifests []Found, opt MergeOptions, note func(bool, string, ...any)) {
	where := map[string]string{}
	var classes []string
	add := func(class, path string) {
		if _, ok := where[class]; !ok {
			where[class] = path
			classes = append(classes, class)
		}
	}
	for _, f := range manifests {
		add(f.Machine.Class(), f.Path)
	}
	for _, group := range sets {
		for _, s := range group {
			for _, p := range s.r.Points {
				if mach, ok := s.r.MachineOf(&p); ok {
					add(mach.Class(), s.path)
				}
			}
		}
	}
	if len(classes) < 2 {
		return
	}
	sort.Strings(classes)
	lines := make([]string, 0, len(classes))
	for i, c := range classes {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("... and %d more", len(classes)-maxListed))
			break
		}
		lines = append(lines, fmt.Sprintf("%s (e.g. %s)", c, where[c]))
	}
	msg := "measurements from %d machine classes; their timings are not comparable:\n  %s"
	if !opt.AllowMixedMachines {
		msg += "\n(--allow-mixed-machines merges them anyway; each point keeps its machine)"
	}
	note(opt.AllowMixedMachines, msg, len(classes), strings.Join(lines, "\n  "))
}

// combine merges the files of one setup: the first (out's own, when it
// has one) plus every point of the others. It returns the merged result,
// how many points came from inputs other than out, and the duplicates.
func combine(group []source) (*result.Result, int, []string) {
	base := *group[0].r
	base.Points = append([]result.Point(nil), base.Points...)
	base.Machines = map[string]result.Machine{}
	for k, v := range group[0].r.Machines {
		base.Machines[k] = v
	}
	added := 0
	if !group[0].fromOut {
		added = len(base.Points)
	}
	from := make([]string, len(base.Points))
	for i := range from {
		from[i] = group[0].path
	}
	var dups []string
	for _, s := range group[1:] {
		for _, p := range s.r.Points {
			if i := base.FindPoint(p.QueryParams); i >= 0 {
				dups = append(dups, fmt.Sprintf("%s %s %s %s query %s: %s and %s", base.Dataset, base.Algorithm,
					result.ParamString(base.IndexParams), base.Identity().Setup(), result.ParamString(p.QueryParams), from[i], s.path))
				continue
			}
			base.Points = append(base.Points, p)
			from = append(from, s.path)
			added++
			if mach, ok := s.r.MachineOf(&p); ok {
				base.Machines[p.Machine] = mach
			}
		}
		if s.r.Started.Before(base.Started) {
			base.Started = s.r.Started
		}
		if s.r.Finished.After(base.Finished) {
			base.Finished = s.r.Finished
		}
	}
	return &base, added, dups
}
