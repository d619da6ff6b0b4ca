//go:build amd64 && !purego

#include "textflag.h"

// AVX-512BW kernels for byte vectors. Bytes are widened to 16-bit words
// (VPMOVZXBW) and multiplied pairwise into 32-bit sums (VPMADDWD), so every
// result is exact. A dimension tail shorter than 32 is read with a
// zero-masking widening load (masked-off bytes never fault).

// TAILMASK32 sets K1 to the low (n & 31) bits, clobbering AX and CX.
#define TAILMASK32(n) \
	MOVQ n, CX; \
	ANDQ $31, CX; \
	MOVQ $1, AX; \
	SHLQ CX, AX; \
	DECQ AX; \
	KMOVD AX, K1

// SUM4I reduces four int32 accumulators a, b, c, d to [sum a, sum b,
// sum c, sum d] in the low 128 bits of a, clobbering t1 and t2.
#define SUM4I(a, b, c, d, t1, t2) \
	VPUNPCKLDQ b, a, t1; \
	VPUNPCKHDQ b, a, t2; \
	VPADDD t2, t1, a; \
	VPUNPCKLDQ d, c, t1; \
	VPUNPCKHDQ d, c, t2; \
	VPADDD t2, t1, c; \
	VPUNPCKLQDQ c, a, t1; \
	VPUNPCKHQDQ c, a, t2; \
	VPADDD t2, t1, a; \
	VSHUFI32X4 $0x4E, a, a, t1; \
	VPADDD t1, a, a; \
	VSHUFI32X4 $0xB1, a, a, t1; \
	VPADDD t1, a, a

// L2U8ROWS accumulates the squared differences of query words q and the
// row words in Z5..Z8 into Z0..Z3.
#define L2U8ROWS(q) \
	VPSUBW Z5, q, Z5; \
	VPSUBW Z6, q, Z6; \
	VPSUBW Z7, q, Z7; \
	VPSUBW Z8, q, Z8; \
	VPMADDWD Z5, Z5, Z5; \
	VPMADDWD Z6, Z6, Z6; \
	VPMADDWD Z7, Z7, Z7; \
	VPMADDWD Z8, Z8, Z8; \
	VPADDD Z5, Z0, Z0; \
	VPADDD Z6, Z1, Z1; \
	VPADDD Z7, Z2, Z2; \
	VPADDD Z8, Z3, Z3

// DOTU8ROW4 accumulates query words q times row words Z20..Z23 into a..d.
#define DOTU8ROW4(q, a, b, c, d) \
	VPMADDWD Z20, q, Z24; \
	VPMADDWD Z21, q, Z25; \
	VPMADDWD Z22, q, Z26; \
	VPMADDWD Z23, q, Z27; \
	VPADDD Z24, a, a; \
	VPADDD Z25, b, b; \
	VPADDD Z26, c, c; \
	VPADDD Z27, d, d

// DOTU8ROW4VNNI is DOTU8ROW4 with fused multiply-accumulate (AVX512_VNNI).
#define DOTU8ROW4VNNI(q, a, b, c, d) \
	VPDPWSSD Z20, q, a; \
	VPDPWSSD Z21, q, b; \
	VPDPWSSD Z22, q, c; \
	VPDPWSSD Z23, q, d

#define LOADU8TILE \
	VPMOVZXBW (R11), Z16; \
	VPMOVZXBW (R11)(R9*1), Z17; \
	VPMOVZXBW (R11)(R9*2), Z18; \
	VPMOVZXBW (R11)(R10*1), Z19; \
	VPMOVZXBW (R12), Z20; \
	VPMOVZXBW (R12)(R9*1), Z21; \
	VPMOVZXBW (R12)(R9*2), Z22; \
	VPMOVZXBW (R12)(R10*1), Z23

#define LOADU8TILEMASKED \
	VPMOVZXBW.Z (R11), K1, Z16; \
	VPMOVZXBW.Z (R11)(R9*1), K1, Z17; \
	VPMOVZXBW.Z (R11)(R9*2), K1, Z18; \
	VPMOVZXBW.Z (R11)(R10*1), K1, Z19; \
	VPMOVZXBW.Z (R12), K1, Z20; \
	VPMOVZXBW.Z (R12)(R9*1), K1, Z21; \
	VPMOVZXBW.Z (R12)(R9*2), K1, Z22; \
	VPMOVZXBW.Z (R12)(R10*1), K1, Z23

#define ZERO16I \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7; \
	VPXORD Z8, Z8, Z8; \
	VPXORD Z9, Z9, Z9; \
	VPXORD Z10, Z10, Z10; \
	VPXORD Z11, Z11, Z11; \
	VPXORD Z12, Z12, Z12; \
	VPXORD Z13, Z13, Z13; \
	VPXORD Z14, Z14, Z14; \
	VPXORD Z15, Z15, Z15

// func l2sqU8Batch4AVX512(q, rows *uint8, out *uint32, dim, n int)
TEXT ·l2sqU8Batch4AVX512(SB), NOSPLIT, $0-40
	MOVQ q+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ out+16(FP), DX
	MOVQ dim+24(FP), R8
	MOVQ n+32(FP), BX
	MOVQ R8, R9
	LEAQ (R9)(R9*2), R10
	TAILMASK32(R8)
	CMPQ BX, $4
	JB   u8bend

u8brow:
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $32
	JB   u8btail

