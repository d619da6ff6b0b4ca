//go:build amd64 && !purego

#include "textflag.h"

// func scan4AVX2(codes *byte, lut *byte, pairs int, groups int, out *uint16)
//
// For each group of pairs*32 code bytes, Y0/Y1 accumulate the shuffled
// entries of vectors 0..15 (Y0 as 16-bit words: even vector + 256 × odd
// vector; Y1: odd vector) and Y2/Y3 those of vectors 16..31; the two
// 128-bit lanes hold the two blocks of a pair and are added at the end.
TEXT ·scan4AVX2(SB), NOSPLIT, $0-40
	MOVQ codes+0(FP), SI
	MOVQ lut+8(FP), DX
	MOVQ pairs+16(FP), CX
	MOVQ groups+24(FP), BX
	MOVQ out+32(FP), DI
	MOVL $0x0f0f0f0f, AX
	MOVD AX, X15
	VPBROADCASTD X15, Y15
	TESTQ BX, BX
	JZ    done

group:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	MOVQ  DX, R8
	MOVQ  CX, R9
	TESTQ R9, R9
	JZ    finish

pair:
	VMOVDQU (SI), Y4
	VMOVDQU (R8), Y5
	VPSRLW  $4, Y4, Y7
	VPAND   Y15, Y4, Y6
	VPAND   Y15, Y7, Y7
	VPSHUFB Y6, Y5, Y6
	VPSHUFB Y7, Y5, Y7
	VPADDW  Y6, Y0, Y0
	VPSRLW  $8, Y6, Y6
	VPADDW  Y6, Y1, Y1
	VPADDW  Y7, Y2, Y2
	VPSRLW  $8, Y7, Y7
	VPADDW  Y7, Y3, Y3
	ADDQ    $32, SI
	ADDQ    $32, R8
	DECQ    R9
	JNZ     pair

finish:
	// Even vectors: all minus 256 × odd.
	VPSLLW       $8, Y1, Y8
	VPSUBW       Y8, Y0, Y0
	VPSLLW       $8, Y3, Y8
	VPSUBW       Y8, Y2, Y2

	// Add the two blocks of each pair (the two lanes).
	VEXTRACTI128 $1, Y0, X8
	VPADDW       X8, X0, X0
	VEXTRACTI128 $1, Y1, X8
	VPADDW       X8, X1, X1
	VEXTRACTI128 $1, Y2, X8
	VPADDW       X8, X2, X2
	VEXTRACTI128 $1, Y3, X8
	VPADDW       X8, X3, X3

	// Interleave even and odd vectors into vector order.
	VPUNPCKLWD X1, X0, X4
	VPUNPCKHWD X1, X0, X5
	VPUNPCKLWD X3, X2, X6
	VPUNPCKHWD X3, X2, X7
	VMOVDQU    X4, (DI)
	VMOVDQU    X5, 16(DI)
	VMOVDQU    X6, 32(DI)
	VMOVDQU    X7, 48(DI)
	ADDQ       $64, DI
	DECQ       BX
	JNZ        group

done:
	VZEROUPPER
	RET
