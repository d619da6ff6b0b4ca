//go:build amd64 && !purego

#include "textflag.h"

// TAILMASKY loads into ym the mask for the low (n & 7) lanes, clobbering
// AX and CX.
#define TAILMASKY(n, ym) \
	MOVQ n, CX; \
	ANDQ $7, CX; \
	NEGQ CX; \
	ADDQ $8, CX; \
	LEAQ tailmask<>(SB), AX; \
	VMOVDQU (AX)(CX*4), ym

// HSUM8 adds the 8 lanes of Y0 into the low lane of X0, clobbering Y1.
#define HSUM8 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VMOVHLPS X0, X0, X1; \
	VADDPS X1, X0, X0; \
	VMOVSHDUP X0, X1; \
	VADDSS X1, X0, X0

// SUM4Y reduces four accumulators a, b, c, d to [sum a, sum b, sum c,
// sum d] in ax (the low half of a), clobbering t1 and t2.
#define SUM4Y(a, b, c, d, t1, t2, ax, t1x) \
	VUNPCKLPS b, a, t1; \
	VUNPCKHPS b, a, t2; \
	VADDPS t2, t1, a; \
	VUNPCKLPS d, c, t1; \
	VUNPCKHPS d, c, t2; \
	VADDPS t2, t1, c; \
	VUNPCKLPD c, a, t1; \
	VUNPCKHPD c, a, t2; \
	VADDPS t2, t1, a; \
	VEXTRACTF128 $1, a, t1x; \
	VADDPS t1x, ax, ax

// BATCHSETUPY loads the arguments of a batch kernel:
// SI query, DI rows, DX out, R8 dim, BX rows left, R9 row bytes,
// R10 3*row bytes, Y15 tail mask.
#define BATCHSETUPY \
	MOVQ q+0(FP), SI; \
	MOVQ rows+8(FP), DI; \
	MOVQ out+16(FP), DX; \
	MOVQ dim+24(FP), R8; \
	MOVQ n+32(FP), BX; \
	MOVQ R8, R9; \
	SHLQ $2, R9; \
	LEAQ (R9)(R9*2), R10; \
	TAILMASKY(R8, Y15)

// BLOCKSETUPY loads the arguments of a block kernel:
// SI queries, DI rows, DX out, R8 dim, BX rows left, R9 row bytes,
// R10 3*row bytes, R14 out stride bytes.
#define BLOCKSETUPY \
	MOVQ q+0(FP), SI; \
	MOVQ rows+8(FP), DI; \
	MOVQ out+16(FP), DX; \
	MOVQ dim+24(FP), R8; \
	MOVQ n+32(FP), BX; \
	MOVQ ostride+40(FP), R14; \
	SHLQ $2, R14; \
	MOVQ R8, R9; \
	SHLQ $2, R9; \
	LEAQ (R9)(R9*2), R10

#define ZERO8 \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; \
	VXORPS Y5, Y5, Y5; \
	VXORPS Y6, Y6, Y6; \
	VXORPS Y7, Y7, Y7

// L2ROW4Y accumulates (q - r0..r3)^2 (rows in Y10..Y13) into a..d.
#define L2ROW4Y(q, a, b, c, d) \
	VSUBPS Y10, q, Y14; \
	VSUBPS Y11, q, Y15; \
	VFMADD231PS Y14, Y14, a; \
	VFMADD231PS Y15, Y15, b; \
	VSUBPS Y12, q, Y14; \
	VSUBPS Y13, q, Y15; \
	VFMADD231PS Y14, Y14, c; \
	VFMADD231PS Y15, Y15, d

#define DOTROW4Y(q, a, b, c, d) \
	VFMADD231PS Y10, q, a; \
	VFMADD231PS Y11, q, b; \
	VFMADD231PS Y12, q, c; \
	VFMADD231PS Y13, q, d

#define LOADTILEY \
	VMOVUPS (R11), Y8; \
	VMOVUPS (R11)(R9*1), Y9; \
	VMOVUPS (R12), Y10; \
	VMOVUPS (R12)(R9*1), Y11; \
	VMOVUPS (R12)(R9*2), Y12; \
	VMOVUPS (R12)(R10*1), Y13

