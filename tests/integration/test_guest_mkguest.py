#!/usr/bin/env python3
"""Issue 13: cordon-mkguest's cache, without the network. --no-build never
makes an image: with none, or one whose package list changed, it exits 3
saying which. With an image of the current package list it copies in the
agent and the init given (mode 755), prints KERNEL=, INITRD=, ROOT= under
the cache directory, leaves them alone when they are the same (no rewrite,
same inode) and replaces them, through a new file, when they change. A
cache directory that a shell or mmdebstrap hook would split is refused."""
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq
import qemutest


def mkguest(cache, agent, init, *extra):
    return subprocess.run([qemutest.MKGUEST, '--dir', cache, '--agent', agent, '--init', init,
                           '--packages', qemutest.PACKAGES] + list(extra),
                          capture_output=True, text=True, timeout=30)


def package_hash():
    """What cordon-mkguest stores: the recipe number, then the package list."""
    with open(qemutest.MKGUEST) as f:
        recipe = re.search(r'^recipe=(\d+)$', f.read(), re.M).group(1)
    lines = [f'recipe {recipe}']
    with open(qemutest.PACKAGES) as f:
        for line in f:
            line = re.sub(r'\s', '', line.split('#', 1)[0])
            if line:
                lines.append(line)
    return hashlib.sha256(('\n'.join(lines) + '\n').encode()).hexdigest()


def main():
    tmp = tempfile.mkdtemp(prefix='mkg.', dir='/tmp')
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp):
    agent = os.path.join(tmp, 'agent')
    init = os.path.join(tmp, 'init')
    for path, text in ((agent, '#!/bin/sh\necho agent 1\n'), (init, '#!/bin/sh\necho init\n')):
        with open(path, 'w') as f:
            f.write(text)
        os.chmod(path, 0o700)
    cache = os.path.join(tmp, 'cache')

    res = mkguest(cache, agent, init, '--no-build')
    check_eq(res.returncode, 3, f'--no-build without an image: {res.stderr!r}')
    check('no guest image' in res.stderr, f'the reason: {res.stderr!r}')
    check(not os.path.exists(cache), 'the cache directory was made by --no-build')

    image = os.path.join(cache, 'image')
    root = os.path.join(image, 'root')
    for d in ('usr/local/bin', 'usr/sbin'):
        os.makedirs(os.path.join(root, d))
    with open(os.path.join(image, 'packages.sha256'), 'w') as f:
        f.write('0' * 64 + '\n')
    res = mkguest(cache, agent, init, '--no-build')
    check_eq(res.returncode, 3, f'--no-build with an outdated image: {res.stderr!r}')
    check('out of date' in res.stderr, f'the reason: {res.stderr!r}')

    with open(os.path.join(image, 'packages.sha256'), 'w') as f:
        f.write(package_hash() + '\n')
    res = mkguest(cache, agent, init, '--no-build', '--quiet')
    check_eq(res.returncode, 0, f'--no-build with a current image: {res.stderr!r}')
    check_eq(res.stdout.split(), [f'KERNEL={image}/vmlinuz', f'INITRD={image}/initrd.img',
                                  f'ROOT={root}'], 'what cordon-mkguest printed')
    in_agent = os.path.join(root, 'usr/local/bin/cordon-agent')
    in_init = os.path.join(root, 'usr/sbin/init')
    for src, dst in ((agent, in_agent), (init, in_init)):
        with open(src) as a, open(dst) as b:
            check_eq(b.read(), a.read(), f'{dst} in the image')
        check_eq(stat.S_IMODE(os.stat(dst).st_mode), 0o755, f'mode of {dst}')
    inodes = (os.stat(in_agent).st_ino, os.stat(in_init).st_ino)

    res = mkguest(cache, agent, init, '--no-build')
    check_eq(res.returncode, 0, f'a second run: {res.stderr!r}')
    check('refreshed' not in res.stderr, f'a second run copied again: {res.stderr!r}')
    check_eq((os.stat(in_agent).st_ino, os.stat(in_init).st_ino), inodes,
             'inodes of the unchanged agent and init')

    with open(agent, 'w') as f:
        f.write('#!/bin/sh\necho agent 2\n')
    res = mkguest(cache, agent, init, '--no-build')
    check_eq(res.returncode, 0, f'a run with a new agent: {res.stderr!r}')
    check('refreshed /usr/local/bin/cordon-agent' in res.stderr, f'its output: {res.stderr!r}')
    with open(in_agent) as f:
        check_eq(f.read(), '#!/bin/sh\necho agent 2\n', 'the agent in the image')
    check(os.stat(in_agent).st_ino != inodes[0], 'the agent was rewritten in place')
    check_eq(os.stat(in_init).st_ino, inodes[1], 'the unchanged init was copied again')
    check_eq([n for n in os.listdir(os.path.dirname(in_agent)) if n != 'cordon-agent'], [],
             'temporary files left next to the agent')

    bad = os.path.join(tmp, 'a"b')
    res = mkguest(bad, agent, init, '--no-build')
    check_eq(res.returncode, 1, f'a cache directory with a quote: {res.stderr!r}')
    check('cache directory' in res.stderr, f'the reason: {res.stderr!r}')

    res = mkguest(cache, agent, init, '--bogus')
    check_eq(res.returncode, 2, f'an unknown option: {res.stderr!r}')


harness.main(main)
