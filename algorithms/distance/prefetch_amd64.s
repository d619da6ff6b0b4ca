//go:build amd64 && !purego

#include "textflag.h"

// func PrefetchLines(p unsafe.Pointer, lines int)
//
// Hints the CPU to load lines consecutive 64-byte cache lines starting at
// p into all cache levels. lines must be positive.
TEXT ·PrefetchLines(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ p+0(FP), AX
	MOVQ lines+8(FP), CX
loop:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	DECQ CX
	JNZ  loop
	RET