#define LOADTILEMASKEDY \
	TAILMASKY(R8, Y15); \
	VMASKMOVPS (R11), Y15, Y8; \
	VMASKMOVPS (R11)(R9*1), Y15, Y9; \
	VMASKMOVPS (R12), Y15, Y10; \
	VMASKMOVPS (R12)(R9*1), Y15, Y11; \
	VMASKMOVPS (R12)(R9*2), Y15, Y12; \
	VMASKMOVPS (R12)(R10*1), Y15, Y13

#define STORETILEY \
	SUM4Y(Y0, Y1, Y2, Y3, Y14, Y15, X0, X14); \
	SUM4Y(Y4, Y5, Y6, Y7, Y14, Y15, X4, X14); \
	VMOVUPS X0, (DX); \
	VMOVUPS X4, (DX)(R14*1)

// Gather kernels: one query against rows scattered through memory (the
// neighbours of a graph node), three rows side by side, so their cache
// misses are in flight together instead of one row's after another's.
// Each row keeps the four accumulators of the pair kernel and adds into
// them in the pair kernel's order, so every distance has exactly the bits
// l2sqAVX2 or dotAVX2 would give it. While it reads a group of three rows
// a kernel prefetches the same offsets of the next group's rows.
//
// Registers: SI query, BX data, AX the next id, CX ids left, DI out, R11
// R12 R13 this group's rows, R8 R10 R14 the next group's, DX elements left
// and R9 byte offset within the rows. The frame holds the tail lane mask at
// 0(SP), the last group's three sums at 32(SP) and out at 48(SP).

// GATHERSETUPY loads the arguments of a gather kernel and stores the tail
// lane mask of dim at 0(SP) (TAILMASKY clobbers AX and CX, so it runs
// first).
#define GATHERSETUPY \
	MOVQ dim+40(FP), DX; \
	TAILMASKY(DX, Y15); \
	VMOVDQU Y15, 0(SP); \
	MOVQ q+0(FP), SI; \
	MOVQ data+8(FP), BX; \
	MOVQ ids+24(FP), AX; \
	MOVQ n+32(FP), CX; \
	MOVQ out+56(FP), DI

// GATHERROW loads the row of the id at off(AX) into r, or jumps to bad
// when that id is not below limit.
#define GATHERROW(off, r) \
	MOVL off(AX), r; \
	CMPQ r, limit+48(FP); \
	JAE  bad; \
	IMULQ strideb+16(FP), r; \
	ADDQ BX, r

// GATHERNEXT points r at the row of id min(k, CX-1) counted from AX, for
// prefetching only (an id past the data makes a harmless address), using
// DX, which the group has not yet set.
#define GATHERNEXT(k, r) \
	MOVQ $k, r; \
	CMPQ r, DX; \
	CMOVQGT DX, r; \
	MOVL (AX)(r*4), r; \
	IMULQ strideb+16(FP), r; \
	ADDQ BX, r

// GATHERNEXT3 points R8 R10 R14 at the rows of the three ids after this
// group (the last id repeated near the end).
#define GATHERNEXT3 \
	LEAQ -1(CX), DX; \
	GATHERNEXT(3, R8); \
	GATHERNEXT(4, R10); \
	GATHERNEXT(5, R14)

// GATHERZEROY starts a group: DX elements left, R9 offset 0, Y0-Y11 zero.
#define GATHERZEROY \
	MOVQ dim+40(FP), DX; \
	XORQ R9, R9; \
	ZERO8; \
	VXORPS Y8, Y8, Y8; \
	VXORPS Y9, Y9, Y9; \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11

// L2ROWS3Y adds (q - row)^2 at byte offset off into accumulator j of each
// row: a, b, c.
#define L2ROWS3Y(off, a, b, c) \
	VMOVUPS off(SI)(R9*1), Y12; \
	VSUBPS off(R11)(R9*1), Y12, Y13; \
	VFMADD231PS Y13, Y13, a; \
	VSUBPS off(R12)(R9*1), Y12, Y13; \
	VFMADD231PS Y13, Y13, b; \
	VSUBPS off(R13)(R9*1), Y12, Y13; \
	VFMADD231PS Y13, Y13, c

