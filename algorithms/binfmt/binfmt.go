// Package binfmt is the little-endian binary encoding shared by index files:
// a Writer and a Reader that keep the first error (so a sequence of calls
// needs one check at the end) and read arrays in bounded chunks, so that a
// corrupt length field cannot force a huge allocation before the file runs
// out.
//
// The encoding has no framing of its own: a uint32 is 4 bytes, a uint64 8,
// a string a uint32 length and its bytes, and an array its elements back to
// back (the caller stores the length where its format says).
package binfmt
