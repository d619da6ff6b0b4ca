package datasets

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"unsafe"

	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// A dataset's fingerprint is a SHA-256 over everything an index or a
// ground truth depends on: the metric and, for each part (base, queries,
// training split, labels, attributes), its shape and every value, as the
// indexes see them (after normalization and hold-out). Two datasets with
// the same fingerprint hold the same vectors, whatever files or formats they
// came from; editing a single value changes it. Ground truth is not part of
// it, because ground truth is what gets keyed by it.
//
// Hashing a large file on every run would cost seconds, so the hash of each
// part read from files is cached in <CacheDir>/fingerprints/, keyed by the
// source files' absolute paths, sizes and modification times, the part's
// shape and how it was derived (hold-out seed, normalization). A changed
// file has a new size or mtime and is hashed again. Built-in synthetic data
// is never hashed: its parts are identified by the generator version, the
// canonical name and the shape, which determine every value.

// fingerprintVersion is part of every hash and cache key; bump it when the
// hashed byte stream changes.
const fingerprintVersion = "annbench-fingerprint-v1"

// The parts of a dataset, in the order they enter the fingerprint.
const (
	partBase        = "base"
	partQuery       = "query"
	partTrain       = "train"
	partBaseLabels  = "base_labels"
	partQueryLabels = "query_labels"
	partAttributes  = "attributes"
)

var allParts = []string{partBase, partQuery, partTrain, partBaseLabels, partQueryLabels, partAttributes}

// indexParts are the parts an index built on the dataset depends on.
var indexParts = []string{partBase, partTrain}

// provenance says where one part of a dataset came from, so its hash can be
// cached (file-backed data) or derived without reading it (synthetic data).
type provenance struct {
	// key identifies the source: file identities and derivation.
	key string
	// derived means key determines every value (synthetic data): the part
	// hash is computed from key and shape alone.
	derived bool
}

// fingerprintState is the memo of a dataset's part hashes.
type fingerprintState struct {
	prov     map[string]provenance
	cacheDir string
	// memo maps part+shape to the part's hash.
	memo map[string]string
}

// fpMu guards every Dataset's fingerprintState; hashing happens under it,
// so concurrent callers never hash the same data twice.
var fpMu sync.Mutex

// setProvenance records where part came from (called while opening).
func (d *Dataset) setProvenance(part string, p provenance) {
	if d.fp.prov == nil {
		d.fp.prov = map[string]provenance{}
	}
	d.fp.prov[part] = p
}

// Fingerprint returns the dataset's content fingerprint, "sha256:" and 64
// hex digits, over the metric and the full content and shape of the base,
// queries, training split, labels and attributes (not the ground truth).
// The first call for file-backed data hashes every value (and caches the
// hashes under Options.CacheDir, so later runs on unchanged files do not);
// later calls return the memo. It reflects the matrices as they are when
// called: taking a prefix of the queries (as the runner does for a query
// limit) gives the fingerprint of that prefix. Callers must not change
// values in place after opening.
func (d *Dataset) Fingerprint() (string, error) {
	return d.fingerprintOf(allParts)
}

// IndexFingerprint returns the fingerprint of what an index built on the
// dataset depends on: the metric, the base vectors and the training split.
// It does not change when the queries, labels or query count change, so it
// keys cached indexes.
func (d *Dataset) IndexFingerprint() (string, error) {
	return d.fingerprintOf(indexParts)
}