// DOTROWS3Y adds q * row at byte offset off into a, b, c.
#define DOTROWS3Y(off, a, b, c) \
	VMOVUPS off(SI)(R9*1), Y12; \
	VFMADD231PS off(R11)(R9*1), Y12, a; \
	VFMADD231PS off(R12)(R9*1), Y12, b; \
	VFMADD231PS off(R13)(R9*1), Y12, c

// ROWSPREFETCH asks for the two cache lines at the current offset of each
// of the next three rows (R8, R10, R14).
#define ROWSPREFETCH \
	PREFETCHT0 (R8)(R9*1); \
	PREFETCHT0 64(R8)(R9*1); \
	PREFETCHT0 (R10)(R9*1); \
	PREFETCHT0 64(R10)(R9*1); \
	PREFETCHT0 (R14)(R9*1); \
	PREFETCHT0 64(R14)(R9*1)

// ROWSTAILMASKY loads the masked tails of the query into Y12 and of the
// rows into Y13, Y14 and Y15 (the mask itself is read into Y15 first).
#define ROWSTAILMASKY \
	VMOVDQU 0(SP), Y15; \
	VMASKMOVPS (SI)(R9*1), Y15, Y12; \
	VMASKMOVPS (R11)(R9*1), Y15, Y13; \
	VMASKMOVPS (R12)(R9*1), Y15, Y14; \
	VMASKMOVPS (R13)(R9*1), Y15, Y15

// ROWSUMY reduces one row's accumulators a..d as the pair kernel does and
// stores the sum at off(DI), clobbering t.
#define ROWSUMY(a, b, c, d, ax, t, tx, off) \
	VADDPS b, a, a; \
	VADDPS d, c, c; \
	VADDPS c, a, a; \
	VEXTRACTF128 $1, a, tx; \
	VADDPS tx, ax, ax; \
	VMOVHLPS ax, ax, tx; \
	VADDPS tx, ax, ax; \
	VMOVSHDUP ax, tx; \
	VADDSS tx, ax, ax; \
	VMOVSS ax, off(DI)

// ROWSSUMY stores the three rows' sums at DI.
#define ROWSSUMY \
	ROWSUMY(Y0, Y1, Y2, Y3, X0, Y12, X12, 0); \
	ROWSUMY(Y4, Y5, Y6, Y7, X4, Y12, X12, 4); \
	ROWSUMY(Y8, Y9, Y10, Y11, X8, Y12, X12, 8)

// GATHERLAST sets up the last group of one or two ids (CX of them): rows
// R11 R12 R13 = ids 0, min(1, CX-1), min(1, CX-1); the next rows are the
// same rows; the sums go to 32(SP), out is kept at 48(SP).
#define GATHERLAST \
	GATHERROW(0, R11); \
	LEAQ -1(CX), DX; \
	MOVQ DX, R12; \
	MOVL (AX)(R12*4), R12; \
	CMPQ R12, limit+48(FP); \
	JAE  bad; \
	IMULQ strideb+16(FP), R12; \
	ADDQ BX, R12; \
	MOVQ R12, R13; \
	MOVQ R11, R8; \
	MOVQ R12, R10; \
	MOVQ R12, R14; \
	MOVQ DI, 48(SP); \
	LEAQ 32(SP), DI

// GATHERSTORELAST copies the last group's one or two sums to out and
// advances AX past its ids.
#define GATHERSTORELAST \
	MOVQ 48(SP), DI; \
	VMOVSS 32(SP), X0; \
	VMOVSS X0, (DI); \
	CMPQ CX, $2; \
	JB   storedlast; \
	VMOVSS 36(SP), X0; \
	VMOVSS X0, 4(DI); \
storedlast: \
	LEAQ (AX)(CX*4), AX

// L2STEP4Y adds the squared differences of 8 elements at byte offset off
// of the query (R11) and of four rows (R12 + 0..3 row bytes) to Y0..Y3.
#define L2STEP4Y(off) \
	VMOVUPS off(R11), Y4; \
	VSUBPS  off(R12), Y4, Y5; \
	VSUBPS  off(R12)(R9*1), Y4, Y6; \
	VSUBPS  off(R12)(R9*2), Y4, Y7; \
	VSUBPS  off(R12)(R10*1), Y4, Y8; \
	VFMADD231PS Y5, Y5, Y0; \
	VFMADD231PS Y6, Y6, Y1; \
	VFMADD231PS Y7, Y7, Y2; \
	VFMADD231PS Y8, Y8, Y3

