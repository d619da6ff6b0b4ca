//go:build amd64 && !purego

#include "textflag.h"

// lanes16<> holds the int32 lane numbers 0..15, for column masks.
DATA lanes16<>+0(SB)/8, $0x0000000100000000
DATA lanes16<>+8(SB)/8, $0x0000000300000002
DATA lanes16<>+16(SB)/8, $0x0000000500000004
DATA lanes16<>+24(SB)/8, $0x0000000700000006
DATA lanes16<>+32(SB)/8, $0x0000000900000008
DATA lanes16<>+40(SB)/8, $0x0000000b0000000a
DATA lanes16<>+48(SB)/8, $0x0000000d0000000c
DATA lanes16<>+56(SB)/8, $0x0000000f0000000e
GLOBL lanes16<>(SB), RODATA|NOPTR, $64

// QSTEP multiplies the broadcast pair of one query (at addr) with both
// halves of the panel step (Y12, Y13) and adds the products to a and b.
#define QSTEP(addr, a, b) \
	VPBROADCASTD addr, Y14; \
	VPMADDWD Y12, Y14, Y15; \
	VPADDD Y15, a, a; \
	VPMADDWD Y13, Y14, Y15; \
	VPADDD Y15, b, b

// QOUT turns the dot products of one query (a: rows 0-7, b: rows 8-15)
// into |q|² + |x|² − 2⟨q, x⟩ as float32 and stores the masked columns.
#define QOUT(a, b) \
	VPBROADCASTD (R9), Y14; \
	VPADDD (R10), Y14, Y15; \
	VPSLLD $1, a, a; \
	VPSUBD a, Y15, a; \
	VCVTDQ2PS a, a; \
	VMASKMOVPS a, Y12, (DX); \
	VPADDD 32(R10), Y14, Y15; \
	VPSLLD $1, b, b; \
	VPSUBD b, Y15, b; \
	VCVTDQ2PS b, b; \
	VMASKMOVPS b, Y13, 32(DX); \
	ADDQ $4, R9; \
	ADDQ R11, DX

// func l2sqU8Tile6x16AVX2(q *int16, qstride int, rows *int16, pairs int, qn, xn *int32, out *float32, ostride, ncol int)
TEXT ·l2sqU8Tile6x16AVX2(SB), NOSPLIT, $0-72
	MOVQ q+0(FP), SI
	MOVQ qstride+8(FP), R8
	MOVQ rows+16(FP), DI
	MOVQ pairs+24(FP), CX
	MOVQ qn+32(FP), R9
	MOVQ xn+40(FP), R10
	MOVQ out+48(FP), DX
	MOVQ ostride+56(FP), R11
	SHLQ $2, R11
	LEAQ (SI)(R8*2), R12
	ADDQ R8, R12
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11

tilestep:
	VMOVDQU (DI), Y12
	VMOVDQU 32(DI), Y13
	QSTEP((SI), Y0, Y1)
	QSTEP((SI)(R8*1), Y2, Y3)
	QSTEP((SI)(R8*2), Y4, Y5)
	QSTEP((R12), Y6, Y7)
	QSTEP((R12)(R8*1), Y8, Y9)
	QSTEP((R12)(R8*2), Y10, Y11)
	ADDQ $64, DI
	ADDQ $4, SI
	ADDQ $4, R12
	DECQ CX
	JNZ  tilestep

	MOVQ ncol+64(FP), AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	LEAQ lanes16<>(SB), AX
	VPCMPGTD (AX), Y14, Y12
	VPCMPGTD 32(AX), Y14, Y13
	QOUT(Y0, Y1)
	QOUT(Y2, Y3)
	QOUT(Y4, Y5)
	QOUT(Y6, Y7)
	QOUT(Y8, Y9)
	QOUT(Y10, Y11)
	VZEROUPPER
	RET