u8bdim:
	VPMOVZXBW (R11), Z4
	VPMOVZXBW (R12), Z5
	VPMOVZXBW (R12)(R9*1), Z6
	VPMOVZXBW (R12)(R9*2), Z7
	VPMOVZXBW (R12)(R10*1), Z8
	L2U8ROWS(Z4)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $32, R13
	CMPQ R13, $32
	JAE  u8bdim

u8btail:
	TESTQ R13, R13
	JZ    u8bsum
	VPMOVZXBW.Z (R11), K1, Z4
	VPMOVZXBW.Z (R12), K1, Z5
	VPMOVZXBW.Z (R12)(R9*1), K1, Z6
	VPMOVZXBW.Z (R12)(R9*2), K1, Z7
	VPMOVZXBW.Z (R12)(R10*1), K1, Z8
	L2U8ROWS(Z4)

u8bsum:
	SUM4I(Z0, Z1, Z2, Z3, Z4, Z5)
	VMOVDQU32 X0, (DX)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  u8brow

u8bend:
	VZEROUPPER
	RET

// func dotU8Block4AVX512(q, rows *uint8, out *uint32, dim, n, ostride int)
TEXT ·dotU8Block4AVX512(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ out+16(FP), DX
	MOVQ dim+24(FP), R8
	MOVQ n+32(FP), BX
	MOVQ ostride+40(FP), R14
	SHLQ $2, R14
	MOVQ R8, R9
	LEAQ (R9)(R9*2), R10
	TAILMASK32(R8)
	CMPQ BX, $4
	JB   u8kend

u8krow:
	ZERO16I
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $32
	JB   u8ktail

u8kdim:
	LOADU8TILE
	DOTU8ROW4(Z16, Z0, Z1, Z2, Z3)
	DOTU8ROW4(Z17, Z4, Z5, Z6, Z7)
	DOTU8ROW4(Z18, Z8, Z9, Z10, Z11)
	DOTU8ROW4(Z19, Z12, Z13, Z14, Z15)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $32, R13
	CMPQ R13, $32
	JAE  u8kdim

u8ktail:
	TESTQ R13, R13
	JZ    u8ksum
	LOADU8TILEMASKED
	DOTU8ROW4(Z16, Z0, Z1, Z2, Z3)
	DOTU8ROW4(Z17, Z4, Z5, Z6, Z7)
	DOTU8ROW4(Z18, Z8, Z9, Z10, Z11)
	DOTU8ROW4(Z19, Z12, Z13, Z14, Z15)

u8ksum:
	SUM4I(Z0, Z1, Z2, Z3, Z24, Z25)
	SUM4I(Z4, Z5, Z6, Z7, Z24, Z25)
	SUM4I(Z8, Z9, Z10, Z11, Z24, Z25)
	SUM4I(Z12, Z13, Z14, Z15, Z24, Z25)
	VMOVDQU32 X0, (DX)
	VMOVDQU32 X4, (DX)(R14*1)
	VMOVDQU32 X8, (DX)(R14*2)
	LEAQ (DX)(R14*2), AX
	VMOVDQU32 X12, (AX)(R14*1)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  u8krow

u8kend:
	VZEROUPPER
	RET

// func dotU8Block4VNNI(q, rows *uint8, out *uint32, dim, n, ostride int)
TEXT ·dotU8Block4VNNI(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ out+16(FP), DX
	MOVQ dim+24(FP), R8
	MOVQ n+32(FP), BX
	MOVQ ostride+40(FP), R14
	SHLQ $2, R14
	MOVQ R8, R9
	LEAQ (R9)(R9*2), R10
	TAILMASK32(R8)
	CMPQ BX, $4
	JB   u8vend

u8vrow:
	ZERO16I
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $32
	JB   u8vtail

u8vdim:
	LOADU8TILE
	DOTU8ROW4VNNI(Z16, Z0, Z1, Z2, Z3)
	DOTU8ROW4VNNI(Z17, Z4, Z5, Z6, Z7)
	DOTU8ROW4VNNI(Z18, Z8, Z9, Z10, Z11)
	DOTU8ROW4VNNI(Z19, Z12, Z13, Z14, Z15)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $32, R13
	CMPQ R13, $32
	JAE  u8vdim

u8vtail:
	TESTQ R13, R13
	JZ    u8vsum
	LOADU8TILEMASKED
	DOTU8ROW4VNNI(Z16, Z0, Z1, Z2, Z3)
	DOTU8ROW4VNNI(Z17, Z4, Z5, Z6, Z7)
	DOTU8ROW4VNNI(Z18, Z8, Z9, Z10, Z11)
	DOTU8ROW4VNNI(Z19, Z12, Z13, Z14, Z15)

u8vsum:
	SUM4I(Z0, Z1, Z2, Z3, Z24, Z25)
	SUM4I(Z4, Z5, Z6, Z7, Z24, Z25)
	SUM4I(Z8, Z9, Z10, Z11, Z24, Z25)
	SUM4I(Z12, Z13, Z14, Z15, Z24, Z25)
	VMOVDQU32 X0, (DX)
	VMOVDQU32 X4, (DX)(R14*1)
	VMOVDQU32 X8, (DX)(R14*2)
	LEAQ (DX)(R14*2), AX
	VMOVDQU32 X12, (AX)(R14*1)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  u8vrow

u8vend:
	VZEROUPPER
	RET