// L2TAIL4Y is L2STEP4Y for the last r < 8 elements, read through the
// lane mask in Y15.
#define L2TAIL4Y \
	VMASKMOVPS (R11), Y15, Y4; \
	VMASKMOVPS (R12), Y15, Y5; \
	VMASKMOVPS (R12)(R9*1), Y15, Y6; \
	VMASKMOVPS (R12)(R9*2), Y15, Y7; \
	VMASKMOVPS (R12)(R10*1), Y15, Y8; \
	VSUBPS Y5, Y4, Y5; \
	VSUBPS Y6, Y4, Y6; \
	VSUBPS Y7, Y4, Y7; \
	VSUBPS Y8, Y4, Y8; \
	VFMADD231PS Y5, Y5, Y0; \
	VFMADD231PS Y6, Y6, Y1; \
	VFMADD231PS Y7, Y7, Y2; \
	VFMADD231PS Y8, Y8, Y3

// AVX2+FMA kernels. A dimension tail shorter than 8 is read with VMASKMOVPS
// (masked-off lanes never fault), so no kernel reads outside its slices.

// tailmask<> holds eight all-ones lanes followed by eight zero lanes; the
// eight lanes starting at lane 8-r have exactly the first r lanes set.
DATA tailmask<>+0(SB)/8, $0xffffffffffffffff
DATA tailmask<>+8(SB)/8, $0xffffffffffffffff
DATA tailmask<>+16(SB)/8, $0xffffffffffffffff
DATA tailmask<>+24(SB)/8, $0xffffffffffffffff
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// func l2sqAVX2(a, b []float32) float32
TEXT ·l2sqAVX2(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), DX
	MOVQ b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ DX, $32
	JB   l2s8

l2s32:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VSUBPS  (DI), Y4, Y4
	VSUBPS  32(DI), Y5, Y5
	VSUBPS  64(DI), Y6, Y6
	VSUBPS  96(DI), Y7, Y7
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, DX
	CMPQ DX, $32
	JAE  l2s32

l2s8:
	CMPQ DX, $8
	JB   l2stail

l2s8loop:
	VMOVUPS (SI), Y4
	VSUBPS  (DI), Y4, Y4
	VFMADD231PS Y4, Y4, Y1
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, DX
	CMPQ DX, $8
	JAE  l2s8loop

l2stail:
	TESTQ DX, DX
	JZ    l2sdone
	TAILMASKY(DX, Y6)
	VMASKMOVPS (SI), Y6, Y4
	VMASKMOVPS (DI), Y6, Y5
	VSUBPS Y5, Y4, Y4
	VFMADD231PS Y4, Y4, Y2

l2sdone:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM8
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func dotAVX2(a, b []float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), DX
	MOVQ b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ DX, $32
	JB   dot8

dot32:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, DX
	CMPQ DX, $32
	JAE  dot32

dot8:
	CMPQ DX, $8
	JB   dottail

dot8loop:
	VMOVUPS (SI), Y4
	VFMADD231PS (DI), Y4, Y1
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, DX
	CMPQ DX, $8
	JAE  dot8loop

dottail:
	TESTQ DX, DX
	JZ    dotdone
	TAILMASKY(DX, Y6)
	VMASKMOVPS (SI), Y6, Y4
	VMASKMOVPS (DI), Y6, Y5
	VFMADD231PS Y5, Y4, Y2

dotdone:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM8
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func l2sqBatch4AVX2(q, rows, out *float32, dim, n int)
TEXT ·l2sqBatch4AVX2(SB), NOSPLIT, $0-40
	BATCHSETUPY
	CMPQ BX, $4
	JB   l2bend

l2brow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $8
	JB   l2btail

l2bdim:
	L2STEP4Y(0)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, R13
	CMPQ R13, $8
	JAE  l2bdim

