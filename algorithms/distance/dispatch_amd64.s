//go:build amd64 && !purego

#include "textflag.h"

// The pair entry points L2Sq and Dot call these directly. They tail-jump to
// the kernel selected by ·level, so a hot loop pays one direct call and two
// predictable branches instead of an indirect call through a function value.

// func l2sqAsm(a, b []float32) float32
TEXT ·l2sqAsm(SB), NOSPLIT, $0-52
	CMPQ ·level(SB), $2
	JNE  2(PC)
	JMP  ·l2sqAVX512(SB)
	CMPQ ·level(SB), $1
	JNE  2(PC)
	JMP  ·l2sqAVX2(SB)
	JMP  ·l2sqGeneric(SB)

// func dotAsm(a, b []float32) float32
TEXT ·dotAsm(SB), NOSPLIT, $0-52
	CMPQ ·level(SB), $2
	JNE  2(PC)
	JMP  ·dotAVX512(SB)
	CMPQ ·level(SB), $1
	JNE  2(PC)
	JMP  ·dotAVX2(SB)
	JMP  ·dotGeneric(SB)
