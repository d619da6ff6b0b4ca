package hdf5

import "testing"

// TestLookup3 checks the hash against values of Bob Jenkins' reference
// hashlittle with initial value 0.
func TestLookup3(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint32
	}{
		{"", 0xdeadbeef},
		{"Four score and seven years ago", 0x17770551},
	} {
		if got := lookup3([]byte(c.in)); got != c.want {
			t.Errorf("lookup3(%q) = %#08x, want %#08x", c.in, got, c.want)
		}
	}
	b := append([]byte("Four score and seven years ago"), 0x51, 0x05, 0x77, 0x17)
	if err := checkSum(b, "test"); err != nil {
		t.Errorf("checkSum of a correct trailer: %v", err)
	}
	b[0] ^= 1
	if err := checkSum(b, "test"); err == nil {
		t.Error("checkSum of a flipped byte: no error")
	}
}
