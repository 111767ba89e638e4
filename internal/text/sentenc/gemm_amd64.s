#include "textflag.h"

// func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// C[0:4, 0:16] += A[0:4, 0:k] · B[0:k, 0:16], all row-major with the given
// strides in elements. Eight accumulators (two 8-float halves of each of
// the four rows) keep both FMA units busy through their latency.
TEXT ·kernel4x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (R11)(R8*2), R13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JEQ   store4

loop4:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (R11), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R12), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (R13), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         $4, SI
	ADDQ         $4, R11
	ADDQ         $4, R12
	ADDQ         $4, R13
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop4

store4:
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DX)
	VADDPS  32(DX), Y1, Y1
	VMOVUPS Y1, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y2, Y2
	VMOVUPS Y2, (DX)
	VADDPS  32(DX), Y3, Y3
	VMOVUPS Y3, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y4, Y4
	VMOVUPS Y4, (DX)
	VADDPS  32(DX), Y5, Y5
	VMOVUPS Y5, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y6, Y6
	VMOVUPS Y6, (DX)
	VADDPS  32(DX), Y7, Y7
	VMOVUPS Y7, 32(DX)
	VZEROUPPER
	RET

// func kernel1x16(k int, a *float32, b *float32, ldb int, c *float32)
//
// c[0:16] += a[0:k] · B[0:k, 0:16]. It sums over k in the same order as
// kernel4x16, one accumulator per column, so that a text's embedding does
// not depend on which rows of its batch it lands in.
TEXT ·kernel1x16(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	TESTQ  CX, CX
	JEQ    store1

loop1:
	VBROADCASTSS (SI), Y10
	VFMADD231PS  (DI), Y10, Y0
	VFMADD231PS  32(DI), Y10, Y1
	ADDQ         R9, DI
	ADDQ         $4, SI
	DECQ         CX
	JNZ          loop1

store1:
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DX)
	VADDPS  32(DX), Y1, Y1
	VMOVUPS Y1, 32(DX)
	VZEROUPPER
	RET

// func kernel6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// C[0:6, 0:16] += A[0:6, 0:k] · B[0:k, 0:16], as kernel4x16 but with twelve
// accumulators: more multiply-adds for each load of B, so the FMA units
// are the bound rather than the loop.
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, CX
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (R11)(R8*2), R13
	LEAQ (R12)(R8*2), R14
	LEAQ (R13)(R8*2), BX
	XORQ AX, AX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JEQ   store6

loop6:
	VMOVUPS      (DI), Y12
	VMOVUPS      32(DI), Y13
	VBROADCASTSS (SI)(AX*1), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R11)(AX*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R12)(AX*1), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R13)(AX*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R14)(AX*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (BX)(AX*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         R9, DI
	ADDQ         $4, AX
	CMPQ         AX, CX
	JLT          loop6

store6:
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DX)
	VADDPS  32(DX), Y1, Y1
	VMOVUPS Y1, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y2, Y2
	VMOVUPS Y2, (DX)
	VADDPS  32(DX), Y3, Y3
	VMOVUPS Y3, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y4, Y4
	VMOVUPS Y4, (DX)
	VADDPS  32(DX), Y5, Y5
	VMOVUPS Y5, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y6, Y6
	VMOVUPS Y6, (DX)
	VADDPS  32(DX), Y7, Y7
	VMOVUPS Y7, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y8, Y8
	VMOVUPS Y8, (DX)
	VADDPS  32(DX), Y9, Y9
	VMOVUPS Y9, 32(DX)
	ADDQ    R10, DX
	VADDPS  (DX), Y10, Y10
	VMOVUPS Y10, (DX)
	VADDPS  32(DX), Y11, Y11
	VMOVUPS Y11, 32(DX)
	VZEROUPPER
	RET

// func kernel8x32(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// C[0:8, 0:32] += A[0:8, 0:k] · B[0:k, 0:32] with AVX-512: sixteen
// 16-float accumulators, so each pair of loads of B feeds sixteen
// multiply-adds. Each lane sums over k in the same order as the AVX2
// kernels, one fused multiply-add at a time from zero, so the result is
// bit for bit theirs. Machines whose FMA units are 512 bits wide (Zen 5,
// Intel server cores) do twice the multiply-adds a cycle with it.
TEXT ·kernel8x32(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, CX
	LEAQ (SI)(R8*1), R10
	LEAQ (SI)(R8*2), R11
	LEAQ (R10)(R8*2), R12
	LEAQ (SI)(R8*4), R13
	LEAQ (R10)(R8*4), R14
	LEAQ (R11)(R8*4), BX
	LEAQ (R12)(R8*4), R8
	XORQ AX, AX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	TESTQ CX, CX
	JEQ   store8

loop8:
	VMOVUPS      (DI), Z16
	VMOVUPS      64(DI), Z17
	VBROADCASTSS (SI)(AX*1), Z18
	VFMADD231PS  Z16, Z18, Z0
	VFMADD231PS  Z17, Z18, Z1
	VBROADCASTSS (R10)(AX*1), Z19
	VFMADD231PS  Z16, Z19, Z2
	VFMADD231PS  Z17, Z19, Z3
	VBROADCASTSS (R11)(AX*1), Z18
	VFMADD231PS  Z16, Z18, Z4
	VFMADD231PS  Z17, Z18, Z5
	VBROADCASTSS (R12)(AX*1), Z19
	VFMADD231PS  Z16, Z19, Z6
	VFMADD231PS  Z17, Z19, Z7
	VBROADCASTSS (R13)(AX*1), Z18
	VFMADD231PS  Z16, Z18, Z8
	VFMADD231PS  Z17, Z18, Z9
	VBROADCASTSS (R14)(AX*1), Z19
	VFMADD231PS  Z16, Z19, Z10
	VFMADD231PS  Z17, Z19, Z11
	VBROADCASTSS (BX)(AX*1), Z18
	VFMADD231PS  Z16, Z18, Z12
	VFMADD231PS  Z17, Z18, Z13
	VBROADCASTSS (R8)(AX*1), Z19
	VFMADD231PS  Z16, Z19, Z14
	VFMADD231PS  Z17, Z19, Z15
	ADDQ         R9, DI
	ADDQ         $4, AX
	CMPQ         AX, CX
	JLT          loop8

store8:
	MOVQ ldc+48(FP), R9
	SHLQ $2, R9
	VADDPS  (DX), Z0, Z0
	VMOVUPS Z0, (DX)
	VADDPS  64(DX), Z1, Z1
	VMOVUPS Z1, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z2, Z2
	VMOVUPS Z2, (DX)
	VADDPS  64(DX), Z3, Z3
	VMOVUPS Z3, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z4, Z4
	VMOVUPS Z4, (DX)
	VADDPS  64(DX), Z5, Z5
	VMOVUPS Z5, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z6, Z6
	VMOVUPS Z6, (DX)
	VADDPS  64(DX), Z7, Z7
	VMOVUPS Z7, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z8, Z8
	VMOVUPS Z8, (DX)
	VADDPS  64(DX), Z9, Z9
	VMOVUPS Z9, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z10, Z10
	VMOVUPS Z10, (DX)
	VADDPS  64(DX), Z11, Z11
	VMOVUPS Z11, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z12, Z12
	VMOVUPS Z12, (DX)
	VADDPS  64(DX), Z13, Z13
	VMOVUPS Z13, 64(DX)
	ADDQ    R9, DX
	VADDPS  (DX), Z14, Z14
	VMOVUPS Z14, (DX)
	VADDPS  64(DX), Z15, Z15
	VMOVUPS Z15, 64(DX)
	VZEROUPPER
	RET