l2btail:
	TESTQ R13, R13
	JZ    l2bsum
	L2TAIL4Y

l2bsum:
	SUM4Y(Y0, Y1, Y2, Y3, Y4, Y5, X0, X4)
	VMOVUPS X0, (DX)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  l2brow

l2bend:
	VZEROUPPER
	RET

// func l2sqBatch4BoundAVX2(q, rows, out *float32, dim, n int, bound float32)
//
// l2sqBatch4AVX2 for a top-k scan: the same accumulator per row, added to
// in the same order, but every 32 elements the four partial sums are
// reduced exactly as the final sums are and compared with bound. Every
// step only adds a square to each lane, and the reduction is monotone, so a
// partial sum never exceeds the final one: when all four reach bound the
// group is abandoned and the partial sums are written instead. Rows that
// stay below bound get the bits l2sqBatch4AVX2 gives them. While a group is
// read, the same line of the next group is prefetched, so the next group's
// misses overlap this group's arithmetic and only the part of the rows the
// scan actually reads is fetched ahead.
TEXT ·l2sqBatch4BoundAVX2(SB), NOSPLIT, $0-44
	BATCHSETUPY
	VBROADCASTSS bound+40(FP), Y14
	CMPQ BX, $4
	JB   l2xend

l2xrow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ SI, R11
	MOVQ DI, R12
	LEAQ (DI)(R9*4), R14
	MOVQ R8, R13
	CMPQ R13, $32
	JB   l2xdim8

l2xdim32:
	PREFETCHT0 (R14)
	PREFETCHT0 (R14)(R9*1)
	PREFETCHT0 (R14)(R9*2)
	PREFETCHT0 (R14)(R10*1)
	L2STEP4Y(0)
	L2STEP4Y(32)
	PREFETCHT0 64(R14)
	PREFETCHT0 64(R14)(R9*1)
	PREFETCHT0 64(R14)(R9*2)
	PREFETCHT0 64(R14)(R10*1)
	L2STEP4Y(64)
	L2STEP4Y(96)
	ADDQ $128, R11
	ADDQ $128, R12
	ADDQ $128, R14
	SUBQ $32, R13
	JZ   l2xsum
	// Abandon the group when all four partial sums reach bound.
	VMOVAPS Y0, Y9
	VMOVAPS Y2, Y10
	SUM4Y(Y9, Y1, Y10, Y3, Y11, Y12, X9, X11)
	VCMPPS $0x1d, X14, X9, X10
	VMOVMSKPS X10, AX
	CMPQ AX, $15
	JEQ  l2xcut
	CMPQ R13, $32
	JAE  l2xdim32

l2xdim8:
	CMPQ R13, $8
	JB   l2xtail
	L2STEP4Y(0)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, R13
	JMP  l2xdim8

l2xtail:
	TESTQ R13, R13
	JZ    l2xsum
	L2TAIL4Y

l2xsum:
	SUM4Y(Y0, Y1, Y2, Y3, Y4, Y5, X0, X4)
	VMOVUPS X0, (DX)
	JMP  l2xnext

l2xcut:
	VMOVUPS X9, (DX)

l2xnext:
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  l2xrow

l2xend:
	VZEROUPPER
	RET

// U8STEP4Y is L2STEP4Y for rows of bytes: 8 bytes at byte offset roff of
// four rows (R12 + 0..3 row strides), zero-extended to int32 and converted
// to float32, which is exact, against 8 query elements at byte offset qoff
// of R11.
#define U8STEP4Y(qoff, roff) \
	VMOVUPS qoff(R11), Y4; \
	VPMOVZXBD roff(R12), Y5; \
	VPMOVZXBD roff(R12)(R9*1), Y6; \
	VPMOVZXBD roff(R12)(R9*2), Y7; \
	VPMOVZXBD roff(R12)(R10*1), Y8; \
	VCVTDQ2PS Y5, Y5; \
	VCVTDQ2PS Y6, Y6; \
	VCVTDQ2PS Y7, Y7; \
	VCVTDQ2PS Y8, Y8; \
	VSUBPS Y5, Y4, Y5; \
	VSUBPS Y6, Y4, Y6; \
	VSUBPS Y7, Y4, Y7; \
	VSUBPS Y8, Y4, Y8; \
	VFMADD231PS Y5, Y5, Y0; \
	VFMADD231PS Y6, Y6, Y1; \
	VFMADD231PS Y7, Y7, Y2; \
	VFMADD231PS Y8, Y8, Y3

