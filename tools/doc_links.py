#!/usr/bin/env python3
"""Every Markdown link of README.md and docs/*.md to a file#anchor or an
#anchor points at an existing file and heading (GitHub's heading slugs).
Prints the broken links and exits 1 if there are any."""
import os
import re
import sys


def slug(heading):
    heading = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return heading.replace(' ', '-')


def anchors(path):
    found, fence = set(), False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'):
            fence = not fence
        m = None if fence else re.match(r'#+ (.*)', line)
        if m:
            found.add(slug(m.group(1)))
    return found


def main():
    files = ['README.md'] + sorted('docs/' + f for f in os.listdir('docs') if f.endswith('.md'))
    broken = []
    for f in files:
        text = open(f, encoding='utf-8').read()
        for m in re.finditer(r'\]\(([^)\s#]*)#([^)\s]*)\)', text):
            target = os.path.normpath(os.path.join(os.path.dirname(f), m.group(1))) if m.group(1) else f
            if not os.path.exists(target) or m.group(2) not in anchors(target):
                broken.append(f'{f}: {m.group(0)}')
    print('\n'.join(broken))
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
