//go:build amd64 && !purego

#include "textflag.h"

// TAILMASK sets K1 to the low (n & 15) bits, clobbering AX and CX.
#define TAILMASK(n) \
	MOVQ n, CX; \
	ANDQ $15, CX; \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1

// HSUM16 adds the 16 lanes of Z0 into the low lane of X0, clobbering Z1.
#define HSUM16 \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPS Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VMOVHLPS X0, X0, X1; \
	VADDPS X1, X0, X0; \
	VMOVSHDUP X0, X1; \
	VADDSS X1, X0, X0

// SUM4 reduces four accumulators a, b, c, d to [sum a, sum b, sum c, sum d]
// in the low 128 bits of a, using only 512-bit AVX-512F operations and
// clobbering t1 and t2.
#define SUM4(a, b, c, d, t1, t2) \
	VUNPCKLPS b, a, t1; \
	VUNPCKHPS b, a, t2; \
	VADDPS t2, t1, a; \
	VUNPCKLPS d, c, t1; \
	VUNPCKHPS d, c, t2; \
	VADDPS t2, t1, c; \
	VUNPCKLPD c, a, t1; \
	VUNPCKHPD c, a, t2; \
	VADDPS t2, t1, a; \
	VSHUFF32X4 $0x4E, a, a, t1; \
	VADDPS t1, a, a; \
	VSHUFF32X4 $0xB1, a, a, t1; \
	VADDPS t1, a, a

// BATCHSETUP loads the arguments of a batch kernel:
// SI query, DI rows, DX out, R8 dim, BX rows left, R9 row bytes,
// R10 3*row bytes, K1 tail mask.
#define BATCHSETUP \
	MOVQ q+0(FP), SI; \
	MOVQ rows+8(FP), DI; \
	MOVQ out+16(FP), DX; \
	MOVQ dim+24(FP), R8; \
	MOVQ n+32(FP), BX; \
	MOVQ R8, R9; \
	SHLQ $2, R9; \
	LEAQ (R9)(R9*2), R10; \
	TAILMASK(R8)

// BLOCKSETUP loads the arguments of a block kernel:
// SI queries, DI rows, DX out, R8 dim, BX rows left, R9 row bytes,
// R10 3*row bytes, R14 out stride bytes, K1 tail mask.
#define BLOCKSETUP \
	MOVQ q+0(FP), SI; \
	MOVQ rows+8(FP), DI; \
	MOVQ out+16(FP), DX; \
	MOVQ dim+24(FP), R8; \
	MOVQ n+32(FP), BX; \
	MOVQ ostride+40(FP), R14; \
	SHLQ $2, R14; \
	MOVQ R8, R9; \
	SHLQ $2, R9; \
	LEAQ (R9)(R9*2), R10; \
	TAILMASK(R8)

#define ZERO16 \
	VXORPS Z0, Z0, Z0; \
	VXORPS Z1, Z1, Z1; \
	VXORPS Z2, Z2, Z2; \
	VXORPS Z3, Z3, Z3; \
	VXORPS Z4, Z4, Z4; \
	VXORPS Z5, Z5, Z5; \
	VXORPS Z6, Z6, Z6; \
	VXORPS Z7, Z7, Z7; \
	VXORPS Z8, Z8, Z8; \
	VXORPS Z9, Z9, Z9; \
	VXORPS Z10, Z10, Z10; \
	VXORPS Z11, Z11, Z11; \
	VXORPS Z12, Z12, Z12; \
	VXORPS Z13, Z13, Z13; \
	VXORPS Z14, Z14, Z14; \
	VXORPS Z15, Z15, Z15

// L2ROW4 accumulates (q - r0..r3)^2 for one query vector q into a..d.
#define L2ROW4(q, a, b, c, d) \
	VSUBPS Z20, q, Z24; \
	VSUBPS Z21, q, Z25; \
	VSUBPS Z22, q, Z26; \
	VSUBPS Z23, q, Z27; \
	VFMADD231PS Z24, Z24, a; \
	VFMADD231PS Z25, Z25, b; \
	VFMADD231PS Z26, Z26, c; \
	VFMADD231PS Z27, Z27, d

#define DOTROW4(q, a, b, c, d) \
	VFMADD231PS Z20, q, a; \
	VFMADD231PS Z21, q, b; \
	VFMADD231PS Z22, q, c; \
	VFMADD231PS Z23, q, d

#define LOADTILE \
	VMOVUPS (R11), Z16; \
	VMOVUPS (R11)(R9*1), Z17; \
	VMOVUPS (R11)(R9*2), Z18; \
	VMOVUPS (R11)(R10*1), Z19; \
	VMOVUPS (R12), Z20; \
	VMOVUPS (R12)(R9*1), Z21; \
	VMOVUPS (R12)(R9*2), Z22; \
	VMOVUPS (R12)(R10*1), Z23

