//go:build amd64 && !purego

#include "textflag.h"

// Threshold scans: compare sixteen elements per step, a masked step for a
// tail shorter than sixteen (masked-off lanes never fault).

// func firstBelowAVX512(xs []float32, t float32) int
TEXT ·firstBelowAVX512(SB), NOSPLIT, $0-40
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), DX
	VBROADCASTSS t+24(FP), Z1
	XORQ BX, BX

fbloop:
	MOVQ DX, CX
	SUBQ BX, CX
	CMPQ CX, $16
	JB   fbtail
	VMOVUPS (SI)(BX*4), Z0
	VCMPPS $1, Z1, Z0, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ  fbfound
	ADDQ $16, BX
	JMP  fbloop

fbtail:
	TESTQ CX, CX
	JZ    fbnone
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	VMOVUPS.Z (SI)(BX*4), K2, Z0
	VCMPPS $1, Z1, Z0, K2, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ  fbfound

fbnone:
	VZEROUPPER
	MOVQ DX, ret+32(FP)
	RET

fbfound:
	BSFL AX, AX
	ADDQ AX, BX
	VZEROUPPER
	MOVQ BX, ret+32(FP)
	RET

// func firstBelowUint32AVX512(xs []uint32, t uint32) int
TEXT ·firstBelowUint32AVX512(SB), NOSPLIT, $0-40
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), DX
	MOVL t+24(FP), AX
	VPBROADCASTD AX, Z1
	XORQ BX, BX

fuloop:
	MOVQ DX, CX
	SUBQ BX, CX
	CMPQ CX, $16
	JB   futail
	VMOVDQU32 (SI)(BX*4), Z0
	VPCMPUD $1, Z1, Z0, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ  fufound
	ADDQ $16, BX
	JMP  fuloop

futail:
	TESTQ CX, CX
	JZ    funone
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	VMOVDQU32.Z (SI)(BX*4), K2, Z0
	VPCMPUD $1, Z1, Z0, K2, K1
	KMOVW K1, AX
	TESTL AX, AX
	JNZ  fufound

funone:
	VZEROUPPER
	MOVQ DX, ret+32(FP)
	RET

fufound:
	BSFL AX, AX
	ADDQ AX, BX
	VZEROUPPER
	MOVQ BX, ret+32(FP)
	RET