// func l2sqBatch4BoundUint8AVX2(q *float32, rows *uint8, out *float32, dim, n int, bound float32)
//
// l2sqBatch4BoundAVX2 for rows stored as bytes, dim a multiple of 8: each
// byte becomes the float32 of the same value, and every row's lanes
// receive the same squares in the same order as in l2sqBatch4AVX2, so a
// row below bound gets exactly the bits the float kernel gives the widened
// row. The rows are a quarter of the bytes, so a scan that streams them
// from memory reads a quarter as much.
TEXT ·l2sqBatch4BoundUint8AVX2(SB), NOSPLIT, $0-44
	MOVQ q+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ out+16(FP), DX
	MOVQ dim+24(FP), R8
	MOVQ n+32(FP), BX
	MOVQ R8, R9
	LEAQ (R9)(R9*2), R10
	VBROADCASTSS bound+40(FP), Y14
	CMPQ BX, $4
	JB   u8xend

u8xrow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ SI, R11
	MOVQ DI, R12
	LEAQ (DI)(R9*4), R14
	MOVQ R8, R13
	CMPQ R13, $32
	JB   u8xdim8

u8xdim32:
	PREFETCHT0 (R14)
	PREFETCHT0 (R14)(R9*1)
	PREFETCHT0 (R14)(R9*2)
	PREFETCHT0 (R14)(R10*1)
	U8STEP4Y(0, 0)
	U8STEP4Y(32, 8)
	U8STEP4Y(64, 16)
	U8STEP4Y(96, 24)
	ADDQ $128, R11
	ADDQ $32, R12
	ADDQ $32, R14
	SUBQ $32, R13
	JZ   u8xsum
	// Abandon the group when all four partial sums reach bound.
	VMOVAPS Y0, Y9
	VMOVAPS Y2, Y10
	SUM4Y(Y9, Y1, Y10, Y3, Y11, Y12, X9, X11)
	VCMPPS $0x1d, X14, X9, X10
	VMOVMSKPS X10, AX
	CMPQ AX, $15
	JEQ  u8xcut
	CMPQ R13, $32
	JAE  u8xdim32

u8xdim8:
	CMPQ R13, $8
	JB   u8xsum
	U8STEP4Y(0, 0)
	ADDQ $32, R11
	ADDQ $8, R12
	SUBQ $8, R13
	JMP  u8xdim8

u8xsum:
	SUM4Y(Y0, Y1, Y2, Y3, Y4, Y5, X0, X4)
	VMOVUPS X0, (DX)
	JMP  u8xnext

u8xcut:
	VMOVUPS X9, (DX)

u8xnext:
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  u8xrow

u8xend:
	VZEROUPPER
	RET

