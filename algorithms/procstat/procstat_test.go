package procstat

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestParse(t *testing.T) {
	hwm, rss := Parse([]byte("Name:\tpython3\nVmPeak:\t  9 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads: 1\n"))
	if hwm != 2048<<10 || rss != 1024<<10 {
		t.Errorf("Parse = %d, %d; want %d, %d", hwm, rss, 2048<<10, 1024<<10)
	}
	for _, bad := range []string{"", "VmHWM: 12\n", "VmHWM:\t-5 kB\n", "VmRSS:\t1 MB\n", "VmHWM:\t99999999999999999999 kB\n"} {
		if hwm, rss := Parse([]byte(bad)); hwm != 0 || rss != 0 {
			t.Errorf("Parse(%q) = %d, %d; want zeros", bad, hwm, rss)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("VmHWM:\t 12 kB\nVmRSS:\t 3 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if hwm, rss := Parse(b); hwm < 0 || rss < 0 {
			t.Fatalf("negative figures %d, %d", hwm, rss)
		}
	})
}

// TestResetPeak allocates and frees a large block, resets the mark and
// checks that the peak no longer includes the block.
func TestResetPeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is Linux's")
	}
	const size = 256 << 20
	b := make([]byte, size)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	before, _, err := Read(0)
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	debug.FreeOSMemory()
	if err := ResetPeak(); err != nil {
		t.Skipf("this kernel or sandbox does not allow resetting the peak: %v", err)
	}
	after, rss, err := Read(0)
	if err != nil {
		t.Fatal(err)
	}
	if before-after < size/2 || after > rss+rss/4+1<<20 {
		t.Errorf("peak %d MiB before the reset, %d MiB after (rss %d MiB): the reset did not drop the freed block", before>>20, after>>20, rss>>20)
	}
}
