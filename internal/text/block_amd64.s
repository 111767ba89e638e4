#include "textflag.h"

// The block kernels of block.go, with AVX2 and FMA: eight lanes (labels)
// as two registers of four float64s, each nonzero's float32 value
// broadcast and widened once and multiplied into both. The dot products
// keep four chains of accumulators per lane (Y0/Y1, Y2/Y3, Y8/Y9,
// Y10/Y11), nonzero k going to chain k mod 4 while four remain and to
// chain 0 after, added at the end as (c0 + c1) + (c2 + c3): exactly the
// Go kernels' arithmetic, so a lane's result does not depend on which
// kernel ran. Strides arrive in float64s and are turned into bytes.

// func sparseDotAVX(idx *int32, val *float32, n int, w *float64, stride int, out *block)
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

// func denseDotAVX(x *float32, n int, w *float64, stride int, out *block)
TEXT ·denseDotAVX(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ w+16(FP), DI
	MOVQ stride+24(FP), R8
	MOVQ out+32(FP), R9
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
	JLT  ddtail

ddloop4:
	VBROADCASTSS 0(SI), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI), Y4, Y0
	VFMADD231PD 32(DI), Y4, Y1
	ADDQ R8, DI
	VBROADCASTSS 4(SI), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI), Y5, Y2
	VFMADD231PD 32(DI), Y5, Y3
	ADDQ R8, DI
	VBROADCASTSS 8(SI), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI), Y4, Y8
	VFMADD231PD 32(DI), Y4, Y9
	ADDQ R8, DI
	VBROADCASTSS 12(SI), X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD 0(DI), Y5, Y10
	VFMADD231PD 32(DI), Y5, Y11
	ADDQ R8, DI
	ADDQ $16, SI
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  ddloop4

ddtail:
	TESTQ CX, CX
	JEQ   dddone

ddloop1:
	VBROADCASTSS 0(SI), X4
	VCVTPS2PD    X4, Y4
	VFMADD231PD 0(DI), Y4, Y0
	VFMADD231PD 32(DI), Y4, Y1
	ADDQ R8, DI
	ADDQ $4, SI
	DECQ CX
	JNZ  ddloop1

dddone:
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

// The gradient kernels add v·r to each touched row of g: the residuals r
// stay in Y6/Y7, and each lane is one fused multiply-add, as addRow.

// func sparseAddAVX(idx *int32, val *float32, n int, r *block, grad *float64, stride int)
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

// func denseAddAVX(x *float32, n int, r *block, grad *float64, stride int)
TEXT ·denseAddAVX(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ r+16(FP), R9
	MOVQ grad+24(FP), DI
	MOVQ stride+32(FP), R8
	SHLQ $3, R8
	VMOVUPD 0(R9), Y6
	VMOVUPD 32(R9), Y7

daloop:
	VBROADCASTSS 0(SI), X4
	VCVTPS2PD    X4, Y4
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VFMADD231PD Y6, Y4, Y0
	VFMADD231PD Y7, Y4, Y1
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	ADDQ R8, DI
	ADDQ $4, SI
	DECQ CX
	JNZ  daloop

	VZEROUPPER
	RET