// func l2sqUint8AVX2(q *float32, row *uint8, dim int) float32
//
// l2sqAVX2 of q and a row of bytes, dim a multiple of 8: the bytes become
// the float32 of the same values, and the four accumulators receive the
// same squares in the same order, so the result has exactly the bits
// l2sqAVX2 gives the widened row.
TEXT ·l2sqUint8AVX2(SB), NOSPLIT, $0-28
	MOVQ q+0(FP), SI
	MOVQ row+8(FP), DI
	MOVQ dim+16(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ DX, $32
	JB   l2u8

l2u32:
	VPMOVZXBD (DI), Y8
	VPMOVZXBD 8(DI), Y9
	VPMOVZXBD 16(DI), Y10
	VPMOVZXBD 24(DI), Y11
	VCVTDQ2PS Y8, Y8
	VCVTDQ2PS Y9, Y9
	VCVTDQ2PS Y10, Y10
	VCVTDQ2PS Y11, Y11
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VSUBPS Y8, Y4, Y4
	VSUBPS Y9, Y5, Y5
	VSUBPS Y10, Y6, Y6
	VSUBPS Y11, Y7, Y7
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	ADDQ $128, SI
	ADDQ $32, DI
	SUBQ $32, DX
	CMPQ DX, $32
	JAE  l2u32

l2u8:
	CMPQ DX, $8
	JB   l2udone
	VPMOVZXBD (DI), Y8
	VCVTDQ2PS Y8, Y8
	VMOVUPS (SI), Y4
	VSUBPS Y8, Y4, Y4
	VFMADD231PS Y4, Y4, Y1
	ADDQ $32, SI
	ADDQ $8, DI
	SUBQ $8, DX
	JMP  l2u8

l2udone:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM8
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotBatch4AVX2(q, rows, out *float32, dim, n int)
TEXT ·dotBatch4AVX2(SB), NOSPLIT, $0-40
	BATCHSETUPY
	CMPQ BX, $4
	JB   dbend

dbrow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $8
	JB   dbtail

dbdim:
	VMOVUPS (R11), Y4
	VFMADD231PS (R12), Y4, Y0
	VFMADD231PS (R12)(R9*1), Y4, Y1
	VFMADD231PS (R12)(R9*2), Y4, Y2
	VFMADD231PS (R12)(R10*1), Y4, Y3
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, R13
	CMPQ R13, $8
	JAE  dbdim

dbtail:
	TESTQ R13, R13
	JZ    dbsum
	VMASKMOVPS (R11), Y15, Y4
	VMASKMOVPS (R12), Y15, Y5
	VMASKMOVPS (R12)(R9*1), Y15, Y6
	VMASKMOVPS (R12)(R9*2), Y15, Y7
	VMASKMOVPS (R12)(R10*1), Y15, Y8
	VFMADD231PS Y5, Y4, Y0
	VFMADD231PS Y6, Y4, Y1
	VFMADD231PS Y7, Y4, Y2
	VFMADD231PS Y8, Y4, Y3

dbsum:
	SUM4Y(Y0, Y1, Y2, Y3, Y4, Y5, X0, X4)
	VMOVUPS X0, (DX)
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  dbrow

dbend:
	VZEROUPPER
	RET

// Block kernels: two queries (contiguous, dim elements each) against n rows
// (n a multiple of 4, contiguous), writing out[i*ostride+j]. Each step
// computes a 2x4 tile with 8 accumulators.

// func l2sqBlock2AVX2(q, rows, out *float32, dim, n, ostride int)
TEXT ·l2sqBlock2AVX2(SB), NOSPLIT, $0-48
	BLOCKSETUPY
	CMPQ BX, $4
	JB   l2kend

l2krow:
	ZERO8
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $8
	JB   l2ktail

l2kdim:
	LOADTILEY
	L2ROW4Y(Y8, Y0, Y1, Y2, Y3)
	L2ROW4Y(Y9, Y4, Y5, Y6, Y7)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, R13
	CMPQ R13, $8
	JAE  l2kdim

l2ktail:
	TESTQ R13, R13
	JZ    l2ksum
	LOADTILEMASKEDY
	L2ROW4Y(Y8, Y0, Y1, Y2, Y3)
	L2ROW4Y(Y9, Y4, Y5, Y6, Y7)

l2ksum:
	STORETILEY
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  l2krow

l2kend:
	VZEROUPPER
	RET

// func dotBlock2AVX2(q, rows, out *float32, dim, n, ostride int)
TEXT ·dotBlock2AVX2(SB), NOSPLIT, $0-48
	BLOCKSETUPY
	CMPQ BX, $4
	JB   dkend

dkrow:
	ZERO8
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R8, R13
	CMPQ R13, $8
	JB   dktail

dkdim:
	LOADTILEY
	DOTROW4Y(Y8, Y0, Y1, Y2, Y3)
	DOTROW4Y(Y9, Y4, Y5, Y6, Y7)
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, R13
	CMPQ R13, $8
	JAE  dkdim

dktail:
	TESTQ R13, R13
	JZ    dksum
	LOADTILEMASKEDY
	DOTROW4Y(Y8, Y0, Y1, Y2, Y3)
	DOTROW4Y(Y9, Y4, Y5, Y6, Y7)

dksum:
	STORETILEY
	ADDQ $16, DX
	LEAQ (DI)(R9*4), DI
	SUBQ $4, BX
	CMPQ BX, $4
	JAE  dkrow

dkend:
	VZEROUPPER
	RET

// func l2sqGatherAVX2(q, data *float32, strideb int, ids *uint32, n, dim, limit int, out *float32) int
TEXT ·l2sqGatherAVX2(SB), NOSPLIT, $64-72
	GATHERSETUPY

group:
	CMPQ CX, $3
	JB   last
	GATHERROW(0, R11)
	GATHERROW(4, R12)
	GATHERROW(8, R13)
	GATHERNEXT3

rows:
	GATHERZEROY
	CMPQ DX, $32
	JB   rows8

rows32:
	ROWSPREFETCH
	L2ROWS3Y(0, Y0, Y4, Y8)
	L2ROWS3Y(32, Y1, Y5, Y9)
	L2ROWS3Y(64, Y2, Y6, Y10)
	L2ROWS3Y(96, Y3, Y7, Y11)
	ADDQ $128, R9
	SUBQ $32, DX
	CMPQ DX, $32
	JAE  rows32

rows8:
	CMPQ DX, $8
	JB   rowstail
	ROWSPREFETCH
	L2ROWS3Y(0, Y1, Y5, Y9)
	ADDQ $32, R9
	SUBQ $8, DX
	JMP  rows8

rowstail:
	TESTQ DX, DX
	JZ    rowssum
	ROWSTAILMASKY
	VSUBPS Y13, Y12, Y13
	VSUBPS Y14, Y12, Y14
	VSUBPS Y15, Y12, Y15
	VFMADD231PS Y13, Y13, Y2
	VFMADD231PS Y14, Y14, Y6
	VFMADD231PS Y15, Y15, Y10

rowssum:
	ROWSSUMY
	CMPQ CX, $3
	JB   stored
	ADDQ $12, DI
	ADDQ $12, AX
	SUBQ $3, CX
	JMP  group

last:
	TESTQ CX, CX
	JZ    done
	GATHERLAST
	JMP   rows

stored:
	GATHERSTORELAST

done:
bad:
	SUBQ ids+24(FP), AX
	SHRQ $2, AX
	MOVQ AX, ret+64(FP)
	VZEROUPPER
	RET

// func dotGatherAVX2(q, data *float32, strideb int, ids *uint32, n, dim, limit int, out *float32) int
TEXT ·dotGatherAVX2(SB), NOSPLIT, $64-72
	GATHERSETUPY

group:
	CMPQ CX, $3
	JB   last
	GATHERROW(0, R11)
	GATHERROW(4, R12)
	GATHERROW(8, R13)
	GATHERNEXT3

rows:
	GATHERZEROY
	CMPQ DX, $32
	JB   rows8

rows32:
	ROWSPREFETCH
	DOTROWS3Y(0, Y0, Y4, Y8)
	DOTROWS3Y(32, Y1, Y5, Y9)
	DOTROWS3Y(64, Y2, Y6, Y10)
	DOTROWS3Y(96, Y3, Y7, Y11)
	ADDQ $128, R9
	SUBQ $32, DX
	CMPQ DX, $32
	JAE  rows32

rows8:
	CMPQ DX, $8
	JB   rowstail
	ROWSPREFETCH
	DOTROWS3Y(0, Y1, Y5, Y9)
	ADDQ $32, R9
	SUBQ $8, DX
	JMP  rows8

rowstail:
	TESTQ DX, DX
	JZ    rowssum
	ROWSTAILMASKY
	VFMADD231PS Y13, Y12, Y2
	VFMADD231PS Y14, Y12, Y6
	VFMADD231PS Y15, Y12, Y10

rowssum:
	ROWSSUMY
	CMPQ CX, $3
	JB   stored
	ADDQ $12, DI
	ADDQ $12, AX
	SUBQ $3, CX
	JMP  group

last:
	TESTQ CX, CX
	JZ    done
	GATHERLAST
	JMP   rows

stored:
	GATHERSTORELAST

done:
bad:
	SUBQ ids+24(FP), AX
	SHRQ $2, AX
	MOVQ AX, ret+64(FP)
	VZEROUPPER
	RET
