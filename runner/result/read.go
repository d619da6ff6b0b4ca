package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrOtherSchema marks JSON that is not a result file of the schema this
// package reads; report.Load skips such files with a warning.
var ErrOtherSchema = errors.New("not an annbench result file")

// Read reads, decodes and validates one result file. A missing file is
// reported with an error satisfying errors.Is(err, fs.ErrNotExist); every
// other error names path.
func Read(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("read result %s: %w", path, err)
	}
	return &r, nil
}

// Decode parses one result file. It returns an error wrapping
// ErrOtherSchema (reported as "not an annbench result file" or as an
// unsupported schema version) for JSON that is not a result file it
// reads, and a descriptive error for a result file that is malformed: bad
// JSON, or content Validate rejects. Files of SchemaV1 are upgraded in
// memory: the file's trials, machine, version and commit become every
// point's own, its finish time their MeasuredAt, and the dataset
// fingerprint stays unknown ("").
func Decode(data []byte) (Result, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Result{}, fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
		}
		// Valid JSON that is not an object (or whose schema is not a
		// string) cannot be ours.
		return Result{}, fmt.Errorf("%w (%v)", ErrOtherSchema, err)
	}
	if head.Schema == SchemaV1 {
		return decodeV1(data)
	}
	if head.Schema != Schema {
		if strings.HasPrefix(head.Schema, "annbench/result/") {
			return Result{}, fmt.Errorf("%w: schema %q is not supported by this version (want %q)", ErrOtherSchema, head.Schema, Schema)
		}
		if head.Schema == "" {
			return Result{}, fmt.Errorf("%w: no \"schema\" key", ErrOtherSchema)
		}
		return Result{}, fmt.Errorf("%w: schema %q", ErrOtherSchema, head.Schema)
	}
	var r Result
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return Result{}, fmt.Errorf("decode result: %w", err)
	}
	if err := Validate(&r); err != nil {
		return Result{}, err
	}
	return r, nil
}

// v1File is the layout of SchemaV1: trials and one machine (with version
// and commit) for the whole file.
type v1File struct {
	Result
	Trials  int `json:"trials"`
	Machine struct {
		Machine
		Commit  string `json:"commit"`
		Version string `json:"version"`
	} `json:"machine"`
}

// decodeV1 reads a SchemaV1 file and upgrades it to the current schema.
func decodeV1(data []byte) (Result, error) {
	var f v1File
	if err := json.Unmarshal(data, &f); err != nil {
		return Result{}, fmt.Errorf("decode result (%s): %w", SchemaV1, err)
	}
	if f.Trials < 0 {
		return Result{}, fmt.Errorf(`negative "trials" %d`, f.Trials)
	}
	r := f.Result
	r.Schema = Schema
	r.Machines = nil
	id := r.AddMachine(f.Machine.Machine)
	for i := range r.Points {
		p := &r.Points[i]
		p.Trials, p.Version, p.Commit, p.Machine, p.MeasuredAt = f.Trials, f.Machine.Version, f.Machine.Commit, id, r.Finished
	}
	if err := Validate(&r); err != nil {
		return Result{}, err
	}
	return r, nil
}