#define LOADTILEMASKED \
	VMOVUPS.Z (R11), K1, Z16; \
	VMOVUPS.Z (R11)(R9*1), K1, Z17; \
	VMOVUPS.Z (R11)(R9*2), K1, Z18; \
	VMOVUPS.Z (R11)(R10*1), K1, Z19; \
	VMOVUPS.Z (R12), K1, Z20; \
	VMOVUPS.Z (R12)(R9*1), K1, Z21; \
	VMOVUPS.Z (R12)(R9*2), K1, Z22; \
	VMOVUPS.Z (R12)(R10*1), K1, Z23

#define STORETILE \
	SUM4(Z0, Z1, Z2, Z3, Z24, Z25); \
	SUM4(Z4, Z5, Z6, Z7, Z24, Z25); \
	SUM4(Z8, Z9, Z10, Z11, Z24, Z25); \
	SUM4(Z12, Z13, Z14, Z15, Z24, Z25); \
	VMOVUPS X0, (DX); \
	VMOVUPS X4, (DX)(R14*1); \
	VMOVUPS X8, (DX)(R14*2); \
	LEAQ (DX)(R14*2), AX; \
	VMOVUPS X12, (AX)(R14*1)

// AVX-512F kernels. Lengths are in elements; a dimension tail shorter than
// 16 is read with a zero-masking load (masked-off lanes never fault), so no
// kernel reads outside its slices.

// func l2sqAVX512(a, b []float32) float32
TEXT ·l2sqAVX512(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), DX
	MOVQ b_base+24(FP), DI
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	CMPQ DX, $64
	JB   l2s16

l2s64:
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VSUBPS  (DI), Z4, Z4
	VSUBPS  64(DI), Z5, Z5
	VSUBPS  128(DI), Z6, Z6
	VSUBPS  192(DI), Z7, Z7
	VFMADD231PS Z4, Z4, Z0
	VFMADD231PS Z5, Z5, Z1
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z7, Z7, Z3
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, DX
	CMPQ DX, $64
	JAE  l2s64

l2s16:
	CMPQ DX, $16
	JB   l2stail

l2s16loop:
	VMOVUPS (SI), Z4
	VSUBPS  (DI), Z4, Z4
	VFMADD231PS Z4, Z4, Z1
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, DX
	CMPQ DX, $16
	JAE  l2s16loop

l2stail:
	TESTQ DX, DX
	JZ    l2sdone
	TAILMASK(DX)
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DI), K1, Z5
	VSUBPS Z5, Z4, Z4
	VFMADD231PS Z4, Z4, Z2

l2sdone:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM16
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func dotAVX512(a, b []float32) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), DX
	MOVQ b_base+24(FP), DI
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	CMPQ DX, $64
	JB   dot16

dot64:
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VFMADD231PS (DI), Z4, Z0
	VFMADD231PS 64(DI), Z5, Z1
	VFMADD231PS 128(DI), Z6, Z2
	VFMADD231PS 192(DI), Z7, Z3
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, DX
	CMPQ DX, $64
	JAE  dot64

dot16:
	CMPQ DX, $16
	JB   dottail

dot16loop:
	VMOVUPS (SI), Z4
	VFMADD231PS (DI), Z4, Z1
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, DX
	CMPQ DX, $16
	JAE  dot16loop

dottail:
	TESTQ DX, DX
	JZ    dotdone
	TAILMASK(DX)
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DI), K1, Z5
	VFMADD231PS Z5, Z4, Z2

dotdone:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM16
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// Batch kernels: one query against n rows (n a multiple of 4) stored
// contiguously with dim elements per row, four rows per step so the query
// is loaded once for four rows.

// func l2sqBatch4AVX512(q, rows, out *float32, dim, n int)
TEXT ·l2sqBatch4AVX512(SB), NOSPLIT, $0-40
	BATCHSETUP
	CMPQ BX, $4
	JB   l2bend

l2brow:
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $16
	JB   l2btail

l2bdim:
	VMOVUPS (R11), Z4
	VSUBPS  (R12), Z4, Z5
	VSUBPS  (R12)(R9*1), Z4, Z6
	VSUBPS  (R12)(R9*2), Z4, Z7
	VSUBPS  (R12)(R10*1), Z4, Z8
	VFMADD231PS Z5, Z5, Z0
	VFMADD231PS Z6, Z6, Z1
	VFMADD231PS Z7, Z7, Z2
	VFMADD231PS Z8, Z8, Z3
	ADDQ $64, R11
	ADDQ $64, R12
	SUBQ $16, R13
	CMPQ R13, $16
	JAE  l2bdim

l2btail:
	TESTQ R13, R13
	JZ    l2bsum
	VMOVUPS.Z (R11), K1, Z4
	VMOVUPS.Z (R12), K1, Z5
	VMOVUPS.Z (R12)(R9*1), K1, Z6
	VMOVUPS.Z (R12)(R9*2), K1, Z7
	VMOVUPS.Z (R12)(R10*1), K1, Z8
	VSUBPS Z5, Z4, Z5
	VSUBPS Z6, Z4, Z6
	VSUBPS Z7, Z4, Z7
	VSUBPS Z8, Z4, Z8
	VFMADD231PS Z5, Z5, Z0
	VFMADD231PS Z6, Z6, Z1
	VFMADD231PS Z7, Z7, Z2
	VFMADD231PS Z8, Z8, Z3

