#include "textflag.h"

// The block kernels of block.go, with AVX2 and FMA: eight lanes (labels)
// as two registers of four float64s, each float32 value broadcast and
// widened once and multiplied into both, in exactly the Go kernels'
// order, so a lane's result does not depend on which kernel ran. Strides
// arrive in elements and are turned into bytes.
//
// The sparse dot product keeps four chains of accumulators per lane
// (Y0/Y1, Y2/Y3, Y8/Y9, Y10/Y11), nonzero k going to chain k mod 4 while
// four remain and to chain 0 after, added as (c0 + c1) + (c2 + c3).

// func sparseDotAVX(idx *int32, val *float32, n int, w *float64, stride int, out *float64)
TEXT ·sparseDotAVX(SB), NOSPLIT, $0-48
	MOVQ idx+0(FP), SI
	MOVQ val+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DI
	MOVQ stride+32(FP), R8
	MOVQ out+40(FP), R9
	SHLQ $3, R8
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	CMPQ CX, $4
	JLT  sdtail

sdloop4:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y0
	VFMADD231PD 32(DI)(AX*1), Y4, Y1
	MOVL  4(SI), BX
	IMULQ R8, BX
	VBROADCASTSS 4(DX), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI)(BX*1), Y5, Y2
	VFMADD231PD 32(DI)(BX*1), Y5, Y3
	MOVL  8(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 8(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y8
	VFMADD231PD 32(DI)(AX*1), Y4, Y9
	MOVL  12(SI), BX
	IMULQ R8, BX
	VBROADCASTSS 12(DX), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI)(BX*1), Y5, Y10
	VFMADD231PD 32(DI)(BX*1), Y5, Y11
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  sdloop4

sdtail:
	TESTQ CX, CX
	JEQ   sddone

sdloop1:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y0
	VFMADD231PD 32(DI)(AX*1), Y4, Y1
	ADDQ $4, SI
	ADDQ $4, DX
	DECQ CX
	JNZ  sdloop1

sddone:
	VADDPD Y2, Y0, Y0
	VADDPD Y3, Y1, Y1
	VADDPD Y10, Y8, Y8
	VADDPD Y11, Y9, Y9
	VADDPD Y8, Y0, Y0
	VADDPD Y9, Y1, Y1
	VMOVUPD Y0, 0(R9)
	VMOVUPD Y1, 32(R9)
	VZEROUPPER
	RET

// func denseDot4AVX(x *float32, xStride int, n int, w *float64, stride int, out *float64, outStride int)
//
// Four rows of the dense block at once (x, x+xStride, …): each feature's
// eight weights are loaded once (Y12/Y13) and multiplied into the four
// rows' accumulators (Y0 to Y7), one chain per row and lane.
TEXT ·denseDot4AVX(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ xStride+8(FP), R10
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DI
	MOVQ stride+32(FP), R8
	MOVQ out+40(FP), R9
	MOVQ outStride+48(FP), R11
	SHLQ $2, R10
	SHLQ $3, R8
	SHLQ $3, R11
	LEAQ (SI)(R10*2), R12
	ADDQ R10, R12
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

dd4loop:
	VMOVUPD 0(DI), Y12
	VMOVUPD 32(DI), Y13
	VBROADCASTSS 0(SI), X8
	VCVTPS2PD    X8, Y8
	VFMADD231PD Y12, Y8, Y0
	VFMADD231PD Y13, Y8, Y1
	VBROADCASTSS 0(SI)(R10*1), X9
	VCVTPS2PD    X9, Y9
	VFMADD231PD Y12, Y9, Y2
	VFMADD231PD Y13, Y9, Y3
	VBROADCASTSS 0(SI)(R10*2), X10
	VCVTPS2PD    X10, Y10
	VFMADD231PD Y12, Y10, Y4
	VFMADD231PD Y13, Y10, Y5
	VBROADCASTSS 0(R12), X11
	VCVTPS2PD    X11, Y11
	VFMADD231PD Y12, Y11, Y6
	VFMADD231PD Y13, Y11, Y7
	ADDQ $4, SI
	ADDQ $4, R12
	ADDQ R8, DI
	DECQ CX
	JNZ  dd4loop

	VMOVUPD Y0, 0(R9)
	VMOVUPD Y1, 32(R9)
	ADDQ R11, R9
	VMOVUPD Y2, 0(R9)
	VMOVUPD Y3, 32(R9)
	ADDQ R11, R9
	VMOVUPD Y4, 0(R9)
	VMOVUPD Y5, 32(R9)
	ADDQ R11, R9
	VMOVUPD Y6, 0(R9)
	VMOVUPD Y7, 32(R9)
	VZEROUPPER
	RET

// The gradient kernels add v·r to each touched row of g: the residuals r
// stay in Y6/Y7, and each lane is one fused multiply-add, as addRow.

// func sparseAddAVX(idx *int32, val *float32, n int, r *float64, grad *float64, stride int)
TEXT ·sparseAddAVX(SB), NOSPLIT, $0-48
	MOVQ idx+0(FP), SI
	MOVQ val+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ r+24(FP), R9
	MOVQ grad+32(FP), DI
	MOVQ stride+40(FP), R8
	SHLQ $3, R8
	VMOVUPD 0(R9), Y6
	VMOVUPD 32(R9), Y7

saloop:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VMOVUPD 0(DI)(AX*1), Y0
	VMOVUPD 32(DI)(AX*1), Y1
	VFMADD231PD Y6, Y4, Y0
	VFMADD231PD Y7, Y4, Y1
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	ADDQ $4, SI
	ADDQ $4, DX
	DECQ CX
	JNZ  saloop

	VZEROUPPER
	RET

// func denseAdd4AVX(x *float32, xStride int, n int, r *float64, rStride int, grad *float64, stride int)
//
// Four rows' residuals (Y0 to Y7) added into each feature's eight
// gradients, loaded and stored once for the four rows (Y12/Y13) and
// updated row after row, as four calls of one row would.
TEXT ·denseAdd4AVX(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ xStride+8(FP), R10
	MOVQ n+16(FP), CX
	MOVQ r+24(FP), R9
	MOVQ rStride+32(FP), R11
	MOVQ grad+40(FP), DI
	MOVQ stride+48(FP), R8
	SHLQ $2, R10
	SHLQ $3, R8
	SHLQ $3, R11
	LEAQ (SI)(R10*2), R12
	ADDQ R10, R12
	VMOVUPD 0(R9), Y0
	VMOVUPD 32(R9), Y1
	ADDQ R11, R9
	VMOVUPD 0(R9), Y2
	VMOVUPD 32(R9), Y3
	ADDQ R11, R9
	VMOVUPD 0(R9), Y4
	VMOVUPD 32(R9), Y5
	ADDQ R11, R9
	VMOVUPD 0(R9), Y6
	VMOVUPD 32(R9), Y7

da4loop:
	VMOVUPD 0(DI), Y12
	VMOVUPD 32(DI), Y13
	VBROADCASTSS 0(SI), X8
	VCVTPS2PD    X8, Y8
	VFMADD231PD Y0, Y8, Y12
	VFMADD231PD Y1, Y8, Y13
	VBROADCASTSS 0(SI)(R10*1), X9
	VCVTPS2PD    X9, Y9
	VFMADD231PD Y2, Y9, Y12
	VFMADD231PD Y3, Y9, Y13
	VBROADCASTSS 0(SI)(R10*2), X10
	VCVTPS2PD    X10, Y10
	VFMADD231PD Y4, Y10, Y12
	VFMADD231PD Y5, Y10, Y13
	VBROADCASTSS 0(R12), X11
	VCVTPS2PD    X11, Y11
	VFMADD231PD Y6, Y11, Y12
	VFMADD231PD Y7, Y11, Y13
	VMOVUPD Y12, 0(DI)
	VMOVUPD Y13, 32(DI)
	ADDQ $4, SI
	ADDQ $4, R12
	ADDQ R8, DI
	DECQ CX
	JNZ  da4loop

	VZEROUPPER
	RET

// func sparseDotNarrowAVX: sparseDotAVX on four lanes, one register: the same lines
// without the upper half's.
TEXT ·sparseDotNarrowAVX(SB), NOSPLIT, $0-48
	MOVQ idx+0(FP), SI
	MOVQ val+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DI
	MOVQ stride+32(FP), R8
	MOVQ out+40(FP), R9
	SHLQ $3, R8
	VXORPD Y0, Y0, Y0
	VXORPD Y2, Y2, Y2
	VXORPD Y8, Y8, Y8
	VXORPD Y10, Y10, Y10
	CMPQ CX, $4
	JLT  nsdtail

nsdloop4:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y0
	MOVL  4(SI), BX
	IMULQ R8, BX
	VBROADCASTSS 4(DX), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI)(BX*1), Y5, Y2
	MOVL  8(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 8(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y8
	MOVL  12(SI), BX
	IMULQ R8, BX
	VBROADCASTSS 12(DX), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI)(BX*1), Y5, Y10
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  nsdloop4

nsdtail:
	TESTQ CX, CX
	JEQ   nsddone

nsdloop1:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI)(AX*1), Y4, Y0
	ADDQ $4, SI
	ADDQ $4, DX
	DECQ CX
	JNZ  nsdloop1

nsddone:
	VADDPD Y2, Y0, Y0
	VADDPD Y10, Y8, Y8
	VADDPD Y8, Y0, Y0
	VMOVUPD Y0, 0(R9)
	VZEROUPPER
	RET

// func denseDot4NarrowAVX: denseDot4AVX on four lanes, one register: the same lines
// without the upper half's.
TEXT ·denseDot4NarrowAVX(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ xStride+8(FP), R10
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DI
	MOVQ stride+32(FP), R8
	MOVQ out+40(FP), R9
	MOVQ outStride+48(FP), R11
	SHLQ $2, R10
	SHLQ $3, R8
	SHLQ $3, R11
	LEAQ (SI)(R10*2), R12
	ADDQ R10, R12
	VXORPD Y0, Y0, Y0
	VXORPD Y2, Y2, Y2
	VXORPD Y4, Y4, Y4
	VXORPD Y6, Y6, Y6

ndd4loop:
	VMOVUPD 0(DI), Y12
	VBROADCASTSS 0(SI), X8
	VCVTPS2PD    X8, Y8
	VFMADD231PD Y12, Y8, Y0
	VBROADCASTSS 0(SI)(R10*1), X9
	VCVTPS2PD    X9, Y9
	VFMADD231PD Y12, Y9, Y2
	VBROADCASTSS 0(SI)(R10*2), X10
	VCVTPS2PD    X10, Y10
	VFMADD231PD Y12, Y10, Y4
	VBROADCASTSS 0(R12), X11
	VCVTPS2PD    X11, Y11
	VFMADD231PD Y12, Y11, Y6
	ADDQ $4, SI
	ADDQ $4, R12
	ADDQ R8, DI
	DECQ CX
	JNZ  ndd4loop

	VMOVUPD Y0, 0(R9)
	ADDQ R11, R9
	VMOVUPD Y2, 0(R9)
	ADDQ R11, R9
	VMOVUPD Y4, 0(R9)
	ADDQ R11, R9
	VMOVUPD Y6, 0(R9)
	VZEROUPPER
	RET

// func sparseAddNarrowAVX: sparseAddAVX on four lanes, one register: the same lines
// without the upper half's.
TEXT ·sparseAddNarrowAVX(SB), NOSPLIT, $0-48
	MOVQ idx+0(FP), SI
	MOVQ val+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ r+24(FP), R9
	MOVQ grad+32(FP), DI
	MOVQ stride+40(FP), R8
	SHLQ $3, R8
	VMOVUPD 0(R9), Y6

nsaloop:
	MOVL  0(SI), AX
	IMULQ R8, AX
	VBROADCASTSS 0(DX), X4
	VCVTPS2PD    X4, Y4
	VMOVUPD 0(DI)(AX*1), Y0
	VFMADD231PD Y6, Y4, Y0
	VMOVUPD Y0, 0(DI)(AX*1)
	ADDQ $4, SI
	ADDQ $4, DX
	DECQ CX
	JNZ  nsaloop

	VZEROUPPER
	RET

// func denseAdd4NarrowAVX: denseAdd4AVX on four lanes, one register: the same lines
// without the upper half's.
TEXT ·denseAdd4NarrowAVX(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ xStride+8(FP), R10
	MOVQ n+16(FP), CX
	MOVQ r+24(FP), R9
	MOVQ rStride+32(FP), R11
	MOVQ grad+40(FP), DI
	MOVQ stride+48(FP), R8
	SHLQ $2, R10
	SHLQ $3, R8
	SHLQ $3, R11
	LEAQ (SI)(R10*2), R12
	ADDQ R10, R12
	VMOVUPD 0(R9), Y0
	ADDQ R11, R9
	VMOVUPD 0(R9), Y2
	ADDQ R11, R9
	VMOVUPD 0(R9), Y4
	ADDQ R11, R9
	VMOVUPD 0(R9), Y6

nda4loop:
	VMOVUPD 0(DI), Y12
	VBROADCASTSS 0(SI), X8
	VCVTPS2PD    X8, Y8
	VFMADD231PD Y0, Y8, Y12
	VBROADCASTSS 0(SI)(R10*1), X9
	VCVTPS2PD    X9, Y9
	VFMADD231PD Y2, Y9, Y12
	VBROADCASTSS 0(SI)(R10*2), X10
	VCVTPS2PD    X10, Y10
	VFMADD231PD Y4, Y10, Y12
	VBROADCASTSS 0(R12), X11
	VCVTPS2PD    X11, Y11
	VFMADD231PD Y6, Y11, Y12
	VMOVUPD Y12, 0(DI)
	ADDQ $4, SI
	ADDQ $4, R12
	ADDQ R8, DI
	DECQ CX
	JNZ  nda4loop

	VZEROUPPER
	RET
