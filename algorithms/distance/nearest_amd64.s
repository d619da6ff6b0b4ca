//go:build amd64 && !purego

#include "textflag.h"

// PSTEP multiplies the broadcast component of one query (at addr) with
// the panel step (Y0: rows 0-7, Y1: rows 8-15) and adds the products to
// a and b.
#define PSTEP(addr, a, b) \
	VBROADCASTSS addr, Y2; \
	VFMADD231PS Y0, Y2, a; \
	VFMADD231PS Y1, Y2, b

// func rankPanels4AVX2(q0, q1, q2, q3, panel, bias, out *float32, dim, np int, scale float32)
//
// For each of np panels (dim × 16 floats, dimension-major) and each query
// k, out[k*np*16 + j] = bias[j] + scale·⟨q_k, row_j⟩. dim >= 1, np >= 1.
TEXT ·rankPanels4AVX2(SB), NOSPLIT, $0-76
	MOVQ q0+0(FP), R8
	MOVQ q1+8(FP), R9
	MOVQ q2+16(FP), R10
	MOVQ q3+24(FP), R11
	MOVQ panel+32(FP), DI
	MOVQ bias+40(FP), SI
	MOVQ out+48(FP), DX
	MOVQ dim+56(FP), CX
	MOVQ np+64(FP), BX
	MOVQ BX, R12
	SHLQ $6, R12 // out row stride: np*16 floats
	LEAQ (R12)(R12*2), R13

rppanel:
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	XORQ AX, AX
	MOVQ CX, R14

rpdim:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	PSTEP((R8)(AX*1), Y4, Y5)
	PSTEP((R9)(AX*1), Y6, Y7)
	PSTEP((R10)(AX*1), Y8, Y9)
	PSTEP((R11)(AX*1), Y10, Y11)
	ADDQ $64, DI
	ADDQ $4, AX
	DECQ R14
	JNZ  rpdim

	VBROADCASTSS scale+72(FP), Y2
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VFMADD213PS Y0, Y2, Y4
	VFMADD213PS Y1, Y2, Y5
	VFMADD213PS Y0, Y2, Y6
	VFMADD213PS Y1, Y2, Y7
	VFMADD213PS Y0, Y2, Y8
	VFMADD213PS Y1, Y2, Y9
	VFMADD213PS Y0, Y2, Y10
	VFMADD213PS Y1, Y2, Y11
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	VMOVUPS Y6, (DX)(R12*1)
	VMOVUPS Y7, 32(DX)(R12*1)
	VMOVUPS Y8, (DX)(R12*2)
	VMOVUPS Y9, 32(DX)(R12*2)
	VMOVUPS Y10, (DX)(R13*1)
	VMOVUPS Y11, 32(DX)(R13*1)
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ BX
	JNZ  rppanel
	VZEROUPPER
	RET

// func argmin16AVX2(v *float32, n int) int
//
// Returns the first index of the smallest of the n values at v (n a
// positive multiple of 16): one pass takes the minimum, a second finds its
// first occurrence. With NaNs the minimum may not be found; then 0.
TEXT ·argmin16AVX2(SB), NOSPLIT, $0-24
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	MOVQ $16, AX

amloop:
	CMPQ AX, CX
	JAE  amreduce
	VMINPS (SI)(AX*4), Y0, Y0
	VMINPS 32(SI)(AX*4), Y1, Y1
	ADDQ $16, AX
	JMP  amloop

amreduce:
	VMINPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMINPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMINPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMINPS X1, X0, X0
	VBROADCASTSS X0, Y0
	XORQ AX, AX

amfind:
	VCMPPS $0, (SI)(AX*4), Y0, Y2
	VMOVMSKPS Y2, DX
	TESTL DX, DX
	JNZ  amfound
	ADDQ $8, AX
	CMPQ AX, CX
	JB   amfind
	MOVQ $0, ret+16(FP)
	VZEROUPPER
	RET

amfound:
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, ret+16(FP)
	VZEROUPPER
	RET