// fingerprintOf combines the hashes of the named parts.
func (d *Dataset) fingerprintOf(parts []string) (string, error) {
	fpMu.Lock()
	defer fpMu.Unlock()
	h := sha256.New()
	fmt.Fprintf(h, "%s\nmetric %s\n", fingerprintVersion, d.Metric)
	for _, p := range parts {
		ph, err := d.partHash(p)
		if err != nil {
			return "", fmt.Errorf("fingerprint of dataset %s: %w", d.Name, err)
		}
		fmt.Fprintf(h, "%s %s\n", p, ph)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// content is one part of a dataset as the fingerprint sees it: its shape
// and a writer of its values.
type content struct {
	rows, cols int
	hash       func(hash.Hash)
}

// matrixContent is the content of a vector part.
func matrixContent(m vector.Matrix) content {
	return content{m.Rows, m.Dim, func(h hash.Hash) { hashMatrix(h, m) }}
}

// intsContent is the content of a one-column integer part.
func intsContent[T int32 | int64](v []T) content {
	return content{len(v), 1, func(h hash.Hash) { hashInts(h, v) }}
}

// contents maps every part of the dataset to its content.
func (d *Dataset) contents() map[string]content {
	return map[string]content{
		partBase: matrixContent(d.Base), partQuery: matrixContent(d.Query), partTrain: matrixContent(d.Train),
		partBaseLabels: intsContent(d.BaseLabels), partQueryLabels: intsContent(d.QueryLabels),
		partAttributes: intsContent(d.Attributes),
	}
}

// partHash returns the hex SHA-256 of one part: from the memo, from the
// provenance alone (synthetic), from the on-disk cache, or by hashing the
// values. fpMu must be held.
func (d *Dataset) partHash(part string) (string, error) {
	c := d.contents()[part]
	shape := part + " " + strconv.Itoa(c.rows) + "x" + strconv.Itoa(c.cols)
	if v, ok := d.fp.memo[shape]; ok {
		return v, nil
	}
	prov := d.fp.prov[part]
	var sum string
	var key string
	if prov.key != "" && c.rows > 0 {
		key = fingerprintVersion + "\n" + shape + "\n" + prov.key
	}
	switch {
	case c.rows == 0:
		sum = hashString(fingerprintVersion + "\n" + shape + "\nempty")
	case prov.derived:
		sum = hashString(key)
	default:
		if key != "" {
			sum = readFingerprintCache(d.fp.cacheDir, key)
		}
		if sum == "" {
			var err error
			if sum, err = hashPart(part, shape, c); err != nil {
				return "", err
			}
			if key != "" {
				writeFingerprintCache(d.fp.cacheDir, key, sum)
			}
		}
	}
	if d.fp.memo == nil {
		d.fp.memo = map[string]string{}
	}
	d.fp.memo[shape] = sum
	return sum, nil
}

// hashString is the hex SHA-256 of s.
func hashString(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// hashPart hashes the shape line and every value of part (content c),
// little-endian. Values in memory-mapped files are read under the fault
// guard, so a file truncated underneath becomes an error.
func hashPart(part, shape string, c content) (string, error) {
	h := sha256.New()
	h.Write([]byte(fingerprintVersion + "\n" + shape + "\n"))
	if err := mapped.Guard(func() { c.hash(h) }); err != nil {
		return "", fmt.Errorf("hash %s: %w", part, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashMatrix writes the rows of m (without stride gaps) to h as
// little-endian float32 bits.
func hashMatrix(h hash.Hash, m vector.Matrix) {
	var buf []byte
	if !hostLittleEndian {
		buf = make([]byte, 4*m.Dim)
	}
	for i := 0; i < m.Rows; i++ {
		row := m.Row(i)
		if hostLittleEndian {
			h.Write(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(row))), 4*len(row)))
			continue
		}
		for j, v := range row {
			binary.LittleEndian.PutUint32(buf[4*j:], *(*uint32)(unsafe.Pointer(&v)))
		}
		h.Write(buf)
	}
}

// hashInts writes integer values to h as little-endian int64.
func hashInts[T int32 | int64](h hash.Hash, v []T) {
	buf := make([]byte, 0, 8*1024)
	for i, x := range v {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(int64(x)))
		if len(buf) == cap(buf) || i == len(v)-1 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
}

// fileIdentity describes a source file for cache keys: absolute path, size
// and modification time. It is taken before the file is read, so a file
// changed while it is read gets a new identity next time.
func fileIdentity(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("file %q size %d mtime %d", abs, st.Size(), st.ModTime().UnixNano()), nil
}

// fingerprintCacheEntry is one file of <CacheDir>/fingerprints/.
type fingerprintCacheEntry struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
}

// fingerprintCachePath names the cache file of key.
func fingerprintCachePath(cacheDir, key string) string {
	return filepath.Join(cacheDir, "fingerprints", hashString(key)[:32]+".json")
}

// readFingerprintCache returns the cached hash for key, or "" when there is
// none (or it is unreadable, or belongs to another key).
func readFingerprintCache(cacheDir, key string) string {
	if cacheDir == "" {
		return ""
	}
	b, err := os.ReadFile(fingerprintCachePath(cacheDir, key))
	if err != nil {
		return ""
	}
	var e fingerprintCacheEntry
	if json.Unmarshal(b, &e) != nil || e.Key != key || len(e.SHA256) != 64 {
		return ""
	}
	if _, err := hex.DecodeString(e.SHA256); err != nil {
		return ""
	}
	return e.SHA256
}

// writeFingerprintCache stores the hash for key. Failing to cache only
// costs a rehash next run, so errors are ignored.
func writeFingerprintCache(cacheDir, key, sum string) {
	if cacheDir == "" {
		return
	}
	path := fingerprintCachePath(cacheDir, key)
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	b, err := json.MarshalIndent(fingerprintCacheEntry{Key: key, SHA256: sum}, "", "  ")
	if err != nil {
		return
	}
	atomicfile.WriteFile(path, append(b, '\n'), 0o644)
}
