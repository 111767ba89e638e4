#include "textflag.h"

// Both kernels take n, a positive multiple of 16, and work in float64:
// four float32s become four float64s (VCVTPS2PD), are multiplied, then
// added, each rounded as Go rounds them; no FMA, so addDenseAVX gives
// exactly what addDenseGo gives, and dotDenseAVX differs only in the order
// of its sum (sixteen running sums, one per lane of four registers).

// func dotDenseAVX(x *float32, w *float64, n int) float64
TEXT ·dotDenseAVX(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

dotloop:
	VCVTPS2PD 0(SI), Y4
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VMULPD 0(DI), Y4, Y4
	VMULPD 32(DI), Y5, Y5
	VMULPD 64(DI), Y6, Y6
	VMULPD 96(DI), Y7, Y7
	VADDPD Y4, Y0, Y0
	VADDPD Y5, Y1, Y1
	VADDPD Y6, Y2, Y2
	VADDPD Y7, Y3, Y3
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JNZ  dotloop

	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VUNPCKHPD X0, X0, X1
	VADDSD X1, X0, X0
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET

// func addDenseAVX(a float64, x *float32, y *float64, n int)
TEXT ·addDenseAVX(SB), NOSPLIT, $0-32
	VBROADCASTSD a+0(FP), Y8
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX

addloop:
	VCVTPS2PD 0(SI), Y4
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VMULPD Y8, Y4, Y4
	VMULPD Y8, Y5, Y5
	VMULPD Y8, Y6, Y6
	VMULPD Y8, Y7, Y7
	VADDPD 0(DI), Y4, Y4
	VADDPD 32(DI), Y5, Y5
	VADDPD 64(DI), Y6, Y6
	VADDPD 96(DI), Y7, Y7
	VMOVUPD Y4, 0(DI)
	VMOVUPD Y5, 32(DI)
	VMOVUPD Y6, 64(DI)
	VMOVUPD Y7, 96(DI)
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JNZ  addloop

	VZEROUPPER
	RET
