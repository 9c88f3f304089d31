"""PyTorch reference for bench/compute (CPU, 1 thread). Mirrors nets.ts op for op in NCHW.

Usage: reference.py NET MODE STEPS [--sync]   -> prints JSON {"ms": median}
  NET: conv4 | spos | spos-sn (same net as spos)
  MODE: forward (no grad, BN with batch statistics) | eval (no grad, BN with running statistics,
        PyTorch eager: conv and BN separate, as users run it) | train (one SGD step)
  --sync: after the warm-up print "ready" and wait for a line on stdin (run-bench --parallel)
Usage: reference.py kernels STEPS   -> JSON {"ms": {kernel name: median ms}} (measure.ts KERNEL_SHAPES)
Needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import json, sys, time
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def conv_w(k, cin, cout):
    return (torch.randn(cout, cin, k, k) / (k * k * cin) ** 0.5).requires_grad_()


def dw_w(k, c):
    return (torch.randn(c, 1, k, k) / k).requires_grad_()


EVAL = False
_stats = {}


def bn(x):
    if not EVAL:
        return F.batch_norm(x, None, None, training=True, eps=1e-5)
    c = x.shape[1]
    if c not in _stats:
        _stats[c] = (torch.zeros(c), torch.ones(c))
    mean, var = _stats[c]
    return F.batch_norm(x, mean, var, training=False, eps=1e-5)


def conv4():
    ws = [conv_w(3, 3, 32), conv_w(3, 32, 32), conv_w(3, 32, 64), conv_w(3, 64, 64)]
    fc = (torch.randn(64, 10) / 8).requires_grad_()
    strides = [1, 2, 1, 2]

    def fwd(x):
        for w, s in zip(ws, strides):
            x = F.relu(F.conv2d(x, w, stride=s, padding=1))
        return x.mean((2, 3)) @ fc
    return ws + [fc], fwd


def spos(choices=(0, 1, 2, 3, 2, 1)):
    params = []

    def P(t):
        params.append(t)
        return t

    def pw(w, h, relu=True):
        y = bn(F.conv2d(h, w))
        return F.relu(y) if relu else y

    def dw(w, h, s):
        k = w.shape[-1]
        return bn(F.conv2d(h, w, stride=s, padding=k // 2, groups=h.shape[1]))

    def block(choice, inp, out, stride):
        mid = out // 2
        bi = out // 2 if stride == 1 else inp
        bo = out - bi
        if choice < 3:
            k = 3 + 2 * choice
            w1, wd, w2 = P(conv_w(1, bi, mid)), P(dw_w(k, mid)), P(conv_w(1, mid, bo))
            main = lambda h: pw(w2, dw(wd, pw(w1, h), stride))
        else:
            ws = [P(dw_w(3, bi)), P(conv_w(1, bi, mid)), P(dw_w(3, mid)), P(conv_w(1, mid, mid)), P(dw_w(3, mid)), P(conv_w(1, mid, bo))]
            main = lambda h: pw(ws[5], dw(ws[4], pw(ws[3], dw(ws[2], pw(ws[1], dw(ws[0], h, stride)), 1)), 1))
        if stride == 1:
            def f(x):
                proj, rest = x[:, 0::2], x[:, 1::2]
                return torch.cat([proj, main(rest)], 1)
            return f
        pk = 3 + 2 * choice if choice < 3 else 3
        pd, pp = P(dw_w(pk, inp)), P(conv_w(1, inp, inp))
        return lambda x: torch.cat([pw(pp, dw(pd, x, 2)), main(x)], 1)

    stem = P(conv_w(3, 3, 16))
    blocks, cin, b = [], 16, 0
    for cout in (32, 64, 128):
        for r in range(2):
            blocks.append(block(choices[b], cin, cout, 2 if r == 0 else 1))
            b += 1
            cin = cout
    head, fc = P(conv_w(1, 128, 256)), P((torch.randn(256, 10) / 16).requires_grad_())

    def fwd(x):
        h = F.relu(bn(F.conv2d(x, stem, stride=2, padding=1)))
        for blk in blocks:
            h = blk(h)
        h = F.relu(bn(F.conv2d(h, head)))
        return h.mean((2, 3)) @ fc
    return params, fwd


def median_ms(once, steps):
    once()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        once()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def dw_grad_shapes(k, nhwc, r):
    """Filter (dW) and input (dX) gradients of a k x k depthwise conv, padding k // 2, stride 1 and 2,
    through aten's convolution_backward (what autograd runs); names as in measure.ts."""
    n, h, w, c = nhwc
    x, wt = r(n, c, h, w), r(c, 1, k, k)
    out = {}
    for s in (1, 2):
        dy = r(n, c, -(-h // s), -(-w // s))
        shape = 's%d %s' % (s, 'x'.join(map(str, nhwc)))
        for name, mask in (('dW', [False, True, False]), ('dX', [True, False, False])):
            def run(s=s, dy=dy, mask=mask):
                grads = torch.ops.aten.convolution_backward(dy, x, wt, None, [s, s], [k // 2, k // 2], [1, 1], False, [0, 0], c, mask)
                return grads[1] if mask[1] else grads[0]
            out['dw%dx%d %s %s' % (k, k, name, shape)] = run
    return out


def kernels(steps):
    torch.manual_seed(7)
    r = lambda *s: torch.rand(*s) * 2 - 1
    a, b = r(1024, 1024), r(1024, 1024)
    x3, w3 = r(64, 32, 16, 16), r(64, 32, 3, 3)
    x1, w1 = r(64, 64, 8, 8), r(64, 64, 1, 1)
    xd, wd = r(64, 32, 8, 8), r(32, 1, 7, 7)
    shapes = {
        'matmul 1024^3': lambda: a @ b,
        'conv3x3 64x16x16x32->64': lambda: F.conv2d(x3, w3, padding=1),
        'conv1x1 64x8x8x64->64': lambda: F.conv2d(x1, w1),
        'dw7x7 64x8x8x32': lambda: F.conv2d(xd, wd, padding=3, groups=32),
    }
    shapes.update(dw_grad_shapes(7, (64, 8, 8, 32), r))
    shapes.update(dw_grad_shapes(3, (64, 16, 16, 16), r))
    with torch.no_grad():
        ms = {name: median_ms(lambda f=f: f().sum().item(), steps) for name, f in shapes.items()}
    print(json.dumps({'ms': ms, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


def main():
    global EVAL
    if sys.argv[1] == 'kernels':
        return kernels(int(sys.argv[2]))
    net, mode, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    EVAL = mode == 'eval'
    params, fwd = conv4() if net == 'conv4' else spos()
    x = torch.rand(64, 3, 32, 32)
    y = torch.arange(64) % 10
    opt = torch.optim.SGD(params, lr=0.01)

    def once():
        if mode in ('forward', 'eval'):
            with torch.no_grad():
                fwd(x).sum().item()
        else:
            opt.zero_grad()
            loss = F.cross_entropy(fwd(x), y)
            loss.backward()
            opt.step()
            loss.item()
    once()
    if '--sync' in sys.argv:
        print('ready', flush=True)
        sys.stdin.readline()
    ms = median_ms(once, steps)
    print(json.dumps({'ms': ms, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
