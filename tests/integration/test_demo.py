#!/usr/bin/env python3
"""Issue 8: the demo shows the product. tests/demo.sh (./dev demo) opens a
host terminal, a GTK program in the blue domain "work" and a terminal in
the red domain "untrusted", and saves a screenshot where each wears its
frame; then a paste from untrusted into work under "ask" puts cordon's
prompt on screen (the second screenshot), the paste is denied and work
receives nothing."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, hex_color, Screenshot
import cliptest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRAMES = {'host': hex_color('3c3c3c'), 'work': hex_color('0072b2'),
          'untrusted': hex_color('d55e00')}


def read_png(path):
    """grim's PNG (8-bit RGB or RGBA, not interlaced) as a harness Screenshot."""
    with open(path, 'rb') as f:
        data = f.read()
    check(data[:8] == b'\x89PNG\r\n\x1a\n', f'{path} is not a PNG')
    pos, idat, width = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            width, height, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            check(depth == 8 and ctype in (2, 6) and not interlace,
                  f'{path}: PNG depth {depth} colour type {ctype} interlace {interlace}')
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if ftype else 0):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        if bpp == 3:
            out += line
        else:
            for x in range(width):
                out += line[x * bpp:x * bpp + 3]
        prev = line
    return Screenshot(b'P6\n%d %d\n255\n' % (width, height) + bytes(out))


def main():
    harness.require('grim', 'wl-copy', 'wl-paste', 'foot')
    build = os.path.dirname(os.path.dirname(os.path.abspath(harness.cordon_bin())))
    out = tempfile.mkdtemp(prefix='demo.', dir='/tmp')
    try:
        try:
            res = subprocess.run([os.path.join(TOP, 'tests', 'demo.sh'), build, out],
                                 capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            harness.fail('tests/demo.sh did not finish within 60 s')
        log = res.stdout + res.stderr
        check(res.returncode == 0, f'tests/demo.sh exited {res.returncode}:\n{log}')
        for words in (['host terminal'], ['untrusted terminal'], ['work'],
                      ['untrusted', 'work', 'text/plain'], ['ask-deny', 'denied'],
                      ['work received nothing']):
            check(any(all(w in l for w in words) for l in log.splitlines()),
                  f'the demo\'s output has no line with {words}:\n{log}')

        shot = read_png(os.path.join(out, 'demo.png'))
        # Each frame: a titlebar and border ring of its colour, so at least
        # the perimeter of a 300x200 window in pixels.
        for domain, color in FRAMES.items():
            n = shot.raw.count(bytes(color))
            check(n >= 2 * (300 + 200) * 4,
                  f'demo.png has {n} pixels of {domain}\'s frame colour {color}')
        prompt = read_png(os.path.join(out, 'demo-prompt.png'))
        box = cliptest.find_prompt_box(prompt, FRAMES['work'])
        check(box is not None, 'demo-prompt.png shows no prompt box framed in work\'s '
                               'colour, centred on the output')
        x0, y0, x1, y1 = box
        inside = prompt.region(x0 + 4, y0 + 4, x1 - x0 - 8, y1 - y0 - 8)
        check(inside.count(FRAMES['untrusted']) >= 10,
              'the prompt does not name untrusted in its colour')
        if os.environ.get('CORDON_TEST_ARTIFACTS'):
            dest = os.environ['CORDON_TEST_ARTIFACTS']
            os.makedirs(dest, exist_ok=True)
            for name in ('demo.png', 'demo-prompt.png'):
                shutil.copy(os.path.join(out, name), os.path.join(dest, name))
    finally:
        shutil.rmtree(out, ignore_errors=True)


harness.main(main)