l2bsum:
	SUM4(Z0, Z1, Z2, Z3, Z4, Z5)
	VMOVUPS X0, (DX)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  l2brow

l2bend:
	VZEROUPPER
	RET

// func dotBatch4AVX512(q, rows, out *float32, dim, n int)
TEXT ·dotBatch4AVX512(SB), NOSPLIT, $0-40
	BATCHSETUP
	CMPQ BX, $4
	JB   dbend

dbrow:
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $16
	JB   dbtail

dbdim:
	VMOVUPS (R11), Z4
	VFMADD231PS (R12), Z4, Z0
	VFMADD231PS (R12)(R9*1), Z4, Z1
	VFMADD231PS (R12)(R9*2), Z4, Z2
	VFMADD231PS (R12)(R10*1), Z4, Z3
	ADDQ $64, R11
	ADDQ $64, R12
	SUBQ $16, R13
	CMPQ R13, $16
	JAE  dbdim

dbtail:
	TESTQ R13, R13
	JZ    dbsum
	VMOVUPS.Z (R11), K1, Z4
	VMOVUPS.Z (R12), K1, Z5
	VMOVUPS.Z (R12)(R9*1), K1, Z6
	VMOVUPS.Z (R12)(R9*2), K1, Z7
	VMOVUPS.Z (R12)(R10*1), K1, Z8
	VFMADD231PS Z5, Z4, Z0
	VFMADD231PS Z6, Z4, Z1
	VFMADD231PS Z7, Z4, Z2
	VFMADD231PS Z8, Z4, Z3

dbsum:
	SUM4(Z0, Z1, Z2, Z3, Z4, Z5)
	VMOVUPS X0, (DX)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  dbrow

dbend:
	VZEROUPPER
	RET

// Block kernels: four queries (contiguous, dim elements each) against n
// rows (n a multiple of 4, contiguous), writing out[i*ostride+j]. Each step
// computes a 4x4 tile with 16 accumulators, so every loaded vector is used
// four times.

// func l2sqBlock4AVX512(q, rows, out *float32, dim, n, ostride int)
TEXT ·l2sqBlock4AVX512(SB), NOSPLIT, $0-48
	BLOCKSETUP
	CMPQ BX, $4
	JB   l2kend

l2krow:
	ZERO16
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $16
	JB   l2ktail

l2kdim:
	LOADTILE
	L2ROW4(Z16, Z0, Z1, Z2, Z3)
	L2ROW4(Z17, Z4, Z5, Z6, Z7)
	L2ROW4(Z18, Z8, Z9, Z10, Z11)
	L2ROW4(Z19, Z12, Z13, Z14, Z15)
	ADDQ $64, R11
	ADDQ $64, R12
	SUBQ $16, R13
	CMPQ R13, $16
	JAE  l2kdim

l2ktail:
	TESTQ R13, R13
	JZ    l2ksum
	LOADTILEMASKED
	L2ROW4(Z16, Z0, Z1, Z2, Z3)
	L2ROW4(Z17, Z4, Z5, Z6, Z7)
	L2ROW4(Z18, Z8, Z9, Z10, Z11)
	L2ROW4(Z19, Z12, Z13, Z14, Z15)

l2ksum:
	STORETILE
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  l2krow

l2kend:
	VZEROUPPER
	RET

// func dotBlock4AVX512(q, rows, out *float32, dim, n, ostride int)
TEXT ·dotBlock4AVX512(SB), NOSPLIT, $0-48
	BLOCKSETUP
	CMPQ BX, $4
	JB   dkend

dkrow:
	ZERO16
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $16
	JB   dktail

dkdim:
	LOADTILE
	DOTROW4(Z16, Z0, Z1, Z2, Z3)
	DOTROW4(Z17, Z4, Z5, Z6, Z7)
	DOTROW4(Z18, Z8, Z9, Z10, Z11)
	DOTROW4(Z19, Z12, Z13, Z14, Z15)
	ADDQ $64, R11
	ADDQ $64, R12
	SUBQ $16, R13
	CMPQ R13, $16
	JAE  dkdim

dktail:
	TESTQ R13, R13
	JZ    dksum
	LOADTILEMASKED
	DOTROW4(Z16, Z0, Z1, Z2, Z3)
	DOTROW4(Z17, Z4, Z5, Z6, Z7)
	DOTROW4(Z18, Z8, Z9, Z10, Z11)
	DOTROW4(Z19, Z12, Z13, Z14, Z15)

dksum:
	STORETILE
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  dkrow

dkend:
	VZEROUPPER
	RET
