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

// func lut4BlocksAVX2(t, qv *float32, dpb, nb int, neg float32, lut, lo, hi *float32)
//
// For each of nb blocks of full width dpb: Y0/Y1 sum, over the block's
// dimensions d, qv[d] times the 16 transposed codeword coordinates of d
// (multiply, then add: no FMA, so the portable code matches bit for bit),
// are scaled by neg and stored as the block's 16 entries; their minimum
// and maximum go to lo and hi.
TEXT ·lut4BlocksAVX2(SB), NOSPLIT, $0-64
	MOVQ         t+0(FP), SI
	MOVQ         qv+8(FP), DX
	MOVQ         dpb+16(FP), CX
	MOVQ         nb+24(FP), BX
	VBROADCASTSS neg+32(FP), Y15
	MOVQ         lut+40(FP), DI
	MOVQ         lo+48(FP), R8
	MOVQ         hi+56(FP), R9
	TESTQ        BX, BX
	JZ           lutdone
	TESTQ        CX, CX
	JZ           lutdone

lutblock:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ   CX, R10

lutdim:
	VBROADCASTSS (DX), Y2
	VMULPS       (SI), Y2, Y3
	VMULPS       32(SI), Y2, Y4
	VADDPS       Y3, Y0, Y0
	VADDPS       Y4, Y1, Y1
	ADDQ         $4, DX
	ADDQ         $64, SI
	DECQ         R10
	JNZ          lutdim

	VMULPS       Y15, Y0, Y0
	VMULPS       Y15, Y1, Y1
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y1, 32(DI)
	VMINPS       Y1, Y0, Y2
	VMAXPS       Y1, Y0, Y3
	VEXTRACTF128 $1, Y2, X4
	VMINPS       X4, X2, X2
	VPERMILPS    $0x4e, X2, X4
	VMINPS       X4, X2, X2
	VPERMILPS    $0xb1, X2, X4
	VMINPS       X4, X2, X2
	VMOVSS       X2, (R8)
	VEXTRACTF128 $1, Y3, X4
	VMAXPS       X4, X3, X3
	VPERMILPS    $0x4e, X3, X4
	VMAXPS       X4, X3, X3
	VPERMILPS    $0xb1, X3, X4
	VMAXPS       X4, X3, X3
	VMOVSS       X3, (R9)
	ADDQ         $64, DI
	ADDQ         $4, R8
	ADDQ         $4, R9
	DECQ         BX
	JNZ          lutblock

lutdone:
	VZEROUPPER
	RET

// func quantize4AVX2(lut, lo *float32, nblocks int, s float32, out *byte)
//
// For each block: (entries - lo) × s, rounded to nearest even
// (VCVTPS2DQ under the default rounding mode), packed to bytes with
// saturation, 16 bytes per block.
TEXT ·quantize4AVX2(SB), NOSPLIT, $0-40
	MOVQ         lut+0(FP), SI
	MOVQ         lo+8(FP), DX
	MOVQ         nblocks+16(FP), BX
	VBROADCASTSS s+24(FP), Y15
	MOVQ         out+32(FP), DI
	TESTQ        BX, BX
	JZ           qdone

qblock:
	VBROADCASTSS (DX), Y2
	VMOVUPS      (SI), Y0
	VMOVUPS      32(SI), Y1
	VSUBPS       Y2, Y0, Y0
	VSUBPS       Y2, Y1, Y1
	VMULPS       Y15, Y0, Y0
	VMULPS       Y15, Y1, Y1
	VCVTPS2DQ    Y0, Y0
	VCVTPS2DQ    Y1, Y1
	VPACKSSDW    Y1, Y0, Y0
	VPERMQ       $0xd8, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKUSWB    X1, X0, X0
	VMOVDQU      X0, (DI)
	ADDQ         $64, SI
	ADDQ         $4, DX
	ADDQ         $16, DI
	DECQ         BX
	JNZ          qblock

qdone:
	VZEROUPPER
	RET
