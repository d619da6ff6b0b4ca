package shard

import (
	"testing"
)

// FuzzDecodeManifest feeds arbitrary bytes to the manifest decoder: it
// must never panic, and what it accepts is a valid shard.
func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"schema": "annbench/shard/v1", "shard": 1, "shards": 3, "groups": ["a/b/c"], "complete": true}`))
	f.Add([]byte(`{"schema": "annbench/shard/v1", "shard": -1, "shards": 0}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeManifest("fuzz.json", data)
		if err != nil {
			return
		}
		if m.Shard < 0 || m.Shard >= m.Shards || m.Schema != ManifestSchema {
			t.Fatalf("accepted %+v", m)
		}
	})
}
