;; Depthwise convolution kernels with 128-bit SIMD (f32x4), channel multiplier 1, NHWC, dilation 1,
;; any stride and any non-negative padding. The module imports the tfjs wasm backend's own memory as
;; env.memory, so every pointer below is a byte offset of a tensor on that heap: inputs are read and
;; outputs written in place, nothing is copied. Channels are innermost and contiguous, so one v128
;; holds four channels of one pixel; channels run in blocks of 16 (four independent accumulators,
;; which hides the latency of f32x4.add), then of 4, then one at a time (C not divisible by 4).
;; Assembled at build time by scripts/build-wasm.js (wabt); loaded by simd-module.ts.
;;
;; Shapes: x / dx [n, h, wd, c], dy / y [n, oh, ow, c], filter [kh, kw, c]; the forward conv reads
;; x[b, oy*sh - pt + i, ox*sw - pl + j, ch] for output (oy, ox) and tap (i, j).
(module
  (import "env" "memory" (memory 1))

  ;; First output row/column a tap reaches: the smallest o >= 0 with o*s - pad + tap >= 0.
  (func $firstOut (param $padMinusTap i32) (param $s i32) (result i32)
    (if (result i32) (i32.le_s (local.get $padMinusTap) (i32.const 0))
      (then (i32.const 0))
      (else (i32.div_s (i32.add (local.get $padMinusTap) (i32.sub (local.get $s) (i32.const 1))) (local.get $s)))))

  ;; One past the last output row/column a tap reaches: o*s - pad + tap <= size - 1, o < outSize.
  (func $endOut (param $num i32) (param $s i32) (param $outSize i32) (result i32)
    (local $e i32)
    (if (i32.lt_s (local.get $num) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $e (i32.add (i32.div_s (local.get $num) (local.get $s)) (i32.const 1)))
    (select (local.get $e) (local.get $outSize) (i32.lt_s (local.get $e) (local.get $outSize))))

  ;; First tap t >= max(0, pos - s*(outSize-1)) with t = pos (mod s): the first tap that reaches
  ;; input index pos - pad from inside dy (pos = input index + pad >= 0).
  (func $firstTap (param $pos i32) (param $s i32) (param $outSize i32) (result i32)
    (local $lo i32)
    (local.set $lo (i32.sub (local.get $pos) (i32.mul (local.get $s) (i32.sub (local.get $outSize) (i32.const 1)))))
    (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
    (i32.add (local.get $lo)
      (i32.rem_u
        (i32.add (i32.sub (i32.rem_u (local.get $pos) (local.get $s)) (i32.rem_u (local.get $lo) (local.get $s))) (local.get $s))
        (local.get $s))))

  ;; Adds the four f32 lanes of $v to four f64 at $p (accumulators of the filter gradient).
  (func $addWide (param $p i32) (param $v v128)
    (v128.store (local.get $p)
      (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $p)
      (f64x2.add (v128.load offset=16 (local.get $p))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; dW[i, j, ch] = sum over b, oy, ox of x[b, oy*sh - pt + i, ox*sw - pl + j, ch] * dy[b, oy, ox, ch].
  ;; Sums each image's products in f32 vectors (at most oh*ow terms), then adds them into f64 totals
  ;; at $acc (scratch of kh*kw*c f64, 8-byte aligned), and writes the totals as f32 to $out.
  (func (export "dwFilterGrad")
    (param $x i32) (param $dy i32) (param $out i32) (param $acc i32)
    (param $n i32) (param $h i32) (param $wd i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $i i32) (local $j i32) (local $cb i32) (local $k i32)
    (local $oy0 i32) (local $oy1 i32) (local $ox0 i32) (local $cnt0 i32)
    (local $oy i32) (local $cnt i32) (local $xb i32) (local $dyb i32)
    (local $xp i32) (local $dp i32) (local $xstep i32) (local $c4 i32) (local $a i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $s f32)
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    (local.set $xstep (i32.mul (local.get $sw) (local.get $c4)))
    ;; zero the f64 totals
    (local.set $k (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $c)))
    (local.set $a (local.get $acc))
    (block $z (loop $zl
      (br_if $z (i32.eqz (local.get $k)))
      (f64.store (local.get $a) (f64.const 0))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $zl)))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $h)) (local.get $wd)) (local.get $c4))))
      (local.set $dyb (i32.add (local.get $dy) (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $oh)) (local.get $ow)) (local.get $c4))))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_s (local.get $i) (local.get $kh)))
        (local.set $oy0 (call $firstOut (i32.sub (local.get $pt) (local.get $i)) (local.get $sh)))
        (local.set $oy1 (call $endOut (i32.sub (i32.add (local.get $h) (i32.sub (local.get $pt) (local.get $i))) (i32.const 1)) (local.get $sh) (local.get $oh)))
        (if (i32.lt_s (local.get $oy0) (local.get $oy1)) (then
          (local.set $j (i32.const 0))
          (block $jDone (loop $jLoop
            (br_if $jDone (i32.ge_s (local.get $j) (local.get $kw)))
            (local.set $ox0 (call $firstOut (i32.sub (local.get $pl) (local.get $j)) (local.get $sw)))
            (local.set $cnt0 (i32.sub
              (call $endOut (i32.sub (i32.add (local.get $wd) (i32.sub (local.get $pl) (local.get $j))) (i32.const 1)) (local.get $sw) (local.get $ow))
              (local.get $ox0)))
            (if (i32.gt_s (local.get $cnt0) (i32.const 0)) (then
              ;; $a: this tap's f64 totals
              (local.set $a (i32.add (local.get $acc)
                (i32.shl (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $c)) (i32.const 3))))
              (local.set $cb (i32.const 0))
              ;; blocks of 16 channels
              (block $c16Done (loop $c16Loop
                (br_if $c16Done (i32.gt_s (i32.add (local.get $cb) (i32.const 16)) (local.get $c)))
                (local.set $v0 (v128.const i32x4 0 0 0 0))
                (local.set $v1 (v128.const i32x4 0 0 0 0))
                (local.set $v2 (v128.const i32x4 0 0 0 0))
                (local.set $v3 (v128.const i32x4 0 0 0 0))
                (local.set $oy (local.get $oy0))
                (loop $oyLoop
                  (local.set $xp (i32.add (local.get $xb) (i32.add (i32.mul
                    (i32.add (i32.mul (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $pt)) (local.get $i)) (local.get $wd))
                      (i32.add (i32.sub (i32.mul (local.get $ox0) (local.get $sw)) (local.get $pl)) (local.get $j)))
                    (local.get $c4)) (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $dp (i32.add (local.get $dyb) (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox0)) (local.get $c4))
                    (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $cnt (local.get $cnt0))
                  (loop $oxLoop
                    (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $dp)))))
                    (local.set $v1 (f32x4.add (local.get $v1) (f32x4.mul (v128.load offset=16 (local.get $xp)) (v128.load offset=16 (local.get $dp)))))
                    (local.set $v2 (f32x4.add (local.get $v2) (f32x4.mul (v128.load offset=32 (local.get $xp)) (v128.load offset=32 (local.get $dp)))))
                    (local.set $v3 (f32x4.add (local.get $v3) (f32x4.mul (v128.load offset=48 (local.get $xp)) (v128.load offset=48 (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $c4)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                    (br_if $oxLoop (local.get $cnt)))
                  (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                  (br_if $oyLoop (i32.lt_s (local.get $oy) (local.get $oy1))))
                (call $addWide (local.get $a) (local.get $v0))
                (call $addWide (i32.add (local.get $a) (i32.const 32)) (local.get $v1))
                (call $addWide (i32.add (local.get $a) (i32.const 64)) (local.get $v2))
                (call $addWide (i32.add (local.get $a) (i32.const 96)) (local.get $v3))
                (local.set $a (i32.add (local.get $a) (i32.const 128)))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $c16Loop)))
              ;; blocks of 4 channels
              (block $c4Done (loop $c4Loop
                (br_if $c4Done (i32.gt_s (i32.add (local.get $cb) (i32.const 4)) (local.get $c)))
                (local.set $v0 (v128.const i32x4 0 0 0 0))
                (local.set $oy (local.get $oy0))
                (loop $oyLoop4
                  (local.set $xp (i32.add (local.get $xb) (i32.add (i32.mul
                    (i32.add (i32.mul (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $pt)) (local.get $i)) (local.get $wd))
                      (i32.add (i32.sub (i32.mul (local.get $ox0) (local.get $sw)) (local.get $pl)) (local.get $j)))
                    (local.get $c4)) (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $dp (i32.add (local.get $dyb) (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox0)) (local.get $c4))
                    (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $cnt (local.get $cnt0))
                  (loop $oxLoop4
                    (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $c4)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                    (br_if $oxLoop4 (local.get $cnt)))
                  (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                  (br_if $oyLoop4 (i32.lt_s (local.get $oy) (local.get $oy1))))
                (call $addWide (local.get $a) (local.get $v0))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
                (br $c4Loop)))
              ;; remaining channels one at a time
              (block $c1Done (loop $c1Loop
                (br_if $c1Done (i32.ge_s (local.get $cb) (local.get $c)))
                (local.set $s (f32.const 0))
                (local.set $oy (local.get $oy0))
                (loop $oyLoop1
                  (local.set $xp (i32.add (local.get $xb) (i32.add (i32.mul
                    (i32.add (i32.mul (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $pt)) (local.get $i)) (local.get $wd))
                      (i32.add (i32.sub (i32.mul (local.get $ox0) (local.get $sw)) (local.get $pl)) (local.get $j)))
                    (local.get $c4)) (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $dp (i32.add (local.get $dyb) (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox0)) (local.get $c4))
                    (i32.shl (local.get $cb) (i32.const 2)))))
                  (local.set $cnt (local.get $cnt0))
                  (loop $oxLoop1
                    (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xp)) (f32.load (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $c4)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                    (br_if $oxLoop1 (local.get $cnt)))
                  (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                  (br_if $oyLoop1 (i32.lt_s (local.get $oy) (local.get $oy1))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.promote_f32 (local.get $s))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $cb (i32.add (local.get $cb) (i32.const 1)))
                (br $c1Loop)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jLoop)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
    ;; totals to f32
    (local.set $k (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $c)))
    (local.set $a (local.get $acc))
    (local.set $xp (local.get $out))
    (block $w (loop $wl
      (br_if $w (i32.eqz (local.get $k)))
      (f32.store (local.get $xp) (f32.demote_f64 (f64.load (local.get $a))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $wl))))

  ;; dx[b, iy, ix, ch] = sum over taps (i, j) with oy = (iy + pt - i) / sh and ox = (ix + pl - j) / sw
  ;; whole and inside dy, of w[i, j, ch] * dy[b, oy, ox, ch]. Gathers per input pixel (each output
  ;; element written once, no conflicts); taps of one row step by the stride, so none hits a zero.
  (func (export "dwInputGrad")
    (param $dy i32) (param $w i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $wd i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $iy i32) (local $ix i32) (local $cb i32)
    (local $ty i32) (local $tx i32) (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32)
    (local $i i32) (local $cntJ i32) (local $cnt i32) (local $dyb i32) (local $outp i32)
    (local $wp i32) (local $dp i32) (local $wstep i32) (local $c4 i32) (local $dp0 i32) (local $wp0 i32)
    (local $wr i32) (local $dr i32) (local $wRow i32) (local $dRow i32)
    (local $oyI0 i32) (local $oxJ0 i32) (local $qx i32) (local $rx i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $s f32)
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    (local.set $wstep (i32.mul (local.get $sw) (local.get $c4)))
    ;; from one tap row to the next: sh filter rows down, one dy row up
    (local.set $wRow (i32.mul (i32.mul (local.get $sh) (local.get $kw)) (local.get $c4)))
    (local.set $dRow (i32.mul (local.get $ow) (local.get $c4)))
    (local.set $outp (local.get $dx))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $dyb (i32.add (local.get $dy) (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $oh)) (local.get $ow)) (local.get $c4))))
      (local.set $iy (i32.const 0))
      (block $iyDone (loop $iyLoop
        (br_if $iyDone (i32.ge_s (local.get $iy) (local.get $h)))
        (local.set $ty (i32.add (local.get $iy) (local.get $pt)))
        (local.set $i0 (call $firstTap (local.get $ty) (local.get $sh) (local.get $oh)))
        (local.set $i1 (select (local.get $ty) (i32.sub (local.get $kh) (i32.const 1)) (i32.lt_s (local.get $ty) (local.get $kh))))
        ;; dy row of tap i0 (used only when i0 <= i1), once per input row
        (local.set $oyI0 (i32.div_s (i32.sub (local.get $ty) (local.get $i0)) (local.get $sh)))
        ;; tx = ix + pl = qx*sw + rx, kept up to date without dividing per pixel
        (local.set $qx (i32.div_u (local.get $pl) (local.get $sw)))
        (local.set $rx (i32.rem_u (local.get $pl) (local.get $sw)))
        (local.set $ix (i32.const 0))
        (block $ixDone (loop $ixLoop
          (br_if $ixDone (i32.ge_s (local.get $ix) (local.get $wd)))
          (local.set $tx (i32.add (local.get $ix) (local.get $pl)))
          ;; first tap j0 and its dy column: (rx, qx) unless dy's right edge cuts the window
          (if (i32.le_s (local.get $tx) (i32.mul (local.get $sw) (i32.sub (local.get $ow) (i32.const 1))))
            (then
              (local.set $j0 (local.get $rx))
              (local.set $oxJ0 (local.get $qx)))
            (else
              (local.set $j0 (call $firstTap (local.get $tx) (local.get $sw) (local.get $ow)))
              (local.set $oxJ0 (i32.div_s (i32.sub (local.get $tx) (local.get $j0)) (local.get $sw)))))
          (local.set $j1 (select (local.get $tx) (i32.sub (local.get $kw) (i32.const 1)) (i32.lt_s (local.get $tx) (local.get $kw))))
          ;; taps per row (0 when none), the filter offset of tap (i0, j0) and the dy offset it multiplies
          (local.set $cntJ (i32.const 0))
          (if (i32.and (i32.le_s (local.get $i0) (local.get $i1)) (i32.le_s (local.get $j0) (local.get $j1))) (then
            (local.set $cntJ (i32.add
              (if (result i32) (i32.eq (local.get $sw) (i32.const 1))
                (then (i32.sub (local.get $j1) (local.get $j0)))
                (else (i32.div_u (i32.sub (local.get $j1) (local.get $j0)) (local.get $sw))))
              (i32.const 1)))
            (local.set $wp0 (i32.add (local.get $w)
              (i32.mul (i32.add (i32.mul (local.get $i0) (local.get $kw)) (local.get $j0)) (local.get $c4))))
            (local.set $dp0 (i32.add (local.get $dyb) (i32.mul (i32.add
              (i32.mul (local.get $oyI0) (local.get $ow)) (local.get $oxJ0)) (local.get $c4))))))
          (local.set $rx (i32.add (local.get $rx) (i32.const 1)))
          (if (i32.eq (local.get $rx) (local.get $sw)) (then
            (local.set $rx (i32.const 0))
            (local.set $qx (i32.add (local.get $qx) (i32.const 1)))))
          (local.set $cb (i32.const 0))
          (block $c16Done (loop $c16Loop
            (br_if $c16Done (i32.gt_s (i32.add (local.get $cb) (i32.const 16)) (local.get $c)))
            (local.set $v0 (v128.const i32x4 0 0 0 0))
            (local.set $v1 (v128.const i32x4 0 0 0 0))
            (local.set $v2 (v128.const i32x4 0 0 0 0))
            (local.set $v3 (v128.const i32x4 0 0 0 0))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (local.set $wr (i32.add (local.get $wp0) (i32.shl (local.get $cb) (i32.const 2))))
              (local.set $dr (i32.add (local.get $dp0) (i32.shl (local.get $cb) (i32.const 2))))
              (loop $tapRow
                (local.set $wp (local.get $wr))
                (local.set $dp (local.get $dr))
                (local.set $cnt (local.get $cntJ))
                (loop $tap
                  (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $dp)))))
                  (local.set $v1 (f32x4.add (local.get $v1) (f32x4.mul (v128.load offset=16 (local.get $wp)) (v128.load offset=16 (local.get $dp)))))
                  (local.set $v2 (f32x4.add (local.get $v2) (f32x4.mul (v128.load offset=32 (local.get $wp)) (v128.load offset=32 (local.get $dp)))))
                  (local.set $v3 (f32x4.add (local.get $v3) (f32x4.mul (v128.load offset=48 (local.get $wp)) (v128.load offset=48 (local.get $dp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                  (local.set $dp (i32.sub (local.get $dp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap (local.get $cnt)))
                (local.set $wr (i32.add (local.get $wr) (local.get $wRow)))
                (local.set $dr (i32.sub (local.get $dr) (local.get $dRow)))
                (local.set $i (i32.add (local.get $i) (local.get $sh)))
                (br_if $tapRow (i32.le_s (local.get $i) (local.get $i1))))))
            (v128.store (local.get $outp) (local.get $v0))
            (v128.store offset=16 (local.get $outp) (local.get $v1))
            (v128.store offset=32 (local.get $outp) (local.get $v2))
            (v128.store offset=48 (local.get $outp) (local.get $v3))
            (local.set $outp (i32.add (local.get $outp) (i32.const 64)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $c16Loop)))
          (block $c4Done (loop $c4Loop
            (br_if $c4Done (i32.gt_s (i32.add (local.get $cb) (i32.const 4)) (local.get $c)))
            (local.set $v0 (v128.const i32x4 0 0 0 0))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (local.set $wr (i32.add (local.get $wp0) (i32.shl (local.get $cb) (i32.const 2))))
              (local.set $dr (i32.add (local.get $dp0) (i32.shl (local.get $cb) (i32.const 2))))
              (loop $tapRow4
                (local.set $wp (local.get $wr))
                (local.set $dp (local.get $dr))
                (local.set $cnt (local.get $cntJ))
                (loop $tap4
                  (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $dp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                  (local.set $dp (i32.sub (local.get $dp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap4 (local.get $cnt)))
                (local.set $wr (i32.add (local.get $wr) (local.get $wRow)))
                (local.set $dr (i32.sub (local.get $dr) (local.get $dRow)))
                (local.set $i (i32.add (local.get $i) (local.get $sh)))
                (br_if $tapRow4 (i32.le_s (local.get $i) (local.get $i1))))))
            (v128.store (local.get $outp) (local.get $v0))
            (local.set $outp (i32.add (local.get $outp) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $c4Loop)))
          (block $c1Done (loop $c1Loop
            (br_if $c1Done (i32.ge_s (local.get $cb) (local.get $c)))
            (local.set $s (f32.const 0))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (local.set $wr (i32.add (local.get $wp0) (i32.shl (local.get $cb) (i32.const 2))))
              (local.set $dr (i32.add (local.get $dp0) (i32.shl (local.get $cb) (i32.const 2))))
              (loop $tapRow1
                (local.set $wp (local.get $wr))
                (local.set $dp (local.get $dr))
                (local.set $cnt (local.get $cntJ))
                (loop $tap1
                  (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $wp)) (f32.load (local.get $dp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                  (local.set $dp (i32.sub (local.get $dp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap1 (local.get $cnt)))
                (local.set $wr (i32.add (local.get $wr) (local.get $wRow)))
                (local.set $dr (i32.sub (local.get $dr) (local.get $dRow)))
                (local.set $i (i32.add (local.get $i) (local.get $sh)))
                (br_if $tapRow1 (i32.le_s (local.get $i) (local.get $i1))))))
            (f32.store (local.get $outp) (local.get $s))
            (local.set $outp (i32.add (local.get $outp) (i32.const 4)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 1)))
            (br $c1Loop)))
          (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
          (br $ixLoop)))
        (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
        (br $iyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))

  ;; y[b, oy, ox, ch] = act(bias[ch] + sum over taps (i, j) inside x of
  ;; x[b, oy*sh - pt + i, ox*sw - pl + j, ch] * w[i, j, ch]); act is ReLU when $relu is 1, else
  ;; identity; $hasBias 0 means no bias. Gathers per output pixel; taps of one filter row are
  ;; contiguous in both x and w (stride c floats).
  (func (export "dwForward")
    (param $x i32) (param $w i32) (param $bias i32) (param $y i32)
    (param $n i32) (param $h i32) (param $wd i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
    (param $hasBias i32) (param $relu i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $ty i32) (local $tx i32) (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $cntJ i32)
    (local $i i32) (local $cnt i32) (local $xb i32) (local $outp i32)
    (local $wp i32) (local $xp i32) (local $c4 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $s f32)
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    (local.set $outp (local.get $y))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $h)) (local.get $wd)) (local.get $c4))))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $oh)))
        ;; input row of tap 0, and the taps inside x: [i0, i1)
        (local.set $ty (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $pt)))
        (local.set $i0 (select (i32.sub (i32.const 0) (local.get $ty)) (i32.const 0) (i32.lt_s (local.get $ty) (i32.const 0))))
        (local.set $i1 (select (i32.sub (local.get $h) (local.get $ty)) (local.get $kh) (i32.lt_s (i32.sub (local.get $h) (local.get $ty)) (local.get $kh))))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_s (local.get $ox) (local.get $ow)))
          (local.set $tx (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $pl)))
          (local.set $j0 (select (i32.sub (i32.const 0) (local.get $tx)) (i32.const 0) (i32.lt_s (local.get $tx) (i32.const 0))))
          (local.set $cntJ (i32.sub
            (select (i32.sub (local.get $wd) (local.get $tx)) (local.get $kw) (i32.lt_s (i32.sub (local.get $wd) (local.get $tx)) (local.get $kw)))
            (local.get $j0)))
          (if (i32.or (i32.le_s (local.get $cntJ) (i32.const 0)) (i32.ge_s (local.get $i0) (local.get $i1)))
            (then (local.set $cntJ (i32.const 0))))
          (local.set $cb (i32.const 0))
          (block $c16Done (loop $c16Loop
            (br_if $c16Done (i32.gt_s (i32.add (local.get $cb) (i32.const 16)) (local.get $c)))
            (if (local.get $hasBias)
              (then
                (local.set $wp (i32.add (local.get $bias) (i32.shl (local.get $cb) (i32.const 2))))
                (local.set $v0 (v128.load (local.get $wp)))
                (local.set $v1 (v128.load offset=16 (local.get $wp)))
                (local.set $v2 (v128.load offset=32 (local.get $wp)))
                (local.set $v3 (v128.load offset=48 (local.get $wp))))
              (else
                (local.set $v0 (v128.const i32x4 0 0 0 0))
                (local.set $v1 (v128.const i32x4 0 0 0 0))
                (local.set $v2 (v128.const i32x4 0 0 0 0))
                (local.set $v3 (v128.const i32x4 0 0 0 0))))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (loop $tapRow
                (local.set $wp (i32.add (local.get $w) (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j0)) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $xp (i32.add (local.get $xb) (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (local.get $ty) (local.get $i)) (local.get $wd)) (i32.add (local.get $tx) (local.get $j0))) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $cnt (local.get $cntJ))
                (loop $tap
                  (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $xp)))))
                  (local.set $v1 (f32x4.add (local.get $v1) (f32x4.mul (v128.load offset=16 (local.get $wp)) (v128.load offset=16 (local.get $xp)))))
                  (local.set $v2 (f32x4.add (local.get $v2) (f32x4.mul (v128.load offset=32 (local.get $wp)) (v128.load offset=32 (local.get $xp)))))
                  (local.set $v3 (f32x4.add (local.get $v3) (f32x4.mul (v128.load offset=48 (local.get $wp)) (v128.load offset=48 (local.get $xp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $c4)))
                  (local.set $xp (i32.add (local.get $xp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap (local.get $cnt)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $tapRow (i32.lt_s (local.get $i) (local.get $i1))))))
            (if (local.get $relu) (then
              (local.set $v0 (f32x4.max (local.get $v0) (v128.const i32x4 0 0 0 0)))
              (local.set $v1 (f32x4.max (local.get $v1) (v128.const i32x4 0 0 0 0)))
              (local.set $v2 (f32x4.max (local.get $v2) (v128.const i32x4 0 0 0 0)))
              (local.set $v3 (f32x4.max (local.get $v3) (v128.const i32x4 0 0 0 0)))))
            (v128.store (local.get $outp) (local.get $v0))
            (v128.store offset=16 (local.get $outp) (local.get $v1))
            (v128.store offset=32 (local.get $outp) (local.get $v2))
            (v128.store offset=48 (local.get $outp) (local.get $v3))
            (local.set $outp (i32.add (local.get $outp) (i32.const 64)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $c16Loop)))
          (block $c4Done (loop $c4Loop
            (br_if $c4Done (i32.gt_s (i32.add (local.get $cb) (i32.const 4)) (local.get $c)))
            (local.set $v0 (if (result v128) (local.get $hasBias)
              (then (v128.load (i32.add (local.get $bias) (i32.shl (local.get $cb) (i32.const 2)))))
              (else (v128.const i32x4 0 0 0 0))))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (loop $tapRow4
                (local.set $wp (i32.add (local.get $w) (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j0)) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $xp (i32.add (local.get $xb) (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (local.get $ty) (local.get $i)) (local.get $wd)) (i32.add (local.get $tx) (local.get $j0))) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $cnt (local.get $cntJ))
                (loop $tap4
                  (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $xp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $c4)))
                  (local.set $xp (i32.add (local.get $xp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap4 (local.get $cnt)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $tapRow4 (i32.lt_s (local.get $i) (local.get $i1))))))
            (if (local.get $relu) (then (local.set $v0 (f32x4.max (local.get $v0) (v128.const i32x4 0 0 0 0)))))
            (v128.store (local.get $outp) (local.get $v0))
            (local.set $outp (i32.add (local.get $outp) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $c4Loop)))
          (block $c1Done (loop $c1Loop
            (br_if $c1Done (i32.ge_s (local.get $cb) (local.get $c)))
            (local.set $s (if (result f32) (local.get $hasBias)
              (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $cb) (i32.const 2)))))
              (else (f32.const 0))))
            (if (local.get $cntJ) (then
              (local.set $i (local.get $i0))
              (loop $tapRow1
                (local.set $wp (i32.add (local.get $w) (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j0)) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $xp (i32.add (local.get $xb) (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (local.get $ty) (local.get $i)) (local.get $wd)) (i32.add (local.get $tx) (local.get $j0))) (local.get $c4))
                  (i32.shl (local.get $cb) (i32.const 2)))))
                (local.set $cnt (local.get $cntJ))
                (loop $tap1
                  (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $wp)) (f32.load (local.get $xp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $c4)))
                  (local.set $xp (i32.add (local.get $xp) (local.get $c4)))
                  (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br_if $tap1 (local.get $cnt)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $tapRow1 (i32.lt_s (local.get $i) (local.get $i1))))))
            (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
            (f32.store (local.get $outp) (local.get $s))
            (local.set $outp (i32.add (local.get $outp) (i32.const 4)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 1)))
            (br $c1Loop)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
)
