#include "textflag.h"

// func prefetchRows(base *uint32, strideb int, ids *uint32, n, lines int)
//
// Hints the CPU to load the first lines cache lines of the record at
// base + ids[i]*strideb bytes for each i < n. n and lines must be positive.
TEXT ·prefetchRows(SB), NOSPLIT|NOFRAME, $0-40
	MOVQ base+0(FP), SI
	MOVQ strideb+8(FP), DX
	MOVQ ids+16(FP), DI
	MOVQ n+24(FP), BX
	MOVQ lines+32(FP), R8
row:
	MOVL (DI), AX
	IMULQ DX, AX
	ADDQ SI, AX
	MOVQ R8, CX
line:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	DECQ CX
	JNZ  line
	ADDQ $4, DI
	DECQ BX
	JNZ  row
	RET
