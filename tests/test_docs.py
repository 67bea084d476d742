"""The README and the docs pages: every page linked from the README, no link dangling, and every
command of their fenced ``bash`` blocks runnable as written: its script and configs exist and
its arguments parse with the tool's own argument parser."""
import argparse
import glob
import os.path as osp
import re
import runpy
import shlex
import sys
from typing import Iterator, List, Tuple

import pytest

from .utils import ROOT

PAGES = ['README.md'] + sorted(osp.relpath(p, ROOT) for p in glob.glob(f'{ROOT}/docs/*.md'))
LINK = re.compile(r'\]\(([^)\s]+)\)')
ENVIRONMENT = re.compile(r'^[A-Z_]+=\S*$')


def bash_commands(page: str) -> Iterator[str]:
    """The commands of a page's fenced ``bash`` blocks (continuations joined, comments cut)."""
    with open(osp.join(ROOT, page)) as f:
        text = f.read()
    for block in re.findall(r'```bash\n(.*?)```', text, re.S):
        for line in block.replace('\\\n', ' ').split('\n'):
            line = re.split(r'\s#', line)[0].strip()
            if line and not line.startswith('#'):
                yield line


def words_of(command: str) -> List[str]:
    """A command's words, without leading ``VAR=value`` assignments and the ``[ ]`` that mark
    optional arguments in the docs."""
    words = shlex.split(command.replace('[', ' ').replace(']', ' '))
    while words and ENVIRONMENT.match(words[0]):
        words.pop(0)
    return words


class _Parser(Exception):
    def __init__(self, parser):
        self.parser = parser


def tool_parser(script: str) -> argparse.ArgumentParser:
    """The argument parser a tool builds, taken from its first ``parse_args`` call (the tool
    runs as ``__main__`` up to that point and no further)."""
    original = argparse.ArgumentParser.parse_args

    def capture(parser, *args, **kwargs):
        raise _Parser(parser)

    argv, path = sys.argv, list(sys.path)
    argparse.ArgumentParser.parse_args = capture
    sys.argv = [script]
    sys.path.insert(0, osp.dirname(osp.join(ROOT, script)))  # as `python script` puts it
    try:
        runpy.run_path(osp.join(ROOT, script), run_name='__main__')
    except _Parser as found:
        return found.parser
    finally:
        argparse.ArgumentParser.parse_args = original
        sys.argv, sys.path[:] = argv, path
    raise AssertionError(f'{script} parsed no arguments')


def documented_commands() -> List[Tuple[str, str]]:
    return [(page, command) for page in PAGES for command in bash_commands(page)]


def check_command(command: str) -> None:
    """Raise AssertionError, saying why, where the command cannot run as documented."""
    words = words_of(command)
    if words[0] == 'make':
        with open(osp.join(ROOT, 'Makefile')) as f:
            targets = re.findall(r'^([\w-]+):', f.read(), re.M)
        assert words[1] in targets, f'no make target {words[1]!r} (targets: {targets})'
        return
    if words[0] == 'python':
        words = words[1:]
    script, args = words[0], words[1:]
    assert script.startswith('tools/'), f'{command!r}: expected `python tools/...`, ' \
        '`tools/*.sh` or `make`'
    assert osp.isfile(osp.join(ROOT, script)), f'{script} does not exist'
    for arg in args:
        if arg.startswith('configs/'):
            assert osp.isfile(osp.join(ROOT, arg)), f'{arg} does not exist'
    if script.endswith('.sh'):
        return
    parser = tool_parser(script)
    try:
        parser.parse_args(args)
    except SystemExit as error:
        raise AssertionError(f'{script} does not accept {" ".join(args)!r} (exit '
                             f'{error.code}); see its --help') from None


@pytest.mark.parametrize('page,command', documented_commands())
def test_documented_command_runs(page, command, capsys):
    check_command(command)


def test_a_renamed_flag_or_config_fails():
    check_command('python tools/reproduce.py --studies loss --seeds 0')
    with pytest.raises(AssertionError, match='does not accept'):
        check_command('python tools/reproduce.py --studys loss')
    with pytest.raises(AssertionError, match='does not accept'):
        check_command('python tools/reproduce.py --studies no_such_study')
    with pytest.raises(AssertionError, match='configs/wing/cnn6_aflw_renamed.py does not exist'):
        check_command('python tools/train.py configs/wing/cnn6_aflw_renamed.py')
    with pytest.raises(AssertionError, match='no make target'):
        check_command('make no-such-target')


def test_readme_links_every_page_and_no_link_dangles():
    with open(osp.join(ROOT, 'README.md')) as f:
        readme = f.read()
    assert len(readme.splitlines()) <= 200
    for page in PAGES[1:]:
        assert f']({page})' in readme, f'{page} is not linked from README.md'
    for page in PAGES:
        with open(osp.join(ROOT, page)) as f:
            for target in LINK.findall(f.read()):
                if re.match(r'^[a-z]+://', target) or target.startswith('#'):
                    continue
                path = osp.join(ROOT, osp.dirname(page), target.split('#')[0])
                assert osp.exists(path), f'{page}: the link {target} leads nowhere'
