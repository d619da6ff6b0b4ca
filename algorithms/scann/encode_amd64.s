//go:build amd64 && !purego

#include "textflag.h"

// func encode4AVX2(r, t *float32, dpb, nb int, codes *byte)
//
// For each of nb blocks of dpb dimensions of r, writes to codes the index
// of the nearest of the block's 16 codewords in squared L2, the first on
// ties. t holds the codebooks transposed (lut.go: dpb rows of 16 floats
// per block). Each distance is summed dimension by dimension with separate
// multiplies and adds, as quantizer.nearest does, so the codes are the
// same. dpb >= 1, nb >= 1.
TEXT ·encode4AVX2(SB), NOSPLIT, $0-40
	MOVQ r+0(FP), SI
	MOVQ t+8(FP), DI
	MOVQ dpb+16(FP), R8
	MOVQ nb+24(FP), BX
	MOVQ codes+32(FP), DX
	XORL CX, CX

e4block:
	VBROADCASTSS (SI), Y0
	VSUBPS (DI), Y0, Y2
	VSUBPS 32(DI), Y0, Y3
	VMULPS Y2, Y2, Y2
	VMULPS Y3, Y3, Y3
	ADDQ $4, SI
	ADDQ $64, DI
	MOVQ R8, R9
	DECQ R9
	JZ   e4min

e4dim:
	VBROADCASTSS (SI), Y0
	VSUBPS (DI), Y0, Y4
	VSUBPS 32(DI), Y0, Y5
	VMULPS Y4, Y4, Y4
	VMULPS Y5, Y5, Y5
	VADDPS Y4, Y2, Y2
	VADDPS Y5, Y3, Y3
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ R9
	JNZ  e4dim

e4min:
	VMINPS Y3, Y2, Y6
	VEXTRACTF128 $1, Y6, X7
	VMINPS X7, X6, X6
	VPERMILPS $0x4e, X6, X7
	VMINPS X7, X6, X6
	VPERMILPS $0xb1, X6, X7
	VMINPS X7, X6, X6
	VBROADCASTSS X6, Y6
	VCMPPS $0, Y6, Y2, Y7
	VCMPPS $0, Y6, Y3, Y8
	VMOVMSKPS Y7, AX
	VMOVMSKPS Y8, R10
	SHLL $8, R10
	ORL  R10, AX
	BSFL AX, AX
	CMOVLEQ CX, AX // no lane equal to the minimum (NaN): code 0
	MOVB AL, (DX)
	INCQ DX
	DECQ BX
	JNZ  e4block
	VZEROUPPER
	RET
